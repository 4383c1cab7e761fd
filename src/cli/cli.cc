#include "swfvault/cli.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/command.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "swfvault/exit_codes.h"
#include "swfvault_version.h"

namespace swfvault {
namespace {

void AddGlobalOptions(CLI::App& app, GlobalOptions* o) {
  app.add_option("--config", o->config_path, "TOML config file (default: $SWFVAULT_CONFIG)");
  app.add_option("--profile", o->profile, "config profile to act as");
  app.add_option("--vault", o->vault, "vault directory");
  app.add_option("--base-url", o->base_url, "SWF API base URL (https://...)");
  app.add_option("--cert", o->cert, "client certificate (PEM, PKIoverheid)");
  app.add_option("--key", o->key, "client private key (PEM, mode 0600)");
  app.add_option("--ca", o->ca, "CA bundle that signs the server certificate");
  app.add_option("--oin", o->oin, "OIN of the organisation to act for (20 digits)");
  app.add_option("--oin-header", o->oin_header, "HTTP header that carries the OIN (default X-OIN)");
  app.add_flag("--json", o->json, "machine-readable output: one JSON object per line");
  app.add_flag("-q,--quiet", o->quiet, "no progress output");
  app.add_flag("-v,--verbose", o->verbose, "more detail (repeatable)");
}

// CLI11 messages already name the option, but CLI11 2.1 lists unexpected arguments in reverse
// (ExtrasError joins them with rjoin); list them as they were typed.
std::string Describe(const CLI::ParseError& e, const CLI::App& app) {
  std::vector<std::string> extras = app.remaining(/*recurse=*/true);
  if (dynamic_cast<const CLI::ExtrasError*>(&e) == nullptr || extras.empty()) return e.what();
  std::string text = extras.size() > 1 ? "The following arguments were not expected:"
                                       : "The following argument was not expected:";
  for (const std::string& extra : extras) text += " " + extra;
  return text;
}

// A usage error: what was wrong, and the command whose --help explains it.
struct Usage {
  std::string message;
  std::string command;
};

Usage DescribeUsageError(const CLI::ParseError& e, const CLI::App& app,
                         const std::vector<std::string>& args) {
  // CLI11 only says "A subcommand is required" when the word it got names none.
  if (std::optional<UnknownCommand> unknown = FindUnknownCommand(app, args)) {
    std::string message = "unknown command '" + unknown->word + "'";
    if (unknown->group != app.get_name()) message += " for '" + unknown->group + "'";
    message += "; commands:";
    for (size_t i = 0; i < unknown->commands.size(); ++i) {
      message += (i == 0 ? " " : ", ") + unknown->commands[i];
    }
    return {message, unknown->group};
  }
  std::string where = "swfvault";
  for (const CLI::App* sub : app.get_subcommands()) {
    where += " " + sub->get_name();
    for (const CLI::App* subsub : sub->get_subcommands()) where += " " + subsub->get_name();
  }
  return {Describe(e, app), where};
}

// Before parsing succeeds options.json is not to be trusted; argv is.
bool JsonRequested(const std::vector<std::string>& args) {
  auto end = std::find(args.begin(), args.end(), std::string("--"));
  return std::find(args.begin(), end, std::string("--json")) != end;
}

// In JSON mode the usage error is an error event like any other (docs/cli-operations.md).
int UsageError(const Usage& usage, bool json, std::ostream& out, std::ostream& err) {
  Output output(out, err, json, /*interactive=*/false);
  output.UsageError(usage.message, usage.command);
  output.SummaryIfMissing(kExitUsage, usage.command);
  return kExitUsage;
}

// "swfvault document label": the command CLI11 selected, for usage errors found by the
// command itself.
std::string SelectedCommand(const CLI::App& app) {
  std::string where = "swfvault";
  for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
    sub = sub->get_subcommands().front();
    where += " " + sub->get_name();
  }
  return where;
}

}  // namespace

int RunCliWith(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
               bool interactive) {
  CLI::App app{"swfvault: a trustworthy local vault for SWF samenwerkdossiers", "swfvault"};
  app.fallthrough();  // global options may stand after the subcommand
  app.require_subcommand(1);
  app.footer(kExitCodesHelp);  // subcommands inherit it
  app.set_version_flag("--version", std::string("swfvault ") + SWFVAULT_VERSION_STRING);
  GlobalOptions options;
  AddGlobalOptions(app, &options);

  std::function<int(CommandContext&)> run;
  for (const CommandSpec& spec : AllCommands()) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.summary);
    sub->fallthrough();
    auto runner = spec.define(sub);
    sub->callback([&run, runner] { run = runner; });
  }
  RefuseEmptyValues(app);

  // A command's options may stand before it too (rclone's convention); CLI11 wants them after.
  std::vector<std::string> ordered = MoveCommandOptionsAfterCommand(app, args);
  std::vector<std::string> reversed(ordered.rbegin(), ordered.rend());  // CLI11 wants them reversed
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::CallForVersion&) {
    out << "swfvault " << SWFVAULT_VERSION_STRING << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    // --help on a subcommand arrives as CallForHelp thrown from that subcommand.
    return UsageError(DescribeUsageError(e, app, args), JsonRequested(args), out, err);
  }
  if (!run) return kExitUsage;
  Output output(out, err, options.json, interactive && !options.quiet);
  CommandContext ctx(options, &output, SelectedCommand(app));
  if (!options.profile.empty()) {
    // Named on the command line, so it must exist, also for a command that needs none (status,
    // verify): a typo there should not pass for a run as that profile.
    Result<Config> config = ctx.LoadEffectiveConfig();
    Result<ConnectionProfile> named = config.ok() ? config->FindProfile(options.profile)
                                                  : Result<ConnectionProfile>(config.status());
    if (config.ok() && !named.ok() && named.status().code() == StatusCode::kNotFound) {
      const int code =
          UsageFail(ctx, "--profile " + options.profile + ": " + named.status().message());
      output.SummaryIfMissing(code, ctx.command());
      return code;
    }
  }
  const int code = run(ctx);
  // A success has written its own summary (or, as `get -o -`, nothing but the document).
  if (code != kExitOk) output.SummaryIfMissing(code, ctx.command());
  return code;
}

int RunCli(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return RunCliWith(args, std::cout, std::cerr, isatty(STDERR_FILENO) == 1);
}

}  // namespace swfvault
