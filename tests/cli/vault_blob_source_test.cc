#include "cli/vault_blob_source.h"

#include <gtest/gtest.h>

#include "store/blob_store_test_util.h"

namespace swfvault::testing {
namespace {

using VaultBlobSourceTest = BlobStoreFixture;

TEST_F(VaultBlobSourceTest, AMissingObjectIsNamed) {
  VaultBlobSource source(store_);
  std::string sha(64, 'a');
  auto r = source.Open(sha);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "object " + sha + " is missing from the vault's store");
}

TEST_F(VaultBlobSourceTest, AStopEndsReadsAndOpensButNothingBefore) {
  std::string data = Content(100'000);
  ASSERT_TRUE(Put(data).ok());
  StopFlag stop;
  VaultBlobSource source(store_, &stop);
  auto file = source.Open(Sha256Hex(data));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  char buf[1000];
  auto first = (*file)->Read(buf, sizeof buf);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(std::string(buf, *first), data.substr(0, *first));

  stop.Request();
  auto next = (*file)->Read(buf, sizeof buf);
  EXPECT_EQ(next.status().code(), StatusCode::kCancelled);
  EXPECT_NE(next.status().message().find("stopped on request"), std::string::npos);
  EXPECT_EQ(source.Open(Sha256Hex(data)).status().code(), StatusCode::kCancelled);

  // Without a flag nothing changes.
  VaultBlobSource plain(store_);
  EXPECT_TRUE(plain.Open(Sha256Hex(data)).ok());
}

}  // namespace
}  // namespace swfvault::testing
