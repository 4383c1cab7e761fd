#include "swfvault/archive_verifier.h"

#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <memory>
#include <set>
#include <vector>

#include "export/bag_digest.h"
#include "export/bag_files.h"
#include "export/utf8_locale.h"
#include "export/xml_check.h"

namespace swfvault {
namespace {

constexpr size_t kMaxKeptBytes = 64 * 1024 * 1024;
constexpr size_t kChunkBytes = 1 << 20;

struct EntryFacts {
  DigestPair digests;
  uint64_t size = 0;
  bool kept = false;
  std::string content;  // tag files and metadata only
};

struct ReadContext {
  ReadableFile* file = nullptr;
  std::vector<char> buffer = std::vector<char>(kChunkBytes);
  Status status;
};

la_ssize_t OnRead(struct archive*, void* opaque, const void** buf) {
  auto* ctx = static_cast<ReadContext*>(opaque);
  Result<size_t> n = ctx->file->Read(ctx->buffer.data(), ctx->buffer.size());
  if (!n.ok()) {
    ctx->status = n.status();
    return -1;
  }
  *buf = ctx->buffer.data();
  return static_cast<la_ssize_t>(*n);
}

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

class BagChecker {
 public:
  explicit BagChecker(ArchiveReport* report) : report_(*report) {}

  void Read(struct archive* a) {
    archive_entry* entry = nullptr;
    std::vector<char> buf(kChunkBytes);
    for (;;) {
      int rc = archive_read_next_header(a, &entry);
      if (rc == ARCHIVE_EOF) return;
      if (rc < ARCHIVE_WARN) return Unreadable(a);
      ++report_.entries;
      std::string rel;
      if (!AcceptEntry(entry, &rel)) continue;
      if (archive_entry_filetype(entry) == AE_IFDIR) continue;
      if (!ReadContent(a, rel, &buf)) return Unreadable(a);
    }
  }

  void CheckBag() {
    if (files_.empty()) return Add("", "archive holds no files");
    CheckBagit();
    CheckManifest("manifest-sha256.txt", true);
    CheckManifest("manifest-sha512.txt", false);
    CheckPayloadOxum();
    CheckTagManifest();
    CheckHistory();
    for (const auto& [path, facts] : files_) {
      if (!path.ends_with(".xml") || !facts.kept) continue;
      Status s = CheckXmlWellFormed(facts.content);
      if (!s.ok()) Add(path, s.message());
    }
  }

 private:
  void Add(std::string path, std::string problem) { report_.findings.push_back({std::move(path), std::move(problem)}); }

  void Unreadable(struct archive* a) {
    const char* msg = archive_error_string(a);
    Add("", std::string("archive is damaged or unreadable: ") + (msg ? msg : "unknown error"));
  }

  // Splits off the root directory and refuses anything that could escape it.
  bool AcceptEntry(archive_entry* entry, std::string* rel) {
    const char* raw = archive_entry_pathname_utf8(entry);
    if (raw == nullptr) raw = archive_entry_pathname(entry);
    std::string path = raw ? raw : "";
    const auto type = archive_entry_filetype(entry);
    if (type != AE_IFDIR && type != AE_IFREG) return Add(path, "entry is neither a file nor a directory"), false;
    if (archive_entry_hardlink(entry) != nullptr) return Add(path, "entry is a hard link"), false;
    if (path.empty() || path[0] == '/' || path.find('\\') != std::string::npos) {
      return Add(path, "absolute or backslashed path"), false;
    }
    if (path.back() == '/') path.pop_back();
    size_t start = 0;
    for (size_t end; start <= path.size(); start = end + 1) {
      end = path.find('/', start);
      if (end == std::string::npos) end = path.size();
      std::string_view part = std::string_view(path).substr(start, end - start);
      if (part.empty() || part == "." || part == "..") return Add(path, "path has an empty, '.' or '..' part"), false;
    }
    const std::string top = path.substr(0, path.find('/'));
    if (root_.empty()) root_ = top;
    if (top != root_) return Add(path, "entry outside the bag root '" + root_ + "'"), false;
    if (!seen_.insert(path).second) return Add(path, "entry appears twice"), false;
    *rel = path.size() > top.size() ? path.substr(top.size() + 1) : "";
    if (type == AE_IFREG && rel->empty()) return Add(path, "file where the root directory should be"), false;
    return true;
  }

  bool ReadContent(struct archive* a, const std::string& rel, std::vector<char>* buf) {
    EntryFacts facts;
    facts.kept = !rel.starts_with("data/documenten/");
    BagDigest digest;
    for (;;) {
      la_ssize_t n = archive_read_data(a, buf->data(), buf->size());
      if (n < 0) return false;
      if (n == 0) break;
      std::string_view chunk(buf->data(), static_cast<size_t>(n));
      digest.Update(chunk);
      facts.size += chunk.size();
      if (facts.kept && facts.content.size() + chunk.size() <= kMaxKeptBytes) facts.content.append(chunk);
    }
    facts.digests = digest.Finish();
    files_[rel] = std::move(facts);
    return true;
  }

  const EntryFacts* Find(const std::string& rel) {
    auto it = files_.find(rel);
    return it == files_.end() ? nullptr : &it->second;
  }

  void CheckBagit() {
    const EntryFacts* f = Find("bagit.txt");
    if (f == nullptr) return Add("bagit.txt", "missing");
    if (f->content != kBagitTxt) Add("bagit.txt", "is not a BagIt 1.0 declaration in UTF-8");
  }

  void CheckManifest(const std::string& name, bool sha256) {
    const EntryFacts* f = Find(name);
    if (f == nullptr) return Add(name, "missing");
    std::vector<std::string> bad;
    std::set<std::string> listed;
    for (const auto& [path, hash] : ParseManifest(f->content, &bad)) {
      listed.insert(path);
      const EntryFacts* target = Find(path);
      if (!path.starts_with("data/")) Add(name, "lists '" + path + "', which is not payload");
      else if (target == nullptr) Add(path, "listed in " + name + " but missing");
      else if ((sha256 ? target->digests.sha256 : target->digests.sha512) != hash) {
        Add(path, std::string(sha256 ? "SHA-256" : "SHA-512") + " does not match " + name);
      }
    }
    for (const auto& line : bad) Add(name, "malformed line '" + line + "'");
    for (const auto& [path, facts] : files_) {
      if (path.starts_with("data/") && listed.count(path) == 0) Add(path, "payload file not listed in " + name);
    }
  }

  void CheckPayloadOxum() {
    uint64_t bytes = 0;
    size_t count = 0;
    for (const auto& [path, facts] : files_) {
      if (!path.starts_with("data/")) continue;
      bytes += facts.size;
      ++count;
    }
    report_.payload_bytes = bytes;
    report_.payload_files = count;
    const EntryFacts* info = Find("bag-info.txt");
    if (info == nullptr) return Add("bag-info.txt", "missing");
    const std::string want = "Payload-Oxum: " + std::to_string(bytes) + "." + std::to_string(count) + "\n";
    if (info->content.find("Payload-Oxum: ") == std::string::npos) return Add("bag-info.txt", "has no Payload-Oxum");
    if (info->content.find(want) == std::string::npos) {
      Add("bag-info.txt", "Payload-Oxum does not match the payload (" + std::to_string(bytes) + " bytes in " +
                              std::to_string(count) + " files)");
    }
  }

  void CheckTagManifest() {
    const std::string name = "tagmanifest-sha256.txt";
    const EntryFacts* f = Find(name);
    if (f == nullptr) return Add(name, "missing");
    std::vector<std::string> bad;
    std::set<std::string> listed;
    for (const auto& [path, hash] : ParseManifest(f->content, &bad)) {
      listed.insert(path);
      const EntryFacts* target = Find(path);
      if (target == nullptr) Add(path, "listed in " + name + " but missing");
      else if (target->digests.sha256 != hash) Add(path, "SHA-256 does not match " + name);
    }
    for (const auto& line : bad) Add(name, "malformed line '" + line + "'");
    for (const auto& [path, facts] : files_) {
      if (!path.starts_with("data/") && path != name && listed.count(path) == 0) {
        Add(path, "tag file not listed in " + name);
      }
    }
  }

  void CheckHistory() {
    const std::string path(kHistoryPath);
    const EntryFacts* f = Find(path);
    if (f == nullptr) return Add(path, "missing");
    Result<size_t> n = CheckHistoryChain(f->content);
    if (!n.ok()) return Add(path, n.status().message());
    report_.history_entries = *n;
  }

  ArchiveReport& report_;
  std::string root_;
  std::set<std::string> seen_;
  std::map<std::string, EntryFacts> files_;  // relative to the root
};

}  // namespace

Result<ArchiveReport> VerifyArchive(FileSystem& fs, const std::string& path) {
  ScopedUtf8Locale utf8;
  SWF_RETURN_IF_ERROR(utf8.status());
  SWF_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  std::unique_ptr<struct archive, ArchiveDeleter> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_zip_streamable(a.get());
  archive_read_set_options(a.get(), "hdrcharset=UTF-8");
  ReadContext ctx;
  ctx.file = file.get();
  ArchiveReport report;
  BagChecker checker(&report);
  if (archive_read_open(a.get(), &ctx, nullptr, &OnRead, nullptr) != ARCHIVE_OK) {
    if (!ctx.status.ok()) return ctx.status;
    report.findings.push_back({"", std::string("not a readable archive: ") +
                                       (archive_error_string(a.get()) ? archive_error_string(a.get()) : "?")});
    return report;
  }
  checker.Read(a.get());
  if (!ctx.status.ok()) return ctx.status.WithContext("reading " + path);
  checker.CheckBag();
  return report;
}

}  // namespace swfvault
