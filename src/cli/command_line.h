// Reading a command line against the CLI11 command tree before CLI11 parses it. CLI11 takes a
// command's options only after the command; swfvault, like rclone, takes them on either side
// ("swfvault --transfers 8 sync" = "swfvault sync --transfers 8"). The tree (`app`) is only read;
// every function here is pure, so thread-safe as long as nobody changes the tree meanwhile.
#ifndef SWFVAULT_CLI_COMMAND_LINE_H_
#define SWFVAULT_CLI_COMMAND_LINE_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace swfvault {

// `args` (without the program name) with the options that stand before the command they
// belong to moved after it: after the rest of the line, before a "--" there. The command is the
// deepest path of subcommands of `app` (e.g. "samenwerking list") that the tokens before it
// allow: each of them is a word of that path or an option of `app` or of a command on the path,
// with the values CLI11 gives that option. Options of `app` itself (the global ones) stay where
// they are; an option nobody knows counts as a flag and moves too, so CLI11 reports it in the
// command's context. Returns `args` unchanged when no path fits.
std::vector<std::string> MoveCommandOptionsAfterCommand(const CLI::App& app,
                                                        std::vector<std::string> args);

}  // namespace swfvault

#endif  // SWFVAULT_CLI_COMMAND_LINE_H_
