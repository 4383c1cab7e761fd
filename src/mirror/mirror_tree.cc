#include "swfvault/mirror_tree.h"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <map>
#include <set>
#include <utility>

#include "mirror/mirror_run.h"
#include "swfvault/name_sanitizer.h"

namespace swfvault {
namespace {

class ActionRunner {
 public:
  ActionRunner(MirrorRun& run, std::map<std::string, MirroredFile> previous)
      : run_(run), previous_(std::move(previous)) {}

  Status Apply(const MirrorAction& a) {
    std::string leaf;
    bool create = a.kind != MirrorAction::Kind::kRemove;
    Result<TreeDir> dir = OpenParent(run_.root, a.rel_path, create, &leaf);
    if (!dir.ok() && dir.status().code() == StatusCode::kNotFound && !create) {
      run_.state.files.erase(a.rel_path);
      return Status::Ok();
    }
    if (!dir.ok()) return dir.status();
    Result<EntryStat> st = dir->Lstat(leaf);
    if (!st.ok() && st.status().code() != StatusCode::kNotFound) return st.status();
    auto it = previous_.find(a.rel_path);
    const MirroredFile* prev = it == previous_.end() ? nullptr : &it->second;
    if (a.kind == MirrorAction::Kind::kRemove) return Remove(*dir, leaf, a, st, prev);
    if (prev == nullptr && st.ok()) prev = CaseAlias(*dir, a.rel_path, *st);
    return Place(*dir, leaf, a, st, prev);
  }

 private:
  // On a case-insensitive share (SMB, macOS) a document renamed by case only ("Rapport.pdf"
  // -> "rapport.pdf") finds its old file at the new path. That file is the mirror's when the
  // previous run wrote a name differing only in case in the same folder and that name leads
  // to the same inode; its record then stands for this path.
  const MirroredFile* CaseAlias(const TreeDir& dir, const std::string& rel_path, const EntryStat& st) {
    if (by_fold_.empty()) {  // built once, and only when a new path finds a file already there
      for (const auto& [path, file] : previous_) by_fold_.emplace(NameCollisionKey(path), path);
    }
    auto range = by_fold_.equal_range(NameCollisionKey(rel_path));
    for (auto it = range.first; it != range.second; ++it) {
      const std::string& other = it->second;
      if (other == rel_path || FolderOf(other) != FolderOf(rel_path)) continue;
      Result<EntryStat> alias = dir.Lstat(other.substr(FolderOf(other).size()));
      if (alias.ok() && alias->device == st.device && alias->inode == st.inode) return &previous_.at(other);
    }
    return nullptr;
  }

  Status Place(const TreeDir& dir, const std::string& leaf, const MirrorAction& a,
               const Result<EntryStat>& st, const MirroredFile* prev) {
    if (!st.ok()) return Publish(dir, leaf, a, Clear::kNothing, EntryStat{}, prev);
    if (st->type == EntryStat::Type::kDirectory) {
      run_.observer.OnWarning("a folder is in the way of " + a.document_id + "; left alone");
      return Status::Ok();
    }
    // A planted symlink or FIFO: removed, never written through.
    if (st->type != EntryStat::Type::kRegular) return Publish(dir, leaf, a, Clear::kEntry, *st, prev);
    bool ours = UnchangedSinceWritten(*st, prev);
    if (ours && a.kind == MirrorAction::Kind::kKeep) return Record(a, *st, false);
    if (!ours) {
      SWF_ASSIGN_OR_RETURN(Fd fd, dir.OpenRead(leaf));
      SWF_ASSIGN_OR_RETURN(std::string hash, HashFd(fd.get(), JoinPath(dir.path(), leaf)));
      if (hash == a.sha256) return Record(a, *st, false);
      // A version the mirror wrote earlier (a run that meant to replace it stopped first) is
      // replaced; anything else is the user's.
      ours = prev != nullptr && prev->Wrote(hash);
    }
    if (!ours && !EditSettled(a.rel_path, *st)) return Status::Ok();  // left as it is, for now
    return Publish(dir, leaf, a, ours ? Clear::kOurs : Clear::kEdit, *st, prev);
  }

  // Removes the mirror's own file at `leaf` only while it is the file `st` describes
  // (TreeDir::RemoveIfSame): a version the user saves over it at any moment stays, put back
  // under its name, and the next run handles it as a local edit. False then.
  Result<bool> ClearOurs(const TreeDir& dir, const std::string& leaf, const EntryStat& st, const MirrorAction& a) {
    SWF_ASSIGN_OR_RETURN(TreeDir aside, dir.OpenSub(kAsideDir, true));
    SWF_ASSIGN_OR_RETURN(TreeDir::Removal removal, dir.RemoveIfSame(leaf, st, aside));
    if (removal != TreeDir::Removal::kChanged) return true;
    SWF_RETURN_IF_ERROR(PutBackAside(run_, dir, aside, leaf, a.rel_path, nullptr, a.document_id));
    return false;
  }

  Status Remove(const TreeDir& dir, const std::string& leaf, const MirrorAction& a,
                const Result<EntryStat>& st, const MirroredFile* prev) {
    run_.state.files.erase(a.rel_path);
    if (!st.ok() || st->type == EntryStat::Type::kDirectory) return Status::Ok();
    // The file this run placed under another name leads here too: the same entry on a
    // case-insensitive share. Only the old name's record goes.
    if (placed_.count({st->device, st->inode}) > 0) return Status::Ok();
    bool ours = st->type != EntryStat::Type::kRegular || UnchangedSinceWritten(*st, prev);
    if (!ours && !a.for_ceiling) {
      SWF_ASSIGN_OR_RETURN(Fd fd, dir.OpenRead(leaf));
      SWF_ASSIGN_OR_RETURN(std::string hash, HashFd(fd.get(), JoinPath(dir.path(), leaf)));
      ours = prev != nullptr && prev->Wrote(hash);
    }
    if (!ours && !a.for_ceiling && prev != nullptr && !EditSettled(a.rel_path, *st)) {
      run_.state.files[a.rel_path] = *prev;  // removed once the edit has gone up
      return Status::Ok();
    }
    if (!ours && !a.for_ceiling) return SetAsideLocalEdit(run_, dir, leaf, a.rel_path, prev);
    if (a.for_ceiling || st->type != EntryStat::Type::kRegular) {
      SWF_RETURN_IF_ERROR(dir.Remove(leaf));  // must go whatever it holds now (rule 12), or not a file
    } else {
      Result<bool> cleared = ClearOurs(dir, leaf, *st, a);
      if (!cleared.ok() || !*cleared) {
        // Still there (saved over meanwhile: the next run finds the edit), or not known to be
        // gone: the record stays, or the file could never be removed later.
        if (prev != nullptr) run_.state.files[a.rel_path] = *prev;
        return cleared.status();
      }
    }
    ++run_.report.removed;
    run_.observer.OnFile("removed", ShownPath(run_, a.rel_path, a.for_ceiling), a.document_id);
    return Status::Ok();
  }

  // With uploads of local edits, a changed file is set aside only once it has looked the same
  // (size and mtime) for the settle period, across runs, as a drop is: one caught while it is
  // still being written would go up half, and what is written after would be lost with it.
  bool EditSettled(const std::string& rel, const EntryStat& st) {
    if (!run_.options.upload_local_edits || run_.uploader == nullptr) return true;
    if (Settled(run_, run_.state.edits_seen, rel, st)) {
      run_.state.edits_seen.erase(rel);
      return true;
    }
    settling_.insert(rel);
    ++run_.report.waiting;
    return false;
  }

 public:
  // Forgets the sightings of edits this run no longer found changed (reverted, or gone).
  void ForgetSettledEdits() {
    std::erase_if(run_.state.edits_seen, [this](const auto& entry) { return settling_.count(entry.first) == 0; });
  }

 private:
  // What is taken out of the way at the name, once the new version is ready beside it: nothing,
  // the entry there (not a regular file), the user's edit (set aside), or the mirror's old file.
  enum class Clear { kNothing, kEntry, kEdit, kOurs };

  // Writes the stored version under `leaf`. The new file is complete and synced before the old
  // entry (`st`) is cleared, so the name is empty only for the moment between two renames,
  // and a failed copy (a full disk) leaves the old version in place.
  Status Publish(const TreeDir& dir, const std::string& leaf, const MirrorAction& a, Clear clear,
                 const EntryStat& st, const MirroredFile* prev) {
    std::string object = run_.store.ObjectPath(a.sha256);
    int fd = ::open(object.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "open object " + a.sha256);
    Fd src(fd);
    bool reflinked = false;
    SWF_ASSIGN_OR_RETURN(TreeDir::Prepared ready, dir.PrepareFrom(leaf, src.get(), 0444, &reflinked));
    if (ready.sha256 != a.sha256) {
      // Damaged in the store since it was checked: nothing goes out that is not the document.
      dir.Discard(ready);
      ++run_.report.damaged;
      return Corruption("document " + a.document_id + ": object " + a.sha256 +
                        " no longer matches its hash and was not published (run 'swfvault "
                        "verify', which moves it aside for the next sync to fetch again)");
    }
    Status cleared = Status::Ok();
    if (clear == Clear::kEntry) cleared = dir.Remove(leaf);
    if (clear == Clear::kEdit) cleared = SetAsideLocalEdit(run_, dir, leaf, a.rel_path, prev);
    if (clear == Clear::kOurs) {
      Result<bool> gone = ClearOurs(dir, leaf, st, a);
      cleared = gone.status();
      if (gone.ok() && !*gone) {  // saved over meanwhile: the next run finds the edit
        dir.Discard(ready);
        return Status::Ok();
      }
    }
    if (!cleared.ok()) {
      dir.Discard(ready);
      return cleared;
    }
    Status published = dir.Commit(ready, leaf);
    // A file saved under the name since the run looked is the user's: it stays, and the next
    // run finds it (the state still names what the mirror meant to write there).
    if (published.code() == StatusCode::kAlreadyExists) return Status::Ok();
    SWF_RETURN_IF_ERROR(published);
    if (reflinked) ++run_.report.reflinked;
    SWF_ASSIGN_OR_RETURN(EntryStat placed, dir.Lstat(leaf));
    return Record(a, placed, true);
  }

  Status Record(const MirrorAction& a, const EntryStat& st, bool published) {
    run_.state.files[a.rel_path] = {a.document_id, a.sha256, st.size, st.mtime_ns, {}};
    placed_.insert({st.device, st.inode});
    if (published) {
      ++run_.report.published;
      run_.observer.OnFile("published", a.rel_path, a.document_id);
    } else {
      ++run_.report.unchanged;
    }
    return Status::Ok();
  }

  MirrorRun& run_;
  std::map<std::string, MirroredFile> previous_;
  std::multimap<std::string, std::string> by_fold_;  // NameCollisionKey -> path in previous_
  std::set<std::pair<uint64_t, uint64_t>> placed_;    // (device, inode) of files placed or kept
  std::set<std::string> settling_;                    // edits this run saw still settling
};

Result<MirrorPlanInput> GatherInput(Catalog& catalog, const MirrorOptions& options,
                                    const MirrorState& state) {
  MirrorPlanInput in;
  in.ceiling = options.ceiling;
  in.state = state.files;
  SWF_ASSIGN_OR_RETURN(std::vector<Samenwerking> all, catalog.ListSamenwerkingen());
  for (Samenwerking& s : all) {
    bool wanted = options.samenwerking_ids.empty();
    for (const std::string& id : options.samenwerking_ids) wanted |= id == s.samenwerking_id;
    SWF_ASSIGN_OR_RETURN(std::vector<CatalogDocument> docs, catalog.ListDocuments(s.samenwerking_id));
    if (!wanted) {
      for (const CatalogDocument& d : docs) in.untouched_documents.insert(d.document.document_id);
      continue;
    }
    bool limited = false;
    if (!options.oin.empty()) {
      SWF_ASSIGN_OR_RETURN(std::vector<Deelnemer> deelnemers,
                           catalog.ListDeelnemers(s.samenwerking_id));
      // Unless another configured profile is cleared here: the vault keeps SV for it, and so
      // does the tree, or profiles sharing a target would remove and write it again in turn.
      limited = LimitedIn(deelnemers, options.oin) &&
                !AnotherProfileCleared(options.other_profiles, deelnemers, options.oin);
    }
    for (CatalogDocument& d : docs) {
      // Privilege lowered to BEPERKTE_TOEGANG: we may no longer hold SV here (rule 12).
      if (limited && d.document.vertrouwelijkheid != Confidentiality::kRV) continue;
      in.documents.push_back(std::move(d));
    }
    in.samenwerkingen.push_back(std::move(s));
  }
  SWF_ASSIGN_OR_RETURN(std::vector<BlobRecord> blobs, catalog.ListBlobs());
  for (const BlobRecord& b : blobs) in.blob_sizes[b.sha256] = b.size;
  return in;
}

// Uploads the edits held (by this run or a killed one); when that added documents, a second
// pass places them (it finds everything else as the first pass left it).
Status UploadEditsAndPlaceThem(MirrorRun& run, MirrorPlan* plan) {
  int before = run.report.edits_uploaded;
  SWF_RETURN_IF_ERROR(UploadHeldEdits(run, *run.uploader));
  if (run.report.edits_uploaded == before) return Status::Ok();
  SWF_ASSIGN_OR_RETURN(MirrorPlanInput input, GatherInput(run.catalog, run.options, run.state));
  *plan = PlanMirror(input);
  int unchanged = run.report.unchanged;
  Status applied = ApplyTreeActions(run, *plan);
  run.report.unchanged = unchanged;
  return applied;
}

}  // namespace

bool LimitedIn(const std::vector<Deelnemer>& deelnemers, const std::string& oin) {
  for (const Deelnemer& p : deelnemers) {
    if (p.oin == oin) return p.privilege == "BEPERKTE_TOEGANG";
  }
  return false;
}

Result<bool> HasLimitedAccess(Catalog& catalog, const std::string& samenwerking_id,
                              const std::string& oin) {
  if (oin.empty()) return false;
  SWF_ASSIGN_OR_RETURN(std::vector<Deelnemer> list, catalog.ListDeelnemers(samenwerking_id));
  return LimitedIn(list, oin);
}

std::string Today(Clock& clock) {
  std::time_t t = static_cast<std::time_t>(clock.NowUnixMicros() / 1000000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string Unnamed(const MirrorRun& run, std::string text, const std::string& name, bool above_ceiling) {
  if (Named(run, above_ceiling) || name.empty()) return text;
  auto hide = [&text](const std::string& what, size_t keep) {
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 3)) {
      text.replace(at, what.size() - keep, "...");
    }
  };
  hide(name, 0);
  std::string stem = SplitExtension(name).first;
  if (!stem.empty()) hide(stem + " (", 2);  // " (" stays
  return text;
}

Status Unnamed(const MirrorRun& run, const Status& status, const std::string& name, bool above_ceiling) {
  if (status.ok()) return status;
  Status out(status.code(), Unnamed(run, status.message(), name, above_ceiling));
  out.set_http_status(status.http_status());
  if (status.retry_after_seconds()) out.set_retry_after_seconds(*status.retry_after_seconds());
  return out;
}

std::string ShownPath(const MirrorRun& run, const std::string& rel_path, bool above_ceiling) {
  return Named(run, above_ceiling) ? rel_path : FolderOf(rel_path) + "...";
}

bool MayNameDocument(const MirrorRun& run, const std::string& document_id) {
  if (!Named(run, false)) return false;
  Result<CatalogDocument> d = run.catalog.GetDocument(document_id);
  return d.ok() && d->document.vertrouwelijkheid == Confidentiality::kRV;
}

Result<TreeDir> OpenParent(const TreeDir& root, const std::string& rel_path, bool create,
                           std::string* leaf) {
  size_t slash = rel_path.rfind('/');
  *leaf = slash == std::string::npos ? rel_path : rel_path.substr(slash + 1);
  if (slash == std::string::npos) return root.OpenSub(".", false);
  std::string dirs = rel_path.substr(0, slash);
  Result<TreeDir> dir = root.OpenSub(dirs.substr(0, dirs.find('/')), create);
  for (size_t pos = dirs.find('/'); dir.ok() && pos != std::string::npos;) {
    size_t next = dirs.find('/', pos + 1);
    dir = dir->OpenSub(dirs.substr(pos + 1, next == std::string::npos ? next : next - pos - 1), create);
    pos = next;
  }
  return dir;
}

std::pair<std::string, std::string> SplitExtension(const std::string& name) {
  size_t dot = name.rfind('.');
  if (dot == 0 || dot == std::string::npos) dot = name.size();
  return {name.substr(0, dot), name.substr(dot)};
}

Result<std::string> RenameToFreeName(const TreeDir& from_dir, const std::string& from,
                                     const TreeDir& to_dir, const std::string& base,
                                     const std::string& label) {
  auto [stem, ext] = SplitExtension(base);
  for (int n = 1; n < 1000; ++n) {
    std::string name = stem + " (" + label + (n > 1 ? " " + std::to_string(n) : "") + ")" + ext;
    Status st = from_dir.Rename(from, to_dir, name, /*replace=*/false);
    if (st.ok()) return name;
    if (st.code() != StatusCode::kAlreadyExists) return st;
  }
  return Conflict("no free name like " + JoinPath(to_dir.path(), base) + " (" + label + ")");
}

Status KeepAsConflictCopy(MirrorRun& run, const TreeDir& dir, const std::string& from,
                          const std::string& rel_path, const std::string& reason, bool above_ceiling) {
  std::string folder = FolderOf(rel_path);
  std::string leaf = rel_path.substr(folder.size());
  SWF_ASSIGN_OR_RETURN(std::string copy,
                       RenameToFreeName(dir, from, dir, leaf, "lokale wijziging " + Today(run.clock)));
  ++run.report.conflicts;
  run.observer.OnConflict(ShownPath(run, rel_path, above_ceiling), ShownPath(run, folder + copy, above_ceiling),
                          reason);
  return Status::Ok();
}

Status PutBackAside(MirrorRun& run, const TreeDir& dir, const TreeDir& aside, const std::string& leaf,
                    const std::string& rel_path, const MirroredFile* written, const std::string& document_id) {
  Status back = aside.MoveOurs(leaf, dir, leaf);
  if (back.code() != StatusCode::kAlreadyExists) return back;
  if (written != nullptr) {
    SWF_ASSIGN_OR_RETURN(Fd fd, aside.OpenRead(leaf));
    SWF_ASSIGN_OR_RETURN(std::string hash, HashFd(fd.get(), JoinPath(aside.path(), leaf)));
    if (written->Wrote(hash)) return aside.Remove(leaf);
  }
  SWF_ASSIGN_OR_RETURN(std::string copy,
                       RenameToFreeName(aside, leaf, dir, leaf, "lokale wijziging " + Today(run.clock)));
  ++run.report.conflicts;
  const bool above_ceiling = !MayNameDocument(run, document_id);  // rule 12; unknown: not named
  run.observer.OnConflict(ShownPath(run, rel_path, above_ceiling), ShownPath(run, FolderOf(rel_path) + copy, above_ceiling),
                          "saved while the mirror replaced this file; kept beside it");
  return Status::Ok();
}

void RecoverAside(MirrorRun& run, const TreeDir& dir, const std::string& rel_dir) {
  Result<TreeDir> aside = dir.OpenSub(kAsideDir, false);
  if (!aside.ok()) return;
  Result<std::vector<std::string>> names = aside->List();
  for (const std::string& name : names.ok() ? *names : std::vector<std::string>{}) {
    std::string rel = rel_dir + "/" + name;
    auto it = run.state.files.find(rel);
    const MirroredFile* written = it == run.state.files.end() ? nullptr : &it->second;
    std::string document_id = written != nullptr ? written->document_id : "";
    Status st = PutBackAside(run, dir, *aside, name, rel, written, document_id);
    if (!st.ok()) run.observer.OnWarning(Unnamed(run, st, name, !MayNameDocument(run, document_id)).ToString());
  }
  (void)dir.RemoveDir(kAsideDir);
}

// The removals for the ceiling go first (ceiling_only), before anything that can end the run (a
// drop folder in the way, a publish on a full disk): rule 12 does not wait for the rest.
Status ApplyTreeActions(MirrorRun& run, const MirrorPlan& plan, bool ceiling_only) {
  // Files a killed run left aside go back first, so the actions below see them.
  for (const MirrorDossier& d : plan.dossiers) {
    Result<TreeDir> dir = run.root.OpenSub(d.dir_name, false);
    if (!dir.ok()) continue;
    RecoverAside(run, *dir, d.dir_name);
    if (Result<TreeDir> removed = dir->OpenSub(kRemovedDir, false); removed.ok()) {
      RecoverAside(run, *removed, d.dir_name + "/" + kRemovedDir);
    }
  }
  std::map<std::string, MirroredFile> previous = run.state.files;
  auto applies = [ceiling_only](const MirrorAction& a) {
    return !ceiling_only || (a.kind == MirrorAction::Kind::kRemove && a.for_ceiling);
  };
  // Record intent first: a crash after publishing but before the final save must not leave a
  // file the next run does not know about (it could never be removed for the ceiling).
  for (const MirrorAction& a : plan.actions) {
    if (a.kind != MirrorAction::Kind::kPublish || ceiling_only) continue;
    MirroredFile intent{a.document_id, a.sha256, a.size, -1, {}};
    if (auto it = previous.find(a.rel_path); it != previous.end()) {
      // What the path may still hold if this run stops first: the last version written, and,
      // when that was itself an unconfirmed intent, what it was to replace (at most three).
      intent.earlier_sha256.push_back(it->second.sha256);
      for (const std::string& e : it->second.earlier_sha256) {
        if (intent.earlier_sha256.size() < 3 && !intent.Wrote(e)) intent.earlier_sha256.push_back(e);
      }
    }
    run.state.files[a.rel_path] = std::move(intent);
  }
  if (!ceiling_only && plan.Count(MirrorAction::Kind::kPublish) > 0) {
    SWF_RETURN_IF_ERROR(SaveMirrorState(run.root, run.state));
  }
  ActionRunner runner(run, std::move(previous));
  for (const MirrorAction& a : plan.actions) {
    if (!applies(a)) continue;
    SWF_RETURN_IF_ERROR(CheckStop(run));
    // A failure's message names the file (and its conflict copy): rule 12 decides who may read it.
    const bool above_ceiling = a.kind == MirrorAction::Kind::kRemove && a.for_ceiling;
    Status st = Unnamed(run, runner.Apply(a), a.rel_path.substr(FolderOf(a.rel_path).size()), above_ceiling);
    if (EndsTheRun(run, st)) return st;
    if (!st.ok()) run.observer.OnWarning(st.message());
  }
  if (!ceiling_only) runner.ForgetSettledEdits();
  return Status::Ok();
}

namespace {

Status AnotherVaultsTarget(const std::string& target, const std::string& theirs,
                           const std::string& ours) {
  return InvalidArgument("mirror target " + target + " is the mirror of another vault (vault id " +
                         theirs + "; this vault is " + ours +
                         "): this vault does not know its files and would remove them all, local "
                         "edits included. Give this vault a folder of its own, or, when this vault "
                         "replaces that one, take the target over once with `swfvault mirror "
                         "--adopt-target " +
                         target + "`");
}

}  // namespace

Result<MirrorReport> MirrorTree::Update(const MirrorOptions& options, OutboxUploader* uploader,
                                        MirrorObserver& observer) {
  if (options.target_dir.empty()) return InvalidArgument("mirror target directory is empty");
  SWF_ASSIGN_OR_RETURN(TreeDir root, TreeDir::OpenRoot(options.target_dir, /*create=*/true));
  // One run per target, also from another vault or host sharing it: two would upload the same
  // drop twice and write over each other's state.
  SWF_ASSIGN_OR_RETURN(Fd lock, root.Lock(kMirrorLockFile));
  SWF_ASSIGN_OR_RETURN(MirrorState state, LoadMirrorState(root));
  SWF_ASSIGN_OR_RETURN(std::string vault_id, catalog_.VaultId());
  if (!state.vault_id.empty() && state.vault_id != vault_id) {
    if (!options.adopt_target)
      return AnotherVaultsTarget(options.target_dir, state.vault_id, vault_id);
    observer.OnWarning(
        options.target_dir + ": taken over from vault " + state.vault_id +
        " (--adopt-target): what that vault placed and this one does not show is removed");
  }
  state.vault_id = vault_id;  // a state file of an earlier version is this vault's from now on
  MirrorReport report;
  MirrorRun run{store_, catalog_, clock_, options, observer, root, state, report, uploader};
  SWF_ASSIGN_OR_RETURN(MirrorPlanInput input, GatherInput(catalog_, options, state));
  SWF_RETURN_IF_ERROR(MoveRenamedDossiers(run, PlanMirror(input)));
  input.state = state.files;
  Status applied = ApplyTreeActions(run, PlanMirror(input), /*ceiling_only=*/true);
  input.state = state.files;
  if (applied.ok() && uploader != nullptr) {
    MirrorPlan before = PlanMirror(input);
    applied = ProcessDropFolders(run, before, *uploader);
    if (applied.ok() && report.uploaded > 0) {
      SWF_ASSIGN_OR_RETURN(input, GatherInput(catalog_, options, state));
    }
  }
  MirrorPlan plan = PlanMirror(input);
  report.dossiers = static_cast<int>(plan.dossiers.size());
  if (applied.ok()) applied = ApplyTreeActions(run, plan, /*ceiling_only=*/false);
  if (applied.ok() && uploader != nullptr) applied = UploadEditsAndPlaceThem(run, &plan);
  if (applied.ok() && uploader == nullptr && !state.edits.empty()) {
    observer.OnWarning(std::to_string(state.edits.size()) +
                       " local edit(s) held for upload wait for a run that uploads");
  }
  if (applied.ok()) applied = WriteMetadataFiles(run, plan);
  SWF_RETURN_IF_ERROR(SaveMirrorState(root, state));
  if (Stopped(run, applied)) {
    report.interrupted = true;
    return report;
  }
  SWF_RETURN_IF_ERROR(applied);
  return report;
}

}  // namespace swfvault
