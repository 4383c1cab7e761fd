// StopFlag: asks long work (a sync's transfers, retry waits, verify) to stop at its next safe
// point. Request() is one lock-free atomic store, so a signal handler may call it; the work
// polls requested() and ends with kCancelled, keeping what it already made durable.
//
// StopOnSignals() wires SIGINT and SIGTERM to one flag. The first signal requests the stop and
// puts the default action back (SA_RESETHAND), so a second signal ends the process at once;
// the vault survives that like any crash (RELIABILITY rule 1).
#ifndef SWFVAULT_STOP_FLAG_H_
#define SWFVAULT_STOP_FLAG_H_

#include <atomic>
#include <string>

#include "swfvault/status.h"

namespace swfvault {

class StopFlag {
 public:
  void Request() noexcept { requested_.store(true, std::memory_order_relaxed); }
  bool requested() const noexcept { return requested_.load(std::memory_order_relaxed); }
  void Reset() noexcept { requested_.store(false, std::memory_order_relaxed); }

 private:
  static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");
  std::atomic<bool> requested_{false};
};

// Installs the SIGINT and SIGTERM handlers for `flag`, which must outlive them (use a static).
// A later call moves them to another flag. kInternal when sigaction fails.
Status StopOnSignals(StopFlag& flag);

// The one message every stopped piece of work uses, so the user sees why.
inline Status StoppedOnRequest(const std::string& what) {
  return Cancelled(what + ": stopped on request (SIGINT/SIGTERM)");
}

}  // namespace swfvault

#endif  // SWFVAULT_STOP_FLAG_H_
