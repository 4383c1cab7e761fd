#include "swfvault/atomic_file.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>

#include "support/temp_dir.h"
#include "swfvault/faulty_file_system.h"

namespace swfvault::testing {
namespace {

size_t EntryCount(const std::filesystem::path& dir) {
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir); it != std::filesystem::directory_iterator(); ++it) ++n;
  return n;
}

class AtomicFileTest : public ::testing::Test {
 protected:
  std::string Target() { return (dir_ / "config.toml").string(); }
  TempDir dir_;
  PosixFileSystem posix_;
  FaultyFileSystem fs_{&posix_};
};

TEST_F(AtomicFileTest, ReplacesContentAndLeavesNoTemp) {
  WriteFile(Target(), "old");
  ASSERT_TRUE(WriteFileAtomically(fs_, Target(), "new").ok());
  EXPECT_EQ(ReadFile(Target()), "new");
  EXPECT_EQ(EntryCount(dir_.path()), 1u);
  EXPECT_EQ(fs_.Count(FsOp::kSync), 1);
  EXPECT_EQ(fs_.Count(FsOp::kSyncDir), 1);
}

TEST_F(AtomicFileTest, FsyncFailureKeepsOldContentAndRemovesTemp) {
  WriteFile(Target(), "old");
  fs_.FailNth(FsOp::kSync, 1, EIO);
  EXPECT_EQ(WriteFileAtomically(fs_, Target(), "new").code(), StatusCode::kIoError);
  EXPECT_EQ(ReadFile(Target()), "old");
  EXPECT_EQ(EntryCount(dir_.path()), 1u);
  EXPECT_EQ(fs_.Count(FsOp::kSync), 1);  // never retried
}

TEST_F(AtomicFileTest, DiskFullIsResourceExhaustedAndLeavesNoTemp) {
  fs_.FailNth(FsOp::kAppend, 1, ENOSPC);
  EXPECT_EQ(WriteFileAtomically(fs_, Target(), "new").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(EntryCount(dir_.path()), 0u);
}

TEST_F(AtomicFileTest, ReadSmallFileRefusesOversizedFile) {
  WriteFile(Target(), std::string(100, 'x'));
  EXPECT_EQ(ReadSmallFile(fs_, Target(), 99).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ReadSmallFile(fs_, Target(), 100).value(), std::string(100, 'x'));
}

}  // namespace
}  // namespace swfvault::testing
