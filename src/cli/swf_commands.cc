// Placeholder until this command group lands: each command refuses with a usage error.
#include "cli/commands.h"
#include "swfvault/exit_codes.h"

namespace swfvault {

CommandSpec SamenwerkingCommand() {
  return {"samenwerking", "(not available yet)", [](CLI::App*) -> std::function<int(CommandContext&)> {
            return [](CommandContext& ctx) { return Fail(ctx, InvalidArgument("'samenwerking' is not available yet")); };
          }};
}

CommandSpec DeelnemerCommand() {
  return {"deelnemer", "(not available yet)", [](CLI::App*) -> std::function<int(CommandContext&)> {
            return [](CommandContext& ctx) { return Fail(ctx, InvalidArgument("'deelnemer' is not available yet")); };
          }};
}

CommandSpec DocumentCommand() {
  return {"document", "(not available yet)", [](CLI::App*) -> std::function<int(CommandContext&)> {
            return [](CommandContext& ctx) { return Fail(ctx, InvalidArgument("'document' is not available yet")); };
          }};
}

CommandSpec ActieverzoekCommand() {
  return {"actieverzoek", "(not available yet)", [](CLI::App*) -> std::function<int(CommandContext&)> {
            return [](CommandContext& ctx) { return Fail(ctx, InvalidArgument("'actieverzoek' is not available yet")); };
          }};
}

CommandSpec BerichtCommand() {
  return {"bericht", "(not available yet)", [](CLI::App*) -> std::function<int(CommandContext&)> {
            return [](CommandContext& ctx) { return Fail(ctx, InvalidArgument("'bericht' is not available yet")); };
          }};
}

CommandSpec NotificatieCommand() {
  return {"notificatie", "(not available yet)", [](CLI::App*) -> std::function<int(CommandContext&)> {
            return [](CommandContext& ctx) { return Fail(ctx, InvalidArgument("'notificatie' is not available yet")); };
          }};
}

}  // namespace swfvault
