// FaultInjector and TrafficStats: the emulator's deterministic misbehaviour and its counters,
// both driven by the admin API (PUT /_emulator/faults, GET /_emulator/stats).
//
// A fault applies to requests whose path matches `route` (ECMAScript regex, searched; empty =
// every request) and, when `documentId` is set, only to that document. `count` is how many
// requests it hits (-1 = until cleared). Faults are consumed in list order. Both classes are
// thread-safe.
#ifndef SWFVAULT_EMULATOR_FAULT_INJECTOR_H_
#define SWFVAULT_EMULATOR_FAULT_INJECTOR_H_

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "swfvault/status.h"

namespace swfvault {

enum class FaultKind {
  kDropAfterBytes,      // content: close the connection after `afterBytes` body bytes
  kStatus,              // any route: answer `status` (500/502/503/...) with problem+json
  kRetryAfter,          // any route: 429 with Retry-After `retryAfter` ("5", "date", "garbage")
  kSlowBody,            // content: send at most `bytesPerSecond`
  kWrongContentLength,  // content: promise `extraBytes` (default 1000) more than is sent
  kWrongHash,           // metadata: documentHash of zeros
  kNoHash,              // metadata: no documentHash at all
  kIgnoreRange,         // content: answer 200 with the whole body despite Range
  kChangeEtag,          // content and metadata: a different ETag on every request
  kLatency,             // any route: wait `ms` before answering (a distant server)
  kSlowAnswer,          // uploads: store the document, then wait `ms` before answering
  kLostAnswer,          // changes: make the change, then answer `status` (default 502)
  kEmptyAnswer,         // changes: make the change, then answer without a body (200 -> 204)
  kWrongSize,           // metadata: bestandsGrootte `extraBytes` (default 1000) below the truth
  kChunked,             // content: no Content-Length, the body in chunks (as some proxies send)
  kMalformedBody,       // any route: 200 with a JSON body cut off half-way
  kMissingFromListing,  // documenten listings: leave the document out (a page that shifted)
};

struct Fault {
  FaultKind kind = FaultKind::kStatus;
  std::string route;
  std::optional<std::regex> route_regex;
  std::string document_id;
  int64_t remaining = 1;
  int status = 503;
  std::string retry_after = "1";
  uint64_t after_bytes = 0;
  uint64_t bytes_per_second = 65536;
  uint64_t extra_bytes = 1000;
  int64_t ms = 50;
};

class FaultInjector {
 public:
  // Replaces the fault list from {"faults": [{"type": "...", ...}]} (or a bare array).
  // kInvalidArgument "<field>: <reason>" for an unknown type or a bad field.
  Status Set(const nlohmann::json& spec);
  void Clear();
  nlohmann::json ToJson() const;
  // Takes (and counts down) the first live fault of one of `kinds` that matches.
  std::optional<Fault> Take(std::initializer_list<FaultKind> kinds, const std::string& path,
                            const std::string& document_id);
  // True when a change-ETag fault is active for the document; each call yields a new counter.
  std::optional<uint64_t> EtagGeneration(const std::string& path, const std::string& document_id);

 private:
  mutable std::mutex mu_;
  std::vector<Fault> faults_;
  uint64_t etag_generation_ = 0;
};

class TrafficStats {
 public:
  void Record(const std::string& route, int status, uint64_t sent, uint64_t received);
  void AddContentBytes(uint64_t n) { content_bytes_sent_ += n; }
  void AddUploadBytes(uint64_t n) { upload_bytes_received_ += n; }
  void Clear();
  nlohmann::json ToJson() const;

  // "/documenten/{id}/content" from "/prefix/documenten/8c1.../content".
  static std::string RouteTemplate(const std::string& path, const std::string& prefix);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<int, uint64_t>> requests_;
  uint64_t bytes_sent_ = 0;
  uint64_t bytes_received_ = 0;
  std::atomic<uint64_t> content_bytes_sent_{0};
  std::atomic<uint64_t> upload_bytes_received_{0};
};

}  // namespace swfvault

#endif  // SWFVAULT_EMULATOR_FAULT_INJECTOR_H_
