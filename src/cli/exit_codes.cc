#include "swfvault/exit_codes.h"

#include <iterator>

namespace swfvault {

ExitCode ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kUnavailable: return kExitRetryable;
    case StatusCode::kUnauthenticated: return kExitAuth;
    case StatusCode::kPermissionDenied:
      // With an HTTP status the server refused (a refused identity or mandate arrives as
      // kUnauthenticated, see SwfClient); without one it is local (EACCES, EPERM, EROFS, a
      // symlink refused), which no credential fixes, so it must not look like exit 4.
      return status.http_status() != 0 ? kExitRefused : kExitError;
    case StatusCode::kConflict: return kExitRefused;
    case StatusCode::kCorruption: return kExitIntegrity;
    case StatusCode::kLocked: return kExitLocked;
    case StatusCode::kResourceExhausted:
      return status.http_status() == 413 ? kExitRefused : kExitDiskFull;
    case StatusCode::kNotFound: return kExitNotFound;
    case StatusCode::kCancelled: return kExitInterrupted;
    case StatusCode::kUnsupported:    // a vault from a newer swfvault: upgrade, nothing to retry
    case StatusCode::kAlreadyExists:  // a local path in the way: not a reason to retry
    case StatusCode::kIoError:
    case StatusCode::kInternal: return kExitError;
  }
  return kExitError;
}

namespace {

// Lowest first; a code not listed ranks as kExitError.
int Urgency(int code) {
  constexpr int kOrder[] = {kExitOk,        kExitTimeLimit, kExitInterrupted, kExitLocked,
                            kExitRetryable, kExitPartial,   kExitNotFound,    kExitRefused,
                            kExitError,     kExitUsage,     kExitAuth,        kExitDiskFull,
                            kExitIntegrity};
  for (int i = 0; i < static_cast<int>(std::size(kOrder)); ++i) {
    if (kOrder[i] == code) return i;
  }
  return Urgency(kExitError);
}

}  // namespace

int MoreUrgentExitCode(int a, int b) { return Urgency(b) > Urgency(a) ? b : a; }

}  // namespace swfvault
