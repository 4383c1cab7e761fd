#include "swfvault/hashing.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace swfvault::testing {
namespace {

TEST(HashingTest, Sha256OfKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HashingTest, Xxh3OfEmptyInputMatchesReference) {
  // XXH3_128bits("") from the xxHash reference: 99aa06d3014798d86001c324468d497f.
  EXPECT_EQ(Xxh3Hex(""), "99aa06d3014798d86001c324468d497f");
}

TEST(HashingTest, ChunkingDoesNotChangeTheDigest) {
  std::string data(100'000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + 7);
  Sha256Hasher sha;
  Xxh3Hasher xxh;
  for (size_t off = 0; off < data.size(); off += 4093) {
    std::string_view chunk = std::string_view(data).substr(off, 4093);
    sha.Update(chunk);
    xxh.Update(chunk);
  }
  EXPECT_EQ(sha.FinishHex(), Sha256Hex(data));
  EXPECT_EQ(xxh.FinishHex(), Xxh3Hex(data));
}

TEST(HashingTest, IsSha256HexAcceptsOnlyLowercase64Hex) {
  EXPECT_TRUE(IsSha256Hex(Sha256Hex("x")));
  EXPECT_FALSE(IsSha256Hex("ABC"));
  std::string upper = Sha256Hex("x");
  upper[0] = 'A';
  EXPECT_FALSE(IsSha256Hex(upper));
  EXPECT_FALSE(IsSha256Hex(Sha256Hex("x") + "0"));
}

TEST(HashingTest, DigestFileHashesWholeFile) {
  TempDir dir;
  std::string content(200'000, 'q');
  WriteFile(dir / "f", content);
  PosixFileSystem fs;
  auto d = DigestFile(fs, (dir / "f").string());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->sha256, Sha256Hex(content));
  EXPECT_EQ(d->xxh3, Xxh3Hex(content));
  EXPECT_EQ(d->size, content.size());
}

}  // namespace
}  // namespace swfvault::testing
