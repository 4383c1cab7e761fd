#include "swfvault/vault.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "swfvault/atomic_file.h"

namespace swfvault {
namespace {

constexpr char kMarker[] = "VAULT";
constexpr char kCatalog[] = "catalog.db";
constexpr char kMarkerPrefix[] = "swfvault vault ";
constexpr int kFormat = 1;

std::string MarkerText() { return kMarkerPrefix + std::to_string(kFormat) + "\n"; }

Status NotAVault(const std::string& dir, std::string_view why) {
  return NotFound(dir + " is not a vault" + std::string(why) + " (run 'swfvault init --vault " + dir + "')");
}

// The format a marker names, or 0 when the text is not "swfvault vault <N>" with N >= 1.
int MarkerFormat(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!text.starts_with(kMarkerPrefix)) return 0;
  std::string_view digits = text.substr(sizeof(kMarkerPrefix) - 1);
  if (digits.empty() || digits.size() > 6 || digits.front() == '0') return 0;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

// A VAULT file that holds no marker: `init` refuses such a folder, so it is not advised.
Status DamagedMarker(const std::string& dir) {
  return Corruption("vault " + dir + ": its VAULT file does not hold a vault marker (expected '" +
                    std::string(kMarkerPrefix) + std::to_string(kFormat) +
                    "'); if this folder is a swfvault vault, write that line back into VAULT, "
                    "else give another --vault");
}

// Ok for a vault this build reads; kNotFound when the marker is missing; kCorruption when it
// says something else; kUnsupported when a newer swfvault wrote it (opening it could harm data
// that build keeps in ways this one does not know).
Status CheckMarker(FileSystem& fs, const std::string& dir) {
  Result<std::string> text = ReadSmallFile(fs, JoinPath(dir, kMarker), 4096);
  if (!text.ok()) {
    StatusCode c = text.status().code();
    if (c == StatusCode::kNotFound) return NotAVault(dir, "");
    if (c == StatusCode::kResourceExhausted) return DamagedMarker(dir);
    return text.status();
  }
  int format = MarkerFormat(*text);
  if (format == 0) return DamagedMarker(dir);
  if (format > kFormat) {
    return Unsupported("vault " + dir + " has format " + std::to_string(format) +
                       ", made by a newer swfvault (this one reads format " + std::to_string(kFormat) +
                       "); upgrade swfvault to use it");
  }
  return Status::Ok();
}

// A reader holds no lock while it reads, but a schema change must not run beside a sync
// (RELIABILITY rule 5): an older swfvault syncing while a newer one's `status` migrated
// would go on writing a schema it does not know. So a due migration waits for the lock.
Status MigrateUnderLock(FileSystem& fs, const std::string& dir, Catalog& catalog, bool locked) {
  SWF_ASSIGN_OR_RETURN(int version, catalog.SchemaVersion());
  if (version >= Catalog::LatestVersion()) return Status::Ok();
  std::optional<VaultLock> held;
  if (!locked) {
    Result<VaultLock> lock = VaultLock::Acquire(fs, dir);
    if (!lock.ok() && lock.status().code() == StatusCode::kLocked) {
      return Locked("the catalog of " + dir + " needs an upgrade to schema v" +
                    std::to_string(Catalog::LatestVersion()) +
                    ", which waits until the swfvault run holding the vault has finished: " + lock.status().message());
    }
    SWF_ASSIGN_OR_RETURN(VaultLock acquired, std::move(lock));
    held.emplace(std::move(acquired));
  }
  return catalog.Migrate();
}

// A vault's catalog is its record of every document; without it every object looks like an
// orphan (gc would empty the store) and the vault's ceiling is forgotten. Opening one would
// create an empty catalog, so a vault whose catalog.db has gone is refused.
Status CheckCatalogPresent(FileSystem& fs, const std::string& dir) {
  const std::string path = JoinPath(dir, kCatalog);
  Result<FileStat> st = fs.Stat(path);
  if (!st.ok() && st.status().code() != StatusCode::kNotFound) return st.status();
  std::string what;
  if (!st.ok()) {
    what = "has no " + std::string(kCatalog);
  } else if (st->size == 0) {
    // SQLite would take an empty file for a new database (a vault without a ceiling, every
    // object an orphan for gc) and delete a write-ahead log beside it, which may hold pages
    // worth recovering: refused either way, the log left alone.
    Result<FileStat> wal = fs.Stat(path + "-wal");
    what = "has an empty " + std::string(kCatalog) + " (0 bytes)";
    if (wal.ok() && wal->size > 0) {
      what += "; keep " + std::string(kCatalog) + "-wal beside it, which may hold its pages";
    }
  } else {
    return Status::Ok();
  }
  return Corruption("vault " + dir + " " + what +
                    ": its record of every document and its ceiling are gone, and an empty one "
                    "would make every object an orphan; restore " +
                    kCatalog + " from a backup, or move the vault aside and init a new one");
}

// What an `init` that stopped before its VAULT marker leaves (the marker is written last).
bool OnlyInitLeftovers(const std::vector<std::string>& entries) {
  static const std::set<std::string> kOwn = {
      "lock",           "objects",        "tmp",
      "partial",        "quarantine",     "catalog.db",
      "catalog.db-wal", "catalog.db-shm", "catalog.db-journal"};
  for (const std::string& e : entries) {
    // The marker's own temp file (WriteFileAtomically), when the stop came while writing it.
    const bool marker_temp = e.starts_with(".atomic-") && e.ends_with(".tmp");
    if (kOwn.count(e) == 0 && !marker_temp) return false;
  }
  return true;
}

}  // namespace

Status Vault::Init(FileSystem& fs, Clock& clock, const std::string& dir) {
  SWF_RETURN_IF_ERROR(fs.CreateDirs(dir));
  std::string marker = JoinPath(dir, kMarker);
  Status existing = CheckMarker(fs, dir);
  if (!existing.ok()) {
    if (existing.code() != StatusCode::kNotFound) return existing;
    SWF_ASSIGN_OR_RETURN(std::vector<std::string> entries, fs.ListDir(dir));
    if (!OnlyInitLeftovers(entries)) {
      return AlreadyExists("directory " + dir + " is not empty and not a vault; refusing to init");
    }
  } else {
    SWF_RETURN_IF_ERROR(CheckCatalogPresent(fs, dir));
  }
  SWF_ASSIGN_OR_RETURN(VaultLock lock, VaultLock::Acquire(fs, dir));
  BlobStore store(&fs, &clock, dir);
  SWF_RETURN_IF_ERROR(store.Init());
  SWF_ASSIGN_OR_RETURN(std::unique_ptr<Catalog> catalog,
                       Catalog::Open(JoinPath(dir, kCatalog), &clock));
  if (!existing.ok()) SWF_RETURN_IF_ERROR(WriteFileAtomically(fs, marker, MarkerText()));
  return Status::Ok();
}

Result<std::unique_ptr<Vault>> Vault::Open(FileSystem& fs, Clock& clock, const std::string& dir,
                                           Access access) {
  SWF_RETURN_IF_ERROR(CheckMarker(fs, dir));
  SWF_RETURN_IF_ERROR(CheckCatalogPresent(fs, dir));
  std::optional<VaultLock> lock;
  if (access != Access::kReadOnly) {
    SWF_ASSIGN_OR_RETURN(VaultLock held, VaultLock::Acquire(fs, dir));
    lock.emplace(std::move(held));
  }
  auto store = std::make_unique<BlobStore>(&fs, &clock, dir);
  if (access == Access::kExclusive) SWF_RETURN_IF_ERROR(store->Init());
  const std::string path = JoinPath(dir, kCatalog);
  Result<std::unique_ptr<Catalog>> opened = access == Access::kLockedReadOnly
                                                ? Catalog::OpenReadOnly(path, &clock)
                                                : Catalog::OpenWithoutMigrating(path, &clock);
  const StatusCode why = opened.status().code();
  if (access == Access::kReadOnly &&
      (why == StatusCode::kPermissionDenied || why == StatusCode::kResourceExhausted)) {
    // A read-only mount (a snapshot, an auditor's copy), a folder this user may not write or a
    // full disk: still readable, as long as nothing needs writing.
    opened = Catalog::OpenReadOnly(path, &clock);
  }
  SWF_ASSIGN_OR_RETURN(std::unique_ptr<Catalog> catalog, std::move(opened));
  SWF_RETURN_IF_ERROR(MigrateUnderLock(fs, dir, *catalog, lock.has_value()));
  return std::unique_ptr<Vault>(
      new Vault(dir, std::move(store), std::move(catalog), std::move(lock)));
}

}  // namespace swfvault
