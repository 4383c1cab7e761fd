// OutboxUploader: idempotent uploads through the catalog outbox (RELIABILITY rule 8).
//
//   EnqueueUpload(samenwerking, sha256, key, path)  -> pending
//   MarkUploadSent                                   -> sent      (before the POST)
//   SwfClient::UploadDocument (streamed; kenmerkSysteem "swfvault", nummerBinnenSysteem key)
//   MarkUploadConfirmed(document id)                 -> confirmed
//
// An entry found in `sent` (a crash between the POST and the commit) is reconciled first: the
// dossier is listed and a document with nummerBinnenSysteem == key and documentHash == sha256
// confirms it without sending again. An entry already `confirmed` is not sent again. After a
// confirmed upload the bytes are imported into the vault (store + catalog, kPresent) when the
// label is allowed under the vault's ceiling, so a mirror shows the document at once.
//
// The upload key is the first 32 hex digits of SHA-256(samenwerkingId NUL sha256 NUL filename).
// `client`, `catalog` and `store` are not owned. Not thread-safe.
#ifndef SWFVAULT_OUTBOX_UPLOADER_H_
#define SWFVAULT_OUTBOX_UPLOADER_H_

#include <string>

#include "swfvault/blob_store.h"
#include "swfvault/catalog.h"
#include "swfvault/model.h"
#include "swfvault/status.h"

namespace swfvault {

class SwfClient;

inline constexpr char kUploadKenmerkSysteem[] = "swfvault";

struct UploadRequest {
  std::string samenwerking_id;
  std::string file_path;   // what is opened to stream (may be /proc/self/fd/N)
  std::string local_path;  // what the outbox records and reports name
  std::string filename;    // bestandsNaam sent to the server
  std::string content_sha256;  // of the file, computed by the caller
  uint64_t size = 0;
  std::string level;  // "RV" or "SV"
  std::string omschrijving;
  std::string taal;
};

struct UploadOutcome {
  enum class Kind { kUploaded, kReconciled, kAlreadyConfirmed };
  Kind kind = Kind::kUploaded;
  std::string upload_key;
  std::string document_id;
  bool imported = false;  // the vault now holds the bytes as the remote document
  // kAlreadyConfirmed: the label the server holds the document with, when the request asked
  // for another one (the upload is not repeated, so the asked label was not applied).
  std::string other_level;
  // The request asked for RV, but the vault knows these bytes as this SV document: the upload
  // went up as SV (rule 12: a copy never lowers a label), and a caller names it as SV.
  std::string raised_as;
};
std::string_view UploadOutcomeName(UploadOutcome::Kind kind);  // "uploaded", ...

class OutboxUploader {
 public:
  // `vault_ceiling` limits what is imported into the vault after an upload, and so does the
  // vault's own ceiling (init --max-level) in `catalog`.
  OutboxUploader(SwfClient& client, Catalog& catalog, BlobStore& store,
                 Confidentiality vault_ceiling)
      : client_(client), catalog_(catalog), store_(store), ceiling_(vault_ceiling) {}

  static std::string UploadKey(const std::string& samenwerking_id, const std::string& sha256,
                               const std::string& filename);

  // Uploads once. Codes: the client's (kUnavailable retryable, kPermissionDenied when the
  // server refuses e.g. SV under BEPERKTE_TOEGANG, ...) and the catalog's; on any error the
  // outbox entry is left for the next run to reconcile.
  Result<UploadOutcome> Upload(const UploadRequest& request);

 private:
  Result<bool> FindRemote(const OutboxEntry& entry, Document* found);
  // Confirms `entry` as the remote `found` and imports it: the outcome of a reconciliation.
  Result<UploadOutcome> Reconciled(const OutboxEntry& entry, const Document& found,
                                   const UploadRequest& request, UploadOutcome outcome);
  Status Import(const Document& document, const UploadRequest& request);
  // Whether an uploaded document of `level` may be kept in the vault: within `ceiling_` and the
  // vault's own ceiling (RV when that cannot be read: the vault never holds more by a failed read).
  bool MayImport(Confidentiality level);
  SwfClient& client_;
  Catalog& catalog_;
  BlobStore& store_;
  Confidentiality ceiling_;
};

}  // namespace swfvault

#endif  // SWFVAULT_OUTBOX_UPLOADER_H_
