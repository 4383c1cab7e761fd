#include "cli/commands.h"

namespace swfvault {

const std::vector<CommandSpec>& AllCommands() {
  static const std::vector<CommandSpec> commands = {
      InitCommand(),   SyncCommand(),   StatusCommand(), LsCommand(), ShowCommand(),
      GetCommand(),    VerifyCommand(), GcCommand(),     ConfigCommand(),
  };
  return commands;
}

}  // namespace swfvault
