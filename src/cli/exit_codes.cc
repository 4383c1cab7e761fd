#include "swfvault/exit_codes.h"

namespace swfvault {

ExitCode ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kUnavailable: return kExitRetryable;
    case StatusCode::kUnauthenticated: return kExitAuth;
    case StatusCode::kPermissionDenied:
      // 403 from the server is a refusal; a local EACCES or a bad key mode is not.
      return status.http_status() != 0 ? kExitRefused : kExitAuth;
    case StatusCode::kConflict: return kExitRefused;
    case StatusCode::kCorruption: return kExitIntegrity;
    case StatusCode::kLocked: return kExitLocked;
    case StatusCode::kResourceExhausted:
      return status.http_status() == 413 ? kExitRefused : kExitDiskFull;
    case StatusCode::kNotFound: return kExitNotFound;
    case StatusCode::kCancelled: return kExitInterrupted;
    case StatusCode::kAlreadyExists:  // a local path in the way: not a reason to retry
    case StatusCode::kIoError:
    case StatusCode::kInternal: return kExitError;
  }
  return kExitError;
}

}  // namespace swfvault
