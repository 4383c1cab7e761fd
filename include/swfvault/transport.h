// Transport: how swfvault talks HTTP to the SWF service.
//
// A Transport sends HttpRequests (see http.h) and reports each outcome as a
// Result<HttpResponse>: ok only for 2xx responses; transport failures (TLS, timeouts, resets)
// and HTTP error statuses become a Status whose code callers act on (mapping in docs/api.md).
// `RunBatch` runs many exchanges concurrently, which is how the sync engine downloads with
// `--transfers N`.
//
// The real implementation is CurlTransport (libcurl multi interface, mutual TLS); tests use
// FakeTransport. Implementations are not required to be thread-safe: calls from several
// threads are serialised by CurlTransport. Completion callbacks run on the calling thread; a
// request's own callbacks (on_head, on_body, body_source) may run on a transport thread, one
// at a time per request but concurrently with other requests' callbacks. No callback may call
// back into the same transport.
#ifndef SWFVAULT_TRANSPORT_H_
#define SWFVAULT_TRANSPORT_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "swfvault/http.h"
#include "swfvault/status.h"
#include "swfvault/stop_flag.h"

namespace swfvault {

class Transport {
 public:
  // Called as each batch item finishes (in completion order), with its index in the batch.
  using CompletionCallback = std::function<void(size_t index, const Result<HttpResponse>& result)>;

  virtual ~Transport() = default;

  // Performs one exchange. Ok only for a 2xx response (redirects to the same host may be
  // followed). Errors: see HttpErrorStatus plus kUnauthenticated (TLS/certificate),
  // kUnavailable (timeouts, resets, stalls), kInvalidArgument (bad URL), kCorruption (body over
  // max_buffered_body), or the Status returned by a request callback that aborted.
  virtual Result<HttpResponse> Send(HttpRequest request) = 0;

  // Performs all `requests` with at most `max_parallel` (>= 1) in flight at once. Returns the
  // outcomes in request order; `on_done` (optional) sees each one as it completes.
  virtual std::vector<Result<HttpResponse>> RunBatch(std::vector<HttpRequest> requests,
                                                     size_t max_parallel,
                                                     const CompletionCallback& on_done) = 0;
};

// Settings of the real transport. Files are PEM. Every https exchange uses them; there is no
// fallback to the system trust store.
struct CurlTransportOptions {
  std::string client_cert_file{};  // client certificate (chain allowed)
  std::string client_key_file{};   // private key; refused when group/others have any access
  std::string ca_bundle_file{};    // trust anchors for the server; required, non-empty
  std::string oin{};               // sent on every request when non-empty
  std::string oin_header = "X-OIN";
  std::string user_agent = "swfvault";
  std::chrono::milliseconds connect_timeout{15000};
  std::chrono::milliseconds request_timeout{0};  // default per exchange; 0 = unlimited
  // Stall guard: abort (kUnavailable) when fewer than `low_speed_bytes` per second arrive for
  // `low_speed_time`.
  long low_speed_bytes = 1;
  std::chrono::seconds low_speed_time{60};
  long max_cached_connections = 32;  // per lane
  // Threads (each with its own multi handle) that share a batch's parallel transfers; 0 = one
  // per hardware thread, at most 4.
  int transfer_threads = 0;
  int max_redirects = 5;  // same-origin redirects only; 0 = never follow
  // When set and requested: transfers in flight end within about 0.1 s and requests not yet
  // started never start, all with kCancelled (StoppedOnRequest). Bytes already handed to a
  // request's on_body stay handed over. Not owned.
  const StopFlag* stop = nullptr;
};

// Validates the options and creates a CurlTransport. Errors: kInvalidArgument when a file is
// not configured, missing, empty or unparsable (named in the message), or the OIN is not 20
// digits; kUnauthenticated when the private key is accessible by group or others (named),
// or the certificate is expired, not yet valid, not for client authentication, or not
// matching the key; kInternal when libcurl cannot initialise.
Result<std::unique_ptr<Transport>> NewCurlTransport(const CurlTransportOptions& options);

}  // namespace swfvault

#endif  // SWFVAULT_TRANSPORT_H_
