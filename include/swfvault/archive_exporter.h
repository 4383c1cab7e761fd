// ArchiveExporter: writes one samenwerkdossier as a deterministic, verifiable audit archive.
//
// The archive is a BagIt 1.0 bag (RFC 8493) under one root directory named after the
// samenwerkingId, packed as tar (pax), tar.gz, tar.zst or zip. Layout (entries in byte-wise
// path order):
//   <root>/bag-info.txt, bagit.txt
//   <root>/data/documenten/<sanitized, collision-free names>     the documents
//   <root>/data/mdto/dossier.mdto.xml                           MDTO informatieobject (dossier)
//   <root>/data/mdto/<document id>.informatieobject.mdto.xml    MDTO informatieobject (document)
//   <root>/data/mdto/<document id>.bestand.mdto.xml             MDTO bestand (the file)
//   <root>/data/metadata/{samenwerking,deelnemers,documenten,actieverzoeken,berichten,
//                         notificaties}.json, achtergehouden.csv, geschiedenis.jsonl
//   <root>/index.html, manifest-sha256.txt, manifest-sha512.txt, tagmanifest-sha256.txt
// See docs/export.md for every file's format.
//
// Confidentiality fails closed (RELIABILITY rule 12): documents above the ceiling are left
// out and listed in achtergehouden.csv by id and level only; records and history entries that
// mention a withheld document's name or description are redacted.
//
// The exporter is decoupled from the catalog and the blob store: the caller fills a
// DossierSnapshot and hands in a BlobSource. It never reads the wall clock: every time in the
// archive comes from DossierSnapshot::as_of_unix. Not thread-safe: one Export at a time per
// exporter (zip export also switches the process's TZ to UTC for its duration, see Export).
// While streaming, SHA-512 runs on one helper thread the exporter owns.
#ifndef SWFVAULT_ARCHIVE_EXPORTER_H_
#define SWFVAULT_ARCHIVE_EXPORTER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swfvault/file_system.h"
#include "swfvault/model.h"
#include "swfvault/status.h"

namespace swfvault {

// Content of stored objects by SHA-256. The real BlobStore and test fakes implement it.
class BlobSource {
 public:
  virtual ~BlobSource() = default;
  // Opens the object named `sha256` for streaming. kNotFound when absent. The caller owns
  // the reader. Must be callable repeatedly for the same object.
  virtual Result<std::unique_ptr<ReadableFile>> Open(const std::string& sha256) = 0;
};

// A document to export with the object that holds its content.
struct ExportDocument {
  Document document;
  std::string sha256;  // lowercase hex, the object name in the BlobSource
  uint64_t size = 0;   // exact byte count of the object
};

// One event of the vault's history for this dossier (from the catalog).
struct HistoryEvent {
  std::string time;         // ISO-8601 UTC, as recorded
  std::string kind;         // e.g. "document_added", "label_raised"
  std::string document_id;  // "" when not about a document
  std::string sha256;       // "" when none
  std::string detail;       // free text; never a title of an SV document
};

// Everything the archive says about one dossier, as the vault knows it at `as_of_unix`.
struct DossierSnapshot {
  Samenwerking samenwerking;
  std::vector<Deelnemer> deelnemers;
  std::vector<ExportDocument> documents;  // all of them; the exporter applies the ceiling
  std::vector<Actieverzoek> actieverzoeken;
  std::vector<Bericht> berichten;
  std::vector<Notificatie> notificaties;
  std::vector<HistoryEvent> history;  // oldest first
  std::string source_oin;             // the exporting organisation
  std::string source_naam;
  int64_t as_of_unix = 0;  // snapshot time: Bagging-Date and every mtime; >= 1980-01-01
  // One line per profile whose last sync of the dossier left something undone (a failed
  // download, a stop): the archive may lack documents. bag-info.txt says so.
  std::vector<std::string> sync_incomplete;
};

enum class ExportFormat { kTar, kTarGz, kTarZst, kZip };

// "tar", "tar.gz" (or "tgz"), "tar.zst" (or "tzst"), "zip"; kInvalidArgument otherwise.
Result<ExportFormat> ParseExportFormat(std::string_view name);
// The format implied by `path`'s extension; kInvalidArgument when none matches.
Result<ExportFormat> ExportFormatFromPath(std::string_view path);
std::string_view ExportFormatName(ExportFormat format);

// MDTO values from config ([mdto] in the profile).
struct MdtoValues {
  std::string waardering;     // begripLabel, e.g. "B" or "V"
  std::string archiefvormer;  // name of the archive-forming organisation
  std::string bewaartermijn;  // xsd:duration, e.g. "P20Y"
};

struct ExportOptions {
  std::optional<ExportFormat> format;  // empty: from the output file name
  Confidentiality ceiling = Confidentiality::kRV;  // highest level that may be exported
  MdtoValues mdto;
  bool no_mdto = false;          // leave out data/mdto/ instead of requiring mdto values
  std::string software_version;  // recorded in bag-info.txt
};

struct ExportSummary {
  ExportFormat format = ExportFormat::kTar;
  size_t documents_exported = 0;
  size_t documents_withheld = 0;
  size_t payload_files = 0;   // Payload-Oxum stream count
  uint64_t payload_bytes = 0;  // Payload-Oxum octet count
  uint64_t archive_bytes = 0;  // size of the published file
};

class ArchiveExporter {
 public:
  // `fs` and `blobs` are borrowed and must outlive the exporter.
  ArchiveExporter(FileSystem& fs, BlobSource& blobs) : fs_(fs), blobs_(blobs) {}

  // Writes the archive to a temp file beside `output_path`, fsyncs it and renames it over
  // `output_path` (then fsyncs the directory); on any failure before the rename the temp file
  // is removed and `output_path` is untouched (if only the final directory fsync fails, the new
  // archive is in place but the error is still returned). Each object is re-hashed while it
  // streams.
  // Codes: kInvalidArgument (no format, missing/invalid MDTO values without no_mdto, bad
  // snapshot such as as_of before 1980 or a malformed hash), kNotFound (object missing),
  // kCorruption (an object's size or SHA-256 differs; the message names document and object),
  // kInternal (redaction left a withheld name in the output; nothing is published), and the
  // FileSystem codes (kResourceExhausted, kPermissionDenied, kIoError).
  // Zip only: sets TZ=UTC in the process environment while writing (libarchive derives the
  // DOS time from localtime) and restores it afterwards; do not export zip concurrently with
  // other code that reads TZ.
  Result<ExportSummary> Export(const DossierSnapshot& snapshot, const ExportOptions& options,
                               const std::string& output_path);

 private:
  FileSystem& fs_;
  BlobSource& blobs_;
};

}  // namespace swfvault

#endif  // SWFVAULT_ARCHIVE_EXPORTER_H_
