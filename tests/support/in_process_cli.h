// Tests: the swfvault command line run in this process (RunCliWith), output captured.
#ifndef SWFVAULT_TESTS_SUPPORT_IN_PROCESS_CLI_H_
#define SWFVAULT_TESTS_SUPPORT_IN_PROCESS_CLI_H_

#include <sstream>
#include <string>
#include <vector>

#include "swfvault/cli.h"

namespace swfvault::testing {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

inline CliRun Cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int code = RunCliWith(args, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SUPPORT_IN_PROCESS_CLI_H_
