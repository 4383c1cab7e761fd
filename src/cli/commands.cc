#include "cli/commands.h"

namespace swfvault {

const std::vector<CommandSpec>& AllCommands() {
  static const std::vector<CommandSpec> commands = {
      InitCommand(),          SyncCommand(),         StatusCommand(),
      LsCommand(),            ShowCommand(),         GetCommand(),
      VerifyCommand(),        GcCommand(),           MirrorCommand(),
      PushCommand(),          ExportCommand(),       VerifyArchiveCommand(),
      SamenwerkingCommand(),  DeelnemerCommand(),    DocumentCommand(),
      ActieverzoekCommand(),  BerichtCommand(),      NotificatieCommand(),
      ConfigCommand(),
  };
  return commands;
}

}  // namespace swfvault
