// MirrorPlanner: the pure half of the file-share mirror (ninja's Plan/Builder split). Given
// what the catalog holds, the target's ceiling and what the target's state file says was
// written before, it decides which file belongs at which path of the target:
//
//   <samenwerkingId> - <titel>/<bestandsNaam>                a present document
//   <samenwerkingId> - <titel>/_verwijderd/<bestandsNaam>    a document removed remotely
//
// Every component goes through SanitizeName, and names within one folder through
// ResolveNameCollisions (RELIABILITY rule 11), so the layout is deterministic. A document is
// placed only when AllowedUnder(level, ceiling) and its state is present/removed-remotely with
// an object; anything the state file lists that is no longer wanted is removed (rule 12).
// The planner touches no disk: local edits are detected by the executor (MirrorTree).
// Pure functions; thread-safe.
#ifndef SWFVAULT_MIRROR_PLANNER_H_
#define SWFVAULT_MIRROR_PLANNER_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "swfvault/catalog_records.h"
#include "swfvault/model.h"

namespace swfvault {

// Folder names inside a dossier folder that documents may not take.
inline constexpr char kDropDir[] = "_uploaden";
inline constexpr char kFailedDir[] = "_mislukt";
inline constexpr char kRemovedDir[] = "_verwijderd";
inline constexpr char kDossierJson[] = "dossier.json";
inline constexpr char kDocumentenCsv[] = "documenten.csv";

// What the target's state file remembers of one file the mirror wrote.
struct MirroredFile {
  std::string document_id;
  std::string sha256;
  uint64_t size = 0;
  int64_t mtime_ns = 0;  // as observed right after publishing; -1: intent, not yet confirmed
  // An intent only: versions the mirror wrote at this path before, which the file may still
  // hold when the run that meant to replace it stopped or died first. Never a local edit.
  std::vector<std::string> earlier_sha256;

  bool Wrote(const std::string& hash) const {
    return hash == sha256 || std::find(earlier_sha256.begin(), earlier_sha256.end(), hash) != earlier_sha256.end();
  }
};

// One document placed in the target.
struct PlacedDocument {
  Document document;  // catalog copy (id, names, label, hash...)
  std::string sha256;
  uint64_t size = 0;
  std::string name;      // sanitized file name in its folder
  std::string rel_path;  // "<dossier dir>/<name>" or "<dossier dir>/_verwijderd/<name>"
  bool removed_remotely = false;
};

struct MirrorDossier {
  Samenwerking samenwerking;
  std::string dir_name;  // sanitized "<id> - <titel>"
  std::vector<PlacedDocument> documents;  // present first, then removed; each by name
};

struct MirrorAction {
  enum class Kind {
    kPublish,  // write the object at rel_path (nothing there from us, or another version)
    kKeep,     // state says it is there in this version; the executor checks the disk
    kRemove,   // listed in the state but no longer wanted
  };
  Kind kind = Kind::kKeep;
  std::string rel_path;
  std::string document_id;
  std::string sha256;
  uint64_t size = 0;
  // kRemove: true when the ceiling (or a vanished document) demands removal even of a
  // locally edited file; false when the file merely moved (edits are then kept as a copy).
  bool for_ceiling = false;
};

struct MirrorPlanInput {
  Confidentiality ceiling = Confidentiality::kRV;
  std::vector<Samenwerking> samenwerkingen;  // the dossiers the target shows
  std::vector<CatalogDocument> documents;    // catalog rows of those dossiers (any state)
  std::map<std::string, uint64_t> blob_sizes;  // sha256 -> size of objects the store holds
  std::map<std::string, MirroredFile> state;   // rel_path -> what we wrote before
  // Documents of dossiers this run leaves alone (`mirror SAM-ID` names others): their files
  // are neither kept nor removed.
  std::set<std::string> untouched_documents;
};

struct MirrorPlan {
  std::vector<MirrorDossier> dossiers;  // ordered by samenwerkingId
  std::vector<MirrorAction> actions;    // publishes/keeps by path, then removals by path
  int Count(MirrorAction::Kind kind) const;
};

// Returns the plan. Deterministic: the same input always gives the same plan.
MirrorPlan PlanMirror(const MirrorPlanInput& input);

// Sanitized folder name of a dossier: SanitizeName("<id> - <titel>", id).
std::string DossierDirName(const Samenwerking& samenwerking);

}  // namespace swfvault

#endif  // SWFVAULT_MIRROR_PLANNER_H_
