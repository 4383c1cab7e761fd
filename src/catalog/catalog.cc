// Catalog: opening, transactions, integrity, and the vault's contents (profiles,
// samenwerkingen, deelnemers, blobs, documents). History tables live in catalog_history.cc.
#include "swfvault/catalog.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <random>

#include "catalog/catalog_internal.h"
#include "catalog/catalog_schema.h"

namespace swfvault {
namespace {

constexpr int kBusyTimeoutMillis = 10'000;

Status ConfigureConnection(SqliteDb& db, const std::string& path) {
  sqlite3_busy_timeout(db.raw(), kBusyTimeoutMillis);
  SWF_ASSIGN_OR_RETURN(std::string mode, db.QueryText("PRAGMA journal_mode=WAL"));
  if (mode != "wal") return IoError("catalog " + path + " cannot use WAL (journal_mode=" + mode + ")");
  SWF_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous=FULL"));
  SWF_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys=ON"));
  // What the vault lets go of (a withheld document's name, a notification's scrubbed name) is
  // overwritten, not left readable in free pages of catalog.db (RELIABILITY rule 12).
  SWF_RETURN_IF_ERROR(db.Exec("PRAGMA secure_delete=ON"));
  return db.Exec("PRAGMA trusted_schema=OFF");
}

// SQLite gives its -wal and -shm files the main file's mode, so creating the file 0600
// first keeps the whole catalog private.
Status CreatePrivateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, "create catalog " + path);
  ::close(fd);
  return Status::Ok();
}

std::string LevelOf(const Document& d) {
  // Fail closed: the higher of what the caller parsed and what the label says.
  Confidentiality parsed = ParseConfidentiality(d.vertrouwelijkheid_label);
  Confidentiality level = static_cast<int>(parsed) > static_cast<int>(d.vertrouwelijkheid)
                              ? parsed
                              : d.vertrouwelijkheid;
  return std::string(ConfidentialityName(level));
}

Result<DocumentState> ParseState(const std::string& name) {
  for (DocumentState s : {DocumentState::kPresent, DocumentState::kRemovedRemotely,
                          DocumentState::kWithheld, DocumentState::kQuarantined}) {
    if (DocumentStateName(s) == name) return s;
  }
  return Corruption("unknown document state '" + name + "' in catalog");
}

constexpr char kDocumentColumns[] =
    "document_id, samenwerking_id, bestands_naam, document_omschrijving, "
    "vertrouwelijkheid_label, vertrouwelijkheid, taal, formaat, document_hash, "
    "bestands_grootte, kenmerk_systeem, nummer_binnen_systeem, aangemaakt_door, "
    "aangemaakt_door_naam, creatie_datum_tijd, laatst_aangepast_datum_tijd, raw_json, "
    "blob_sha256, state, first_seen, last_seen, state_changed_at";

Result<CatalogDocument> ReadDocument(const SqliteStatement& s) {
  CatalogDocument out;
  Document& d = out.document;
  d.document_id = s.Text(0);
  d.samenwerking_id = s.Text(1);
  d.bestands_naam = s.Text(2);
  d.document_omschrijving = s.Text(3);
  d.vertrouwelijkheid_label = s.Text(4);
  d.vertrouwelijkheid = ParseConfidentiality(s.Text(5));
  d.taal = s.Text(6);
  d.formaat = s.Text(7);
  d.document_hash = s.Text(8);
  if (!s.IsNull(9)) d.bestands_grootte = s.Int(9);
  d.kenmerk_systeem = s.Text(10);
  d.nummer_binnen_systeem = s.Text(11);
  d.aangemaakt_door = s.Text(12);
  d.aangemaakt_door_naam = s.Text(13);
  d.creatie_datum_tijd = s.Text(14);
  d.laatst_aangepast_datum_tijd = s.Text(15);
  d.raw_json = s.Text(16);
  out.blob_sha256 = s.Text(17);
  SWF_ASSIGN_OR_RETURN(out.state, ParseState(s.Text(18)));
  out.first_seen = s.Text(19);
  out.last_seen = s.Text(20);
  out.state_changed_at = s.Text(21);
  return out;
}

Samenwerking ReadSamenwerking(const SqliteStatement& s) {
  Samenwerking w;
  w.samenwerking_id = s.Text(0);
  w.titel = s.Text(1);
  w.beschrijving = s.Text(2);
  w.status = s.Text(3);
  w.verzoeknummer = s.Text(4);
  w.aangemaakt_door = s.Text(5);
  w.creatie_datum_tijd = s.Text(6);
  w.laatst_aangepast_datum_tijd = s.Text(7);
  w.raw_json = s.Text(8);
  return w;
}

}  // namespace

bool AnotherProfileCleared(const std::vector<Profile>& profiles,
                           const std::vector<Deelnemer>& deelnemers, std::string_view oin) {
  for (const Profile& p : profiles) {
    if (p.oin == oin) continue;
    for (const Deelnemer& d : deelnemers) {
      if (d.oin == p.oin && (d.privilege == "VOLLEDIGE_TOEGANG" || d.rol == "INITIATOR"))
        return true;
    }
  }
  return false;
}

std::string_view DocumentStateName(DocumentState state) {
  switch (state) {
    case DocumentState::kPresent: return "present";
    case DocumentState::kRemovedRemotely: return "removed_remotely";
    case DocumentState::kWithheld: return "withheld";
    case DocumentState::kQuarantined: return "quarantined";
  }
  return "unknown";
}

// --- opening --------------------------------------------------------------------------

Catalog::Catalog(std::unique_ptr<SqliteDb> db, Clock* clock) : db_(std::move(db)), clock_(clock) {}
Catalog::~Catalog() = default;

int Catalog::LatestVersion() { return LatestSchemaVersion(); }

std::string Catalog::Now() { return FormatUtcMillis(clock_->NowUnixMicros()); }

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& path, Clock* clock) {
  return OpenAtVersion(path, clock, LatestSchemaVersion());
}

Result<std::unique_ptr<Catalog>> Catalog::OpenAtVersion(const std::string& path, Clock* clock,
                                                        int version) {
  if (version < 1 || version > LatestSchemaVersion()) {
    return InvalidArgument("no catalog schema version " + std::to_string(version));
  }
  SWF_RETURN_IF_ERROR(CreatePrivateFile(path));
  SWF_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  SWF_RETURN_IF_ERROR(ConfigureConnection(*db, path));
  SWF_RETURN_IF_ERROR(MigrateSchema(*db, version, FormatUtcMillis(clock->NowUnixMicros())));
  return std::unique_ptr<Catalog>(new Catalog(std::move(db), clock));
}

Result<std::unique_ptr<Catalog>> Catalog::OpenWithoutMigrating(const std::string& path, Clock* clock) {
  SWF_RETURN_IF_ERROR(CreatePrivateFile(path));
  SWF_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  SWF_RETURN_IF_ERROR(ConfigureConnection(*db, path));
  // Target 0: refuses a newer catalog, applies nothing.
  SWF_RETURN_IF_ERROR(MigrateSchema(*db, 0, FormatUtcMillis(clock->NowUnixMicros())));
  return std::unique_ptr<Catalog>(new Catalog(std::move(db), clock));
}

Result<std::unique_ptr<Catalog>> Catalog::OpenReadOnly(const std::string& path, Clock* clock) {
  // SQLite's read-only mode first: it reads the log, and keeps the reads consistent while a
  // sync writes. It needs the shared-memory file, which it cannot make on a read-only mount,
  // a full disk or in a folder this user may not write. Then, when no connection has the
  // catalog open, the file is read as immutable. In use means a log with frames in it, or the
  // shared-memory file of a live connection (its index takes at least 32 KiB); a failed
  // opening on a full disk leaves an empty log and a stub.
  struct stat wal = {};
  struct stat shm = {};
  const bool in_use = (::stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0) ||
                      (::stat((path + "-shm").c_str(), &shm) == 0 && shm.st_size >= 32768);
  // Opened and read up to its schema version: SQLite finds out whether it can read only then.
  std::string version;
  auto open = [&](bool immutable) -> Result<std::unique_ptr<SqliteDb>> {
    SWF_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::OpenReadOnly(path, immutable));
    sqlite3_busy_timeout(db->raw(), kBusyTimeoutMillis);
    SWF_RETURN_IF_ERROR(db->Exec("PRAGMA query_only=ON"));
    SWF_RETURN_IF_ERROR(db->Exec("PRAGMA trusted_schema=OFF"));
    SWF_ASSIGN_OR_RETURN(version,
                         db->QueryText("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
    return db;
  };
  Result<std::unique_ptr<SqliteDb>> opened = open(/*immutable=*/false);
  if (!opened.ok() && !in_use) opened = open(/*immutable=*/true);
  SWF_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, std::move(opened));
  if (std::stoi(version) != LatestSchemaVersion()) {
    return Unsupported("catalog " + path + " has schema v" + version + ", this swfvault reads v" +
                       std::to_string(LatestSchemaVersion()) +
                       " and cannot migrate it read-only; open the vault once where it can be "
                       "written, with the swfvault that matches it");
  }
  return std::unique_ptr<Catalog>(new Catalog(std::move(db), clock));
}

Status Catalog::Migrate() { return MigrateSchema(*db_, LatestSchemaVersion(), Now()); }

Result<int> Catalog::SchemaVersion() { return CurrentSchemaVersion(*db_); }

Catalog::Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

Status Catalog::Transaction::Commit() {
  if (db_ == nullptr) return Internal("transaction already finished");
  SqliteDb* db = db_;
  db_ = nullptr;
  Status st = db->Exec("COMMIT");
  if (!st.ok()) (void)db->Exec("ROLLBACK");
  return st;
}

Result<Catalog::Transaction> Catalog::Begin() {
  SWF_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
  return Transaction(db_.get());
}

Result<Catalog::Transaction> Catalog::BeginRead() {
  SWF_RETURN_IF_ERROR(db_->Exec("BEGIN DEFERRED"));
  return Transaction(db_.get());
}

Status Catalog::IntegrityCheck(bool quick) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement check, db_->Prepare(quick ? "PRAGMA quick_check" : "PRAGMA integrity_check"));
  std::string problems;
  for (int n = 0; n < 10; ++n) {
    Result<bool> stepped = check.Step();
    if (!stepped.ok() && stepped.status().code() == StatusCode::kCorruption) {
      problems += (problems.empty() ? "" : "; ") + stepped.status().message();
      break;
    }
    SWF_ASSIGN_OR_RETURN(bool row, std::move(stepped));
    if (!row || check.Text(0) == "ok") break;
    problems += (problems.empty() ? "" : "; ") + check.Text(0);
  }
  // A damaged file may fail the next check in ways that would hide what was found.
  if (!problems.empty()) return Corruption("catalog integrity check failed: " + problems);
  SWF_ASSIGN_OR_RETURN(SqliteStatement fk, db_->Prepare("PRAGMA foreign_key_check"));
  SWF_ASSIGN_OR_RETURN(bool fk_row, fk.Step());
  if (fk_row) {
    problems += (problems.empty() ? "" : "; ") + std::string("foreign key violation in ") +
                fk.Text(0) + " row " + std::to_string(fk.Int(1));
  }
  if (!problems.empty()) return Corruption("catalog integrity check failed: " + problems);
  return Status::Ok();
}

// --- profiles -------------------------------------------------------------------------

Result<int64_t> Catalog::UpsertProfile(const Profile& p) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO profiles(name, oin, base_url, created_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT(name) DO UPDATE SET oin = excluded.oin, base_url = excluded.base_url "
      "RETURNING profile_id"));
  s.Bind(1, p.name).Bind(2, p.oin).Bind(3, p.base_url).Bind(4, Now());
  SWF_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Internal("upsert of profile " + p.name + " returned no id");
  int64_t id = s.Int(0);
  // Step to the end: outside a transaction the statement commits there, and a failed commit
  // (disk full, I/O error) must not come back as an id of a row that was never stored.
  SWF_ASSIGN_OR_RETURN(bool more, s.Step());
  (void)more;
  return id;
}

Result<Profile> Catalog::GetProfile(std::string_view name) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "SELECT profile_id, name, oin, base_url FROM profiles WHERE name = ?1"));
  s.Bind(1, name);
  SWF_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("profile " + std::string(name));
  return Profile{s.Int(0), s.Text(1), s.Text(2), s.Text(3)};
}

Result<int64_t> Catalog::CountProfiles() {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare("SELECT count(*) FROM profiles"));
  SWF_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : int64_t{0};
}

Result<std::vector<Profile>> Catalog::ListProfiles() {
  SWF_ASSIGN_OR_RETURN(
      SqliteStatement s,
      db_->Prepare("SELECT profile_id, name, oin, base_url FROM profiles ORDER BY name"));
  std::vector<Profile> out;
  for (;;) {
    SWF_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    out.push_back(Profile{s.Int(0), s.Text(1), s.Text(2), s.Text(3)});
  }
}

Result<std::string> Catalog::DocumentAboveRvWithContent(std::string_view sha256) {
  SWF_ASSIGN_OR_RETURN(
      SqliteStatement s,
      db_->Prepare("SELECT document_id FROM documents WHERE vertrouwelijkheid <> 'RV' "
                   "AND (blob_sha256 = ?1 OR document_hash = ?1) LIMIT 1"));
  s.Bind(1, sha256);
  SWF_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Text(0) : std::string();
}

Result<bool> Catalog::BlobHeldByAnother(std::string_view sha256, std::string_view document_id) {
  SWF_ASSIGN_OR_RETURN(
      SqliteStatement s,
      db_->Prepare("SELECT 1 FROM documents WHERE blob_sha256 = ?1 AND document_id <> ?2 LIMIT 1"));
  s.Bind(1, sha256).Bind(2, document_id);
  return s.Step();
}

Result<std::optional<std::string>> Catalog::GetSetting(std::string_view key) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare("SELECT value FROM vault_settings WHERE key = ?1"));
  s.Bind(1, key);
  SWF_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.Text(0));
}

Status Catalog::SetSetting(std::string_view key, std::string_view value) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO vault_settings(key, value, updated_at) VALUES (?1, ?2, ?3)"
      " ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"));
  return s.Bind(1, key).Bind(2, value).Bind(3, Now()).Run();
}

Status Catalog::DeleteSetting(std::string_view key) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare("DELETE FROM vault_settings WHERE key = ?1"));
  return s.Bind(1, key).Run();
}

Result<std::optional<Confidentiality>> Catalog::GetVaultCeiling() {
  SWF_ASSIGN_OR_RETURN(std::optional<std::string> value, GetSetting("max_level"));
  if (!value.has_value()) return std::optional<Confidentiality>();
  if (*value == "RV") return std::optional<Confidentiality>(Confidentiality::kRV);
  if (*value == "SV") return std::optional<Confidentiality>(Confidentiality::kSV);
  return Corruption("vault_settings max_level is '" + *value + "', not RV or SV");
}

Status Catalog::SetVaultCeiling(Confidentiality level) { return SetSetting("max_level", ConfidentialityName(level)); }

Result<std::string> Catalog::VaultId() {
  SWF_ASSIGN_OR_RETURN(std::optional<std::string> id, GetSetting("vault_id"));
  if (id.has_value()) return *id;
  std::random_device random;
  char made[33];
  for (int i = 0; i < 4; ++i) {
    std::snprintf(made + 8 * i, 9, "%08x", static_cast<unsigned>(random()));
  }
  SWF_ASSIGN_OR_RETURN(
      SqliteStatement s,
      db_->Prepare("INSERT INTO vault_settings(key, value, updated_at) VALUES ('vault_id', ?1, ?2)"
                   " ON CONFLICT(key) DO NOTHING"));
  SWF_RETURN_IF_ERROR(s.Bind(1, std::string_view(made, 32)).Bind(2, Now()).Run());
  SWF_ASSIGN_OR_RETURN(id, GetSetting("vault_id"));  // another process may have made it first
  if (!id.has_value()) return Internal("vault_settings vault_id was not stored");
  return *id;
}

namespace {

std::string IncompleteSyncPrefix(const std::string& samenwerking_id) {
  return "incomplete_sync/" + samenwerking_id + "/";
}

std::string IncompleteSyncKey(const std::string& samenwerking_id, int64_t profile_id) {
  return IncompleteSyncPrefix(samenwerking_id) + std::to_string(profile_id);
}

}  // namespace

Status Catalog::MarkSyncIncomplete(int64_t profile_id, const std::string& samenwerking_id,
                                   const std::string& detail) {
  // Written again when unchanged too: its time is that of the last sync that left work undone.
  return SetSetting(IncompleteSyncKey(samenwerking_id, profile_id), detail);
}

Status Catalog::MarkSyncComplete(int64_t profile_id, const std::string& samenwerking_id) {
  const std::string key = IncompleteSyncKey(samenwerking_id, profile_id);
  SWF_ASSIGN_OR_RETURN(std::optional<std::string> now, GetSetting(key));
  return now.has_value() ? DeleteSetting(key) : Status::Ok();
}

Status Catalog::ForgetSyncIncompleteExcept(int64_t profile_id,
                                           const std::set<std::string>& listed) {
  const std::string prefix = "incomplete_sync/", suffix = "/" + std::to_string(profile_id);
  std::vector<std::string> gone;
  {
    SWF_ASSIGN_OR_RETURN(
        SqliteStatement s,
        db_->Prepare("SELECT key FROM vault_settings WHERE substr(key, 1, length(?1)) = ?1"
                     " AND substr(key, -length(?2)) = ?2"));
    s.Bind(1, prefix).Bind(2, suffix);
    for (;;) {
      SWF_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      const std::string key = s.Text(0);
      if (key.size() <= prefix.size() + suffix.size()) continue;
      const std::string id = key.substr(prefix.size(), key.size() - prefix.size() - suffix.size());
      if (listed.count(id) == 0) gone.push_back(key);
    }
  }
  for (const std::string& key : gone) SWF_RETURN_IF_ERROR(DeleteSetting(key));
  return Status::Ok();
}

Result<std::vector<Catalog::IncompleteSync>> Catalog::IncompleteSyncs(
    const std::string& samenwerking_id) {
  const std::string prefix = IncompleteSyncPrefix(samenwerking_id);
  SWF_ASSIGN_OR_RETURN(
      SqliteStatement s,
      db_->Prepare("SELECT COALESCE(p.name, substr(v.key, length(?1) + 1)), v.value, v.updated_at"
                   " FROM vault_settings v LEFT JOIN profiles p"
                   "   ON p.profile_id = CAST(substr(v.key, length(?1) + 1) AS INTEGER)"
                   " WHERE substr(v.key, 1, length(?1)) = ?1 ORDER BY v.key"));
  s.Bind(1, prefix);
  std::vector<IncompleteSync> out;
  for (;;) {
    SWF_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    out.push_back({s.Text(0), s.Text(1), s.Text(2)});
  }
}

// --- samenwerkingen and deelnemers ------------------------------------------------------

Status Catalog::UpsertSamenwerking(const Samenwerking& w) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO samenwerkingen(samenwerking_id, titel, beschrijving, status, verzoeknummer,"
      " aangemaakt_door, creatie_datum_tijd, laatst_aangepast_datum_tijd, raw_json, first_seen,"
      " last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) "
      "ON CONFLICT(samenwerking_id) DO UPDATE SET titel = excluded.titel,"
      " beschrijving = excluded.beschrijving, status = excluded.status,"
      " verzoeknummer = excluded.verzoeknummer, aangemaakt_door = excluded.aangemaakt_door,"
      " creatie_datum_tijd = excluded.creatie_datum_tijd,"
      " laatst_aangepast_datum_tijd = excluded.laatst_aangepast_datum_tijd,"
      " raw_json = excluded.raw_json, last_seen = excluded.last_seen"));
  s.Bind(1, w.samenwerking_id).Bind(2, w.titel).Bind(3, w.beschrijving).Bind(4, w.status);
  s.Bind(5, w.verzoeknummer).Bind(6, w.aangemaakt_door).Bind(7, w.creatie_datum_tijd);
  s.Bind(8, w.laatst_aangepast_datum_tijd).Bind(9, w.raw_json).Bind(10, Now());
  return s.Run();
}

constexpr char kSamenwerkingSelect[] =
    "SELECT samenwerking_id, titel, beschrijving, status, verzoeknummer, aangemaakt_door,"
    " creatie_datum_tijd, laatst_aangepast_datum_tijd, raw_json FROM samenwerkingen";

Result<Samenwerking> Catalog::GetSamenwerking(std::string_view id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(std::string(kSamenwerkingSelect) +
                                                       " WHERE samenwerking_id = ?1"));
  s.Bind(1, id);
  SWF_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("samenwerking " + std::string(id) + " is not in the vault");
  return ReadSamenwerking(s);
}

Result<std::vector<Samenwerking>> Catalog::ListSamenwerkingen() {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(std::string(kSamenwerkingSelect) +
                                                       " ORDER BY samenwerking_id"));
  std::vector<Samenwerking> out;
  while (true) {
    SWF_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    out.push_back(ReadSamenwerking(s));
  }
}

Status Catalog::ReplaceDeelnemers(std::string_view samenwerking_id,
                                  const std::vector<Deelnemer>& list) {
  return Atomically([&]() -> Status {
    SWF_ASSIGN_OR_RETURN(SqliteStatement del,
                         db_->Prepare("DELETE FROM deelnemers WHERE samenwerking_id = ?1"));
    SWF_RETURN_IF_ERROR(del.Bind(1, samenwerking_id).Run());
    for (const Deelnemer& d : list) {
      SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
          "INSERT INTO deelnemers(samenwerking_id, oin, naam, rol, privilege,"
          " uitgenodigd_datum_tijd, raw_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
      s.Bind(1, samenwerking_id).Bind(2, d.oin).Bind(3, d.naam).Bind(4, d.rol);
      s.Bind(5, d.privilege).Bind(6, d.uitgenodigd_datum_tijd).Bind(7, d.raw_json);
      SWF_RETURN_IF_ERROR(s.Run().WithContext("deelnemer " + d.oin));
    }
    return Status::Ok();
  });
}

Result<std::vector<Deelnemer>> Catalog::ListDeelnemers(std::string_view samenwerking_id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "SELECT oin, naam, rol, privilege, uitgenodigd_datum_tijd, raw_json FROM deelnemers"
      " WHERE samenwerking_id = ?1 ORDER BY oin"));
  s.Bind(1, samenwerking_id);
  std::vector<Deelnemer> out;
  while (true) {
    SWF_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    out.push_back(Deelnemer{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5)});
  }
}

// --- blobs ----------------------------------------------------------------------------

Status Catalog::RecordBlob(const BlobRecord& blob) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO blobs(sha256, xxh3, size, created_at) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT(sha256) DO NOTHING"));
  s.Bind(1, blob.sha256).Bind(2, blob.xxh3).Bind(3, static_cast<int64_t>(blob.size)).Bind(4, Now());
  SWF_RETURN_IF_ERROR(s.Run());
  SWF_ASSIGN_OR_RETURN(BlobRecord known, GetBlob(blob.sha256));
  if (known.xxh3 != blob.xxh3 || known.size != blob.size) {
    return Corruption("blob " + blob.sha256 + " is recorded with xxh3 " + known.xxh3 + " and " +
                      std::to_string(known.size) + " bytes, not " + blob.xxh3 + " and " +
                      std::to_string(blob.size));
  }
  return Status::Ok();
}

Result<BlobRecord> Catalog::GetBlob(std::string_view sha256) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s,
                       db_->Prepare("SELECT sha256, xxh3, size FROM blobs WHERE sha256 = ?1"));
  s.Bind(1, sha256);
  SWF_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("blob " + std::string(sha256));
  return BlobRecord{s.Text(0), s.Text(1), static_cast<uint64_t>(s.Int(2))};
}

Result<std::vector<BlobRecord>> Catalog::ListBlobs() {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s,
                       db_->Prepare("SELECT sha256, xxh3, size FROM blobs ORDER BY sha256"));
  std::vector<BlobRecord> out;
  while (true) {
    SWF_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    out.push_back(BlobRecord{s.Text(0), s.Text(1), static_cast<uint64_t>(s.Int(2))});
  }
}

Status Catalog::RemoveBlob(std::string_view sha256) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare("DELETE FROM blobs WHERE sha256 = ?1"));
  s.Bind(1, sha256);
  return s.Run();
}

// --- documents ------------------------------------------------------------------------

Status Catalog::UpsertDocument(const Document& d, DocumentState state,
                               std::string_view blob_sha256) {
  if (state == DocumentState::kWithheld) {
    return InvalidArgument("document " + d.document_id + ": use RecordWithheld for withheld");
  }
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO documents(" + std::string(kDocumentColumns) + ") VALUES (?1, ?2, ?3, ?4,"
      " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?20, ?20)"
      " ON CONFLICT(document_id) DO UPDATE SET samenwerking_id = excluded.samenwerking_id,"
      " bestands_naam = excluded.bestands_naam,"
      " document_omschrijving = excluded.document_omschrijving,"
      " vertrouwelijkheid_label = excluded.vertrouwelijkheid_label,"
      " vertrouwelijkheid = excluded.vertrouwelijkheid, taal = excluded.taal,"
      " formaat = excluded.formaat, document_hash = excluded.document_hash,"
      " bestands_grootte = excluded.bestands_grootte,"
      " kenmerk_systeem = excluded.kenmerk_systeem,"
      " nummer_binnen_systeem = excluded.nummer_binnen_systeem,"
      " aangemaakt_door = excluded.aangemaakt_door,"
      " aangemaakt_door_naam = excluded.aangemaakt_door_naam,"
      " creatie_datum_tijd = excluded.creatie_datum_tijd,"
      " laatst_aangepast_datum_tijd = excluded.laatst_aangepast_datum_tijd,"
      " raw_json = excluded.raw_json, blob_sha256 = excluded.blob_sha256,"
      " state_changed_at = CASE WHEN state = excluded.state THEN state_changed_at"
      "   ELSE excluded.state_changed_at END,"
      " state = excluded.state, last_seen = excluded.last_seen"));
  s.Bind(1, d.document_id).Bind(2, d.samenwerking_id).Bind(3, d.bestands_naam);
  s.Bind(4, d.document_omschrijving).Bind(5, d.vertrouwelijkheid_label).Bind(6, LevelOf(d));
  s.Bind(7, d.taal).Bind(8, d.formaat).Bind(9, d.document_hash).Bind(10, d.bestands_grootte);
  s.Bind(11, d.kenmerk_systeem).Bind(12, d.nummer_binnen_systeem).Bind(13, d.aangemaakt_door);
  s.Bind(14, d.aangemaakt_door_naam).Bind(15, d.creatie_datum_tijd);
  s.Bind(16, d.laatst_aangepast_datum_tijd).Bind(17, d.raw_json).BindOrNull(18, blob_sha256);
  s.Bind(19, DocumentStateName(state)).Bind(20, Now());
  return s.Run().WithContext("document " + d.document_id);
}

Status Catalog::RecordWithheld(std::string_view document_id, std::string_view samenwerking_id,
                               Confidentiality level) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "INSERT INTO documents(document_id, samenwerking_id, vertrouwelijkheid, state,"
      " first_seen, last_seen, state_changed_at) VALUES (?1, ?2, ?3, 'withheld', ?4, ?4, ?4)"
      " ON CONFLICT(document_id) DO UPDATE SET samenwerking_id = excluded.samenwerking_id,"
      " bestands_naam = NULL, document_omschrijving = NULL, vertrouwelijkheid_label = NULL,"
      " vertrouwelijkheid = excluded.vertrouwelijkheid, taal = NULL, formaat = NULL,"
      " document_hash = NULL, bestands_grootte = NULL, kenmerk_systeem = NULL,"
      " nummer_binnen_systeem = NULL, aangemaakt_door = NULL, aangemaakt_door_naam = NULL,"
      " creatie_datum_tijd = NULL, laatst_aangepast_datum_tijd = NULL, raw_json = NULL,"
      " blob_sha256 = NULL,"
      " state_changed_at = CASE WHEN state = 'withheld' THEN state_changed_at"
      "   ELSE excluded.state_changed_at END,"
      " state = 'withheld', last_seen = excluded.last_seen"));
  s.Bind(1, document_id).Bind(2, samenwerking_id).Bind(3, ConfidentialityName(level)).Bind(4, Now());
  return s.Run().WithContext("withheld document " + std::string(document_id));
}

Status Catalog::SetDocumentState(std::string_view document_id, DocumentState state) {
  if (state == DocumentState::kWithheld) {
    return InvalidArgument("document " + std::string(document_id) + ": use RecordWithheld");
  }
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "UPDATE documents SET state = ?2, state_changed_at = ?3 WHERE document_id = ?1"
      " AND state <> ?2"));
  SWF_RETURN_IF_ERROR(s.Bind(1, document_id).Bind(2, DocumentStateName(state)).Bind(3, Now()).Run());
  if (db_->Changes() > 0) return Status::Ok();
  return GetDocument(document_id).status();  // unchanged (ok) or kNotFound
}

Result<CatalogDocument> Catalog::GetDocument(std::string_view document_id) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "SELECT " + std::string(kDocumentColumns) + " FROM documents WHERE document_id = ?1"));
  s.Bind(1, document_id);
  SWF_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("document " + std::string(document_id) + " is not in the vault");
  return ReadDocument(s);
}

Result<std::vector<CatalogDocument>> Catalog::ListDocuments(std::string_view samenwerking_id) {
  return SelectDocuments("?1 = '' OR samenwerking_id = ?1", samenwerking_id);
}

Result<std::vector<CatalogDocument>> Catalog::ListDocumentsAboveRv() {
  // A withheld row holds nothing to purge, also once it is marked removed remotely.
  return SelectDocuments(
      "vertrouwelijkheid <> 'RV' AND state <> 'withheld' AND (blob_sha256 IS NOT NULL OR "
      "document_hash IS NOT NULL OR raw_json IS NOT NULL OR bestands_naam IS NOT NULL)",
      std::nullopt);
}

Result<std::vector<CatalogDocument>> Catalog::SelectDocuments(const char* where,
                                                              std::optional<std::string_view> arg) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement s, db_->Prepare(
      "SELECT " + std::string(kDocumentColumns) + " FROM documents WHERE " + where + " ORDER BY document_id"));
  if (arg.has_value()) s.Bind(1, *arg);
  std::vector<CatalogDocument> out;
  while (true) {
    SWF_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    SWF_ASSIGN_OR_RETURN(CatalogDocument doc, ReadDocument(s));
    out.push_back(std::move(doc));
  }
}

}  // namespace swfvault
