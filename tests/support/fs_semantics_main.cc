// main() of the test executables that run a suite again on the semantics of other file
// systems. SWFVAULT_TEST_FS names them: `no-noreplace` and `no-noreplace-no-links` (a seccomp
// filter, see fs_semantics.h) or `fuse` (every temp folder on a bindfs mount, fuse_mount.h);
// without it the tests run on the machine's own file system (test discovery does that).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "support/fs_semantics.h"
#include "support/fuse_mount.h"

namespace {

// Skips every test, saying why: no seccomp filter for this architecture, or no FUSE here.
class Unsupported : public ::testing::Environment {
 public:
  explicit Unsupported(std::string why) : why_(std::move(why)) {}
  void SetUp() override { GTEST_SKIP() << why_; }

 private:
  std::string why_;
};

// Runs every test with TMPDIR on a fresh bindfs mount, so their folders, vaults and mirror
// targets are on FUSE.
int RunOnFuse() {
  std::string why;
  std::unique_ptr<swfvault::testing::FuseMount> mount =
      swfvault::testing::FuseMount::Start(std::filesystem::temp_directory_path().string(), &why);
  if (!mount) {
    ::testing::AddGlobalTestEnvironment(new Unsupported(why));
    return RUN_ALL_TESTS();
  }
  ::setenv("TMPDIR", mount->path().c_str(), 1);
  return RUN_ALL_TESTS();
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const char* name = std::getenv("SWFVAULT_TEST_FS");
  if (name != nullptr && std::string(name) == "fuse") return RunOnFuse();
  if (name != nullptr && *name != '\0') {
    auto semantics = swfvault::testing::ParseFsSemantics(name);
    if (!semantics) {
      std::fprintf(stderr,
                   "SWFVAULT_TEST_FS=%s: expected no-noreplace, no-noreplace-no-links or fuse\n",
                   name);
      return 2;
    }
    if (!swfvault::testing::FsSemanticsSupported()) {
      ::testing::AddGlobalTestEnvironment(
          new Unsupported("no seccomp filter for this architecture"));
      return RUN_ALL_TESTS();
    }
    std::string scratch = std::filesystem::temp_directory_path().string();
    std::string failed = swfvault::testing::InstallFsSemantics(*semantics, scratch);
    if (!failed.empty()) {
      std::fprintf(stderr, "SWFVAULT_TEST_FS=%s: %s\n", name, failed.c_str());
      return 2;
    }
  }
  return RUN_ALL_TESTS();
}
