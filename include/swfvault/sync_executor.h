// SyncExecutor: the effectful half of the sync engine (ninja's Builder). For each samenwerking
// it reads the remote listing through SwfClient, asks SyncPlanner what to do, and carries the
// plan out against the BlobStore and the Catalog: resumable parallel downloads (RELIABILITY
// rule 6), hash check before publishing, quarantine on mismatch, retries per rule 7. It is the
// only sync code with effects.
//
// Progress and per-document outcomes go to a SyncObserver, always on the calling thread; the
// executor never prints. Parallel transfers run through Transport::RunBatch, whose body sinks
// may run on transport threads (each touches only its own FetchItem, the store and, under
// catalog_mu_, the catalog); finished downloads are made durable and recorded by an ObjectPublisher
// (worker threads, one catalog transaction per group), so an fsync never stalls a transfer.
#ifndef SWFVAULT_SYNC_EXECUTOR_H_
#define SWFVAULT_SYNC_EXECUTOR_H_

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "swfvault/blob_store.h"
#include "swfvault/catalog.h"
#include "swfvault/object_publisher.h"
#include "swfvault/retry_policy.h"
#include "swfvault/stop_flag.h"
#include "swfvault/swf_client.h"
#include "swfvault/sync_planner.h"
#include "swfvault/transport.h"

namespace swfvault {

// How a sync without explicit samenwerkingIds finds its work (issue 7).
enum class SyncMode {
  kAuto,         // incremental when a high-water mark exists and the last full run is recent
  kFull,         // list every samenwerking and reconcile each one
  kIncremental,  // only the samenwerkingen named by notifications since the high-water mark
};

struct SyncOptions {
  std::string profile_name;
  std::string oin;  // the acting organisation: its own privilege lowers the ceiling per dossier
  std::string base_url;
  Confidentiality ceiling = Confidentiality::kSV;
  int transfers = 4;
  int publish_threads = 4;  // fsync/rename workers; 0 = publish inline, one object at a time
  bool dry_run = false;  // plan and report only: no object, catalog row or mark changes
  std::vector<std::string> samenwerking_ids;  // empty: every samenwerking the profile sees
  int mass_delete_percent = 50;
  bool allow_mass_delete = false;  // this run marks removed whatever share vanished (one-off)
  bool with_activity = true;  // also keep deelnemers, actieverzoeken, berichten, notificaties
  RetryOptions retry;
  SyncMode mode = SyncMode::kAuto;
  int64_t now_unix_micros = 0;          // the run's notion of "now" (window upper bound)
  double full_reconcile_seconds = 86400;  // kAuto: a full run at least this often
  double notification_lag_seconds = 0;  // window ends this long before now (clock skew margin)
  bool delete_notifications = false;    // acknowledge notifications once their window is done
  // When requested, the run stops at its next safe point: downloads in flight end (their
  // partials are kept for the next run), published objects stay, nothing new starts, and the
  // run ends with `fatal` kCancelled and outcome "interrupted". Not owned.
  const StopFlag* stop = nullptr;
};

// What one run did. `counts` mirrors the catalog's sync_runs row.
struct SyncReport {
  int64_t run_id = 0;
  SyncCounts counts;
  int samenwerkingen = 0;
  int unchanged = 0;
  int planned_fetches = 0;
  int64_t resumed_bytes = 0;  // bytes already on disk from earlier runs
  int interrupted = 0;        // planned downloads a stop left for the next run
  int repaired = 0;           // of `counts.fetched`: documents held whose object was gone
  // Samenwerkingen where something failed; the next runs re-read them (even incremental
  // ones) until they sync cleanly.
  std::vector<std::string> retry_samenwerkingen;
  int stale_partials = 0;     // partial downloads no document needs any more, removed
  uint64_t stale_partial_bytes = 0;
  std::string mode;           // "full", "incremental" or "selected"
  int notifications = 0;      // notifications read (incremental)
  int notifications_deleted = 0;
  std::string high_water;     // the mark after this run ("" when unchanged)
  std::vector<std::string> blocked;   // mass-delete guard messages
  std::vector<Status> failures;       // per item, with ids in the messages
  // Given samenwerking ids the server does not know (404); each is also in `failures`, and
  // `fatal` is kNotFound when none of the given ids was known.
  std::vector<std::string> unknown;
  Status fatal;                       // a failure that stopped the run
};

// Receives what happens, in order. Default implementations ignore everything.
class SyncObserver {
 public:
  virtual ~SyncObserver() = default;
  virtual void OnPlan(const Samenwerking& samenwerking, const SyncPlan& plan) {
    (void)samenwerking;
    (void)plan;
  }
  // action: "fetched", "repaired" (fetched again: the object was gone from the store),
  // "linked", "metadata", "withheld", "removed", "quarantined", "failed", "planned-..." in a
  // dry run. Never carries titles: ids, hashes and levels only.
  virtual void OnDocument(std::string_view action, const Document& document, int64_t bytes,
                          const Status& status) {
    (void)action;
    (void)document;
    (void)bytes;
    (void)status;
  }
  virtual void OnProgress(int64_t bytes_done, int64_t bytes_total, int docs_done, int docs_total) {
    (void)bytes_done;
    (void)bytes_total;
    (void)docs_done;
    (void)docs_total;
  }
  virtual void OnWarning(const std::string& message) { (void)message; }
};

class SyncExecutor {
 public:
  // None of the arguments is owned; all must outlive the executor. `client` should sit on a
  // RetryingTransport for its JSON calls; downloads go through `transport` (the raw one) so
  // that retries resume from the partial instead of starting over.
  SyncExecutor(SwfClient& client, Transport& transport, BlobStore& store, Catalog& catalog,
               Sleeper& sleeper, SyncObserver& observer);

  // Runs one sync. Never throws; failures are in the report.
  SyncReport Run(const SyncOptions& options);

 private:
  struct FetchItem;
  Result<int64_t> KnownProfileId(const std::string& name);
  Status CollectTargets(const SyncOptions& options, int64_t profile_id, SyncReport* report,
                        std::vector<Samenwerking>* targets, std::vector<Notificatie>* notes);
  void SweepStalePartials(SyncReport* report);
  // `ended`: "" when the run went on past the dossier, else how it ended there.
  void RecordDossierOutcome(int64_t profile_id, const std::string& samenwerking_id, size_t failures,
                            const std::string& ended, SyncReport* report);
  Status PurgeAboveCeiling(const SyncOptions& options, SyncReport* report);
  Status CollectSelected(const std::vector<std::string>& ids, SyncReport* report,
                         std::vector<Samenwerking>* targets);
  void AdvanceMarks(const SyncOptions& options, int64_t profile_id,
                    const std::vector<Notificatie>& notes, SyncReport* report);
  Status SyncSamenwerking(const Samenwerking& samenwerking, const SyncOptions& options,
                          SyncReport* report);
  // Fills lost_objects_ from the catalog's `blobs` (once per run).
  Status FindLostObjects(const std::vector<BlobRecord>& blobs);
  // Whether publishing `blob` for `document` repaired the store: a damaged copy replaced, or a
  // document whose object had gone fetched again.
  bool Repairs(const Document& document, const CommitResult& committed) const;
  // The SHA-256 names of `objects` (the catalog's) whose file is in the store.
  Result<std::set<std::string>> ObjectsOnDisk(const std::vector<BlobRecord>& objects);
  // This profile is a beperkte-toegang deelnemer of the dossier being synced (deelnemers_).
  bool LimitedHere(const SyncOptions& options) const;
  // Another profile that synced into this vault has volledige toegang in that dossier.
  Result<bool> AnotherProfileClearedHere(const SyncOptions& options);
  Confidentiality CeilingFor(const std::string& samenwerking_id, const SyncOptions& options);
  // Drops the removals of `plan` that a second listing of the dossier still shows (a listing
  // that shifted while paged), and puts the dossier on the retry list when it drops any.
  Status ConfirmRemovals(const std::string& samenwerking_id, SyncPlan* plan, SyncReport* report);
  // `nameable`: when set, the only documents a stored notification may name.
  Status KeepActivity(const Samenwerking& samenwerking, const std::set<std::string>* nameable);
  Status ApplyNonFetch(const SyncAction& action, const Document& document, SyncReport* report);
  void FetchAll(const std::vector<const Document*>& fetches, const SyncOptions& options,
                SyncReport* report);
  HttpRequest BuildRequest(FetchItem& item);
  Status OpenWriter(FetchItem& item);
  Status RecordJournal(const FetchItem& item);
  // True when no document but `document_id` refers to the object `sha256`.
  Result<bool> OnlyHolder(const std::string& sha256, const std::string& document_id);
  void Finish(FetchItem& item, const Result<HttpResponse>& result, ObjectPublisher& publisher);
  Status RecordPublished(const std::vector<FetchItem>& items,
                         const std::vector<PublishOutcome*>& group);
  void Published(FetchItem& item, const PublishOutcome& outcome, SyncReport* report);
  Status RecordEvent(EventKind kind, const Document& document, const std::string& sha256,
                     const std::string& detail);
  // Upserts a listed document, whose raw_json is held compact, with its whole raw_json.
  Status StoreDocument(const Document& document, DocumentState state, const std::string& sha256);

  SwfClient& client_;
  Transport& transport_;
  BlobStore& store_;
  Catalog& catalog_;
  Sleeper& sleeper_;
  SyncObserver& observer_;
  // While downloads run, the publisher's finisher thread writes to the catalog too: every
  // catalog call made during FetchAll holds this.
  std::mutex catalog_mu_;
  int64_t run_id_ = 0;
  std::string window_end_;
  std::vector<Deelnemer> deelnemers_;
  // Objects the catalog records but the store lacks (deleted by hand, or moved to quarantine
  // by `verify`), looked for once per run; a repairing fetch takes its hash out again, so
  // later dossiers link to it.
  std::optional<std::set<std::string>> lost_objects_;
  std::set<std::string> repairing_;     // document ids whose fetch repairs the store
  size_t dossier_failures_ = 0;         // entries of SyncReport::failures made by a dossier
  std::atomic<int64_t> bytes_done_{0};  // added to by body sinks on transport threads
  // Bytes of earlier runs' partials a 206 answer let this run keep (not those of a server
  // that ignored the Range and sent everything again).
  std::atomic<int64_t> resumed_bytes_{0};
  // Set by the first ENOSPC or local EACCES/EROFS: no more downloads, the run ends (rule 4).
  std::atomic<bool> vault_unwritable_{false};
  Status first_unwritable_;  // why (the run's fatal status); set on the calling thread only
  void VaultUnwritable(const Status& why);
  int64_t bytes_total_ = 0;
  int docs_done_ = 0;
  int docs_total_ = 0;
};

}  // namespace swfvault

#endif  // SWFVAULT_SYNC_EXECUTOR_H_
