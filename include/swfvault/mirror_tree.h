// MirrorTree: keeps one file-share target (a [[mirror]] of the config, or `swfvault mirror
// --to DIR`) in step with the vault, and uploads what users drop into it.
//
// Update() (1) scans every `<dossier>/_uploaden/` folder and uploads files that are stable
// (same size and mtime for at least settle_seconds, across runs) through the OutboxUploader;
// refused files (symlinks, FIFOs, devices, oversize, bad sidecar, SV into a dossier where this
// organisation has BEPERKTE_TOEGANG) move to `_mislukt/` with a `<file>.reden.txt`. (2) plans
// the tree with PlanMirror and carries the plan out: files are reflinked or copied from the
// store into a temp file and renamed into place, mode 0444; a file that differs from what the
// mirror wrote is kept as `<naam> (lokale wijziging <datum>).<ext>` before the store's version
// is restored; `dossier.json` and `documenten.csv` (UTF-8 BOM, `;`) describe each folder.
// (3) saves the state file. Nothing below the target root is reached through a symlink.
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

namespace swfvault {

struct MirrorOptions {
  std::string target_dir;  // created when missing
  Confidentiality ceiling = Confidentiality::kRV;
  std::vector<std::string> samenwerking_ids;  // empty = every dossier in the catalog
  // Drop folders (used only when an uploader is passed to Update).
  std::string oin;                      // acting organisation, for the privilege check
  int64_t settle_seconds = 5;           // a drop must look unchanged this long
  uint64_t max_upload_bytes = 4ull << 30;
  std::string default_level = "RV";
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
};

// Receives what happened, file by file. Paths are relative to the target. Default: ignore.
class MirrorObserver {
 public:
  virtual ~MirrorObserver() = default;
  // action: "published", "removed", "kept-as-conflict"...; document_id may be "".
  virtual void OnFile(std::string_view /*action*/, const std::string& /*rel_path*/,
                      const std::string& /*document_id*/) {}
  virtual void OnConflict(const std::string& /*rel_path*/, const std::string& /*copy_rel_path*/) {}
  virtual void OnUpload(const std::string& /*rel_path*/, const UploadOutcome& /*outcome*/) {}
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
  // unreadable state file, kIoError/kResourceExhausted from the disk, catalog codes).
  Result<MirrorReport> Update(const MirrorOptions& options, OutboxUploader* uploader,
                              MirrorObserver& observer);

 private:
  BlobStore& store_;
  Catalog& catalog_;
  Clock& clock_;
};

}  // namespace swfvault

#endif  // SWFVAULT_MIRROR_TREE_H_
