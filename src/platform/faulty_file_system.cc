#include "swfvault/faulty_file_system.h"

namespace swfvault {
namespace {

class FaultyReadableFile : public ReadableFile {
 public:
  FaultyReadableFile(FaultyFileSystem* fs, std::unique_ptr<ReadableFile> base, std::string path)
      : fs_(fs), base_(std::move(base)), path_(std::move(path)) {}

  Result<size_t> Read(char* buf, size_t n) override {
    SWF_RETURN_IF_ERROR(fs_->Check(FsOp::kRead, "read " + path_));
    return base_->Read(buf, n);
  }

 private:
  FaultyFileSystem* fs_;
  std::unique_ptr<ReadableFile> base_;
  std::string path_;
};

class FaultyWritableFile : public WritableFile {
 public:
  FaultyWritableFile(FaultyFileSystem* fs, std::unique_ptr<WritableFile> base, std::string path)
      : fs_(fs), base_(std::move(base)), path_(std::move(path)) {}

  Status Append(std::string_view data) override {
    SWF_RETURN_IF_ERROR(fs_->Check(FsOp::kAppend, "write " + path_));
    return base_->Append(data);
  }
  void StartWriteback(uint64_t offset, uint64_t length) override {
    (void)fs_->Check(FsOp::kWriteback, "writeback " + path_);
    base_->StartWriteback(offset, length);
  }
  Status Sync() override {
    SWF_RETURN_IF_ERROR(fs_->Check(FsOp::kSync, "fsync " + path_));
    return base_->Sync();
  }
  Status Close() override {
    Status injected = fs_->Check(FsOp::kClose, "close " + path_);
    Status real = base_->Close();
    return injected.ok() ? real : injected;
  }

 private:
  FaultyFileSystem* fs_;
  std::unique_ptr<WritableFile> base_;
  std::string path_;
};

}  // namespace

void FaultyFileSystem::FailNth(FsOp op, int nth, int err, bool sticky) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_[op].push_back(Rule{counts_[op] + nth, err, sticky});
}

void FaultyFileSystem::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
}

int FaultyFileSystem::Count(FsOp op) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(op);
  return it == counts_.end() ? 0 : it->second;
}

Status FaultyFileSystem::Check(FsOp op, const std::string& what) {
  std::lock_guard<std::mutex> lock(mu_);
  int call = ++counts_[op];
  for (const Rule& rule : rules_[op]) {
    if (call == rule.at || (rule.sticky && call > rule.at)) {
      return ErrnoStatus(rule.err, what + " (injected)");
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<ReadableFile>> FaultyFileSystem::OpenForRead(const std::string& path) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kOpenForRead, "open " + path));
  SWF_ASSIGN_OR_RETURN(auto file, base_->OpenForRead(path));
  return std::unique_ptr<ReadableFile>(new FaultyReadableFile(this, std::move(file), path));
}

Result<std::unique_ptr<WritableFile>> FaultyFileSystem::CreateExclusive(const std::string& path) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kCreate, "create " + path));
  SWF_ASSIGN_OR_RETURN(auto file, base_->CreateExclusive(path));
  return std::unique_ptr<WritableFile>(new FaultyWritableFile(this, std::move(file), path));
}

Result<TempFile> FaultyFileSystem::CreateTemp(const std::string& dir, std::string_view prefix) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kCreate, "create temp in " + dir));
  SWF_ASSIGN_OR_RETURN(TempFile temp, base_->CreateTemp(dir, prefix));
  temp.file.reset(new FaultyWritableFile(this, std::move(temp.file), temp.path));
  return temp;
}

Result<std::unique_ptr<WritableFile>> FaultyFileSystem::OpenForAppend(const std::string& path) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kOpenForAppend, "open for append " + path));
  SWF_ASSIGN_OR_RETURN(auto file, base_->OpenForAppend(path));
  return std::unique_ptr<WritableFile>(new FaultyWritableFile(this, std::move(file), path));
}

Status FaultyFileSystem::RenameNoReplace(const std::string& from, const std::string& to) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kRename, "rename to " + to));
  return base_->RenameNoReplace(from, to);
}

Status FaultyFileSystem::Rename(const std::string& from, const std::string& to) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kRename, "rename to " + to));
  return base_->Rename(from, to);
}

Status FaultyFileSystem::SyncDir(const std::string& dir) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kSyncDir, "fsync dir " + dir));
  return base_->SyncDir(dir);
}

Result<FileStat> FaultyFileSystem::Stat(const std::string& path) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kStat, "stat " + path));
  return base_->Stat(path);
}

Result<std::vector<std::string>> FaultyFileSystem::ListDir(const std::string& dir) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kListDir, "list " + dir));
  return base_->ListDir(dir);
}

Status FaultyFileSystem::RemoveFile(const std::string& path) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kRemove, "remove " + path));
  return base_->RemoveFile(path);
}

Status FaultyFileSystem::RemoveEmptyDir(const std::string& path) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kRemove, "remove directory " + path));
  return base_->RemoveEmptyDir(path);
}

Status FaultyFileSystem::CreateDirs(const std::string& dir) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kCreateDirs, "mkdir " + dir));
  return base_->CreateDirs(dir);
}

Status FaultyFileSystem::MarkModifiedNow(const std::string& path) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kMarkModified, "utimensat " + path));
  return base_->MarkModifiedNow(path);
}

Status FaultyFileSystem::MakeReadOnly(const std::string& path) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kMakeReadOnly, "chmod " + path));
  return base_->MakeReadOnly(path);
}

Result<uint64_t> FaultyFileSystem::FreeSpace(const std::string& path) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kFreeSpace, "statvfs " + path));
  return base_->FreeSpace(path);
}

Result<std::unique_ptr<FileLock>> FaultyFileSystem::LockFile(const std::string& path) {
  SWF_RETURN_IF_ERROR(Check(FsOp::kLockFile, "flock " + path));
  return base_->LockFile(path);
}

}  // namespace swfvault
