#include "swfvault/stop_flag.h"

#include <cerrno>
#include <csignal>
#include <cstring>

namespace swfvault {
namespace {

std::atomic<StopFlag*> g_flag{nullptr};

extern "C" void OnStopSignal(int) {
  // The default action back for both: a second signal, whichever (Ctrl-C after a
  // `systemctl stop`), ends the process at once. sigaction is async-signal-safe.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(SIGINT, &dfl, nullptr);
  sigaction(SIGTERM, &dfl, nullptr);
  if (StopFlag* flag = g_flag.load(std::memory_order_relaxed)) flag->Request();
}

}  // namespace

Status StopOnSignals(StopFlag& flag) {
  g_flag.store(&flag);
  struct sigaction action {};
  action.sa_handler = &OnStopSignal;
  sigemptyset(&action.sa_mask);
  // Restart interrupted system calls: the work notices the flag at its next check instead of
  // seeing EINTR in the middle of a write. The handler resets both signals: a second one kills.
  action.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM}) {
    if (sigaction(sig, &action, nullptr) != 0) {
      return Internal(std::string("sigaction(") + strsignal(sig) + "): " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

}  // namespace swfvault
