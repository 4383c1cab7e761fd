// CurlTransport: the Transport over libcurl's multi interface with mutual TLS.
//
// One multi handle lives as long as the transport; its connection cache (plus a share handle
// for DNS and TLS sessions) gives connection reuse across calls and batches. All transfers of
// a batch run on the calling thread. Public methods lock a mutex, so concurrent callers are
// serialised rather than racing on the handles. Redirects are followed only to the same
// origin (scheme, host and port), and only for requests without a streamed body.
#ifndef SWFVAULT_SRC_API_CURL_TRANSPORT_H_
#define SWFVAULT_SRC_API_CURL_TRANSPORT_H_

#include <curl/curl.h>

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
  explicit CurlTransport(CurlTransportOptions options);
  Status Start(Transfer& transfer);
  void Detach(Transfer& transfer);
  // Returns the outcome, or nullopt when the transfer was restarted (same-origin redirect).
  std::optional<Result<HttpResponse>> Complete(Transfer& transfer, CURLcode code);
  std::optional<Result<HttpResponse>> FollowRedirect(Transfer& transfer);

  CurlTransportOptions options_;
  CURLM* multi_ = nullptr;
  CURLSH* share_ = nullptr;
  std::mutex mu_;
};

// Maps a failed CURLcode to a Status naming `what`; `detail` is curl's error buffer.
// TLS and certificate failures (including TLS alerts seen while reading) -> kUnauthenticated;
// timeouts, refused/reset connections, partial bodies -> kUnavailable; bad URL or protocol ->
// kInvalidArgument; local read failures -> kIoError; anything else -> kInternal.
Status CurlErrorStatus(CURLcode code, std::string_view detail, std::string_view what);

}  // namespace swfvault

#endif  // SWFVAULT_SRC_API_CURL_TRANSPORT_H_
