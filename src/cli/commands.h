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
// src/cli/export_command.cc
CommandSpec ExportCommand();
CommandSpec VerifyArchiveCommand();
// src/cli/mirror_command.cc
CommandSpec MirrorCommand();
CommandSpec PushCommand();
// src/cli/swf_commands.cc: every other SWF operation, one command group each.
CommandSpec SamenwerkingCommand();
CommandSpec DeelnemerCommand();
CommandSpec DocumentCommand();
CommandSpec ActieverzoekCommand();
CommandSpec BerichtCommand();
CommandSpec NotificatieCommand();

}  // namespace swfvault

#endif  // SWFVAULT_CLI_COMMANDS_H_
