// Shared fixture for BlobStore tests: a vault in a temp dir over a FaultyFileSystem.
#ifndef SWFVAULT_TESTS_STORE_BLOB_STORE_TEST_UTIL_H_
#define SWFVAULT_TESTS_STORE_BLOB_STORE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/temp_dir.h"
#include "swfvault/blob_store.h"
#include "swfvault/faulty_file_system.h"

namespace swfvault::testing {

// Regular files anywhere under `dir` (recursively).
inline std::vector<std::string> FilesUnder(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path().string());
  }
  return out;
}

// Deterministic pseudo-random content.
inline std::string Content(size_t n, unsigned seed = 1) {
  std::string s(n, '\0');
  unsigned x = seed * 2654435761u + 1;
  for (char& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 16);
  }
  return s;
}

// Flips one byte of a (possibly read-only) file in place.
inline void FlipByte(const std::string& path, size_t offset) {
  std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::string data = ReadFile(path);
  data[offset] = static_cast<char>(data[offset] ^ 0x01);
  WriteFile(path, data);
}

class BlobStoreFixture : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(store_.Init().ok()); }

  // Writes `data` in chunks of `chunk` bytes and commits it against its true hash.
  Result<CommitResult> Put(const std::string& data, size_t chunk = 4096) {
    SWF_ASSIGN_OR_RETURN(auto writer, store_.BeginWrite());
    for (size_t off = 0; off < data.size(); off += chunk) {
      SWF_RETURN_IF_ERROR(writer->Append(std::string_view(data).substr(off, chunk)));
    }
    return writer->Commit(Sha256Hex(data), data.size());
  }

  std::filesystem::path Vault() const { return dir_.path() / "vault"; }

  TempDir dir_;
  PosixFileSystem posix_;
  FaultyFileSystem fs_{&posix_};
  FakeClock clock_{SystemClock().NowUnixMicros()};
  BlobStore store_{&fs_, &clock_, (dir_.path() / "vault").string()};
};

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_STORE_BLOB_STORE_TEST_UTIL_H_
