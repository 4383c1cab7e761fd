// Tests: raw SQLite access to a catalog file behind the Catalog's back (to plant old schemas,
// damage or rows the API would refuse, and to read what it wrote).
#ifndef SWFVAULT_TESTS_SUPPORT_RAW_SQLITE_H_
#define SWFVAULT_TESTS_SUPPORT_RAW_SQLITE_H_

#include <sqlite3.h>

#include <string>

namespace swfvault::testing {

// Runs `sql` on the database at `path`; the SQLite result code.
inline int RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

// The first column of every row of `sql`, joined with ","; NULL as "NULL".
inline std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(stmt, 0);
      out += (out.empty() ? "" : ",") + std::string(t ? reinterpret_cast<const char*>(t) : "NULL");
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SUPPORT_RAW_SQLITE_H_
