#include "support/progress_pipe.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace swfvault::testing {

ProgressPipe::ProgressPipe() {
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe: " << std::strerror(errno);
    return;
  }
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

}  // namespace swfvault::testing
