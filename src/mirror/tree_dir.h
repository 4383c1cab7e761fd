// TreeDir: one directory of a mirror target, held open as a directory file descriptor so that
// everything below the target root is reached with *at() calls and O_NOFOLLOW: a symlink
// planted anywhere inside the target is never followed (RELIABILITY rules 1 and 11). The root
// itself is opened by the path the user configured (it may legitimately be a symlink to a
// share); everything under it must be a real directory or regular file.
//
// Internal to src/mirror. Movable, not copyable; not thread-safe.
#ifndef SWFVAULT_MIRROR_TREE_DIR_H_
#define SWFVAULT_MIRROR_TREE_DIR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "swfvault/status.h"

namespace swfvault {

struct EntryStat {
  enum class Type { kRegular, kDirectory, kSymlink, kOther };
  Type type = Type::kOther;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t links = 0;  // st_nlink
};

// An open file descriptor, closed by the destructor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept;
  ~Fd();
  int get() const { return fd_; }
  // fstat of the open file, as Lstat reports an entry.
  Result<EntryStat> Stat() const;

 private:
  int fd_ = -1;
};

class TreeDir {
 public:
  // Opens (and with `create`, makes, mode 0755 with parents) the root at `path`.
  static Result<TreeDir> OpenRoot(const std::string& path, bool create);
  // Opens child directory `name` without following symlinks. kPermissionDenied when it is a
  // symlink or not a directory; kNotFound when absent and !create.
  Result<TreeDir> OpenSub(const std::string& name, bool create) const;
  // lstat of child `name`; kNotFound when absent.
  Result<EntryStat> Lstat(const std::string& name) const;
  // Names of the entries (unsorted, without . and ..).
  Result<std::vector<std::string>> List() const;
  // Opens regular file `name` for reading (O_NOFOLLOW|O_NONBLOCK, then checked regular).
  Result<Fd> OpenRead(const std::string& name) const;
  // Unlinks child file `name`; ok when already gone.
  Status Remove(const std::string& name) const;
  // Removes child directory `name` when it is empty; kConflict when it is not.
  Status RemoveDir(const std::string& name) const;
  // Renames child `from` to `to_name` in `to`. With !replace, kAlreadyExists when taken (on
  // file systems without RENAME_NOREPLACE: checked free first, so only for names of the
  // mirror's own that nothing else creates meanwhile; a failed check is returned as is).
  Status Rename(const std::string& from, const TreeDir& to, const std::string& to_name,
                bool replace) const;
  // Moves `from`, a file of the mirror's own that nothing else writes (a temp file, or one
  // it moved aside), to `to_name` in `to`, which may be the user's: never over an existing
  // entry (kAlreadyExists). Without RENAME_NOREPLACE by linkat + unlink of `from`; a run
  // killed between the two leaves both names on one inode, which the next MoveOurs of `from`
  // finishes (unlinks `from`, ok). Where hard links are refused too, by Rename's check and
  // rename: a save landing under `to_name` between the two would be replaced.
  Status MoveOurs(const std::string& from, const TreeDir& to, const std::string& to_name) const;
  // Removes child file `name` only while it is the file `expected` describes (device, inode,
  // size, mtime). It is first renamed into `aside`, under the same name, and compared there: a
  // file saved under `name` at any moment, even between the comparison and the unlink, is a new
  // entry that nothing here touches. kChanged leaves the file in `aside`. `moved` (for tests)
  // runs right after the rename.
  enum class Removal { kRemoved, kGone, kChanged };
  Result<Removal> RemoveIfSame(const std::string& name, const EntryStat& expected, const TreeDir& aside,
                               const std::function<void()>& moved = nullptr) const;
  // Writes `content` to a temp file, mode `mode`, fsync, renames over `name`.
  Status WriteAtomically(const std::string& name, std::string_view content, uint32_t mode) const;
  // Publishing the bytes of `src` under `name`, in two steps, so that the name is cleared only
  // once the new file is complete: PrepareFrom fills a temp file (reflink via FICLONE when the
  // file system can, else a streamed copy; sets *reflinked), chmods and fsyncs it, and hashes
  // what it holds (while copying; after a reflink, by reading it), so the caller can check it
  // before Commit moves it to `name` (MoveOurs: never over an existing `name`, kAlreadyExists
  // when taken by a file saved there since the caller looked) or removes it on failure;
  // Discard removes it.
  struct Prepared {
    std::string temp;
    std::string sha256;  // of the bytes placed in it (PrepareFrom)
  };
  Result<Prepared> PrepareFrom(const std::string& name, int src_fd, uint32_t mode, bool* reflinked) const;
  Status Commit(const Prepared& ready, const std::string& name) const;
  void Discard(const Prepared& ready) const;
  Status Sync() const;
  // An exclusive lock on `name` (created 0600 when missing), held while the Fd is open: an
  // open-file-description lock (fcntl F_OFD_SETLK), which NFS and SMB clients pass on to the
  // server, so runs on two hosts exclude each other too. kLocked when another holds it.
  Result<Fd> Lock(const std::string& name) const;
  const std::string& path() const { return path_; }

 private:
  TreeDir(Fd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  Result<std::pair<Fd, std::string>> CreateTemp() const;
  // errno as the failure to rename `from` to `to_name` in `to`.
  Status RenameError(const std::string& from, const TreeDir& to, const std::string& to_name) const;
  Fd fd_;
  std::string path_;  // for messages only
};

// Streams `fd` from its start through SHA-256 (64 KiB buffer). Returns lowercase hex.
Result<std::string> HashFd(int fd, const std::string& what, uint64_t* size = nullptr);

}  // namespace swfvault

#endif  // SWFVAULT_MIRROR_TREE_DIR_H_
