#include "swfvault/object_publisher.h"

#include <chrono>

#include <algorithm>
#include <utility>

#include "swfvault/thread_name.h"

namespace swfvault {
namespace {

constexpr size_t kGroupTarget = 32;
constexpr std::chrono::milliseconds kGroupLinger{20};
constexpr size_t kMaxSyncGroup = 64;

}  // namespace

ObjectPublisher::ObjectPublisher(BlobStore& store, int threads, RecordFn record,
                                 size_t max_waiting)
    : store_(store), record_(std::move(record)), max_waiting_(std::max<size_t>(1, max_waiting)) {
  for (int i = 0; i < threads; ++i) {
    workers_.emplace_back([this] {
      NameThisThread("swf-commit");
      WorkerLoop();
    });
  }
  if (threads > 0) {
    finisher_ = std::thread([this] {
      NameThisThread("swf-record");
      FinisherLoop();
    });
  }
}

ObjectPublisher::~ObjectPublisher() {
  (void)Drain();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& t : workers_) t.join();
  if (finisher_.joinable()) finisher_.join();
}

void ObjectPublisher::Submit(PublishJob job) {
  if (workers_.empty()) {
    std::vector<PublishJob> one;
    one.push_back(std::move(job));
    std::vector<PublishOutcome> group = Commit(one);
    RecordGroup(group);
    std::lock_guard<std::mutex> lock(mu_);
    for (PublishOutcome& o : group) done_.push_back(std::move(o));
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return unfinished_ < max_waiting_; });
  ++unfinished_;
  jobs_.push_back(std::move(job));
  lock.unlock();
  changed_.notify_all();
}

std::vector<PublishOutcome> ObjectPublisher::TakeDone() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<PublishOutcome> out;
  out.swap(done_);
  return out;
}

std::vector<PublishOutcome> ObjectPublisher::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return unfinished_ == 0; });
  std::vector<PublishOutcome> out;
  out.swap(done_);
  return out;
}

std::vector<PublishOutcome> ObjectPublisher::Commit(std::vector<PublishJob>& jobs) const {
  std::vector<PendingCommit> items;
  items.reserve(jobs.size());
  for (PublishJob& job : jobs) {
    items.push_back({job.writer.get(), job.expected_sha256, job.expected_size});
  }
  CommitOptions options;
  options.defer_dir_sync = true;  // the group's directories are synced once, in RecordGroup
  std::vector<Result<CommitResult>> committed = store_.CommitGroup(items, options);
  std::vector<PublishOutcome> out(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    out[i].token = jobs[i].token;
    out[i].committed = std::move(committed[i]);
    out[i].quarantine_path = jobs[i].writer->quarantine_path();
    jobs[i].writer.reset();
  }
  return out;
}

void ObjectPublisher::RecordGroup(std::vector<PublishOutcome>& group) {
  // Every object of this group was renamed before this call, so its directory is in the
  // store's pending set (or was synced by an earlier group): one pass makes them durable.
  if (dir_sync_failure_.ok()) {
    Status synced = store_.SyncPublishedDirs();
    if (!synced.ok()) dir_sync_failure_ = synced;
  }
  if (!dir_sync_failure_.ok()) {
    for (PublishOutcome& o : group) o.recorded = dir_sync_failure_;
    return;
  }
  std::vector<PublishOutcome*> refs;
  refs.reserve(group.size());
  for (PublishOutcome& o : group) refs.push_back(&o);
  Status recorded = record_(refs);
  for (PublishOutcome& o : group) o.recorded = recorded;
}

void ObjectPublisher::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    // Group commit: a worker starts at once while no other is syncing; otherwise the jobs
    // gather until a group is worth a sync of its own, or until the syncing worker is back.
    changed_.wait(lock, [this] {
      return stopping_ || (!jobs_.empty() && (syncing_ == 0 || jobs_.size() >= kGroupTarget));
    });
    if (jobs_.empty()) return;  // stopping, and nothing left
    std::vector<PublishJob> group;
    while (!jobs_.empty() && group.size() < kMaxSyncGroup) {
      group.push_back(std::move(jobs_.front()));
      jobs_.pop_front();
    }
    ++syncing_;
    lock.unlock();
    std::vector<PublishOutcome> outcomes = Commit(group);
    lock.lock();
    --syncing_;
    for (PublishOutcome& o : outcomes) committed_.push_back(std::move(o));
    changed_.notify_all();
  }
}

void ObjectPublisher::FinisherLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    changed_.wait(lock, [this] { return stopping_ || !committed_.empty(); });
    if (committed_.empty()) return;  // stopping: workers are done, nothing left
    // Let a group grow while more objects are on their way: every group costs a catalog
    // commit (an fsync) and one fsync per shard directory it touched.
    changed_.wait_for(lock, kGroupLinger, [this] {
      return stopping_ || committed_.size() >= kGroupTarget || committed_.size() == unfinished_;
    });
    std::vector<PublishOutcome> group;
    group.swap(committed_);
    lock.unlock();
    RecordGroup(group);
    lock.lock();
    unfinished_ -= group.size();
    for (PublishOutcome& o : group) done_.push_back(std::move(o));
    changed_.notify_all();
  }
}

}  // namespace swfvault
