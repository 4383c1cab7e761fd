// Placeholder until this command group lands: each command refuses with a usage error.
#include "cli/commands.h"
#include "swfvault/exit_codes.h"

namespace swfvault {

CommandSpec ExportCommand() {
  return {"export", "(not available yet)", [](CLI::App*) -> std::function<int(CommandContext&)> {
            return [](CommandContext& ctx) { return Fail(ctx, InvalidArgument("'export' is not available yet")); };
          }};
}

CommandSpec VerifyArchiveCommand() {
  return {"verify-archive", "(not available yet)", [](CLI::App*) -> std::function<int(CommandContext&)> {
            return [](CommandContext& ctx) { return Fail(ctx, InvalidArgument("'verifyarchive' is not available yet")); };
          }};
}

}  // namespace swfvault
