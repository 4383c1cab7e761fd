// index.html at the bag root: a self-contained page an auditor opens offline. It shows the
// dossier, the deelnemers, every exported document (name linked to its file, size, label,
// SHA-256, MDTO sidecar), what was withheld (id and level only) and the bag's labels. No
// scripts, no external resources. Pure function, thread-safe.
#ifndef SWFVAULT_EXPORT_INDEX_HTML_H_
#define SWFVAULT_EXPORT_INDEX_HTML_H_

#include <string>
#include <string_view>
#include <vector>

#include "swfvault/archive_exporter.h"

namespace swfvault {

struct IndexDocument {
  const ExportDocument* doc;
  std::string archive_name;  // under data/documenten/
  std::string mdto_path;     // "" without MDTO
};

struct IndexWithheld {
  std::string document_id;
  std::string level;
};

struct IndexPage {
  std::string dossier_id;
  std::string dossier_naam;  // already redacted by the caller
  std::string dossier_status;
  std::string source;
  std::string ceiling;
  std::string snapshot_time;
  std::vector<Deelnemer> deelnemers;
  std::vector<IndexDocument> documents;
  std::vector<IndexWithheld> withheld;
};

std::string IndexHtml(const IndexPage& page);

// Percent-encodes every byte of a relative path except unreserved characters and '/'.
std::string UrlPath(std::string_view path);

}  // namespace swfvault

#endif  // SWFVAULT_EXPORT_INDEX_HTML_H_
