#include "cli/commands.h"

namespace swfvault {

const std::vector<CommandSpec>& AllCommands() {
  static const std::vector<CommandSpec> commands = {
      ConfigCommand(),
  };
  return commands;
}

}  // namespace swfvault
