// CurlTransport: the Transport over libcurl's multi interface with mutual TLS.
//
// Multi handles ("lanes") live as long as the transport; their connection caches (plus a
// share handle for DNS) give connection reuse across calls and batches. A batch with several
// parallel transfers spreads them over up to `transfer_threads` lanes, each on its own thread
// (TLS decryption and the body sinks of one machine's worth of downloads do not fit on one
// core); a single exchange runs on the calling thread. Public methods lock a mutex, so
// concurrent callers are serialised rather than racing on the handles. Redirects are followed only to the same
// origin (scheme, host and port), and only for requests without a streamed body.
#ifndef SWFVAULT_SRC_API_CURL_TRANSPORT_H_
#define SWFVAULT_SRC_API_CURL_TRANSPORT_H_

#include <curl/curl.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "swfvault/transport.h"

namespace swfvault {

class CurlTransport : public Transport {
 public:
  // See NewCurlTransport in transport.h for the checks and error codes.
  static Result<std::unique_ptr<CurlTransport>> Create(const CurlTransportOptions& options);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<HttpResponse> Send(HttpRequest request) override;
  std::vector<Result<HttpResponse>> RunBatch(std::vector<HttpRequest> requests,
                                             size_t max_parallel,
                                             const CompletionCallback& on_done) override;

  struct Transfer;  // one in-flight exchange (curl_transport.cc)

 private:
  struct Batch;
  explicit CurlTransport(CurlTransportOptions options);
  Status EnsureLanes(size_t count);
  size_t LaneCount(size_t requests, size_t max_parallel) const;
  // Runs requests taken from `batch` on `multi`, at most `max_parallel` at once, until none is
  // left; `finished` sees each index once its outcome is stored.
  void RunLane(Batch& batch, CURLM* multi, size_t max_parallel,
               const std::function<void(size_t)>& finished);
  Status Start(Transfer& transfer, CURLM* multi);
  void Detach(Transfer& transfer);
  // Returns the outcome, or nullopt when the transfer was restarted (same-origin redirect).
  std::optional<Result<HttpResponse>> Complete(Transfer& transfer, CURLcode code);
  std::optional<Result<HttpResponse>> FollowRedirect(Transfer& transfer);

  CurlTransportOptions options_;
  std::vector<CURLM*> lanes_;  // lane 0 always exists; more are made on first use
  CURLSH* share_ = nullptr;
  std::mutex share_mu_;  // libcurl's share lock
  std::mutex mu_;
};

// Maps a failed CURLcode to a Status naming `what`; `detail` is curl's error buffer.
// TLS and certificate failures (including TLS alerts seen while reading) -> kUnauthenticated;
// timeouts, refused/reset connections, partial bodies -> kUnavailable; bad URL or protocol ->
// kInvalidArgument; local read failures -> kIoError; anything else -> kInternal.
Status CurlErrorStatus(CURLcode code, std::string_view detail, std::string_view what);

}  // namespace swfvault

#endif  // SWFVAULT_SRC_API_CURL_TRANSPORT_H_
