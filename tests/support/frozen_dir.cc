#include "support/frozen_dir.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace swfvault::testing {
namespace {

namespace fs = std::filesystem;

// Sets or clears FS_IMMUTABLE_FL on `dir`; false when the file system or the caps refuse.
bool SetImmutable(const fs::path& dir, bool on) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  int flags = 0;
  bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
  ok = ok && ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

FrozenDir::FrozenDir(fs::path dir) : dir_(std::move(dir)) {
  if (::geteuid() != 0) {
    fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  } else {
    immutable_ = SetImmutable(dir_, true);
  }
  int probe = ::open((dir_ / ".frozen-probe").c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  active_ = probe < 0;
  if (probe >= 0) {
    ::close(probe);
    fs::remove(dir_ / ".frozen-probe");
  }
}

FrozenDir::~FrozenDir() {
  if (::geteuid() != 0) {
    fs::permissions(dir_, fs::perms::owner_all);
  } else if (immutable_) {
    SetImmutable(dir_, false);
  }
}

}  // namespace swfvault::testing
