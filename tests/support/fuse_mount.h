// FuseMount: a bindfs FUSE mount of a fresh folder, so a test process can run its suites on a
// real FUSE file system: no RENAME_NOREPLACE, attributes cached by the kernel, a file removed
// while open kept as a hidden `.fuse_hidden*` entry (as NFS keeps `.nfs*`), f_type "fuse".
#ifndef SWFVAULT_TESTS_SUPPORT_FUSE_MOUNT_H_
#define SWFVAULT_TESTS_SUPPORT_FUSE_MOUNT_H_

#include <sys/types.h>

#include <memory>
#include <string>

namespace swfvault::testing {

class FuseMount {
 public:
  // Mounts a new folder below `parent` (bindfs in the foreground, a child of this process that
  // dies with it). Null with `why` set when FUSE cannot be used here (no /dev/fuse access, no
  // bindfs) or the mount did not come up within 10 s.
  static std::unique_ptr<FuseMount> Start(const std::string& parent, std::string* why);
  ~FuseMount();  // unmounts and removes both folders
  FuseMount(const FuseMount&) = delete;
  FuseMount& operator=(const FuseMount&) = delete;

  // The mounted folder.
  const std::string& path() const { return mount_; }

 private:
  FuseMount(std::string root, pid_t pid)
      : root_(std::move(root)), mount_(root_ + "/mnt"), pid_(pid) {}
  std::string root_;
  std::string mount_;
  pid_t pid_;
};

// Whether `path` lies on a FUSE file system (statfs f_type).
bool OnFuse(const std::string& path);

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SUPPORT_FUSE_MOUNT_H_
