// The per-target state file `<target>/.swfvault-mirror.json`: what the mirror wrote (so a run
// is incremental, detects local edits and knows what to remove when a ceiling demands it) and
// when each drop-folder file was first seen unchanged (so "stable across two scans" can span
// two runs). Written atomically (temp + fsync + rename). Internal to src/mirror.
#ifndef SWFVAULT_MIRROR_MIRROR_STATE_H_
#define SWFVAULT_MIRROR_MIRROR_STATE_H_

#include <map>
#include <string>

#include "mirror/tree_dir.h"
#include "swfvault/mirror_planner.h"

namespace swfvault {

inline constexpr char kMirrorStateFile[] = ".swfvault-mirror.json";

struct DropSighting {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t first_seen_unix = 0;  // when this size+mtime was first observed
};

struct MirrorState {
  std::map<std::string, MirroredFile> files;   // rel path -> what we wrote
  std::map<std::string, DropSighting> drops;   // rel path under a drop folder -> sighting
};

// Empty state when the file is absent. kCorruption when it does not parse: the caller must
// not guess what it wrote before.
Result<MirrorState> LoadMirrorState(const TreeDir& root);
Status SaveMirrorState(const TreeDir& root, const MirrorState& state);

}  // namespace swfvault

#endif  // SWFVAULT_MIRROR_MIRROR_STATE_H_
