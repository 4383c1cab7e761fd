#include "swfvault/blob_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <set>

#include "store/blob_store_test_util.h"

namespace swfvault::testing {
namespace {

namespace fsys = std::filesystem;

using BlobStoreTest = BlobStoreFixture;

std::string ReadObject(BlobStore& store, const std::string& sha) {
  auto file = store.Open(sha);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return "";
  std::string out;
  char buf[1000];
  while (true) {
    auto n = (*file)->Read(buf, sizeof buf);
    if (!n.ok() || *n == 0) break;
    out.append(buf, *n);
  }
  return out;
}

TEST_F(BlobStoreTest, CommitPublishesReadOnlyObjectNamedBySha256) {
  std::string data = Content(100'000);
  auto r = Put(data);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::string sha = Sha256Hex(data);
  EXPECT_EQ(r->blob.sha256, sha);
  EXPECT_EQ(r->blob.xxh3, Xxh3Hex(data));
  EXPECT_EQ(r->blob.size, data.size());
  EXPECT_FALSE(r->deduplicated);
  std::string path = store_.ObjectPath(sha);
  EXPECT_EQ(path, (Vault() / "objects" / sha.substr(0, 2) / sha).string());
  EXPECT_EQ(ReadObject(store_, sha), data);
  EXPECT_EQ(fs_.Stat(path)->mode, 0400u);
  EXPECT_TRUE(FilesUnder(Vault() / "tmp").empty());
}

TEST_F(BlobStoreTest, LongWritesStartWritebackEveryEightMebibytes) {
  // 20 MiB in 64 KiB chunks: writeback starts after 8 and after 16 MiB, not per chunk.
  std::string data = Content(20 << 20);
  auto r = Put(data, 64 << 10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(fs_.Count(FsOp::kWriteback), 2);
  EXPECT_EQ(ReadObject(store_, r->blob.sha256), data);
}

TEST_F(BlobStoreTest, NothingIsVisibleUnderObjectsBeforeCommit) {
  std::string data = Content(50'000);
  auto writer = store_.BeginWrite();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(data).ok());
  EXPECT_TRUE(FilesUnder(Vault() / "objects").empty());
  EXPECT_EQ(*store_.Has(Sha256Hex(data)), false);
  EXPECT_EQ(FilesUnder(Vault() / "tmp").size(), 1u);
  EXPECT_EQ(fs_.Stat((*writer)->path())->mode, 0600u);
}

TEST_F(BlobStoreTest, AbandonedWriterLeavesNoTemp) {
  {
    auto writer = store_.BeginWrite();
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append("abandoned").ok());
  }
  EXPECT_TRUE(FilesUnder(Vault()).empty());
}

TEST_F(BlobStoreTest, HashMismatchIsQuarantinedAndNeverPublished) {
  std::string data = Content(10'000);
  std::string promised = Sha256Hex("something else");
  auto writer = store_.BeginWrite();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(data).ok());
  auto r = (*writer)->Commit(promised, data.size());
  ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find(promised), std::string::npos);
  EXPECT_TRUE(FilesUnder(Vault() / "objects").empty());
  EXPECT_TRUE(FilesUnder(Vault() / "tmp").empty());
  ASSERT_EQ(FilesUnder(Vault() / "quarantine").size(), 1u);
  EXPECT_EQ((*writer)->quarantine_path(), FilesUnder(Vault() / "quarantine")[0]);
  EXPECT_EQ(ReadFile((*writer)->quarantine_path()), data);
  EXPECT_EQ(fs_.Stat((*writer)->quarantine_path())->mode, 0400u);
}

// A server that sends the same wrong bytes run after run leaves one quarantined copy; other
// wrong bytes for the same document are kept beside it.
TEST_F(BlobStoreTest, TheSameWrongBytesAreQuarantinedOnce) {
  const std::string promised = Sha256Hex("what the server promised");
  auto commit_wrong = [&](const std::string& data) {
    auto writer = store_.BeginWrite();
    EXPECT_TRUE(writer.ok());
    EXPECT_TRUE((*writer)->Append(data).ok());
    auto r = (*writer)->Commit(promised, data.size());
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    return (*writer)->quarantine_path();
  };
  const std::string first = commit_wrong(Content(5'000, 1));
  const std::string again = commit_wrong(Content(5'000, 1));
  EXPECT_EQ(again, first);
  ASSERT_EQ(FilesUnder(Vault() / "quarantine").size(), 1u);
  EXPECT_EQ(ReadFile(first), Content(5'000, 1));
  EXPECT_TRUE(FilesUnder(Vault() / "tmp").empty());
  const std::string other = commit_wrong(Content(5'000, 2));
  EXPECT_NE(other, first);
  EXPECT_EQ(FilesUnder(Vault() / "quarantine").size(), 2u);
  auto kept = store_.Quarantined();
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->files, 2);
  EXPECT_EQ(kept->bytes, 10'000u);
}

// Both times, not the mtime alone: some FUSE file systems (bindfs) drop a change that leaves
// the atime as it is (UTIME_OMIT), which std::filesystem::last_write_time asks for.
void SetAge(const std::string& path, std::chrono::hours age) {
  timespec then{};
  then.tv_sec = ::time(nullptr) - std::chrono::duration_cast<std::chrono::seconds>(age).count();
  const timespec times[2] = {then, then};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0)
      << path << ": " << std::strerror(errno);
}

// What verify does with a damaged object: MatchesName tells damaged bytes from a wrong catalog
// record; QuarantineObject takes the object out of objects/, read-only, with fresh times (gc's
// quarantine age counts from the move, not from when the object was first stored).
TEST_F(BlobStoreTest, ADamagedObjectIsToldApartAndMovedToQuarantineWithFreshTimes) {
  auto obj = Put(Content(3000, 9));
  ASSERT_TRUE(obj.ok());
  const std::string sha = obj->blob.sha256;
  EXPECT_TRUE(*store_.MatchesName(sha));
  FlipByte(store_.ObjectPath(sha), 100);
  EXPECT_FALSE(*store_.MatchesName(sha));
  SetAge(store_.ObjectPath(sha), std::chrono::hours(24 * 400));
  const std::string target = store_.QuarantinePathFor(sha);
  EXPECT_EQ(target.rfind((Vault() / "quarantine" / (sha + "-")).string(), 0), 0u) << target;
  ASSERT_TRUE(store_.QuarantineObject(sha, target).ok());
  EXPECT_FALSE(*store_.Has(sha));
  auto moved = fs_.Stat(target);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->mode, 0400u);
  EXPECT_LT(::time(nullptr) - moved->mtime_unix_seconds, 3600);
  GcOptions options;
  options.quarantine_max_age_seconds = 24 * 3600;
  auto gc = store_.CollectGarbage(options);
  ASSERT_TRUE(gc.ok());
  EXPECT_EQ(gc->quarantined_removed, 0) << "evidence removed the day it was moved";
  EXPECT_EQ(store_.QuarantineObject(sha, target + ".again").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_.MatchesName(sha).status().code(), StatusCode::kNotFound);
}

// A failed directory sync after the rename is reported, and the object has moved all the same
// (so verify checks Has() rather than trusting the status).
TEST_F(BlobStoreTest, AFailedDirectorySyncAfterTheQuarantineMoveIsReportedButTheObjectIsOut) {
  auto obj = Put(Content(500, 3));
  ASSERT_TRUE(obj.ok());
  fs_.FailNth(FsOp::kSyncDir, 1, EIO);
  Status st = store_.QuarantineObject(obj->blob.sha256, store_.QuarantinePathFor(obj->blob.sha256));
  EXPECT_EQ(st.code(), StatusCode::kIoError) << st.ToString();
  EXPECT_FALSE(*store_.Has(obj->blob.sha256));
  EXPECT_EQ(FilesUnder(Vault() / "quarantine").size(), 1u);
}

TEST_F(BlobStoreTest, SizeMismatchIsCorruptionEvenWithRightHash) {
  std::string data = Content(10'000);
  auto writer = store_.BeginWrite();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(data).ok());
  auto r = (*writer)->Commit(Sha256Hex(data), data.size() + 1);
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(FilesUnder(Vault() / "objects").empty());
}

TEST_F(BlobStoreTest, MalformedExpectedHashIsInvalidArgumentAndKeepsNothing) {
  auto writer = store_.BeginWrite();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("abc").ok());
  std::string upper = Sha256Hex("abc");
  for (char& c : upper) c = static_cast<char>(toupper(c));
  EXPECT_EQ((*writer)->Commit(upper, 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(FilesUnder(Vault()).empty());
}

TEST_F(BlobStoreTest, SecondCommitOfSameContentDeduplicates) {
  std::string data = Content(20'000);
  ASSERT_TRUE(Put(data).ok());
  auto again = Put(data, 777);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->deduplicated);
  EXPECT_EQ(FilesUnder(Vault()).size(), 1u);
}

TEST_F(BlobStoreTest, CommitOverDamagedObjectRepairsIt) {
  std::string data = Content(20'000);
  ASSERT_TRUE(Put(data).ok());
  std::string sha = Sha256Hex(data);
  FlipByte(store_.ObjectPath(sha), 123);
  auto again = Put(data);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->repaired);
  EXPECT_TRUE(store_.Verify(again->blob, VerifyMode::kFull).ok());
  EXPECT_EQ(fs_.Stat(store_.ObjectPath(sha))->mode, 0400u);
}

// Rule 4 on the repair path: the bytes that replaced a damaged object are not known to be on
// disk when its directory's fsync fails. They go, so the next commit writes them anew and
// syncs once more, instead of finding them, taking them for good and syncing again.
TEST_F(BlobStoreTest, ARepairWhoseDirectorySyncFailsIsDiscardedAndWrittenAnew) {
  std::string data = Content(20'000);
  ASSERT_TRUE(Put(data).ok());
  std::string sha = Sha256Hex(data);
  FlipByte(store_.ObjectPath(sha), 123);
  fs_.FailNth(FsOp::kSyncDir, 1, EIO);
  auto failed = Put(data);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kIoError) << failed.status().ToString();
  EXPECT_FALSE(*store_.Has(sha));
  auto again = Put(data);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->deduplicated);
  EXPECT_TRUE(store_.Verify(again->blob, VerifyMode::kFull).ok());
}

// The catalog records where quarantined bytes are kept: their directory is synced, so the
// evidence is still there after a crash; when that sync fails, the report says so.
TEST_F(BlobStoreTest, QuarantinedBytesAreSyncedIntoTheirDirectory) {
  std::string data = Content(5'000);
  std::string promised = Sha256Hex("promised");
  int before = fs_.Count(FsOp::kSyncDir);
  {
    auto writer = store_.BeginWrite();
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append(data).ok());
    ASSERT_EQ((*writer)->Commit(promised, data.size()).status().code(), StatusCode::kCorruption);
  }
  EXPECT_EQ(fs_.Count(FsOp::kSyncDir) - before, 1);
  fs_.FailNth(FsOp::kSyncDir, 1, EIO);
  auto writer = store_.BeginWrite();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(data + "!").ok());
  auto r = (*writer)->Commit(promised, data.size() + 1);
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("quarantine directory could not be synced"),
            std::string::npos)
      << r.status().message();
}

TEST_F(BlobStoreTest, VerifyFullCatchesFlippedByte) {
  auto r = Put(Content(30'000));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(store_.Verify(r->blob, VerifyMode::kFull).ok());
  FlipByte(store_.ObjectPath(r->blob.sha256), 29'999);
  Status st = store_.Verify(r->blob, VerifyMode::kFull);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find(r->blob.sha256), std::string::npos);
}

TEST_F(BlobStoreTest, VerifyFastCatchesFlippedByte) {
  auto r = Put(Content(30'000));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(store_.Verify(r->blob, VerifyMode::kFast).ok());
  FlipByte(store_.ObjectPath(r->blob.sha256), 0);
  EXPECT_EQ(store_.Verify(r->blob, VerifyMode::kFast).code(), StatusCode::kCorruption);
}

TEST_F(BlobStoreTest, VerifyFastComparesAgainstRecordedXxh3) {
  auto r = Put(Content(1000));
  ASSERT_TRUE(r.ok());
  BlobRecord wrong = r->blob;
  wrong.xxh3 = Xxh3Hex("other");
  EXPECT_EQ(store_.Verify(wrong, VerifyMode::kFast).code(), StatusCode::kCorruption);
}

TEST_F(BlobStoreTest, VerifyCatchesTruncatedObject) {
  auto r = Put(Content(1000));
  ASSERT_TRUE(r.ok());
  std::string path = store_.ObjectPath(r->blob.sha256);
  fsys::permissions(path, fsys::perms::owner_write, fsys::perm_options::add);
  fsys::resize_file(path, 999);
  EXPECT_EQ(store_.Verify(r->blob, VerifyMode::kFast).code(), StatusCode::kCorruption);
}

TEST_F(BlobStoreTest, VerifyOfMissingObjectIsNotFound) {
  BlobRecord missing{Sha256Hex("nope"), Xxh3Hex("nope"), 4};
  EXPECT_EQ(store_.Verify(missing, VerifyMode::kFull).code(), StatusCode::kNotFound);
}

TEST_F(BlobStoreTest, ListObjectsAndRemoveObject) {
  auto a = Put("alpha");
  auto b = Put("beta");
  ASSERT_TRUE(a.ok() && b.ok());
  auto list = store_.ListObjects();
  ASSERT_TRUE(list.ok());
  std::vector<std::string> want{a->blob.sha256, b->blob.sha256};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(*list, want);
  ASSERT_TRUE(store_.RemoveObject(a->blob.sha256).ok());
  EXPECT_FALSE(*store_.Has(a->blob.sha256));
  EXPECT_TRUE(store_.RemoveObject(a->blob.sha256).ok());
}

TEST_F(BlobStoreTest, HasRejectsMalformedName) {
  EXPECT_EQ(store_.Has("../../etc/passwd").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(BlobStoreTest, EmptyObjectIsStorable) {
  auto r = Put("");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->blob.size, 0u);
  EXPECT_TRUE(store_.Verify(r->blob, VerifyMode::kFull).ok());
}

// --- gc ---

TEST_F(BlobStoreTest, GcRemovesOnlyTempsPastGracePeriod) {
  WriteFile(Vault() / "tmp" / "blob-old.tmp", "old");
  WriteFile(Vault() / "tmp" / "blob-new.tmp", "new");
  SetAge((Vault() / "tmp" / "blob-old.tmp").string(), std::chrono::hours(48));
  auto obj = Put("published");
  ASSERT_TRUE(obj.ok());
  auto report = store_.CollectGarbage(GcOptions{});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->temps_removed, 1);
  EXPECT_EQ(report->bytes_freed, 3u);
  EXPECT_FALSE(fsys::exists(Vault() / "tmp" / "blob-old.tmp"));
  EXPECT_TRUE(fsys::exists(Vault() / "tmp" / "blob-new.tmp"));
  EXPECT_TRUE(*store_.Has(obj->blob.sha256));
}

TEST_F(BlobStoreTest, GcKeepsPartialsUnlessAMaxAgeIsGiven) {
  std::string partial = store_.PartialPath("doc-1", "\"etag\"");
  WriteFile(partial, "prefix");
  SetAge(partial, std::chrono::hours(24 * 30));
  auto kept = store_.CollectGarbage(GcOptions{});
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->partials_removed, 0);
  EXPECT_TRUE(fsys::exists(partial));
  GcOptions options;
  options.partial_max_age_seconds = 7 * 24 * 3600;
  auto removed = store_.CollectGarbage(options);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->partials_removed, 1);
  EXPECT_FALSE(fsys::exists(partial));
}

TEST_F(BlobStoreTest, GcRemovesATempExactlyTheGraceOld) {
  WriteFile(Vault() / "tmp" / "blob-x.tmp", "x");
  auto st = fs_.Stat((Vault() / "tmp" / "blob-x.tmp").string());
  ASSERT_TRUE(st.ok());
  GcOptions options;
  options.temp_grace_seconds = 3600;
  clock_.SetUnixMicros((st->mtime_unix_seconds + 3599) * 1'000'000);
  ASSERT_EQ(store_.CollectGarbage(options)->temps_removed, 0);
  clock_.SetUnixMicros((st->mtime_unix_seconds + 3600) * 1'000'000);
  EXPECT_EQ(store_.CollectGarbage(options)->temps_removed, 1);
}

TEST_F(BlobStoreTest, GcUsesTheInjectedClock) {
  WriteFile(Vault() / "tmp" / "blob-x.tmp", "x");
  ASSERT_EQ(store_.CollectGarbage(GcOptions{})->temps_removed, 0);
  clock_.AdvanceSeconds(GcOptions{}.temp_grace_seconds + 10);
  EXPECT_EQ(store_.CollectGarbage(GcOptions{})->temps_removed, 1);
}

}  // namespace
}  // namespace swfvault::testing

namespace swfvault::testing {
namespace {

// --- group commit (deferred directory fsync) ---

using BlobStoreGroupCommitTest = BlobStoreFixture;

Result<CommitResult> PutDeferred(BlobStore& store, const std::string& data) {
  SWF_ASSIGN_OR_RETURN(auto writer, store.BeginWrite());
  SWF_RETURN_IF_ERROR(writer->Append(data));
  return writer->Commit(Sha256Hex(data), data.size(), CommitOptions{/*defer_dir_sync=*/true});
}

TEST_F(BlobStoreGroupCommitTest, DeferredCommitsSyncEachShardDirectoryOnce) {
  std::set<std::string> shards;
  for (int i = 0; i < 40; ++i) {
    std::string data = "object " + std::to_string(i);
    auto r = PutDeferred(store_, data);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->dir_sync_pending);
    shards.insert(r->blob.sha256.substr(0, 2));
  }
  int before = fs_.Count(FsOp::kSyncDir);
  ASSERT_TRUE(store_.SyncPublishedDirs().ok());
  EXPECT_EQ(fs_.Count(FsOp::kSyncDir) - before, static_cast<int>(shards.size()));
  ASSERT_TRUE(store_.SyncPublishedDirs().ok());  // nothing pending any more
  EXPECT_EQ(fs_.Count(FsOp::kSyncDir) - before, static_cast<int>(shards.size()));
  EXPECT_EQ(store_.ListObjects()->size(), 40u);
}

TEST_F(BlobStoreGroupCommitTest, FailedDirectorySyncDiscardsThePendingObjects) {
  auto a = PutDeferred(store_, "first");
  auto b = PutDeferred(store_, "second");
  ASSERT_TRUE(a.ok() && b.ok());
  fs_.FailNth(FsOp::kSyncDir, 1, EIO, /*sticky=*/true);
  Status st = store_.SyncPublishedDirs();
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find("2 unsynced objects discarded"), std::string::npos);
  EXPECT_FALSE(*store_.Has(a->blob.sha256));
  EXPECT_FALSE(*store_.Has(b->blob.sha256));
}

// A full disk stays a full disk: the run ends with the disk-full code, not as an I/O error
// that each later dossier runs into item by item.
TEST_F(BlobStoreGroupCommitTest, AFailedDirectorySyncKeepsItsCode) {
  auto a = PutDeferred(store_, "first");
  ASSERT_TRUE(a.ok());
  fs_.FailNth(FsOp::kSyncDir, 1, ENOSPC, /*sticky=*/true);
  Status st = store_.SyncPublishedDirs();
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted) << st.ToString();
  EXPECT_NE(st.message().find("1 unsynced objects discarded"), std::string::npos) << st.message();
}

TEST_F(BlobStoreGroupCommitTest, FailedSyncOfOneShardDiscardsThePendingObjectsOfEveryShard) {
  // Once the group's sync fails, no pending object is known to be durable, whichever
  // directory it went to: all of them go, and the next call has nothing left to sync.
  std::vector<std::string> shas;
  std::set<std::string> shards;
  for (int i = 0; i < 12; ++i) {
    auto r = PutDeferred(store_, "spread " + std::to_string(i));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    shas.push_back(r->blob.sha256);
    shards.insert(r->blob.sha256.substr(0, 2));
  }
  ASSERT_GE(shards.size(), 3u);
  fs_.FailNth(FsOp::kSyncDir, 2, EIO);
  int before = fs_.Count(FsOp::kSyncDir);
  Status st = store_.SyncPublishedDirs();
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_EQ(fs_.Count(FsOp::kSyncDir) - before, 2);  // stopped at the failure
  EXPECT_NE(st.message().find("12 unsynced objects discarded"), std::string::npos)
      << st.message();
  for (const std::string& sha : shas) EXPECT_FALSE(*store_.Has(sha)) << sha;
  EXPECT_TRUE(store_.SyncPublishedDirs().ok());
  EXPECT_EQ(fs_.Count(FsOp::kSyncDir) - before, 2);
}

// Writers for `datas`, each with its true hash unless `wrong` names its index.
struct Group {
  std::vector<std::unique_ptr<BlobWriter>> writers;
  std::vector<std::string> expected;
  std::vector<PendingCommit> Items(const std::vector<std::string>& datas) const {
    std::vector<PendingCommit> items;
    for (size_t i = 0; i < writers.size(); ++i) {
      items.push_back({writers[i].get(), expected[i], datas[i].size()});
    }
    return items;
  }
};

Group WriteGroup(BlobStore& store, const std::vector<std::string>& datas, int wrong = -1) {
  Group g;
  for (size_t i = 0; i < datas.size(); ++i) {
    auto writer = store.BeginWrite();
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    EXPECT_TRUE((*writer)->Append(datas[i]).ok());
    g.writers.push_back(std::move(writer).value());
    g.expected.push_back(static_cast<int>(i) == wrong ? std::string(64, 'e') : Sha256Hex(datas[i]));
  }
  return g;
}

TEST_F(BlobStoreGroupCommitTest, CommitGroupPublishesTheGoodAndQuarantinesTheBad) {
  std::vector<std::string> datas;
  for (int i = 0; i < 7; ++i) datas.push_back(Content(1000 + i, i + 1));
  Group g = WriteGroup(store_, datas, /*wrong=*/2);
  int syncs = fs_.Count(FsOp::kSync);
  auto results = store_.CommitGroup(g.Items(datas));
  ASSERT_EQ(results.size(), datas.size());
  for (size_t i = 0; i < datas.size(); ++i) {
    if (i == 2) {
      EXPECT_EQ(results[i].status().code(), StatusCode::kCorruption);
      EXPECT_FALSE(g.writers[i]->quarantine_path().empty());
      EXPECT_FALSE(*store_.Has(Sha256Hex(datas[i])));
      continue;
    }
    ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].status().ToString();
    EXPECT_EQ(results[i]->blob.sha256, Sha256Hex(datas[i]));
    EXPECT_EQ(results[i]->blob.size, datas[i].size());
    EXPECT_TRUE(store_.Verify(results[i]->blob, VerifyMode::kFull).ok());
  }
  EXPECT_EQ(fs_.Count(FsOp::kSync) - syncs, 6);  // the quarantined one needs no fsync
  EXPECT_TRUE(FilesUnder(Vault() / "tmp").empty());
}

TEST_F(BlobStoreGroupCommitTest, FailedSyncOfAGroupDiscardsEveryObjectInIt) {
  // RELIABILITY rule 4: after a failed fsync nothing in the group is known to be on disk.
  std::vector<std::string> datas;
  for (int i = 0; i < 5; ++i) datas.push_back(Content(3000, i + 10));
  Group g = WriteGroup(store_, datas, /*wrong=*/4);
  fs_.FailNth(FsOp::kSync, 2, EIO);
  auto results = store_.CommitGroup(g.Items(datas));
  ASSERT_EQ(results.size(), datas.size());
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(results[i].status().code(), StatusCode::kIoError) << i;
    EXPECT_NE(results[i].status().message().find("write them again"), std::string::npos)
        << results[i].status().ToString();
    EXPECT_FALSE(*store_.Has(Sha256Hex(datas[i]))) << i;
  }
  EXPECT_EQ(results[4].status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(FilesUnder(Vault() / "tmp").empty());
  EXPECT_TRUE(store_.ListObjects()->empty());
  EXPECT_EQ(FilesUnder(Vault() / "quarantine").size(), 1u);
}

TEST_F(BlobStoreGroupCommitTest, DedupAgainstPendingObjectIsPendingToo) {
  ASSERT_TRUE(PutDeferred(store_, "same").ok());
  auto again = Put("same");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->deduplicated);
  EXPECT_TRUE(again->dir_sync_pending);
  ASSERT_TRUE(store_.SyncPublishedDirs().ok());
  auto third = Put("same");
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->dir_sync_pending);
}

TEST_F(BlobStoreGroupCommitTest, DedupAgainstAnObjectLeftByAnotherRunSyncsItsDirectory) {
  // An object renamed into place by a run that died before its directory fsync: this process
  // never knew it as pending, so it must make the entry durable itself before it is recorded.
  ASSERT_TRUE(PutDeferred(store_, "orphan").ok());
  BlobStore other(&fs_, &clock_, Vault().string());  // a later process: nothing pending
  int dir_syncs = fs_.Count(FsOp::kSyncDir);
  auto writer = other.BeginWrite();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("orphan").ok());
  auto again = (*writer)->Commit(Sha256Hex("orphan"), 6);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->deduplicated);
  EXPECT_FALSE(again->dir_sync_pending);
  EXPECT_GE(fs_.Count(FsOp::kSyncDir), dir_syncs + 1) << "recorded without its directory fsync";
}

}  // namespace
}  // namespace swfvault::testing
