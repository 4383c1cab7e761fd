// Internal: the state one MirrorTree::Update shares between its parts (tree actions, drop
// folders, metadata files). Lives for one run only.
#ifndef SWFVAULT_MIRROR_MIRROR_RUN_H_
#define SWFVAULT_MIRROR_MIRROR_RUN_H_

#include <map>
#include <string>

#include "mirror/mirror_state.h"
#include "mirror/tree_dir.h"
#include "swfvault/mirror_planner.h"
#include "swfvault/mirror_tree.h"

namespace swfvault {

struct MirrorRun {
  BlobStore& store;
  Catalog& catalog;
  Clock& clock;
  const MirrorOptions& options;
  MirrorObserver& observer;
  TreeDir& root;
  MirrorState& state;
  MirrorReport& report;
  OutboxUploader* uploader;  // null: no uploads this run
};

inline bool StopRequested(const MirrorRun& run) {
  return run.options.stop != nullptr && run.options.stop->requested();
}

// kCancelled once the run's stop was requested: checked before each file, never inside one.
inline Status CheckStop(const MirrorRun& run) {
  return StopRequested(run) ? StoppedOnRequest("mirror of " + run.root.path()) : Status::Ok();
}

// True when `st` is the run ending on request (a stop, or a request the stop cancelled).
inline bool Stopped(const MirrorRun& run, const Status& st) {
  return st.code() == StatusCode::kCancelled && StopRequested(run);
}

// True when `st` ends the whole run, not just the file at hand: a full disk here (not a
// server's 413, which refuses one file), or the stop.
inline bool EndsTheRun(const MirrorRun& run, const Status& st) {
  return (st.code() == StatusCode::kResourceExhausted && st.http_status() == 0) || Stopped(run, st);
}

// True once the file at `rel` has looked as `st` (size and mtime) for the run's settle period,
// across runs: drops and local edits are taken only then, so one still being written does not
// go up half. Records a new sighting in `seen` when there is none or the file changed.
inline bool Settled(const MirrorRun& run, std::map<std::string, DropSighting>& seen, const std::string& rel,
                    const EntryStat& st) {
  const int64_t now = run.clock.NowUnixMicros() / 1000000;
  auto it = seen.find(rel);
  if (it == seen.end() || it->second.size != st.size || it->second.mtime_ns != st.mtime_ns) {
    seen[rel] = {st.size, st.mtime_ns, now};
    return run.options.settle_seconds <= 0;
  }
  return now - it->second.first_seen_unix >= run.options.settle_seconds;
}

// True when the file looks exactly as the mirror left it (size and mtime as recorded).
inline bool UnchangedSinceWritten(const EntryStat& st, const MirroredFile* recorded) {
  return recorded != nullptr && st.type == EntryStat::Type::kRegular && st.size == recorded->size &&
         st.mtime_ns == recorded->mtime_ns;
}

// Opens the folder holding `rel_path` (creating folders when `create`) and returns it with
// the last component in *leaf. kNotFound when a folder is missing and !create.
Result<TreeDir> OpenParent(const TreeDir& root, const std::string& rel_path, bool create,
                           std::string* leaf);

// "a/b/c" -> "a/b/"; "c" -> "".
inline std::string FolderOf(const std::string& rel_path) {
  size_t slash = rel_path.rfind('/');
  return slash == std::string::npos ? "" : rel_path.substr(0, slash + 1);
}

// "report.pdf" -> {"report", ".pdf"}; no extension for "README" or ".hidden".
std::pair<std::string, std::string> SplitExtension(const std::string& name);

// Rule 12: logs name ids and hashes, never the title of an SV document. A target that may hold
// SV names none of its files (any name may be such a title); an RV target names its files,
// except those of a document it may no longer show (`above_ceiling`: its label was raised or is
// unknown, our privilege was lowered, the catalog no longer knows it).
inline bool Named(const MirrorRun& run, bool above_ceiling) {
  return run.options.ceiling == Confidentiality::kRV && !above_ceiling;
}

// `text` with every `name` written "...", and its stem too where a name made from it follows
// ("<stem> (lokale wijziging ...)<ext>", "<stem> (vorige map)<ext>"), unless Named().
std::string Unnamed(const MirrorRun& run, std::string text, const std::string& name, bool above_ceiling = false);
// The same for a Status's message; code and HTTP status stay.
Status Unnamed(const MirrorRun& run, const Status& status, const std::string& name, bool above_ceiling = false);
// `rel_path` as the observer may see it: the file name "..." unless Named().
std::string ShownPath(const MirrorRun& run, const std::string& rel_path, bool above_ceiling);

// True when this RV target may name the files of `document_id`: the catalog knows it and its
// label is RV. False in a target that may hold SV.
bool MayNameDocument(const MirrorRun& run, const std::string& document_id);

// Renames `from` in `from_dir` to a free "<stem> (<label>)<ext>" in `to_dir`, stem and ext
// taken from `base` (" (<label> 2)" and up when taken), and returns the new name.
Result<std::string> RenameToFreeName(const TreeDir& from_dir, const std::string& from,
                                     const TreeDir& to_dir, const std::string& base,
                                     const std::string& label);

// "YYYY-MM-DD" of the clock's now (UTC).
std::string Today(Clock& clock);

// True when `oin` takes part in the dossier with BEPERKTE_TOEGANG (it may not hold or send SV).
// A catalog error is an error, never "not limited".
Result<bool> HasLimitedAccess(Catalog& catalog, const std::string& samenwerking_id, const std::string& oin);
// The same, of a deelnemer list already read.
bool LimitedIn(const std::vector<Deelnemer>& deelnemers, const std::string& oin);

// Where the mirror moves its own file before removing it (TreeDir::RemoveIfSame), one in each
// folder of a dossier; a run that ended right then leaves it behind.
inline constexpr char kAsideDir[] = ".swfvault-weg";

// Puts `leaf`, moved aside into `aside`, back under its name in `dir` (`rel_path`, the path of
// `document_id`). When a file took the name since, the one aside is dropped if it is a version
// the mirror wrote there (`written`), else kept beside it as a conflict copy: never lost.
Status PutBackAside(MirrorRun& run, const TreeDir& dir, const TreeDir& aside, const std::string& leaf,
                    const std::string& rel_path, const MirroredFile* written, const std::string& document_id);
// Puts back what a killed run left in `dir`'s aside folder (`rel_dir` is `dir`'s path in the
// target) and removes the folder when empty.
void RecoverAside(MirrorRun& run, const TreeDir& dir, const std::string& rel_dir);

// Renames the local edit `from` (in `dir`, which holds `rel_path`) to a free
// "<stem of rel_path> (lokale wijziging <date>)<ext>" beside it, counts and reports it with
// `reason` (why it was not uploaded; "" when conflict copies are what the target wants). The
// report names neither file when the original is `above_ceiling` (see Named).
Status KeepAsConflictCopy(MirrorRun& run, const TreeDir& dir, const std::string& from,
                          const std::string& rel_path, const std::string& reason,
                          bool above_ceiling = false);

// Moves the locally edited `leaf` (at rel_path in `dir`) out of the way before the store's
// version is written there: with options.upload_local_edits, an uploader and a known original
// (`prev`, what the mirror wrote) it is held for upload (intent saved first); otherwise, or when
// the original may not be uploaded again, it becomes a conflict copy.
Status SetAsideLocalEdit(MirrorRun& run, const TreeDir& dir, const std::string& leaf,
                         const std::string& rel_path, const MirroredFile* prev);
// Uploads every held edit (also those of a run that was killed) through the uploader; a held
// file is removed once confirmed and kept as the conflict copy when the upload fails.
Status UploadHeldEdits(MirrorRun& run, OutboxUploader& uploader);
// A held file without a state entry (the state file was lost) becomes a conflict copy.
void RecoverOrphanEdits(MirrorRun& run, const TreeDir& dir, const std::string& rel_dir);

// Renames the folders of dossiers whose title changed (state.dossiers says where they are).
Status MoveRenamedDossiers(MirrorRun& run, const MirrorPlan& plan);

// Carries out the plan's actions (run.state.files is updated as files are written);
// `ceiling_only`: only its removals for the ceiling, which a run does before anything else.
Status ApplyTreeActions(MirrorRun& run, const MirrorPlan& plan, bool ceiling_only = false);
// Writes dossier.json and documenten.csv of every dossier of the plan when they changed.
Status WriteMetadataFiles(MirrorRun& run, const MirrorPlan& plan);
// Opens regular file `name` in `dir` to upload it: sets req->file_path (/proc/self/fd/N, so
// the file checked is the file sent), local_path, size and content_sha256. Keep the Fd open
// while `req` is used. kNotFound when absent, kPermissionDenied for a symlink or non-file.
Result<Fd> OpenForUpload(const TreeDir& dir, const std::string& name, const std::string& local_path,
                         UploadRequest* req);
// Scans and uploads the drop folders of the plan's dossiers.
Status ProcessDropFolders(MirrorRun& run, const MirrorPlan& plan, OutboxUploader& uploader);

// Metadata file contents (pure; exposed for tests).
std::string DossierJson(const MirrorDossier& dossier);
std::string DocumentenCsv(const MirrorDossier& dossier);

}  // namespace swfvault

#endif  // SWFVAULT_MIRROR_MIRROR_RUN_H_
