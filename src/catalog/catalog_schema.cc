#include "catalog/catalog_schema.h"

#include <vector>

namespace swfvault {
namespace {

// Version 1: vault contents and history.
constexpr char kStep1[] = R"sql(
CREATE TABLE profiles (
  profile_id INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  oin        TEXT NOT NULL,
  base_url   TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE samenwerkingen (
  samenwerking_id             TEXT PRIMARY KEY,
  titel                       TEXT NOT NULL,
  beschrijving                TEXT NOT NULL,
  status                      TEXT NOT NULL,
  verzoeknummer               TEXT NOT NULL,
  aangemaakt_door             TEXT NOT NULL,
  creatie_datum_tijd          TEXT NOT NULL,
  laatst_aangepast_datum_tijd TEXT NOT NULL,
  raw_json                    TEXT NOT NULL,
  first_seen                  TEXT NOT NULL,
  last_seen                   TEXT NOT NULL
);
CREATE TABLE deelnemers (
  samenwerking_id        TEXT NOT NULL REFERENCES samenwerkingen(samenwerking_id),
  oin                    TEXT NOT NULL,
  naam                   TEXT NOT NULL,
  rol                    TEXT NOT NULL,
  privilege              TEXT NOT NULL,
  uitgenodigd_datum_tijd TEXT NOT NULL,
  raw_json               TEXT NOT NULL,
  PRIMARY KEY (samenwerking_id, oin)
);
CREATE TABLE blobs (
  sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  xxh3       TEXT NOT NULL CHECK (length(xxh3) = 32),
  size       INTEGER NOT NULL CHECK (size >= 0),
  created_at TEXT NOT NULL
);
CREATE TABLE documents (
  document_id                 TEXT PRIMARY KEY,
  samenwerking_id             TEXT NOT NULL REFERENCES samenwerkingen(samenwerking_id),
  bestands_naam               TEXT,
  document_omschrijving       TEXT,
  vertrouwelijkheid_label     TEXT,
  vertrouwelijkheid           TEXT NOT NULL CHECK (vertrouwelijkheid IN ('RV','SV','UNKNOWN')),
  taal                        TEXT,
  formaat                     TEXT,
  document_hash               TEXT,
  bestands_grootte            INTEGER,
  kenmerk_systeem             TEXT,
  nummer_binnen_systeem       TEXT,
  aangemaakt_door             TEXT,
  aangemaakt_door_naam        TEXT,
  creatie_datum_tijd          TEXT,
  laatst_aangepast_datum_tijd TEXT,
  raw_json                    TEXT,
  blob_sha256                 TEXT REFERENCES blobs(sha256),
  state                       TEXT NOT NULL
    CHECK (state IN ('present','removed_remotely','withheld','quarantined')),
  first_seen                  TEXT NOT NULL,
  last_seen                   TEXT NOT NULL,
  state_changed_at            TEXT NOT NULL,
  CHECK (state <> 'withheld' OR (raw_json IS NULL AND bestands_naam IS NULL
         AND document_omschrijving IS NULL AND blob_sha256 IS NULL))
);
CREATE INDEX documents_by_samenwerking ON documents(samenwerking_id);
CREATE INDEX documents_by_blob ON documents(blob_sha256);
CREATE TABLE partial_downloads (
  document_id  TEXT PRIMARY KEY,
  etag         TEXT NOT NULL,
  partial_path TEXT NOT NULL,
  bytes        INTEGER NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE TABLE sync_runs (
  run_id           INTEGER PRIMARY KEY AUTOINCREMENT,
  profile_id       INTEGER REFERENCES profiles(profile_id),
  started_at       TEXT NOT NULL,
  ended_at         TEXT,
  outcome          TEXT,
  fetched          INTEGER NOT NULL DEFAULT 0,
  linked           INTEGER NOT NULL DEFAULT 0,
  metadata_updated INTEGER NOT NULL DEFAULT 0,
  removed          INTEGER NOT NULL DEFAULT 0,
  withheld         INTEGER NOT NULL DEFAULT 0,
  quarantined      INTEGER NOT NULL DEFAULT 0,
  failed           INTEGER NOT NULL DEFAULT 0,
  bytes            INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE events (
  event_id        INTEGER PRIMARY KEY AUTOINCREMENT,
  at              TEXT NOT NULL,
  run_id          INTEGER REFERENCES sync_runs(run_id),
  kind            TEXT NOT NULL,
  document_id     TEXT,
  samenwerking_id TEXT,
  sha256          TEXT,
  detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_by_document ON events(document_id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
)sql";

// Version 2: collaboration records for export, the upload outbox, notification marks.
constexpr char kStep2[] = R"sql(
CREATE TABLE actieverzoeken (
  actieverzoek_id             TEXT PRIMARY KEY,
  samenwerking_id             TEXT NOT NULL REFERENCES samenwerkingen(samenwerking_id),
  status                      TEXT NOT NULL,
  fields_json                 TEXT NOT NULL,
  raw_json                    TEXT NOT NULL,
  laatst_aangepast_datum_tijd TEXT NOT NULL,
  first_seen                  TEXT NOT NULL,
  last_seen                   TEXT NOT NULL
);
CREATE INDEX actieverzoeken_by_samenwerking ON actieverzoeken(samenwerking_id);
CREATE TABLE berichten (
  bericht_id      TEXT PRIMARY KEY,
  actieverzoek_id TEXT NOT NULL REFERENCES actieverzoeken(actieverzoek_id),
  samenwerking_id TEXT NOT NULL,
  fields_json     TEXT NOT NULL,
  raw_json        TEXT NOT NULL,
  first_seen      TEXT NOT NULL
);
CREATE INDEX berichten_by_actieverzoek ON berichten(actieverzoek_id);
CREATE TABLE notificaties (
  notificatie_id   TEXT PRIMARY KEY,
  samenwerking_id  TEXT NOT NULL,
  notificatie_type TEXT NOT NULL,
  event_datum_tijd TEXT NOT NULL,
  fields_json      TEXT NOT NULL,
  raw_json         TEXT NOT NULL,
  first_seen       TEXT NOT NULL
);
CREATE INDEX notificaties_by_samenwerking ON notificaties(samenwerking_id);
CREATE TABLE upload_outbox (
  outbox_id       INTEGER PRIMARY KEY AUTOINCREMENT,
  samenwerking_id TEXT NOT NULL,
  content_sha256  TEXT NOT NULL CHECK (length(content_sha256) = 64),
  upload_key      TEXT NOT NULL,
  local_path      TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending','sent','confirmed')),
  document_id     TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  UNIQUE (samenwerking_id, content_sha256, upload_key)
);
CREATE TABLE notification_marks (
  profile_id INTEGER PRIMARY KEY REFERENCES profiles(profile_id),
  high_water TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
)sql";

// v3: when each profile last reconciled every dossier in full (incremental sync, issue 7).
constexpr const char* kStep3 = R"sql(
ALTER TABLE notification_marks ADD COLUMN last_full_reconcile TEXT;
)sql";

// v4: settings of the vault itself, such as the highest level it may hold (`init --max-level`).
constexpr const char* kStep4 = R"sql(
CREATE TABLE vault_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
)sql";

const std::vector<const char*>& Steps() {
  static const std::vector<const char*> steps = {kStep1, kStep2, kStep3, kStep4};
  return steps;
}

Status ApplyStep(SqliteDb& db, int version, const std::string& now) {
  SWF_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  // Another process may have applied it while this one waited for the write lock.
  Result<std::string> done = db.QueryText(
      "SELECT COUNT(*) FROM schema_version WHERE version = " + std::to_string(version));
  if (done.ok() && *done != "0") return db.Exec("COMMIT");
  Status st = done.ok() ? db.Exec(Steps()[static_cast<size_t>(version - 1)]) : done.status();
  if (st.ok()) {
    auto stamp = db.Prepare("INSERT INTO schema_version(version, applied_at) VALUES (?, ?)");
    st = stamp.ok() ? stamp->Bind(1, int64_t{version}).Bind(2, now).Run() : stamp.status();
  }
  if (st.ok()) st = db.Exec("COMMIT");
  if (!st.ok()) {
    (void)db.Exec("ROLLBACK");
    return st.WithContext("catalog migration to v" + std::to_string(version));
  }
  return Status::Ok();
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Steps().size()); }

Result<int> CurrentSchemaVersion(SqliteDb& db) {
  SWF_RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"));
  SWF_ASSIGN_OR_RETURN(std::string v,
                       db.QueryText("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
  return std::stoi(v);
}

Status MigrateSchema(SqliteDb& db, int target, const std::string& now) {
  SWF_ASSIGN_OR_RETURN(int current, CurrentSchemaVersion(db));
  if (current > LatestSchemaVersion()) {
    return Unsupported("catalog schema v" + std::to_string(current) +
                       " was made by a newer swfvault (this one understands up to v" +
                       std::to_string(LatestSchemaVersion()) + "); upgrade swfvault to use this vault");
  }
  for (int v = current + 1; v <= target; ++v) SWF_RETURN_IF_ERROR(ApplyStep(db, v, now));
  return Status::Ok();
}

}  // namespace swfvault
