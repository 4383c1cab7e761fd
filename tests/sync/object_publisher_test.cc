#include "swfvault/object_publisher.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "store/blob_store_test_util.h"

namespace swfvault::testing {
namespace {

// Records what the publisher hands over, and checks at that moment that every committed
// object is already published under its name.
class Recorder {
 public:
  explicit Recorder(BlobStore& store) : store_(store) {}

  ObjectPublisher::RecordFn Fn() {
    return [this](const std::vector<PublishOutcome*>& group) {
      std::lock_guard<std::mutex> lock(mu_);
      ++groups_;
      for (const PublishOutcome* o : group) {
        ++seen_[o->token];
        if (!o->committed.ok()) continue;
        Result<bool> has = store_.Has(o->committed->blob.sha256);
        if (!has.ok() || !*has) ++unpublished_at_record_;
      }
      return fail_with_;
    };
  }

  std::mutex mu_;
  BlobStore& store_;
  std::map<size_t, int> seen_;
  int groups_ = 0;
  int unpublished_at_record_ = 0;
  Status fail_with_;
};

class ObjectPublisherTest : public BlobStoreFixture, public ::testing::WithParamInterface<int> {
 protected:
  PublishJob Job(size_t token, const std::string& data, std::string expected_sha = "") {
    auto writer = store_.BeginWrite();
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    EXPECT_TRUE((*writer)->Append(data).ok());
    PublishJob job;
    job.token = token;
    job.writer = std::move(*writer);
    job.expected_sha256 = expected_sha.empty() ? Sha256Hex(data) : expected_sha;
    job.expected_size = data.size();
    return job;
  }

  Recorder recorder_{store_};
};

TEST_P(ObjectPublisherTest, PublishesAndRecordsEveryObjectOnce) {
  ObjectPublisher publisher(store_, GetParam(), recorder_.Fn(), /*max_waiting=*/8);
  constexpr size_t kJobs = 60;
  for (size_t i = 0; i < kJobs; ++i) publisher.Submit(Job(i, Content(1000 + i, i + 1)));
  std::vector<PublishOutcome> done = publisher.Drain();
  ASSERT_EQ(done.size(), kJobs);
  std::set<size_t> tokens;
  for (const PublishOutcome& o : done) {
    tokens.insert(o.token);
    ASSERT_TRUE(o.committed.ok()) << o.committed.status().ToString();
    EXPECT_TRUE(o.recorded.ok()) << o.recorded.ToString();
    EXPECT_EQ(o.committed->blob.sha256, Sha256Hex(Content(1000 + o.token, o.token + 1)));
    EXPECT_TRUE(*store_.Has(o.committed->blob.sha256));
  }
  EXPECT_EQ(tokens.size(), kJobs);
  EXPECT_EQ(recorder_.seen_.size(), kJobs);
  for (const auto& [token, n] : recorder_.seen_) EXPECT_EQ(n, 1) << "token " << token;
  EXPECT_EQ(recorder_.unpublished_at_record_, 0);
  if (GetParam() == 0) {
    EXPECT_EQ(recorder_.groups_, static_cast<int>(kJobs));
  }
  // Each shard directory was synced (at least) once before its objects were recorded.
  EXPECT_GE(fs_.Count(FsOp::kSyncDir), 1);
  EXPECT_TRUE(FilesUnder(Vault() / "tmp").empty());
  EXPECT_TRUE(publisher.TakeDone().empty());
}

TEST_P(ObjectPublisherTest, WrongHashIsQuarantinedAndStillHandedToRecord) {
  ObjectPublisher publisher(store_, GetParam(), recorder_.Fn());
  std::string data = Content(5000);
  publisher.Submit(Job(7, data, std::string(64, 'a')));
  std::vector<PublishOutcome> done = publisher.Drain();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].committed.status().code(), StatusCode::kCorruption);
  EXPECT_FALSE(done[0].quarantine_path.empty());
  EXPECT_TRUE(done[0].recorded.ok());
  EXPECT_EQ(recorder_.seen_[7], 1);
  EXPECT_FALSE(*store_.Has(Sha256Hex(data)));
  EXPECT_FALSE(*store_.Has(std::string(64, 'a')));
}

TEST_P(ObjectPublisherTest, RecordFailureReachesEveryOutcomeOfTheGroup) {
  recorder_.fail_with_ = IoError("catalog is gone");
  ObjectPublisher publisher(store_, GetParam(), recorder_.Fn());
  for (size_t i = 0; i < 5; ++i) publisher.Submit(Job(i, Content(300, i + 1)));
  std::vector<PublishOutcome> done = publisher.Drain();
  ASSERT_EQ(done.size(), 5u);
  for (const PublishOutcome& o : done) {
    EXPECT_TRUE(o.committed.ok());
    EXPECT_EQ(o.recorded.code(), StatusCode::kIoError);
    EXPECT_NE(o.recorded.message().find("catalog is gone"), std::string::npos);
  }
}

TEST_P(ObjectPublisherTest, FailedDirectorySyncRecordsNothingFromThenOn) {
  // The first directory fsync of a group fails: its objects are not durable, so they must not
  // be recorded, and neither may anything after it (the state of the directory is unknown).
  // The shard directories exist already, so that fsync is the group's, not a mkdir's.
  for (unsigned seed : {1u, 2u}) {
    std::filesystem::create_directories(Vault() / "objects" / Sha256Hex(Content(100, seed)).substr(0, 2));
  }
  fs_.FailNth(FsOp::kSyncDir, 1, EIO);
  ObjectPublisher publisher(store_, GetParam(), recorder_.Fn());
  publisher.Submit(Job(0, Content(100, 1)));
  std::vector<PublishOutcome> first = publisher.Drain();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].recorded.code(), StatusCode::kIoError);
  EXPECT_FALSE(*store_.Has(Sha256Hex(Content(100, 1))));  // unpublished again
  publisher.Submit(Job(1, Content(100, 2)));
  std::vector<PublishOutcome> second = publisher.Drain();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].recorded.code(), StatusCode::kIoError);
  EXPECT_TRUE(recorder_.seen_.empty());
}

TEST_P(ObjectPublisherTest, DestructorWaitsForSubmittedJobs) {
  {
    ObjectPublisher publisher(store_, GetParam(), recorder_.Fn());
    for (size_t i = 0; i < 10; ++i) publisher.Submit(Job(i, Content(2000, i + 1)));
  }
  EXPECT_EQ(recorder_.seen_.size(), 10u);
  for (size_t i = 0; i < 10; ++i) EXPECT_TRUE(*store_.Has(Sha256Hex(Content(2000, i + 1))));
}

TEST_P(ObjectPublisherTest, FailedSyncDiscardsItsGroupAndNothingElse) {
  fs_.FailNth(FsOp::kSync, 1, EIO);
  ObjectPublisher publisher(store_, GetParam(), recorder_.Fn());
  // Two waves: the failing sync belongs to a group of the first; the second wave's groups come
  // after it (how the first wave is grouped depends on how fast the workers wake).
  constexpr size_t kJobs = 20, kFirstWave = 10;
  std::vector<PublishOutcome> done;
  for (size_t i = 0; i < kJobs; ++i) {
    publisher.Submit(Job(i, Content(700 + i, i + 1)));
    if (i + 1 == kFirstWave) done = publisher.Drain();
  }
  for (PublishOutcome& o : publisher.Drain()) done.push_back(std::move(o));
  ASSERT_EQ(done.size(), kJobs);
  int failed = 0;
  for (const PublishOutcome& o : done) {
    std::string sha = Sha256Hex(Content(700 + o.token, o.token + 1));
    if (o.committed.ok()) {
      EXPECT_TRUE(*store_.Has(sha)) << o.token;
      continue;
    }
    ++failed;
    EXPECT_LT(o.token, kFirstWave) << "only the failing group is discarded";
    EXPECT_EQ(o.committed.status().code(), StatusCode::kIoError) << o.committed.status().ToString();
    EXPECT_NE(o.committed.status().message().find("write them again"), std::string::npos);
    EXPECT_FALSE(*store_.Has(sha)) << o.token;
  }
  EXPECT_GE(failed, 1);
  EXPECT_LE(failed, static_cast<int>(kFirstWave));
  EXPECT_EQ(recorder_.seen_.size(), kJobs);  // failures are handed to record too
  EXPECT_EQ(recorder_.unpublished_at_record_, 0);
  EXPECT_TRUE(FilesUnder(Vault() / "tmp").empty());
}

INSTANTIATE_TEST_SUITE_P(Threads, ObjectPublisherTest, ::testing::Values(0, 1, 4),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return info.param == 0 ? std::string("Inline")
                                                  : std::to_string(info.param) + "Workers";
                         });

// Holds the first SyncFiles call until released, and records the size of every call.
class GatedFileSystem : public PosixFileSystem {
 public:
  Status SyncFiles(const std::vector<WritableFile*>& files) override {
    std::unique_lock<std::mutex> lock(mu_);
    sizes_.push_back(files.size());
    cv_.notify_all();
    cv_.wait(lock, [this] { return released_; });
    lock.unlock();
    return PosixFileSystem::SyncFiles(files);
  }
  void WaitForFirstSync() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !sizes_.empty(); });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  std::vector<size_t> Sizes() {
    std::lock_guard<std::mutex> lock(mu_);
    return sizes_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<size_t> sizes_;
  bool released_ = false;
};

TEST(ObjectPublisherGroupTest, JobsQueuedDuringASyncShareTheNextOne) {
  TempDir dir;
  GatedFileSystem fs;
  FakeClock clock{SystemClock().NowUnixMicros()};
  BlobStore store(&fs, &clock, (dir.path() / "vault").string());
  ASSERT_TRUE(store.Init().ok());
  Recorder recorder(store);
  auto job = [&](size_t token) {
    std::string data = Content(500 + token, token + 1);
    PublishJob j;
    j.token = token;
    auto writer = store.BeginWrite();
    EXPECT_TRUE(writer.ok() && (*writer)->Append(data).ok());
    j.writer = std::move(writer).value();
    j.expected_sha256 = Sha256Hex(data);
    j.expected_size = data.size();
    return j;
  };
  ObjectPublisher publisher(store, /*threads=*/1, recorder.Fn());
  publisher.Submit(job(0));
  fs.WaitForFirstSync();  // the worker took job 0 alone and is inside its sync
  constexpr size_t kJobs = 40;
  for (size_t i = 1; i < kJobs; ++i) publisher.Submit(job(i));
  fs.Release();
  std::vector<PublishOutcome> done = publisher.Drain();
  ASSERT_EQ(done.size(), kJobs);
  for (const PublishOutcome& o : done) EXPECT_TRUE(o.committed.ok()) << o.committed.status().ToString();
  EXPECT_EQ(fs.Sizes(), (std::vector<size_t>{1, kJobs - 1}));
  EXPECT_EQ(store.ListObjects()->size(), kJobs);
}

}  // namespace
}  // namespace swfvault::testing
