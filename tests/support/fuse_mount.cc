#include "support/fuse_mount.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

namespace swfvault::testing {
namespace {

constexpr long kFuseSuperMagic = 0x65735546;

}  // namespace

bool OnFuse(const std::string& path) {
  struct statfs sf {};
  return ::statfs(path.c_str(), &sf) == 0 && sf.f_type == kFuseSuperMagic;
}

std::unique_ptr<FuseMount> FuseMount::Start(const std::string& parent, std::string* why) {
  if (::access("/dev/fuse", R_OK | W_OK) != 0) {
    *why = std::string("no FUSE here: /dev/fuse: ") + std::strerror(errno);
    return nullptr;
  }
  std::string root = parent + "/swfvault-fuse-XXXXXX";
  if (::mkdtemp(root.data()) == nullptr) {
    *why = "mkdtemp " + root + ": " + std::strerror(errno);
    return nullptr;
  }
  const std::string back = root + "/back";
  const std::string mount = root + "/mnt";
  std::error_code ec;
  std::filesystem::create_directory(back, ec);
  std::filesystem::create_directory(mount, ec);
  const pid_t self = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // A test process killed by ctest's timeout takes the mount down with it: bindfs gets
    // SIGTERM, and auto_unmount has fusermount unmount even if bindfs dies harder. A parent
    // gone before prctl took effect is seen by getppid.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != self) ::_exit(1);
    ::execlp("bindfs", "bindfs", "-f", "-o", "auto_unmount", back.c_str(), mount.c_str(),
             static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid < 0) {
    *why = std::string("fork: ") + std::strerror(errno);
    std::filesystem::remove_all(root, ec);
    return nullptr;
  }
  std::unique_ptr<FuseMount> m(new FuseMount(root, pid));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!OnFuse(mount)) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      m->pid_ = -1;
      *why =
          WIFEXITED(status) && WEXITSTATUS(status) == 127
              ? std::string("no FUSE here: bindfs is not installed (scripts/setup.sh installs it)")
              : "bindfs " + back + " " + mount + " exited with status " + std::to_string(status);
      return nullptr;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      *why = "bindfs did not mount " + mount + " within 10 s";
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return m;
}

FuseMount::~FuseMount() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);  // libfuse unmounts on SIGTERM
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (OnFuse(mount_)) ::umount2(mount_.c_str(), MNT_DETACH);
  std::error_code ec;
  if (!OnFuse(mount_)) std::filesystem::remove_all(root_, ec);
}

}  // namespace swfvault::testing
