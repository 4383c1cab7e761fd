// Runs a test process on the rename and link semantics of file systems that lack
// RENAME_NOREPLACE (NFS, some FUSE file systems) or hard links as well (SMB, some FUSE), so the
// fallbacks written for them run in the ordinary suites on any local disk.
//
// It installs a seccomp filter, for the whole process and every thread and child it starts:
//   kNoNoReplace: renameat2 with RENAME_NOREPLACE fails with EINVAL, as NFS answers;
//   kNoNoReplaceNoLinks: and link/linkat fail with EPERM, as a file system without hard links.
// A filter cannot be taken back; install it before the first test, from main.
#ifndef SWFVAULT_TESTS_SUPPORT_FS_SEMANTICS_H_
#define SWFVAULT_TESTS_SUPPORT_FS_SEMANTICS_H_

#include <filesystem>
#include <optional>
#include <string>

namespace swfvault::testing {

enum class FsSemantics { kNoNoReplace, kNoNoReplaceNoLinks };

// "no-noreplace" or "no-noreplace-no-links"; nullopt for any other name.
std::optional<FsSemantics> ParseFsSemantics(const std::string& name);

// Whether the filter can be written for this machine (little-endian x86_64 and aarch64).
bool FsSemanticsSupported();

// Installs the filter and checks, in a fresh folder below `scratch_dir`, that the kernel now
// answers as asked. Returns "" on success, else what failed (nothing is installed where
// FsSemanticsSupported() is false).
std::string InstallFsSemantics(FsSemantics semantics, const std::string& scratch_dir);

// Hard-links `to` to `from` for a test's setup. False when hard links are refused (EPERM,
// EOPNOTSUPP or ENOSYS, as on a share without them, or under kNoNoReplaceNoLinks): what the test
// sets up cannot happen there, so it skips. Throws std::filesystem::filesystem_error on any other
// failure.
bool LinkForSetup(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SUPPORT_FS_SEMANTICS_H_
