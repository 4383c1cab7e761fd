#include "mirror/tree_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <random>

#include "swfvault/file_system.h"
#include "swfvault/hashing.h"

namespace swfvault {

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;

EntryStat FromStat(const struct stat& st) {
  EntryStat e;
  if (S_ISREG(st.st_mode)) e.type = EntryStat::Type::kRegular;
  else if (S_ISDIR(st.st_mode)) e.type = EntryStat::Type::kDirectory;
  else if (S_ISLNK(st.st_mode)) e.type = EntryStat::Type::kSymlink;
  e.size = static_cast<uint64_t>(st.st_size);
  e.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  e.device = static_cast<uint64_t>(st.st_dev);
  e.inode = static_cast<uint64_t>(st.st_ino);
  e.links = static_cast<uint64_t>(st.st_nlink);
  return e;
}

// Copies `src` from its start into `dst`, hashing the bytes as they pass.
Result<std::string> CopyFd(int src, int dst, const std::string& what) {
  if (::lseek(src, 0, SEEK_SET) < 0) return ErrnoStatus(errno, "seek " + what);
  Sha256Hasher sha;
  std::string buf(64 * 1024, '\0');
  for (;;) {
    ssize_t r = ::read(src, buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return ErrnoStatus(errno, "read for " + what);
    if (r == 0) return sha.FinishHex();
    const std::string_view chunk(buf.data(), static_cast<size_t>(r));
    sha.Update(chunk);
    SWF_RETURN_IF_ERROR(WriteAll(dst, chunk, what));
  }
}

}  // namespace

Result<TreeDir> TreeDir::OpenRoot(const std::string& path, bool create) {
  if (create) {
    std::string partial;
    for (size_t i = 0; i <= path.size(); ++i) {
      if (i < path.size() && path[i] != '/') continue;
      partial = path.substr(0, i);
      if (partial.empty()) continue;
      if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
        return ErrnoStatus(errno, "mkdir " + partial);
      }
    }
  }
  int fd = ::open(path.c_str(), kDirFlags);
  if (fd < 0) return ErrnoStatus(errno, "open mirror target " + path);
  return TreeDir(Fd(fd), path);
}

Result<TreeDir> TreeDir::OpenSub(const std::string& name, bool create) const {
  std::string full = JoinPath(path_, name);
  if (create && ::mkdirat(fd_.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, "mkdir " + full);
  }
  int fd = ::openat(fd_.get(), name.c_str(), kDirFlags | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ELOOP || errno == ENOTDIR) {
      return Status(StatusCode::kPermissionDenied, "refusing " + full + ": not a real directory (symlink?)");
    }
    return ErrnoStatus(errno, "open " + full);
  }
  return TreeDir(Fd(fd), full);
}

Result<EntryStat> Fd::Stat() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return ErrnoStatus(errno, "fstat");
  return FromStat(st);
}

Result<EntryStat> TreeDir::Lstat(const std::string& name) const {
  struct stat st;
  if (::fstatat(fd_.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoStatus(errno, "lstat " + JoinPath(path_, name));
  }
  return FromStat(st);
}

Result<std::vector<std::string>> TreeDir::List() const {
  int fd = ::openat(fd_.get(), ".", kDirFlags);
  if (fd < 0) return ErrnoStatus(errno, "open " + path_);
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return ErrnoStatus(errno, "opendir " + path_);
  }
  std::vector<std::string> names;
  // readdir says end and error alike with nullptr; only errno tells them apart. A listing cut
  // short (EIO on a share) would look like files gone.
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
    errno = 0;
  }
  const int err = errno;
  ::closedir(d);
  if (err != 0) return ErrnoStatus(err, "read folder " + path_);
  return names;
}

Result<Fd> TreeDir::OpenRead(const std::string& name) const {
  std::string full = JoinPath(path_, name);
  int fd = ::openat(fd_.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP) return Status(StatusCode::kPermissionDenied, "refusing symlink " + full);
    return ErrnoStatus(errno, "open " + full);
  }
  Fd owned(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus(errno, "stat " + full);
  if (!S_ISREG(st.st_mode)) return Status(StatusCode::kPermissionDenied, "not a regular file: " + full);
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return owned;
}

Status TreeDir::Remove(const std::string& name) const {
  if (::unlinkat(fd_.get(), name.c_str(), 0) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "remove " + JoinPath(path_, name));
  }
  return Status::Ok();
}

Status TreeDir::RemoveDir(const std::string& name) const {
  if (::unlinkat(fd_.get(), name.c_str(), AT_REMOVEDIR) == 0) return Status::Ok();
  if (errno == ENOTEMPTY || errno == EEXIST) return Conflict(JoinPath(path_, name) + " is not empty");
  return ErrnoStatus(errno, "remove folder " + JoinPath(path_, name));
}

Status TreeDir::RenameError(const std::string& from, const TreeDir& to, const std::string& to_name) const {
  return ErrnoStatus(errno, "rename " + JoinPath(path_, from) + " -> " + JoinPath(to.path_, to_name));
}

Status TreeDir::Rename(const std::string& from, const TreeDir& to, const std::string& to_name,
                       bool replace) const {
  unsigned flags = replace ? 0 : RENAME_NOREPLACE;
  if (::renameat2(fd_.get(), from.c_str(), to.fd_.get(), to_name.c_str(), flags) == 0) return Status::Ok();
  auto failed = [&] { return RenameError(from, to, to_name); };
  if (replace || (errno != EINVAL && errno != ENOSYS)) return failed();
  // No RENAME_NOREPLACE here (NFS, some FUSE file systems): the name is checked free, then
  // renamed; what is at `from` moves as one. The callers move to names of the mirror's own
  // (aside folders, held and conflict names) that nothing else creates meanwhile.
  if (Result<EntryStat> taken = to.Lstat(to_name); taken.ok()) {
    errno = EEXIST;
    return failed();
  } else if (taken.status().code() != StatusCode::kNotFound) {
    return taken.status();  // the name may be taken: no rename that could replace it
  }
  if (::renameat(fd_.get(), from.c_str(), to.fd_.get(), to_name.c_str()) != 0) return failed();
  return Status::Ok();
}

Status TreeDir::MoveOurs(const std::string& from, const TreeDir& to,
                         const std::string& to_name) const {
  auto failed = [&] { return RenameError(from, to, to_name); };
  bool refused_by_kernel = false;  // by renameat2 or linkat, not by our own check
  auto move = [&]() -> Status {
    if (::renameat2(fd_.get(), from.c_str(), to.fd_.get(), to_name.c_str(), RENAME_NOREPLACE) ==
        0) {
      return Status::Ok();
    }
    refused_by_kernel = errno == EEXIST;
    if (errno != EINVAL && errno != ENOSYS) return failed();
    // `to_name` may be the user's: linkat refuses it when taken, atomically, as RENAME_NOREPLACE
    // does; the unlink by name is safe because nothing else writes `from`.
    if (::linkat(fd_.get(), from.c_str(), to.fd_.get(), to_name.c_str(), 0) == 0) {
      return ::unlinkat(fd_.get(), from.c_str(), 0) == 0 ? Status::Ok() : failed();
    }
    refused_by_kernel = errno == EEXIST;
    if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS) return failed();
    // No hard links either: checked, then renamed.
    return Rename(from, to, to_name, /*replace=*/false);
  };
  Status moved = move();
  if (moved.code() != StatusCode::kAlreadyExists || !refused_by_kernel) return moved;
  // The name may hold this very file: an earlier move by link that a killed run left without
  // its unlink (so two links). Finishing it is all that is left to do.
  Result<EntryStat> src = Lstat(from), dst = to.Lstat(to_name);
  if (src.ok() && dst.ok() && src->device == dst->device && src->inode == dst->inode &&
      src->links >= 2) {
    return Remove(from);
  }
  return moved;
}

Result<TreeDir::Removal> TreeDir::RemoveIfSame(const std::string& name, const EntryStat& expected,
                                                const TreeDir& aside, const std::function<void()>& moved) const {
  Status st = Rename(name, aside, name, false);
  if (st.code() == StatusCode::kNotFound) return Removal::kGone;
  SWF_RETURN_IF_ERROR(st);
  if (moved) moved();
  SWF_ASSIGN_OR_RETURN(EntryStat now, aside.Lstat(name));
  if (now.device != expected.device || now.inode != expected.inode || now.size != expected.size ||
      now.mtime_ns != expected.mtime_ns) {
    return Removal::kChanged;
  }
  SWF_RETURN_IF_ERROR(aside.Remove(name));
  return Removal::kRemoved;
}

Result<std::pair<Fd, std::string>> TreeDir::CreateTemp() const {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  for (int attempt = 0; attempt < 16; ++attempt) {
    char name[40];
    std::snprintf(name, sizeof name, ".swfvault-%016llx.tmp", static_cast<unsigned long long>(rng()));
    int fd = ::openat(fd_.get(), name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) return std::make_pair(Fd(fd), std::string(name));
    if (errno != EEXIST) return ErrnoStatus(errno, "create temp in " + path_);
  }
  return Status(StatusCode::kIoError, "no free temp name in " + path_);
}

namespace {

// Fills a temp file of `dir` (fill), sets `mode` and fsyncs it: ready to be renamed into place.
template <typename Fill>
Result<TreeDir::Prepared> FillTemp(int dir_fd, std::pair<Fd, std::string> tmp, const std::string& what,
                                   uint32_t mode, Fill&& fill) {
  Status st = fill(tmp.first.get());
  if (st.ok() && ::fchmod(tmp.first.get(), mode) != 0) st = ErrnoStatus(errno, "chmod " + what);
  if (st.ok() && ::fsync(tmp.first.get()) != 0) st = ErrnoStatus(errno, "fsync " + what);
  if (!st.ok()) {
    ::unlinkat(dir_fd, tmp.second.c_str(), 0);
    return st;
  }
  return TreeDir::Prepared{std::move(tmp.second), {}};
}

}  // namespace

Status TreeDir::WriteAtomically(const std::string& name, std::string_view content,
                                uint32_t mode) const {
  SWF_ASSIGN_OR_RETURN(auto tmp, CreateTemp());
  std::string what = JoinPath(path_, name);
  SWF_ASSIGN_OR_RETURN(Prepared ready, FillTemp(fd_.get(), std::move(tmp), what, mode, [&](int fd) {
                         return WriteAll(fd, content, what);
                       }));
  Status st = Rename(ready.temp, *this, name, /*replace=*/true);
  if (!st.ok()) Discard(ready);
  return st;
}

Result<TreeDir::Prepared> TreeDir::PrepareFrom(const std::string& name, int src_fd, uint32_t mode,
                                               bool* reflinked) const {
  SWF_ASSIGN_OR_RETURN(auto tmp, CreateTemp());
  std::string what = JoinPath(path_, name);
  std::string sha256;
  SWF_ASSIGN_OR_RETURN(Prepared ready, FillTemp(fd_.get(), std::move(tmp), what, mode, [&](int fd) {
                         *reflinked = ::ioctl(fd, FICLONE, src_fd) == 0;
                         Result<std::string> placed =
                             *reflinked ? HashFd(fd, what) : CopyFd(src_fd, fd, what);
                         if (placed.ok()) sha256 = std::move(*placed);
                         return placed.status();
                       }));
  ready.sha256 = std::move(sha256);
  return ready;
}

Status TreeDir::Commit(const Prepared& ready, const std::string& name) const {
  Status st = MoveOurs(ready.temp, *this, name);
  if (!st.ok()) Discard(ready);
  return st;
}

void TreeDir::Discard(const Prepared& ready) const { ::unlinkat(fd_.get(), ready.temp.c_str(), 0); }

Result<Fd> TreeDir::Lock(const std::string& name) const {
  int raw = ::openat(fd_.get(), name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (raw < 0) return ErrnoStatus(errno, "open " + JoinPath(path_, name));
  Fd fd(raw);
  struct flock whole = {};
  whole.l_type = F_WRLCK;
  whole.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file
  if (::fcntl(fd.get(), F_OFD_SETLK, &whole) == 0) return fd;
  if (errno == EAGAIN || errno == EACCES) return Locked(path_ + " is in use by another swfvault mirror run");
  return ErrnoStatus(errno, "lock " + JoinPath(path_, name));
}

Status TreeDir::Sync() const {
  if (::fsync(fd_.get()) != 0) return ErrnoStatus(errno, "fsync " + path_);
  return Status::Ok();
}

Result<std::string> HashFd(int fd, const std::string& what, uint64_t* size) {
  if (::lseek(fd, 0, SEEK_SET) < 0) return ErrnoStatus(errno, "seek " + what);
  Sha256Hasher sha;
  std::string buf(64 * 1024, '\0');
  uint64_t total = 0;
  for (;;) {
    ssize_t r = ::read(fd, buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return ErrnoStatus(errno, "read " + what);
    if (r == 0) break;
    sha.Update(std::string_view(buf.data(), static_cast<size_t>(r)));
    total += static_cast<uint64_t>(r);
  }
  if (size != nullptr) *size = total;
  return sha.FinishHex();
}

}  // namespace swfvault
