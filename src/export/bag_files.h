// The text of the BagIt tag files and the hash-chained history, as pure functions so the
// exporter and the verifier agree on one definition. Thread-safe (no state).
#ifndef SWFVAULT_EXPORT_BAG_FILES_H_
#define SWFVAULT_EXPORT_BAG_FILES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "swfvault/archive_exporter.h"

namespace swfvault {

inline constexpr std::string_view kBagitTxt =
    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
inline constexpr std::string_view kHistoryPath = "data/metadata/geschiedenis.jsonl";
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// "2026-11-28" and "2026-11-28T12:00:00Z" in UTC, without the C library's time zone state.
std::string FormatUtcDate(int64_t unix_seconds);
std::string FormatUtcDateTime(int64_t unix_seconds);

// "1.5 GB", "12 KB", "17 bytes": integer arithmetic, so no locale can change it.
std::string HumanBagSize(uint64_t bytes);

struct BagInfo {
  std::string source_organization;
  std::string external_identifier;
  int64_t bagging_unix = 0;
  uint64_t payload_bytes = 0;
  size_t payload_files = 0;
  std::string ceiling;  // "RV" or "SV"
  std::string software_version;
  size_t documents_withheld = 0;
  std::vector<std::string> sync_incomplete;  // one Swfvault-Sync-Incomplete line each
};

// bag-info.txt; values have CR/LF replaced by spaces.
std::string BagInfoTxt(const BagInfo& info);

// RFC 8493 section 2.1.3: `%`, CR and LF in a manifest path are percent-encoded.
std::string EncodeManifestPath(std::string_view path);
std::string DecodeManifestPath(std::string_view path);

// "<hash>  <encoded path>\n" per entry, sorted by path. `entries` are (path, hash).
std::string ManifestText(std::vector<std::pair<std::string, std::string>> entries);

// Parses manifest text into (decoded path, hash); malformed lines go to `bad_lines`.
std::vector<std::pair<std::string, std::string>> ParseManifest(std::string_view text,
                                                               std::vector<std::string>* bad_lines);
// One line of a manifest (without its newline), as ParseManifest reads it.
void ParseManifestLine(std::string_view line, std::vector<std::pair<std::string, std::string>>* out,
                       std::vector<std::string>* bad_lines);

// Cuts text that arrives in pieces into lines, so a tag file can be read without holding it
// whole. Keeps only the line being read; a line longer than `max_line` bytes sets
// overlong() and stops the splitting (nothing more is passed on).
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line) : max_line_(max_line) {}
  // Calls on_line(std::string_view) for every line `chunk` completes, without the '\n'.
  template <typename OnLine>
  void Feed(std::string_view chunk, OnLine&& on_line) {
    while (!overlong_ && !chunk.empty()) {
      const size_t nl = chunk.find('\n');
      const size_t take = nl == std::string_view::npos ? chunk.size() : nl;
      if (partial_.size() + take > max_line_) {
        overlong_ = true;
        partial_.clear();
        return;
      }
      if (nl == std::string_view::npos) {
        partial_.append(chunk);
        return;
      }
      if (partial_.empty()) {
        on_line(chunk.substr(0, nl));
      } else {
        partial_.append(chunk.substr(0, nl));
        on_line(std::string_view(partial_));
        partial_.clear();
      }
      chunk.remove_prefix(nl + 1);
    }
  }
  // The last line when the text did not end with a newline, else empty.
  const std::string& rest() const { return partial_; }
  bool overlong() const { return overlong_; }

 private:
  size_t max_line_;
  std::string partial_;
  bool overlong_ = false;
};

// One JSON object per line, keys in fixed order, each with "prev": the SHA-256 (hex) of the
// previous line's bytes without its newline (kGenesisHash for the first).
std::string HistoryChainText(const std::vector<HistoryEvent>& events);

// Returns the number of valid lines, or an error describing the first broken link.
Result<size_t> CheckHistoryChain(std::string_view text);

// CheckHistoryChain one line (without its newline) at a time. After the first error the
// status stays and further lines are ignored.
class HistoryChainChecker {
 public:
  void Line(std::string_view line);
  // The count of valid lines, or the first error. `rest` is what followed the last newline:
  // history lines all end in one, so anything there is an error.
  Result<size_t> Finish(std::string_view rest) const;

 private:
  std::string prev_{kGenesisHash};
  size_t count_ = 0;
  Status status_;
};

}  // namespace swfvault

#endif  // SWFVAULT_EXPORT_BAG_FILES_H_
