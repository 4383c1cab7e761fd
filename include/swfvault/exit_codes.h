// Process exit codes of `swfvault` (README "Exit codes"). Scheduled jobs rely on them to tell
// "retry later" (kRetryable, kLocked) from "needs a human" (the rest), so they never change.
#ifndef SWFVAULT_EXIT_CODES_H_
#define SWFVAULT_EXIT_CODES_H_

#include "swfvault/status.h"

namespace swfvault {

enum ExitCode : int {
  kExitOk = 0,
  kExitPartial = 1,        // the run finished but some items failed; see the report
  kExitUsage = 2,          // bad command line or config
  kExitRetryable = 3,      // network trouble, throttling, server 5xx: try again later
  kExitAuth = 4,           // TLS or identity refused (certificate, key, CA, OIN)
  kExitIntegrity = 5,      // a hash or consistency check failed; data was quarantined
  kExitLocked = 6,         // another swfvault run holds the vault
  kExitDiskFull = 7,       // no space left (or quota) on the vault's file system
  kExitRefused = 8,        // the server refused the action (403 rule, 409 state)
  kExitNotFound = 9,       // an id or file does not exist
  kExitError = 10,         // any other failure (local I/O, internal error)
  kExitTimeLimit = 11,     // sync reached its --max-duration and stopped at a safe point
  kExitInterrupted = 130,  // stopped by SIGINT/SIGTERM at a safe point; the next run goes on
};

// The exit code for a failed Status (kExitOk for ok).
ExitCode ExitCodeFor(const Status& status);

// Of two exit codes (of several profiles in one run), the one to report: any code that needs a
// human outranks "retry later" (3, 6), "time limit" (11) and "interrupted" (130), so a scheduler
// that treats those as success never misses it. Among the human ones: 5, 7, 4, 2, 10, 8, 9, 1.
int MoreUrgentExitCode(int a, int b);

}  // namespace swfvault

#endif  // SWFVAULT_EXIT_CODES_H_
