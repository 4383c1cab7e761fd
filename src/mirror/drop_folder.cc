// Drop folders: `<dossier>/_uploaden/<file>` (+ optional `<file>.json` sidecar) is uploaded
// once stable; what cannot be uploaded moves to `_mislukt/` with a reason.
#include <fcntl.h>
#include <signal.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "mirror/mirror_run.h"
#include "swfvault/file_system.h"
#include "swfvault/name_sanitizer.h"

namespace swfvault {
namespace {

// A drop open for writing this long gets a warning (WarnWhenOpenForLong).
constexpr int64_t kOpenForLongSeconds = 3600;

// True when some process has `fd`'s file open for writing: a copy that paused longer than the
// settle time (a slow share, a stalled client) is then still being written, and uploading it
// now would send half a file. Linux answers through a read lease, which it refuses (EAGAIN)
// while anyone, Samba's smbd for a client copying in included, holds a writable open. Where
// leases are not to be had (a file of another owner without CAP_LEASE) this says false and the
// settle time alone decides. Network file systems are not asked: NFSv4 and CIFS refuse a lease
// with EAGAIN whenever the server granted no delegation or oplock, which would hold every drop
// for ever. FUSE is asked (the kernel answers for the opens through the mount). The lease is
// let go at once; a writer opening meanwhile would break it with a signal, set to SIGURG
// (ignored by default) instead of SIGIO (which would end the process).
bool OpenForWritingElsewhere(int fd) {
  struct statfs fs {};
  if (::fstatfs(fd, &fs) != 0) return false;
  const std::string kind = NetworkFileSystemName(
      static_cast<uint64_t>(static_cast<std::make_unsigned_t<decltype(fs.f_type)>>(fs.f_type)));
  if (!kind.empty() && kind != "fuse") return false;
  if (::fcntl(fd, F_SETSIG, SIGURG) != 0) return false;
  if (::fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
    (void)::fcntl(fd, F_SETLEASE, F_UNLCK);
    return false;
  }
  return errno == EAGAIN;
}

constexpr size_t kMaxSidecarBytes = 64 * 1024;
// Where a sent drop is moved before it is compared and removed (see RemoveIfSent).
constexpr char kSentAsideDir[] = ".swfvault-verzonden";

struct DropMetadata {
  std::string level;
  std::string omschrijving;
  std::string taal;
};

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<std::string> ReadSmall(const TreeDir& dir, const std::string& name) {
  SWF_ASSIGN_OR_RETURN(Fd fd, dir.OpenRead(name));
  std::string text(kMaxSidecarBytes + 1, '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t r = ::read(fd.get(), text.data() + got, text.size() - got);
    if (r < 0) return ErrnoStatus(errno, "read " + name);
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  if (got > kMaxSidecarBytes) return InvalidArgument("sidecar " + name + " is larger than 64 KiB");
  text.resize(got);
  return text;
}

// Fields the sidecar leaves out keep their value from `defaults` (the config's [upload]).
Result<DropMetadata> ParseSidecar(const std::string& text, const std::string& name,
                                  const DropMetadata& defaults) {
  DropMetadata m = defaults;
  // Fails closed: a field twice (which one wins?) or one it does not know (a typo such as
  // "vertrouwelijkheidsaanduiding" would upload an SV file as RV) refuses the drop.
  std::string twice;
  std::set<std::string> keys;
  nlohmann::json j = nlohmann::json::parse(
      text,
      [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        if (depth == 1 && event == nlohmann::json::parse_event_t::key &&
            !keys.insert(parsed.get<std::string>()).second && twice.empty()) {
          twice = parsed.get<std::string>();
        }
        return true;
      },
      false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument("sidecar " + name + " is not a JSON object");
  if (!twice.empty()) return InvalidArgument("sidecar " + name + ": " + twice + " is given twice");
  for (const auto& item : j.items()) {
    if (item.key() != "vertrouwelijkheidsAanduiding" && item.key() != "documentOmschrijving" &&
        item.key() != "taal") {
      return InvalidArgument("sidecar " + name + ": unknown field " + item.key() +
                             " (known: vertrouwelijkheidsAanduiding, documentOmschrijving, taal)");
    }
  }
  auto text_field = [&](const char* key, std::string* out) -> Status {
    if (!j.contains(key) || j[key].is_null()) return Status::Ok();
    if (!j[key].is_string()) return InvalidArgument("sidecar " + name + ": " + key + " must be text");
    *out = j[key].get<std::string>();
    return Status::Ok();
  };
  SWF_RETURN_IF_ERROR(text_field("vertrouwelijkheidsAanduiding", &m.level));
  SWF_RETURN_IF_ERROR(text_field("documentOmschrijving", &m.omschrijving));
  SWF_RETURN_IF_ERROR(text_field("taal", &m.taal));
  if (m.level != "RV" && m.level != "SV") {
    return InvalidArgument("sidecar " + name + ": vertrouwelijkheidsAanduiding must be RV or SV");
  }
  return m;
}

// `name` + `suffix`, the name cut (on a UTF-8 boundary) so that the whole fits NAME_MAX.
std::string WithSuffix(const std::string& name, const std::string& suffix) {
  constexpr size_t kNameMax = 255;
  if (name.size() + suffix.size() <= kNameMax) return name + suffix;
  size_t keep = kNameMax - suffix.size();
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  return name.substr(0, keep) + suffix;
}

// The file `name` would be the near-miss sidecar of ("x.pdf.json" of "X.PDF", "x.pdf.json.txt"
// of "x.pdf"), when that file is present; nullopt when it is none.
std::optional<std::string> NearMissOf(const std::string& name,
                                      const std::map<std::string, std::string>& folded) {
  const std::string low = FoldAscii(name);
  for (const std::string& suffix : {std::string(".json"), std::string(".json.txt")}) {
    if (!EndsWith(low, suffix) || low.size() == suffix.size()) continue;
    auto it = folded.find(low.substr(0, low.size() - suffix.size()));
    if (it == folded.end()) continue;
    if (suffix == ".json" && name == it->second + ".json") continue;  // its exact sidecar
    return it->second;
  }
  return std::nullopt;
}

// What operating systems, editors and copy tools leave in a folder: hidden files (.DS_Store,
// ._x of macOS, .~lock.x# of LibreOffice, rsync's and Syncthing's temp files), Office's owner
// files (~$x.docx), Thumbs.db, desktop.ini and partial downloads. Never uploaded; left where
// they are. Names starting with .swfvault- are not among them: refused with a reason.
bool IsSystemFile(const std::string& name) {
  if (name.rfind(".swfvault-", 0) == 0) return false;
  if (name.rfind('.', 0) == 0 || name.rfind("~$", 0) == 0) return true;
  const std::string low = FoldAscii(name);
  if (low == "thumbs.db" || low == "desktop.ini") return true;
  for (const char* suffix : {".part", ".partial", ".crdownload", ".tmp"}) {
    if (EndsWith(low, suffix)) return true;
  }
  return false;
}

class DropScanner {
 public:
  DropScanner(MirrorRun& run, OutboxUploader& uploader) : run_(run), uploader_(uploader) {}

  Status Scan(const MirrorDossier& d) {
    scanned_.insert(d.dir_name);
    SWF_ASSIGN_OR_RETURN(TreeDir dossier, run_.root.OpenSub(d.dir_name, true));
    SWF_ASSIGN_OR_RETURN(TreeDir drop, dossier.OpenSub(kDropDir, true));
    PutBackSentAside(d, dossier, drop);
    SWF_ASSIGN_OR_RETURN(std::vector<std::string> names, drop.List());
    std::sort(names.begin(), names.end());
    std::set<std::string> present(names.begin(), names.end());
    std::map<std::string, std::string> folded;  // ASCII case folded -> name
    for (const std::string& n : names) folded.emplace(FoldAscii(n), n);
    for (const std::string& name : names) {
      if (name == kSentAsideDir) {
        Result<EntryStat> own = drop.Lstat(name);
        if (own.ok() && own->type == EntryStat::Type::kDirectory) continue;  // ours, emptied above
      }
      if (IsSystemFile(name)) continue;  // left alone, never a document of the dossier
      if (EndsWith(name, ".json") && present.count(name.substr(0, name.size() - 5)) > 0) continue;
      if (NearMissOf(name, folded).has_value()) continue;  // goes with its file, refused below
      std::string sidecar = present.count(name + ".json") > 0 ? name + ".json" : "";
      std::string near_miss;
      if (sidecar.empty()) {
        // "Rapport.pdf.json" beside "Rapport.PDF", or "rapport.pdf.json.txt" (a hidden
        // extension): meant as its sidecar, but not one; uploaded at the default level it
        // could be an SV file gone up as RV.
        for (const std::string& suffix : {std::string(".json"), std::string(".json.txt")}) {
          auto it = folded.find(FoldAscii(name + suffix));
          if (it != folded.end()) near_miss = it->second;
        }
      }
      SWF_RETURN_IF_ERROR(CheckStop(run_));
      above_ceiling_ = !near_miss.empty() || AboveRv(drop, sidecar);
      Status st =
          near_miss.empty()
              ? One(d, dossier, drop, name, sidecar)
              : Refuse(dossier, drop, name, near_miss, d.dir_name + "/" + kDropDir + "/" + name,
                       "het metadatabestand " + near_miss + " heet niet precies " + name +
                           ".json; hernoem het en zet beide opnieuw neer");
      seen_.insert(d.dir_name + "/" + kDropDir + "/" + name);
      if (EndsTheRun(run_, st)) return Unnamed(run_, st, name, above_ceiling_);
      if (!st.ok()) {
        ++run_.report.upload_errors;
        run_.observer.OnWarning(Unnamed(
            run_, "upload of " + d.dir_name + "/" + kDropDir + "/" + name + " left for the next run: " + st.ToString(), name,
            above_ceiling_));
      }
    }
    return Status::Ok();
  }

  // Rule 12: a drop that goes up as SV (its sidecar or [upload] says so) is the title of an SV
  // document, which even an RV target does not name; so is one whose sidecar cannot be read.
  bool AboveRv(const TreeDir& drop, const std::string& sidecar) const {
    DropMetadata meta{run_.options.default_level, "", ""};
    if (!sidecar.empty()) {
      Result<std::string> text = ReadSmall(drop, sidecar);
      Result<DropMetadata> parsed = text.ok() ? ParseSidecar(*text, sidecar, meta) : Result<DropMetadata>(text.status());
      if (!parsed.ok()) return true;
      meta = *parsed;
    }
    return meta.level != "RV";
  }

  // Sightings of files that are gone are dropped; those in dossiers this run did not look at
  // (`mirror SAM-ID` names others) are kept, or their settle time would start over.
  void ForgetVanished() {
    for (auto it = run_.state.drops.begin(); it != run_.state.drops.end();) {
      const bool looked = scanned_.count(it->first.substr(0, it->first.find('/'))) > 0;
      it = !looked || seen_.count(it->first) > 0 ? std::next(it) : run_.state.drops.erase(it);
    }
  }

 private:
  Status One(const MirrorDossier& d, const TreeDir& dossier, const TreeDir& drop,
             const std::string& name, const std::string& sidecar) {
    std::string rel = d.dir_name + "/" + kDropDir + "/" + name;
    if (!IsUtf8(name)) {
      // The state file and the server take UTF-8 names only: waiting would be for ever.
      return Refuse(dossier, drop, name, sidecar, rel,
                    "de naam is geen geldige UTF-8; zet het bestand opnieuw neer onder een andere naam");
    }
    if (name.rfind(".swfvault-", 0) == 0) {
      // The mirror's own names elsewhere; here it writes none, so this is the user's, and
      // skipping it silently would leave it waiting for ever.
      return Refuse(dossier, drop, name, sidecar, rel, "namen die met .swfvault- beginnen zijn voor swfvault zelf");
    }
    SWF_ASSIGN_OR_RETURN(EntryStat st, drop.Lstat(name));
    if (st.type == EntryStat::Type::kSymlink) return Refuse(dossier, drop, name, sidecar, rel, "een symbolische koppeling wordt niet geüpload");
    if (st.type == EntryStat::Type::kDirectory) return Refuse(dossier, drop, name, sidecar, rel, "een map wordt niet geüpload; zet de bestanden er los in");
    if (st.type != EntryStat::Type::kRegular) return Refuse(dossier, drop, name, sidecar, rel, "geen gewoon bestand (FIFO, socket of apparaat)");
    if (st.size > run_.options.max_upload_bytes) {
      return Refuse(dossier, drop, name, sidecar, rel, "te groot: " + std::to_string(st.size) + " bytes, grens " + std::to_string(run_.options.max_upload_bytes));
    }
    if (!Settled(run_, run_.state.drops, rel, st)) {
      ++run_.report.waiting;
      return Status::Ok();
    }
    DropMetadata meta{run_.options.default_level, run_.options.default_omschrijving, run_.options.default_taal};
    if (!sidecar.empty()) {
      Result<std::string> text = ReadSmall(drop, sidecar);
      Result<DropMetadata> parsed =
          text.ok() ? ParseSidecar(*text, sidecar, meta) : Result<DropMetadata>(text.status());
      if (!parsed.ok()) return Refuse(dossier, drop, name, sidecar, rel, parsed.status().message());
      meta = *parsed;
    }
    if (meta.level == "SV") {
      SWF_ASSIGN_OR_RETURN(bool limited, HasLimitedAccess(run_.catalog, d.samenwerking.samenwerking_id, run_.options.oin));
      if (limited) return Refuse(dossier, drop, name, sidecar, rel, "SV-document in een samenwerking waar wij BEPERKTE_TOEGANG hebben: de server weigert dit");
    }
    return Upload(d, dossier, drop, name, sidecar, rel, st, meta);
  }

  // A drop held open for an hour is more likely an editor that keeps it open than a slow copy:
  // say so once a run, or it would wait for ever unseen.
  void WarnWhenOpenForLong(const std::string& rel, const std::string& name) {
    auto seen = run_.state.drops.find(rel);
    const int64_t now = run_.clock.NowUnixMicros() / 1000000;
    if (seen == run_.state.drops.end() || now - seen->second.first_seen_unix < kOpenForLongSeconds)
      return;
    run_.observer.OnWarning(Unnamed(
        run_,
        rel + " is not uploaded: another program has it open for writing (for " +
            std::to_string((now - seen->second.first_seen_unix) / 60) + " minutes); close it there",
        name));
  }

  Status Upload(const MirrorDossier& d, const TreeDir& dossier, const TreeDir& drop,
                const std::string& name, const std::string& sidecar, const std::string& rel,
                const EntryStat& seen, const DropMetadata& meta) {
    UploadRequest req;
    {
      SWF_ASSIGN_OR_RETURN(Fd probe, drop.OpenRead(name));
      if (OpenForWritingElsewhere(probe.get())) {
        ++run_.report.waiting;
        WarnWhenOpenForLong(rel, name);
        return Status::Ok();
      }
    }
    SWF_ASSIGN_OR_RETURN(Fd fd, OpenForUpload(drop, name, JoinPath(run_.root.path(), rel), &req));
    if (req.size != seen.size) return Status::Ok();  // still growing
    SWF_ASSIGN_OR_RETURN(EntryStat sent, fd.Stat());
    req.samenwerking_id = d.samenwerking.samenwerking_id;
    req.filename = name;
    req.level = meta.level;
    req.omschrijving = meta.omschrijving;
    req.taal = meta.taal;
    Result<UploadOutcome> outcome = uploader_.Upload(req);
    if (outcome.ok() && !outcome->raised_as.empty()) {
      // A copy of an SV document went up as SV: from here on it is not named (rule 12).
      above_ceiling_ = true;
      run_.observer.OnWarning(Unnamed(run_,
                                      rel + " went up as SV, not " + meta.level +
                                          ": its content is that of SV document " +
                                          outcome->raised_as,
                                      name, true));
    }
    // Closed before the drop is moved aside and removed: NFS and FUSE keep a file removed while
    // open as a hidden `.nfs*` / `.fuse_hidden*` entry, which would keep the aside folder.
    fd = Fd();
    if (!outcome.ok()) {
      StatusCode c = outcome.status().code();
      const bool too_large = outcome.status().http_status() == 413;  // the server's limit, not our disk
      if (c == StatusCode::kPermissionDenied || c == StatusCode::kInvalidArgument || c == StatusCode::kNotFound ||
          too_large) {
        return Refuse(dossier, drop, name, sidecar, rel,
                      std::string(too_large ? "te groot voor de server" : "de server weigerde de upload") + ": " +
                          outcome.status().message());
      }
      return outcome.status();
    }
    SWF_ASSIGN_OR_RETURN(bool removed, RemoveIfSent(dossier, drop, name, rel, sent));
    if (removed && !sidecar.empty()) SWF_RETURN_IF_ERROR(drop.Remove(sidecar));
    run_.state.drops.erase(rel);
    ++run_.report.uploaded;
    run_.observer.OnUpload(ShownPath(run_, rel, above_ceiling_), *outcome);
    return Status::Ok();
  }

  // Only the file that was sent leaves the folder; a version saved over it meanwhile (a new
  // file renamed onto the name, or the same file written again) stays for the next run. It is
  // compared in `.swfvault-verzonden/` (TreeDir::RemoveIfSame), so a save landing at any
  // moment stays too. False when something else than the sent file was found.
  Result<bool> RemoveIfSent(const TreeDir& dossier, const TreeDir& drop, const std::string& name,
                            const std::string& rel, const EntryStat& sent) {
    SWF_ASSIGN_OR_RETURN(TreeDir aside, drop.OpenSub(kSentAsideDir, true));
    SWF_ASSIGN_OR_RETURN(TreeDir::Removal removal, drop.RemoveIfSame(name, sent, aside));
    if (removal != TreeDir::Removal::kChanged) {  // removed, or the user took it away meanwhile
      RemoveAsideDir(drop);
      return removal == TreeDir::Removal::kRemoved;
    }
    run_.observer.OnWarning(Unnamed(run_, rel + " changed while it was uploaded: the new version stays and goes up next",
                                    name, above_ceiling_));
    SWF_RETURN_IF_ERROR(PutBack(dossier, drop, aside, name, rel));
    RemoveAsideDir(drop);
    return false;
  }

  // Only a run that ended mid-way leaves the aside folder. Best effort: an empty folder left
  // over (a share refusing rmdir) is skipped by the scan and harms nothing.
  static void RemoveAsideDir(const TreeDir& drop) { (void)drop.RemoveDir(kSentAsideDir); }

  // A drop moved aside by a run that ended before it could compare it goes back to its name
  // and is handled as any drop: removed if these bytes went up, else uploaded. One that cannot
  // go back is a warning that names nothing (its sidecar, and so its level, is not at hand):
  // the rest of the run goes on.
  void PutBackSentAside(const MirrorDossier& d, const TreeDir& dossier, const TreeDir& drop) {
    Result<TreeDir> aside = drop.OpenSub(kSentAsideDir, false);
    if (!aside.ok()) return;  // none, or not ours (a file or link): the scan refuses that
    Result<std::vector<std::string>> names = aside->List();
    for (const std::string& name : names.ok() ? *names : std::vector<std::string>{}) {
      above_ceiling_ = true;
      Status st = PutBack(dossier, drop, *aside, name, d.dir_name + "/" + kDropDir + "/" + name);
      if (!st.ok()) {
        run_.observer.OnWarning(Unnamed(run_, "a drop left aside by an earlier run stays in " + d.dir_name + "/" +
                                                  kDropDir + "/" + kSentAsideDir + ": " + st.ToString(),
                                        name, true));
      }
    }
    RemoveAsideDir(drop);
  }

  // Moves `name` from the aside folder back into the drop folder. When a newer version has been
  // saved under the name since, this one goes to `_mislukt/` with the reason: nothing is lost,
  // and the newer version goes up.
  Status PutBack(const TreeDir& dossier, const TreeDir& drop, const TreeDir& aside, const std::string& name,
                 const std::string& rel) {
    Status back = aside.MoveOurs(name, drop, name);
    if (back.code() != StatusCode::kAlreadyExists) return back;
    return Refuse(dossier, aside, name, "", rel,
                  "tijdens het uploaden vervangen door een nieuwere versie onder dezelfde naam; die gaat als "
                  "volgende omhoog. Deze versie is mogelijk al geüpload: controleer het dossier");
  }

  Status Refuse(const TreeDir& dossier, const TreeDir& drop, const std::string& name,
                const std::string& sidecar, const std::string& rel, const std::string& reason) {
    SWF_ASSIGN_OR_RETURN(TreeDir failed, dossier.OpenSub(kFailedDir, true));
    // Names near NAME_MAX are cut to make room for " (2)", ".reden.txt" and ".json".
    std::string target = name;
    for (int n = 2; failed.Lstat(target).ok() || failed.Lstat(WithSuffix(target, ".reden.txt")).ok() ||
                    failed.Lstat(WithSuffix(target, ".json")).ok();
         ++n) {
      target = WithSuffix(name, " (" + std::to_string(n) + ")");
    }
    std::string text = "Niet geüpload: " + name + "\nReden: " + reason + "\nDatum: " + Today(run_.clock) + "\n";
    SWF_RETURN_IF_ERROR(failed.WriteAtomically(WithSuffix(target, ".reden.txt"), text, 0644));
    SWF_RETURN_IF_ERROR(drop.Rename(name, failed, target, false));
    if (!sidecar.empty()) SWF_RETURN_IF_ERROR(drop.Rename(sidecar, failed, WithSuffix(target, ".json"), false));
    run_.state.drops.erase(rel);
    ++run_.report.refused;
    run_.observer.OnRefused(ShownPath(run_, rel, above_ceiling_), Unnamed(run_, reason, name, above_ceiling_));
    return Status::Ok();
  }

  MirrorRun& run_;
  OutboxUploader& uploader_;
  std::set<std::string> seen_;
  std::set<std::string> scanned_;  // dossier folders whose drop folder this run listed
  bool above_ceiling_ = false;     // the drop at hand may not be named (AboveRv)
};

bool ActsIn(MirrorRun& run, const Samenwerking& s) {
  if (run.options.oin.empty() || s.aangemaakt_door == run.options.oin) return true;
  Result<std::vector<Deelnemer>> list = run.catalog.ListDeelnemers(s.samenwerking_id);
  if (!list.ok() || list->empty()) return true;
  return std::any_of(list->begin(), list->end(), [&](const Deelnemer& p) { return p.oin == run.options.oin; });
}

}  // namespace

Result<Fd> OpenForUpload(const TreeDir& dir, const std::string& name, const std::string& local_path,
                         UploadRequest* req) {
  SWF_ASSIGN_OR_RETURN(Fd fd, dir.OpenRead(name));
  req->file_path = "/proc/self/fd/" + std::to_string(fd.get());
  req->local_path = local_path;
  SWF_ASSIGN_OR_RETURN(req->content_sha256, HashFd(fd.get(), local_path, &req->size));
  return fd;
}

Status ProcessDropFolders(MirrorRun& run, const MirrorPlan& plan, OutboxUploader& uploader) {
  DropScanner scanner(run, uploader);
  for (const MirrorDossier& d : plan.dossiers) {
    if (!ActsIn(run, d.samenwerking)) continue;
    // One dossier's drop folder that cannot be read (a file or a link in its place) is that
    // dossier's problem: the others, and the tree, still get their run.
    Status st = scanner.Scan(d);
    if (EndsTheRun(run, st)) return st;
    if (!st.ok()) {
      ++run.report.upload_errors;
      run.observer.OnWarning("drop folder of " + d.dir_name + " not read: " + st.message());
    }
  }
  scanner.ForgetVanished();
  return Status::Ok();
}

}  // namespace swfvault
