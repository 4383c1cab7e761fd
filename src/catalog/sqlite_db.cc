#include "catalog/sqlite_db.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace swfvault {

Status SqliteStatus(int rc, sqlite3* db, std::string_view what) {
  const int primary = rc & 0xff;
  // What SQLite says first, then the operating system's reason where there is one (a full or
  // read-only disk reaches SQLite as an I/O error), then the statement, cut short.
  std::string msg = "catalog: ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  // SQLite keeps the system's errno of the last I/O error only: read it for those alone.
  const int os_errno = db != nullptr && (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN)
                           ? sqlite3_system_errno(db)
                           : 0;
  if (os_errno != 0) msg += std::string(" (") + std::strerror(os_errno) + ")";
  msg += " (during " + std::string(what) + ")";
  switch (os_errno) {
    case ENOSPC:
    case EDQUOT:
      return ResourceExhausted(std::move(msg));
    case EACCES:
    case EPERM:
    case EROFS:
      return PermissionDenied(std::move(msg));
    default:
      break;
  }
  switch (primary) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE: return Status::Ok();
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Unavailable(std::move(msg));
    case SQLITE_FULL: return ResourceExhausted(std::move(msg));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Corruption(std::move(msg));
    case SQLITE_CONSTRAINT: return Conflict(std::move(msg));
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH: return PermissionDenied(std::move(msg));
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
    case SQLITE_ERROR: return Internal(std::move(msg));
    case SQLITE_INTERRUPT: return Cancelled(std::move(msg));
    default: return IoError(std::move(msg));
  }
}

std::string ShortSql(std::string_view sql) {
  constexpr size_t kShown = 60;  // enough to tell the statement; the values are bound, not shown
  return sql.size() > kShown ? std::string(sql.substr(0, kShown)) + "..." : std::string(sql);
}

SqliteStatement::~SqliteStatement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  // A default string_view has data() == nullptr, which SQLite would bind as NULL.
  const char* data = text.data() != nullptr ? text.data() : "";
  int rc = sqlite3_bind_text(stmt_, index, data, static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteStatus(rc, db_, "bind");
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteStatus(rc, db_, "bind");
  return *this;
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteStatus(rc, db_, "bind");
  return *this;
}

SqliteStatement& SqliteStatement::BindOrNull(int index, std::string_view text) {
  return text.empty() ? BindNull(index) : Bind(index, text);
}

SqliteStatement& SqliteStatement::Bind(int index, std::optional<int64_t> value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Result<bool> SqliteStatement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, db_, ShortSql(sqlite3_sql(stmt_)));
}

Status SqliteStatement::Run() {
  SWF_ASSIGN_OR_RETURN(bool row, Step());
  (void)row;
  return Status::Ok();
}

std::string SqliteStatement::Text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

int64_t SqliteStatement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

bool SqliteStatement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status st = SqliteStatus(rc, db, "open catalog " + path);
    sqlite3_close(db);
    return st;
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<SqliteDb>(new SqliteDb(db));
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::OpenReadOnly(const std::string& path, bool immutable) {
  // As a URI, so that immutable=1 can be given; every byte the URI syntax reserves is escaped.
  std::string uri = "file:";
  // "file://host/..." would name a host: one leading slash for "//x" as for "/x".
  std::string_view rest = path;
  while (rest.size() > 1 && rest[0] == '/' && rest[1] == '/') rest.remove_prefix(1);
  for (unsigned char c : rest) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
      uri.push_back(static_cast<char>(c));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      uri += hex;
    }
  }
  if (immutable) uri += "?immutable=1";
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(uri.c_str(), &db,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status st = SqliteStatus(rc, db, "open catalog " + path + " read-only");
    sqlite3_close(db);
    return st;
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<SqliteDb>(new SqliteDb(db));
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status SqliteDb::Exec(std::string_view sql) {
  std::string copy(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  return SqliteStatus(rc, db_, ShortSql(copy));
}

Result<SqliteStatement> SqliteDb::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteStatus(rc, db_, "prepare " + ShortSql(sql));
    it = cache_.emplace(sql, stmt).first;
  }
  return SqliteStatement(db_, it->second);
}

Result<std::string> SqliteDb::QueryText(const std::string& sql) {
  SWF_ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(sql));
  SWF_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFound("no row from " + sql);
  return stmt.Text(0);
}

int64_t SqliteDb::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int SqliteDb::Changes() const { return sqlite3_changes(db_); }

}  // namespace swfvault
