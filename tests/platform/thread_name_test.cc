#include "swfvault/thread_name.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace swfvault {
namespace {

TEST(ThreadNameTest, NamesTheCallingThreadOnly) {
  std::string before = ThisThreadName();
  std::string inside;
  std::thread t([&] {
    NameThisThread("swf-test");
    inside = ThisThreadName();
  });
  t.join();
  EXPECT_EQ(inside, "swf-test");
  EXPECT_EQ(ThisThreadName(), before);
}

TEST(ThreadNameTest, CutsALongNameToWhatTheKernelKeeps) {
  std::string inside;
  std::thread t([&] {
    NameThisThread("swf-a-name-much-longer-than-fifteen");
    inside = ThisThreadName();
  });
  t.join();
  EXPECT_EQ(inside, "swf-a-name-much");
}

}  // namespace
}  // namespace swfvault
