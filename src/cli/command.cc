#include "cli/command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string_view>

#include "cli/wiring.h"
#include "swfvault/exit_codes.h"
#include "swfvault/name_sanitizer.h"

namespace swfvault {
namespace {

void Override(std::string* field, const std::string& flag) {
  if (!flag.empty()) *field = flag;
}

void ApplyFlags(const GlobalOptions& o, ConnectionProfile* p) {
  Override(&p->base_url, o.base_url);
  Override(&p->cert, o.cert);
  Override(&p->key, o.key);
  Override(&p->ca, o.ca);
  Override(&p->oin, o.oin);
  Override(&p->oin_header, o.oin_header);
}

}  // namespace

Result<Config> CommandContext::LoadEffectiveConfig() const {
  std::string path = options_.config_path;
  if (path.empty()) {
    const char* env = std::getenv("SWFVAULT_CONFIG");
    if (env != nullptr) path = env;
  }
  Config config;
  if (!path.empty()) {
    SWF_ASSIGN_OR_RETURN(config, LoadConfig(path));
  }
  Override(&config.vault, options_.vault);
  return config;
}

Result<ConnectionProfile> CommandContext::ResolveProfile() const {
  SWF_ASSIGN_OR_RETURN(Config config, LoadEffectiveConfig());
  ConnectionProfile profile;
  if (config.profiles.empty() && options_.profile.empty()) {
    profile.name = "command-line";
  } else if (!options_.oin.empty() && options_.profile.empty()) {
    // --oin picks the profile acting for that OIN when the config has one.
    bool found = false;
    for (const ConnectionProfile& p : config.profiles) {
      if (p.oin == options_.oin) {
        profile = p;
        found = true;
        break;
      }
    }
    if (!found) {
      SWF_ASSIGN_OR_RETURN(profile, config.FindProfile(""));
    }
  } else {
    Result<ConnectionProfile> named = config.FindProfile(options_.profile);
    if (!named.ok() && named.status().code() == StatusCode::kNotFound) {
      // The command line asked for it: a usage error (exit 2), not an id the server lacks.
      return InvalidArgument("--profile " + options_.profile + ": " + named.status().message());
    }
    SWF_ASSIGN_OR_RETURN(profile, std::move(named));
  }
  ApplyFlags(options_, &profile);
  SWF_RETURN_IF_ERROR(ValidateProfile(profile));
  return profile;
}

Result<std::vector<ConnectionProfile>> CommandContext::ResolveAllProfiles() const {
  SWF_ASSIGN_OR_RETURN(Config config, LoadEffectiveConfig());
  if (config.profiles.empty()) {
    SWF_ASSIGN_OR_RETURN(ConnectionProfile only, ResolveProfile());
    return std::vector<ConnectionProfile>{only};
  }
  std::vector<ConnectionProfile> out;
  for (ConnectionProfile p : config.profiles) {
    ApplyFlags(options_, &p);
    if (!options_.oin.empty()) p.oin = config.FindProfile(p.name)->oin;  // --oin selects, never rewrites all
    SWF_RETURN_IF_ERROR(ValidateProfile(p));
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::string> CommandContext::VaultDir() const {
  SWF_ASSIGN_OR_RETURN(Config config, LoadEffectiveConfig());
  if (config.vault.empty()) {
    return InvalidArgument("no vault given: use --vault DIR or set 'vault' in the config");
  }
  return config.vault;
}

namespace {

Result<std::string> ReplaceableOutput(const std::string& out, int links_left) {
  struct stat st {};
  if (::stat(out.c_str(), &st) == 0) {
    const char* kind = S_ISREG(st.st_mode)    ? nullptr
                       : S_ISDIR(st.st_mode)  ? "a directory"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISFIFO(st.st_mode) ? "a pipe (FIFO)"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "not a regular file";
    if (kind != nullptr) {
      return InvalidArgument("cannot write " + out + ": it is " + kind +
                             "; the output is written beside it and renamed into place once "
                             "checked, which would put a plain file there (give a file name)");
    }
    struct stat link {};
    if (::lstat(out.c_str(), &link) != 0 || !S_ISLNK(link.st_mode)) return out;
    // A link to a file: that file is replaced, the link stays.
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(out.c_str(), nullptr), &std::free);
    if (real == nullptr) return ErrnoStatus(errno, "cannot write " + out);
    return std::string(real.get());
  }
  if (errno != ENOENT) return ErrnoStatus(errno, "cannot write " + out);
  struct stat link {};
  if (::lstat(out.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    // A link to a file yet to be made: that file, as cp and curl create it.
    std::string target(PATH_MAX, '\0');
    const ssize_t n = ::readlink(out.c_str(), target.data(), target.size());
    if (n <= 0 || links_left == 0)
      return ErrnoStatus(n <= 0 ? errno : ELOOP, "cannot write " + out);
    target.resize(static_cast<size_t>(n));
    if (target.front() != '/') target = JoinPath(DirName(out), target);
    return ReplaceableOutput(target, links_left - 1);
  }
  struct stat dir {};  // followed: a folder reached through a link is a folder all the same
  if (::stat(DirName(out).c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode)) {
    return NotFound("cannot write " + out + ": " + DirName(out) + " is not an existing directory");
  }
  return out;
}

}  // namespace

Result<std::string> ReplaceableOutput(const std::string& out) { return ReplaceableOutput(out, 8); }

Status CheckOutsideVault(const std::string& path, const std::string& vault_dir,
                         const std::string& option) {
  std::error_code ec;
  const std::filesystem::path target = std::filesystem::weakly_canonical(path, ec);
  if (ec) return Status::Ok();  // a path that cannot be resolved fails where it is used
  const std::filesystem::path vault = std::filesystem::weakly_canonical(vault_dir, ec);
  if (ec) return Status::Ok();
  auto v = vault.begin();
  auto t = target.begin();
  for (; v != vault.end() && !v->empty(); ++v, ++t) {
    if (t == target.end() || *t != *v) return Status::Ok();
  }
  return InvalidArgument(option + " " + path + " is inside the vault " + vault_dir +
                         ", whose files only swfvault writes; choose a path outside it");
}

bool IsStdout(const std::string& out) {
  if (out == "-") return true;
  struct stat named {
  }, stdout_st{};
  return ::stat(out.c_str(), &named) == 0 && ::fstat(STDOUT_FILENO, &stdout_st) == 0 &&
         named.st_dev == stdout_st.st_dev && named.st_ino == stdout_st.st_ino;
}

bool IsStreamOutput(const std::string& out) {
  struct stat st {};
  return ::stat(out.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode));
}

Result<std::string> OutputPathFor(const std::string& out, const std::string& bestands_naam,
                                  const std::string& id) {
  if (out == "-") return out;
  if (Result<FileStat> st = RealFileSystem().Stat(out); st.ok() && st->is_directory) {
    return ReplaceableOutput(JoinPath(out, SanitizeName(bestands_naam, id)));
  }
  return ReplaceableOutput(out);
}

StopFlag& StopGracefullyOnSignals(CommandContext& ctx) {
  static StopFlag stop;
  stop.Reset();  // a second command in the same process (tests) starts afresh
  Status handlers = StopOnSignals(stop);
  if (!handlers.ok()) ctx.output().Warn("no graceful stop on SIGINT/SIGTERM: " + handlers.message());
  return stop;
}

int Fail(CommandContext& ctx, const Status& status) {
  ctx.output().Error(status);
  return ExitCodeFor(status);
}

int UsageFail(CommandContext& ctx, const std::string& message) {
  ctx.output().UsageError(message, ctx.command());
  return kExitUsage;
}

// Digits at [at, at + n) of `s` as a number, or -1.
int DigitsAt(std::string_view s, size_t at, size_t n) {
  if (at + n > s.size()) return -1;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// "YYYY-MM-DDTHH:MM:SS", optional ".fraction" (1-9 digits), then "Z" or "+HH:MM"/"-HH:MM".
// Hand-written: GCC 12 cannot build <regex> warning-free under the sanitizers (bug 105562).
bool IsIsoInstant(std::string_view s) {
  auto sep = [&](size_t at, char c) { return at < s.size() && s[at] == c; };
  const int month = DigitsAt(s, 5, 2), day = DigitsAt(s, 8, 2), hour = DigitsAt(s, 11, 2),
            minute = DigitsAt(s, 14, 2), second = DigitsAt(s, 17, 2);
  if (DigitsAt(s, 0, 4) < 0 || !sep(4, '-') || !sep(7, '-') || !sep(10, 'T') || !sep(13, ':') ||
      !sep(16, ':') || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 60) {
    return false;
  }
  size_t at = 19;
  if (sep(at, '.')) {
    size_t digits = 0;
    while (at + 1 + digits < s.size() && s[at + 1 + digits] >= '0' && s[at + 1 + digits] <= '9') ++digits;
    if (digits < 1 || digits > 9) return false;
    at += 1 + digits;
  }
  if (sep(at, 'Z')) return at + 1 == s.size();
  if (!sep(at, '+') && !sep(at, '-')) return false;
  const int oh = DigitsAt(s, at + 1, 2), om = DigitsAt(s, at + 4, 2);
  return sep(at + 3, ':') && oh >= 0 && oh <= 23 && om >= 0 && om <= 59 && at + 6 == s.size();
}

std::optional<double> IsoInstantSeconds(std::string_view s) {
  if (!IsIsoInstant(s)) return std::nullopt;
  struct tm tm {};
  tm.tm_year = DigitsAt(s, 0, 4) - 1900;
  tm.tm_mon = DigitsAt(s, 5, 2) - 1;
  tm.tm_mday = DigitsAt(s, 8, 2);
  tm.tm_hour = DigitsAt(s, 11, 2);
  tm.tm_min = DigitsAt(s, 14, 2);
  tm.tm_sec = DigitsAt(s, 17, 2);
  double seconds = static_cast<double>(::timegm(&tm));
  size_t at = 19;
  if (s[at] == '.') {
    double scale = 0.1;
    for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, scale /= 10) {
      seconds += (s[at] - '0') * scale;
    }
  }
  if (s[at] != 'Z') {  // "+HH:MM" is ahead of UTC: subtract it
    const int offset = DigitsAt(s, at + 1, 2) * 3600 + DigitsAt(s, at + 4, 2) * 60;
    seconds += s[at] == '+' ? -offset : offset;
  }
  return seconds;
}

namespace {
constexpr char kAllowEmpty[] = "allow-empty";
}  // namespace

CLI::Option* AllowEmpty(CLI::Option* option) {
  // A check that passes everything, found again by its name; no description, so --help
  // shows nothing of it.
  return option->check(CLI::Validator([](std::string&) { return std::string(); }, "", kAllowEmpty));
}

void RefuseEmptyValues(CLI::App& app) {
  for (CLI::Option* option : app.get_options([](CLI::Option*) { return true; })) {
    if (option->get_type_size_max() == 0) continue;  // a flag
    try {
      option->get_validator(kAllowEmpty);
      continue;
    } catch (const CLI::OptionNotFound&) {
    }
    option->check(CLI::Validator(
        [](std::string& input) {
          return input.empty() ? std::string("must not be empty") : std::string();
        },
        ""));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) RefuseEmptyValues(*sub);
}

CLI::Validator IsoInstant() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        if (IsIsoInstant(input)) return {};
        return "expected an ISO 8601 instant such as 2026-11-30T10:45:00Z, got '" + input + "'";
      },
      "ISO 8601 instant");
}

std::optional<double> ParseDurationSeconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  size_t at = 0;
  char last_unit = 0;
  while (at < text.size()) {
    size_t digits = at;
    while (digits < text.size() &&
           ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) {
      ++digits;
    }
    if (digits == at) return std::nullopt;  // a unit without its number, or a stray character
    double value = 0;
    std::string number(text.substr(at, digits - at));
    if (!CLI::detail::lexical_cast(number, value)) return std::nullopt;
    if (digits == text.size()) {
      if (at != 0) return std::nullopt;  // "1h30": the 30 of what?
      return value;                      // a plain number: seconds
    }
    static constexpr std::string_view kUnits = "dhms";  // largest first, each at most once
    static constexpr double kSeconds[] = {86400, 3600, 60, 1};
    const size_t unit = kUnits.find(text[digits]);
    if (unit == std::string_view::npos) return std::nullopt;
    if (last_unit != 0 && kUnits.find(last_unit) >= unit) return std::nullopt;
    last_unit = text[digits];
    total += value * kSeconds[unit];
    at = digits + 1;
  }
  return total;
}

CLI::Validator Duration() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        std::optional<double> seconds = ParseDurationSeconds(input);
        if (seconds && *seconds > 0 && *seconds < 1e9) return {};
        return "expected a duration above 0 such as 3600, 90s, 45m, 2h or 1h30m, got '" + input +
               "'";
      },
      "DURATION");
}

}  // namespace swfvault
