// Dossier folders follow their samenwerking's title. When `<id> - <titel>` changes, the old
// folder is renamed in one renameat2 (RENAME_NOREPLACE), so drops, `_mislukt/`, `_verwijderd/`,
// conflict copies and held edits travel with it and no stale copy lingers. When the new name is
// taken, the old folder is merged into it entry by entry and nothing is overwritten: a file the
// mirror wrote (unchanged) or a metadata file in the way is dropped, as the store writes it
// again; anything else takes a free name "<naam> (vorige map)". Intent first: the new name is
// saved as DossierFolder::moving_to before anything moves, and the state's paths name the new
// folder only after it moved, so the next run finishes a move a killed run started.
#include <set>

#include "mirror/mirror_run.h"

namespace swfvault {
namespace {

// Paths under `from` follow to `to` when `followed(rel)` says the file went along; the others
// are forgotten (they were dropped, renamed or left behind).
template <typename T, typename Followed>
void Rekey(std::map<std::string, T>& map, const std::string& from, const std::string& to,
           Followed followed) {
  std::string prefix = from + "/";
  std::map<std::string, T> moved;
  for (auto it = map.lower_bound(prefix); it != map.end() && it->first.rfind(prefix, 0) == 0;) {
    std::string rel = it->first.substr(prefix.size());
    if (followed(rel)) moved[to + "/" + rel] = std::move(it->second);
    it = map.erase(it);
  }
  for (auto& [key, value] : moved) map[key] = std::move(value);
}

// True when `rel` (inside the dossier folder) or a folder above it is in `moved`; "" in
// `moved` stands for the whole folder.
bool Followed(const std::set<std::string>& moved, const std::string& rel) {
  if (moved.count("") > 0) return true;
  for (size_t slash = rel.find('/');; slash = rel.find('/', slash + 1)) {
    if (moved.count(rel.substr(0, slash)) > 0) return true;
    if (slash == std::string::npos) return false;
  }
}

class DossierMover {
 public:
  explicit DossierMover(MirrorRun& run) : run_(run) {}

  // Finishes a move a killed run recorded, then moves the folder to `want` when it differs.
  Status Follow(const std::string& id, const std::string& want) {
    DossierFolder& folder = run_.state.dossiers[id];
    if (!folder.moving_to.empty()) SWF_RETURN_IF_ERROR(Finish(id, folder));
    if (folder.dir == want) return Status::Ok();
    folder.moving_to = want;
    SWF_RETURN_IF_ERROR(SaveMirrorState(run_.root, run_.state));
    return Finish(id, folder);
  }

 private:
  Status Finish(const std::string& id, DossierFolder& folder) {
    const std::string from = folder.dir, to = folder.moving_to;
    Result<EntryStat> src = run_.root.Lstat(from);
    Result<EntryStat> dst = run_.root.Lstat(to);
    if (!src.ok() && src.status().code() != StatusCode::kNotFound) return src.status();
    if (!dst.ok() && dst.status().code() != StatusCode::kNotFound) return dst.status();
    if (dst.ok() && dst->type != EntryStat::Type::kDirectory) {
      return PermissionDenied("refusing " + JoinPath(run_.root.path(), to) + ": not a real directory");
    }
    std::set<std::string> moved;
    int left = 0;
    bool src_is_dir = src.ok() && src->type == EntryStat::Type::kDirectory;
    bool same = src_is_dir && dst.ok() && src->device == dst->device && src->inode == dst->inode;
    if (!src_is_dir) {
      moved.insert("");  // renamed before a crash, or gone: the paths just follow
    } else if (!dst.ok() || same) {  // `same`: a case-only rename on a case-insensitive share
      Status st = run_.root.Rename(from, run_.root, to, /*replace=*/same);
      if (st.ok()) moved.insert("");
      if (!st.ok() && st.code() != StatusCode::kAlreadyExists) return st;
      if (!st.ok()) SWF_RETURN_IF_ERROR(Merge(from, to, &moved, &left));
    } else {
      SWF_RETURN_IF_ERROR(Merge(from, to, &moved, &left));
    }
    auto followed = [&moved](const std::string& rel) { return Followed(moved, rel); };
    Rekey(run_.state.files, from, to, followed);
    Rekey(run_.state.drops, from, to, followed);
    Rekey(run_.state.edits, from, to, followed);
    Rekey(run_.state.edits_seen, from, to, followed);
    for (auto& [held, edit] : run_.state.edits) {
      if (edit.original_rel_path.rfind(from + "/", 0) == 0) {
        edit.original_rel_path = to + edit.original_rel_path.substr(from.size());
      }
    }
    folder = {to, ""};
    SWF_RETURN_IF_ERROR(SaveMirrorState(run_.root, run_.state));
    ++run_.report.dossiers_moved;
    run_.observer.OnDossierMoved(id, from, to, left);
    return Status::Ok();
  }

  Status Merge(const std::string& from, const std::string& to, std::set<std::string>* moved,
               int* left) {
    SWF_ASSIGN_OR_RETURN(TreeDir src, run_.root.OpenSub(from, false));
    SWF_ASSIGN_OR_RETURN(TreeDir dst, run_.root.OpenSub(to, false));
    MergeInto(src, dst, from + "/", "", moved, left);
    Status removed = run_.root.RemoveDir(from);
    if (!removed.ok()) run_.observer.OnWarning("old dossier folder kept: " + removed.message());
    return Status::Ok();
  }

  // Moves every entry of `src` into `dst`; `rel` is src's path inside the dossier folder.
  void MergeInto(const TreeDir& src, const TreeDir& dst, const std::string& state_prefix,
                 const std::string& rel, std::set<std::string>* moved, int* left) {
    Result<std::vector<std::string>> names = src.List();
    if (!names.ok()) {
      ++*left;
      run_.observer.OnWarning(names.status().ToString());
      return;
    }
    for (const std::string& name : *names) {
      Status st = src.Rename(name, dst, name, /*replace=*/false);
      if (st.ok()) moved->insert(rel + name);
      if (st.code() == StatusCode::kAlreadyExists) st = Reconcile(src, dst, state_prefix, rel, name, moved, left);
      if (!st.ok()) {
        ++*left;
        run_.observer.OnWarning(Unnamed(run_, "left in the old dossier folder: " + st.ToString(), name,
                                        AboveCeiling(state_prefix + rel + name)));
      }
    }
  }

  // `name` exists on both sides.
  Status Reconcile(const TreeDir& src, const TreeDir& dst, const std::string& state_prefix,
                   const std::string& rel, const std::string& name, std::set<std::string>* moved,
                   int* left) {
    SWF_ASSIGN_OR_RETURN(EntryStat a, src.Lstat(name));
    SWF_ASSIGN_OR_RETURN(EntryStat b, dst.Lstat(name));
    if (a.type == EntryStat::Type::kDirectory && b.type == EntryStat::Type::kDirectory) {
      SWF_ASSIGN_OR_RETURN(TreeDir sub_src, src.OpenSub(name, false));
      SWF_ASSIGN_OR_RETURN(TreeDir sub_dst, dst.OpenSub(name, false));
      MergeInto(sub_src, sub_dst, state_prefix, rel + name + "/", moved, left);
      Status removed = src.RemoveDir(name);
      return removed.code() == StatusCode::kConflict ? Status::Ok() : removed;  // counted inside
    }
    if (!Regenerated(state_prefix + rel + name, a)) return RenameToFreeName(src, name, dst, name, "vorige map").status();
    // Removed only while it is the file just looked at: a version saved over it meanwhile is
    // kept as the user's (TreeDir::RemoveIfSame).
    SWF_ASSIGN_OR_RETURN(TreeDir aside, src.OpenSub(kAsideDir, true));
    Result<TreeDir::Removal> removal = src.RemoveIfSame(name, a, aside);
    Status st = removal.status();
    if (removal.ok() && *removal == TreeDir::Removal::kChanged) {
      st = RenameToFreeName(aside, name, dst, name, "vorige map").status();
    }
    (void)src.RemoveDir(kAsideDir);
    return st;
  }

  // True for a file the mirror wrote of a document this target may no longer name (rule 12):
  // the move comes before the removal for the ceiling.
  bool AboveCeiling(const std::string& state_path) const {
    auto it = run_.state.files.find(state_path);
    return it != run_.state.files.end() && !MayNameDocument(run_, it->second.document_id);
  }

  // True for a file the mirror writes again from the store: unchanged since written, or the
  // folder's own dossier.json / documenten.csv.
  bool Regenerated(const std::string& state_path, const EntryStat& st) const {
    std::string top = state_path.substr(state_path.find('/') + 1);
    if (top == kDossierJson || top == kDocumentenCsv) return st.type == EntryStat::Type::kRegular;
    auto it = run_.state.files.find(state_path);
    return it != run_.state.files.end() && UnchangedSinceWritten(st, &it->second);
  }

  MirrorRun& run_;
};

// State files of earlier versions have no dossier folders: a dossier's folder is then where the
// state put its documents, else the name it should have.
void RecordUnknownFolders(MirrorState& state, const MirrorPlan& plan) {
  std::map<std::string, std::string> folder_of_document;
  for (const auto& [path, file] : state.files) {
    folder_of_document.emplace(file.document_id, path.substr(0, path.find('/')));
  }
  for (const MirrorDossier& d : plan.dossiers) {
    if (state.dossiers.count(d.samenwerking.samenwerking_id) > 0) continue;
    std::string dir = d.dir_name;
    for (const PlacedDocument& p : d.documents) {
      auto it = folder_of_document.find(p.document.document_id);
      if (it != folder_of_document.end()) {
        dir = it->second;
        break;
      }
    }
    state.dossiers[d.samenwerking.samenwerking_id] = {dir, ""};
  }
}

}  // namespace

Status MoveRenamedDossiers(MirrorRun& run, const MirrorPlan& plan) {
  RecordUnknownFolders(run.state, plan);
  DossierMover mover(run);
  for (const MirrorDossier& d : plan.dossiers) {
    Status st = mover.Follow(d.samenwerking.samenwerking_id, d.dir_name);
    if (st.code() == StatusCode::kResourceExhausted) return st;
    // The move is retried next run; a folder made at the new name meanwhile is merged then.
    if (!st.ok()) run.observer.OnWarning("dossier folder not moved: " + st.ToString());
  }
  return Status::Ok();
}

}  // namespace swfvault
