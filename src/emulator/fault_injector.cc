// GCC 12 reports false -Wmaybe-uninitialized inside libstdc++'s <regex> at -O2 with
// sanitizers (GCC bug 105562); the pragma covers the instantiations in this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "emulator/fault_injector.h"

namespace swfvault {
namespace {

const std::map<std::string, FaultKind>& KindNames() {
  static const std::map<std::string, FaultKind> kNames = {
      {"dropAfterBytes", FaultKind::kDropAfterBytes},
      {"status", FaultKind::kStatus},
      {"retryAfter", FaultKind::kRetryAfter},
      {"slowBody", FaultKind::kSlowBody},
      {"wrongContentLength", FaultKind::kWrongContentLength},
      {"wrongHash", FaultKind::kWrongHash},
      {"noHash", FaultKind::kNoHash},
      {"ignoreRange", FaultKind::kIgnoreRange},
      {"changeEtag", FaultKind::kChangeEtag},
      {"latency", FaultKind::kLatency},
      {"slowAnswer", FaultKind::kSlowAnswer},
      {"lostAnswer", FaultKind::kLostAnswer},
      {"emptyAnswer", FaultKind::kEmptyAnswer},
      {"wrongSize", FaultKind::kWrongSize},
      {"chunked", FaultKind::kChunked},
      {"malformedBody", FaultKind::kMalformedBody},
      {"missingFromListing", FaultKind::kMissingFromListing}};
  return kNames;
}

std::string KindName(FaultKind kind) {
  for (const auto& [name, k] : KindNames()) {
    if (k == kind) return name;
  }
  return "?";
}

template <typename T>
Status ReadNumber(const nlohmann::json& j, const char* key, T* out) {
  if (!j.contains(key)) return Status::Ok();
  if (!j[key].is_number_integer()) return InvalidArgument(std::string(key) + ": must be an integer");
  *out = j[key].get<T>();
  return Status::Ok();
}

Result<Fault> ParseFault(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
    return InvalidArgument("type: each fault needs a string type");
  }
  auto it = KindNames().find(j["type"].get<std::string>());
  if (it == KindNames().end()) return InvalidArgument("type: unknown fault type");
  Fault f;
  f.kind = it->second;
  f.route = j.value("route", "");
  f.document_id = j.value("documentId", "");
  if (!f.route.empty()) f.route_regex = std::regex(f.route, std::regex::ECMAScript | std::regex::nosubs);
  SWF_RETURN_IF_ERROR(ReadNumber(j, "count", &f.remaining));
  if (f.kind == FaultKind::kLostAnswer) f.status = 502;  // a gateway whose backend did the work
  SWF_RETURN_IF_ERROR(ReadNumber(j, "status", &f.status));
  SWF_RETURN_IF_ERROR(ReadNumber(j, "afterBytes", &f.after_bytes));
  SWF_RETURN_IF_ERROR(ReadNumber(j, "bytesPerSecond", &f.bytes_per_second));
  SWF_RETURN_IF_ERROR(ReadNumber(j, "extraBytes", &f.extra_bytes));
  SWF_RETURN_IF_ERROR(ReadNumber(j, "ms", &f.ms));
  if (f.ms < 0 || f.ms > 60000) return InvalidArgument("ms: must be 0-60000");
  if (j.contains("retryAfter")) {
    f.retry_after = j["retryAfter"].is_string() ? j["retryAfter"].get<std::string>()
                                                 : j["retryAfter"].dump();
  }
  if (f.bytes_per_second == 0) return InvalidArgument("bytesPerSecond: must be > 0");
  return f;
}

bool Matches(const Fault& f, const std::string& path, const std::string& document_id) {
  if (f.remaining == 0) return false;
  if (!f.document_id.empty() && f.document_id != document_id &&
      path.find(f.document_id) == std::string::npos) {
    return false;
  }
  return !f.route_regex || std::regex_search(path, *f.route_regex);
}

}  // namespace

Status FaultInjector::Set(const nlohmann::json& spec) {
  const nlohmann::json& list = spec.is_array() ? spec : spec.value("faults", nlohmann::json::array());
  if (!list.is_array()) return InvalidArgument("faults: must be an array");
  std::vector<Fault> parsed;
  for (const auto& item : list) {
    Result<Fault> f = [&]() -> Result<Fault> {
      try {
        return ParseFault(item);
      } catch (const std::regex_error&) {
        return InvalidArgument("route: not a valid regular expression");
      }
    }();
    if (!f.ok()) return f.status();
    parsed.push_back(std::move(*f));
  }
  std::lock_guard<std::mutex> lock(mu_);
  faults_ = std::move(parsed);
  return Status::Ok();
}

void FaultInjector::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
}

nlohmann::json FaultInjector::ToJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const Fault& f : faults_) {
    out.push_back({{"type", KindName(f.kind)}, {"route", f.route}, {"documentId", f.document_id},
                   {"remaining", f.remaining}});
  }
  return {{"faults", out}};
}

std::optional<Fault> FaultInjector::Take(std::initializer_list<FaultKind> kinds,
                                         const std::string& path,
                                         const std::string& document_id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Fault& f : faults_) {
    bool kind_ok = false;
    for (FaultKind k : kinds) kind_ok = kind_ok || k == f.kind;
    if (!kind_ok || !Matches(f, path, document_id)) continue;
    if (f.remaining > 0) --f.remaining;
    return f;
  }
  return std::nullopt;
}

std::optional<uint64_t> FaultInjector::EtagGeneration(const std::string& path,
                                                      const std::string& document_id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Fault& f : faults_) {
    if (f.kind != FaultKind::kChangeEtag || !Matches(f, path, document_id)) continue;
    if (f.remaining > 0) --f.remaining;
    return ++etag_generation_;
  }
  return std::nullopt;
}

void TrafficStats::Record(const std::string& route, int status, uint64_t sent, uint64_t received) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[route][status];
  bytes_sent_ += sent;
  bytes_received_ += received;
}

void TrafficStats::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
  bytes_sent_ = bytes_received_ = 0;
  content_bytes_sent_ = 0;
  upload_bytes_received_ = 0;
}

nlohmann::json TrafficStats::ToJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json routes = nlohmann::json::object();
  uint64_t total = 0;
  for (const auto& [route, by_status] : requests_) {
    for (const auto& [status, n] : by_status) {
      routes[route][std::to_string(status)] = n;
      total += n;
    }
  }
  return {{"requests", routes},
          {"totalRequests", total},
          {"bytesSent", bytes_sent_ + content_bytes_sent_.load()},
          {"bytesReceived", bytes_received_ + upload_bytes_received_.load()},
          {"contentBytesSent", content_bytes_sent_.load()},
          {"uploadBytesReceived", upload_bytes_received_.load()}};
}

std::string TrafficStats::RouteTemplate(const std::string& path, const std::string& prefix) {
  std::string p = path;
  if (!prefix.empty() && p.rfind(prefix, 0) == 0) p = p.substr(prefix.size());
  static const std::regex kSam("SAM-[0-9]+");
  static const std::regex kOin("/[0-9]{20}(/|$)");
  static const std::regex kUuid("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  p = std::regex_replace(p, kSam, "{id}");
  p = std::regex_replace(p, kOin, "/{oin}$1");
  return std::regex_replace(p, kUuid, "{id}");
}

}  // namespace swfvault
