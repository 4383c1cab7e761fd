#include "emulator/emulator_state.h"

#include <sqlite3.h>

#include <system_error>

namespace swfvault {
namespace {

struct StmtCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtCloser>;

Status SqlError(sqlite3* db, const std::string& what) {
  return IoError("sqlite: " + what + ": " + sqlite3_errmsg(db));
}

std::string Column(sqlite3_stmt* s, int i) {
  const unsigned char* text = sqlite3_column_text(s, i);
  return text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}

}  // namespace

Result<std::unique_ptr<EmulatorState>> EmulatorState::Open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir / "content", ec);
  if (ec) return IoError("cannot create state directory " + dir.string() + ": " + ec.message());
  std::unique_ptr<EmulatorState> state(new EmulatorState(dir));
  const std::string path = (dir / "state.db").string();
  if (sqlite3_open(path.c_str(), &state->db_) != SQLITE_OK) {
    return SqlError(state->db_, "open " + path);
  }
  sqlite3_busy_timeout(state->db_, 5000);
  SWF_RETURN_IF_ERROR(state->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
      "CREATE TABLE IF NOT EXISTS objects (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
      " kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT NOT NULL, body TEXT NOT NULL,"
      " UNIQUE(kind, id));"
      "CREATE INDEX IF NOT EXISTS objects_parent ON objects(kind, parent);"
      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"));
  return state;
}

EmulatorState::~EmulatorState() { sqlite3_close(db_); }

Status EmulatorState::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return IoError("sqlite: " + msg);
  }
  return Status::Ok();
}

Status EmulatorState::Prepare(const std::string& sql, const std::vector<SqlValue>& binds,
                              sqlite3_stmt** stmt) {
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, stmt, nullptr) != SQLITE_OK) {
    return SqlError(db_, "prepare");
  }
  for (size_t i = 0; i < binds.size(); ++i) {
    int idx = static_cast<int>(i + 1);
    if (const auto* s = std::get_if<std::string>(&binds[i])) {
      sqlite3_bind_text(*stmt, idx, s->c_str(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_int64(*stmt, idx, std::get<int64_t>(binds[i]));
    }
  }
  return Status::Ok();
}

Status EmulatorState::Put(const std::string& kind, const std::string& id,
                          const std::string& parent, const nlohmann::json& body) {
  std::string text;
  try {
    text = body.dump();
  } catch (const nlohmann::json::type_error&) {  // text that is not UTF-8: the caller's 400
    return InvalidArgument(kind + ": holds text that is not UTF-8");
  }
  sqlite3_stmt* raw = nullptr;
  Status s = Prepare(
      "INSERT INTO objects(kind, id, parent, body) VALUES(?,?,?,?) "
      "ON CONFLICT(kind, id) DO UPDATE SET parent=excluded.parent, body=excluded.body",
      {kind, id, parent, text}, &raw);
  Stmt stmt(raw);
  SWF_RETURN_IF_ERROR(s);
  if (sqlite3_step(raw) != SQLITE_DONE) return SqlError(db_, "put " + kind + " " + id);
  return Status::Ok();
}

Result<nlohmann::json> EmulatorState::Get(const std::string& kind, const std::string& id) {
  sqlite3_stmt* raw = nullptr;
  Status s = Prepare("SELECT body FROM objects WHERE kind=? AND id=?", {kind, id}, &raw);
  Stmt stmt(raw);
  SWF_RETURN_IF_ERROR(s);
  int rc = sqlite3_step(raw);
  if (rc == SQLITE_DONE) return NotFound(kind + " " + id + " not found");
  if (rc != SQLITE_ROW) return SqlError(db_, "get " + kind + " " + id);
  return nlohmann::json::parse(Column(raw, 0), nullptr, false);
}

Status EmulatorState::Delete(const std::string& kind, const std::string& id) {
  sqlite3_stmt* raw = nullptr;
  Status s = Prepare("DELETE FROM objects WHERE kind=? AND id=?", {kind, id}, &raw);
  Stmt stmt(raw);
  SWF_RETURN_IF_ERROR(s);
  if (sqlite3_step(raw) != SQLITE_DONE) return SqlError(db_, "delete " + kind + " " + id);
  return Status::Ok();
}

std::string EmulatorState::WhereClause(const ListSpec& spec, std::vector<SqlValue>* binds) const {
  std::string sql = " WHERE kind=?";
  binds->push_back(spec.kind);
  if (spec.parent) {
    sql += " AND parent=?";
    binds->push_back(*spec.parent);
  }
  for (const SqlCondition& c : spec.where) {
    sql += " AND (" + c.sql + ")";
    binds->insert(binds->end(), c.binds.begin(), c.binds.end());
  }
  return sql;
}

Result<int64_t> EmulatorState::Count(const ListSpec& spec) {
  std::vector<SqlValue> binds;
  std::string sql = "SELECT COUNT(*) FROM objects" + WhereClause(spec, &binds);
  sqlite3_stmt* raw = nullptr;
  Status s = Prepare(sql, binds, &raw);
  Stmt stmt(raw);
  SWF_RETURN_IF_ERROR(s);
  if (sqlite3_step(raw) != SQLITE_ROW) return SqlError(db_, "count " + spec.kind);
  return static_cast<int64_t>(sqlite3_column_int64(raw, 0));
}

Result<ListResult> EmulatorState::List(const ListSpec& spec) {
  ListResult result;
  SWF_ASSIGN_OR_RETURN(result.total, Count(spec));
  std::vector<SqlValue> binds;
  std::string sql = "SELECT body FROM objects" + WhereClause(spec, &binds);
  if (spec.order_by) {
    sql += " ORDER BY " + spec.order_by->sql + ", seq";
    binds.insert(binds.end(), spec.order_by->binds.begin(), spec.order_by->binds.end());
  } else {
    sql += " ORDER BY seq";
  }
  sql += " LIMIT ? OFFSET ?";
  binds.push_back(spec.limit);
  binds.push_back(spec.offset);
  sqlite3_stmt* raw = nullptr;
  Status s = Prepare(sql, binds, &raw);
  Stmt stmt(raw);
  SWF_RETURN_IF_ERROR(s);
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    result.items.push_back(nlohmann::json::parse(Column(raw, 0), nullptr, false));
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "list " + spec.kind);
  return result;
}

Result<std::optional<std::string>> EmulatorState::GetMeta(const std::string& key) {
  sqlite3_stmt* raw = nullptr;
  Status s = Prepare("SELECT value FROM meta WHERE key=?", {key}, &raw);
  Stmt stmt(raw);
  SWF_RETURN_IF_ERROR(s);
  int rc = sqlite3_step(raw);
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return SqlError(db_, "meta " + key);
  return std::optional<std::string>(Column(raw, 0));
}

Status EmulatorState::SetMeta(const std::string& key, const std::string& value) {
  sqlite3_stmt* raw = nullptr;
  Status s = Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)", {key, value}, &raw);
  Stmt stmt(raw);
  SWF_RETURN_IF_ERROR(s);
  if (sqlite3_step(raw) != SQLITE_DONE) return SqlError(db_, "set meta " + key);
  return Status::Ok();
}

Result<int64_t> EmulatorState::NextSequence(const std::string& name, int64_t first) {
  SWF_ASSIGN_OR_RETURN(std::optional<std::string> current, GetMeta("seq:" + name));
  int64_t next = current ? std::stoll(*current) + 1 : first;
  SWF_RETURN_IF_ERROR(SetMeta("seq:" + name, std::to_string(next)));
  return next;
}

Status EmulatorState::Begin() { return Exec("BEGIN IMMEDIATE"); }
Status EmulatorState::Commit() { return Exec("COMMIT"); }
void EmulatorState::Rollback() { (void)Exec("ROLLBACK"); }

Status EmulatorState::Wipe() {
  SWF_RETURN_IF_ERROR(Exec("DELETE FROM objects; DELETE FROM meta;"));
  std::error_code ec;
  std::filesystem::remove_all(content_dir(), ec);
  std::filesystem::create_directories(content_dir(), ec);
  if (ec) return IoError("cannot recreate " + content_dir().string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace swfvault
