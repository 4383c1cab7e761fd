// FrozenDir: makes a directory refuse every change below it (create, unlink, rename), as a
// read-only share does, for as long as the object lives. Mode 0555 does not stop root, so for
// root it sets the immutable flag instead (needs CAP_LINUX_IMMUTABLE and a file system that
// has the flag: ext4, xfs, btrfs). active() says whether it worked; a test skips otherwise.
// Not thread-safe.
#ifndef SWFVAULT_TESTS_SUPPORT_FROZEN_DIR_H_
#define SWFVAULT_TESTS_SUPPORT_FROZEN_DIR_H_

#include <filesystem>

namespace swfvault::testing {

class FrozenDir {
 public:
  explicit FrozenDir(std::filesystem::path dir);
  ~FrozenDir();
  FrozenDir(const FrozenDir&) = delete;
  FrozenDir& operator=(const FrozenDir&) = delete;

  // True when creating a file in the directory was refused.
  bool active() const { return active_; }

 private:
  std::filesystem::path dir_;
  bool immutable_ = false;
  bool active_ = false;
};

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SUPPORT_FROZEN_DIR_H_
