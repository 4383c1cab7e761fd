#include "swfvault/sync_executor.h"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "swfvault/clock.h"
#include "swfvault/hashing.h"

namespace swfvault {
namespace {

using Kind = SyncAction::Kind;

LocalDocument::State ToPlannerState(DocumentState state) {
  switch (state) {
    case DocumentState::kPresent: return LocalDocument::State::kPresent;
    case DocumentState::kRemovedRemotely: return LocalDocument::State::kRemovedRemotely;
    case DocumentState::kWithheld: return LocalDocument::State::kWithheld;
    case DocumentState::kQuarantined: return LocalDocument::State::kQuarantined;
  }
  return LocalDocument::State::kQuarantined;
}

LocalDocument ToLocal(const CatalogDocument& c) {
  LocalDocument l;
  l.document_id = c.document.document_id;
  l.document_hash = c.blob_sha256;
  l.state = ToPlannerState(c.state);
  l.level = c.document.vertrouwelijkheid;
  l.metadata_fingerprint = MetadataFingerprint(c.document);
  return l;
}

bool Stopping(const SyncOptions& options) {
  return options.stop != nullptr && options.stop->requested();
}

// ENOSPC or a quota (a server's 413 is a refusal, not our disk), or a vault this run may not
// write (EACCES, EPERM, EROFS; not a server's 403): permanent, so rule 4 ends the run instead
// of failing every document in turn.
bool EndsTheRun(const Status& st) {
  return (st.code() == StatusCode::kResourceExhausted && st.http_status() != 413) ||
         (st.code() == StatusCode::kPermissionDenied && st.http_status() == 0);
}

std::string ExpectedEtag(const Document& d) { return "\"" + d.document_hash + "\""; }

// The ETag the server sent for this download, or the expected one when it sent none.
std::string ServerEtag(const Document& d, const DownloadResult& result) {
  return result.etag.empty() ? ExpectedEtag(d) : result.etag;
}

// The vault_settings key of the ceiling of this profile's last full reconcile.
std::string CeilingKey(int64_t profile_id) { return "full_reconcile_ceiling/" + std::to_string(profile_id); }
// The samenwerkingen of a profile where the last run left something undone, one id per line.
std::string RetryKey(int64_t profile_id) {
  return "retry_samenwerkingen/" + std::to_string(profile_id);
}

// What the server answered in a dossier's listings (deelnemers, documenten, activity) that
// cannot be used (malformed, too large or too deep JSON, a field of the wrong kind): that
// dossier's failure, not the run's. Marked by the HTTP status of the answer that carried it, so
// the run loop can tell it from corruption found here (catalog, store), which stops the run.
Status FromServer(Status st, const std::string& what) {
  if (st.code() == StatusCode::kCorruption && st.http_status() == 0) st.set_http_status(200);
  return st.WithContext(what);
}

// A vault below SV may not hold the name of a document above its ceiling, and a notification
// about one carries it (properties.documentNaam). The name stays only when the listing shows
// its document within the ceiling (`nameable`); otherwise it goes, from the fields and from the
// answer kept as it came.
void DropHiddenNames(Notificatie& n, const std::set<std::string>& nameable) {
  auto name = n.properties.find("documentNaam");
  if (name == n.properties.end()) return;
  auto id = n.properties.find("documentId");
  if (id != n.properties.end() && nameable.count(id->second) != 0) return;
  n.properties.erase(name);
  nlohmann::json raw = nlohmann::json::parse(n.raw_json, nullptr, false);
  if (raw.is_object() && raw.contains("properties") && raw["properties"].is_object()) {
    raw["properties"].erase("documentNaam");
  }
  n.raw_json = raw.is_discarded() ? std::string("{}") : raw.dump();
}

// Before the first byte is written: an answer whose headers announce another size than the
// listing's bestandsGrootte cannot be the document (RELIABILITY rule 6: a 206 must be for the
// expected total).
Status FitsPromisedSize(const Document& d, const DownloadResult& head) {
  if (!d.bestands_grootte) return Status::Ok();
  const int64_t promised = *d.bestands_grootte;
  const std::string what = "document " + d.document_id + ": ";
  if (head.http_status == 206 && head.content_range_total >= 0 &&
      head.content_range_total != promised) {
    return Corruption(what + "the server answers a range of " +
                      std::to_string(head.content_range_total) + " bytes, the listing gives " +
                      std::to_string(promised));
  }
  if (head.http_status == 200 && head.content_length > promised) {
    return Corruption(what + "the server announces " + std::to_string(head.content_length) +
                      " bytes, the listing gives " + std::to_string(promised));
  }
  return Status::Ok();
}

}  // namespace

// One download, from request to publication. Lives across retry rounds; FetchAll holds one
// per planned fetch (tens of thousands for a large dossier), so what only an attempt in
// flight needs lives in `now`, allocated per attempt.
struct SyncExecutor::FetchItem {
  struct Attempt {
    int64_t offset = 0;  // where this attempt's body starts
    std::shared_ptr<DownloadResult> result = std::make_shared<DownloadResult>();
    std::unique_ptr<BlobWriter> writer;
    Status sink_status;  // why the sink aborted, if it did
    bool over_promise = false;  // the answer was longer than the listing's bestandsGrootte
  };
  const Document* doc = nullptr;  // in the SyncPlan, which outlives the fetch
  std::unique_ptr<Attempt> now;   // the attempt in flight or being published
  Status last;                    // outcome of the last attempt
  double first_failure = -1;      // when an attempt first failed: the retry budget counts from here
  uint32_t token = 0;  // index in FetchAll's items, the publisher's handle
  int attempts = 0;
  bool done = false;
  // Bytes of the partial earlier runs left (-1: not looked at yet), counted as resumed at the
  // first 206 that keeps them; 0 once counted or once a whole answer replaced them.
  int64_t earlier_runs_bytes = -1;
  void CountResumed(std::atomic<int64_t>& total, int64_t kept) {
    if (earlier_runs_bytes <= 0) return;
    total += std::min(earlier_runs_bytes, kept);
    earlier_runs_bytes = 0;
  }
};

SyncExecutor::SyncExecutor(SwfClient& client, Transport& transport, BlobStore& store,
                           Catalog& catalog, Sleeper& sleeper, SyncObserver& observer)
    : client_(client), transport_(transport), store_(store), catalog_(catalog),
      sleeper_(sleeper), observer_(observer) {}

SyncReport SyncExecutor::Run(const SyncOptions& options) {
  SyncReport report;
  lost_objects_.reset();
  dossier_failures_ = 0;
  Profile record;
  record.name = options.profile_name;
  record.oin = options.oin;
  record.base_url = options.base_url;
  Result<int64_t> profile_id = options.dry_run ? KnownProfileId(record.name)
                                               : catalog_.UpsertProfile(record);
  if (!profile_id.ok()) {
    report.fatal = profile_id.status();
    return report;
  }
  if (!options.dry_run) {
    Result<int64_t> run = catalog_.BeginSyncRun(*profile_id);
    if (!run.ok()) {
      report.fatal = run.status();
      return report;
    }
    run_id_ = report.run_id = *run;
  }

  std::vector<Samenwerking> targets;
  std::vector<Notificatie> notes;
  Status collected = CollectTargets(options, *profile_id, &report, &targets, &notes);
  if (!collected.ok()) report.fatal = collected;
  for (const Samenwerking& s : targets) {
    if (!report.fatal.ok()) break;
    if (Stopping(options)) {
      report.fatal = StoppedOnRequest("sync before samenwerking " + s.samenwerking_id);
      break;
    }
    const size_t failures_before = report.failures.size();
    const int interrupted_before = report.interrupted;
    Status st = SyncSamenwerking(s, options, &report);
    if (!st.ok()) {
      // Retryable trouble, refusals and a listing the server got wrong stop this dossier; the
      // run goes on with the next one. Corruption found here (catalog, store) stops the run.
      const bool local_corruption = st.code() == StatusCode::kCorruption && st.http_status() == 0;
      if (st.code() == StatusCode::kResourceExhausted || EndsTheRun(st) ||
          st.code() == StatusCode::kUnauthenticated || st.code() == StatusCode::kIoError ||
          local_corruption || st.code() == StatusCode::kCancelled) {
        report.fatal = st;
      } else {
        observer_.OnWarning("samenwerking " + s.samenwerking_id + " not synced: " + st.ToString());
        report.failures.push_back(st);
      }
    }
    if (report.failures.size() > failures_before) {
      if (report.retry_samenwerkingen.empty() ||
          report.retry_samenwerkingen.back() != s.samenwerking_id) {
        report.retry_samenwerkingen.push_back(s.samenwerking_id);
      }
      dossier_failures_ += report.failures.size() - failures_before;
    }
    if (!options.dry_run) {
      const bool stopped =
          report.interrupted > interrupted_before || report.fatal.code() == StatusCode::kCancelled;
      RecordDossierOutcome(
          *profile_id, s.samenwerking_id, report.failures.size() - failures_before,
          stopped ? "stopped before the end"
          : report.fatal.ok()
              ? ""
              : "ended by an error (" + std::string(StatusCodeName(report.fatal.code())) + ")",
          &report);
    }
  }

  if (!options.dry_run && collected.ok() && report.mode == "full") {
    // A dossier this profile no longer takes part in cannot be finished by it.
    std::set<std::string> listed;
    for (const Samenwerking& s : targets) listed.insert(s.samenwerking_id);
    Status forgot = catalog_.ForgetSyncIncompleteExcept(*profile_id, listed);
    if (!forgot.ok() && report.fatal.ok()) report.fatal = forgot;
  }
  report.resumed_bytes = resumed_bytes_.exchange(0);
  if (!options.dry_run && report.fatal.ok()) {
    Status purged = PurgeAboveCeiling(options, &report);
    if (!purged.ok()) report.fatal = purged;
  }
  if (!options.dry_run) SweepStalePartials(&report);
  if (!options.dry_run) AdvanceMarks(options, *profile_id, notes, &report);
  if (!options.dry_run) {
    std::string outcome = report.fatal.code() == StatusCode::kCancelled ? "interrupted"
                          : !report.fatal.ok()         ? "failed"
                          : !report.failures.empty()   ? "partial"
                          : report.counts.quarantined  ? "integrity"
                                                       : "success";
    Status st = catalog_.FinishSyncRun(run_id_, outcome, report.counts);
    if (!st.ok() && report.fatal.ok()) report.fatal = st;
  }
  return report;
}

// A dry run changes nothing, not even the profile record: it reads the marks of the profile
// when there is one, and plans as for a first run (id 0 names no row) when there is none.
Result<int64_t> SyncExecutor::KnownProfileId(const std::string& name) {
  Result<Profile> known = catalog_.GetProfile(name);
  if (known.ok()) return known->profile_id;
  if (known.status().code() == StatusCode::kNotFound) return int64_t{0};
  return known.status();
}

// Each given id once, in the order given; an unknown one does not keep the others from syncing.
Status SyncExecutor::CollectSelected(const std::vector<std::string>& ids, SyncReport* report,
                                     std::vector<Samenwerking>* targets) {
  report->mode = "selected";
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    if (!seen.insert(id).second) continue;
    Result<Samenwerking> one = client_.GetSamenwerking(id);
    if (one.ok()) {
      targets->push_back(std::move(*one));
    } else if (one.status().code() == StatusCode::kNotFound) {
      report->unknown.push_back(id);
      report->failures.push_back(one.status().WithContext("samenwerking " + id));
    } else {
      return one.status().WithContext("samenwerking " + id);
    }
  }
  if (!targets->empty()) return Status::Ok();
  std::string names;
  for (const std::string& id : report->unknown) names += (names.empty() ? "" : ", ") + id;
  return NotFound("no samenwerking to sync: the server knows none of " + names);
}

Status SyncExecutor::CollectTargets(const SyncOptions& options, int64_t profile_id,
                                    SyncReport* report, std::vector<Samenwerking>* targets,
                                    std::vector<Notificatie>* notes) {
  if (!options.samenwerking_ids.empty()) return CollectSelected(options.samenwerking_ids, report, targets);
  int64_t lag = static_cast<int64_t>(options.notification_lag_seconds * 1e6);
  window_end_ = FormatUtcMillis(options.now_unix_micros - lag);
  SWF_ASSIGN_OR_RETURN(std::optional<std::string> mark, catalog_.GetNotificationHighWater(profile_id));
  SWF_ASSIGN_OR_RETURN(std::optional<std::string> last_full, catalog_.GetLastFullReconcile(profile_id));
  // A ceiling other than the last full reconcile's changes what every dossier may hold:
  // raised, withheld documents are fetched now; lowered, held ones are purged.
  SWF_ASSIGN_OR_RETURN(std::optional<std::string> last_ceiling, catalog_.GetSetting(CeilingKey(profile_id)));
  const bool ceiling_changed = last_ceiling.value_or("") != ConfidentialityName(options.ceiling);
  bool full = options.mode == SyncMode::kFull || !mark.has_value() || ceiling_changed ||
              (options.mode == SyncMode::kAuto &&
               (!last_full.has_value() ||
                FormatUtcMillis(options.now_unix_micros -
                                static_cast<int64_t>(options.full_reconcile_seconds * 1e6)) >
                    *last_full));
  if (full) {
    report->mode = "full";
    SWF_ASSIGN_OR_RETURN(*targets, client_.ListSamenwerkingen());
    return Status::Ok();
  }
  report->mode = "incremental";
  NotificatieWindow window;
  window.after = *mark;
  window.up_to = window_end_;
  SWF_ASSIGN_OR_RETURN(*notes, client_.ListAllNotificaties(window));
  report->notifications = static_cast<int>(notes->size());
  std::set<std::string> affected;
  for (const Notificatie& n : *notes) {
    if (!n.samenwerking_id.empty()) affected.insert(n.samenwerking_id);
  }
  // Dossiers the last run left something undone in are listed again.
  SWF_ASSIGN_OR_RETURN(std::optional<std::string> retry, catalog_.GetSetting(RetryKey(profile_id)));
  for (size_t at = 0, end; retry && at < retry->size(); at = end + 1) {
    end = retry->find('\n', at);
    if (end == std::string::npos) end = retry->size();
    if (end > at) affected.insert(retry->substr(at, end - at));
  }
  // Dossiers holding a document whose object is gone from the store are listed too, so the
  // object is fetched again now rather than at the next full reconciliation.
  {
    SWF_ASSIGN_OR_RETURN(std::vector<BlobRecord> blobs, catalog_.ListBlobs());
    SWF_RETURN_IF_ERROR(FindLostObjects(blobs));
  }
  if (!lost_objects_->empty()) {
    SWF_ASSIGN_OR_RETURN(std::vector<CatalogDocument> held, catalog_.ListDocuments(""));
    for (const CatalogDocument& c : held) {
      if (c.state == DocumentState::kPresent && lost_objects_->count(c.blob_sha256) != 0) {
        affected.insert(c.document.samenwerking_id);
      }
    }
  }
  for (const std::string& id : affected) {
    // Re-read from the API rather than trusting the notification.
    Result<Samenwerking> one = client_.GetSamenwerking(id);
    if (one.ok()) {
      targets->push_back(std::move(*one));
    } else if (one.status().code() == StatusCode::kNotFound) {
      observer_.OnWarning("samenwerking " + id + " is no longer visible (ended, or we were removed)");
    } else {
      return one.status().WithContext("samenwerking " + id);
    }
  }
  return Status::Ok();
}

// The listings plan only what they show. A document they no longer show (removed remotely, or
// in a samenwerking this profile no longer sees) that the vault still holds above an RV
// ceiling, as after `init --max-level RV` on a vault that held SV, is withheld and purged here:
// nothing above the ceiling stays.
Status SyncExecutor::PurgeAboveCeiling(const SyncOptions& options, SyncReport* report) {
  if (options.ceiling != Confidentiality::kRV) return Status::Ok();
  SWF_ASSIGN_OR_RETURN(std::vector<CatalogDocument> docs, catalog_.ListDocumentsAboveRv());
  for (const CatalogDocument& c : docs) {
    SyncAction withhold{Kind::kWithhold, 0, c.blob_sha256};
    SWF_RETURN_IF_ERROR(ApplyNonFetch(withhold, c.document, report));
  }
  // Names kept in notifications from before the ceiling was lowered (or of documents the vault
  // never held as RV) go too; once scrubbed, later runs find none.
  SWF_ASSIGN_OR_RETURN(std::vector<Notificatie> named, catalog_.NotificatiesNamingNoRvDocument());
  for (Notificatie& n : named) {
    DropHiddenNames(n, {});
    SWF_RETURN_IF_ERROR(catalog_.UpsertNotificatie(n));
  }
  return Status::Ok();
}

// What an export of the dossier will say about its last sync (Catalog::MarkSyncIncomplete).
void SyncExecutor::RecordDossierOutcome(int64_t profile_id, const std::string& samenwerking_id,
                                        size_t failures, const std::string& ended,
                                        SyncReport* report) {
  std::string undone;
  if (failures > 0) undone = std::to_string(failures) + (failures == 1 ? " failure" : " failures");
  if (!ended.empty()) undone += (undone.empty() ? "" : ", then ") + ended;
  Status st = undone.empty() ? catalog_.MarkSyncComplete(profile_id, samenwerking_id)
                             : catalog_.MarkSyncIncomplete(profile_id, samenwerking_id, undone);
  if (!st.ok() && report->fatal.ok())
    report->fatal = st.WithContext("record the sync of " + samenwerking_id);
}

// After a full reconcile that did everything it planned, no partial download is needed any
// more: a killed run's partial of a document that still exists was resumed and published. What
// is left belongs to documents that vanished, changed or went above the ceiling before their
// download finished, and would otherwise stay for ever. Only when this is the vault's only
// profile: another profile's partials are not this run's to judge (`gc --partial-max-age-hours`).
void SyncExecutor::SweepStalePartials(SyncReport* report) {
  if (report->mode != "full" || !report->fatal.ok() || !report->failures.empty() || !report->blocked.empty() ||
      report->counts.quarantined > 0 || report->counts.failed > 0 || report->interrupted > 0) {
    return;
  }
  Result<int64_t> profiles = catalog_.CountProfiles();
  if (!profiles.ok() || *profiles != 1) return;
  Result<std::vector<PartialDownload>> journal = catalog_.ListPartials();
  Status st = journal.status();
  for (const PartialDownload& p : journal.ok() ? *journal : std::vector<PartialDownload>{}) {
    if (st.ok()) st = catalog_.RemovePartial(p.document_id);  // the catalog lets go first
  }
  Result<PartialStats> removed = st.ok() ? store_.RemovePartials() : Result<PartialStats>(st);
  if (!removed.ok()) {
    observer_.OnWarning("stale partial downloads not removed: " + removed.status().ToString());
    return;
  }
  report->stale_partials = removed->files;
  report->stale_partial_bytes = removed->bytes;
}

void SyncExecutor::AdvanceMarks(const SyncOptions& options, int64_t profile_id,
                                const std::vector<Notificatie>& notes, SyncReport* report) {
  // The mark moves when the whole window was processed. Where a dossier failed (a download,
  // a quarantined document, its listing), the mark moves too, and the dossier goes on the retry
  // list that every following run re-reads until it syncs cleanly: one failing document does
  // not make every later run a full one. A failure outside the dossiers keeps the mark.
  if (report->mode == "selected" || !report->fatal.ok()) return;
  if (report->failures.size() != dossier_failures_) return;
  std::string retry;
  for (const std::string& id : report->retry_samenwerkingen) retry += id + "\n";
  Status st = catalog_.SetSetting(RetryKey(profile_id), retry);
  if (st.ok()) st = catalog_.SetNotificationHighWater(profile_id, window_end_);
  if (st.ok() && report->mode == "full") st = catalog_.SetLastFullReconcile(profile_id, window_end_);
  if (st.ok() && report->mode == "full") st = catalog_.SetSetting(CeilingKey(profile_id), ConfidentialityName(options.ceiling));
  if (!st.ok()) {
    report->fatal = st;
    return;
  }
  report->high_water = window_end_;
  if (!options.delete_notifications) return;
  for (const Notificatie& n : notes) {
    Status deleted = client_.DeleteNotificatie(n.notificatie_id);
    if (deleted.ok() || deleted.code() == StatusCode::kNotFound) {
      ++report->notifications_deleted;
    } else {
      observer_.OnWarning("notificatie " + n.notificatie_id + " not deleted: " + deleted.message());
    }
  }
}

Confidentiality SyncExecutor::CeilingFor(const std::string& samenwerking_id,
                                         const SyncOptions& options) {
  (void)samenwerking_id;
  // Defence in depth: a beperkte-toegang deelnemer keeps RV only, whatever the server sends.
  return LimitedHere(options) ? Confidentiality::kRV : options.ceiling;
}

bool SyncExecutor::LimitedHere(const SyncOptions& options) const {
  for (const Deelnemer& d : deelnemers_) {
    if (d.oin == options.oin && d.privilege == "BEPERKTE_TOEGANG") return true;
  }
  return false;
}

Result<bool> SyncExecutor::AnotherProfileClearedHere(const SyncOptions& options) {
  SWF_ASSIGN_OR_RETURN(std::vector<Profile> profiles, catalog_.ListProfiles());
  return AnotherProfileCleared(profiles, deelnemers_, options.oin);
}

Status SyncExecutor::KeepActivity(const Samenwerking& s, const std::set<std::string>* nameable) {
  SWF_RETURN_IF_ERROR(catalog_.ReplaceDeelnemers(s.samenwerking_id, deelnemers_));
  Result<std::vector<Actieverzoek>> verzoeken = client_.ListActieverzoeken(s.samenwerking_id);
  if (!verzoeken.ok())
    return FromServer(verzoeken.status(), "actieverzoeken of " + s.samenwerking_id);
  for (const Actieverzoek& a : *verzoeken) {
    SWF_RETURN_IF_ERROR(catalog_.UpsertActieverzoek(a));
    Result<std::vector<Bericht>> berichten = client_.ListBerichten(a.actieverzoek_id);
    if (!berichten.ok()) return FromServer(berichten.status(), "berichten of " + a.actieverzoek_id);
    for (const Bericht& b : *berichten) SWF_RETURN_IF_ERROR(catalog_.UpsertBericht(b));
  }
  Result<std::vector<Notificatie>> notificaties = client_.ListNotificaties(s.samenwerking_id);
  if (!notificaties.ok()) {
    return FromServer(notificaties.status(), "notificaties of " + s.samenwerking_id);
  }
  for (Notificatie& n : *notificaties) {
    if (nameable != nullptr) DropHiddenNames(n, *nameable);
    SWF_RETURN_IF_ERROR(catalog_.UpsertNotificatie(n));
  }
  return Status::Ok();
}

Status SyncExecutor::SyncSamenwerking(const Samenwerking& s, const SyncOptions& options,
                                      SyncReport* report) {
  const std::string& id = s.samenwerking_id;
  ++report->samenwerkingen;
  Result<std::vector<Deelnemer>> deelnemers = client_.ListDeelnemers(id);
  if (!deelnemers.ok()) return FromServer(deelnemers.status(), "deelnemers of " + id);
  deelnemers_ = std::move(*deelnemers);
  // Held compact until a document goes into the catalog (StoreDocument).
  Result<std::vector<Document>> listed = client_.ListDocumentenCompact(id);
  if (!listed.ok()) return FromServer(listed.status(), "documenten of " + id);
  std::vector<Document> remote = std::move(*listed);
  SWF_ASSIGN_OR_RETURN(std::vector<CatalogDocument> held, catalog_.ListDocuments(id));
  std::vector<LocalDocument> local;
  local.reserve(held.size());
  for (const CatalogDocument& c : held) local.push_back(ToLocal(c));
  std::vector<CatalogDocument>().swap(held);
  std::set<std::string> objects;
  {
    SWF_ASSIGN_OR_RETURN(std::vector<BlobRecord> blobs, catalog_.ListBlobs());
    SWF_ASSIGN_OR_RETURN(objects, ObjectsOnDisk(blobs));
  }

  PlannerOptions planner;
  planner.samenwerking_id = id;
  planner.ceiling = CeilingFor(id, options);
  planner.listing_hides_above_ceiling = LimitedHere(options);
  if (planner.listing_hides_above_ceiling) {
    SWF_ASSIGN_OR_RETURN(planner.hidden_kept_elsewhere, AnotherProfileClearedHere(options));
  }
  planner.mass_delete_percent = options.mass_delete_percent;
  if (options.allow_mass_delete) planner.mass_delete_minimum = std::numeric_limits<int>::max();
  // Below SV, the documents whose names the vault may keep (notifications name documents).
  std::set<std::string> nameable;
  if (options.with_activity && planner.ceiling < Confidentiality::kSV) {
    for (const Document& d : remote) {
      if (AllowedUnder(d.vertrouwelijkheid, planner.ceiling)) nameable.insert(d.document_id);
    }
  }
  SyncPlan plan = PlanSync(std::move(remote), local, objects, planner);
  std::vector<LocalDocument>().swap(local);
  std::set<std::string>().swap(objects);
  observer_.OnPlan(s, plan);
  report->unchanged += plan.unchanged;
  report->planned_fetches += plan.Count(Kind::kFetch);
  if (plan.blocked) {
    report->blocked.push_back(id + ": " + plan.blocked_reason);
    observer_.OnWarning(id + ": " + plan.blocked_reason);
  }
  if (options.dry_run) {
    for (const SyncAction& a : plan.actions) {
      static const char* kNames[] = {"planned-fetch", "planned-link", "planned-metadata",
                                     "planned-withhold", "planned-remove"};
      const Document& d = plan.DocumentOf(a);
      observer_.OnDocument(kNames[static_cast<int>(a.kind)], d, d.bestands_grootte.value_or(0),
                           Status::Ok());
    }
    return Status::Ok();
  }

  SWF_RETURN_IF_ERROR(ConfirmRemovals(id, &plan, report));
  SWF_RETURN_IF_ERROR(catalog_.UpsertSamenwerking(s));
  if (options.with_activity) {
    SWF_RETURN_IF_ERROR(
        KeepActivity(s, planner.ceiling < Confidentiality::kSV ? &nameable : nullptr));
  }

  std::vector<const Document*> fetches;
  std::vector<const SyncAction*> links;
  repairing_.clear();
  for (const SyncAction& a : plan.actions) {
    if (a.repair) repairing_.insert(plan.DocumentOf(a).document_id);
    if (a.kind == Kind::kFetch && !IsSha256Hex(plan.DocumentOf(a).document_hash)) {
      // Content that cannot be checked is not stored (rule 2), and not downloaded either.
      const Document& d = plan.DocumentOf(a);
      Status st = FromServer(
          Corruption("the server lists " +
                     (d.document_hash.empty() ? std::string("no documentHash")
                                              : "documentHash '" + d.document_hash.substr(0, 80) +
                                                    "', not a SHA-256 in hex") +
                     ", so its content cannot be checked and is not stored"),
          "document " + d.document_id);
      ++report->counts.failed;
      report->failures.push_back(st);
      observer_.OnDocument("failed", d, 0, st);
    } else if (a.kind == Kind::kFetch)
      fetches.push_back(&plan.DocumentOf(a));
    else if (a.kind == Kind::kLink) links.push_back(&a);
    else SWF_RETURN_IF_ERROR(ApplyNonFetch(a, plan.DocumentOf(a), report));
  }
  FetchAll(fetches, options, report);
  if (Stopping(options)) return StoppedOnRequest("samenwerking " + id);
  if (!report->fatal.ok()) return Status::Ok();  // the run ends (disk full); RunSync reports it
  for (const SyncAction* a : links) {
    Status st = ApplyNonFetch(*a, plan.DocumentOf(*a), report);
    if (!st.ok()) report->failures.push_back(st);
  }
  return Status::Ok();
}

Status SyncExecutor::FindLostObjects(const std::vector<BlobRecord>& blobs) {
  if (lost_objects_) return Status::Ok();
  // One stat per object and run: a sync every few minutes over tens of thousands of objects
  // costs milliseconds, and a lost object is fetched again by the next run.
  std::set<std::string> lost;
  for (const BlobRecord& b : blobs) {
    SWF_ASSIGN_OR_RETURN(bool has, store_.Has(b.sha256));
    if (!has) lost.insert(b.sha256);
  }
  lost_objects_ = std::move(lost);
  return Status::Ok();
}

bool SyncExecutor::Repairs(const Document& d, const CommitResult& committed) const {
  return committed.repaired || repairing_.count(d.document_id) != 0;
}

Result<std::set<std::string>> SyncExecutor::ObjectsOnDisk(const std::vector<BlobRecord>& objects) {
  SWF_RETURN_IF_ERROR(FindLostObjects(objects));
  std::set<std::string> present;
  for (const BlobRecord& b : objects) {
    if (lost_objects_->count(b.sha256) == 0) present.insert(b.sha256);
  }
  return present;
}

Status SyncExecutor::RecordEvent(EventKind kind, const Document& d, const std::string& sha256,
                                 const std::string& detail) {
  Event e;
  e.run_id = run_id_;
  e.kind = kind;
  e.document_id = d.document_id;
  e.samenwerking_id = d.samenwerking_id;
  e.sha256 = sha256;
  e.detail = detail;
  return catalog_.AppendEvent(e).status();
}

Status SyncExecutor::StoreDocument(const Document& d, DocumentState state,
                                   const std::string& sha256) {
  Document whole = d;
  whole.raw_json = RestoreKnownFields(d);
  return catalog_.UpsertDocument(whole, state, sha256);
}

Status SyncExecutor::ApplyNonFetch(const SyncAction& a, const Document& d, SyncReport* report) {
  switch (a.kind) {
    case Kind::kLink: {
      // The object may have been published by a fetch earlier in this run, or be missing
      // if that fetch failed: then the next run fetches it.
      Result<bool> has = store_.Has(d.document_hash);
      if (!has.ok()) return has.status();
      if (!*has) return Unavailable("document " + d.document_id + ": object " + d.document_hash +
                                    " not available yet");
      SWF_ASSIGN_OR_RETURN(Catalog::Transaction txn, catalog_.Begin());
      SWF_RETURN_IF_ERROR(StoreDocument(d, DocumentState::kPresent, d.document_hash));
      SWF_RETURN_IF_ERROR(RecordEvent(EventKind::kLinked, d, d.document_hash, ""));
      SWF_RETURN_IF_ERROR(txn.Commit());
      ++report->counts.linked;
      observer_.OnDocument("linked", d, 0, Status::Ok());
      return Status::Ok();
    }
    case Kind::kUpdateMetadata: {
      SWF_ASSIGN_OR_RETURN(Catalog::Transaction txn, catalog_.Begin());
      SWF_RETURN_IF_ERROR(StoreDocument(d, DocumentState::kPresent, d.document_hash));
      SWF_RETURN_IF_ERROR(RecordEvent(EventKind::kMetadataChanged, d, d.document_hash, ""));
      SWF_RETURN_IF_ERROR(txn.Commit());
      ++report->counts.metadata_updated;
      observer_.OnDocument("metadata", d, 0, Status::Ok());
      return Status::Ok();
    }
    case Kind::kWithhold: {
      // Whatever the vault holds of it goes: the object (unless a document it may keep shares
      // it) and any partial download. The catalog lets go first, in one transaction, so no row
      // ever names a removed file; a crash before the file is removed leaves an orphan object,
      // which `gc` collects.
      std::string level(ConfidentialityName(d.vertrouwelijkheid));
      const std::string& held = a.held_sha256;
      bool purge = false;
      if (!held.empty()) {
        SWF_ASSIGN_OR_RETURN(purge, OnlyHolder(held, d.document_id));
      }
      // What the catalog knows of its content, read before the withhold forgets it: the
      // documentHash it kept (a document the vault only quarantined holds no object; its
      // rejected download is named by that hash) and the journaled partial download's file.
      std::set<std::string> shas = {d.document_hash, held};
      if (Result<CatalogDocument> was = catalog_.GetDocument(d.document_id); was.ok()) {
        shas.insert(was->document.document_hash);
      }
      SWF_ASSIGN_OR_RETURN(std::optional<PartialDownload> partial,
                           catalog_.GetPartial(d.document_id));
      SWF_ASSIGN_OR_RETURN(Catalog::Transaction txn, catalog_.Begin());
      SWF_RETURN_IF_ERROR(catalog_.RecordWithheld(d.document_id, d.samenwerking_id,
                                                  d.vertrouwelijkheid));
      SWF_RETURN_IF_ERROR(catalog_.RemovePartial(d.document_id));
      if (purge) SWF_RETURN_IF_ERROR(catalog_.RemoveBlob(held));
      SWF_RETURN_IF_ERROR(RecordEvent(EventKind::kWithheld, d, "",
                                      "level=" + level + (purge ? " purged=" + held : "")));
      SWF_RETURN_IF_ERROR(txn.Commit());
      if (purge) SWF_RETURN_IF_ERROR(store_.RemoveObject(held));
      // Partials are named by the document and the documentHash they were fetched for.
      for (const std::string& sha : shas) {
        if (!sha.empty()) SWF_RETURN_IF_ERROR(store_.DiscardPartial(d.document_id, sha));
      }
      if (partial.has_value()) {
        Status st = store_.DiscardPartialFile(BaseName(partial->partial_path));
        if (!st.ok() && st.code() != StatusCode::kInvalidArgument) return st;  // not ours: left
      }
      // And what quarantine/ keeps of that content (a rejected download, an object verify
      // moved aside): no copy of it may stay either.
      SWF_RETURN_IF_ERROR(store_.DiscardQuarantined(shas).status());
      ++report->counts.withheld;
      observer_.OnDocument("withheld", d, 0, Status::Ok());
      return Status::Ok();
    }
    case Kind::kMarkRemoved: {
      SWF_ASSIGN_OR_RETURN(Catalog::Transaction txn, catalog_.Begin());
      SWF_RETURN_IF_ERROR(catalog_.SetDocumentState(d.document_id, DocumentState::kRemovedRemotely));
      SWF_RETURN_IF_ERROR(RecordEvent(EventKind::kRemovedRemotely, d, d.document_hash, ""));
      SWF_RETURN_IF_ERROR(txn.Commit());
      ++report->counts.removed;
      observer_.OnDocument("removed", d, 0, Status::Ok());
      return Status::Ok();
    }
    case Kind::kFetch: break;
  }
  return Internal("fetch handed to ApplyNonFetch");
}

Status SyncExecutor::ConfirmRemovals(const std::string& samenwerking_id, SyncPlan* plan,
                                     SyncReport* report) {
  // A listing paged while the dossier changed can skip a document that is still there (a
  // deletion moves it onto a page already read). Only what a second listing lacks as well is
  // marked removed: one more listing of a dossier where something vanished, not a request per
  // document.
  if (plan->Count(Kind::kMarkRemoved) == 0) return Status::Ok();
  Result<std::vector<Document>> again = client_.ListDocumentenCompact(samenwerking_id);
  if (!again.ok())
    return FromServer(again.status(), "documenten of " + samenwerking_id + " (again)");
  std::set<std::string> listed;
  for (const Document& d : *again) listed.insert(d.document_id);
  std::vector<Document>().swap(*again);
  const size_t before = plan->actions.size();
  std::erase_if(plan->actions, [&](const SyncAction& a) {
    return a.kind == Kind::kMarkRemoved && listed.count(plan->DocumentOf(a).document_id) != 0;
  });
  const size_t still_there = before - plan->actions.size();
  if (still_there == 0) return Status::Ok();
  // The same shift may have hidden new or changed documents: the next run lists it again.
  observer_.OnWarning(std::to_string(still_there) +
                      (still_there == 1 ? " document" : " documents") +
                      " missing from the listing of " + samenwerking_id +
                      " came back in a second one (the dossier changed while it was listed); "
                      "not marked removed, and the next run lists the dossier again");
  report->retry_samenwerkingen.push_back(samenwerking_id);
  return Status::Ok();
}

Result<bool> SyncExecutor::OnlyHolder(const std::string& sha256, const std::string& document_id) {
  SWF_ASSIGN_OR_RETURN(bool shared, catalog_.BlobHeldByAnother(sha256, document_id));
  return !shared;
}

HttpRequest SyncExecutor::BuildRequest(FetchItem& item) {
  const Document& d = *item.doc;
  DownloadOptions options;
  Result<uint64_t> partial = store_.PartialSize(d.document_id, d.document_hash);
  Result<std::optional<PartialDownload>> journal = [&] {
    std::lock_guard<std::mutex> lock(catalog_mu_);
    return catalog_.GetPartial(d.document_id);
  }();
  std::string etag = ExpectedEtag(d);
  if (journal.ok() && journal->has_value() && !(*journal)->etag.empty()) etag = (*journal)->etag;
  if (partial.ok() && *partial > 0) {
    options.offset = static_cast<int64_t>(*partial);
    options.if_range = etag;  // a changed document answers 200 and we start over
  }
  item.now = std::make_unique<FetchItem::Attempt>();
  item.now->offset = options.offset;
  if (item.earlier_runs_bytes < 0) item.earlier_runs_bytes = options.offset;
  FetchItem::Attempt* self = item.now.get();
  FetchItem* owner = &item;
  SyncExecutor* executor = this;
  return client_.MakeDownloadRequest(
      d.document_id, options,
      [self, owner, executor](std::string_view chunk) -> Status {
        if (self->writer == nullptr) {
          if (executor->vault_unwritable_.load()) {
            return self->sink_status =
                       Cancelled("document " + owner->doc->document_id +
                                 ": not started, the vault is full or not writable");
          }
          Status fits = FitsPromisedSize(*owner->doc, *self->result);
          self->over_promise = !fits.ok();
          if (!fits.ok()) return self->sink_status = fits;
          Status opened = executor->OpenWriter(*owner);
          if (!opened.ok()) return self->sink_status = opened;
        }
        // Never more than the listing promised: a body that runs on (a broken proxy, a server
        // sending the wrong file) would otherwise fill the disk before the hash check refuses
        // it.
        const std::optional<int64_t>& promised = owner->doc->bestands_grootte;
        if (promised && self->writer->size() + chunk.size() > static_cast<uint64_t>(*promised)) {
          self->over_promise = true;
          return self->sink_status = Corruption(
                     "document " + owner->doc->document_id + ": the server sent more than the " +
                     std::to_string(*promised) + " bytes the listing gives as its size");
        }
        Status st = self->writer->Append(chunk);
        if (!st.ok()) return self->sink_status = st;
        executor->bytes_done_.fetch_add(static_cast<int64_t>(chunk.size()), std::memory_order_relaxed);
        return Status::Ok();
      },
      self->result);
}

Status SyncExecutor::OpenWriter(FetchItem& item) {
  const Document& d = *item.doc;
  if (item.now->result->http_status != 206) {
    // A full answer: whatever partial existed is stale (or there was none).
    SWF_RETURN_IF_ERROR(store_.DiscardPartial(d.document_id, d.document_hash));
    item.now->offset = 0;
    item.earlier_runs_bytes = 0;
  } else {
    item.CountResumed(resumed_bytes_, item.now->offset);  // kept, and really not sent again
  }
  SWF_ASSIGN_OR_RETURN(item.now->writer, store_.OpenPartial(d.document_id, d.document_hash));
  if (static_cast<int64_t>(item.now->writer->size()) != item.now->offset) {
    Status bad = Corruption("partial of document " + d.document_id + " holds " +
                            std::to_string(item.now->writer->size()) + " bytes, expected " +
                            std::to_string(item.now->offset));
    (void)item.now->writer->Discard();
    item.now->writer.reset();
    return bad;
  }
  // The partial's name already carries the expected ETag, so the journal is only needed when
  // the server's ETag differs (If-Range must repeat it); a download that fails part-way is
  // journaled by Finish. This runs on a transfer thread: no catalog commit (and its fsync)
  // in the common case.
  if (ServerEtag(d, *item.now->result) == ExpectedEtag(d)) return Status::Ok();
  return RecordJournal(item);
}

Status SyncExecutor::RecordJournal(const FetchItem& item) {
  PartialDownload journal;
  journal.document_id = item.doc->document_id;
  journal.etag = ServerEtag(*item.doc, *item.now->result);
  journal.partial_path = item.now->writer->path();
  journal.bytes = item.now->writer->size();
  std::lock_guard<std::mutex> lock(catalog_mu_);
  return catalog_.RecordPartial(journal);
}

void SyncExecutor::FetchAll(const std::vector<const Document*>& fetches,
                            const SyncOptions& options, SyncReport* report) {
  if (fetches.empty()) return;
  // Reserved once: the items never move, so requests, pending lists and the publisher's
  // tokens (indexes) can point at them.
  std::vector<FetchItem> items(fetches.size());
  std::vector<FetchItem*> pending;
  pending.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    FetchItem& item = items[i];
    bytes_total_ += fetches[i]->bestands_grootte.value_or(0);
    item.doc = fetches[i];
    item.token = static_cast<uint32_t>(i);
    pending.push_back(&item);
  }
  docs_total_ += static_cast<int>(items.size());
  // Largest first: the big downloads overlap with many small ones instead of one of them
  // running alone at the end (longest-processing-time-first scheduling).
  std::stable_sort(pending.begin(), pending.end(), [](const FetchItem* a, const FetchItem* b) {
    return a->doc->bestands_grootte.value_or(0) > b->doc->bestands_grootte.value_or(0);
  });
  ObjectPublisher publisher(store_, options.publish_threads,
                            [this, &items](const std::vector<PublishOutcome*>& group) {
                              return RecordPublished(items, group);
                            });
  auto apply = [&](std::vector<PublishOutcome> outcomes) {
    for (const PublishOutcome& o : outcomes) Published(items[o.token], o, report);
  };
  RetryPolicy policy(options.retry);
  int rounds_without_progress = 0;
  // Requests (and the transport's outcomes) exist for one window at a time, so a dossier of
  // tens of thousands of documents costs little memory beyond the documents themselves.
  constexpr size_t kWindow = 1024;
  while (!pending.empty()) {
    for (size_t first = 0;
         first < pending.size() && !Stopping(options) && !vault_unwritable_.load();
         first += kWindow) {
      size_t end = std::min(pending.size(), first + kWindow);
      std::vector<HttpRequest> requests;
      requests.reserve(end - first);
      for (size_t i = first; i < end; ++i) {
        FetchItem* item = pending[i];
        ++item->attempts;
        requests.push_back(BuildRequest(*item));
      }
      transport_.RunBatch(std::move(requests), static_cast<size_t>(std::max(1, options.transfers)),
                          [&](size_t index, const Result<HttpResponse>& result) {
                            Finish(*pending[first + index], result, publisher);
                            apply(publisher.TakeDone());
                            observer_.OnProgress(bytes_done_.load(), bytes_total_, docs_done_, docs_total_);
                          });
    }
    apply(publisher.Drain());
    observer_.OnProgress(bytes_done_.load(), bytes_total_, docs_done_, docs_total_);
    if (Stopping(options)) {
      // Not failures: what arrived is kept (journaled partials) and the next run goes on.
      for (const FetchItem* item : pending) report->interrupted += item->done ? 0 : 1;
      return;
    }
    if (vault_unwritable_.load()) {
      // Rule 4: no retries, no more downloads; the run ends with the disk-full code.
      for (FetchItem* item : pending) {
        if (item->done) continue;
        if (EndsTheRun(item->last) && report->fatal.ok()) report->fatal = item->last;
        ++report->counts.failed;
        observer_.OnDocument("failed", *item->doc, 0, item->last);
      }
      if (report->fatal.ok()) report->fatal = first_unwritable_;
      return;
    }
    int succeeded = 0;
    std::vector<FetchItem*> again;
    double wait = 0;
    for (FetchItem* item : pending) {
      if (item->done) {
        if (item->last.ok()) ++succeeded;
        continue;
      }
      // From the item's first failure: a first pass over thousands of documents can take longer
      // than the budget, and the items it reached last would get no retry at all.
      const double now = sleeper_.NowSeconds();
      if (item->first_failure < 0) item->first_failure = now;
      RetryDecision decision = policy.Decide(item->last, item->attempts, now - item->first_failure);
      if (!decision.retry) {
        item->done = true;
        ++report->counts.failed;
        report->failures.push_back(item->last);
        observer_.OnDocument("failed", *item->doc, 0, item->last);
        continue;
      }
      wait = std::max(wait, decision.delay_seconds);
      again.push_back(item);
    }
    rounds_without_progress = succeeded == 0 ? rounds_without_progress + 1 : 0;
    if (!again.empty() && rounds_without_progress >= 3) {
      // Most requests fail: stop early rather than hammer a struggling server.
      for (FetchItem* item : again) {
        ++report->counts.failed;
        report->failures.push_back(item->last.WithContext("gave up after " +
                                                          std::to_string(item->attempts) +
                                                          " attempts without progress"));
        observer_.OnDocument("failed", *item->doc, 0, item->last);
      }
      break;
    }
    if (!again.empty() && wait > 0) {
      observer_.OnWarning("retrying " + std::to_string(again.size()) + " downloads in " +
                          std::to_string(static_cast<int>(wait + 0.5)) + " s");
      sleeper_.SleepFor(wait);
    }
    pending = std::move(again);
  }
}

void SyncExecutor::Finish(FetchItem& item, const Result<HttpResponse>& result,
                          ObjectPublisher& publisher) {
  Status st = result.ok() ? Status::Ok() : result.status();
  if (!item.now->sink_status.ok()) st = item.now->sink_status;
  const int64_t offset = item.now->offset;
  if (st.http_status() == 416 && offset > 0 && item.doc->bestands_grootte == offset) {
    // Every byte is here already (a run stopped between the last byte and publishing), so the
    // server has none after them to send. Checked and published as they are, not fetched
    // again; a wrong one is quarantined like any download.
    Result<std::unique_ptr<BlobWriter>> kept =
        store_.OpenPartial(item.doc->document_id, item.doc->document_hash);
    if (kept.ok() && static_cast<int64_t>((*kept)->size()) == offset) {
      item.now->writer = std::move(*kept);
      st = Status::Ok();
      item.CountResumed(resumed_bytes_, offset);
    }
  }
  if (st.ok() && item.now->writer == nullptr) st = OpenWriter(item);  // an empty body never reached the sink
  if (st.ok()) st = item.now->writer->Flush();  // on disk, and no buffer held while it waits
  if (st.ok()) {
    // The publisher reports back through Published(); until then the item is in flight.
    const Document& d = *item.doc;
    PublishJob job;
    job.token = item.token;
    job.expected_sha256 = d.document_hash;
    job.expected_size = d.bestands_grootte.has_value() ? static_cast<uint64_t>(*d.bestands_grootte)
                                                       : item.now->writer->size();
    job.writer = std::move(item.now->writer);
    publisher.Submit(std::move(job));
    return;
  }
  item.last = st;
  if (EndsTheRun(st)) {
    // The writer has removed its file (rule 4); nothing goes into the catalog either.
    VaultUnwritable(st);
    item.now->writer.reset();
    return;
  }
  if (item.now->writer != nullptr) {
    // Keep what arrived: the partial file stays for the next attempt or run.
    (void)item.now->writer->Flush();
    (void)RecordJournal(item);
    item.now->writer.reset();
  }
  std::lock_guard<std::mutex> lock(catalog_mu_);
  if (st.http_status() == 416) {
    // The partial is longer than the document: it can only be wrong.
    (void)store_.DiscardPartial(item.doc->document_id, item.doc->document_hash);
    (void)catalog_.RemovePartial(item.doc->document_id);
    item.last = Unavailable("document " + item.doc->document_id + ": range not satisfiable, restarting");
    return;
  }
  if (st.code() == StatusCode::kCorruption && !RetryPolicy::IsRetryable(st)) {
    // A lying Content-Range or a bad partial: start over from zero next attempt. An answer
    // longer than the listing promises is the server's error, not the line's: no attempt
    // would do better, so it fails the document as corruption (exit 5) instead of being
    // fetched up to its promised size again and again as "retry later".
    (void)store_.DiscardPartial(item.doc->document_id, item.doc->document_hash);
    (void)catalog_.RemovePartial(item.doc->document_id);
    if (!item.now->over_promise) item.last = Unavailable(st.message());
  }
}

// On the calling thread (Finish, Published): the first ENOSPC or local EACCES ends the run.
void SyncExecutor::VaultUnwritable(const Status& why) {
  if (first_unwritable_.ok()) first_unwritable_ = why;
  vault_unwritable_.store(true);
}

// On the publisher's finisher thread: one transaction for a whole durable group.
Status SyncExecutor::RecordPublished(const std::vector<FetchItem>& items,
                                     const std::vector<PublishOutcome*>& group) {
  std::lock_guard<std::mutex> lock(catalog_mu_);
  SWF_ASSIGN_OR_RETURN(Catalog::Transaction txn, catalog_.Begin());
  for (const PublishOutcome* o : group) {
    const Document& d = *items[o->token].doc;
    SWF_RETURN_IF_ERROR(catalog_.RemovePartial(d.document_id));
    if (o->committed.ok()) {
      const BlobRecord& blob = o->committed->blob;
      const bool repaired = Repairs(d, *o->committed);
      SWF_RETURN_IF_ERROR(catalog_.RecordBlob(blob));
      SWF_RETURN_IF_ERROR(StoreDocument(d, DocumentState::kPresent, blob.sha256));
      SWF_RETURN_IF_ERROR(RecordEvent(repaired ? EventKind::kRepaired : EventKind::kFetched, d,
                                      blob.sha256, "size=" + std::to_string(blob.size)));
    } else if (o->committed.status().code() == StatusCode::kCorruption) {
      SWF_RETURN_IF_ERROR(StoreDocument(d, DocumentState::kQuarantined, ""));
      SWF_RETURN_IF_ERROR(RecordEvent(EventKind::kQuarantined, d, "",
                                      "expected=" + d.document_hash +
                                          " kept=" + o->quarantine_path));
    }
  }
  return txn.Commit();
}

// On the calling thread (RunBatch completions): what the publisher did with one download.
void SyncExecutor::Published(FetchItem& item, const PublishOutcome& outcome, SyncReport* report) {
  const Document& d = *item.doc;
  if (!outcome.recorded.ok()) {
    item.last = outcome.recorded.WithContext("document " + d.document_id);
    if (EndsTheRun(outcome.recorded)) VaultUnwritable(outcome.recorded);
    return;
  }
  if (!outcome.committed.ok()) {
    const Status& st = outcome.committed.status();
    if (st.code() != StatusCode::kCorruption) {
      item.last = st;
      if (EndsTheRun(st)) VaultUnwritable(st);
      return;
    }
    ++report->counts.quarantined;
    ++docs_done_;
    item.done = true;
    item.now.reset();
    item.last = Status::Ok();  // handled: never retried within this run
    report->failures.push_back(st.WithContext("document " + d.document_id));
    observer_.OnDocument("quarantined", d, 0, st);
    return;
  }
  const BlobRecord& blob = outcome.committed->blob;
  item.done = true;
  item.last = Status::Ok();
  ++report->counts.fetched;
  report->counts.bytes += item.now->result->bytes_received;
  item.now.reset();
  ++docs_done_;
  const bool repaired = Repairs(d, *outcome.committed);
  if (repaired) ++report->repaired;
  if (lost_objects_) lost_objects_->erase(blob.sha256);
  observer_.OnDocument(repaired ? "repaired" : "fetched", d, static_cast<int64_t>(blob.size),
                       Status::Ok());
}

}  // namespace swfvault
