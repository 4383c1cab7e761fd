#include "swfvault/vault_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/temp_dir.h"

namespace swfvault::testing {
namespace {

class VaultLockTest : public ::testing::Test {
 protected:
  std::string Vault() { return dir_.path().string(); }
  TempDir dir_;
  PosixFileSystem fs_;
};

TEST_F(VaultLockTest, SecondHolderInSameProcessIsRefusedWithVaultName) {
  auto first = VaultLock::Acquire(fs_, Vault());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = VaultLock::Acquire(fs_, Vault());
  ASSERT_EQ(second.status().code(), StatusCode::kLocked);
  EXPECT_NE(second.status().message().find(Vault()), std::string::npos);
}

TEST_F(VaultLockTest, ReleasedWhenLockObjectIsDestroyed) {
  { auto first = VaultLock::Acquire(fs_, Vault()); ASSERT_TRUE(first.ok()); }
  EXPECT_TRUE(VaultLock::Acquire(fs_, Vault()).ok());
}

TEST_F(VaultLockTest, ForkedChildCannotTakeHeldLock) {
  auto held = VaultLock::Acquire(fs_, Vault());
  ASSERT_TRUE(held.ok());
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    PosixFileSystem fs;
    auto r = VaultLock::Acquire(fs, Vault());
    _exit(!r.ok() && r.status().code() == StatusCode::kLocked ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "child was able to take a held lock";
}

TEST_F(VaultLockTest, LockIsReleasedWhenHolderIsKilled) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(ready[0]);
    PosixFileSystem fs;
    auto r = VaultLock::Acquire(fs, Vault());
    char c = r.ok() ? 'y' : 'n';
    if (write(ready[1], &c, 1) != 1) _exit(2);
    pause();  // hold until killed
    _exit(0);
  }
  close(ready[1]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  close(ready[0]);
  ASSERT_EQ(c, 'y');
  EXPECT_EQ(VaultLock::Acquire(fs_, Vault()).status().code(), StatusCode::kLocked);
  kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(VaultLock::Acquire(fs_, Vault()).ok());
}

TEST_F(VaultLockTest, MissingVaultDirectoryIsNotFound) {
  EXPECT_EQ(VaultLock::Acquire(fs_, Vault() + "/nope").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace swfvault::testing
