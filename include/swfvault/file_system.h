// FileSystem: every file and directory operation swfvault performs, behind one interface
// (leveldb's Env shape) so tests can inject faults (FaultyFileSystem) or observe calls.
//
// PosixFileSystem is the real one. All paths are absolute or relative to the process's
// working directory; nothing here follows a symlink where it creates a file (O_NOFOLLOW).
// Errors carry errno translated by ErrnoStatus: ENOSPC/EDQUOT -> kResourceExhausted,
// EACCES/EPERM/EROFS -> kPermissionDenied, ENOENT -> kNotFound, EEXIST -> kAlreadyExists,
// anything else kIoError; messages name the path.
//
// Thread-safety: a FileSystem may be shared between threads; the file objects it returns
// are owned by the caller and must not be used from two threads at once.
#ifndef SWFVAULT_FILE_SYSTEM_H_
#define SWFVAULT_FILE_SYSTEM_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "swfvault/status.h"

namespace swfvault {

// A file open for sequential reading. Closed by the destructor.
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Reads up to `n` bytes into `buf`; returns the count, 0 at end of file.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

// A file open for appending. Closed by the destructor (without fsync).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Writes all of `data` (short writes and EINTR are handled inside).
  virtual Status Append(std::string_view data) = 0;
  // Asks the kernel to start writing [offset, offset+length) back to disk now, without
  // waiting, so the final Sync() finds little left to do. Only a hint: never an error.
  virtual void StartWriteback(uint64_t offset, uint64_t length) {
    (void)offset;
    (void)length;
  }
  // fsync. After a failure the file's contents are unknown: discard it, never retry.
  virtual Status Sync() = 0;
  // Closes now and reports errors close() returns.
  virtual Status Close() = 0;
};

// For a file written sequentially: once `written` bytes are `stride` past `*started`, starts
// writeback of the bytes between and moves `*started` up. The disk then writes while data
// still streams in, so the fsync at the end finds almost nothing left to do.
inline void PaceWriteback(WritableFile& file, uint64_t written, uint64_t* started,
                          uint64_t stride = uint64_t{8} << 20) {
  if (written - *started < stride) return;
  file.StartWriteback(*started, written - *started);
  *started = written;
}

// A lock held on a file (flock). Released by the destructor or when the process dies.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

struct FileStat {
  uint64_t size = 0;
  int64_t mtime_unix_seconds = 0;
  uint32_t mode = 0;  // permission bits only (e.g. 0400)
  bool is_directory = false;
  bool is_regular = false;
};

// A freshly created temp file: its path and the open handle.
struct TempFile {
  std::string path;
  std::unique_ptr<WritableFile> file;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Opens an existing regular file for reading (kNotFound when missing).
  virtual Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path) = 0;
  // Creates `path` exclusively (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600); kAlreadyExists if
  // anything is there, symlinks included.
  virtual Result<std::unique_ptr<WritableFile>> CreateExclusive(const std::string& path) = 0;
  // Creates a uniquely named file `<dir>/<prefix><random>.tmp` exclusively, mode 0600.
  virtual Result<TempFile> CreateTemp(const std::string& dir, std::string_view prefix) = 0;
  // Opens an existing regular file for appending at its end (O_NOFOLLOW).
  virtual Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) = 0;

  // Renames without replacing: kAlreadyExists when `to` exists (renameat2 NOREPLACE, or
  // link+unlink where the filesystem lacks it, or where it lacks hard links too, a check that
  // `to` is free and a rename: only for names nothing else creates meanwhile).
  virtual Status RenameNoReplace(const std::string& from, const std::string& to) = 0;
  // Renames, atomically replacing `to` when it exists.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // fsyncs a directory so renames and creations inside it are durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Makes the renames and creations inside every one of `dirs` durable; the first error
  // stops it. This base version syncs each directory in turn; a real filesystem may do the
  // lot at once.
  virtual Status SyncDirs(const std::vector<std::string>& dirs) {
    for (const std::string& dir : dirs) SWF_RETURN_IF_ERROR(SyncDir(dir));
    return Status::Ok();
  }
  // Makes the contents of every one of `files` (all opened through this FileSystem) durable,
  // as Sync() on each would; the first error stops it. After a failure none of them counts
  // as durable: discard them all, never retry. This base version syncs each file in turn; a
  // real filesystem may do the lot at once.
  virtual Status SyncFiles(const std::vector<WritableFile*>& files) {
    for (WritableFile* file : files) SWF_RETURN_IF_ERROR(file->Sync());
    return Status::Ok();
  }

  virtual Result<FileStat> Stat(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`, without "." and "..", unsorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Removes an empty directory.
  virtual Status RemoveEmptyDir(const std::string& path) = 0;
  // Creates `dir` and missing parents with mode 0700; ok when it already exists.
  virtual Status CreateDirs(const std::string& dir) = 0;
  // chmod 0400.
  virtual Status MakeReadOnly(const std::string& path) = 0;
  // Sets the access and modification times to now (a rename keeps the old ones).
  virtual Status MarkModifiedNow(const std::string& path) = 0;
  // Bytes available to an unprivileged user on the filesystem holding `path`.
  virtual Result<uint64_t> FreeSpace(const std::string& path) = 0;
  // Takes an exclusive non-blocking flock on `path` (created 0600 if missing). kLocked when
  // another open file description holds it.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
  // The network (or FUSE) file system `path` is on, as "nfs", "smb", "9p", "ceph", "afs",
  // "lustre" or "fuse"; "" on a local one or when it cannot be told. This base version: "".
  virtual std::string NetworkFileSystem(const std::string& /*path*/) { return ""; }
};

// The name NetworkFileSystem gives to a statfs(2) f_type; "" for a local file system.
std::string NetworkFileSystemName(uint64_t f_type);

class WritebackPacer;

// The real thing, on POSIX syscalls. One instance may serve the whole process; its only
// state is the thread that runs the files' writeback hints, started by the first hint.
class PosixFileSystem : public FileSystem {
 public:
  PosixFileSystem();
  ~PosixFileSystem() override;
  PosixFileSystem(const PosixFileSystem&) = delete;
  PosixFileSystem& operator=(const PosixFileSystem&) = delete;

  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> CreateExclusive(const std::string& path) override;
  Result<TempFile> CreateTemp(const std::string& dir, std::string_view prefix) override;
  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) override;
  Status RenameNoReplace(const std::string& from, const std::string& to) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& dir) override;
  // Four or more directories on one filesystem: one syncfs(2) instead of one fsync each.
  // Every fsync ends in a flush of the device's write cache, so a group of objects spread
  // over many shard directories would otherwise wait for one flush per shard.
  Status SyncDirs(const std::vector<std::string>& dirs) override;
  // Likewise four or more files on one filesystem: one syncfs(2), called on the file opened
  // first, so that it reports every writeback error since any of them was opened. Files
  // opened with OpenForAppend hold data from before that and get an fsync each.
  Status SyncFiles(const std::vector<WritableFile*>& files) override;
  Result<FileStat> Stat(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status RemoveFile(const std::string& path) override;
  Status RemoveEmptyDir(const std::string& path) override;
  Status CreateDirs(const std::string& dir) override;
  Status MakeReadOnly(const std::string& path) override;
  Status MarkModifiedNow(const std::string& path) override;
  Result<uint64_t> FreeSpace(const std::string& path) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;
  std::string NetworkFileSystem(const std::string& path) override;

  // Waits until every writeback hint handed over so far has been run or dropped (tests).
  void WaitForWriteback();
  // How SyncFiles has synced so far: syncfs calls, and appended files synced one by one.
  uint64_t syncfs_calls() const { return syncfs_calls_.load(std::memory_order_relaxed); }
  uint64_t files_synced_alone() const { return synced_alone_.load(std::memory_order_relaxed); }

 private:
  // StartWriteback runs on a thread of its own (see posix_file_system.cc): sync_file_range
  // does block allocation and submits the I/O in the calling thread, and on a busy disk it
  // waits there, which stalled the downloads that called it.
  std::shared_ptr<WritebackPacer> pacer_;
  std::atomic<uint64_t> syncfs_calls_{0};
  std::atomic<uint64_t> synced_alone_{0};
};

// Whether a Linux kernel of `release` (uname -r, "5.10.0-28-amd64") reports writeback errors
// from syncfs(2), as since 5.8. Older kernels return success regardless, so PosixFileSystem
// groups nothing there and fsyncs each file and directory (RELIABILITY rule 4).
bool SyncfsReportsErrors(std::string_view release);

// Whether `path` lies on a file system mounted read-only (statvfs ST_RDONLY): nobody writes
// there, so what is read stays as it is.
bool OnReadOnlyFileSystem(const std::string& path);

// Joins two path parts with exactly one '/'.
std::string JoinPath(std::string_view a, std::string_view b);
// The directory part of `path` ("." when there is none).
std::string DirName(std::string_view path);
// The part of `path` after its last '/' (all of it when there is none).
std::string BaseName(std::string_view path);
// Writes all of `data` to the open descriptor `fd`, through short writes and EINTR; the error
// names `what`.
Status WriteAll(int fd, std::string_view data, const std::string& what);

}  // namespace swfvault

#endif  // SWFVAULT_FILE_SYSTEM_H_
