#include "export/bag_files.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "swfvault/hashing.h"

namespace swfvault {
namespace {

std::string Pad(int64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

std::string OneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

using Json = nlohmann::ordered_json;

}  // namespace

std::string FormatUtcDate(int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds t{seconds{unix_seconds}};
  const year_month_day ymd{floor<days>(t)};
  return Pad(static_cast<int>(ymd.year()), 4) + "-" + Pad(static_cast<unsigned>(ymd.month()), 2) +
         "-" + Pad(static_cast<unsigned>(ymd.day()), 2);
}

std::string FormatUtcDateTime(int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds t{seconds{unix_seconds}};
  const hh_mm_ss hms{t - floor<days>(t)};
  return FormatUtcDate(unix_seconds) + "T" + Pad(hms.hours().count(), 2) + ":" +
         Pad(hms.minutes().count(), 2) + ":" + Pad(hms.seconds().count(), 2) + "Z";
}

std::string HumanBagSize(uint64_t bytes) {
  static const char* kUnits[] = {"KB", "MB", "GB", "TB"};
  if (bytes < 1000) return std::to_string(bytes) + " bytes";
  uint64_t scale = 1000;
  int unit = 0;
  while (unit < 3 && bytes >= scale * 1000) {
    scale *= 1000;
    ++unit;
  }
  const uint64_t tenths = (bytes * 10 + scale / 2) / scale;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " " + kUnits[unit];
}

std::string BagInfoTxt(const BagInfo& info) {
  std::string out;
  auto add = [&out](std::string_view label, const std::string& value) {
    out.append(label).append(": ").append(OneLine(value)).append("\n");
  };
  add("Source-Organization", info.source_organization);
  add("External-Identifier", info.external_identifier);
  add("Bagging-Date", FormatUtcDate(info.bagging_unix));
  add("Payload-Oxum", std::to_string(info.payload_bytes) + "." + std::to_string(info.payload_files));
  add("Bag-Size", HumanBagSize(info.payload_bytes));
  add("Bag-Software-Agent", "swfvault " + info.software_version);
  add("Swfvault-Snapshot-Time", FormatUtcDateTime(info.bagging_unix));
  add("Swfvault-Max-Level", info.ceiling);
  add("Swfvault-Documents-Withheld", std::to_string(info.documents_withheld));
  for (const std::string& undone : info.sync_incomplete) add("Swfvault-Sync-Incomplete", undone);
  add("Swfvault-Software-Version", info.software_version);
  return out;
}

std::string EncodeManifestPath(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out.push_back(c);
  }
  return out;
}

std::string DecodeManifestPath(std::string_view path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    std::string_view rest = path.substr(i);
    if (rest.starts_with("%25")) out.push_back('%');
    else if (rest.starts_with("%0D") || rest.starts_with("%0d")) out.push_back('\r');
    else if (rest.starts_with("%0A") || rest.starts_with("%0a")) out.push_back('\n');
    else {
      out.push_back(path[i]);
      continue;
    }
    i += 2;
  }
  return out;
}

std::string ManifestText(std::vector<std::pair<std::string, std::string>> entries) {
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const auto& [path, hash] : entries) out += hash + "  " + EncodeManifestPath(path) + "\n";
  return out;
}

void ParseManifestLine(std::string_view line, std::vector<std::pair<std::string, std::string>>* out,
                       std::vector<std::string>* bad_lines) {
  size_t sep = line.find_first_of(" \t");
  size_t path_at = line.find_first_not_of(" \t", sep);
  if (sep == 0 || sep == std::string_view::npos || path_at == std::string_view::npos) {
    bad_lines->emplace_back(line);
    return;
  }
  out->emplace_back(DecodeManifestPath(line.substr(path_at)), std::string(line.substr(0, sep)));
}

std::vector<std::pair<std::string, std::string>> ParseManifest(std::string_view text,
                                                               std::vector<std::string>* bad_lines) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    ParseManifestLine(text.substr(0, nl), &out, bad_lines);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  return out;
}

std::string HistoryChainText(const std::vector<HistoryEvent>& events) {
  std::string out;
  std::string prev(kGenesisHash);
  int64_t seq = 0;
  for (const auto& e : events) {
    Json j;
    j["seq"] = ++seq;
    j["time"] = e.time;
    j["kind"] = e.kind;
    j["documentId"] = e.document_id;
    j["sha256"] = e.sha256;
    j["detail"] = e.detail;
    j["prev"] = prev;
    const std::string line = j.dump(-1, ' ', false, Json::error_handler_t::replace);
    prev = Sha256Hex(line);
    out += line + "\n";
  }
  return out;
}

void HistoryChainChecker::Line(std::string_view line) {
  if (!status_.ok()) return;
  ++count_;
  Json j = Json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("prev") || !j["prev"].is_string()) {
    status_ = Corruption("history line " + std::to_string(count_) + " is not a chained JSON object");
  } else if (j["prev"].get<std::string>() != prev_) {
    status_ = Corruption("history line " + std::to_string(count_) + " does not chain to line " +
                         std::to_string(count_ - 1));
  } else {
    prev_ = Sha256Hex(line);
  }
}

Result<size_t> HistoryChainChecker::Finish(std::string_view rest) const {
  if (!status_.ok()) return status_;
  if (!rest.empty()) return Corruption("last history line has no newline");
  return count_;
}

Result<size_t> CheckHistoryChain(std::string_view text) {
  HistoryChainChecker checker;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) break;
    checker.Line(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return checker.Finish(text);
}

}  // namespace swfvault
