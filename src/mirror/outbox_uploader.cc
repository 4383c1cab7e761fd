#include "swfvault/outbox_uploader.h"

#include "swfvault/hashing.h"
#include "swfvault/swf_client.h"

namespace swfvault {

std::string_view UploadOutcomeName(UploadOutcome::Kind kind) {
  switch (kind) {
    case UploadOutcome::Kind::kUploaded: return "uploaded";
    case UploadOutcome::Kind::kReconciled: return "reconciled";
    case UploadOutcome::Kind::kAlreadyConfirmed: return "already-confirmed";
  }
  return "uploaded";
}

std::string OutboxUploader::UploadKey(const std::string& samenwerking_id, const std::string& sha256,
                                      const std::string& filename) {
  std::string material = samenwerking_id;
  material.push_back('\0');
  material += sha256;
  material.push_back('\0');
  material += filename;
  return Sha256Hex(material).substr(0, 32);
}

// A crash may have hit between the POST and MarkUploadConfirmed: look before sending again.
// A listing paged while the dossier changes (a document added or deleted meanwhile) can skip
// one, so only a document missing from two listings counts as not there: one listing would
// send the file a second time.
Result<bool> OutboxUploader::FindRemote(const OutboxEntry& entry, Document* found) {
  for (int listing = 0; listing < 2; ++listing) {
    SWF_ASSIGN_OR_RETURN(std::vector<Document> docs, client_.ListDocumenten(entry.samenwerking_id));
    for (const Document& d : docs) {
      if (d.nummer_binnen_systeem == entry.upload_key && d.document_hash == entry.content_sha256) {
        *found = d;
        return true;
      }
    }
  }
  return false;
}

Result<UploadOutcome> OutboxUploader::Upload(const UploadRequest& original) {
  UploadOutcome outcome;
  UploadRequest request = original;
  if (request.level != "SV") {
    // A copy of an SV document (dropped from an SV mirror, pushed from a download) goes up as
    // SV: uploaded at RV it would reach every RV target and every beperkte-toegang partner.
    SWF_ASSIGN_OR_RETURN(outcome.raised_as,
                         catalog_.DocumentAboveRvWithContent(request.content_sha256));
    if (!outcome.raised_as.empty()) request.level = "SV";
  }
  outcome.upload_key = UploadKey(request.samenwerking_id, request.content_sha256, request.filename);
  SWF_ASSIGN_OR_RETURN(OutboxEntry entry,
                       catalog_.EnqueueUpload(request.samenwerking_id, request.content_sha256,
                                              outcome.upload_key, request.local_path));
  if (entry.state == OutboxState::kConfirmed) {
    // The same file was uploaded before. Only while that document is still there is this
    // drop done; deleted remotely since (a user putting it back), it goes up again.
    Result<Document> there = client_.GetDocument(entry.document_id);
    if (there.ok()) {
      outcome.kind = UploadOutcome::Kind::kAlreadyConfirmed;
      outcome.document_id = entry.document_id;
      const std::string held(ConfidentialityName(there->vertrouwelijkheid));
      if (!request.level.empty() && request.level != held) outcome.other_level = held;
      return outcome;
    }
    if (there.status().code() != StatusCode::kNotFound) return there.status();
    SWF_RETURN_IF_ERROR(catalog_.ReopenUpload(entry.outbox_id));
    entry.state = OutboxState::kPending;
  }
  if (entry.state == OutboxState::kSent) {
    Document found;
    SWF_ASSIGN_OR_RETURN(bool present, FindRemote(entry, &found));
    if (present) return Reconciled(entry, found, request, std::move(outcome));
  } else {
    SWF_RETURN_IF_ERROR(catalog_.MarkUploadSent(entry.outbox_id));
  }
  DocumentUpload upload;
  upload.file_path = request.file_path;
  upload.filename = request.filename;
  upload.document_omschrijving = request.omschrijving;
  upload.kenmerk_systeem = kUploadKenmerkSysteem;
  upload.nummer_binnen_systeem = outcome.upload_key;
  upload.vertrouwelijkheids_aanduiding = request.level;
  upload.taal = request.taal;
  Result<Document> sent = client_.UploadDocument(request.samenwerking_id, upload);
  if (!sent.ok()) {
    // A timeout, a reset or a gateway's 502 says nothing about whether the server stored the
    // file (the transport does not send a POST twice): look once, so that a stored upload is
    // confirmed now. Not found: the row stays `sent` and the next run looks again first.
    if (sent.status().code() != StatusCode::kUnavailable) return sent.status();
    Document found;
    Result<bool> present = FindRemote(entry, &found);
    if (!present.ok() || !*present) return sent.status();
    return Reconciled(entry, found, request, std::move(outcome));
  }
  const Document& doc = *sent;
  if (doc.document_hash != request.content_sha256) {
    // Not what was meant to go up: the row stays `sent`, and as no document with this key
    // holds these bytes, the next run sends the file again.
    return Corruption("uploaded " + doc.document_id + " but the server hashed " +
                      doc.document_hash + ", expected " + request.content_sha256 +
                      " (file changed while uploading, or damaged on the way); it goes up again next run");
  }
  SWF_RETURN_IF_ERROR(catalog_.MarkUploadConfirmed(entry.outbox_id, doc.document_id));
  outcome.document_id = doc.document_id;
  outcome.imported = MayImport(doc.vertrouwelijkheid) && Import(doc, request).ok();
  return outcome;
}

Result<UploadOutcome> OutboxUploader::Reconciled(const OutboxEntry& entry, const Document& found,
                                                 const UploadRequest& request, UploadOutcome outcome) {
  SWF_RETURN_IF_ERROR(catalog_.MarkUploadConfirmed(entry.outbox_id, found.document_id));
  outcome.kind = UploadOutcome::Kind::kReconciled;
  outcome.document_id = found.document_id;
  outcome.imported = MayImport(found.vertrouwelijkheid) && Import(found, request).ok();
  return outcome;
}

bool OutboxUploader::MayImport(Confidentiality level) {
  Result<std::optional<Confidentiality>> own = catalog_.GetVaultCeiling();
  const bool vault_rv = !own.ok() || (own->has_value() && **own == Confidentiality::kRV);
  return AllowedUnder(level, vault_rv ? Confidentiality::kRV : ceiling_);
}

// Streams the uploaded bytes into the store under the hash the server reported, so the
// document is in the vault (and the mirror) without downloading it again. Best effort: a
// failure leaves it to the next sync.
Status OutboxUploader::Import(const Document& document, const UploadRequest& request) {
  Result<Samenwerking> known = catalog_.GetSamenwerking(document.samenwerking_id);
  if (!known.ok()) return known.status();
  SWF_ASSIGN_OR_RETURN(auto writer, store_.BeginWrite());
  PosixFileSystem fs;
  SWF_ASSIGN_OR_RETURN(auto in, fs.OpenForRead(request.file_path));
  std::string buf(64 * 1024, '\0');
  for (;;) {
    SWF_ASSIGN_OR_RETURN(size_t n, in->Read(buf.data(), buf.size()));
    if (n == 0) break;
    SWF_RETURN_IF_ERROR(writer->Append(std::string_view(buf.data(), n)));
  }
  SWF_ASSIGN_OR_RETURN(CommitResult committed, writer->Commit(document.document_hash, writer->size()));
  SWF_ASSIGN_OR_RETURN(Catalog::Transaction tx, catalog_.Begin());
  SWF_RETURN_IF_ERROR(catalog_.RecordBlob(committed.blob));
  SWF_RETURN_IF_ERROR(catalog_.UpsertDocument(document, DocumentState::kPresent, committed.blob.sha256));
  Event event;
  event.kind = EventKind::kUploaded;
  event.document_id = document.document_id;
  event.samenwerking_id = document.samenwerking_id;
  event.sha256 = committed.blob.sha256;
  SWF_RETURN_IF_ERROR(catalog_.AppendEvent(event).status());
  return tx.Commit();
}

}  // namespace swfvault
