// The subcommand table of swfvault and the factories that fill it, one per *_command.cc.
#ifndef SWFVAULT_CLI_COMMANDS_H_
#define SWFVAULT_CLI_COMMANDS_H_

#include <vector>

#include "cli/command.h"

namespace swfvault {

// Every subcommand, in the order `swfvault --help` lists them.
const std::vector<CommandSpec>& AllCommands();

CommandSpec ConfigCommand();
CommandSpec InitCommand();
CommandSpec SyncCommand();
CommandSpec StatusCommand();
CommandSpec LsCommand();
CommandSpec ShowCommand();
CommandSpec GetCommand();
CommandSpec VerifyCommand();
CommandSpec GcCommand();

}  // namespace swfvault

#endif  // SWFVAULT_CLI_COMMANDS_H_
