// VaultBlobSource: the vault's BlobStore seen as the exporter's BlobSource, so
// ArchiveExporter streams documents straight out of `objects/<ab>/<sha256>`.
//
// It adds nothing but the adaptation: the exporter re-hashes every byte it reads, so the
// adapter trusts no object and checks no hash itself. With a StopFlag, opens and reads fail
// with kCancelled once a stop is requested, so an export ends (and removes its temp file) at
// the next read. Thread-safety: as BlobStore (Open may
// be called from several threads); the readers it returns belong to the caller.
#ifndef SWFVAULT_CLI_VAULT_BLOB_SOURCE_H_
#define SWFVAULT_CLI_VAULT_BLOB_SOURCE_H_

#include <memory>
#include <string>

#include "swfvault/archive_exporter.h"
#include "swfvault/blob_store.h"
#include "swfvault/stop_flag.h"

namespace swfvault {

class VaultBlobSource : public BlobSource {
 public:
  // `store` (and `stop`, when given) are borrowed and must outlive the source.
  explicit VaultBlobSource(BlobStore& store, const StopFlag* stop = nullptr)
      : store_(store), stop_(stop) {}

  // Opens the object named `sha256` for streaming; the caller owns the reader.
  // Codes: kNotFound (no such object; the message names it), kInvalidArgument (not 64
  // lowercase hex), and the FileSystem's kPermissionDenied / kIoError.
  Result<std::unique_ptr<ReadableFile>> Open(const std::string& sha256) override;

 private:
  BlobStore& store_;
  const StopFlag* stop_;
};

}  // namespace swfvault

#endif  // SWFVAULT_CLI_VAULT_BLOB_SOURCE_H_
