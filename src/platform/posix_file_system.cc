#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <type_traits>

#include "swfvault/file_system.h"
#include "swfvault/thread_name.h"

namespace swfvault {

// Runs the writeback hints of the files a PosixFileSystem opened, on one thread of its own.
// sync_file_range(SYNC_FILE_RANGE_WRITE) does not wait for the disk to write, but it does
// the delayed block allocation (reading block bitmaps) and submits the I/O in the calling
// thread, and the block layer's writeback throttling makes that thread wait when the disk
// is busy. Called on a transfer thread, that stopped the downloads for tenths of a second at
// a time. Each hint holds a duplicate of the file's descriptor, so it stays valid when the
// file is closed, renamed or removed before the hint runs.
//
// A child forked after the thread started has no such thread, and the mutex may have been
// held at the fork: there the hints are dropped and the queue is left alone.
class WritebackPacer {
 public:
  ~WritebackPacer() {
    if (Forked()) {
      (void)thread_.release();  // not this process's thread: neither join nor detach it
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_) thread_->join();
    for (const Hint& h : queue_) ::close(h.fd);
  }

  void Post(int fd, uint64_t offset, uint64_t length) {
    if (Forked()) return;
    std::unique_lock<std::mutex> lock(mu_);
    // A disk slower than the downloads: drop the hint. It only saves the final fsync some
    // work, and the pages stay dirty for that fsync (or the kernel's flusher) to write.
    if (queue_.size() >= kMaxQueued || stop_) return;
    int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dup < 0) return;  // out of descriptors: a hint is not worth an error
    queue_.push_back({dup, offset, length});
    if (!thread_) {
      owner_.store(::getpid());
      thread_ = std::make_unique<std::thread>([this] { Loop(); });
    }
    lock.unlock();
    cv_.notify_all();
  }

  void WaitIdle() {
    if (Forked()) return;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return queue_.empty() && !running_; });
  }

 private:
  struct Hint {
    int fd;
    uint64_t offset;
    uint64_t length;
  };
  static constexpr size_t kMaxQueued = 16;  // 128 MiB of 8 MiB strides

  void Loop() {
    NameThisThread("swf-writeback");
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      Hint h = queue_.front();
      queue_.pop_front();
      running_ = true;
      lock.unlock();
      // Errors change nothing: the file's own Sync() is the call that reports them. With
      // SYNC_FILE_RANGE_WRITE alone this does not consume the error that Sync() will see.
      (void)::sync_file_range(h.fd, static_cast<off64_t>(h.offset),
                              static_cast<off64_t>(h.length), SYNC_FILE_RANGE_WRITE);
      ::close(h.fd);
      lock.lock();
      running_ = false;
      cv_.notify_all();
    }
  }

  bool Forked() const {
    pid_t owner = owner_.load();
    return owner != 0 && owner != ::getpid();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Hint> queue_;
  bool running_ = false;
  bool stop_ = false;
  std::unique_ptr<std::thread> thread_;  // started by the first hint
  std::atomic<pid_t> owner_{0};          // the process that started it
};

namespace {

Status Errno(std::string_view op, const std::string& path) {
  int err = errno;
  return ErrnoStatus(err, std::string(op) + " " + path);
}

class PosixReadableFile : public ReadableFile {
 public:
  PosixReadableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixReadableFile() override { ::close(fd_); }

  Result<size_t> Read(char* buf, size_t n) override {
    while (true) {
      ssize_t got = ::read(fd_, buf, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR) return Errno("read", path_);
    }
  }

 private:
  int fd_;
  std::string path_;
};

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path, std::shared_ptr<WritebackPacer> pacer,
                    bool continues_earlier_writes = false)
      : fd_(fd),
        path_(std::move(path)),
        opened_(next_opened_.fetch_add(1)),
        continues_earlier_writes_(continues_earlier_writes),
        pacer_(std::move(pacer)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t put = ::write(fd_, data.data(), data.size());
      if (put < 0) {
        if (errno == EINTR) continue;
        return Errno("write", path_);
      }
      data.remove_prefix(static_cast<size_t>(put));
    }
    return Status::Ok();
  }

  void StartWriteback(uint64_t offset, uint64_t length) override {
    if (fd_ >= 0) pacer_->Post(fd_, offset, length);
  }

  Status Sync() override {
    if (::fsync(fd_) != 0) return Errno("fsync", path_);
    return Status::Ok();
  }

  Status Close() override {
    int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) return Errno("close", path_);
    return Status::Ok();
  }

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  // Order of opening within the process: syncfs reports the writeback errors of the whole
  // filesystem since the file it is called on was opened.
  uint64_t opened() const { return opened_; }
  // Opened for append: the file holds data written before it was opened, maybe by an earlier
  // process whose writeback error nobody has seen yet.
  bool continues_earlier_writes() const { return continues_earlier_writes_; }

 private:
  static inline std::atomic<uint64_t> next_opened_{0};
  int fd_;
  std::string path_;
  uint64_t opened_;
  bool continues_earlier_writes_;
  std::shared_ptr<WritebackPacer> pacer_;  // shared: a file may outlive its file system
};

class PosixFileLock : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override { ::close(fd_); }  // closing drops the flock

 private:
  int fd_;
};

std::string RandomSuffix() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(12, 'x');
  for (char& c : out) c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
  return out;
}

}  // namespace

PosixFileSystem::PosixFileSystem() : pacer_(std::make_shared<WritebackPacer>()) {}

PosixFileSystem::~PosixFileSystem() = default;

void PosixFileSystem::WaitForWriteback() { pacer_->WaitIdle(); }

Result<std::unique_ptr<ReadableFile>> PosixFileSystem::OpenForRead(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  return std::unique_ptr<ReadableFile>(new PosixReadableFile(fd, path));
}

Result<std::unique_ptr<WritableFile>> PosixFileSystem::CreateExclusive(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("create", path);
  return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path, pacer_));
}

Result<TempFile> PosixFileSystem::CreateTemp(const std::string& dir, std::string_view prefix) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string path = JoinPath(dir, std::string(prefix) + RandomSuffix() + ".tmp");
    auto file = CreateExclusive(path);
    if (file.ok()) return TempFile{path, std::move(file).value()};
    if (file.status().code() != StatusCode::kAlreadyExists) return file.status();
  }
  return IoError("no free temp name in " + dir);
}

Result<std::unique_ptr<WritableFile>> PosixFileSystem::OpenForAppend(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Errno("open for append", path);
  return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path, pacer_, true));
}

Status PosixFileSystem::RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return Status::Ok();
  }
  if (errno != EINVAL && errno != ENOSYS) return Errno("rename to", to);
  // Filesystems without RENAME_NOREPLACE (NFS, some FUSE): link() refuses an existing target
  // too, atomically.
  if (::link(from.c_str(), to.c_str()) == 0) {
    if (::unlink(from.c_str()) != 0) return Errno("unlink", from);
    return Status::Ok();
  }
  if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS) return Errno("link to", to);
  // Nor hard links (SMB, some FUSE): checked free, then renamed. The store's targets are
  // names only this vault's one runner creates (RELIABILITY rule 5): objects named by their
  // verified content, quarantine names made unique by time and source.
  struct stat st;
  if (::lstat(to.c_str(), &st) == 0) {
    errno = EEXIST;
    return Errno("rename to", to);
  }
  if (errno != ENOENT) return Errno("lstat", to);  // the name may be taken: no rename over it
  return Rename(from, to);
}

Status PosixFileSystem::Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return Errno("rename to", to);
  return Status::Ok();
}

Status PosixFileSystem::SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open dir", dir);
  int rc = ::fsync(fd);
  Status st = rc == 0 ? Status::Ok() : Errno("fsync dir", dir);
  ::close(fd);
  return st;
}

namespace {

// From this many directories or files on one filesystem, SyncDirs and SyncFiles make one
// syncfs(2) instead of one fsync each; never on a kernel whose syncfs hides writeback errors.
constexpr size_t kSyncfsFrom = 4;

bool SyncfsUsable() {
  static const bool usable = [] {
    struct utsname name {};
    return ::uname(&name) == 0 && SyncfsReportsErrors(name.release);
  }();
  return usable;
}

// syncfs(2) on `fd`, which stands for `count` `what` (among them `example`). Since Linux 5.8
// syncfs reports writeback errors, like fsync does: those since `fd` was opened.
Status Syncfs(int fd, size_t count, const char* what, const std::string& example) {
  if (::syncfs(fd) == 0) return Status::Ok();
  int err = errno;
  return ErrnoStatus(err, "syncfs of the filesystem holding " + std::to_string(count) + " " +
                              what + ", among them " + example);
}

}  // namespace

bool OnReadOnlyFileSystem(const std::string& path) {
  struct statvfs vfs {};
  return ::statvfs(path.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0;
}

bool SyncfsReportsErrors(std::string_view release) {
  int major = 0, minor = 0;
  size_t i = 0;
  auto number = [&](int* out) {
    const size_t start = i;
    while (i < release.size() && release[i] >= '0' && release[i] <= '9' && i - start < 6) {
      *out = *out * 10 + (release[i++] - '0');
    }
    return i > start;
  };
  if (!number(&major) || i >= release.size() || release[i++] != '.' || !number(&minor)) {
    return false;  // not understood: the safe way
  }
  return major > 5 || (major == 5 && minor >= 8);
}

Status PosixFileSystem::SyncDirs(const std::vector<std::string>& dirs) {
  if (dirs.size() < kSyncfsFrom || !SyncfsUsable()) return FileSystem::SyncDirs(dirs);
  int fd = ::open(dirs.front().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open dir", dirs.front());
  struct stat first;
  bool one_filesystem = ::fstat(fd, &first) == 0;
  for (size_t i = 1; one_filesystem && i < dirs.size(); ++i) {
    struct stat sb;
    one_filesystem = ::stat(dirs[i].c_str(), &sb) == 0 && sb.st_dev == first.st_dev;
  }
  if (!one_filesystem) {
    ::close(fd);
    return FileSystem::SyncDirs(dirs);
  }
  Status st = Syncfs(fd, dirs.size(), "directories", dirs.front());
  ::close(fd);
  return st;
}

Status PosixFileSystem::SyncFiles(const std::vector<WritableFile*>& files) {
  // A file opened for append gets an fsync of its own. syncfs only reports the errors since
  // the file it is called on was opened, and an error from before (the previous run's
  // writeback of a partial download) may already have been seen, and so not reported again,
  // by another group's syncfs. fsync reports the error of the file's own pages until that
  // file is fsynced.
  std::vector<WritableFile*> fresh;
  fresh.reserve(files.size());
  for (WritableFile* file : files) {
    const auto* posix = dynamic_cast<const PosixWritableFile*>(file);
    if (posix != nullptr && posix->continues_earlier_writes()) {
      SWF_RETURN_IF_ERROR(file->Sync());
      synced_alone_.fetch_add(1, std::memory_order_relaxed);
    } else {
      fresh.push_back(file);
    }
  }
  if (fresh.size() < kSyncfsFrom || !SyncfsUsable()) return FileSystem::SyncFiles(fresh);
  const PosixWritableFile* first = nullptr;
  dev_t device = 0;
  for (WritableFile* file : fresh) {
    const auto* posix = dynamic_cast<const PosixWritableFile*>(file);
    struct stat sb;
    if (posix == nullptr || posix->fd() < 0 || ::fstat(posix->fd(), &sb) != 0 ||
        (first != nullptr && sb.st_dev != device)) {
      return FileSystem::SyncFiles(fresh);
    }
    if (first == nullptr) device = sb.st_dev;
    if (first == nullptr || posix->opened() < first->opened()) first = posix;
  }
  // On the file opened first it covers every error since any of these files was opened.
  syncfs_calls_.fetch_add(1, std::memory_order_relaxed);
  return Syncfs(first->fd(), fresh.size(), "files", first->path());
}

Result<FileStat> PosixFileSystem::Stat(const std::string& path) {
  struct stat sb;
  if (::lstat(path.c_str(), &sb) != 0) return Errno("stat", path);
  FileStat out;
  out.size = static_cast<uint64_t>(sb.st_size);
  out.mtime_unix_seconds = sb.st_mtim.tv_sec;
  out.mode = sb.st_mode & 07777;
  out.is_directory = S_ISDIR(sb.st_mode);
  out.is_regular = S_ISREG(sb.st_mode);
  return out;
}

Result<std::vector<std::string>> PosixFileSystem::ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Errno("list", dir);
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name(e->d_name);
    if (name != "." && name != "..") names.emplace_back(name);
  }
  Status st = errno != 0 ? Errno("readdir", dir) : Status::Ok();
  ::closedir(d);
  if (!st.ok()) return st;
  return names;
}

Status PosixFileSystem::RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return Errno("remove", path);
  return Status::Ok();
}

Status PosixFileSystem::RemoveEmptyDir(const std::string& path) {
  if (::rmdir(path.c_str()) != 0) return Errno("remove directory", path);
  return Status::Ok();
}

Status PosixFileSystem::CreateDirs(const std::string& dir) {
  if (dir.empty() || dir == "/" || dir == ".") return Status::Ok();
  struct stat sb;
  if (::stat(dir.c_str(), &sb) == 0) {
    return S_ISDIR(sb.st_mode) ? Status::Ok() : AlreadyExists(dir + " is not a directory");
  }
  SWF_RETURN_IF_ERROR(CreateDirs(DirName(dir)));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Errno("mkdir", dir);
  return Status::Ok();
}

Status PosixFileSystem::MarkModifiedNow(const std::string& path) {
  if (::utimensat(AT_FDCWD, path.c_str(), nullptr, AT_SYMLINK_NOFOLLOW) != 0)
    return Errno("utimensat", path);
  return Status::Ok();
}

Status PosixFileSystem::MakeReadOnly(const std::string& path) {
  if (::chmod(path.c_str(), 0400) != 0) return Errno("chmod", path);
  return Status::Ok();
}

Result<uint64_t> PosixFileSystem::FreeSpace(const std::string& path) {
  struct statvfs vfs;
  if (::statvfs(path.c_str(), &vfs) != 0) return Errno("statvfs", path);
  return static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

std::string NetworkFileSystemName(uint64_t f_type) {
  // f_type magic numbers of linux/magic.h and the file systems' own sources.
  struct Known {
    uint64_t f_type;
    const char* name;
  };
  static constexpr Known kNetwork[] = {
      {0x6969, "nfs"},
      {0x517B, "smb"} /* smbfs */,
      {0xFF534D42, "smb"} /* cifs */,
      {0xFE534D42, "smb"} /* smb2, smb3 */,
      {0x01021997, "9p"},
      {0x00C36400, "ceph"},
      {0x5346414F, "afs"} /* OpenAFS */,
      {0x6B414653, "afs"} /* kAFS */,
      {0x0BD00BD0, "lustre"},
      {0x65735546, "fuse"} /* sshfs, rclone mount, s3fs, ... and local ones too */,
  };
  for (const Known& k : kNetwork) {
    if (k.f_type == f_type) return k.name;
  }
  return "";
}

std::string PosixFileSystem::NetworkFileSystem(const std::string& path) {
  struct statfs fs;
  // Cannot tell: no warning rather than a wrong one.
  if (::statfs(path.c_str(), &fs) != 0) return "";
  return NetworkFileSystemName(
      static_cast<uint64_t>(static_cast<std::make_unsigned_t<decltype(fs.f_type)>>(fs.f_type)));
}

Result<std::unique_ptr<FileLock>> PosixFileSystem::LockFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("open lock", path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    Status st = Errno("flock", path);
    ::close(fd);
    return st;
  }
  return std::unique_ptr<FileLock>(new PosixFileLock(fd));
}

std::string JoinPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  std::string out(a);
  if (out.back() != '/') out += '/';
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  out += b;
  return out;
}

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string DirName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

Status WriteAll(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t w = ::write(fd, data.data(), data.size());
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return ErrnoStatus(errno, "write " + what);
    data.remove_prefix(static_cast<size_t>(w));
  }
  return Status::Ok();
}

}  // namespace swfvault
