#include "support/fs_semantics.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace swfvault::testing {
namespace {

// The filter reads the low word of a 64-bit argument first: little-endian machines only.
#if defined(__x86_64__)
constexpr uint32_t kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr uint32_t kArch = AUDIT_ARCH_AARCH64;
#else
constexpr uint32_t kArch = 0;
#endif

sock_filter Load(uint32_t offset) { return BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset); }
sock_filter Return(uint32_t value) { return BPF_STMT(BPF_RET | BPF_K, value); }
sock_filter JumpIfEqual(uint32_t value, uint8_t if_true, uint8_t if_false) {
  return BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, if_true, if_false);
}

// The filter: foreign architectures pass; renameat2 with RENAME_NOREPLACE gets EINVAL; with
// `no_links`, link and linkat get EPERM; everything else passes.
std::vector<sock_filter> Filter(bool no_links) {
  constexpr uint32_t kNr = offsetof(seccomp_data, nr);
  // args[4] is 64 bits; its low word comes first on the little-endian machines above.
  constexpr uint32_t kFlagsLow = offsetof(seccomp_data, args) + 4 * sizeof(uint64_t);
  std::vector<sock_filter> f = {
      Load(offsetof(seccomp_data, arch)),
      JumpIfEqual(kArch, 1, 0),
      Return(SECCOMP_RET_ALLOW),
      Load(kNr),
      JumpIfEqual(__NR_renameat2, 0, 4),  // others: to the link checks
      Load(kFlagsLow),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, RENAME_NOREPLACE, 0, 1),
      Return(SECCOMP_RET_ERRNO | EINVAL),
      Return(SECCOMP_RET_ALLOW),  // renameat2 without the flag
  };
  if (no_links) {
#ifdef __NR_link
    constexpr uint32_t kLink = __NR_link;
#else
    constexpr uint32_t kLink = __NR_linkat;  // the only link call there is
#endif
    f.push_back(JumpIfEqual(__NR_linkat, 2, 0));
    f.push_back(JumpIfEqual(kLink, 1, 0));
    f.push_back(Return(SECCOMP_RET_ALLOW));
    f.push_back(Return(SECCOMP_RET_ERRNO | EPERM));
  } else {
    f.push_back(Return(SECCOMP_RET_ALLOW));
  }
  return f;
}

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Checks that the kernel now answers as `semantics` says, on scratch files of `dir`.
std::string Probe(FsSemantics semantics, const std::string& parent) {
  std::string templ = parent + "/swfvault-fs-semantics-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) return Errno("create probe folder");
  const std::string& dir = templ;
  std::string a = dir + "/a", b = dir + "/b";
  int fd = ::open(a.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string failed = Errno("create probe file");
    ::rmdir(dir.c_str());
    return failed;
  }
  ::close(fd);
  std::string failed;
  errno = 0;
  if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_NOREPLACE) == 0 ||
      errno != EINVAL) {
    failed = "renameat2(RENAME_NOREPLACE) was not refused with EINVAL";
  }
  // Both link calls, so a mistake in either branch of the filter shows.
  bool want_refused = semantics == FsSemantics::kNoNoReplaceNoLinks;
  auto check_link = [&](const char* what, auto&& link) {
    errno = 0;
    int linked = link();
    if (failed.empty() && want_refused && (linked == 0 || errno != EPERM)) {
      failed = std::string(what) + " was not refused with EPERM";
    }
    if (failed.empty() && !want_refused && linked != 0) failed = Errno(what);
    ::unlink(b.c_str());
  };
  check_link("link", [&] { return ::link(a.c_str(), b.c_str()); });
  check_link("linkat", [&] { return ::linkat(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), 0); });
  ::unlink(a.c_str());
  ::rmdir(dir.c_str());
  return failed;
}

}  // namespace

bool LinkForSetup(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  std::filesystem::create_hard_link(from, to, ec);
  // The answers of a file system without hard links, as the mirror's own fallbacks take them.
  if (ec == std::errc::operation_not_permitted || ec == std::errc::operation_not_supported ||
      ec == std::errc::function_not_supported) {
    return false;
  }
  if (ec) throw std::filesystem::filesystem_error("cannot create hard link", from, to, ec);
  return true;
}

std::optional<FsSemantics> ParseFsSemantics(const std::string& name) {
  if (name == "no-noreplace") return FsSemantics::kNoNoReplace;
  if (name == "no-noreplace-no-links") return FsSemantics::kNoNoReplaceNoLinks;
  return std::nullopt;
}

bool FsSemanticsSupported() { return kArch != 0; }

std::string InstallFsSemantics(FsSemantics semantics, const std::string& scratch_dir) {
  if (!FsSemanticsSupported()) return "no seccomp filter for this architecture";
  std::vector<sock_filter> filter = Filter(semantics == FsSemantics::kNoNoReplaceNoLinks);
  sock_fprog program{static_cast<unsigned short>(filter.size()), filter.data()};
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Errno("prctl(PR_SET_NO_NEW_PRIVS)");
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &program) != 0) {
    return Errno("seccomp");
  }
  return Probe(semantics, scratch_dir);
}

}  // namespace swfvault::testing
