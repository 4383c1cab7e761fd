// BagPlan: everything an export will write, decided before a byte is written (ninja's
// Plan/Builder split). PlanBag applies the ceiling, names the documents through the one
// NameSanitizer, redacts what mentions withheld documents and renders every small file;
// ArchiveExporter then only streams. Pure and thread-safe; the plan borrows pointers into the
// snapshot, which must outlive it.
#ifndef SWFVAULT_EXPORT_BAG_PLAN_H_
#define SWFVAULT_EXPORT_BAG_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "swfvault/archive_exporter.h"
#include "swfvault/status.h"

namespace swfvault {

struct PlannedDocument {
  const ExportDocument* doc;
  std::string path;  // relative to the bag root: "data/documenten/<name>"
};

struct PlannedFile {
  std::string path;  // relative to the bag root
  std::string content;
};

struct BagPlan {
  std::string root;                        // the bag's directory in the archive
  std::vector<PlannedDocument> documents;  // sorted by path
  std::vector<PlannedFile> generated;      // payload built in memory (data/mdto, data/metadata), sorted
  std::string bag_info;
  std::string index_html;
  size_t withheld = 0;
  uint64_t payload_bytes = 0;  // documents + generated
  size_t payload_files = 0;
};

// The level a document is treated as: the higher of its parsed level and its raw label
// (RELIABILITY rule 12: never trust one field to lower the other).
Confidentiality EffectiveLevel(const Document& d);

// A copy of `snapshot` with documents, deelnemers, actieverzoeken, berichten and notificaties
// sorted by id, so the archive does not depend on the order the catalog listed them in.
// History keeps its (chronological) order: it is a chain.
DossierSnapshot CanonicalSnapshot(const DossierSnapshot& snapshot);

// Plans the bag for a canonical snapshot (see CanonicalSnapshot).
// Codes: kInvalidArgument (unknown ceiling, as_of_unix outside 1980..2106, empty dossier id,
// duplicate document id, malformed sha256, missing/invalid MDTO values without no_mdto),
// kInternal (a withheld name or description would still appear in the output).
Result<BagPlan> PlanBag(const DossierSnapshot& snapshot, const ExportOptions& options);

}  // namespace swfvault

#endif  // SWFVAULT_EXPORT_BAG_PLAN_H_
