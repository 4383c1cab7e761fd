// The pieces every swfvault command shares: the global options, the resolved connection
// profile, the output, and the table entry that declares a command. Commands are defined in
// src/cli/*_command.cc and listed once in cli.cc (ninja style: one table of subcommands).
#ifndef SWFVAULT_CLI_COMMAND_H_
#define SWFVAULT_CLI_COMMAND_H_

#include <CLI/CLI.hpp>
#include <charconv>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

#include "cli/output.h"
#include "swfvault/config.h"
#include "swfvault/status.h"
#include "swfvault/stop_flag.h"

namespace swfvault {

// Options accepted before or after any subcommand.
struct GlobalOptions {
  std::string config_path;
  std::string profile;
  std::string vault;
  std::string base_url;
  std::string cert;
  std::string key;
  std::string ca;
  std::string oin;
  std::string oin_header;
  bool json = false;
  bool quiet = false;
  int verbose = 0;
};

class CommandContext {
 public:
  CommandContext(GlobalOptions options, Output* output, std::string command = "swfvault")
      : options_(std::move(options)), output_(output), command_(std::move(command)) {}

  const GlobalOptions& options() const { return options_; }
  Output& output() { return *output_; }
  // The command line's command, "swfvault deelnemer invite", for pointing at its --help.
  const std::string& command() const { return command_; }

  // The config file (from --config, $SWFVAULT_CONFIG, or none) with flag overrides applied.
  Result<Config> LoadEffectiveConfig() const;
  // The acting profile: config profile selected by --profile (or the only one), overridden by
  // --base-url/--cert/--key/--ca/--oin/--oin-header, and validated.
  Result<ConnectionProfile> ResolveProfile() const;
  // Every profile in the config, each with the flag overrides applied and validated.
  Result<std::vector<ConnectionProfile>> ResolveAllProfiles() const;
  // The vault directory: --vault, else the config's, else kInvalidArgument.
  Result<std::string> VaultDir() const;

 private:
  GlobalOptions options_;
  Output* output_;
  std::string command_;
};

// One row of the subcommand table. `define` adds the subcommand's own options to `app` and
// returns the function that runs it once parsing succeeded.
struct CommandSpec {
  const char* name;
  const char* summary;
  std::function<std::function<int(CommandContext&)>(CLI::App* app)> define;
};

// A check that an option's value is a number of type T from `lo` to `hi` (inclusive; `hi` at
// T's maximum means "at least lo"). Its message names what was wrong in words, e.g.
// "expected a whole number from 1 to 64, got 'abc'" (CLI11's Range says "not in range" of
// text that is no number, and prints 0.000000 for a double). Give it with transform(): a whole
// number is written back in decimal, as it was read.
template <typename T>
CLI::Validator Between(T lo, T hi) {
  auto text = [](T v) {
    std::ostringstream os;
    os.precision(15);  // 1000000, not 1e+06
    os << v;
    return os.str();
  };
  const std::string kind = std::is_integral_v<T> ? "a whole number" : "a number";
  const std::string range = hi == std::numeric_limits<T>::max()
                                ? "at least " + text(lo)
                                : "from " + text(lo) + " to " + text(hi);
  return CLI::Validator(
      [=](std::string& input) -> std::string {
        T value{};
        // A whole number is read whole, as from_chars reads it: CLI11 takes "-1" for an
        // unsigned type as its largest value, and a number too large as that too.
        bool read = false;
        if constexpr (std::is_integral_v<T>) {
          const char* end = input.data() + input.size();
          const auto [at, error] = std::from_chars(input.data(), end, value);
          read = error == std::errc() && at == end;
          // As read here, so CLI11 stores the same number: it would take "0100" for octal 64.
          if (read) input = std::to_string(value);
        } else {
          read = CLI::detail::lexical_cast(input, value);
        }
        if (!read) return "expected " + kind + " " + range + ", got '" + input + "'";
        // Written so that NaN is out of every range too.
        if (!(value >= lo && value <= hi)) return input + " is out of range: expected " + kind + " " + range;
        return {};
      },
      range);
}

// Marks an option whose empty value means something (clearing a field): RefuseEmptyValues
// leaves it alone.
CLI::Option* AllowEmpty(CLI::Option* option);

// Every option and argument below `app` that takes a value refuses an empty one with a usage
// error that names it, unless AllowEmpty marked it: `--samenwerking "$SAM"` with $SAM unset must
// not pass for no filter at all (`notificatie delete --alle` would empty the whole feed).
void RefuseEmptyValues(CLI::App& app);

// An instant as the API writes it: "2026-11-30T10:45:00Z", with optional fractions of a
// second and a "+01:00"-style offset instead of Z.
CLI::Validator IsoInstant();
// Seconds since the Unix epoch of such an instant (offset applied); nullopt when it is none.
std::optional<double> IsoInstantSeconds(std::string_view instant);

// A span of time as rclone and systemd write it: seconds ("3600", "0.5"), or numbers with the
// units d, h, m, s from largest to smallest ("90s", "45m", "1h30m", "1d12h"). nullopt when the
// text is none of these.
std::optional<double> ParseDurationSeconds(std::string_view text);
// A check that an option's value is such a duration, above 0.
CLI::Validator Duration();

// The help footer of every command (README "Exit codes" in short).
inline constexpr char kExitCodesHelp[] =
    "Exit codes: 0 ok, 1 partial, 2 usage, 3 retry later, 4 authentication/TLS, 5 integrity,\n"
    "6 locked (vault or mirror target), 7 disk full, 8 refused by the server, 9 not found,\n"
    "10 other error, 11 time limit (sync --max-duration), 130 interrupted (README \"Exit codes\").";

// The file a command's output replaces (written beside it, checked, renamed over it): `out`
// itself, or the file a symbolic link `out` points to, existing or not (the link stays, as with
// cp and curl). kInvalidArgument naming `out` when it is a directory, a device, a pipe or a
// socket (a rename would put a plain file in its place: `-o /dev/null` must never replace
// /dev/null); kNotFound when its directory does not exist.
Result<std::string> ReplaceableOutput(const std::string& out);
// kInvalidArgument naming `option` when `path` (links resolved) is `vault_dir` or lies inside
// it: an archive, a copy or a mirror written there would replace the catalog or an object.
Status CheckOutsideVault(const std::string& path, const std::string& vault_dir,
                         const std::string& option);
// True when `out` (after links) is a character device or a pipe: a target bytes are written
// into, in place, like stdout.
bool IsStreamOutput(const std::string& out);
// True for "-" and for a name of the process's stdout (/dev/stdout, /dev/fd/1, the file or pipe
// stdout is): the document goes there and nothing else.
bool IsStdout(const std::string& out);

// Where `get -o OUT` writes a document: OUT itself ("-" = stdout), or, when OUT is an existing
// directory, the document's own name (sanitized; `id` when it has none) inside it; else as
// ReplaceableOutput.
Result<std::string> OutputPathFor(const std::string& out, const std::string& bestands_naam,
                                  const std::string& id);

// For a long command: from now on the first SIGINT/SIGTERM sets the returned flag (cleared
// here) instead of killing the process, and the command stops at its next safe point; a second
// signal kills. One process-wide flag, as signals are process-wide.
StopFlag& StopGracefullyOnSignals(CommandContext& ctx);

// Reports `status` through the output and returns its exit code.
int Fail(CommandContext& ctx, const Status& status);
// A usage error the command found itself (a value CLI11 cannot check, options that exclude
// each other): reported as CLI11's are, naming the option, and kExitUsage.
int UsageFail(CommandContext& ctx, const std::string& message);

}  // namespace swfvault

#endif  // SWFVAULT_CLI_COMMAND_H_
