#include "support/progress_pipe.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace swfvault::testing {

ProgressPipe::ProgressPipe() {
  int fds[2];
  if (pipe(fds) != 0) return;  // ok() is false; errno says why
  read_fd_ = fds[0];
  write_fd_ = fds[1];
}

ProgressPipe::~ProgressPipe() {
  if (read_fd_ >= 0) close(read_fd_);
  if (write_fd_ >= 0) close(write_fd_);
}

bool ProgressPipe::Report() { return write(write_fd_, "+", 1) == 1; }

void ProgressPipe::CloseChildEnd() {
  if (write_fd_ >= 0) close(write_fd_);
  write_fd_ = -1;
}

bool ProgressPipe::ReadOne(int timeout_ms) {
  pollfd p{read_fd_, POLLIN, 0};
  int ready;
  do {
    ready = poll(&p, 1, timeout_ms);
  } while (ready < 0 && errno == EINTR);
  char byte;
  if (ready != 1 || read(read_fd_, &byte, 1) != 1) return false;
  ++received_;
  return true;
}

bool ProgressPipe::WaitFor(int count, int timeout_ms) {
  for (int k = 0; k < count; ++k) {
    if (!ReadOne(timeout_ms)) return false;
  }
  return true;
}

void ProgressPipe::Drain() {
  while (ReadOne(0)) {
  }
}

KilledChild KillAfterReports(int reports, std::chrono::microseconds delay,
                             const std::function<void(ProgressPipe&)>& body) {
  KilledChild out;
  ProgressPipe pipe;
  if (!pipe.ok()) return {std::string("pipe: ") + std::strerror(errno), 0};
  pid_t pid = fork();
  if (pid < 0) return {std::string("fork: ") + std::strerror(errno), 0};
  if (pid == 0) {
    body(pipe);
    _exit(100);  // the body is meant to run until it is killed
  }
  pipe.CloseChildEnd();
  const bool reported_in_time = pipe.WaitFor(reports, 120'000);
  if (reported_in_time) std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) {
    out.error = std::string("waitpid: ") + std::strerror(errno);
  } else if (!WIFSIGNALED(status)) {
    out.error = "child exited early with " + std::to_string(WEXITSTATUS(status));
  } else if (!reported_in_time) {
    out.error = "child reported " + std::to_string(pipe.received()) + " of " +
                std::to_string(reports) + ", not within 120 s each";
  }
  pipe.Drain();
  out.reported = pipe.received();
  return out;
}

}  // namespace swfvault::testing
