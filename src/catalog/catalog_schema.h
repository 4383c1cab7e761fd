// The catalog's schema as ordered migration steps. Version N is reached by applying steps
// 1..N in order, each in its own transaction together with its row in `schema_version`.
// Steps are append-only: a released step is never edited, a change is a new step.
#ifndef SWFVAULT_CATALOG_CATALOG_SCHEMA_H_
#define SWFVAULT_CATALOG_CATALOG_SCHEMA_H_

#include <string>

#include "catalog/sqlite_db.h"
#include "swfvault/status.h"

namespace swfvault {

// Highest version this build knows.
int LatestSchemaVersion();

// Current version of `db` (0 for an empty database).
Result<int> CurrentSchemaVersion(SqliteDb& db);

// Applies the missing steps up to `target` (<= LatestSchemaVersion()), stamping each with
// `now`. Codes: kUnsupported when the database is newer than this build (never downgraded);
// SQLite errors otherwise (the failing step is rolled back whole).
Status MigrateSchema(SqliteDb& db, int target, const std::string& now);

}  // namespace swfvault

#endif  // SWFVAULT_CATALOG_CATALOG_SCHEMA_H_
