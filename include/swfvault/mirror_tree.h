// MirrorTree: keeps one file-share target (a [[mirror]] of the config, or `swfvault mirror
// --to DIR`) in step with the vault, and uploads what users drop into it.
//
// Update() (0) renames a dossier folder whose title changed, so what users keep in it travels
// along (a name already taken is merged entry by entry, nothing of the user's is overwritten);
// (1) scans every `<dossier>/_uploaden/` folder and uploads files that are stable
// (same size and mtime for at least settle_seconds, across runs) through the OutboxUploader;
// refused files (symlinks, FIFOs, devices, oversize, bad sidecar, SV into a dossier where this
// organisation has BEPERKTE_TOEGANG) move to `_mislukt/` with a `<file>.reden.txt`. (2) plans
// the tree with PlanMirror and carries the plan out: files are reflinked or copied from the
// store into a temp file and renamed into place, mode 0444; a file that differs from what the
// mirror wrote is kept as `<naam> (lokale wijziging <datum>).<ext>` before the store's version
// is restored, or, with upload_local_edits, moved aside and uploaded as a new document (kept as
// the conflict copy when that fails); `dossier.json` and `documenten.csv` (UTF-8 BOM, `;`)
// describe each folder. (3) saves the state file; every step that moves user files records its
// intent in the state file first, so a crash at any point loses nothing. Nothing below the target root is reached through a symlink.
// A requested `stop` ends the run between two files (never inside one): the state is saved,
// the report says interrupted, and the next run carries on.
//
// `store`, `catalog`, `clock` (and the uploader) are not owned. Not thread-safe; the caller
// holds the vault lock.
#ifndef SWFVAULT_MIRROR_TREE_H_
#define SWFVAULT_MIRROR_TREE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "swfvault/blob_store.h"
#include "swfvault/catalog.h"
#include "swfvault/clock.h"
#include "swfvault/model.h"
#include "swfvault/outbox_uploader.h"
#include "swfvault/status.h"
#include "swfvault/stop_flag.h"

namespace swfvault {

struct MirrorOptions {
  std::string target_dir;  // created when missing
  Confidentiality ceiling = Confidentiality::kRV;
  std::vector<std::string> samenwerking_ids;  // empty = every dossier in the catalog
  // Drop folders (used only when an uploader is passed to Update).
  std::string oin;                      // acting organisation, for the privilege check
  // The other profiles of the config, on the same server: in a dossier where `oin` has
  // beperkte toegang, SV that one of them is cleared for stays in the tree (the vault keeps it
  // for that profile; profiles sharing a target would otherwise take it out and put it back in
  // turn). Profiles the catalog remembers but the config no longer has do not count.
  std::vector<Profile> other_profiles;
  int64_t settle_seconds = 5;           // a drop must look unchanged this long
  uint64_t max_upload_bytes = 4ull << 30;
  std::string default_level = "RV";  // what a drop gets when its sidecar does not say
  std::string default_omschrijving;
  std::string default_taal;
  // A mirrored file edited in place: false = keep it as a conflict copy; true = upload it as a
  // new document (the original's label) and keep it as the conflict copy only when that fails.
  bool upload_local_edits = false;
  const StopFlag* stop = nullptr;  // not owned; requested = finish the file at hand, then stop
  // A target whose state file names another vault is refused (kInvalidArgument): that vault's
  // files would all go. True = take it over: it becomes this vault's, and what the other vault
  // placed there and this one does not show is removed.
  bool adopt_target = false;
};

struct MirrorReport {
  int dossiers = 0;
  int published = 0;
  int unchanged = 0;
  int removed = 0;
  int conflicts = 0;
  int uploaded = 0;   // confirmed this run (uploaded, reconciled or already confirmed)
  int refused = 0;    // moved to _mislukt/
  int waiting = 0;    // drops not yet stable
  int upload_errors = 0;  // left in place for the next run
  int reflinked = 0;
  int damaged = 0;         // store objects that failed their hash check: not published
  int edits_uploaded = 0;  // local edits uploaded as new documents
  int edits_failed = 0;    // local edits to upload kept as conflict copies instead
  int dossiers_moved = 0;  // folders renamed after a title change
  bool interrupted = false;  // stopped on request; the next run finishes the work
};

// Receives what happened, file by file. Paths are relative to the target. RELIABILITY rule 12:
// a file the target may not name has "..." for its name ("<folder>/..."), in paths and in
// messages: in a target that may hold SV every conflict copy, drop and message (a published
// file's path is given; the observer must leave it out); in an RV target a removal for the
// ceiling, the conflict copy of an edit whose original was raised, a drop that goes up as SV.
// Default: ignore.
class MirrorObserver {
 public:
  virtual ~MirrorObserver() = default;
  // action: "published", "removed", "kept-as-conflict"...; document_id may be "".
  virtual void OnFile(std::string_view /*action*/, const std::string& /*rel_path*/,
                      const std::string& /*document_id*/) {}
  // A local edit kept as `copy_rel_path`; `reason` says why it was not uploaded ("" when the
  // target keeps conflict copies).
  virtual void OnConflict(const std::string& /*rel_path*/, const std::string& /*copy_rel_path*/,
                          const std::string& /*reason*/) {}
  virtual void OnUpload(const std::string& /*rel_path*/, const UploadOutcome& /*outcome*/) {}
  // A local edit of `document_id` (made at rel_path) uploaded as outcome.document_id.
  virtual void OnEditUploaded(const std::string& /*rel_path*/, const std::string& /*document_id*/,
                              const UploadOutcome& /*outcome*/) {}
  // Folder `from` renamed to `to`; `left_behind` entries of `from` could not be moved (the
  // folder then stays, holding only those).
  virtual void OnDossierMoved(const std::string& /*samenwerking_id*/, const std::string& /*from*/,
                              const std::string& /*to*/, int /*left_behind*/) {}
  virtual void OnRefused(const std::string& /*rel_path*/, const std::string& /*reason*/) {}
  virtual void OnWarning(const std::string& /*message*/) {}
};

class MirrorTree {
 public:
  MirrorTree(BlobStore& store, Catalog& catalog, Clock& clock)
      : store_(store), catalog_(catalog), clock_(clock) {}

  // Brings the target up to date; `uploader` null = leave drop folders alone. Per-file
  // problems are reported to the observer and counted; the returned error is for problems
  // with the target as a whole (kPermissionDenied for a symlinked folder, kCorruption for an
  // unreadable state file, kInvalidArgument for the target of another vault (see
  // MirrorOptions::adopt_target), kIoError/kResourceExhausted from the disk, catalog codes).
  Result<MirrorReport> Update(const MirrorOptions& options, OutboxUploader* uploader,
                              MirrorObserver& observer);

 private:
  BlobStore& store_;
  Catalog& catalog_;
  Clock& clock_;
};

}  // namespace swfvault

#endif  // SWFVAULT_MIRROR_TREE_H_
