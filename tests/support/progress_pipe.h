// ProgressPipe: a forked child reports each unit of finished work (a commit) to its parent, so
// crash tests can aim a SIGKILL after a known number of commits instead of after a guessed
// delay, which no slow build (sanitizers) or slow disk can outrun.
#ifndef SWFVAULT_TESTS_SUPPORT_PROGRESS_PIPE_H_
#define SWFVAULT_TESTS_SUPPORT_PROGRESS_PIPE_H_

namespace swfvault::testing {

class ProgressPipe {
 public:
  ProgressPipe();  // fails the current test when no pipe can be made (check ok())
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

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SUPPORT_PROGRESS_PIPE_H_
