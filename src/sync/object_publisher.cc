#include "swfvault/object_publisher.h"

#include <chrono>

#include <algorithm>
#include <utility>

namespace swfvault {
namespace {

constexpr size_t kGroupTarget = 32;
constexpr std::chrono::milliseconds kGroupLinger{20};

}  // namespace

ObjectPublisher::ObjectPublisher(BlobStore& store, int threads, RecordFn record,
                                 size_t max_waiting)
    : store_(store), record_(std::move(record)), max_waiting_(std::max<size_t>(1, max_waiting)) {
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  if (threads > 0) finisher_ = std::thread([this] { FinisherLoop(); });
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
    std::vector<PublishOutcome> group;
    group.push_back(Commit(job));
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

PublishOutcome ObjectPublisher::Commit(PublishJob& job) const {
  PublishOutcome out;
  out.token = job.token;
  CommitOptions options;
  options.defer_dir_sync = true;  // the group's directories are synced once, in RecordGroup
  out.committed = job.writer->Commit(job.expected_sha256, job.expected_size, options);
  out.quarantine_path = job.writer->quarantine_path();
  job.writer.reset();
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
    changed_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and nothing left
    PublishJob job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    PublishOutcome outcome = Commit(job);
    lock.lock();
    committed_.push_back(std::move(outcome));
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
