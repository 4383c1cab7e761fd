// TempDir: a fresh directory under $TMPDIR that is removed with everything in it when the
// object goes out of scope. Not thread-safe.
#ifndef SWFVAULT_TESTS_SUPPORT_TEMP_DIR_H_
#define SWFVAULT_TESTS_SUPPORT_TEMP_DIR_H_

#include <filesystem>
#include <string>

namespace swfvault::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes `content` to `path`, creating parent directories.
void WriteFile(const std::filesystem::path& path, const std::string& content);
// Reads a whole file; fails the current test when it cannot.
std::string ReadFile(const std::filesystem::path& path);

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SUPPORT_TEMP_DIR_H_
