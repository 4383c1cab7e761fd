// swfvault init | status | ls | show | get | verify | gc: commands on the local vault that
// need no connection to SWF.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <map>
#include <optional>
#include <random>

#include "cli/commands.h"
#include "cli/wiring.h"
#include "swfvault/atomic_file.h"
#include "swfvault/exit_codes.h"
#include "swfvault/hashing.h"

namespace swfvault {
namespace {

using Runner = std::function<int(CommandContext&)>;

Result<std::unique_ptr<Vault>> OpenFromContext(CommandContext& ctx, Vault::Access access) {
  SWF_ASSIGN_OR_RETURN(std::string dir, ctx.VaultDir());
  return OpenVault(dir, access, &ctx.output());
}

nlohmann::json DocumentJson(const CatalogDocument& c) {
  nlohmann::json j = {{"documentId", c.document.document_id},
                      {"samenwerkingId", c.document.samenwerking_id},
                      {"state", std::string(DocumentStateName(c.state))},
                      {"level", std::string(ConfidentialityName(c.document.vertrouwelijkheid))},
                      {"sha256", c.blob_sha256},
                      {"firstSeen", c.first_seen},
                      {"lastSeen", c.last_seen}};
  if (c.state != DocumentState::kWithheld) {
    j["bestandsNaam"] = c.document.bestands_naam;
    j["formaat"] = c.document.formaat;
    if (c.document.bestands_grootte) j["bestandsGrootte"] = *c.document.bestands_grootte;
  }
  return j;
}

// --- init ---
int RunInit(CommandContext& ctx, const std::string& max_level) {
  Result<std::string> dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(ctx, dir.status());
  std::optional<Confidentiality> level;
  if (!max_level.empty()) {
    Result<Confidentiality> parsed = ParseLevelOption(max_level, "--max-level");
    if (!parsed.ok()) return Fail(ctx, parsed.status());
    level = *parsed;
  }
  Status st = Vault::Init(RealFileSystem(), RealClock(), *dir);
  if (!st.ok()) return Fail(ctx, st);
  nlohmann::json ceiling = nullptr;
  {
    Result<std::unique_ptr<Vault>> vault =
        OpenVault(*dir, Vault::Access::kExclusive, &ctx.output());
    if (!vault.ok()) return Fail(ctx, vault.status());
    Catalog& catalog = (*vault)->catalog();
    if (level.has_value()) {
      Status set = catalog.SetVaultCeiling(*level);
      if (!set.ok()) return Fail(ctx, set);
    }
    Result<std::optional<Confidentiality>> now = catalog.GetVaultCeiling();
    if (!now.ok()) return Fail(ctx, now.status());
    if (now->has_value()) ceiling = std::string(ConfidentialityName(**now));
  }
  ctx.output().Event({{"type", "summary"}, {"vault", *dir}, {"initialized", true}, {"maxLevel", ceiling}});
  ctx.output().Line("vault ready at " + *dir +
                    (ceiling.is_null() ? "" : "; it holds at most " + ceiling.get<std::string>()));
  return kExitOk;
}

// --- status ---
int RunStatus(CommandContext& ctx) {
  Result<std::unique_ptr<Vault>> vault = OpenFromContext(ctx, Vault::Access::kReadOnly);
  if (!vault.ok()) return Fail(ctx, vault.status());
  Catalog& catalog = (*vault)->catalog();
  Result<std::vector<Samenwerking>> sams = catalog.ListSamenwerkingen();
  Result<std::vector<CatalogDocument>> docs = catalog.ListDocuments("");
  Result<std::vector<BlobRecord>> blobs = catalog.ListBlobs();
  Result<std::vector<SyncRun>> runs = catalog.ListSyncRuns();
  Result<PartialStats> partials = (*vault)->store().Partials();
  Result<PartialStats> quarantined = (*vault)->store().Quarantined();
  Result<std::optional<Confidentiality>> ceiling = catalog.GetVaultCeiling();
  for (const Status& st : {sams.status(), docs.status(), blobs.status(), runs.status(),
                           partials.status(), quarantined.status(), ceiling.status()}) {
    if (!st.ok()) return Fail(ctx, st);
  }
  nlohmann::json max_level = nullptr;
  if (ceiling->has_value()) max_level = std::string(ConfidentialityName(**ceiling));
  std::map<std::string, int> by_state;
  for (const CatalogDocument& c : *docs) ++by_state[std::string(DocumentStateName(c.state))];
  uint64_t bytes = 0;
  for (const BlobRecord& b : *blobs) bytes += b.size;
  nlohmann::json last = nullptr;
  if (!runs->empty()) {
    const SyncRun& r = runs->back();
    last = {{"runId", r.run_id}, {"startedAt", r.started_at}, {"endedAt", r.ended_at},
            {"outcome", r.outcome}, {"fetched", r.counts.fetched}, {"failed", r.counts.failed}};
  }
  ctx.output().Event({{"type", "summary"},
                      {"vault", (*vault)->dir()},
                      {"maxLevel", max_level},
                      {"samenwerkingen", sams->size()},
                      {"documents", by_state},
                      {"objects", blobs->size()},
                      {"objectBytes", bytes},
                      {"partialDownloads", partials->files},
                      {"partialBytes", partials->bytes},
                      {"quarantineFiles", quarantined->files},
                      {"quarantineBytes", quarantined->bytes},
                      {"lastRun", last}});
  ctx.output().Line("vault          " + (*vault)->dir());
  ctx.output().Line("max level      " + (max_level.is_null() ? std::string("not set (each sync's --max-level or profile decides)")
                                                             : max_level.get<std::string>()));
  ctx.output().Line("samenwerkingen " + std::to_string(sams->size()));
  for (const auto& [state, n] : by_state) {
    ctx.output().Line("documents      " + std::to_string(n) + " " + state);
  }
  ctx.output().Line("objects        " + std::to_string(blobs->size()) + " (" +
                    std::to_string(bytes) + " bytes)");
  if (partials->files > 0) {
    ctx.output().Line("resumable      " + Counted(partials->files, "partial download", "partial downloads") + " (" +
                      std::to_string(partials->bytes) + " bytes)");
  }
  if (quarantined->files > 0) {
    ctx.output().Line("quarantine     " + Counted(quarantined->files, "file", "files") + " (" +
                      std::to_string(quarantined->bytes) +
                      " bytes; kept for inspection, `gc --quarantine-max-age-hours` removes them)");
  }
  if (!runs->empty()) {
    const SyncRun& r = runs->back();
    ctx.output().Line("last sync      run " + std::to_string(r.run_id) + " " + r.started_at + " " +
                      (r.outcome.empty() ? "running, or killed" : r.outcome));
  }
  return kExitOk;
}

// --- ls ---
int RunLs(CommandContext& ctx, const std::string& id) {
  Result<std::unique_ptr<Vault>> vault = OpenFromContext(ctx, Vault::Access::kReadOnly);
  if (!vault.ok()) return Fail(ctx, vault.status());
  Catalog& catalog = (*vault)->catalog();
  if (id.empty()) {
    Result<std::vector<Samenwerking>> sams = catalog.ListSamenwerkingen();
    if (!sams.ok()) return Fail(ctx, sams.status());
    for (const Samenwerking& s : *sams) {
      ctx.output().Event({{"type", "samenwerking"}, {"samenwerkingId", s.samenwerking_id},
                          {"titel", s.titel}, {"status", s.status}});
      ctx.output().Line(s.samenwerking_id + "\t" + s.status + "\t" + s.titel);
    }
    ctx.output().Event({{"type", "summary"}, {"samenwerkingen", sams->size()}});
    return kExitOk;
  }
  Result<Samenwerking> sam = catalog.GetSamenwerking(id);
  if (!sam.ok()) return Fail(ctx, sam.status());
  Result<std::vector<CatalogDocument>> docs = catalog.ListDocuments(id);
  if (!docs.ok()) return Fail(ctx, docs.status());
  for (const CatalogDocument& c : *docs) {
    nlohmann::json j = DocumentJson(c);
    j["type"] = "document";
    ctx.output().Event(j);
    std::string size = c.document.bestands_grootte ? std::to_string(*c.document.bestands_grootte) : "-";
    std::string name = c.state == DocumentState::kWithheld ? "(withheld)" : c.document.bestands_naam;
    ctx.output().Line(c.document.document_id + "\t" + std::string(DocumentStateName(c.state)) +
                      "\t" + std::string(ConfidentialityName(c.document.vertrouwelijkheid)) +
                      "\t" + size + "\t" + name);
  }
  ctx.output().Event({{"type", "summary"}, {"samenwerkingId", id}, {"documents", docs->size()}});
  return kExitOk;
}

// --- show ---
int RunShow(CommandContext& ctx, const std::string& id) {
  Result<std::unique_ptr<Vault>> vault = OpenFromContext(ctx, Vault::Access::kReadOnly);
  if (!vault.ok()) return Fail(ctx, vault.status());
  Result<CatalogDocument> doc = (*vault)->catalog().GetDocument(id);
  if (!doc.ok()) return Fail(ctx, doc.status());
  Result<std::vector<Event>> events = (*vault)->catalog().ListEvents(id);
  if (!events.ok()) return Fail(ctx, events.status());
  nlohmann::json j = DocumentJson(*doc);
  j["type"] = "document";
  if (doc->state != DocumentState::kWithheld && !doc->document.raw_json.empty()) {
    j["remote"] = nlohmann::json::parse(doc->document.raw_json, nullptr, false);
  }
  nlohmann::json history = nlohmann::json::array();
  for (const Event& e : *events) {
    history.push_back({{"at", e.at}, {"kind", std::string(EventKindName(e.kind))},
                       {"runId", e.run_id}, {"sha256", e.sha256}, {"detail", e.detail}});
  }
  j["history"] = history;
  ctx.output().Event(j);
  ctx.output().Event({{"type", "summary"}, {"documentId", id},
                      {"state", std::string(DocumentStateName(doc->state))},
                      {"events", events->size()}});
  if (!ctx.output().json()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "history" || it.key() == "remote" || it.key() == "type") continue;
      ctx.output().Line(it.key() + ": " + (it->is_string() ? it->get<std::string>() : it->dump()));
    }
    if (doc->state != DocumentState::kWithheld) {
      ctx.output().Line("omschrijving: " + doc->document.document_omschrijving);
    }
    if (!events->empty()) ctx.output().Line("history:");
    for (const Event& e : *events) {
      ctx.output().Line("  " + e.at + " " + std::string(EventKindName(e.kind)) + " " + e.detail);
    }
  }
  return kExitOk;
}

// --- get ---
// Streams the object to `out` ("-" = stdout; an existing directory = the document's own,
// sanitized name inside it), re-hashing it on the way.
int RunGet(CommandContext& ctx, const std::string& id, const std::string& out) {
  Result<std::unique_ptr<Vault>> vault = OpenFromContext(ctx, Vault::Access::kReadOnly);
  if (!vault.ok()) return Fail(ctx, vault.status());
  Result<CatalogDocument> doc = (*vault)->catalog().GetDocument(id);
  if (!doc.ok()) return Fail(ctx, doc.status());
  if (doc->blob_sha256.empty()) {
    return Fail(ctx, NotFound("document " + id + " has no content in this vault (state " +
                              std::string(DocumentStateName(doc->state)) + ")"));
  }
  Result<std::unique_ptr<ReadableFile>> in = (*vault)->store().Open(doc->blob_sha256);
  if (!in.ok() && in.status().code() == StatusCode::kNotFound) {
    // The document is known (exit 9 would say it is not): its object is gone from the store.
    return Fail(
        ctx, Corruption("document " + id + ": object " + doc->blob_sha256 +
                        " is missing from the store; the next 'swfvault sync' fetches it again"));
  }
  if (!in.ok()) return Fail(ctx, in.status());
  // stdout (also as /dev/stdout), a device (/dev/null, a tape) or a pipe is written in place;
  // a file is replaced.
  const bool to_stdout = IsStdout(out);
  const bool stream = to_stdout || IsStreamOutput(out);
  Result<std::string> resolved = to_stdout ? Result<std::string>(std::string("-"))
                                 : stream  ? Result<std::string>(out)
                                           : OutputPathFor(out, doc->document.bestands_naam, id);
  if (!resolved.ok()) return Fail(ctx, resolved.status());
  if (!stream) {
    if (Status inside = CheckOutsideVault(*resolved, (*vault)->dir(), "-o"); !inside.ok()) {
      return UsageFail(ctx, inside.message());
    }
  }
  const std::string& out_path = *resolved;
  FileSystem& fs = RealFileSystem();
  std::unique_ptr<WritableFile> file;
  std::string temp_path;
  int device = -1;  // a device or pipe `out` names, written in place
  struct CloseDevice {
    int& fd;
    ~CloseDevice() {
      if (fd >= 0) ::close(fd);
    }
  } close_device{device};
  if (stream) {
    // Bytes on stdout cannot be taken back: check the object (XXH3, the fast re-check) before
    // the first one goes out. The SHA-256 on the way out below still has the last word.
    Result<BlobRecord> blob = (*vault)->catalog().GetBlob(doc->blob_sha256);
    Status checked = blob.ok() ? (*vault)->store().Verify(*blob, VerifyMode::kFast) : blob.status();
    if (!checked.ok()) {
      return Fail(ctx, Corruption("object " + doc->blob_sha256 + " failed its check, nothing written (" +
                                  checked.message() + "; run 'swfvault verify')"));
    }
    if (out_path != "-") {
      device = ::open(out.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (device < 0) return Fail(ctx, ErrnoStatus(errno, "cannot open " + out));
    }
  } else {
    Result<TempFile> temp = fs.CreateTemp(DirName(out_path), ".swfvault-get-");
    if (!temp.ok()) return Fail(ctx, temp.status());
    temp_path = temp->path;
    file = std::move(temp->file);
  }
  Sha256Hasher sha;
  std::vector<char> buf(1 << 16);
  uint64_t total = 0;
  Status st;
  while (st.ok()) {
    Result<size_t> n = (*in)->Read(buf.data(), buf.size());
    if (!n.ok()) st = n.status();
    if (!st.ok() || *n == 0) break;
    std::string_view chunk(buf.data(), *n);
    sha.Update(chunk);
    total += *n;
    if (file) st = file->Append(chunk);
    else if (device >= 0)
      st = WriteAll(device, chunk, out);
    else {
      std::ostream& o = ctx.output().out();
      errno = 0;
      if (!o.write(chunk.data(), static_cast<std::streamsize>(chunk.size())).flush()) {
        // A full disk behind `> file` or a closed pipe: a short copy must not exit 0.
        st = errno != 0 ? ErrnoStatus(errno, "cannot write to stdout")
                        : IoError("cannot write to stdout");
      }
    }
  }
  if (st.ok() && sha.FinishHex() != doc->blob_sha256) {
    st = Corruption("object " + doc->blob_sha256 + " does not match its hash (run 'swfvault verify')");
  }
  if (file) {
    if (st.ok()) st = file->Sync();
    if (st.ok()) st = file->Close();
    if (st.ok()) st = fs.Rename(temp_path, out_path);
    if (!st.ok()) (void)fs.RemoveFile(temp_path);
  }
  if (!st.ok()) return Fail(ctx, st);
  if (out_path == "-") return kExitOk;  // stdout carries the document and nothing else
  ctx.output().Event({{"type", "summary"}, {"documentId", id}, {"sha256", doc->blob_sha256},
                      {"bytes", total}, {"output", out_path}});
  ctx.output().Line(out_path + ": " + std::to_string(total) + " bytes, sha256 " + doc->blob_sha256);
  return kExitOk;
}

// --- verify ---
// What verify did with an object that failed its check.
struct BadObject {
  std::string action;     // said in the report and the history ("" for a good object)
  bool moved = false;     // out of objects/, into quarantine/
  bool recorded = false;  // its verify_failed event is in the history already
};

// Moves the object of `failed` (its verify_failed event, not yet recorded) to quarantine/ when
// a sync can fetch it again (a present document refers to it: `refetchable`), else leaves it
// and says why. Only bytes that no longer hash to their name are damaged; a size or XXH3 that
// disagrees with intact bytes is the catalog's error, which a re-download would not fix.
BadObject SettleBadObject(BlobStore& store, Catalog& catalog, const Event& failed, bool catalog_ok,
                          bool refetchable) {
  Result<bool> intact = store.MatchesName(failed.sha256);
  if (!intact.ok()) return {"left in place: " + intact.status().ToString()};
  if (*intact)
    return {
        "left in place: its bytes still match its name, so the catalog's record of it is wrong"};
  if (!catalog_ok) return {"left in place: the catalog failed its own check"};
  if (!refetchable)
    return {"left in place: no present document refers to it, so no sync fetches it again"};
  // Out of objects/ (kept in quarantine/, as git-annex fsck keeps bad content), so a sync
  // fetches it again and nothing hands out these bytes meanwhile. The history says so before
  // the move: a crash in between leaves an event that names the target.
  const std::string target = store.QuarantinePathFor(failed.sha256);
  BadObject out{"moved to " + target + "; the next sync that lists its dossier fetches it again"};
  Event moving = failed;
  moving.detail += "; " + out.action;
  out.recorded = catalog.AppendEvent(moving).ok();
  Status moved = store.QuarantineObject(failed.sha256, target);
  Result<bool> still_there = store.Has(failed.sha256);
  if (still_there.ok() && !*still_there) {
    out.moved = true;
    if (!moved.ok()) out.action += " (" + moved.ToString() + ")";
    return out;
  }
  return {"could not be moved to quarantine/: " + moved.ToString()};  // a second event says so
}

struct VerifyFlags {
  bool fast = false;
  double sample = 100;
  std::string max_duration;  // empty: no time limit
};

int RunVerify(CommandContext& ctx, const VerifyFlags& flags) {
  Result<std::unique_ptr<Vault>> vault = OpenFromContext(ctx, Vault::Access::kExclusive);
  // A vault on a read-only mount (a snapshot, an auditor's copy) is checked all the same:
  // without the lock, which it cannot take, and without moving or recording anything.
  bool read_only = false;
  Result<std::string> dir = ctx.VaultDir();
  if (!vault.ok() && vault.status().code() == StatusCode::kPermissionDenied &&
      vault.status().http_status() == 0 && dir.ok() && OnReadOnlyFileSystem(*dir)) {
    Result<std::unique_ptr<Vault>> reader = OpenFromContext(ctx, Vault::Access::kReadOnly);
    if (reader.ok()) {
      ctx.output().Warn("the vault cannot be written (" + vault.status().message() +
                        "): checking it read-only; a bad object is reported, not moved aside, "
                        "and no check is recorded");
      vault = std::move(reader);
      read_only = true;
    }
  }
  if (!vault.ok()) return Fail(ctx, vault.status());
  Catalog& catalog = (*vault)->catalog();
  // The catalog first: the object checks below read it, and a damaged page it holds is as
  // much a finding as a damaged object.
  Status catalog_check = catalog.IntegrityCheck(flags.fast);
  if (!catalog_check.ok() && catalog_check.code() != StatusCode::kCorruption) return Fail(ctx, catalog_check);
  if (!catalog_check.ok()) {
    ctx.output().Event({{"type", "catalog"}, {"ok", false}, {"error", catalog_check.ToString()}});
    ctx.output().Warn("BAD catalog: " + catalog_check.message());
  }
  Result<std::vector<BlobRecord>> blobs = catalog.ListBlobs();
  if (!blobs.ok()) return Fail(ctx, blobs.status());
  // A fixed count, as restic's --read-data-subset does, never a coin per object: a sample
  // that happens to check nothing would report a clean vault it never looked at.
  const size_t total = blobs->size();
  size_t want = total;
  if (flags.sample < 100) {
    double share = std::ceil(static_cast<double>(total) * flags.sample / 100);
    want = std::max<size_t>(1, static_cast<size_t>(share));  // a tiny PCT may round to 0
  }
  std::vector<BlobRecord> chosen = std::move(*blobs);
  const std::optional<double> time_limit =
      flags.max_duration.empty() ? std::nullopt : ParseDurationSeconds(flags.max_duration);
  if (want < chosen.size() || time_limit) {
    // Least recently checked first (never checked before all), as restic's
    // --read-data-subset n/t goes round: a nightly --sample 1 covers every object in 100
    // nights instead of leaving a third unchecked by chance, and a run cut short by
    // --max-duration is continued by the next one (borg check --max-duration). Ties in random
    // order.
    Result<std::map<std::string, int64_t>> last = catalog.LastChecks();
    if (!last.ok()) return Fail(ctx, last.status());
    std::shuffle(chosen.begin(), chosen.end(), std::mt19937_64(std::random_device{}()));
    auto checked_at = [&](const BlobRecord& b) {
      auto it = last->find(b.sha256);
      return it == last->end() ? int64_t{0} : it->second;
    };
    std::stable_sort(chosen.begin(), chosen.end(), [&](const BlobRecord& a, const BlobRecord& b) {
      return checked_at(a) < checked_at(b);
    });
    chosen.resize(std::min(want, chosen.size()));  // an empty store has nothing to sample
  }
  VerifyMode mode = flags.fast ? VerifyMode::kFast : VerifyMode::kFull;
  const StopFlag& stop = StopGracefullyOnSignals(ctx);
  int good = 0, bad = 0, unreadable = 0;
  uint64_t bytes = 0;
  size_t checked = 0;
  // Objects a present document refers to: a sync that lists its dossier fetches such an
  // object again, so a damaged one may leave objects/.
  Result<std::vector<CatalogDocument>> docs = catalog.ListDocuments("");
  if (!docs.ok()) return Fail(ctx, docs.status());
  std::set<std::string> refetchable;
  for (const CatalogDocument& c : *docs) {
    if (c.state == DocumentState::kPresent) refetchable.insert(c.blob_sha256);
  }
  BlobStore& store = (*vault)->store();
  std::set<std::string> missing_objects;  // each counted once, however many documents share it
  std::set<std::string> moved_aside;      // bad ones this run moved to quarantine/
  // Checked after each object, so every run checks at least one and goes round the store.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(time_limit.value_or(0)));
  bool out_of_time = false;
  for (; checked < chosen.size() && !stop.requested(); ++checked) {
    if (time_limit && checked > 0 && std::chrono::steady_clock::now() >= deadline) {
      out_of_time = true;
      break;
    }
    const BlobRecord& b = chosen[checked];
    Status st = store.Verify(b, mode);
    Event e;
    e.kind = st.ok() ? EventKind::kVerified : EventKind::kVerifyFailed;
    e.sha256 = b.sha256;
    e.detail = std::string(flags.fast ? "mode=fast" : "mode=full") + (st.ok() ? "" : " " + st.ToString());
    BadObject settled;
    if (st.code() == StatusCode::kCorruption && read_only) {
      settled = {"left in place: the vault is read-only"};
    } else if (st.code() == StatusCode::kCorruption) {
      settled =
          SettleBadObject(store, catalog, e, catalog_check.ok(), refetchable.count(b.sha256) != 0);
      if (settled.moved) moved_aside.insert(b.sha256);
      e.detail += "; " + settled.action;
    }
    const std::string& action = settled.action;
    if (!settled.recorded && !read_only) (void)catalog.AppendEvent(e);
    bytes += b.size;
    if (st.ok()) {
      ++good;
    } else if (st.code() == StatusCode::kNotFound) {
      missing_objects.insert(b.sha256);
      if (refetchable.count(b.sha256) ==
          0) {  // the present ones are named with their documents below
        ctx.output().Warn("object " + b.sha256 +
                          " is missing; only documents the server no longer lists (removed, "
                          "withheld) refer to it");
      }
    } else if (st.code() == StatusCode::kPermissionDenied) {
      // Not allowed to read, so not found bad either: its own count and exit 10, not an
      // integrity alarm over an object nobody looked at. (An I/O error is bad: a checksumming
      // file system reports rotten blocks as EIO.)
      ++unreadable;
      ctx.output().Event({{"type", "object"},
                          {"sha256", b.sha256},
                          {"ok", false},
                          {"unreadable", true},
                          {"error", st.ToString()}});
      ctx.output().Warn("cannot read object " + b.sha256 + ": " + st.message());
    } else {
      ++bad;
      nlohmann::json j = {
          {"type", "object"}, {"sha256", b.sha256}, {"ok", false}, {"error", st.ToString()}};
      if (!action.empty()) j["action"] = action;
      ctx.output().Event(j);
      ctx.output().Warn("BAD " + b.sha256 + ": " + st.message() +
                        (action.empty() ? "" : "; " + action));
    }
    ctx.output().Progress("verified " + std::to_string(checked + 1) + "/" + std::to_string(chosen.size()));
  }
  const bool interrupted = checked < chosen.size() && !out_of_time;
  // Every present document must have its object in the store (moved aside just now counts as
  // bad above, not as missing here).
  for (const CatalogDocument& c : *docs) {
    if (c.state != DocumentState::kPresent) continue;
    Result<bool> has = store.Has(c.blob_sha256);
    if (has.ok() && *has) continue;
    if (has.ok() && moved_aside.count(c.blob_sha256) != 0) continue;  // counted as bad
    missing_objects.insert(c.blob_sha256);
    ctx.output().Warn("document " + c.document.document_id + ": object " + c.blob_sha256 +
                      " is missing; the next sync that lists its dossier fetches it again");
  }
  const int missing = static_cast<int>(missing_objects.size());
  ctx.output().EndProgress();
  // What was found outweighs the interruption: a bad object needs a human either way.
  const bool catalog_ok = catalog_check.ok();
  int code = (bad > 0 || missing > 0 || !catalog_ok) ? kExitIntegrity
             : unreadable > 0                        ? kExitError
             : interrupted                           ? kExitInterrupted
                                                     : kExitOk;
  if (interrupted) {
    ctx.output().Warn("stopped on request (SIGINT/SIGTERM) after " + std::to_string(checked) + " of " +
                      Counted(static_cast<int64_t>(chosen.size()), "object", "objects"));
  }
  if (out_of_time) {
    // Planned, not a failure: the next run starts with the objects this one did not reach.
    ctx.output().Line("time limit (--max-duration " + flags.max_duration + ") reached after " +
                      std::to_string(checked) + " of " +
                      Counted(static_cast<int64_t>(chosen.size()), "object", "objects") +
                      "; the next run starts with those checked longest ago");
  }
  ctx.output().Event({{"type", "summary"},
                      {"mode", flags.fast ? "fast" : "full"},
                      {"objects", total},
                      {"checked", checked},
                      {"good", good},
                      {"bad", bad},
                      {"unreadable", unreadable},
                      {"missingObjects", missing},
                      {"bytes", bytes},
                      {"catalog", catalog_ok ? "ok" : "corrupt"},
                      {"interrupted", interrupted},
                      {"timeLimitReached", out_of_time},
                      {"exitCode", code}});
  ctx.output().Line("verified " + std::to_string(checked) + " of " + std::to_string(total) +
                    " objects (" + (flags.fast ? "fast" : "full") + "): " + std::to_string(good) +
                    " good, " + std::to_string(bad) + " bad, " + std::to_string(missing) +
                    " missing" +
                    (unreadable > 0 ? ", " + std::to_string(unreadable) + " unreadable" : "") +
                    "; catalog " + (catalog_ok ? "ok" : "CORRUPT"));
  return code;
}

// --- gc ---
int RunGc(CommandContext& ctx, double grace_hours, double partial_max_age_hours,
          double quarantine_max_age_hours) {
  Result<std::unique_ptr<Vault>> vault = OpenFromContext(ctx, Vault::Access::kExclusive);
  // On a disk too full for SQLite to open the catalog for writing, gc is what makes room: it
  // reads the catalog instead, under the runner lock all the same, and leaves the journal rows
  // of partials it removes to the next sync (which starts a download afresh when its partial
  // is gone).
  const bool disk_full = !vault.ok() && vault.status().code() == StatusCode::kResourceExhausted;
  if (disk_full) vault = OpenFromContext(ctx, Vault::Access::kLockedReadOnly);
  if (!vault.ok()) return Fail(ctx, vault.status());
  if (disk_full) {
    ctx.output().Warn("the disk of " + (*vault)->dir() +
                      " is full: the catalog is read, not written, while gc frees space");
  }
  GcOptions options;
  options.temp_grace_seconds = static_cast<int64_t>(grace_hours * 3600);
  if (partial_max_age_hours >= 0) options.partial_max_age_seconds = static_cast<int64_t>(partial_max_age_hours * 3600);
  if (quarantine_max_age_hours >= 0) {
    options.quarantine_max_age_seconds = static_cast<int64_t>(quarantine_max_age_hours * 3600);
  }
  Result<GcReport> gc = (*vault)->store().CollectGarbage(options);
  if (!gc.ok()) return Fail(ctx, gc.status());
  if (gc->partials_removed > 0 && !disk_full) {
    // Journal rows of removed partials go too: the next sync starts those downloads afresh.
    Result<std::vector<PartialDownload>> journal = (*vault)->catalog().ListPartials();
    if (!journal.ok()) return Fail(ctx, journal.status());
    for (const PartialDownload& p : *journal) {
      // By its file name in this vault's partial/: the stored path may name where the vault was.
      std::string here = JoinPath((*vault)->store().partial_dir(), BaseName(p.partial_path));
      if (RealFileSystem().Stat(here).ok()) continue;
      if (Status st = (*vault)->catalog().RemovePartial(p.document_id); !st.ok()) return Fail(ctx, st);
    }
  }
  // Objects the catalog never recorded (a crash between rename and commit) are orphans.
  Result<std::vector<std::string>> objects = (*vault)->store().ListObjects();
  Result<std::vector<BlobRecord>> blobs = (*vault)->catalog().ListBlobs();
  if (!objects.ok()) return Fail(ctx, objects.status());
  if (!blobs.ok()) return Fail(ctx, blobs.status());
  std::set<std::string> known;
  for (const BlobRecord& b : *blobs) known.insert(b.sha256);
  int orphans = 0;
  int64_t now = RealClock().NowUnixSeconds();
  for (const std::string& sha : *objects) {
    if (known.count(sha) != 0) continue;
    std::string path = (*vault)->store().ObjectPath(sha);
    Result<FileStat> st = RealFileSystem().Stat(path);
    if (!st.ok() || now - st->mtime_unix_seconds < options.temp_grace_seconds) continue;
    if ((*vault)->store().RemoveObject(sha).ok()) {
      ++orphans;
      gc->bytes_freed += st->size;
    }
  }
  ctx.output().Event({{"type", "summary"},
                      {"tempsRemoved", gc->temps_removed},
                      {"partialsRemoved", gc->partials_removed},
                      {"quarantinedRemoved", gc->quarantined_removed},
                      {"orphanObjectsRemoved", orphans},
                      {"bytesFreed", gc->bytes_freed}});
  ctx.output().Line("removed " + std::to_string(gc->temps_removed) + " temp files, " +
                    std::to_string(gc->partials_removed) + " partial downloads, " +
                    std::to_string(gc->quarantined_removed) + " quarantined files, " +
                    std::to_string(orphans) + " orphan objects, freed " +
                    std::to_string(gc->bytes_freed) + " bytes");
  return kExitOk;
}

}  // namespace

CommandSpec InitCommand() {
  return {"init", "create a vault (idempotent)", [](CLI::App* app) -> Runner {
            auto level = std::make_shared<std::string>();
            app->add_option(
                   "--max-level", *level,
                   "highest confidentiality the vault may ever hold: RV or SV; every later sync "
                   "stays within it (on an existing vault: changes it; lowering to RV purges "
                   "SV at the next sync)")
                ->transform(CLI::IsMember({"RV", "SV"}, CLI::ignore_case));
            return [level](CommandContext& ctx) { return RunInit(ctx, *level); };
          }};
}

CommandSpec StatusCommand() {
  return {"status", "summary of the vault and its last sync",
          [](CLI::App*) -> Runner { return RunStatus; }};
}

CommandSpec LsCommand() {
  return {"ls", "list samenwerkingen, or the documents of one",
          [](CLI::App* app) -> Runner {
            auto id = std::make_shared<std::string>();
            app->add_option("samenwerking", *id, "samenwerkingId");
            return [id](CommandContext& ctx) { return RunLs(ctx, *id); };
          }};
}

CommandSpec ShowCommand() {
  return {"show", "a document's metadata, state and history",
          [](CLI::App* app) -> Runner {
            auto id = std::make_shared<std::string>();
            app->add_option("document", *id, "documentId")->required();
            return [id](CommandContext& ctx) { return RunShow(ctx, *id); };
          }};
}

CommandSpec GetCommand() {
  return {"get", "copy a document's content out of the vault (hash-checked)",
          [](CLI::App* app) -> Runner {
            auto id = std::make_shared<std::string>();
            auto out = std::make_shared<std::string>();
            app->add_option("document", *id, "documentId")->required();
            app->add_option("-o,--output", *out,
                            "output file; an existing directory (the document's own name inside "
                            "it); - for stdout")
                ->required()
                ->check(CLI::Validator(
                    [](std::string& path) -> std::string {
                      return path.empty() ? "expected a file, a directory or - for stdout, got an empty path" : "";
                    },
                    "PATH"));
            return [id, out](CommandContext& ctx) { return RunGet(ctx, *id, *out); };
          }};
}

CommandSpec VerifyCommand() {
  return {"verify", "re-check stored objects (full SHA-256 by default)",
          [](CLI::App* app) -> Runner {
            auto flags = std::make_shared<VerifyFlags>();
            app->add_flag("--fast", flags->fast, "compare XXH3-128 instead of SHA-256");
            app->add_option("--sample", flags->sample,
                            "check PCT of the objects (at least one), those checked longest ago "
                            "first, so that repeated runs go round the store")
                ->check(CLI::Validator(
                    [](std::string& input) -> std::string {
                      double value = 0;
                      if (!CLI::detail::lexical_cast(input, value)) {
                        return "expected a number above 0, up to 100, got '" + input + "'";
                      }
                      if (value > 0 && value <= 100) return {};  // NaN is neither
                      return input + " is out of range: expected a number above 0, up to 100";
                    },
                    "above 0, up to 100"));
            app->add_option("--max-duration", flags->max_duration,
                            "stop checking objects after this long (3600, 45m, 2h, 1h30m) and exit "
                            "0 if all were good; the next run starts with those checked longest "
                            "ago, so nightly runs go round the store")
                ->check(Duration());
            return [flags](CommandContext& ctx) { return RunVerify(ctx, *flags); };
          }};
}

CommandSpec GcCommand() {
  return {"gc", "remove orphaned temp files and unrecorded objects after a grace period",
          [](CLI::App* app) -> Runner {
            auto grace = std::make_shared<double>(24);
            auto partials = std::make_shared<double>(-1);
            auto quarantine = std::make_shared<double>(-1);
            app->add_option("--grace-hours", *grace, "minimum age of what is removed")
                ->transform(Between(0.0, 1e6));
            app->add_option(
                   "--partial-max-age-hours", *partials,
                   "also remove partial downloads not written to for this long (default: keep "
                   "them; a full sync removes those no document needs)")
                ->transform(Between(0.0, 1e6));
            app->add_option(
                   "--quarantine-max-age-hours", *quarantine,
                   "also remove quarantined files (rejected downloads, objects that failed "
                   "verify) at least this old (default: keep them as evidence)")
                ->transform(Between(0.0, 1e6));
            return [grace, partials, quarantine](CommandContext& ctx) {
              return RunGc(ctx, *grace, *partials, *quarantine);
            };
          }};
}

}  // namespace swfvault
