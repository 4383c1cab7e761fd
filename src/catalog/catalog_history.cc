// Catalog: the partial-download journal, collaboration rows for export, sync runs, the
// append-only event history, the upload outbox and notification high-water marks.
#include <nlohmann/json.hpp>

#include "catalog/catalog_internal.h"
#include "swfvault/catalog.h"

namespace swfvault {
namespace {

using nlohmann::json;

// Parses a fields_json column we wrote ourselves; a failure means the row was damaged.
Result<json> ParseFields(const std::string& text, std::string_view table) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Corruption("unreadable fields_json in " + std::string(table));
  }
  return j;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json ActieverzoekFields(const Actieverzoek& a) {
  return json{{"titel", a.titel},           {"omschrijving", a.omschrijving},
              {"melding", a.melding},       {"productId", a.product_id},
              {"zender", a.zender},         {"ontvanger", a.ontvanger},
              {"documenten", a.documenten}, {"creatieDatumTijd", a.creatie_datum_tijd}};
}

Result<Actieverzoek> ReadActieverzoek(const SqliteStatement& s) {
  SWF_ASSIGN_OR_RETURN(json f, ParseFields(s.Text(3), "actieverzoeken"));
  Actieverzoek a;
  a.actieverzoek_id = s.Text(0);
  a.samenwerking_id = s.Text(1);
  a.status = s.Text(2);
  a.raw_json = s.Text(4);
  a.laatst_aangepast_datum_tijd = s.Text(5);
  a.titel = Str(f, "titel");
  a.omschrijving = Str(f, "omschrijving");
  a.melding = Str(f, "melding");
  a.product_id = Str(f, "productId");
  a.zender = Str(f, "zender");
  a.ontvanger = Str(f, "ontvanger");
  a.creatie_datum_tijd = Str(f, "creatieDatumTijd");
  if (auto it = f.find("documenten"); it != f.end() && it->is_array()) {
    for (const json& id : *it) {
      if (id.is_string()) a.documenten.push_back(id.get<std::string>());
    }
  }
  return a;
}

json NotificatieFields(const Notificatie& n) {
  return json{{"notificatieTitel", n.notificatie_titel},
              {"notificatieTekst", n.notificatie_tekst},
              {"eventInitiator", n.event_initiator},
              {"deelnemer", n.deelnemer},
              {"properties", n.properties}};
}

Result<Notificatie> ReadNotificatie(const SqliteStatement& s) {
  SWF_ASSIGN_OR_RETURN(json f, ParseFields(s.Text(4), "notificaties"));
  Notificatie n;
  n.notificatie_id = s.Text(0);
  n.samenwerking_id = s.Text(1);
  n.notificatie_type = s.Text(2);
  n.event_datum_tijd = s.Text(3);
  n.raw_json = s.Text(5);
  n.notificatie_titel = Str(f, "notificatieTitel");
  n.notificatie_tekst = Str(f, "notificatieTekst");
  n.event_initiator = Str(f, "eventInitiator");
  n.deelnemer = Str(f, "deelnemer");
  if (auto it = f.find("properties"); it != f.end() && it->is_object()) {
    for (const auto& [key, value] : it->items()) {
      if (value.is_string()) n.properties[key] = value.get<std::string>();
    }
  }
  return n;
}

Result<EventKind> ParseEventKind(const std::string& name) {
  for (int k = 0; k <= static_cast<int>(EventKind::kUploaded); ++k) {
    if (EventKindName(static_cast<EventKind>(k)) == name) return static_cast<EventKind>(k);
  }
  return Corruption("unknown event kind '" + name + "' in catalog");
}

Result<OutboxState> ParseOutboxState(const std::string& name) {
  for (OutboxState s : {OutboxState::kPending, OutboxState::kSent, OutboxState::kConfirmed}) {
    if (OutboxStateName(s) == name) return s;
  }
  return Corruption("unknown outbox state '" + name + "' in catalog");
}

constexpr char kOutboxSelect[] =
    "SELECT outbox_id, samenwerking_id, content_sha256, upload_key, local_path, state,"
    " document_id, created_at, updated_at FROM upload_outbox";

Result<OutboxEntry> ReadOutbox(const SqliteStatement& s) {
  OutboxEntry e;
  e.outbox_id = s.Int(0);
  e.samenwerking_id = s.Text(1);
  e.content_sha256 = s.Text(2);
  e.upload_key = s.Text(3);
  e.local_path = s.Text(4);
  SWF_ASSIGN_OR_RETURN(e.state, ParseOutboxState(s.Text(5)));
  e.document_id = s.Text(6);
  e.created_at = s.Text(7);
  e.updated_at = s.Text(8);
  return e;
}

constexpr char kSyncRunSelect[] =
    "SELECT run_id, profile_id, started_at, ended_at, outcome, fetched, linked,"
    " metadata_updated, removed, withheld, quarantined, failed, bytes FROM sync_runs";

SyncRun ReadSyncRun(const SqliteStatement& s) {
  SyncRun r;
  r.run_id = s.Int(0);
  r.profile_id = s.Int(1);
  r.started_at = s.Text(2);
  r.ended_at = s.Text(3);
  r.outcome = s.Text(4);
  r.counts = SyncCounts{s.Int(5), s.Int(6), s.Int(7), s.Int(8), s.Int(9), s.Int(10), s.Int(11), s.Int(12)};
  return r;
}

// Collects every row of `s` through `read` (a function returning Result<T>).
template <typename T, typename Read>
Result<std::vector<T>> Collect(SqliteStatement& s, Read read) {
  std::vector<T> out;
  while (true) {
    SWF_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    Result<T> item = read(s);
    if (!item.ok()) return item.status();
    out.push_back(std::move(item).value());
  }
}

}  // namespace

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kFetched: return "fetched";
    case EventKind::kLinked: return "linked";
    case EventKind::kVerified: return "verified";
    case EventKind::kVerifyFailed: return "verify_failed";
    case EventKind::kMetadataChanged: return "metadata_changed";
    case EventKind::kRemovedRemotely: return "removed_remotely";
    case EventKind::kWithheld: return "withheld";
    case EventKind::kQuarantined: return "quarantined";
    case EventKind::kRepaired: return "repaired";
    case EventKind::kUploaded: return "uploaded";
  }
  return "unknown";
}

std::string_view OutboxStateName(OutboxState state) {
  switch (state) {
    case OutboxState::kPending: return "pending";
    case OutboxState::kSent: return "sent";
    case OutboxState::kConfirmed: return "confirmed";
  }
  return "unknown";
}

// --- partial downloads ----------------------------------------------------------------

Status Catalog::RecordPartial(const PartialDownload& p) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO partial_downloads(document_id, etag, partial_path, bytes, updated_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(document_id) DO UPDATE SET"
      " etag = excluded.etag, partial_path = excluded.partial_path, bytes = excluded.bytes,"
      " updated_at = excluded.updated_at"));
  s.Bind(1, p.document_id).Bind(2, p.etag).Bind(3, p.partial_path);
  s.Bind(4, static_cast<int64_t>(p.bytes)).Bind(5, Now());
  return s.Run();
}

Result<std::optional<PartialDownload>> Catalog::GetPartial(std::string_view document_id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "SELECT document_id, etag, partial_path, bytes, updated_at FROM partial_downloads"
      " WHERE document_id = ?1"));
  s.Bind(1, document_id);
  SWF_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<PartialDownload>();
  return std::optional<PartialDownload>(PartialDownload{
      s.Text(0), s.Text(1), s.Text(2), static_cast<uint64_t>(s.Int(3)), s.Text(4)});
}

Status Catalog::RemovePartial(std::string_view document_id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s,
                       db_->Prepare("DELETE FROM partial_downloads WHERE document_id = ?1"));
  return s.Bind(1, document_id).Run();
}

Result<std::vector<PartialDownload>> Catalog::ListPartials() {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "SELECT document_id, etag, partial_path, bytes, updated_at FROM partial_downloads"
      " ORDER BY document_id"));
  return Collect<PartialDownload>(s, [](const SqliteStatement& r) -> Result<PartialDownload> {
    return PartialDownload{r.Text(0), r.Text(1), r.Text(2), static_cast<uint64_t>(r.Int(3)),
                           r.Text(4)};
  });
}

// --- actieverzoeken, berichten, notificaties ------------------------------------------

Status Catalog::UpsertActieverzoek(const Actieverzoek& a) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO actieverzoeken(actieverzoek_id, samenwerking_id, status, fields_json,"
      " raw_json, laatst_aangepast_datum_tijd, first_seen, last_seen)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) ON CONFLICT(actieverzoek_id) DO UPDATE SET"
      " samenwerking_id = excluded.samenwerking_id, status = excluded.status,"
      " fields_json = excluded.fields_json, raw_json = excluded.raw_json,"
      " laatst_aangepast_datum_tijd = excluded.laatst_aangepast_datum_tijd,"
      " last_seen = excluded.last_seen"));
  s.Bind(1, a.actieverzoek_id).Bind(2, a.samenwerking_id).Bind(3, a.status);
  s.Bind(4, ActieverzoekFields(a).dump()).Bind(5, a.raw_json);
  s.Bind(6, a.laatst_aangepast_datum_tijd).Bind(7, Now());
  return s.Run().WithContext("actieverzoek " + a.actieverzoek_id);
}

Result<std::vector<Actieverzoek>> Catalog::ListActieverzoeken(std::string_view samenwerking_id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "SELECT actieverzoek_id, samenwerking_id, status, fields_json, raw_json,"
      " laatst_aangepast_datum_tijd FROM actieverzoeken WHERE samenwerking_id = ?1"
      " ORDER BY actieverzoek_id"));
  s.Bind(1, samenwerking_id);
  return Collect<Actieverzoek>(s, ReadActieverzoek);
}

Status Catalog::UpsertBericht(const Bericht& b) {
  json fields{{"inhoud", b.inhoud},
              {"zender", b.zender},
              {"ontvanger", b.ontvanger},
              {"creatieDatumTijd", b.creatie_datum_tijd}};
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO berichten(bericht_id, actieverzoek_id, samenwerking_id, fields_json,"
      " raw_json, first_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(bericht_id) DO UPDATE"
      " SET fields_json = excluded.fields_json, raw_json = excluded.raw_json"));
  s.Bind(1, b.bericht_id).Bind(2, b.actieverzoek_id).Bind(3, b.samenwerking_id);
  s.Bind(4, fields.dump()).Bind(5, b.raw_json).Bind(6, Now());
  return s.Run().WithContext("bericht " + b.bericht_id);
}

Result<std::vector<Bericht>> Catalog::ListBerichten(std::string_view actieverzoek_id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "SELECT bericht_id, actieverzoek_id, samenwerking_id, fields_json, raw_json FROM berichten"
      " WHERE actieverzoek_id = ?1 ORDER BY bericht_id"));
  s.Bind(1, actieverzoek_id);
  return Collect<Bericht>(s, [](const SqliteStatement& r) -> Result<Bericht> {
    SWF_ASSIGN_OR_RETURN(json f, ParseFields(r.Text(3), "berichten"));
    return Bericht{r.Text(0),         r.Text(1),           r.Text(2),
                   Str(f, "inhoud"),  Str(f, "zender"),    Str(f, "ontvanger"),
                   Str(f, "creatieDatumTijd"), r.Text(4)};
  });
}

Status Catalog::UpsertNotificatie(const Notificatie& n) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO notificaties(notificatie_id, samenwerking_id, notificatie_type,"
      " event_datum_tijd, fields_json, raw_json, first_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
      " ON CONFLICT(notificatie_id) DO UPDATE SET fields_json = excluded.fields_json,"
      " raw_json = excluded.raw_json"));
  s.Bind(1, n.notificatie_id).Bind(2, n.samenwerking_id).Bind(3, n.notificatie_type);
  s.Bind(4, n.event_datum_tijd).Bind(5, NotificatieFields(n).dump()).Bind(6, n.raw_json);
  s.Bind(7, Now());
  return s.Run().WithContext("notificatie " + n.notificatie_id);
}

Result<std::vector<Notificatie>> Catalog::NotificatiesNamingNoRvDocument() {
  SWF_ASSIGN_OR_RETURN(
      SqliteStatement s,
      db_->Prepare(
          "SELECT notificatie_id, samenwerking_id, notificatie_type, event_datum_tijd, fields_json,"
          " raw_json FROM notificaties n WHERE n.raw_json LIKE '%\"documentNaam\"%'"
          " AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.vertrouwelijkheid = 'RV'"
          " AND d.document_id = json_extract(n.raw_json, '$.properties.documentId'))"
          " ORDER BY notificatie_id"));
  return Collect<Notificatie>(s, ReadNotificatie);
}

Result<std::vector<Notificatie>> Catalog::ListNotificaties(std::string_view samenwerking_id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "SELECT notificatie_id, samenwerking_id, notificatie_type, event_datum_tijd, fields_json,"
      " raw_json FROM notificaties WHERE samenwerking_id = ?1"
      " ORDER BY event_datum_tijd, notificatie_id"));
  s.Bind(1, samenwerking_id);
  return Collect<Notificatie>(s, ReadNotificatie);
}

// --- sync runs ------------------------------------------------------------------------

Result<int64_t> Catalog::BeginSyncRun(int64_t profile_id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO sync_runs(profile_id, started_at) VALUES (?1, ?2)"));
  if (profile_id == 0) {
    s.BindNull(1);
  } else {
    s.Bind(1, profile_id);
  }
  SWF_RETURN_IF_ERROR(s.Bind(2, Now()).Run());
  return db_->LastInsertRowId();
}

Status Catalog::FinishSyncRun(int64_t run_id, std::string_view outcome, const SyncCounts& c) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "UPDATE sync_runs SET ended_at = ?2, outcome = ?3, fetched = ?4, linked = ?5,"
      " metadata_updated = ?6, removed = ?7, withheld = ?8, quarantined = ?9, failed = ?10,"
      " bytes = ?11 WHERE run_id = ?1 AND ended_at IS NULL"));
  s.Bind(1, run_id).Bind(2, Now()).Bind(3, outcome).Bind(4, c.fetched).Bind(5, c.linked);
  s.Bind(6, c.metadata_updated).Bind(7, c.removed).Bind(8, c.withheld).Bind(9, c.quarantined);
  SWF_RETURN_IF_ERROR(s.Bind(10, c.failed).Bind(11, c.bytes).Run());
  if (db_->Changes() > 0) return Status::Ok();
  SWF_RETURN_IF_ERROR(GetSyncRun(run_id).status());
  return Conflict("sync run " + std::to_string(run_id) + " is already finished");
}

Result<SyncRun> Catalog::GetSyncRun(int64_t run_id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s,
                       db_->Prepare(std::string(kSyncRunSelect) + " WHERE run_id = ?1"));
  s.Bind(1, run_id);
  SWF_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("sync run " + std::to_string(run_id));
  return ReadSyncRun(s);
}

Result<std::vector<SyncRun>> Catalog::ListSyncRuns() {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s,
                       db_->Prepare(std::string(kSyncRunSelect) + " ORDER BY run_id"));
  return Collect<SyncRun>(s, [](const SqliteStatement& r) -> Result<SyncRun> {
    return ReadSyncRun(r);
  });
}

// --- events ---------------------------------------------------------------------------

Result<int64_t> Catalog::AppendEvent(const Event& e) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO events(at, run_id, kind, document_id, samenwerking_id, sha256, detail)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  s.Bind(1, Now());
  if (e.run_id == 0) {
    s.BindNull(2);
  } else {
    s.Bind(2, e.run_id);
  }
  s.Bind(3, EventKindName(e.kind)).BindOrNull(4, e.document_id).BindOrNull(5, e.samenwerking_id);
  SWF_RETURN_IF_ERROR(s.BindOrNull(6, e.sha256).Bind(7, e.detail).Run());
  return db_->LastInsertRowId();
}

Result<std::vector<Event>> Catalog::ListEvents(std::string_view document_id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "SELECT event_id, at, run_id, kind, document_id, samenwerking_id, sha256, detail"
      " FROM events WHERE ?1 = '' OR document_id = ?1 ORDER BY event_id"));
  s.Bind(1, document_id);
  return Collect<Event>(s, [](const SqliteStatement& r) -> Result<Event> {
    Event e;
    e.event_id = r.Int(0);
    e.at = r.Text(1);
    e.run_id = r.Int(2);
    SWF_ASSIGN_OR_RETURN(e.kind, ParseEventKind(r.Text(3)));
    e.document_id = r.Text(4);
    e.samenwerking_id = r.Text(5);
    e.sha256 = r.Text(6);
    e.detail = r.Text(7);
    return e;
  });
}

Result<std::map<std::string, int64_t>> Catalog::LastChecks() {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s,
                       db_->Prepare("SELECT sha256, max(event_id) FROM events"
                                    " WHERE kind IN ('verified', 'fetched', 'repaired') AND sha256 "
                                    "IS NOT NULL GROUP BY sha256"));
  std::map<std::string, int64_t> out;
  for (;;) {
    SWF_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out[s.Text(0)] = s.Int(1);
  }
  return out;
}

// --- upload outbox --------------------------------------------------------------------

Result<OutboxEntry> Catalog::EnqueueUpload(std::string_view samenwerking_id,
                                           std::string_view content_sha256,
                                           std::string_view upload_key,
                                           std::string_view local_path) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement ins, db_->Prepare(
      "INSERT INTO upload_outbox(samenwerking_id, content_sha256, upload_key, local_path,"
      " state, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)"
      " ON CONFLICT(samenwerking_id, content_sha256, upload_key) DO NOTHING"));
  ins.Bind(1, samenwerking_id).Bind(2, content_sha256).Bind(3, upload_key);
  SWF_RETURN_IF_ERROR(ins.Bind(4, local_path).Bind(5, Now()).Run());
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      std::string(kOutboxSelect) +
      " WHERE samenwerking_id = ?1 AND content_sha256 = ?2 AND upload_key = ?3"));
  s.Bind(1, samenwerking_id).Bind(2, content_sha256).Bind(3, upload_key);
  SWF_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Internal("outbox entry vanished after insert");
  return ReadOutbox(s);
}

namespace {

Status Transition(SqliteDb& db, int64_t outbox_id, OutboxState from, OutboxState to,
                  std::string_view document_id, const std::string& now) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db.Prepare(
      "UPDATE upload_outbox SET state = ?3, updated_at = ?4,"
      " document_id = COALESCE(?5, document_id) WHERE outbox_id = ?1 AND state = ?2"));
  s.Bind(1, outbox_id).Bind(2, OutboxStateName(from)).Bind(3, OutboxStateName(to));
  SWF_RETURN_IF_ERROR(s.Bind(4, now).BindOrNull(5, document_id).Run());
  if (db.Changes() > 0) return Status::Ok();
  SWF_ASSIGN_OR_RETURN(SqliteStatement q,
                       db.Prepare("SELECT state FROM upload_outbox WHERE outbox_id = ?1"));
  SWF_ASSIGN_OR_RETURN(bool row, q.Bind(1, outbox_id).Step());
  if (!row) return NotFound("outbox entry " + std::to_string(outbox_id));
  return Conflict("outbox entry " + std::to_string(outbox_id) + " is " + q.Text(0) +
                  ", cannot become " + std::string(OutboxStateName(to)));
}

}  // namespace

Status Catalog::MarkUploadSent(int64_t outbox_id) {
  return Transition(*db_, outbox_id, OutboxState::kPending, OutboxState::kSent, "", Now());
}

Status Catalog::MarkUploadConfirmed(int64_t outbox_id, std::string_view document_id) {
  if (document_id.empty()) return InvalidArgument("confirmation without a document id");
  return Transition(*db_, outbox_id, OutboxState::kSent, OutboxState::kConfirmed, document_id,
                    Now());
}

Status Catalog::ReopenUpload(int64_t outbox_id) {
  return Transition(*db_, outbox_id, OutboxState::kConfirmed, OutboxState::kPending, "", Now());
}

Result<std::vector<OutboxEntry>> Catalog::ListOutbox(std::optional<OutboxState> state) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      std::string(kOutboxSelect) + " WHERE ?1 = '' OR state = ?1 ORDER BY outbox_id"));
  s.Bind(1, state ? OutboxStateName(*state) : std::string_view());
  return Collect<OutboxEntry>(s, ReadOutbox);
}

// --- notification high-water marks ----------------------------------------------------

Status Catalog::SetNotificationHighWater(int64_t profile_id, std::string_view event_datum_tijd) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO notification_marks(profile_id, high_water, updated_at) VALUES (?1, ?2, ?3)"
      " ON CONFLICT(profile_id) DO UPDATE SET high_water = excluded.high_water,"
      " updated_at = excluded.updated_at"));
  return s.Bind(1, profile_id).Bind(2, event_datum_tijd).Bind(3, Now()).Run();
}

Status Catalog::SetLastFullReconcile(int64_t profile_id, std::string_view at) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO notification_marks(profile_id, high_water, updated_at, last_full_reconcile)"
      " VALUES (?1, ?2, ?3, ?2) ON CONFLICT(profile_id) DO UPDATE SET"
      " last_full_reconcile = excluded.last_full_reconcile, updated_at = excluded.updated_at"));
  return s.Bind(1, profile_id).Bind(2, at).Bind(3, Now()).Run();
}

Result<std::optional<std::string>> Catalog::GetLastFullReconcile(int64_t profile_id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "SELECT last_full_reconcile FROM notification_marks WHERE profile_id = ?1"
      " AND last_full_reconcile IS NOT NULL"));
  SWF_ASSIGN_OR_RETURN(bool row, s.Bind(1, profile_id).Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.Text(0));
}

Result<std::optional<std::string>> Catalog::GetNotificationHighWater(int64_t profile_id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "SELECT high_water FROM notification_marks WHERE profile_id = ?1"));
  SWF_ASSIGN_OR_RETURN(bool row, s.Bind(1, profile_id).Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.Text(0));
}

}  // namespace swfvault
