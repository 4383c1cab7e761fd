// VerifyArchive: checks that an audit archive written by ArchiveExporter (or any BagIt 1.0
// bag under one root directory in tar/tar.gz/tar.zst/zip) is complete and untouched.
//
// Checks: every entry is a regular file or directory inside one root (no absolute path, no
// `..`, no links, no duplicates); bagit.txt; every line of manifest-sha256.txt and
// manifest-sha512.txt against the streamed content; no payload file under data/ missing from
// a manifest; Payload-Oxum; every line of tagmanifest-sha256.txt (and -sha512); the hash chain of
// data/metadata/geschiedenis.jsonl; every entry's size against what its header (and a zip's
// central directory) declares; a manifest of another algorithm is a finding (it cannot be
// checked); well-formedness of every .xml file (a minimal checker:
// tags balance, attributes quoted, entities known; no schema validation). Reads the archive
// once, streaming; only tag files and metadata (< 64 MiB each) are held in memory.
// Thread-safe if `fs` is.
#ifndef SWFVAULT_ARCHIVE_VERIFIER_H_
#define SWFVAULT_ARCHIVE_VERIFIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "swfvault/file_system.h"
#include "swfvault/status.h"

namespace swfvault {

// One problem: the entry or bag file concerned (relative to the bag root, or "" for the
// archive as a whole) and what is wrong, in English.
struct ArchiveFinding {
  std::string path;
  std::string problem;
};

struct ArchiveReport {
  std::vector<ArchiveFinding> findings;  // empty: the archive is valid
  size_t entries = 0;
  size_t payload_files = 0;
  uint64_t payload_bytes = 0;
  size_t history_entries = 0;
  std::string archive_sha256;  // of the whole file, when one was expected
  bool ok() const { return findings.empty(); }
};

// Reads the archive at `path` through `fs` and returns what is wrong with it. A damaged
// archive (bad compression, truncated) is a finding, not an error. With `expected_sha256`
// (64 lowercase hex digits, as export reports it) the whole file is also hashed, and another
// hash is a finding. Codes: those of FileSystem::OpenForRead (kNotFound, kPermissionDenied,
// kIoError).
Result<ArchiveReport> VerifyArchive(FileSystem& fs, const std::string& path,
                                    const std::string& expected_sha256 = "");

}  // namespace swfvault

#endif  // SWFVAULT_ARCHIVE_VERIFIER_H_
