// Shared pieces of the SWF operation commands (swfvault samenwerking|deelnemer|document|
// actieverzoek|bericht|notificatie): a command group with nested subcommands, the connection
// acting as the resolved profile, aligned tables for people and one JSON object per item for
// scripts. Internal to src/cli; not thread-safe (one command run at a time).
#ifndef SWFVAULT_CLI_SWF_COMMANDS_H_
#define SWFVAULT_CLI_SWF_COMMANDS_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "cli/wiring.h"

namespace swfvault {

using SwfRunner = std::function<int(CommandContext&)>;

// One command group (`swfvault document ...`): requires exactly one nested subcommand and runs
// the one the user chose. Does not own `app` (CLI11 does).
class SwfCommandGroup {
 public:
  explicit SwfCommandGroup(CLI::App* app);
  // Adds a nested subcommand; global options keep working after it (fallthrough).
  CLI::App* Add(const std::string& name, const std::string& summary);
  // Runs `run` when `sub` was chosen.
  void On(CLI::App* sub, SwfRunner run);
  // The group's runner: dispatches on app->got_subcommand(...); kExitUsage if none matched.
  SwfRunner Runner() const;

 private:
  CLI::App* app_;
  std::shared_ptr<std::vector<std::pair<CLI::App*, SwfRunner>>> runners_;
};

// Connects as ctx.ResolveProfile(). Errors: those of ResolveProfile and Connect.
Result<std::unique_ptr<Connection>> ConnectAs(CommandContext& ctx);

// An aligned text table for human output; Print() does nothing in JSON mode.
class SwfTable {
 public:
  explicit SwfTable(std::vector<std::string> headers) : rows_{std::move(headers)} {}
  void Row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void Print(Output& output) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// The resource as the server sent it (`raw_json` without `_links`) with "type" set; an
// unparsable raw_json gives {"type": type}.
nlohmann::json ItemJson(const std::string& type, const std::string& raw_json);
// Writes {"type":"summary", "command": command, ...fields}.
void EmitSummary(CommandContext& ctx, const std::string& command, nlohmann::json fields);
// "BEPERKTE_TOEGANG"/"beperkt" -> BEPERKTE_TOEGANG, "VOLLEDIGE_TOEGANG"/"volledig" ->
// VOLLEDIGE_TOEGANG (case-insensitive); anything else is kInvalidArgument naming `option`.
Result<std::string> NormalizePrivilege(const std::string& value, const std::string& option);

// Shared by samenwerking/deelnemer/document/actieverzoek output.
void PrintSamenwerkingen(CommandContext& ctx, const std::vector<Samenwerking>& items);
void PrintDocumenten(CommandContext& ctx, const std::vector<Document>& items);
void PrintActieverzoeken(CommandContext& ctx, const std::vector<Actieverzoek>& items);

}  // namespace swfvault

#endif  // SWFVAULT_CLI_SWF_COMMANDS_H_
