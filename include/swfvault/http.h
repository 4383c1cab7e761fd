// HTTP value types shared by every Transport, and the one place where an HTTP error response
// becomes a Status.
//
// An HttpRequest describes one exchange: method, absolute https URL, headers and an optional
// body (in memory, streamed from a BodySource, or multipart with parts streamed from files).
// The response body either streams to `on_body` (downloads) or is buffered into
// HttpResponse::body up to `max_buffered_body` bytes (JSON calls). Plain values; a request
// with callbacks must only be used by one transfer at a time.
#ifndef SWFVAULT_HTTP_H_
#define SWFVAULT_HTTP_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swfvault/status.h"

namespace swfvault {

struct HttpHeader {
  std::string name{};
  std::string value{};
};
using HttpHeaders = std::vector<HttpHeader>;

// Returns the value of the first header called `name` (ASCII case-insensitive), if any.
std::optional<std::string_view> FindHeader(const HttpHeaders& headers, std::string_view name);

// Status line and headers of a response, delivered before any body byte.
struct HttpResponseHead {
  int status = 0;
  HttpHeaders headers{};
};

// Receives the next body chunk of a 2xx response. A non-ok Status aborts the transfer and
// becomes the transfer's result.
using BodySink = std::function<Status(std::string_view chunk)>;
// Called once per 2xx response, before the first body byte. A non-ok Status aborts.
using HeadCallback = std::function<Status(const HttpResponseHead& head)>;
// Fills up to `capacity` bytes of request body; returns the count, 0 at the end.
using BodySource = std::function<Result<size_t>(char* buffer, size_t capacity)>;

// One part of a multipart/form-data body. A part with `file_path` streams that file (it is
// never read whole into memory); otherwise `value` is sent as a text part.
struct MultipartPart {
  std::string name{};
  std::string value{};
  std::string file_path{};
  std::string filename{};      // filename= of a file part (defaults to the path's base name)
  std::string content_type{};  // empty: application/octet-stream for files, none for text
};

inline constexpr size_t kDefaultMaxBufferedBody = 16u << 20;  // 16 MiB

struct HttpRequest {
  std::string method = "GET";
  std::string url{};  // absolute; only https is accepted by CurlTransport
  HttpHeaders headers{};
  std::string body{};          // in-memory body (JSON); ignored when a source or parts are set
  BodySource body_source{};    // streamed body; `body_size` bytes, or chunked when -1
  int64_t body_size = -1;
  std::vector<MultipartPart> multipart{};  // non-empty: multipart/form-data body
  HeadCallback on_head{};      // optional, 2xx responses only
  BodySink on_body{};          // null: buffer the body into HttpResponse::body
  std::chrono::milliseconds timeout{0};  // whole exchange; 0 = the transport's default
  size_t max_buffered_body = kDefaultMaxBufferedBody;  // over this: kCorruption
  // A requested stop lets this request run to its end instead of breaking it off. For changes
  // (an upload, a delete): broken off, the server may still carry one out after the client has
  // gone, and the next run could not tell it is coming.
  bool finish_on_stop = false;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers{};
  std::string body{};        // buffered body (empty when streamed to on_body)
  int64_t body_bytes = 0;  // body bytes received (buffered or streamed)
  std::optional<std::string_view> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

// A response body over the request's max_buffered_body: kCorruption, which IsBodyOverLimit
// tells apart from other corruption (a listing then asks for smaller pages).
Status BodyOverLimit(const std::string& what, size_t limit);
bool IsBodyOverLimit(const Status& status);

// Maps a non-2xx HTTP response to a Status (see docs/api.md):
//   401 -> kUnauthenticated, 403 -> kPermissionDenied, 404/410 -> kNotFound,
//   409/412 -> kConflict, 413 -> kResourceExhausted, 400/415/416/422 and other 4xx ->
//   kInvalidArgument, 408/429/5xx -> kUnavailable, 3xx -> kInvalidArgument.
// The message names `what` (e.g. "GET /documenten/x") and carries the problem+json `detail`,
// `title` and `invalidParams` when present. http_status() is set; retry_after_seconds() is set
// from a valid Retry-After header (seconds or HTTP date relative to `now`).
Status HttpErrorStatus(int http_status, const HttpHeaders& headers, std::string_view body,
                       std::string_view what,
                       std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Parses Retry-After: delta-seconds or an IMF-fixdate/RFC 850/asctime HTTP date. Returns the
// delay in seconds (a past date gives 0), or nullopt for anything malformed.
std::optional<double> ParseRetryAfter(std::string_view value,
                                      std::chrono::system_clock::time_point now);

// Percent-encodes a query component (RFC 3986 unreserved characters stay as they are).
std::string UrlEncode(std::string_view text);

}  // namespace swfvault

#endif  // SWFVAULT_HTTP_H_
