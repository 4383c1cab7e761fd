// The per-target state file `<target>/.swfvault-mirror.json`: what the mirror wrote (so a run
// is incremental, detects local edits and knows what to remove when a ceiling demands it),
// when each drop-folder file (and each local edit to be uploaded) was first seen unchanged (so
// "stable across two scans" can span two runs), which folder each dossier has (and where it is being moved), and which local edits
// are held for upload. Written atomically (temp + fsync + rename). Internal to src/mirror.
#ifndef SWFVAULT_MIRROR_MIRROR_STATE_H_
#define SWFVAULT_MIRROR_MIRROR_STATE_H_

#include <map>
#include <string>

#include "mirror/tree_dir.h"
#include "swfvault/mirror_planner.h"

namespace swfvault {

inline constexpr char kMirrorStateFile[] = ".swfvault-mirror.json";
inline constexpr char kMirrorLockFile[] = ".swfvault-mirror.lock";  // held by the run (TreeDir::Lock)

struct DropSighting {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t first_seen_unix = 0;  // when this size+mtime was first observed
};

// The folder of one dossier. `moving_to` is recorded before the folder is renamed after a
// title change and cleared once every path in the state names the new folder.
struct DossierFolder {
  std::string dir;
  std::string moving_to;
};

// A locally edited file moved aside to `<folder>/.swfvault-edit-<hex><ext>` to be uploaded as
// a new document. Recorded before the move; everything the upload key depends on is fixed here.
struct HeldEdit {
  std::string original_rel_path;  // where the user edited it (the store's version is back there)
  std::string document_id;        // the document it is an edit of
  std::string samenwerking_id;
  std::string filename;           // bestandsNaam of the new document
  std::string level;              // "RV"/"SV": the original's label when the edit was found
  std::string omschrijving;
  std::string taal;
};

struct MirrorState {
  // The vault (Catalog::VaultId) whose mirror this is; "" in state files of earlier versions.
  std::string vault_id;
  std::map<std::string, MirroredFile> files;   // rel path -> what we wrote
  std::map<std::string, DropSighting> drops;   // rel path under a drop folder -> sighting
  std::map<std::string, DossierFolder> dossiers;  // samenwerkingId -> its folder
  std::map<std::string, HeldEdit> edits;       // rel path of the held file -> the edit
  // rel path of a mirrored file -> the local change first seen there, while it settles
  // before it is set aside for upload (a file still being written is not uploaded half)
  std::map<std::string, DropSighting> edits_seen;
};

// Empty state when the file is absent. kCorruption when it does not parse: the caller must
// not guess what it wrote before.
Result<MirrorState> LoadMirrorState(const TreeDir& root);
Status SaveMirrorState(const TreeDir& root, const MirrorState& state);

}  // namespace swfvault

#endif  // SWFVAULT_MIRROR_MIRROR_STATE_H_
