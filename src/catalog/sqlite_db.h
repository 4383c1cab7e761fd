// SqliteDb: a thin RAII layer over one sqlite3 connection for the catalog. Statements are
// prepared once per SQL text and cached; values are always bound, never spliced into SQL.
// SQLite result codes become Status codes here (and only here). A cached statement exists
// once per SQL text, so the same SQL must not be stepped twice at the same time (nested).
//
// Not thread-safe: one connection, used by one thread at a time.
#ifndef SWFVAULT_CATALOG_SQLITE_DB_H_
#define SWFVAULT_CATALOG_SQLITE_DB_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "swfvault/status.h"

namespace swfvault {

// Maps a SQLite result code to a Status naming `what`.
Status SqliteStatus(int rc, sqlite3* db, std::string_view what);
// The first characters of a statement, for an error message.
std::string ShortSql(std::string_view sql);

// A cached prepared statement in use; resets and clears bindings when destroyed.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept
      : db_(other.db_), stmt_(other.stmt_), bind_error_(std::move(other.bind_error_)) {
    other.stmt_ = nullptr;
  }
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  // Binders take a 1-based index and return *this so calls chain.
  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& BindNull(int index);
  // Binds NULL when `text` is empty.
  SqliteStatement& BindOrNull(int index, std::string_view text);
  SqliteStatement& Bind(int index, std::optional<int64_t> value);

  // Advances: true when a row is available, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows.
  Status Run();

  std::string Text(int column) const;  // "" for NULL
  int64_t Int(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  Status bind_error_;
};

class SqliteDb {
 public:
  // Opens (creating when missing) the database file at `path`.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path);
  // Opens the existing file at `path` read-only (SQLITE_OPEN_READONLY); `immutable`: as a file
  // nothing changes, without locks or a shared-memory file.
  static Result<std::unique_ptr<SqliteDb>> OpenReadOnly(const std::string& path, bool immutable);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without parameters (schema, pragmas, BEGIN/COMMIT).
  Status Exec(std::string_view sql);
  // Returns the cached prepared statement for `sql`.
  Result<SqliteStatement> Prepare(const std::string& sql);
  // First column of the first row of a parameterless query, as text.
  Result<std::string> QueryText(const std::string& sql);

  int64_t LastInsertRowId() const;
  int Changes() const;
  sqlite3* raw() const { return db_; }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

}  // namespace swfvault

#endif  // SWFVAULT_CATALOG_SQLITE_DB_H_
