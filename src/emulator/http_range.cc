#include "emulator/http_range.h"

#include <charconv>
#include <optional>

namespace swfvault {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> ParseNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool IsPlainAsciiChar(unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

}  // namespace

RangeDecision DecideRange(std::string_view range, std::string_view if_range,
                          std::string_view etag, uint64_t size) {
  RangeDecision full;
  range = Trim(range);
  if (range.empty() || range.substr(0, 6) != "bytes=") return full;
  if (!Trim(if_range).empty() && Trim(if_range) != etag) return full;
  std::string_view spec = Trim(range.substr(6));
  if (spec.find(',') != std::string_view::npos) return full;
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return full;
  auto first = ParseNumber(Trim(spec.substr(0, dash)));
  auto last = ParseNumber(Trim(spec.substr(dash + 1)));
  RangeDecision d{RangeOutcome::kPartial, 0, 0};
  if (!first) {  // suffix: the last n bytes
    if (!last) return full;
    if (*last == 0 || size == 0) return {RangeOutcome::kUnsatisfiable, 0, 0};
    d.first = *last >= size ? 0 : size - *last;
    d.last = size - 1;
    return d;
  }
  if (last && *last < *first) return full;
  if (*first >= size) return {RangeOutcome::kUnsatisfiable, 0, 0};
  d.first = *first;
  d.last = last && *last < size ? *last : size - 1;
  return d;
}

std::string ContentDisposition(std::string_view filename) {
  std::string ascii;
  bool plain = true;
  for (unsigned char c : filename) {
    if (IsPlainAsciiChar(c)) {
      ascii += static_cast<char>(c);
    } else {
      plain = false;
      if (c < 0x80 || (c & 0xC0) == 0xC0) ascii += '_';  // one '_' per character
    }
  }
  std::string value = "attachment; filename=\"" + ascii + "\"";
  if (plain) return value;
  static const char* kHex = "0123456789ABCDEF";
  value += "; filename*=UTF-8''";
  for (unsigned char c : filename) {
    bool attr_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) !=
                         std::string_view::npos;
    if (attr_char) {
      value += static_cast<char>(c);
    } else {
      value += '%';
      value += kHex[c >> 4];
      value += kHex[c & 15];
    }
  }
  return value;
}

}  // namespace swfvault
