// The swfvault command line: parses argv, wires the real implementations and runs one
// command. Returns the process exit code (see README "Exit codes").
#ifndef SWFVAULT_CLI_H_
#define SWFVAULT_CLI_H_

namespace swfvault {

int RunCli(int argc, char** argv);

}  // namespace swfvault

#endif  // SWFVAULT_CLI_H_
