#include "cli/wiring.h"

#include <algorithm>
#include <chrono>

#include "cli/output.h"

namespace swfvault {

Result<std::unique_ptr<Connection>> Connect(const ConnectionProfile& profile,
                                            const StopFlag* stop) {
  CurlTransportOptions options;
  options.client_cert_file = profile.cert;
  options.client_key_file = profile.key;
  options.ca_bundle_file = profile.ca;
  options.oin = profile.oin;
  options.oin_header = profile.oin_header;
  options.transfer_threads = profile.transfer_threads;
  options.connect_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(profile.connect_timeout_seconds * 1000));
  options.low_speed_time =
      std::chrono::seconds(static_cast<int64_t>(std::max(1.0, profile.stall_timeout_seconds)));
  options.low_speed_bytes = profile.stall_min_bytes_per_second;
  options.stop = stop;
  auto connection = std::make_unique<Connection>();
  connection->sleeper = &RealSleeper();
  if (stop != nullptr) {
    connection->stoppable = std::make_unique<StoppableSleeper>(RealSleeper(), *stop);
    connection->sleeper = connection->stoppable.get();
  }
  SWF_ASSIGN_OR_RETURN(connection->curl, NewCurlTransport(options));
  connection->raw = connection->curl.get();
  if (profile.requests_per_second > 0) {
    connection->limited = std::make_unique<RateLimitedTransport>(
        *connection->curl, profile.requests_per_second, *connection->sleeper);
    connection->raw = connection->limited.get();
  }
  connection->retrying =
      std::make_unique<RetryingTransport>(*connection->raw, RetryPolicy(), *connection->sleeper);
  SwfClientOptions client_options;
  client_options.base_url = profile.base_url;
  // Listing pages in flight at once: a few, never more connections than --transfers allows.
  client_options.parallel_pages = std::clamp(profile.transfers, 1, 4);
  connection->client = std::make_unique<SwfClient>(*connection->retrying, client_options);
  return connection;
}

FileSystem& RealFileSystem() {
  static PosixFileSystem fs;
  return fs;
}

Clock& RealClock() {
  static SystemClock clock;
  return clock;
}

Result<std::unique_ptr<Vault>> OpenVault(const std::string& dir, Vault::Access access,
                                         Output* warn_to) {
  Result<std::unique_ptr<Vault>> vault = Vault::Open(RealFileSystem(), RealClock(), dir, access);
  if (!vault.ok() || access != Vault::Access::kExclusive || warn_to == nullptr) return vault;
  if (std::string network = RealFileSystem().NetworkFileSystem(dir); !network.empty()) {
    warn_to->Warn(
        "the vault " + dir + " is on a network file system (" + network +
        "): its catalog, SQLite in WAL mode, is only safe on a local disk; keep the vault "
        "local and put the readable copy on the share with `swfvault mirror --to`");
  }
  return vault;
}

}  // namespace swfvault
