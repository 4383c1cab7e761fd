// CliProcess: runs the real `swfvault` binary (SWFVAULT_CLI_BIN) as a child process, to test
// the command line end to end and to kill it at chosen moments. Not thread-safe.
#ifndef SWFVAULT_TESTS_SUPPORT_CLI_PROCESS_H_
#define SWFVAULT_TESTS_SUPPORT_CLI_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace swfvault::testing {

struct CliResult {
  int exit_code = -1;  // -signal when killed by a signal
  std::string out;
  std::string err;
  // The JSON lines of `out` (lines that do not parse are skipped).
  std::vector<nlohmann::json> Events() const;
  // The first event of `type`, or null (a warning line may come before it).
  nlohmann::json FirstEvent(const std::string& type) const;
  // The last {"type":"summary"} event, or null.
  nlohmann::json Summary() const;
};

// Runs `swfvault args...` to completion (stdout and stderr captured, no stdin).
CliResult RunCli(const std::vector<std::string>& args);

// A `swfvault` started in the background; its output goes to files in `log_dir`.
class CliChild {
 public:
  CliChild(const std::vector<std::string>& args, const std::string& log_dir);
  ~CliChild();  // kills and reaps the child if it still runs
  CliChild(const CliChild&) = delete;
  CliChild& operator=(const CliChild&) = delete;

  void Kill(int signal);
  // Waits for the exit; returns the exit code or -signal.
  int Wait();
  // True while the child has not exited (reaps it when it has).
  bool Running();

 private:
  pid_t pid_ = -1;
  int status_code_ = -1;
  bool reaped_ = false;
};

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SUPPORT_CLI_PROCESS_H_
