// Plain records the Catalog stores beside the SWF model types of model.h: local document
// state, sync runs, the event history, the partial-download journal and the upload outbox.
// Value types; safe to copy and to share read-only between threads.
#ifndef SWFVAULT_CATALOG_RECORDS_H_
#define SWFVAULT_CATALOG_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swfvault/model.h"

namespace swfvault {

// Where a document stands in this vault.
enum class DocumentState {
  kPresent,          // content stored and verified (blob_sha256 set)
  kRemovedRemotely,  // gone from the server; object and history kept
  kWithheld,         // above the vault's ceiling: only id and level are kept
  kQuarantined,      // the download did not match documentHash; nothing published
};
std::string_view DocumentStateName(DocumentState state);  // "present", "removed_remotely", ...

struct Profile {
  int64_t profile_id = 0;  // assigned by the catalog
  std::string name;
  std::string oin;
  std::string base_url;
};

// True when a profile of the vault other than `oin` is cleared for SV in a samenwerking with
// these deelnemers (VOLLEDIGE_TOEGANG, or the initiator): the vault keeps its SV documents for
// that profile, whatever `oin` may see.
bool AnotherProfileCleared(const std::vector<Profile>& profiles,
                           const std::vector<Deelnemer>& deelnemers, std::string_view oin);

struct CatalogDocument {
  // For withheld rows only document_id, samenwerking_id and vertrouwelijkheid are set.
  Document document;
  DocumentState state = DocumentState::kPresent;
  std::string blob_sha256;  // "" when no object backs it
  std::string first_seen;   // catalog timestamps, "2026-06-04T10:45:01.933Z"
  std::string last_seen;
  std::string state_changed_at;
};

// Kinds of history event. Events carry ids and hashes, never titles or content.
enum class EventKind {
  kFetched,
  kLinked,
  kVerified,
  kVerifyFailed,
  kMetadataChanged,
  kRemovedRemotely,
  kWithheld,
  kQuarantined,
  kRepaired,
  kUploaded,
};
std::string_view EventKindName(EventKind kind);  // "fetched", "metadata_changed", ...

struct Event {
  int64_t event_id = 0;  // assigned by the catalog, increasing
  std::string at;        // assigned by the catalog
  int64_t run_id = 0;    // 0: not part of a sync run
  EventKind kind = EventKind::kFetched;
  std::string document_id;
  std::string samenwerking_id;
  std::string sha256;
  std::string detail;  // machine-oriented detail (codes, sizes); never SV titles
};

struct SyncCounts {
  int64_t fetched = 0;
  int64_t linked = 0;
  int64_t metadata_updated = 0;
  int64_t removed = 0;
  int64_t withheld = 0;
  int64_t quarantined = 0;
  int64_t failed = 0;
  int64_t bytes = 0;
};

struct SyncRun {
  int64_t run_id = 0;
  int64_t profile_id = 0;  // 0: none
  std::string started_at;
  std::string ended_at;  // "" while running (or after a crash)
  std::string outcome;   // "" while running; e.g. "success", "partial", "failed"
  SyncCounts counts;
};

// One resumable download in progress (the journal beside BlobStore's partial/ files).
struct PartialDownload {
  std::string document_id;
  std::string etag;
  std::string partial_path;
  uint64_t bytes = 0;
  std::string updated_at;  // assigned by the catalog
};

enum class OutboxState { kPending, kSent, kConfirmed };
std::string_view OutboxStateName(OutboxState state);  // "pending", "sent", "confirmed"

// An upload, keyed by dossier + content hash + upload key (RELIABILITY rule 8).
struct OutboxEntry {
  int64_t outbox_id = 0;
  std::string samenwerking_id;
  std::string content_sha256;
  std::string upload_key;  // client-chosen, e.g. the nummerBinnenSysteem it sets
  std::string local_path;
  OutboxState state = OutboxState::kPending;
  std::string document_id;  // set on confirmation
  std::string created_at;
  std::string updated_at;
};

}  // namespace swfvault

#endif  // SWFVAULT_CATALOG_RECORDS_H_
