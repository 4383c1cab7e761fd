// FaultyFileSystem: a FileSystem wrapper for tests that fails chosen calls with a chosen
// errno (EIO, ENOSPC, EACCES, ...) and counts every call by kind.
//
// A rule "fail the Nth call of kind K with errno E" fires once (or, when sticky, on the Nth
// and every later call of that kind, like a disk that stays full). Writes, fsyncs and closes
// made through file objects returned by the wrapper count too. A failed Append writes
// nothing. Thread-safe: rules and counters are guarded by a mutex.
#ifndef SWFVAULT_FAULTY_FILE_SYSTEM_H_
#define SWFVAULT_FAULTY_FILE_SYSTEM_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "swfvault/file_system.h"

namespace swfvault {

enum class FsOp {
  kOpenForRead,
  kRead,
  kCreate,  // CreateExclusive and CreateTemp
  kOpenForAppend,
  kAppend,
  kSync,
  kClose,
  kRename,  // Rename and RenameNoReplace
  kSyncDir,
  kStat,
  kListDir,
  kRemove,
  kCreateDirs,
  kMakeReadOnly,
  kMarkModified,
  kFreeSpace,
  kLockFile,
  kWriteback,  // StartWriteback hints: counted; an injected failure is ignored (it is a hint)
};

class FaultyFileSystem : public FileSystem {
 public:
  // `base` is not owned and must outlive this wrapper and every file it returned.
  explicit FaultyFileSystem(FileSystem* base) : base_(base) {}

  // The `nth` (1-based, counted from now on) call of `op` fails with `err`; with
  // `sticky`, every later call of `op` fails too.
  void FailNth(FsOp op, int nth, int err, bool sticky = false);
  // Removes every rule (counters keep running).
  void ClearFaults();
  // Calls of `op` seen so far (failed ones included).
  int Count(FsOp op) const;

  // Returns the injected failure for this call of `op`, or Ok. Used by the wrapped files.
  Status Check(FsOp op, const std::string& what);

  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> CreateExclusive(const std::string& path) override;
  Result<TempFile> CreateTemp(const std::string& dir, std::string_view prefix) override;
  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) override;
  Status RenameNoReplace(const std::string& from, const std::string& to) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& dir) override;
  Result<FileStat> Stat(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status RemoveFile(const std::string& path) override;
  Status RemoveEmptyDir(const std::string& path) override;
  Status CreateDirs(const std::string& dir) override;
  Status MakeReadOnly(const std::string& path) override;
  Status MarkModifiedNow(const std::string& path) override;
  Result<uint64_t> FreeSpace(const std::string& path) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;
  std::string NetworkFileSystem(const std::string& path) override {
    return base_->NetworkFileSystem(path);
  }

 private:
  struct Rule {
    int at = 0;  // absolute call number that fails first
    int err = 0;
    bool sticky = false;
  };

  FileSystem* base_;
  mutable std::mutex mu_;
  std::map<FsOp, int> counts_;
  std::map<FsOp, std::vector<Rule>> rules_;
};

}  // namespace swfvault

#endif  // SWFVAULT_FAULTY_FILE_SYSTEM_H_
