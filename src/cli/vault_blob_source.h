// VaultBlobSource: the vault's BlobStore seen as the exporter's BlobSource, so
// ArchiveExporter streams documents straight out of `objects/<ab>/<sha256>`.
//
// It adds nothing but the adaptation: the exporter re-hashes every byte it reads, so the
// adapter trusts no object and checks no hash itself. Thread-safety: as BlobStore (Open may
// be called from several threads); the readers it returns belong to the caller.
#ifndef SWFVAULT_CLI_VAULT_BLOB_SOURCE_H_
#define SWFVAULT_CLI_VAULT_BLOB_SOURCE_H_

#include <memory>
#include <string>

#include "swfvault/archive_exporter.h"
#include "swfvault/blob_store.h"

namespace swfvault {

class VaultBlobSource : public BlobSource {
 public:
  // `store` is borrowed and must outlive the source.
  explicit VaultBlobSource(BlobStore& store) : store_(store) {}

  // Opens the object named `sha256` for streaming; the caller owns the reader.
  // Codes: kNotFound (no such object; the message names it), kInvalidArgument (not 64
  // lowercase hex), and the FileSystem's kPermissionDenied / kIoError.
  Result<std::unique_ptr<ReadableFile>> Open(const std::string& sha256) override;

 private:
  BlobStore& store_;
};

}  // namespace swfvault

#endif  // SWFVAULT_CLI_VAULT_BLOB_SOURCE_H_
