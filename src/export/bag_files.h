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

// One JSON object per line, keys in fixed order, each with "prev": the SHA-256 (hex) of the
// previous line's bytes without its newline (kGenesisHash for the first).
std::string HistoryChainText(const std::vector<HistoryEvent>& events);

// Returns the number of valid lines, or an error describing the first broken link.
Result<size_t> CheckHistoryChain(std::string_view text);

}  // namespace swfvault

#endif  // SWFVAULT_EXPORT_BAG_FILES_H_
