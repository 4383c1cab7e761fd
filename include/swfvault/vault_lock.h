// VaultLock: one runner per vault (RELIABILITY rule 5). An exclusive, non-blocking flock on
// `<vault>/lock`; the kernel drops it when the holder exits or is killed (even SIGKILL), so
// it can never go stale.
//
// The lock belongs to the open file description: a second VaultLock in the same process is
// refused just like one in another process. Not copyable; movable. Thread-safe to hold.
#ifndef SWFVAULT_VAULT_LOCK_H_
#define SWFVAULT_VAULT_LOCK_H_

#include <memory>
#include <string>

#include "swfvault/file_system.h"
#include "swfvault/status.h"

namespace swfvault {

class VaultLock {
 public:
  // Takes the lock of the vault at `vault_dir` (which must exist).
  // Codes: kLocked ("vault <dir> is in use by another swfvault process") when held
  // elsewhere; kNotFound when the vault directory is missing; kPermissionDenied, kIoError.
  static Result<VaultLock> Acquire(FileSystem& fs, const std::string& vault_dir);

  VaultLock(VaultLock&&) noexcept = default;
  VaultLock& operator=(VaultLock&&) noexcept = default;
  ~VaultLock() = default;  // releases the lock

  const std::string& vault_dir() const { return vault_dir_; }
  // Path of the lock file: `<vault>/lock`.
  static std::string LockPath(const std::string& vault_dir);

 private:
  VaultLock(std::string vault_dir, std::unique_ptr<FileLock> lock)
      : vault_dir_(std::move(vault_dir)), lock_(std::move(lock)) {}

  std::string vault_dir_;
  std::unique_ptr<FileLock> lock_;
};

}  // namespace swfvault

#endif  // SWFVAULT_VAULT_LOCK_H_
