// Reading a command line against the CLI11 command tree before CLI11 parses it. CLI11 takes a
// command's options only after the command; swfvault, like rclone, takes them on either side
// ("swfvault --transfers 8 sync" = "swfvault sync --transfers 8"), and names an unknown command
// where CLI11 only says that one is required. The tree (`app`) is only read; every function here
// is pure, so thread-safe as long as nobody changes the tree meanwhile.
#ifndef SWFVAULT_CLI_COMMAND_LINE_H_
#define SWFVAULT_CLI_COMMAND_LINE_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace swfvault {

// `args` (without the program name) with the options that stand before the command they
// belong to moved after it: after the rest of the line, before a "--" there. The command is the
// deepest path of subcommands of `app` (e.g. "samenwerking list") that the tokens before it
// allow: each of them is a word of that path or an option of `app` or of a command on the path,
// with the values CLI11 gives that option. Options of `app` itself (the global ones) stay where
// they are. An option of a command below the path takes the values it takes there; an option
// nobody knows counts as a flag. Both move too, so CLI11 reports them in the command's context.
// Returns `args` unchanged when no path fits.
std::vector<std::string> MoveCommandOptionsAfterCommand(const CLI::App& app,
                                                        std::vector<std::string> args);

// A word standing where a command group needs one of its commands, naming none of them.
struct UnknownCommand {
  std::string word;
  std::string group;                  // "swfvault" or "swfvault samenwerking"
  std::vector<std::string> commands;  // the group's commands, in definition order
};

// The first word of `args` that stands where the deepest command group the line names (or
// `app` itself) requires a subcommand, when that word names none; nullopt when there is no
// such word (the line names a command of every group, or no word stands there at all).
std::optional<UnknownCommand> FindUnknownCommand(const CLI::App& app,
                                                 const std::vector<std::string>& args);

}  // namespace swfvault

#endif  // SWFVAULT_CLI_COMMAND_LINE_H_
