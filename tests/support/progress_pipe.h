// ProgressPipe: a forked child reports each unit of finished work (a commit) to its parent, so
// crash tests can aim a SIGKILL after a known number of commits instead of after a guessed
// delay, which no slow build (sanitizers) or slow disk can outrun. KillAfterReports (below) is
// the whole fork-report-kill-reap sequence; the child body only calls Report().
#ifndef SWFVAULT_TESTS_SUPPORT_PROGRESS_PIPE_H_
#define SWFVAULT_TESTS_SUPPORT_PROGRESS_PIPE_H_

#include <chrono>
#include <functional>
#include <string>

namespace swfvault::testing {

class ProgressPipe {
 public:
  ProgressPipe();  // check ok(): false when no pipe could be made (errno says why)
  ~ProgressPipe();
  ProgressPipe(const ProgressPipe&) = delete;
  ProgressPipe& operator=(const ProgressPipe&) = delete;

  bool ok() const { return read_fd_ >= 0 && write_fd_ >= 0; }

  // In the child, after fork: one finished unit; false when the parent has gone.
  bool Report();
  // In the parent, after fork: closes the child's end, so a dead child reads as end of file.
  void CloseChildEnd();
  // In the parent: waits until `count` more reports arrived, at most `timeout_ms` for each;
  // false on timeout or when the child ended first. Reports read are added to received().
  bool WaitFor(int count, int timeout_ms);
  // In the parent, once the child is dead: reads the reports still in the pipe.
  void Drain();
  int received() const { return received_; }

 private:
  bool ReadOne(int timeout_ms);

  int read_fd_ = -1;
  int write_fd_ = -1;
  int received_ = 0;
};

// What became of a child that KillAfterReports forked and killed.
struct KilledChild {
  std::string error;  // empty when it reported as asked and died by the SIGKILL
  int reported = 0;   // reports received from it, those sent just before the kill included
};

// Forks a child that runs `body` (which reports on the pipe, works until it is killed and
// leaves by _exit on any failure). The parent waits for `reports` reports (at most 120 s
// each), then `delay`, then SIGKILLs and reaps the child, also when the wait failed.
KilledChild KillAfterReports(int reports, std::chrono::microseconds delay,
                             const std::function<void(ProgressPipe&)>& body);

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SUPPORT_PROGRESS_PIPE_H_
