#include "swfvault/thread_name.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace swfvault {
namespace {

// Names a new thread `name` and returns what the kernel then holds for it.
std::string NameOfAThreadCalled(std::string_view name) {
  std::string held;
  std::thread t([&] {
    NameThisThread(name);
    held = ThisThreadName();
  });
  t.join();
  return held;
}

TEST(ThreadNameTest, NamesTheCallingThreadOnly) {
  std::string before = ThisThreadName();
  EXPECT_EQ(NameOfAThreadCalled("swf-test"), "swf-test");
  EXPECT_EQ(ThisThreadName(), before);
}

TEST(ThreadNameTest, CutsALongNameToWhatTheKernelKeeps) {
  EXPECT_EQ(NameOfAThreadCalled("swf-a-name-much-longer-than-fifteen"), "swf-a-name-much");
}

}  // namespace
}  // namespace swfvault
