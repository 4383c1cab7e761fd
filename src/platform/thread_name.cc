#include "swfvault/thread_name.h"

#include <pthread.h>

namespace swfvault {
namespace {

constexpr size_t kMaxName = 15;  // TASK_COMM_LEN minus the terminating NUL

}  // namespace

void NameThisThread(std::string_view name) {
  std::string cut(name.substr(0, kMaxName));
  (void)pthread_setname_np(pthread_self(), cut.c_str());  // a name is a debugging aid only
}

std::string ThisThreadName() {
  char buf[kMaxName + 1] = {};
  if (pthread_getname_np(pthread_self(), buf, sizeof buf) != 0) return {};
  return buf;
}

}  // namespace swfvault
