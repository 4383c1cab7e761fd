// Atomic replacement of small files (configs, manifests): readers see the old content or
// the new content, never a mix, and after an Ok return the new content survives a crash.
//
// Protocol: create a temp file in the same directory (O_EXCL|O_NOFOLLOW, 0600), write,
// fsync, rename over the target, fsync the directory. On any failure the temp file is
// removed and the target is untouched; a failed fsync is never retried (the caller may
// simply call again, which rewrites from scratch). Thread-safe if `fs` is.
#ifndef SWFVAULT_ATOMIC_FILE_H_
#define SWFVAULT_ATOMIC_FILE_H_

#include <string>
#include <string_view>

#include "swfvault/file_system.h"
#include "swfvault/status.h"

namespace swfvault {

// Writes `contents` to `path` atomically. The resulting file has mode 0600.
// Codes: kResourceExhausted (disk full), kPermissionDenied, kNotFound (no such directory),
// kIoError.
Status WriteFileAtomically(FileSystem& fs, const std::string& path, std::string_view contents);

// Reads a whole small file. Fails with kResourceExhausted past `max_bytes`.
Result<std::string> ReadSmallFile(FileSystem& fs, const std::string& path,
                                  size_t max_bytes = 16 * 1024 * 1024);

}  // namespace swfvault

#endif  // SWFVAULT_ATOMIC_FILE_H_
