// Catalog: the vault's SQLite database (`<vault>/catalog.db`): what the vault holds, what
// the server said about it, and what happened (RELIABILITY rule 3). WAL journal,
// synchronous=FULL (every commit is durable before it returns), foreign_keys=ON, a busy
// timeout, prepared statements with bound parameters only. The schema is versioned and
// migrated forward on Open (docs/on-disk-format.md lists the tables).
//
// Every mutating call is atomic on its own; wrap several in a Transaction to make them one
// unit (the sync executor records an object and its document together). Codes common to all
// calls: kConflict (a constraint: unknown samenwerking, missing blob, illegal transition,
// append-only history), kUnavailable (database busy), kResourceExhausted (disk full),
// kCorruption, kIoError. Lookups of one row return kNotFound when absent.
//
// Thread-safety: none. A Catalog is one connection; use it from one thread at a time.
#ifndef SWFVAULT_CATALOG_H_
#define SWFVAULT_CATALOG_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "swfvault/blob_store.h"
#include "swfvault/catalog_records.h"
#include "swfvault/clock.h"
#include "swfvault/model.h"
#include "swfvault/status.h"

namespace swfvault {

class SqliteDb;

class Catalog {
 public:
  // Opens or creates the catalog at `path` (file mode 0600) and migrates it to the latest
  // schema. `clock` (not owned) stamps rows. kUnsupported when a newer swfvault made the file.
  static Result<std::unique_ptr<Catalog>> Open(const std::string& path, Clock* clock);
  // Same, but migrates no further than `version` (for migration tests and tools).
  static Result<std::unique_ptr<Catalog>> OpenAtVersion(const std::string& path, Clock* clock,
                                                        int version);
  // Opens the catalog at `path` as it is, for a reader that does not hold the vault lock: a
  // migration must never run beside a sync (RELIABILITY rule 5). kUnsupported as for Open.
  // When SchemaVersion() < LatestVersion(), call Migrate() under the vault lock before use.
  static Result<std::unique_ptr<Catalog>> OpenWithoutMigrating(const std::string& path, Clock* clock);
  // Opens the existing catalog at `path` for reading only, writing nothing beside it: for a
  // vault on a read-only mount (a snapshot, an auditor's copy) or a full disk. Without a
  // write-ahead log beside it the file is read as immutable; with one, the log is read too.
  // Every write fails (query_only).
  static Result<std::unique_ptr<Catalog>> OpenReadOnly(const std::string& path, Clock* clock);
  // Applies the missing schema steps, each in its own transaction. Only with the vault lock held.
  Status Migrate();
  static int LatestVersion();
  ~Catalog();

  // A unit of work: BEGIN IMMEDIATE now, COMMIT on Commit(), ROLLBACK if destroyed first.
  // Only one may be open at a time, and it must not outlive the Catalog.
  class Transaction {
   public:
    Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Status Commit();

   private:
    friend class Catalog;
    explicit Transaction(SqliteDb* db) : db_(db) {}
    SqliteDb* db_;
  };
  Result<Transaction> Begin();
  // A consistent snapshot for a series of reads (BEGIN DEFERRED: WAL readers never block the
  // writer nor wait for it). Commit() or destruction ends it.
  Result<Transaction> BeginRead();

  Result<int> SchemaVersion();
  // PRAGMA integrity_check (or, `quick`, quick_check: O(N), without matching indexes to
  // their tables) plus foreign_key_check. kCorruption "catalog integrity check failed: ..."
  // listing the first problems; SQLite errors that keep the check from running.
  Status IntegrityCheck(bool quick = false);

  // Profiles, keyed by name. Returns the profile_id.
  Result<int64_t> UpsertProfile(const Profile& profile);
  Result<Profile> GetProfile(std::string_view name);
  // How many profiles have synced into this vault.
  Result<int64_t> CountProfiles();
  // Every profile that has synced into this vault, by name.
  Result<std::vector<Profile>> ListProfiles();
  // The id of a document above RV (SV, or a label not understood) whose content is `sha256`
  // (its object or its documentHash), or "" when there is none.
  Result<std::string> DocumentAboveRvWithContent(std::string_view sha256);
  // Whether a document other than `document_id` refers to the object `sha256`.
  Result<bool> BlobHeldByAnother(std::string_view sha256, std::string_view document_id);
  // Settings of the vault itself (table vault_settings); nullopt when never set.
  Result<std::optional<std::string>> GetSetting(std::string_view key);
  Status SetSetting(std::string_view key, std::string_view value);
  Status DeleteSetting(std::string_view key);
  // The highest confidentiality this vault may hold, as `init --max-level` set it (setting
  // max_level); nullopt when never set (then the sync's own ceiling alone applies).
  Result<std::optional<Confidentiality>> GetVaultCeiling();
  Status SetVaultCeiling(Confidentiality level);
  // This vault's identity (setting vault_id, 32 random hex digits), made on first use: a
  // mirror target records it and refuses a run of another vault, whose catalog would have it
  // remove every file the first vault placed there.
  Result<std::string> VaultId();
  // Dossiers whose last sync by a profile left something undone (a failed download, a listing
  // that failed, a stop): setting `incomplete_sync/<samenwerkingId>/<profile_id>`, whose value
  // says what (`detail`) and updated_at when. An export of such a dossier says it is incomplete.
  // MarkSyncComplete writes only when a mark is there to clear (a sync visits every dossier).
  Status MarkSyncIncomplete(int64_t profile_id, const std::string& samenwerking_id,
                            const std::string& detail);
  Status MarkSyncComplete(int64_t profile_id, const std::string& samenwerking_id);
  // After a full listing: the profile's marks of dossiers it no longer sees go (it can no
  // longer finish them, and an export would warn for ever).
  Status ForgetSyncIncompleteExcept(int64_t profile_id, const std::set<std::string>& listed);
  struct IncompleteSync {
    std::string profile;  // the profile's name
    std::string detail;
    std::string at;  // ISO-8601 UTC
  };
  Result<std::vector<IncompleteSync>> IncompleteSyncs(const std::string& samenwerking_id);

  // Samenwerkingen and their participants (ReplaceDeelnemers swaps the whole list).
  Status UpsertSamenwerking(const Samenwerking& samenwerking);
  Result<Samenwerking> GetSamenwerking(std::string_view samenwerking_id);
  Result<std::vector<Samenwerking>> ListSamenwerkingen();
  Status ReplaceDeelnemers(std::string_view samenwerking_id, const std::vector<Deelnemer>& list);
  Result<std::vector<Deelnemer>> ListDeelnemers(std::string_view samenwerking_id);

  // Objects. RecordBlob is idempotent; kCorruption when the sha256 is known with another
  // xxh3 or size.
  Status RecordBlob(const BlobRecord& blob);
  Result<BlobRecord> GetBlob(std::string_view sha256);
  Result<std::vector<BlobRecord>> ListBlobs();
  // Forgets an object (purged after its document's label was raised above the ceiling).
  // Ok when unknown; kConflict while a document still refers to it.
  Status RemoveBlob(std::string_view sha256);

  // Documents. UpsertDocument stores every field and raw_json; `blob_sha256` ("" for none)
  // must be a recorded blob. RecordWithheld keeps id, samenwerking and level only and erases
  // anything stored before (a label raised above the ceiling).
  Status UpsertDocument(const Document& document, DocumentState state,
                        std::string_view blob_sha256);
  Status RecordWithheld(std::string_view document_id, std::string_view samenwerking_id,
                        Confidentiality level);
  // kNotFound for an unknown document; kInvalidArgument for kWithheld (use RecordWithheld).
  Status SetDocumentState(std::string_view document_id, DocumentState state);
  Result<CatalogDocument> GetDocument(std::string_view document_id);
  // Ordered by document_id; "" lists every samenwerking.
  Result<std::vector<CatalogDocument>> ListDocuments(std::string_view samenwerking_id);
  // Documents of any samenwerking and state, withheld ones aside, labelled other than RV: what
  // a vault with an RV ceiling must not hold. Ordered by document_id.
  Result<std::vector<CatalogDocument>> ListDocumentsAboveRv();

  // The partial-download journal, one row per document.
  Status RecordPartial(const PartialDownload& partial);
  Result<std::optional<PartialDownload>> GetPartial(std::string_view document_id);
  Status RemovePartial(std::string_view document_id);
  Result<std::vector<PartialDownload>> ListPartials();

  // Actieverzoeken, berichten and notificaties, kept as rows for export.
  Status UpsertActieverzoek(const Actieverzoek& actieverzoek);
  Result<std::vector<Actieverzoek>> ListActieverzoeken(std::string_view samenwerking_id);
  Status UpsertBericht(const Bericht& bericht);
  Result<std::vector<Bericht>> ListBerichten(std::string_view actieverzoek_id);
  Status UpsertNotificatie(const Notificatie& notificatie);
  // Notifications that name a document (properties.documentNaam) the catalog does not hold as
  // RV: what a vault kept at RV must scrub (stored before its ceiling was lowered).
  Result<std::vector<Notificatie>> NotificatiesNamingNoRvDocument();
  Result<std::vector<Notificatie>> ListNotificaties(std::string_view samenwerking_id);

  // Sync runs: BeginSyncRun returns the run_id (profile_id 0 for none).
  Result<int64_t> BeginSyncRun(int64_t profile_id);
  Status FinishSyncRun(int64_t run_id, std::string_view outcome, const SyncCounts& counts);
  Result<SyncRun> GetSyncRun(int64_t run_id);
  Result<std::vector<SyncRun>> ListSyncRuns();

  // The append-only history. Returns the new event_id. No call updates or deletes events.
  Result<int64_t> AppendEvent(const Event& event);
  // Oldest first; "" = all documents.
  Result<std::vector<Event>> ListEvents(std::string_view document_id);
  // For each object checked at least once (verified, or hash-checked when fetched or
  // repaired): the event_id of its last check. What `verify --sample` rotates by.
  Result<std::map<std::string, int64_t>> LastChecks();

  // Upload outbox. EnqueueUpload returns the existing entry for the same key (idempotent).
  // Transitions pending -> sent -> confirmed, and confirmed -> pending (ReopenUpload: the
  // confirmed document is gone from the server); anything else is kConflict.
  Result<OutboxEntry> EnqueueUpload(std::string_view samenwerking_id,
                                    std::string_view content_sha256, std::string_view upload_key,
                                    std::string_view local_path);
  Status MarkUploadSent(int64_t outbox_id);
  Status MarkUploadConfirmed(int64_t outbox_id, std::string_view document_id);
  Status ReopenUpload(int64_t outbox_id);
  // All entries (or those in `state`), oldest first.
  Result<std::vector<OutboxEntry>> ListOutbox(std::optional<OutboxState> state);

  // Per-profile notification high-water mark (an eventDatumTijd as the server sent it).
  Status SetNotificationHighWater(int64_t profile_id, std::string_view event_datum_tijd);
  Result<std::optional<std::string>> GetNotificationHighWater(int64_t profile_id);
  // When the profile last reconciled every dossier in full (UTC "...Z"); unset before the first.
  Status SetLastFullReconcile(int64_t profile_id, std::string_view at);
  Result<std::optional<std::string>> GetLastFullReconcile(int64_t profile_id);

 private:
  Catalog(std::unique_ptr<SqliteDb> db, Clock* clock);
  std::string Now();
  // Documents matching the SQL condition `where` (its ?1 bound to `arg` when given), ordered by
  // document_id.
  Result<std::vector<CatalogDocument>> SelectDocuments(const char* where,
                                                       std::optional<std::string_view> arg);
  template <typename Fn>
  Status Atomically(Fn&& fn);

  std::unique_ptr<SqliteDb> db_;
  Clock* clock_;
};

}  // namespace swfvault

#endif  // SWFVAULT_CATALOG_H_
