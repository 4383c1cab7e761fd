#include "swfvault/vault.h"

#include "swfvault/atomic_file.h"

namespace swfvault {
namespace {

constexpr char kMarker[] = "VAULT";
constexpr char kMarkerText[] = "swfvault vault 1\n";

}  // namespace

Status Vault::Init(FileSystem& fs, Clock& clock, const std::string& dir) {
  SWF_RETURN_IF_ERROR(fs.CreateDirs(dir));
  std::string marker = JoinPath(dir, kMarker);
  Result<FileStat> existing = fs.Stat(marker);
  if (!existing.ok()) {
    if (existing.status().code() != StatusCode::kNotFound) return existing.status();
    SWF_ASSIGN_OR_RETURN(std::vector<std::string> entries, fs.ListDir(dir));
    if (!entries.empty()) {
      return AlreadyExists("directory " + dir + " is not empty and not a vault; refusing to init");
    }
  }
  SWF_ASSIGN_OR_RETURN(VaultLock lock, VaultLock::Acquire(fs, dir));
  BlobStore store(&fs, &clock, dir);
  SWF_RETURN_IF_ERROR(store.Init());
  SWF_ASSIGN_OR_RETURN(std::unique_ptr<Catalog> catalog,
                       Catalog::Open(JoinPath(dir, "catalog.db"), &clock));
  if (!existing.ok()) SWF_RETURN_IF_ERROR(WriteFileAtomically(fs, marker, kMarkerText));
  return Status::Ok();
}

Result<std::unique_ptr<Vault>> Vault::Open(FileSystem& fs, Clock& clock, const std::string& dir,
                                           Access access) {
  Result<FileStat> marker = fs.Stat(JoinPath(dir, kMarker));
  if (!marker.ok()) {
    if (marker.status().code() == StatusCode::kNotFound) {
      return NotFound(dir + " is not a vault (run 'swfvault init --vault " + dir + "')");
    }
    return marker.status();
  }
  std::optional<VaultLock> lock;
  if (access == Access::kExclusive) {
    SWF_ASSIGN_OR_RETURN(VaultLock held, VaultLock::Acquire(fs, dir));
    lock.emplace(std::move(held));
  }
  auto store = std::make_unique<BlobStore>(&fs, &clock, dir);
  if (access == Access::kExclusive) SWF_RETURN_IF_ERROR(store->Init());
  SWF_ASSIGN_OR_RETURN(std::unique_ptr<Catalog> catalog,
                       Catalog::Open(JoinPath(dir, "catalog.db"), &clock));
  return std::unique_ptr<Vault>(
      new Vault(dir, std::move(store), std::move(catalog), std::move(lock)));
}

}  // namespace swfvault
