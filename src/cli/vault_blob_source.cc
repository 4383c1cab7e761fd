#include "cli/vault_blob_source.h"

namespace swfvault {

Result<std::unique_ptr<ReadableFile>> VaultBlobSource::Open(const std::string& sha256) {
  Result<std::unique_ptr<ReadableFile>> file = store_.Open(sha256);
  if (!file.ok() && file.status().code() == StatusCode::kNotFound) {
    // The FileSystem message names a path under objects/; say which object is missing.
    return NotFound("object " + sha256 + " is missing from the vault's store");
  }
  return file;
}

}  // namespace swfvault
