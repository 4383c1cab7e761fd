#include "swfvault/http.h"

#include <time.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

namespace swfvault {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

StatusCode CodeForHttp(int status) {
  switch (status) {
    case 401: return StatusCode::kUnauthenticated;
    case 403: return StatusCode::kPermissionDenied;
    case 404:
    case 410: return StatusCode::kNotFound;
    case 409:
    case 412: return StatusCode::kConflict;
    case 413: return StatusCode::kResourceExhausted;
    case 408:
    case 429: return StatusCode::kUnavailable;
    default: break;
  }
  if (status >= 500 && status <= 599) return StatusCode::kUnavailable;
  return StatusCode::kInvalidArgument;
}

std::string StringField(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// Renders invalidParams[] as "name: reason (code); ...". Tolerates missing pieces.
std::string InvalidParamsText(const nlohmann::json& problem) {
  auto it = problem.find("invalidParams");
  if (it == problem.end() || !it->is_array()) return "";
  std::string out;
  for (const auto& p : *it) {
    if (!p.is_object()) continue;
    if (!out.empty()) out += "; ";
    out += StringField(p, "name") + ": " + StringField(p, "reason");
    std::string code = StringField(p, "code");
    if (!code.empty()) out += " (" + code + ")";
  }
  return out;
}

// Extracts the human part of an RFC 7807 body; plain text bodies are cut short.
std::string ProblemText(std::string_view body) {
  if (body.empty()) return "";
  auto problem = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (problem.is_discarded() || !problem.is_object()) {
    std::string text(body.substr(0, 200));
    for (char& c : text) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    return text;
  }
  std::string text = StringField(problem, "detail");
  if (text.empty()) text = StringField(problem, "title");
  std::string params = InvalidParamsText(problem);
  if (!params.empty()) text += (text.empty() ? "" : " ") + std::string("[") + params + "]";
  return text;
}

std::optional<time_t> ParseHttpDate(const std::string& text) {
  static const char* const kFormats[] = {
      "%a, %d %b %Y %H:%M:%S GMT",  // IMF-fixdate
      "%A, %d-%b-%y %H:%M:%S GMT",  // RFC 850
      "%a %b %d %H:%M:%S %Y",       // asctime
  };
  for (const char* format : kFormats) {
    struct tm tm {};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end != nullptr && *end == '\0') return timegm(&tm);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::optional<double> ParseRetryAfter(std::string_view value,
                                      std::chrono::system_clock::time_point now) {
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : value) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  if (all_digits) {
    // A long wait is still a wait: very long values are capped here (the policy clamps to
    // 15 min), never read as garbage, which would mean retrying within a second.
    while (value.size() > 1 && value.front() == '0') value.remove_prefix(1);
    if (value.size() > 9) return 1e9;
    return static_cast<double>(std::stol(std::string(value)));
  }
  auto when = ParseHttpDate(std::string(value));
  if (!when) return std::nullopt;
  double delta = static_cast<double>(*when - std::chrono::system_clock::to_time_t(now));
  return delta < 0 ? 0.0 : delta;
}

namespace {
constexpr std::string_view kOverLimit = ": response body exceeds the limit of ";
}  // namespace

Status BodyOverLimit(const std::string& what, size_t limit) {
  return Corruption(what + std::string(kOverLimit) + std::to_string(limit) + " bytes");
}

bool IsBodyOverLimit(const Status& status) {
  return status.code() == StatusCode::kCorruption &&
         status.message().find(kOverLimit) != std::string::npos;
}

Status HttpErrorStatus(int http_status, const HttpHeaders& headers, std::string_view body,
                       std::string_view what, std::chrono::system_clock::time_point now) {
  std::string message = std::string(what) + ": HTTP " + std::to_string(http_status);
  std::string detail = ProblemText(body);
  if (!detail.empty()) message += ": " + detail;
  Status status(CodeForHttp(http_status), message);
  status.set_http_status(http_status);
  if (auto retry_after = FindHeader(headers, "Retry-After")) {
    if (auto seconds = ParseRetryAfter(*retry_after, now)) status.set_retry_after_seconds(*seconds);
  }
  return status;
}

std::string UrlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace swfvault
