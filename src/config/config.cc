#include "swfvault/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace swfvault {
namespace {

std::string Where(const std::string& origin, const std::string& key) {
  return origin + ": " + key;
}

// "file.toml: profile.a.transfers" in a table, "file.toml: transfers" at the top level (whose
// `where` is "file.toml: ").
std::string KeyPath(const std::string& where, const char* key) {
  bool top = where.size() >= 2 && where.compare(where.size() - 2, 2, ": ") == 0;
  return where + (top ? "" : ".") + key;
}

Status ReadString(const toml::table& t, const char* key, const std::string& where,
                  std::string* out) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return Status::Ok();
  if (auto v = node->value<std::string>()) {
    *out = *v;
    return Status::Ok();
  }
  return InvalidArgument(KeyPath(where, key) + " must be a string");
}

Status ReadNumber(const toml::table& t, const char* key, const std::string& where, double* out) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return Status::Ok();
  if (auto v = node->value<double>()) {
    if (*v < 0) return InvalidArgument(KeyPath(where, key) + " must not be negative");
    *out = *v;
    return Status::Ok();
  }
  return InvalidArgument(KeyPath(where, key) + " must be a number");
}

template <typename T>
Status ReadInt(const toml::table& t, const char* key, const std::string& where, int64_t lo,
               int64_t hi, T* out) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return Status::Ok();
  auto v = node->value<int64_t>();
  if (!v) return InvalidArgument(KeyPath(where, key) + " must be an integer");
  if (*v < lo || *v > hi) {
    return InvalidArgument(KeyPath(where, key) + " must be between " + std::to_string(lo) +
                           " and " + std::to_string(hi));
  }
  *out = static_cast<T>(*v);
  return Status::Ok();
}

Status ReadLevel(const toml::table& t, const char* key, const std::string& where,
                 Confidentiality* out) {
  std::string text;
  SWF_RETURN_IF_ERROR(ReadString(t, key, where, &text));
  if (text.empty()) return Status::Ok();
  SWF_ASSIGN_OR_RETURN(*out, ParseLevelOption(text, KeyPath(where, key)));
  return Status::Ok();
}

// Reads the keys a profile may carry (also valid at top level as defaults).
Status ReadProfileKeys(const toml::table& t, const std::string& where, ConnectionProfile* p) {
  SWF_RETURN_IF_ERROR(ReadString(t, "oin", where, &p->oin));
  SWF_RETURN_IF_ERROR(ReadString(t, "base_url", where, &p->base_url));
  SWF_RETURN_IF_ERROR(ReadString(t, "cert", where, &p->cert));
  SWF_RETURN_IF_ERROR(ReadString(t, "key", where, &p->key));
  SWF_RETURN_IF_ERROR(ReadString(t, "ca", where, &p->ca));
  SWF_RETURN_IF_ERROR(ReadString(t, "oin_header", where, &p->oin_header));
  SWF_RETURN_IF_ERROR(ReadLevel(t, "max_level", where, &p->max_level));
  if (t.contains("max_level")) p->max_level_set = true;
  SWF_RETURN_IF_ERROR(ReadInt(t, "transfers", where, 1, 64, &p->transfers));
  SWF_RETURN_IF_ERROR(ReadInt(t, "transfer_threads", where, 0, 16, &p->transfer_threads));
  SWF_RETURN_IF_ERROR(ReadNumber(t, "connect_timeout", where, &p->connect_timeout_seconds));
  SWF_RETURN_IF_ERROR(ReadNumber(t, "stall_timeout", where, &p->stall_timeout_seconds));
  SWF_RETURN_IF_ERROR(
      ReadInt(t, "stall_min_speed", where, 1, 1 << 30, &p->stall_min_bytes_per_second));
  SWF_RETURN_IF_ERROR(ReadNumber(t, "requests_per_second", where, &p->requests_per_second));
  return Status::Ok();
}

// Edits (insert, delete, replace a byte; ASCII case ignored) that turn `a` into `b`.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

Status CheckKnownKeys(const toml::table& t, const std::string& where,
                      const std::vector<std::string_view>& known) {
  for (const auto& [key, node] : t) {
    (void)node;
    if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
      std::string message = where + ": unknown key '" + std::string(key.str()) + "'";
      // A typo of a known key (at most two edits away) is named.
      std::string_view closest;
      size_t best = 3;
      for (std::string_view k : known) {
        size_t d = EditDistance(key.str(), k);
        if (d < best) {
          best = d;
          closest = k;
        }
      }
      if (!closest.empty()) message += "; did you mean '" + std::string(closest) + "'?";
      return InvalidArgument(message);
    }
  }
  return Status::Ok();
}

const std::vector<std::string_view> kProfileKeys = {"oin",
                                                    "base_url",
                                                    "cert",
                                                    "key",
                                                    "ca",
                                                    "oin_header",
                                                    "max_level",
                                                    "transfers",
                                                    "transfer_threads",
                                                    "connect_timeout",
                                                    "stall_timeout",
                                                    "stall_min_speed",
                                                    "requests_per_second"};

Status ReadProfiles(const toml::table& root, const ConnectionProfile& defaults, const std::string& origin,
                    Config* config) {
  const toml::node* node = root.get("profile");
  if (node == nullptr) return Status::Ok();
  const toml::table* profiles = node->as_table();
  if (profiles == nullptr) return InvalidArgument(Where(origin, "profile") + " must be a table");
  for (const auto& [name, value] : *profiles) {
    std::string where = Where(origin, "profile." + std::string(name.str()));
    const toml::table* t = value.as_table();
    if (t == nullptr) return InvalidArgument(where + " must be a table");
    SWF_RETURN_IF_ERROR(CheckKnownKeys(*t, where, kProfileKeys));
    ConnectionProfile p = defaults;
    p.name = std::string(name.str());
    SWF_RETURN_IF_ERROR(ReadProfileKeys(*t, where, &p));
    config->profiles.push_back(std::move(p));
  }
  return Status::Ok();
}

Status ReadMirrorTarget(const toml::table& t, const std::string& where, MirrorTarget* m) {
  SWF_RETURN_IF_ERROR(CheckKnownKeys(t, where, {"path", "max_level", "settle_seconds",
                                                "max_upload_bytes", "local_edits"}));
  SWF_RETURN_IF_ERROR(ReadString(t, "path", where, &m->path));
  if (m->path.empty()) return InvalidArgument(where + ".path is required");
  SWF_RETURN_IF_ERROR(ReadLevel(t, "max_level", where, &m->max_level));
  SWF_RETURN_IF_ERROR(ReadInt(t, "settle_seconds", where, 0, 86400, &m->settle_seconds));
  uint64_t cap = 0;  // 0 = not set here
  SWF_RETURN_IF_ERROR(
      ReadInt(t, "max_upload_bytes", where, 1, static_cast<int64_t>(kMaxUploadBytesCap), &cap));
  if (cap > 0) m->max_upload_bytes = cap;
  std::string local_edits = "conflict-copy";
  SWF_RETURN_IF_ERROR(ReadString(t, "local_edits", where, &local_edits));
  if (local_edits != "conflict-copy" && local_edits != "upload") {
    return InvalidArgument(where + ".local_edits: '" + local_edits +
                           "' must be \"conflict-copy\" or \"upload\"");
  }
  m->upload_local_edits = local_edits == "upload";
  return Status::Ok();
}

Status ReadMirrors(const toml::table& root, const std::string& origin, Config* config) {
  const toml::node* node = root.get("mirror");
  if (node == nullptr) return Status::Ok();
  const toml::array* mirrors = node->as_array();
  if (mirrors == nullptr) return InvalidArgument(Where(origin, "mirror") + " must be [[mirror]] tables");
  for (size_t i = 0; i < mirrors->size(); ++i) {
    std::string where = Where(origin, "mirror[" + std::to_string(i) + "]");
    const toml::table* t = (*mirrors)[i].as_table();
    if (t == nullptr) return InvalidArgument(where + " must be a table");
    MirrorTarget m;
    SWF_RETURN_IF_ERROR(ReadMirrorTarget(*t, where, &m));
    config->mirrors.push_back(std::move(m));
  }
  return Status::Ok();
}

// A language code as the API's `taal` carries it: "nl", "nld", "en-GB".
bool LooksLikeLanguage(const std::string& taal) {
  return taal.size() >= 2 && taal.size() <= 35 && std::isalpha(static_cast<unsigned char>(taal[0])) &&
         std::all_of(taal.begin(), taal.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

// The table `key` of `root` (e.g. [mdto]); null when absent.
Result<const toml::table*> OptionalTable(const toml::table& root, const char* key,
                                         const std::string& origin) {
  const toml::node* node = root.get(key);
  if (node == nullptr) return static_cast<const toml::table*>(nullptr);
  if (node->as_table() == nullptr) return InvalidArgument(Where(origin, key) + " must be a table");
  return node->as_table();
}

Status ReadUpload(const toml::table& root, const std::string& origin, Config* config) {
  SWF_ASSIGN_OR_RETURN(const toml::table* t, OptionalTable(root, "upload", origin));
  if (t == nullptr) return Status::Ok();
  std::string where = Where(origin, "upload");
  SWF_RETURN_IF_ERROR(CheckKnownKeys(*t, where, {"default_level", "default_omschrijving",
                                                 "default_taal", "max_upload_bytes"}));
  UploadDefaults& u = config->upload;
  Confidentiality level = Confidentiality::kRV;
  SWF_RETURN_IF_ERROR(ReadLevel(*t, "default_level", where, &level));
  u.level = std::string(ConfidentialityName(level));
  SWF_RETURN_IF_ERROR(ReadString(*t, "default_omschrijving", where, &u.omschrijving));
  SWF_RETURN_IF_ERROR(ReadString(*t, "default_taal", where, &u.taal));
  if (!u.taal.empty() && !LooksLikeLanguage(u.taal)) {
    return InvalidArgument(where + ".default_taal: '" + u.taal + "' is not a language code (e.g. nl)");
  }
  return ReadInt(*t, "max_upload_bytes", where, 1, static_cast<int64_t>(kMaxUploadBytesCap),
                 &u.max_upload_bytes);
}

Status ReadMdto(const toml::table& root, const std::string& origin, Config* config) {
  SWF_ASSIGN_OR_RETURN(const toml::table* t, OptionalTable(root, "mdto", origin));
  if (t == nullptr) return Status::Ok();
  std::string where = Where(origin, "mdto");
  SWF_RETURN_IF_ERROR(CheckKnownKeys(*t, where, {"waardering", "archiefvormer", "bewaartermijn"}));
  SWF_RETURN_IF_ERROR(ReadString(*t, "waardering", where, &config->mdto.waardering));
  SWF_RETURN_IF_ERROR(ReadString(*t, "archiefvormer", where, &config->mdto.archiefvormer));
  SWF_RETURN_IF_ERROR(ReadString(*t, "bewaartermijn", where, &config->mdto.bewaartermijn));
  return Status::Ok();
}

}  // namespace

Result<Confidentiality> ParseLevelOption(const std::string& value, const std::string& what) {
  std::string upper = value;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "RV") return Confidentiality::kRV;
  if (upper == "SV") return Confidentiality::kSV;
  return InvalidArgument(what + ": '" + value + "' is not a confidentiality level (RV or SV)");
}

Result<Config> ParseConfig(const std::string& text, const std::string& origin) {
  // toml++ is built with exceptions here; they stop at this function.
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& err) {
    std::ostringstream msg;
    msg << origin << ":" << err.source().begin.line << ":" << err.source().begin.column << ": "
        << err.description();
    return InvalidArgument(msg.str());
  }
  std::vector<std::string_view> top_keys = kProfileKeys;
  for (std::string_view k : {"vault", "profile", "mirror", "upload", "mdto", "full_reconcile_hours",
                             "mass_delete_percent", "notification_lag_seconds",
                             "delete_notifications"}) {
    top_keys.push_back(k);
  }
  SWF_RETURN_IF_ERROR(CheckKnownKeys(root, origin, top_keys));
  Config config;
  config.path = origin;
  ConnectionProfile defaults;
  const std::string top = origin + ": ";
  SWF_RETURN_IF_ERROR(ReadProfileKeys(root, top, &defaults));
  SWF_RETURN_IF_ERROR(ReadString(root, "vault", top, &config.vault));
  SWF_RETURN_IF_ERROR(ReadNumber(root, "full_reconcile_hours", top, &config.full_reconcile_hours));
  SWF_RETURN_IF_ERROR(ReadInt(root, "mass_delete_percent", top, 1, 100, &config.mass_delete_percent));
  SWF_RETURN_IF_ERROR(
      ReadNumber(root, "notification_lag_seconds", top, &config.notification_lag_seconds));
  if (const toml::node* n = root.get("delete_notifications")) {
    // Not value<bool>(), which would take 1 for true.
    if (!n->is_boolean()) return InvalidArgument(top + "delete_notifications must be true or false");
    config.delete_notifications = **n->as_boolean();
  }
  SWF_RETURN_IF_ERROR(ReadProfiles(root, defaults, origin, &config));
  SWF_RETURN_IF_ERROR(ReadMirrors(root, origin, &config));
  SWF_RETURN_IF_ERROR(ReadUpload(root, origin, &config));
  SWF_RETURN_IF_ERROR(ReadMdto(root, origin, &config));
  if (config.profiles.empty() && !defaults.oin.empty()) {
    defaults.name = "default";
    config.profiles.push_back(defaults);
  }
  return config;
}

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return InvalidArgument("config file " + path + " is a directory, not a TOML file");
  }
  // A config that is not there is a fault of the invocation (exit 2), as a bad one is: not an
  // id the server does not know (exit 9).
  if (!in)
    return InvalidArgument("config file " + path + " cannot be read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path);
}

std::string Config::ProfileNames() const {
  std::string names;
  for (const ConnectionProfile& p : profiles) names += (names.empty() ? "" : ", ") + p.name;
  return names.empty() ? "none" : names;
}

Result<ConnectionProfile> Config::FindProfile(const std::string& name) const {
  if (name.empty()) {
    if (profiles.size() == 1) return profiles.front();
    if (profiles.empty()) return NotFound("no profile configured (set --oin or a [profile.NAME])");
    return InvalidArgument("several profiles configured (" + ProfileNames() +
                           "); choose one with --profile NAME (sync also takes --all)");
  }
  for (const ConnectionProfile& p : profiles) {
    if (p.name == name) return p;
  }
  return NotFound("profile '" + name + "' is not in the config (it has: " + ProfileNames() + ")");
}

Status ValidateProfile(const ConnectionProfile& p) {
  std::string who = "profile '" + p.name + "'";
  if (p.base_url.empty()) {
    return InvalidArgument(who +
                           ": no base_url: give --base-url URL, or a config that sets it (--config "
                           "FILE or $SWFVAULT_CONFIG)");
  }
  if (p.base_url.rfind("https://", 0) != 0) {
    return InvalidArgument(who + ": base_url '" + p.base_url + "' must start with https://");
  }
  if (p.oin.size() != 20 ||
      !std::all_of(p.oin.begin(), p.oin.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return InvalidArgument(who + ": oin '" + p.oin + "' must be 20 digits");
  }
  if (p.cert.empty()) return InvalidArgument(who + ": cert (client certificate) is required");
  if (p.key.empty()) return InvalidArgument(who + ": key (private key) is required");
  if (p.ca.empty()) return InvalidArgument(who + ": ca (CA bundle for the server) is required");
  if (p.oin_header.empty()) return InvalidArgument(who + ": oin_header must not be empty");
  return Status::Ok();
}

}  // namespace swfvault
