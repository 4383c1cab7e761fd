// Placeholder until this command group lands: each command refuses with a usage error.
#include "cli/commands.h"
#include "swfvault/exit_codes.h"

namespace swfvault {

CommandSpec MirrorCommand() {
  return {"mirror", "(not available yet)", [](CLI::App*) -> std::function<int(CommandContext&)> {
            return [](CommandContext& ctx) { return Fail(ctx, InvalidArgument("'mirror' is not available yet")); };
          }};
}

CommandSpec PushCommand() {
  return {"push", "(not available yet)", [](CLI::App*) -> std::function<int(CommandContext&)> {
            return [](CommandContext& ctx) { return Fail(ctx, InvalidArgument("'push' is not available yet")); };
          }};
}

}  // namespace swfvault
