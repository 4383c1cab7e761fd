// Status and Result<T>: how every fallible swfvault call reports failure.
//
// No exception crosses a module boundary. A Status is a code callers act on plus a
// message that names the object involved. Result<T> holds either a value or a non-ok
// Status. Both are cheap to move and not thread-safe to mutate concurrently.
#ifndef SWFVAULT_STATUS_H_
#define SWFVAULT_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace swfvault {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // bad input from a caller or a user; never retried
  kNotFound,           // unknown id, missing file
  kAlreadyExists,      // exclusive create found something in the way
  kPermissionDenied,   // not allowed: by the server (HTTP 403) or locally (EACCES, EPERM, EROFS)
  kUnauthenticated,    // TLS or identity failure (HTTP 401, bad certificate or key, no mandate)
  kConflict,           // illegal state transition (HTTP 409)
  kUnavailable,        // transient: retry later (timeouts, 429/5xx, resets)
  kResourceExhausted,  // disk full, too large (ENOSPC, HTTP 413)
  kCorruption,         // a hash or invariant check failed
  kIoError,            // local I/O failure other than the above
  kCancelled,          // stopped on request
  kLocked,             // another runner holds the vault
  kUnsupported,        // made by a newer swfvault (catalog schema, vault format): upgrade first
  kInternal,           // a bug
};

// Returns a stable lower-case name such as "not_found".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "not_found: document 1234 ..." or "ok".
  std::string ToString() const;

  // Returns a copy whose message is prefixed by `context` and ": ".
  Status WithContext(std::string_view context) const;

  // For transport errors: HTTP status (0 when none) and a server-suggested delay.
  int http_status() const { return http_status_; }
  Status& set_http_status(int status) {
    http_status_ = status;
    return *this;
  }
  std::optional<double> retry_after_seconds() const { return retry_after_seconds_; }
  Status& set_retry_after_seconds(double s) {
    retry_after_seconds_ = s;
    return *this;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  int http_status_ = 0;
  std::optional<double> retry_after_seconds_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
inline Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
inline Status Locked(std::string m) { return {StatusCode::kLocked, std::move(m)}; }
inline Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Maps an errno value to a Status naming `what` (e.g. a path).
Status ErrnoStatus(int err, std::string_view what);

// Either a T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error, or Ok when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace swfvault

#define SWF_CONCAT_INNER_(a, b) a##b
#define SWF_CONCAT_(a, b) SWF_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function when `expr` is not ok.
#define SWF_RETURN_IF_ERROR(expr)               \
  do {                                          \
    ::swfvault::Status swf_status_ = (expr);    \
    if (!swf_status_.ok()) return swf_status_;  \
  } while (0)

// `lhs = value of expr`, or returns its Status from the enclosing function.
#define SWF_ASSIGN_OR_RETURN(lhs, expr) \
  SWF_ASSIGN_OR_RETURN_IMPL_(SWF_CONCAT_(swf_result_, __LINE__), lhs, expr)
#define SWF_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#endif  // SWFVAULT_STATUS_H_
