// The swfvault command line: parses argv, wires the real implementations and runs one
// command. Returns the process exit code (see swfvault/exit_codes.h and README "Exit codes").
#ifndef SWFVAULT_CLI_H_
#define SWFVAULT_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace swfvault {

int RunCli(int argc, char** argv);

// As RunCli, with the arguments (without the program name) and the streams given; for tests.
// `interactive` enables progress bars (normally: stderr is a terminal).
int RunCliWith(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
               bool interactive = false);

}  // namespace swfvault

#endif  // SWFVAULT_CLI_H_
