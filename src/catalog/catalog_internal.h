// Pieces shared by the .cc files that implement Catalog.
#ifndef SWFVAULT_CATALOG_CATALOG_INTERNAL_H_
#define SWFVAULT_CATALOG_CATALOG_INTERNAL_H_

#include "catalog/sqlite_db.h"
#include "swfvault/catalog.h"

namespace swfvault {

// Runs `fn` (returning Status) inside a SAVEPOINT, so a multi-statement call is atomic
// whether or not the caller holds a Transaction.
template <typename Fn>
Status Catalog::Atomically(Fn&& fn) {
  SWF_RETURN_IF_ERROR(db_->Exec("SAVEPOINT catalog_call"));
  Status st = fn();
  if (!st.ok()) {
    (void)db_->Exec("ROLLBACK TO catalog_call");
    (void)db_->Exec("RELEASE catalog_call");
    return st;
  }
  return db_->Exec("RELEASE catalog_call");
}

// kNotFound naming `what` when the last statement changed no row, else Ok.
inline Status ExpectChanged(SqliteDb& db, const std::string& what) {
  return db.Changes() > 0 ? Status::Ok() : NotFound(what);
}

}  // namespace swfvault

#endif  // SWFVAULT_CATALOG_CATALOG_INTERNAL_H_
