// swfvault configuration: a TOML file with defaults and named profiles, overridden by flags.
//
//   vault = "/var/lib/swfvault"            # top-level keys are defaults for every profile
//   base_url = "https://.../behandelen/v5"
//   ca = "/etc/swfvault/ca.crt"
//   oin_header = "X-OIN"
//   [profile.gemeente-a]
//   oin = "00000001000000001000"
//   cert = "/etc/swfvault/leverancier.crt"
//   key = "/etc/swfvault/leverancier.key"
//   max_level = "RV"
//   [upload]                               # defaults of drop folders and `swfvault push`
//   default_level = "RV"
//   max_upload_bytes = 4294967296
//   [[mirror]]
//   path = "/srv/share/swf"
//   local_edits = "upload"
//
// A supplier acting for several organisations lists one profile per OIN, usually with the same
// certificate. Plain values; LoadConfig is thread-safe (no shared state).
#ifndef SWFVAULT_CONFIG_H_
#define SWFVAULT_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "swfvault/model.h"
#include "swfvault/status.h"

namespace swfvault {

// Connection and policy settings of one acting organisation.
struct ConnectionProfile {
  std::string name;
  std::string oin;
  std::string base_url;
  std::string cert;
  std::string key;
  std::string ca;
  std::string oin_header = "X-OIN";
  Confidentiality max_level = Confidentiality::kSV;
  bool max_level_set = false;  // the config file set max_level (an export fails closed without)
  int transfers = 4;
  int transfer_threads = 0;  // threads sharing the transfers; 0 = one per core, at most 4
  double connect_timeout_seconds = 15;
  // Stall guard: a transfer slower than stall_min_speed bytes/s for stall_timeout seconds is
  // cut off and retried (a server trickling a byte now and then would hold the run for ever).
  double stall_timeout_seconds = 60;
  int stall_min_bytes_per_second = 1024;
  double requests_per_second = 0;  // 0 = unlimited
};

// Largest max_upload_bytes a config or --max-upload-bytes accepts: 1 TiB (the API states no
// limit; this catches typos).
inline constexpr uint64_t kMaxUploadBytesCap = uint64_t{1} << 40;

// What an upload gets when a sidecar (or a flag of `swfvault push`) does not say otherwise.
struct UploadDefaults {
  std::string level = "RV";  // vertrouwelijkheidsAanduiding: "RV" or "SV"
  std::string omschrijving;  // documentOmschrijving
  std::string taal;          // e.g. "nl"; "" lets the server choose
  uint64_t max_upload_bytes = 4ull << 30;  // larger files are refused
};

// One [[mirror]] target. Unset optional keys fall back to [upload].
struct MirrorTarget {
  std::string path;
  Confidentiality max_level = Confidentiality::kRV;
  int64_t settle_seconds = 5;  // a dropped file must look unchanged this long
  std::optional<uint64_t> max_upload_bytes;
  bool upload_local_edits = false;  // local_edits = "upload" (default "conflict-copy")
};

struct MdtoSettings {
  std::string waardering;     // e.g. "V" (vernietigen) or "B" (blijvend bewaren)
  std::string archiefvormer;  // naam of the archive-forming organisation
  std::string bewaartermijn;  // ISO-8601 duration, e.g. "P20Y"
  bool complete() const { return !waardering.empty() && !archiefvormer.empty() && !bewaartermijn.empty(); }
};

struct Config {
  std::string path;   // the file it came from, "" when none
  std::string vault;  // vault directory
  std::vector<ConnectionProfile> profiles;  // in file order
  std::vector<MirrorTarget> mirrors;
  UploadDefaults upload;
  MdtoSettings mdto;
  double full_reconcile_hours = 24;
  double notification_lag_seconds = 60;  // incremental windows end this long before now
  bool delete_notifications = false;     // acknowledge notifications once processed
  int mass_delete_percent = 50;  // refuse to mark more than this share of a dossier removed

  // The profile named `name`, or the only one when `name` is empty. kNotFound / kInvalidArgument.
  // Errors name the profiles there are.
  Result<ConnectionProfile> FindProfile(const std::string& name) const;
  // "a, b" in config order, or "none".
  std::string ProfileNames() const;
};

// Reads and validates a config file. Errors name the file, the key and what was wrong
// (kNotFound for a missing file, kInvalidArgument otherwise).
Result<Config> LoadConfig(const std::string& path);
// Parses config text (for tests); `origin` names it in messages.
Result<Config> ParseConfig(const std::string& text, const std::string& origin);

// Checks a profile is usable for talking to SWF: https URL, OIN of 20 digits, cert/key/ca set.
Status ValidateProfile(const ConnectionProfile& profile);

// "RV"/"SV" (case-insensitive) -> level; anything else kInvalidArgument naming `what`.
Result<Confidentiality> ParseLevelOption(const std::string& value, const std::string& what);

}  // namespace swfvault

#endif  // SWFVAULT_CONFIG_H_
