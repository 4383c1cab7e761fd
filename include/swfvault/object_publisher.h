// ObjectPublisher: publishes finished downloads off the transfer thread, in groups.
//
// RELIABILITY rule 1 costs a data fsync per object, a directory fsync and a catalog commit
// (synchronous=FULL). Done inline they stall every other transfer on the loop thread. Here
// worker threads make objects durable and rename them, a group at a time: the jobs that
// queued up while another worker was syncing go through one BlobStore::CommitGroup (one
// syncfs instead of a device flush per object). One finisher thread then makes each group
// durable: it syncs the touched shard directories once, then hands the whole group to
// `record` (one catalog transaction) and only then reports it done. The order per object
// stays: fsync the file, rename without replacing, fsync the directory, record in SQLite.
//
// With threads == 0 everything happens inside Submit(), one object per group.
#ifndef SWFVAULT_OBJECT_PUBLISHER_H_
#define SWFVAULT_OBJECT_PUBLISHER_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "swfvault/blob_store.h"

namespace swfvault {

struct PublishJob {
  size_t token = 0;  // the caller's handle, returned in PublishOutcome
  std::unique_ptr<BlobWriter> writer;
  std::string expected_sha256;
  uint64_t expected_size = 0;
};

struct PublishOutcome {
  size_t token = 0;
  // Commit's result: a kCorruption here means quarantined at `quarantine_path`.
  Result<CommitResult> committed = Internal("not committed");
  std::string quarantine_path;
  // Ok once the group holding this object was recorded; otherwise why not. An object that
  // was published but not recorded is an orphan the next run deduplicates or gc removes.
  Status recorded;
};

class ObjectPublisher {
 public:
  // Records one durable group in the catalog (one transaction: its Status is every outcome's
  // `recorded`). Runs on the finisher thread (threads > 0) or inside Submit().
  using RecordFn = std::function<Status(const std::vector<PublishOutcome*>& group)>;

  // `max_waiting` bounds submitted-but-unfinished jobs (each holds an open file): Submit
  // blocks beyond it.
  ObjectPublisher(BlobStore& store, int threads, RecordFn record, size_t max_waiting = 64);
  ~ObjectPublisher();  // waits for everything submitted
  ObjectPublisher(const ObjectPublisher&) = delete;
  ObjectPublisher& operator=(const ObjectPublisher&) = delete;

  void Submit(PublishJob job);
  // Outcomes finished since the last call, without waiting.
  std::vector<PublishOutcome> TakeDone();
  // Waits until every submitted job is finished, then returns what TakeDone() would.
  std::vector<PublishOutcome> Drain();

 private:
  std::vector<PublishOutcome> Commit(std::vector<PublishJob>& jobs) const;
  void RecordGroup(std::vector<PublishOutcome>& group);
  void WorkerLoop();
  void FinisherLoop();

  BlobStore& store_;
  RecordFn record_;
  size_t max_waiting_;

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<PublishJob> jobs_;               // waiting for a worker
  std::vector<PublishOutcome> committed_;     // waiting for the finisher
  std::vector<PublishOutcome> done_;          // waiting for TakeDone()
  size_t unfinished_ = 0;                     // submitted, not yet in done_
  int syncing_ = 0;                           // workers inside Commit
  bool stopping_ = false;
  Status dir_sync_failure_;  // sticky: after a failed directory fsync nothing more is recorded
  std::vector<std::thread> workers_;
  std::thread finisher_;
};

}  // namespace swfvault

#endif  // SWFVAULT_OBJECT_PUBLISHER_H_
