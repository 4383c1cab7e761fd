// main() of the test executables that run a suite again on the semantics of file systems
// without RENAME_NOREPLACE (see fs_semantics.h). SWFVAULT_TEST_FS names them; without it the
// tests run on the machine's own file system (test discovery does that).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/fs_semantics.h"

namespace {

// Skips every test when the filter cannot be written for this architecture.
class UnsupportedArchitecture : public ::testing::Environment {
 public:
  void SetUp() override { GTEST_SKIP() << "no seccomp filter for this architecture"; }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const char* name = std::getenv("SWFVAULT_TEST_FS");
  if (name != nullptr && *name != '\0') {
    auto semantics = swfvault::testing::ParseFsSemantics(name);
    if (!semantics) {
      std::fprintf(stderr, "SWFVAULT_TEST_FS=%s: expected no-noreplace or no-noreplace-no-links\n",
                   name);
      return 2;
    }
    if (!swfvault::testing::FsSemanticsSupported()) {
      ::testing::AddGlobalTestEnvironment(new UnsupportedArchitecture);
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
