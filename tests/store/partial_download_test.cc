// Resumable partial downloads (RELIABILITY rule 6, the store's half of it).
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>

#include "store/blob_store_test_util.h"

namespace swfvault::testing {
namespace {

namespace fsys = std::filesystem;

using PartialDownloadTest = BlobStoreFixture;

constexpr char kDoc[] = "3f2b8c1e-0d6a-4c41-9a57-2b1f0e7d9c11";
constexpr char kEtag[] = "\"4a5b...\"";

TEST_F(PartialDownloadTest, ResumeRehashesPrefixAndContinues) {
  std::string data = Content(300'000);
  {
    auto first = store_.OpenPartial(kDoc, kEtag);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ((*first)->size(), 0u);
    ASSERT_TRUE((*first)->Append(std::string_view(data).substr(0, 123'457)).ok());
  }  // the process "dies" here: the partial stays
  EXPECT_EQ(*store_.PartialSize(kDoc, kEtag), 123'457u);
  auto second = store_.OpenPartial(kDoc, kEtag);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ((*second)->size(), 123'457u);
  EXPECT_EQ((*second)->resumed_from(), 123'457u);
  ASSERT_TRUE((*second)->Append(std::string_view(data).substr(123'457)).ok());
  auto r = (*second)->Commit(Sha256Hex(data), data.size());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->blob.xxh3, Xxh3Hex(data));
  EXPECT_TRUE(store_.Verify(r->blob, VerifyMode::kFull).ok());
  EXPECT_TRUE(FilesUnder(Vault() / "partial").empty());
}

TEST_F(PartialDownloadTest, PartialsCountsTheResumableFilesOnDisk) {
  EXPECT_EQ(store_.Partials()->files, 0);
  {
    auto a = store_.OpenPartial(kDoc, kEtag);
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE((*a)->Append(Content(1000)).ok());
    auto b = store_.OpenPartial("other-doc", kEtag);
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE((*b)->Append(Content(234)).ok());
  }  // killed: both stay
  WriteFile(Vault() / "partial" / "not-a-partial.tmp", "x");
  Result<PartialStats> stats = store_.Partials();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->files, 2);
  EXPECT_EQ(stats->bytes, 1234u);
  ASSERT_TRUE(store_.DiscardPartial(kDoc, kEtag).ok());
  EXPECT_EQ(store_.Partials()->files, 1);
}

TEST_F(PartialDownloadTest, CorruptPrefixIsCaughtAtCommit) {
  std::string data = Content(50'000);
  std::string bad_prefix = data.substr(0, 20'000);
  bad_prefix[100] ^= 0x40;
  WriteFile(store_.PartialPath(kDoc, kEtag), bad_prefix);
  auto writer = store_.OpenPartial(kDoc, kEtag);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(std::string_view(data).substr(20'000)).ok());
  EXPECT_EQ((*writer)->Commit(Sha256Hex(data), data.size()).status().code(),
            StatusCode::kCorruption);
  EXPECT_FALSE(*store_.Has(Sha256Hex(data)));
  EXPECT_TRUE(FilesUnder(Vault() / "partial").empty());
  EXPECT_EQ(FilesUnder(Vault() / "quarantine").size(), 1u);
}

TEST_F(PartialDownloadTest, NameIsStableAndDependsOnDocumentAndEtag) {
  std::string name = BlobStore::PartialName(kDoc, kEtag);
  EXPECT_EQ(name, BlobStore::PartialName(kDoc, kEtag));
  EXPECT_NE(name, BlobStore::PartialName(kDoc, "\"other\""));
  EXPECT_NE(name, BlobStore::PartialName("other-doc", kEtag));
  EXPECT_EQ(name.size(), 64u + 5u);
  EXPECT_EQ(name.find('/'), std::string::npos);
  // "ab" + "c" must not collide with "a" + "bc".
  EXPECT_NE(BlobStore::PartialName("ab", "c"), BlobStore::PartialName("a", "bc"));
}

TEST_F(PartialDownloadTest, DiscardRemovesPartialAndIsIdempotent) {
  {
    auto w = store_.OpenPartial(kDoc, kEtag);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append("some").ok());
  }
  ASSERT_TRUE(store_.DiscardPartial(kDoc, kEtag).ok());
  EXPECT_EQ(*store_.PartialSize(kDoc, kEtag), 0u);
  EXPECT_TRUE(store_.DiscardPartial(kDoc, kEtag).ok());
}

TEST_F(PartialDownloadTest, DiskFullWhileAppendingRemovesPartial) {
  auto w = store_.OpenPartial(kDoc, kEtag);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("first").ok());
  fs_.FailNth(FsOp::kAppend, 1, ENOSPC);
  EXPECT_TRUE((*w)->Append("second").ok());  // held back
  EXPECT_EQ((*w)->Flush().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(FilesUnder(Vault() / "partial").empty());
  EXPECT_EQ((*w)->Append("third").code(), StatusCode::kInternal) << "the writer is dead";
}

// Small chunks are held back and written together; a partial whose writer goes away (a stop,
// a failed transfer) still has every byte that arrived, so the next run resumes after them.
TEST_F(PartialDownloadTest, HeldBackBytesReachThePartialWhenItsWriterGoesAway) {
  {
    auto w = store_.OpenPartial(kDoc, kEtag);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append("held ").ok());
    ASSERT_TRUE((*w)->Append("back").ok());
    EXPECT_EQ(fs_.Count(FsOp::kAppend), 0) << "nothing written yet";
  }
  EXPECT_EQ(fs_.Count(FsOp::kAppend), 1) << "one write for both chunks";
  EXPECT_EQ(*store_.PartialSize(kDoc, kEtag), 9u);
  auto resumed = store_.OpenPartial(kDoc, kEtag);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ((*resumed)->size(), 9u);
}

TEST_F(PartialDownloadTest, ReadFailureDuringRehashKeepsPartialForNextTry) {
  WriteFile(store_.PartialPath(kDoc, kEtag), "prefix bytes");
  fs_.FailNth(FsOp::kRead, 1, EIO);
  EXPECT_EQ(store_.OpenPartial(kDoc, kEtag).status().code(), StatusCode::kIoError);
  EXPECT_EQ(*store_.PartialSize(kDoc, kEtag), 12u);
}

TEST_F(PartialDownloadTest, PartialOfEmptyFileResumesFromZero) {
  { ASSERT_TRUE(store_.OpenPartial(kDoc, kEtag).ok()); }
  auto w = store_.OpenPartial(kDoc, kEtag);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ((*w)->size(), 0u);
  ASSERT_TRUE((*w)->Append("x").ok());
  EXPECT_TRUE((*w)->Commit(Sha256Hex("x"), 1).ok());
}

}  // namespace
}  // namespace swfvault::testing

namespace swfvault::testing {
namespace {

using QuarantineTest = BlobStoreFixture;

TEST_F(QuarantineTest, TwoMismatchesAtTheSameInstantAreBothKept) {
  for (int i = 0; i < 2; ++i) {
    auto w = store_.BeginWrite();
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append("wrong bytes " + std::to_string(i)).ok());
    EXPECT_EQ((*w)->Commit(Sha256Hex("promised"), 13).status().code(), StatusCode::kCorruption);
  }
  EXPECT_EQ(FilesUnder(Vault() / "quarantine").size(), 2u);  // the fake clock did not move
}

}  // namespace
}  // namespace swfvault::testing
