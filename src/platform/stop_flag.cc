#include "swfvault/stop_flag.h"

#include <cerrno>
#include <csignal>
#include <cstring>

namespace swfvault {
namespace {

std::atomic<StopFlag*> g_flag{nullptr};

extern "C" void OnStopSignal(int) {
  if (StopFlag* flag = g_flag.load(std::memory_order_relaxed)) flag->Request();
}

}  // namespace

Status StopOnSignals(StopFlag& flag) {
  g_flag.store(&flag);
  struct sigaction action {};
  action.sa_handler = &OnStopSignal;
  sigemptyset(&action.sa_mask);
  // Restart interrupted system calls: the work notices the flag at its next check instead of
  // seeing EINTR in the middle of a write. Reset after the first delivery: a second Ctrl-C kills.
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  for (int sig : {SIGINT, SIGTERM}) {
    if (sigaction(sig, &action, nullptr) != 0) {
      return Internal(std::string("sigaction(") + strsignal(sig) + "): " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

}  // namespace swfvault
