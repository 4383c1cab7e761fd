// Local edits of mirrored files uploaded as new documents (MirrorOptions::upload_local_edits).
// The edited file is first moved aside within its own folder (`.swfvault-edit-<hex><ext>`, the
// HeldEdit saved to the state file before the rename), so the store's version can be written
// back at once and the edited bytes survive a crash at any point; it is then uploaded from there
// through the OutboxUploader (RELIABILITY rule 8: a killed run's upload is reconciled, never
// sent twice). A held file whose upload is refused becomes the conflict copy, with the reason;
// one whose upload failed otherwise stays held for the next run.
#include <cstdio>
#include <random>

#include "mirror/mirror_run.h"

namespace swfvault {
namespace {

constexpr char kHeldPrefix[] = ".swfvault-edit-";
constexpr size_t kMaxHeldExtension = 16;

// The extension travels with the held file, so an orphan can still be opened by its type.
std::string HeldName(const std::string& leaf) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(rng()));
  std::string ext = SplitExtension(leaf).second;
  return kHeldPrefix + std::string(hex) + (ext.size() <= kMaxHeldExtension ? ext : "");
}

// The original document as the catalog knows it now, if an edit of it may go up from this
// target: its label known, not above the target's ceiling, and no SV where we have beperkte
// toegang. Asked when the edit is found and again when it is uploaded, since the label may
// have been raised in between (a run stopped or killed before the upload).
Result<Document> EditableOriginal(MirrorRun& run, const std::string& document_id) {
  SWF_ASSIGN_OR_RETURN(CatalogDocument original, run.catalog.GetDocument(document_id));
  const Document& d = original.document;
  if (d.vertrouwelijkheid == Confidentiality::kUnknown) {
    return PermissionDenied("document " + d.document_id + " has an unknown label");
  }
  if (!AllowedUnder(d.vertrouwelijkheid, run.options.ceiling)) {
    return PermissionDenied("document " + d.document_id + " is now above this target's ceiling");
  }
  if (d.vertrouwelijkheid != Confidentiality::kRV) {
    SWF_ASSIGN_OR_RETURN(bool limited, HasLimitedAccess(run.catalog, d.samenwerking_id, run.options.oin));
    if (limited) return PermissionDenied("SV edit in a samenwerking where we have BEPERKTE_TOEGANG");
  }
  return original.document;
}

// What the new document will be, or why the edit may not be uploaded.
Result<HeldEdit> DescribeEdit(MirrorRun& run, const std::string& rel_path, const MirroredFile& prev) {
  if (run.uploader == nullptr) return Unavailable("uploads are off in this run");
  SWF_ASSIGN_OR_RETURN(Document d, EditableOriginal(run, prev.document_id));
  auto [stem, ext] = SplitExtension(rel_path.substr(FolderOf(rel_path).size()));
  HeldEdit edit;
  edit.original_rel_path = rel_path;
  edit.document_id = d.document_id;
  edit.samenwerking_id = d.samenwerking_id;
  edit.filename = stem + " (bewerkt " + Today(run.clock) + ")" + ext;
  edit.level = std::string(ConfidentialityName(d.vertrouwelijkheid));  // never lower (rule 12)
  edit.omschrijving = "Bewerking van " + d.bestands_naam + " (document " + d.document_id + ")";
  edit.taal = d.taal;
  return edit;
}

// A refusal that sending again will not change; anything else (a lost answer, a timeout,
// bytes that arrived damaged) keeps the edit held for the next run, whose upload is then
// reconciled through the outbox instead of sent twice (rule 8).
bool Refused(const Status& st) {
  switch (st.code()) {
    case StatusCode::kPermissionDenied:
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kConflict:
      return true;
    default:
      return st.http_status() == 413;
  }
}

Status UploadHeld(MirrorRun& run, OutboxUploader& uploader, const std::string& held_rel,
                  const HeldEdit& edit) {
  std::string leaf;
  Result<TreeDir> dir = OpenParent(run.root, held_rel, /*create=*/false, &leaf);
  UploadRequest req;
  Result<Fd> fd = dir.ok() ? OpenForUpload(*dir, leaf, JoinPath(run.root.path(), held_rel), &req)
                           : Result<Fd>(dir.status());
  if (!fd.ok() && fd.status().code() == StatusCode::kNotFound) {
    run.state.edits.erase(held_rel);  // the rename never happened, or the upload finished
    return Status::Ok();
  }
  if (!fd.ok()) return fd.status();
  auto give_up = [&](const std::string& reason) -> Status {
    ++run.report.edits_failed;
    // An original whose label was raised meanwhile: this target may no longer name it (rule 12).
    const bool above_ceiling = !MayNameDocument(run, edit.document_id);
    SWF_RETURN_IF_ERROR(KeepAsConflictCopy(run, *dir, leaf, edit.original_rel_path, reason, above_ceiling));
    run.state.edits.erase(held_rel);
    return Status::Ok();
  };
  Result<Document> original = EditableOriginal(run, edit.document_id);
  if (!original.ok()) return give_up(original.status().message());
  SWF_ASSIGN_OR_RETURN(EntryStat sent, fd->Stat());
  req.samenwerking_id = edit.samenwerking_id;
  req.filename = edit.filename;
  // The label as it is now, never lower than when the edit was found (rule 12).
  req.level = original->vertrouwelijkheid == Confidentiality::kSV ? "SV" : edit.level;
  req.omschrijving = edit.omschrijving;
  req.taal = edit.taal;
  Result<UploadOutcome> outcome = uploader.Upload(req);
  if (!outcome.ok() && Refused(outcome.status())) return give_up("upload failed: " + outcome.status().ToString());
  if (!outcome.ok()) return outcome.status();  // held; UploadHeldEdits warns
  // Written to while it went up (an editor still saving): the newer bytes stay held and go
  // up next run; only the file that was sent may be removed.
  Result<EntryStat> now = dir->Lstat(leaf);
  if (now.ok() && (now->inode != sent.inode || now->size != sent.size || now->mtime_ns != sent.mtime_ns)) {
    run.observer.OnWarning("local edit " + held_rel + " changed while it was uploaded (as " + outcome->document_id +
                           "): the newer version goes up next run");
    return Status::Ok();
  }
  SWF_RETURN_IF_ERROR(dir->Remove(leaf));
  run.state.edits.erase(held_rel);
  ++run.report.edits_uploaded;
  run.observer.OnEditUploaded(edit.original_rel_path, edit.document_id, *outcome);
  return Status::Ok();
}

}  // namespace

Status SetAsideLocalEdit(MirrorRun& run, const TreeDir& dir, const std::string& leaf,
                         const std::string& rel_path, const MirroredFile* prev) {
  if (!run.options.upload_local_edits) return KeepAsConflictCopy(run, dir, leaf, rel_path, "");
  if (prev == nullptr) {
    return KeepAsConflictCopy(run, dir, leaf, rel_path, "not an edit of a file the mirror wrote");
  }
  Result<HeldEdit> edit = DescribeEdit(run, rel_path, *prev);
  if (!edit.ok()) {
    if (run.uploader != nullptr) ++run.report.edits_failed;
    return KeepAsConflictCopy(run, dir, leaf, rel_path, edit.status().message());
  }
  std::string held = HeldName(leaf);
  std::string held_rel = FolderOf(rel_path) + held;
  run.state.edits[held_rel] = *edit;
  SWF_RETURN_IF_ERROR(SaveMirrorState(run.root, run.state));  // intent first
  Status moved = dir.Rename(leaf, dir, held, /*replace=*/false);
  if (!moved.ok()) run.state.edits.erase(held_rel);
  return moved;
}

Status UploadHeldEdits(MirrorRun& run, OutboxUploader& uploader) {
  std::map<std::string, HeldEdit> edits = run.state.edits;
  for (const auto& [held_rel, edit] : edits) {
    SWF_RETURN_IF_ERROR(CheckStop(run));
    Status st = UploadHeld(run, uploader, held_rel, edit);
    // The message may name the original through its conflict copy (rule 12).
    if (!st.ok()) {
      const std::string& original = edit.original_rel_path;
      st = Unnamed(run, st, original.substr(FolderOf(original).size()), !MayNameDocument(run, edit.document_id));
    }
    if (EndsTheRun(run, st)) return st;
    if (!st.ok()) run.observer.OnWarning("local edit " + held_rel + " kept for the next run: " + st.ToString());
  }
  return Status::Ok();
}

void RecoverOrphanEdits(MirrorRun& run, const TreeDir& dir, const std::string& rel_dir) {
  Result<std::vector<std::string>> names = dir.List();
  if (!names.ok()) return;
  for (const std::string& name : *names) {
    if (name.rfind(kHeldPrefix, 0) != 0 || run.state.edits.count(rel_dir + "/" + name) > 0) continue;
    std::string base = "bewerking" + SplitExtension(name).second;
    Status st = KeepAsConflictCopy(run, dir, name, rel_dir + "/" + base,
                                   "held for upload, but the state file no longer knows it");
    if (!st.ok()) run.observer.OnWarning(st.ToString());
  }
}

}  // namespace swfvault
