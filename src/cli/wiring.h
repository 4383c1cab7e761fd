// The CLI's choice of real implementations: one place that turns a ConnectionProfile into a
// connected SwfClient and a vault directory into an open Vault.
#ifndef SWFVAULT_CLI_WIRING_H_
#define SWFVAULT_CLI_WIRING_H_

#include <memory>

#include "swfvault/clock.h"
#include "swfvault/config.h"
#include "swfvault/file_system.h"
#include "swfvault/rate_limited_transport.h"
#include "swfvault/retry_policy.h"
#include "swfvault/stop_flag.h"
#include "swfvault/swf_client.h"
#include "swfvault/transport.h"
#include "swfvault/vault.h"

namespace swfvault {

class Output;

// A live connection: the raw transport (for resumable downloads; rate-limited when the profile
// says so), a retrying one on top (for JSON calls), and the typed client over the retrying one.
struct Connection {
  std::unique_ptr<StoppableSleeper> stoppable;  // set when Connect was given a StopFlag
  Sleeper* sleeper = nullptr;                   // stoppable, else RealSleeper(): every wait
  std::unique_ptr<Transport> curl;
  std::unique_ptr<Transport> limited;  // set when the profile has a request-rate limit
  Transport* raw = nullptr;            // limited, else curl: what downloads go through
  std::unique_ptr<RetryingTransport> retrying;
  std::unique_ptr<SwfClient> client;
};

// With `stop` (not owned), requesting it ends transfers and waits (kCancelled).
Result<std::unique_ptr<Connection>> Connect(const ConnectionProfile& profile,
                                            const StopFlag* stop = nullptr);

// Process-wide real file system and clock.
FileSystem& RealFileSystem();
Clock& RealClock();

// Opens the vault. Opened to write (kExclusive) on a network file system, where the catalog
// (SQLite in WAL mode) is not safe, it also warns on `warn_to` when given.
Result<std::unique_ptr<Vault>> OpenVault(const std::string& dir, Vault::Access access,
                                         Output* warn_to = nullptr);

}  // namespace swfvault

#endif  // SWFVAULT_CLI_WIRING_H_
