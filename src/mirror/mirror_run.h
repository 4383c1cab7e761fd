// Internal: the state one MirrorTree::Update shares between its parts (tree actions, drop
// folders, metadata files). Lives for one run only.
#ifndef SWFVAULT_MIRROR_MIRROR_RUN_H_
#define SWFVAULT_MIRROR_MIRROR_RUN_H_

#include <string>

#include "mirror/mirror_state.h"
#include "mirror/tree_dir.h"
#include "swfvault/mirror_planner.h"
#include "swfvault/mirror_tree.h"

namespace swfvault {

struct MirrorRun {
  BlobStore& store;
  Catalog& catalog;
  Clock& clock;
  const MirrorOptions& options;
  MirrorObserver& observer;
  TreeDir& root;
  MirrorState& state;
  MirrorReport& report;
};

// Opens the folder holding `rel_path` (creating folders when `create`) and returns it with
// the last component in *leaf. kNotFound when a folder is missing and !create.
Result<TreeDir> OpenParent(const TreeDir& root, const std::string& rel_path, bool create,
                           std::string* leaf);

// Renames `name` in `dir` to a free "<stem> (lokale wijziging <date>)<ext>" (a counter is
// added when taken) and returns the new name.
Result<std::string> KeepAsConflictCopy(const TreeDir& dir, const std::string& name,
                                       const std::string& date);

// "YYYY-MM-DD" of the clock's now (UTC).
std::string Today(Clock& clock);

// Carries out the plan's actions (run.state.files is updated as files are written).
Status ApplyTreeActions(MirrorRun& run, const MirrorPlan& plan);
// Writes dossier.json and documenten.csv of every dossier of the plan when they changed.
Status WriteMetadataFiles(MirrorRun& run, const MirrorPlan& plan);
// Scans and uploads the drop folders of the plan's dossiers.
Status ProcessDropFolders(MirrorRun& run, const MirrorPlan& plan, OutboxUploader& uploader);

// Metadata file contents (pure; exposed for tests).
std::string DossierJson(const MirrorDossier& dossier);
std::string DocumentenCsv(const MirrorDossier& dossier);

}  // namespace swfvault

#endif  // SWFVAULT_MIRROR_MIRROR_RUN_H_
