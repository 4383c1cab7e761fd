#include "swfvault/vault_lock.h"

namespace swfvault {

std::string VaultLock::LockPath(const std::string& vault_dir) {
  return JoinPath(vault_dir, "lock");
}

Result<VaultLock> VaultLock::Acquire(FileSystem& fs, const std::string& vault_dir) {
  auto lock = fs.LockFile(LockPath(vault_dir));
  if (lock.ok()) return VaultLock(vault_dir, std::move(lock).value());
  Status st = lock.status();
  if (st.code() == StatusCode::kLocked) {
    return Locked("vault " + vault_dir + " is in use by another swfvault process (" +
                  st.message() + ")");
  }
  return st.WithContext("locking vault " + vault_dir);
}

}  // namespace swfvault
