// Vault: one vault directory opened for use: its BlobStore, its Catalog and, for commands
// that change it, the runner lock (RELIABILITY rule 5).
//
//   <vault>/VAULT          format marker ("swfvault vault 1")
//   <vault>/catalog.db     the Catalog (SQLite, WAL)
//   <vault>/objects/ tmp/ partial/ quarantine/   the BlobStore
//   <vault>/lock           flock target
//
// A Vault is used from one thread. `fs` and `clock` are not owned and must outlive it.
#ifndef SWFVAULT_VAULT_H_
#define SWFVAULT_VAULT_H_

#include <memory>
#include <optional>
#include <string>

#include "swfvault/blob_store.h"
#include "swfvault/catalog.h"
#include "swfvault/clock.h"
#include "swfvault/file_system.h"
#include "swfvault/status.h"
#include "swfvault/vault_lock.h"

namespace swfvault {

class Vault {
 public:
  // kLockedReadOnly holds the runner lock but reads the catalog read-only: what gc needs to
  // free space on a disk too full for SQLite to open the catalog for writing.
  enum class Access { kReadOnly, kExclusive, kLockedReadOnly };

  // Creates the layout and the catalog. Ok (and nothing changed) when `dir` already is a
  // vault; kAlreadyExists when `dir` holds other files; kUnsupported as for Open.
  static Status Init(FileSystem& fs, Clock& clock, const std::string& dir);
  // Opens an existing vault. kExclusive takes the runner lock first (kLocked when another
  // process holds it). kNotFound "... is not a vault (run 'swfvault init')" when the VAULT
  // marker is missing or does not read "swfvault vault <N>"; kUnsupported when N (or the
  // catalog's schema) is newer than this build understands, i.e. a newer swfvault made it.
  // An older catalog schema is migrated only under the runner lock: kReadOnly takes it for the
  // migration alone, and fails kLocked when another run holds it (RELIABILITY rule 5).
  static Result<std::unique_ptr<Vault>> Open(FileSystem& fs, Clock& clock, const std::string& dir,
                                             Access access);

  BlobStore& store() { return *store_; }
  Catalog& catalog() { return *catalog_; }
  const std::string& dir() const { return dir_; }

 private:
  Vault(std::string dir, std::unique_ptr<BlobStore> store, std::unique_ptr<Catalog> catalog,
        std::optional<VaultLock> lock)
      : dir_(std::move(dir)), store_(std::move(store)), catalog_(std::move(catalog)),
        lock_(std::move(lock)) {}

  std::string dir_;
  std::unique_ptr<BlobStore> store_;
  std::unique_ptr<Catalog> catalog_;
  std::optional<VaultLock> lock_;
};

}  // namespace swfvault

#endif  // SWFVAULT_VAULT_H_
