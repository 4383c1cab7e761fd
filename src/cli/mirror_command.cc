// swfvault mirror | push: the file-share view of the vault and the upload direction.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <limits>
#include <set>

#include "cli/commands.h"
#include "cli/mirror_hook.h"
#include "cli/wiring.h"
#include "swfvault/exit_codes.h"
#include "swfvault/hashing.h"
#include "swfvault/mirror_tree.h"
#include "swfvault/outbox_uploader.h"

namespace swfvault {
namespace {

// Unset flags (-1, 0, "") leave the config's value.
struct MirrorFlags {
  std::string to;
  std::string max_level;
  std::vector<std::string> ids;
  int64_t settle_seconds = -1;
  uint64_t max_upload_bytes = 0;
  std::string local_edits;
  bool no_upload = false;
  std::string adopt_target;  // the one target to take over from another vault
};

// A target folder as two spellings of it compare: links resolved, no trailing slash.
std::string FolderKey(const std::string& path) {
  std::error_code ec;
  std::string folder = std::filesystem::weakly_canonical(path, ec).string();
  if (ec) folder = path;
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  return folder;
}

// Paths of documents are named only in RV targets: SV file names stay out of logs (rule 12).
class CliMirrorObserver : public MirrorObserver {
 public:
  CliMirrorObserver(Output& out, std::string target, bool name_paths)
      : out_(out), target_(std::move(target)), name_paths_(name_paths) {}

  void OnFile(std::string_view action, const std::string& rel_path,
              const std::string& document_id) override {
    nlohmann::json j = {{"type", "file"}, {"target", target_}, {"action", std::string(action)},
                        {"documentId", document_id}};
    if (name_paths_) j["path"] = rel_path;
    out_.Event(j);
  }
  void OnConflict(const std::string& rel_path, const std::string& copy,
                  const std::string& reason) override {
    nlohmann::json j = {{"type", "conflict"}, {"target", target_}};
    if (name_paths_) j["path"] = rel_path;  // rule 12: no names of an SV target in the logs
    if (name_paths_) j["copy"] = copy;
    if (!reason.empty()) j["reason"] = reason;
    out_.Event(j);
    out_.Warn("local edit kept as " + (name_paths_ ? JoinPath(target_, copy) : "a conflict copy in " + target_) +
              (reason.empty() ? "" : ", not uploaded: " + reason) + "; the vault's version is restored");
  }
  void OnEditUploaded(const std::string& rel_path, const std::string& document_id,
                      const UploadOutcome& o) override {
    nlohmann::json j = {{"type", "edit-uploaded"}, {"target", target_}, {"documentId", document_id},
                        {"newDocumentId", o.document_id}, {"outcome", std::string(UploadOutcomeName(o.kind))},
                        {"uploadKey", o.upload_key}, {"imported", o.imported}};
    if (name_paths_) j["path"] = rel_path;
    out_.Event(j);
    out_.Line("edit uploaded\t" + Printable(name_paths_ ? rel_path : document_id) + "\t" +
              o.document_id);
  }
  void OnDossierMoved(const std::string& samenwerking_id, const std::string& from,
                      const std::string& to, int left_behind) override {
    out_.Event({{"type", "dossier-moved"}, {"target", target_}, {"samenwerkingId", samenwerking_id},
                {"from", from}, {"to", to}, {"leftBehind", left_behind}});
    out_.Line("moved\t" + Printable(from) + "\t" + Printable(to));
    if (left_behind > 0) {
      out_.Warn(JoinPath(target_, from) + " kept: " + std::to_string(left_behind) +
                " entries could not be moved to " + to);
    }
  }
  // Drops are named by their folder only in targets that may hold SV (rule 12). Human lines
  // show names through Printable: a file name on the share may hold a newline or an escape
  // sequence (Warn does the same; the JSON events escape them).
  void OnUpload(const std::string& rel_path, const UploadOutcome& o) override {
    nlohmann::json j = {{"type", "upload"}, {"target", target_}, {"outcome", std::string(UploadOutcomeName(o.kind))},
                        {"documentId", o.document_id}, {"uploadKey", o.upload_key}, {"imported", o.imported}};
    j[name_paths_ ? "path" : "folder"] = name_paths_ ? rel_path : Folder(rel_path);
    out_.Event(j);
    out_.Line(std::string(UploadOutcomeName(o.kind)) + "\t" +
              Printable(name_paths_ ? rel_path : Folder(rel_path)) + "\t" + o.document_id);
  }
  void OnRefused(const std::string& rel_path, const std::string& reason) override {
    nlohmann::json j = {{"type", "refused"}, {"target", target_}, {"reason", reason}};
    j[name_paths_ ? "path" : "folder"] = name_paths_ ? rel_path : Folder(rel_path);
    out_.Event(j);
    out_.Warn("not uploaded: " + (name_paths_ ? rel_path : "a file in " + Folder(rel_path) + " (see _mislukt)") +
              ": " + reason);
  }
  void OnWarning(const std::string& message) override { out_.Warn(message); }

 private:
  static std::string Folder(const std::string& rel_path) { return rel_path.substr(0, rel_path.rfind('/') + 1); }

  Output& out_;
  std::string target_;
  bool name_paths_;
};

void Add(MirrorReport& total, const MirrorReport& r) {
  total.dossiers += r.dossiers;
  total.published += r.published;
  total.unchanged += r.unchanged;
  total.removed += r.removed;
  total.conflicts += r.conflicts;
  total.uploaded += r.uploaded;
  total.refused += r.refused;
  total.waiting += r.waiting;
  total.upload_errors += r.upload_errors;
  total.damaged += r.damaged;
  total.reflinked += r.reflinked;
  total.edits_uploaded += r.edits_uploaded;
  total.edits_failed += r.edits_failed;
  total.dossiers_moved += r.dossiers_moved;
  total.interrupted |= r.interrupted;
}

nlohmann::json ReportJson(const MirrorReport& r) {
  return {{"dossiers", r.dossiers},
          {"published", r.published},
          {"unchanged", r.unchanged},
          {"removed", r.removed},
          {"conflicts", r.conflicts},
          {"uploaded", r.uploaded},
          {"refused", r.refused},
          {"waiting", r.waiting},
          {"uploadErrors", r.upload_errors},
          {"damagedObjects", r.damaged},
          {"reflinked", r.reflinked},
          {"editsUploaded", r.edits_uploaded},
          {"editsFailed", r.edits_failed},
          {"dossiersMoved", r.dossiers_moved},
          {"interrupted", r.interrupted}};
}

// Runs one target; adds its counts to *total and returns an exit code.
int RunTarget(CommandContext& ctx, Vault& vault, const MirrorOptions& options,
              OutboxUploader* uploader, MirrorReport* total) {
  CliMirrorObserver observer(ctx.output(), options.target_dir,
                             options.ceiling == Confidentiality::kRV);
  MirrorTree tree(vault.store(), vault.catalog(), RealClock());
  Result<MirrorReport> report = tree.Update(options, uploader, observer);
  if (!report.ok()) {
    ctx.output().Error(report.status());
    return ExitCodeFor(report.status());
  }
  Add(*total, *report);
  nlohmann::json j = ReportJson(*report);
  j["type"] = "mirror";
  j["target"] = options.target_dir;
  j["maxLevel"] = std::string(ConfidentialityName(options.ceiling));
  ctx.output().Event(j);
  ctx.output().Line(options.target_dir + ": " + std::to_string(report->published) + " published, " +
                    std::to_string(report->unchanged) + " unchanged, " +
                    std::to_string(report->removed) + " removed, " +
                    std::to_string(report->conflicts) + " conflicts, " +
                    std::to_string(report->uploaded) + " uploaded, " +
                    std::to_string(report->edits_uploaded) + " edits uploaded, " +
                    std::to_string(report->refused) + " refused");
  if (report->interrupted) {
    ctx.output().Warn(options.target_dir + ": stopped at a safe point (between two files); the next run finishes it");
    return kExitInterrupted;
  }
  if (report->damaged > 0) return kExitIntegrity;
  bool partial = report->refused > 0 || report->upload_errors > 0 || report->edits_failed > 0;
  return partial ? kExitPartial : kExitOk;
}

int Worse(int a, int b) { return a == kExitOk ? b : a; }

// Runs the targets in turn until a stop is requested; their counts go into *total. The exit
// code is the first failure's, or kExitInterrupted once the stop ended a target or the list.
int RunTargets(CommandContext& ctx, Vault& vault, const std::vector<MirrorOptions>& targets,
               OutboxUploader* uploader, const StopFlag& stop, MirrorReport* total) {
  int code = kExitOk;
  for (const MirrorOptions& options : targets) {
    if (stop.requested()) total->interrupted = true;
    if (total->interrupted) break;
    code = Worse(code, RunTarget(ctx, vault, options, uploader, total));
  }
  return total->interrupted ? kExitInterrupted : code;
}

std::string_view WithoutTrailingSlashes(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return url;
}

// A target's options from the config: its [[mirror]] entry, then the [upload] defaults; the
// acting profile (none: no privilege check) and the config's other profiles on its server.
MirrorOptions TargetOptions(const MirrorTarget& t, const Config& config,
                            const ConnectionProfile& acting, const StopFlag* stop) {
  MirrorOptions o;
  o.stop = stop;
  o.target_dir = t.path;
  o.ceiling = t.max_level;
  o.oin = acting.oin;
  for (const ConnectionProfile& p : config.profiles) {
    if (!acting.oin.empty() && p.oin != acting.oin &&
        WithoutTrailingSlashes(p.base_url) == WithoutTrailingSlashes(acting.base_url)) {
      o.other_profiles.push_back({0, p.name, p.oin, p.base_url});
    }
  }
  o.settle_seconds = t.settle_seconds;
  o.max_upload_bytes = t.max_upload_bytes.value_or(config.upload.max_upload_bytes);
  o.upload_local_edits = t.upload_local_edits;
  o.default_level = config.upload.level;
  o.default_omschrijving = config.upload.omschrijving;
  o.default_taal = config.upload.taal;
  return o;
}

void ApplyFlags(const MirrorFlags& flags, MirrorOptions* o) {
  o->samenwerking_ids = flags.ids;
  if (flags.settle_seconds >= 0) o->settle_seconds = flags.settle_seconds;
  if (flags.max_upload_bytes > 0) o->max_upload_bytes = flags.max_upload_bytes;
  if (!flags.local_edits.empty()) o->upload_local_edits = flags.local_edits == "upload";
  o->adopt_target =
      !flags.adopt_target.empty() && FolderKey(flags.adopt_target) == FolderKey(o->target_dir);
}

int RunMirror(CommandContext& ctx, const MirrorFlags& flags) {
  Result<Config> config = ctx.LoadEffectiveConfig();
  if (!config.ok()) return Fail(ctx, config.status());
  std::vector<MirrorTarget> targets;
  if (!flags.to.empty()) {
    MirrorTarget t;
    t.path = flags.to;
    if (!flags.max_level.empty()) {
      Result<Confidentiality> level = ParseLevelOption(flags.max_level, "--max-level");
      if (!level.ok()) return Fail(ctx, level.status());
      t.max_level = *level;
    }
    targets.push_back(t);
  } else {
    targets = config->mirrors;
  }
  if (targets.empty()) return Fail(ctx, InvalidArgument("no mirror target: give --to DIR or add [[mirror]] to the config"));
  // Two targets on one folder would fight (one's ceiling removing what the other places).
  std::set<std::string> folders;
  for (const MirrorTarget& t : targets) {
    if (!folders.insert(FolderKey(t.path)).second) {
      return Fail(ctx, InvalidArgument("two [[mirror]] targets share the folder " + t.path));
    }
  }
  if (!flags.adopt_target.empty() && folders.count(FolderKey(flags.adopt_target)) == 0) {
    return UsageFail(ctx, "--adopt-target " + flags.adopt_target +
                              " is not a target of this run (--to or [[mirror]])");
  }
  Result<std::string> dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(ctx, dir.status());
  for (const MirrorTarget& t : targets) {
    Status inside = CheckOutsideVault(t.path, *dir, flags.to.empty() ? "[[mirror]] path" : "--to");
    if (!inside.ok()) return UsageFail(ctx, inside.message());
  }
  Result<std::unique_ptr<Vault>> vault = OpenVault(*dir, Vault::Access::kExclusive, &ctx.output());
  if (!vault.ok()) return Fail(ctx, vault.status());
  for (const std::string& id : flags.ids) {  // as `ls` does: a typo is not an empty mirror
    Result<Samenwerking> known = (*vault)->catalog().GetSamenwerking(id);
    if (!known.ok()) {
      return Fail(ctx, known.status().code() == StatusCode::kNotFound
                           ? NotFound("samenwerking " + id + " is not in the vault (sync it first)")
                           : known.status());
    }
  }
  const StopFlag& stop = StopGracefullyOnSignals(ctx);
  std::unique_ptr<Connection> connection;
  std::unique_ptr<OutboxUploader> uploader;
  // The acting profile also decides what the tree shows (privilege), with or without uploads.
  Result<ConnectionProfile> p = ctx.ResolveProfile();
  ConnectionProfile profile = p.ok() ? *p : ConnectionProfile{};
  if (!flags.no_upload) {
    Result<std::unique_ptr<Connection>> c = p.ok() ? Connect(*p, &stop) : Result<std::unique_ptr<Connection>>(p.status());
    if (c.ok()) {
      connection = std::move(*c);
      uploader = std::make_unique<OutboxUploader>(*connection->client, (*vault)->catalog(), (*vault)->store(),
                                                  profile.max_level);
    } else {
      ctx.output().Warn("drop folders are not uploaded: " + c.status().message());
    }
  }
  std::vector<MirrorOptions> runs;
  for (const MirrorTarget& t : targets) {
    runs.push_back(TargetOptions(t, *config, profile, &stop));
    ApplyFlags(flags, &runs.back());
  }
  MirrorReport total;
  const int code = RunTargets(ctx, **vault, runs, uploader.get(), stop, &total);
  nlohmann::json summary = ReportJson(total);
  summary["type"] = "summary";
  summary["targets"] = targets.size();
  summary["exitCode"] = code;
  ctx.output().Event(summary);
  return code;
}

// --- push ---

// Unset ("") metadata takes the config's [upload] defaults.
struct PushFlags {
  std::string samenwerking_id;
  std::vector<std::string> files;
  std::string level;
  std::string omschrijving;
  std::string taal;
  uint64_t max_upload_bytes = 0;  // from the config
};

PushFlags WithDefaults(PushFlags flags, const UploadDefaults& defaults) {
  if (flags.level.empty()) flags.level = defaults.level;
  if (flags.omschrijving.empty()) flags.omschrijving = defaults.omschrijving;
  if (flags.taal.empty()) flags.taal = defaults.taal;
  flags.max_upload_bytes = defaults.max_upload_bytes;
  return flags;
}

Status EnsureSamenwerking(Catalog& catalog, SwfClient& client, const std::string& id) {
  if (catalog.GetSamenwerking(id).ok()) return Status::Ok();
  SWF_ASSIGN_OR_RETURN(Samenwerking s, client.GetSamenwerking(id));
  return catalog.UpsertSamenwerking(s);
}

Result<UploadOutcome> PushOne(OutboxUploader& uploader, const PushFlags& flags,
                              const std::string& path) {
  int raw = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (raw < 0) return ErrnoStatus(errno, "open " + path);
  struct stat st;
  bool regular = ::fstat(raw, &st) == 0 && S_ISREG(st.st_mode);
  struct Closer { int fd; ~Closer() { ::close(fd); } } closer{raw};
  if (!regular) return InvalidArgument(path + " is not a regular file");
  if (static_cast<uint64_t>(st.st_size) > flags.max_upload_bytes) {
    return InvalidArgument(path + " is " + std::to_string(st.st_size) + " bytes, over the upload limit of " +
                           std::to_string(flags.max_upload_bytes) + " ([upload] max_upload_bytes)");
  }
  ::fcntl(raw, F_SETFL, ::fcntl(raw, F_GETFL) & ~O_NONBLOCK);
  UploadRequest req;
  req.samenwerking_id = flags.samenwerking_id;
  req.file_path = "/proc/self/fd/" + std::to_string(raw);
  req.local_path = path;
  req.filename = BaseName(path);
  Sha256Hasher sha;
  std::string buf(64 * 1024, '\0');
  for (ssize_t n; (n = ::read(raw, buf.data(), buf.size())) != 0;) {
    if (n < 0) return ErrnoStatus(errno, "read " + path);
    sha.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
    req.size += static_cast<uint64_t>(n);
  }
  req.content_sha256 = sha.FinishHex();
  req.level = flags.level;
  req.omschrijving = flags.omschrijving;
  req.taal = flags.taal;
  return uploader.Upload(req);
}

int RunPush(CommandContext& ctx, const PushFlags& given) {
  Result<Config> config = ctx.LoadEffectiveConfig();
  if (!config.ok()) return Fail(ctx, config.status());
  const PushFlags flags = WithDefaults(given, config->upload);
  Result<ConnectionProfile> profile = ctx.ResolveProfile();
  if (!profile.ok()) return Fail(ctx, profile.status());
  Result<std::string> dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(ctx, dir.status());
  Result<std::unique_ptr<Vault>> vault = OpenVault(*dir, Vault::Access::kExclusive, &ctx.output());
  if (!vault.ok()) return Fail(ctx, vault.status());
  const StopFlag& stop = StopGracefullyOnSignals(ctx);
  Result<std::unique_ptr<Connection>> connection = Connect(*profile, &stop);
  if (!connection.ok()) return Fail(ctx, connection.status());
  SwfClient& client = *(*connection)->client;
  Status known = EnsureSamenwerking((*vault)->catalog(), client, flags.samenwerking_id);
  if (!known.ok()) return Fail(ctx, known);
  OutboxUploader uploader(client, (*vault)->catalog(), (*vault)->store(), profile->max_level);
  int uploaded = 0, failed = 0, code = kExitOk;
  size_t next = 0;
  for (; next < flags.files.size() && !stop.requested(); ++next) {
    const std::string& file = flags.files[next];
    Result<UploadOutcome> o = PushOne(uploader, flags, file);
    if (!o.ok() && stop.requested() && o.status().code() == StatusCode::kCancelled) break;
    if (!o.ok()) {
      ++failed;
      code = Worse(code, ExitCodeFor(o.status()));
      ctx.output().Event({{"type", "upload"}, {"file", file}, {"error", o.status().ToString()}});
      ctx.output().Warn(file + ": " + o.status().message());
      continue;
    }
    ++uploaded;
    nlohmann::json event = {{"type", "upload"},
                            {"file", file},
                            {"samenwerkingId", flags.samenwerking_id},
                            {"outcome", std::string(UploadOutcomeName(o->kind))},
                            {"documentId", o->document_id},
                            {"uploadKey", o->upload_key}};
    if (!o->raised_as.empty()) {
      event["level"] = "SV";
      event["contentOfSvDocument"] = o->raised_as;
      ctx.output().Warn(file + ": sent as SV, not RV: its content is that of SV document " +
                        o->raised_as + " (a copy never lowers a label)");
    }
    if (!o->other_level.empty()) event["level"] = o->other_level;
    if (!o->other_level.empty() && (given.level == "SV" || !o->raised_as.empty())) {
      // Not sent again, so the SV asked for did not reach the server: say so instead of "done".
      // (Asked for RV of a document held as SV, nothing is less protected than asked.)
      ctx.output().Warn(file + ": already uploaded as " + o->document_id +
                        ", which the server holds as " + o->other_level +
                        ", not SV; raise it with 'swfvault document label " + o->document_id +
                        " --level SV'");
      code = Worse(code, kExitPartial);
    }
    ctx.output().Event(event);
    ctx.output().Line(std::string(UploadOutcomeName(o->kind)) + "\t" + file + "\t" + o->document_id);
  }
  if (failed > 0 && uploaded > 0) code = kExitPartial;
  // Stopped on request after the upload in progress (uploads are never broken off, see
  // HttpRequest::finish_on_stop): the files after it are left; pushing them again is safe.
  const size_t interrupted = flags.files.size() - next;
  if (interrupted > 0) {
    code = kExitInterrupted;
    ctx.output().Warn("stopped on request: " + Counted(static_cast<int64_t>(interrupted), "file", "files") +
                      " not uploaded; push them again to go on (nothing is uploaded twice)");
  }
  ctx.output().Event({{"type", "summary"}, {"samenwerkingId", flags.samenwerking_id},
                      {"uploaded", uploaded}, {"failed", failed}, {"interrupted", interrupted},
                      {"exitCode", code}});
  return code;
}

}  // namespace

int MirrorAfterSync(CommandContext& ctx, Vault& vault, const Config& config,
                    const ConnectionProfile& profile, Confidentiality ceiling, SwfClient& client,
                    const StopFlag& stop) {
  OutboxUploader uploader(client, vault.catalog(), vault.store(), ceiling);
  std::vector<MirrorOptions> runs;
  for (const MirrorTarget& t : config.mirrors)
    runs.push_back(TargetOptions(t, config, profile, &stop));
  MirrorReport total;
  return RunTargets(ctx, vault, runs, &uploader, stop, &total);
}

CommandSpec MirrorCommand() {
  return {"mirror", "keep a readable folder tree of the vault (and upload its drop folders)",
          [](CLI::App* app) -> std::function<int(CommandContext&)> {
            auto flags = std::make_shared<MirrorFlags>();
            app->footer(std::string("Ctrl-C or SIGTERM stops the run between two files (exit 130): the file or "
                                    "upload at hand\nis finished first. A second one ends it at once. The "
                                    "next run finishes the work\neither way.\n\n") +
                        kExitCodesHelp);
            app->add_option("samenwerking", flags->ids, "samenwerkingIds to show (default: all)");
            CLI::Option* to = app->add_option("--to", flags->to, "target folder (default: the config's [[mirror]] targets)");
            // Configured targets carry their own max_level; a level given for them would be ignored.
            app->add_option("--max-level", flags->max_level,
                            "highest confidentiality the target may hold: RV (default) or SV")
                ->transform(CLI::IsMember({"RV", "SV"}, CLI::ignore_case))
                ->needs(to);
            app->add_option(
                   "--settle-seconds", flags->settle_seconds,
                   "a dropped file must be unchanged this long before it is uploaded (default 5)")
                ->transform(Between(int64_t{0}, int64_t{86400}));
            app->add_option(
                   "--max-upload-bytes", flags->max_upload_bytes,
                   "largest file a drop folder accepts (default: the config's, else 4 GiB)")
                ->transform(Between(uint64_t{1}, kMaxUploadBytesCap));
            app->add_option("--local-edits", flags->local_edits,
                            "a mirrored file edited in place: conflict-copy (default) or upload (as a new document)")
                ->check(CLI::IsMember({"conflict-copy", "upload"}));
            app->add_flag("--no-upload", flags->no_upload, "leave drop folders alone");
            app->add_option(
                "--adopt-target", flags->adopt_target,
                "DIR: take over this target, which another vault mirrored into (refused by "
                "default, exit 2), with its own settings: what that vault placed and this one "
                "does not show is removed, edited or not");
            return [flags](CommandContext& ctx) { return RunMirror(ctx, *flags); };
          }};
}

CommandSpec PushCommand() {
  return {"push", "upload files to a samenwerking (idempotent, through the outbox)",
          [](CLI::App* app) -> std::function<int(CommandContext&)> {
            auto flags = std::make_shared<PushFlags>();
            app->footer(std::string("Ctrl-C or SIGTERM stops the run after the upload in progress (exit 130); "
                                    "a second one\nends it at once. Pushing the same files again is safe: "
                                    "what the server already has\nis not sent twice.\n\n") +
                        kExitCodesHelp);
            app->add_option("samenwerking", flags->samenwerking_id, "samenwerkingId")->required();
            app->add_option("files", flags->files, "files to upload")->required();
            app->add_option("--level", flags->level,
                            "vertrouwelijkheidsAanduiding: RV or SV (default: the config's "
                            "[upload], else RV)")
                ->transform(CLI::IsMember({"RV", "SV"}, CLI::ignore_case));
            app->add_option("--omschrijving", flags->omschrijving, "documentOmschrijving (default: the config's)");
            app->add_option("--taal", flags->taal, "taal, e.g. nl (default: the config's)");
            return [flags](CommandContext& ctx) { return RunPush(ctx, *flags); };
          }};
}

}  // namespace swfvault
