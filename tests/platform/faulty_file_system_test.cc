#include "swfvault/faulty_file_system.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>

#include "support/temp_dir.h"

namespace swfvault::testing {
namespace {

class FaultyFileSystemTest : public ::testing::Test {
 protected:
  std::string P(const std::string& name) { return (dir_ / name).string(); }
  TempDir dir_;
  PosixFileSystem posix_;
  FaultyFileSystem fs_{&posix_};
};

TEST_F(FaultyFileSystemTest, FailsOnlyTheNthAppend) {
  auto file = fs_.CreateExclusive(P("f"));
  ASSERT_TRUE(file.ok());
  fs_.FailNth(FsOp::kAppend, 2, ENOSPC);
  EXPECT_TRUE((*file)->Append("a").ok());
  Status second = (*file)->Append("b");
  EXPECT_EQ(second.code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE((*file)->Append("c").ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(ReadFile(P("f")), "ac");  // a failed append writes nothing
  EXPECT_EQ(fs_.Count(FsOp::kAppend), 3);
}

TEST_F(FaultyFileSystemTest, StickyFaultKeepsFailing) {
  fs_.FailNth(FsOp::kCreate, 1, EACCES, /*sticky=*/true);
  EXPECT_EQ(fs_.CreateExclusive(P("a")).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(fs_.CreateTemp(dir_.path().string(), "t").status().code(),
            StatusCode::kPermissionDenied);
  fs_.ClearFaults();
  EXPECT_TRUE(fs_.CreateExclusive(P("a")).ok());
}

TEST_F(FaultyFileSystemTest, NthIsCountedFromWhenTheRuleIsAdded) {
  ASSERT_TRUE(fs_.CreateDirs(P("d1")).ok());
  fs_.FailNth(FsOp::kCreateDirs, 1, EIO);
  EXPECT_EQ(fs_.CreateDirs(P("d2")).code(), StatusCode::kIoError);
  EXPECT_FALSE(std::filesystem::exists(P("d2")));
}

TEST_F(FaultyFileSystemTest, InjectedSyncFailureNamesThePath) {
  auto file = fs_.CreateExclusive(P("f"));
  ASSERT_TRUE(file.ok());
  fs_.FailNth(FsOp::kSync, 1, EIO);
  Status st = (*file)->Sync();
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find(P("f")), std::string::npos);
}

}  // namespace
}  // namespace swfvault::testing
