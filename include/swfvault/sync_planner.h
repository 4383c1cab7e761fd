// SyncPlanner: the pure half of the sync engine (ninja's Plan). Given what the server lists for
// one samenwerking and what the vault already holds, it decides what must happen; it performs
// no I/O and has no state, so it is safe to call from any thread.
//
// Rules it encodes (RELIABILITY 9 and 12):
//   - a document above the vault's ceiling is never fetched; it is recorded as withheld (id and
//     level only), and an object the vault held for it is purged (label raised after a sync);
//   - a document that disappears remotely is marked removed, never deleted: its object and
//     history stay;
//   - when a listing suddenly holds far fewer documents than the vault, nothing is marked
//     removed and the plan says why (mass-delete guard);
//   - content is fetched once per SHA-256: other documents with the same hash link to it.
#ifndef SWFVAULT_SYNC_PLANNER_H_
#define SWFVAULT_SYNC_PLANNER_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "swfvault/model.h"

namespace swfvault {

// The vault's view of one document, as the catalog records it.
struct LocalDocument {
  enum class State { kPresent, kRemovedRemotely, kWithheld, kQuarantined };
  std::string document_id;
  std::string document_hash;  // "" when never fetched (withheld)
  State state = State::kPresent;
  Confidentiality level = Confidentiality::kRV;
  std::string metadata_fingerprint;  // see MetadataFingerprint()
};

struct SyncAction {
  enum class Kind {
    kFetch,           // download content, publish the object, record the document
    kLink,            // the object is (or will be) in the store already: record the document
    kUpdateMetadata,  // same content, metadata changed: record the new metadata
    kWithhold,        // above the ceiling: record id + level only; purge a held object
    kMarkRemoved,     // gone from the listing: mark removed, keep object and history
  };
  Kind kind;
  size_t document = 0;        // index in SyncPlan::documents
  std::string held_sha256;  // kWithhold: the object the vault held for it ("" = none)
  // kFetch of a document the vault holds with this very content whose object is gone from the
  // store (lost, or moved to quarantine by `verify`): the fetch repairs the store.
  bool repair = false;
};

struct SyncPlan {
  // The listing's documents, moved in (held once however large the dossier), plus one
  // entry per kMarkRemoved action with only document_id and the known hash set. Unchanged
  // documents are left empty.
  std::vector<Document> documents;
  std::vector<SyncAction> actions;  // fetches first, then links, then the rest; stable order
  bool blocked = false;             // the mass-delete guard stopped removals
  std::string blocked_reason;
  int unchanged = 0;

  const Document& DocumentOf(const SyncAction& action) const { return documents[action.document]; }
  int Count(SyncAction::Kind kind) const;
};

struct PlannerOptions {
  std::string samenwerking_id;  // the dossier planned (for documents the listing no longer has)
  Confidentiality ceiling = Confidentiality::kSV;
  int mass_delete_percent = 50;  // block when more than this share of present docs vanish
  int mass_delete_minimum = 10;  // ...and at least this many
  // The listing leaves out what is above `ceiling` (a beperkte-toegang deelnemer is not shown
  // SV), so a local document above it that is not listed was not removed. Then
  // `hidden_kept_elsewhere` says another profile syncing into this vault may see it in this
  // dossier and keeps it (it is left as it is); else nobody the vault syncs for may hold it any
  // more, and it is withheld (its object purged), as a listed one above the ceiling is.
  bool listing_hides_above_ceiling = false;
  bool hidden_kept_elsewhere = false;
};

// A stable digest of the metadata fields that matter to the vault (label, description, name,
// laatstAangepastDatumTijd, taal, formaat, kenmerk). Changes when any of them changes.
std::string MetadataFingerprint(const Document& document);

// Plans one samenwerking. `remote` is the full listing (it becomes the plan's documents; of an
// id listed twice the first counts); `local` every document the vault has for it;
// `objects_present` the SHA-256 names in the store: recorded in the catalog and on disk. A
// document held as present whose object is not among them is fetched again (`repair`).
SyncPlan PlanSync(std::vector<Document> remote, const std::vector<LocalDocument>& local,
                  const std::set<std::string>& objects_present, const PlannerOptions& options);

}  // namespace swfvault

#endif  // SWFVAULT_SYNC_PLANNER_H_
