#include "swfvault/archive_verifier.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "export/bag_digest.h"
#include "export/bag_files.h"
#include "export/utf8_locale.h"
#include "export/xml_check.h"
#include "swfvault/hashing.h"

namespace swfvault {
namespace {

// The most of one entry held in memory: bagit.txt, bag-info.txt or an XML sidecar whole, or
// one line of a manifest or the history. Manifests and the history are read line by line, so
// their size is not limited.
constexpr size_t kMaxKeptBytes = 64 * 1024 * 1024;
constexpr size_t kChunkBytes = 1 << 20;

// The algorithm of a payload or tag manifest at the bag's top (RFC 8493 2.1.3, 2.2.1):
// "sha256" for manifest-sha256.txt; "" for any other file.
std::string_view ManifestAlgorithm(std::string_view rel) {
  if (rel.find('/') != std::string_view::npos || !rel.ends_with(".txt")) return {};
  if (rel.starts_with("tag")) rel.remove_prefix(3);
  if (!rel.starts_with("manifest-")) return {};
  return rel.substr(9, rel.size() - 9 - 4);
}

bool IsManifest(std::string_view rel) { return !ManifestAlgorithm(rel).empty(); }
bool IsTagManifest(std::string_view rel) { return rel.starts_with("tag") && IsManifest(rel); }

// The values of `label` in bag-info.txt (RFC 8493 2.2.2: `Label: value` at the start of a
// line; a line starting with whitespace continues the value before it).
std::vector<std::string> BagInfoValues(std::string_view text, std::string_view label) {
  std::vector<std::string> values;
  bool in_label = false;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      const size_t text_at = line.find_first_not_of(" \t");
      if (in_label && text_at != std::string_view::npos)
        values.back().append(" ").append(line.substr(text_at));
      continue;
    }
    in_label = line.starts_with(label) && line.substr(label.size()).starts_with(":");
    if (!in_label) continue;
    std::string_view value = line.substr(label.size() + 1);
    const size_t first = value.find_first_not_of(" \t");
    values.emplace_back(first == std::string_view::npos ? "" : value.substr(first));
  }
  return values;
}

struct EntryFacts {
  DigestPair digests;
  uint64_t size = 0;
  std::string content;                                         // bagit.txt and bag-info.txt
  std::vector<std::pair<std::string, std::string>> manifest;  // (path, hash) of a manifest
  std::vector<std::string> bad_lines;                          // of a manifest
  std::optional<Result<size_t>> history;                       // the history's chain check
  std::optional<Status> xml;                                   // an XML sidecar's check
};

struct ReadContext {
  ReadableFile* file = nullptr;
  std::vector<char> buffer = std::vector<char>(kChunkBytes);
  size_t head = 0;  // bytes already in `buffer`, read to tell a zip: handed out first
  Status status;
  std::optional<Sha256Hasher> whole;  // of every byte of the file, when one is expected
};

la_ssize_t OnRead(struct archive*, void* opaque, const void** buf) {
  auto* ctx = static_cast<ReadContext*>(opaque);
  if (ctx->head > 0) {  // a pipe cannot be read from the start again
    *buf = ctx->buffer.data();
    return static_cast<la_ssize_t>(std::exchange(ctx->head, 0));
  }
  Result<size_t> n = ctx->file->Read(ctx->buffer.data(), ctx->buffer.size());
  if (!n.ok()) {
    ctx->status = n.status();
    return -1;
  }
  if (ctx->whole) ctx->whole->Update(std::string_view(ctx->buffer.data(), *n));
  *buf = ctx->buffer.data();
  return static_cast<la_ssize_t>(*n);
}

// Reads what libarchive left of the file (a tar's end blocks, a zip's central directory), so
// that the hash of the whole file is complete.
Status HashTheRest(ReadContext& ctx) {
  for (;;) {
    SWF_ASSIGN_OR_RETURN(size_t n, ctx.file->Read(ctx.buffer.data(), ctx.buffer.size()));
    if (n == 0) return Status::Ok();
    ctx.whole->Update(std::string_view(ctx.buffer.data(), n));
  }
}

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

// One entry of a zip's central directory, as unzip and desktop tools see it.
struct CentralEntry {
  std::string name;
  uint32_t unix_mode = 0;  // 0 when the entry was not made on a Unix host
  uint64_t size = 0;       // uncompressed, as unzip would write it
};

uint64_t Little(const std::string& b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<size_t>(i)]);
  return v;
}

// The central directory of the zip at `path` (zip64 included), or a reason it cannot be read.
Result<std::vector<CentralEntry>> ReadCentralDirectory(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open " + path);
  in.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(in.tellg());
  auto read = [&](uint64_t at, uint64_t n) -> std::optional<std::string> {
    if (at > size || n > size - at || n > (64u << 20)) return std::nullopt;
    std::string b(n, '\0');
    in.seekg(static_cast<std::streamoff>(at));
    if (!in.read(b.data(), static_cast<std::streamsize>(n))) return std::nullopt;
    return b;
  };
  const uint64_t tail_size = std::min<uint64_t>(size, 65535 + 22);
  std::optional<std::string> tail = read(size - tail_size, tail_size);
  size_t eocd = tail ? tail->rfind(std::string("PK\x05\x06", 4)) : std::string::npos;
  if (eocd == std::string::npos || eocd + 22 > tail->size()) return Corruption("no end of central directory");
  uint64_t count = Little(*tail, eocd + 10, 2), cd_size = Little(*tail, eocd + 12, 4),
           cd_offset = Little(*tail, eocd + 16, 4);
  if (count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) {
    const uint64_t locator_at = size - tail_size + eocd - 20;
    std::optional<std::string> locator = read(locator_at, 20);
    if (!locator || locator->compare(0, 4, "PK\x06\x07") != 0) return Corruption("no zip64 locator");
    std::optional<std::string> z64 = read(Little(*locator, 8, 8), 56);
    if (!z64 || z64->compare(0, 4, "PK\x06\x06") != 0) return Corruption("no zip64 end of central directory");
    count = Little(*z64, 32, 8);
    cd_size = Little(*z64, 40, 8);
    cd_offset = Little(*z64, 48, 8);
  }
  std::optional<std::string> cd = read(cd_offset, cd_size);
  if (!cd) return Corruption("central directory outside the file");
  std::vector<CentralEntry> entries;
  struct Span {
    uint64_t offset, compressed;
    bool descriptor;
    std::string name;
  };
  std::vector<Span> spans;
  size_t at = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (at + 46 > cd->size() || cd->compare(at, 4, "PK\x01\x02") != 0) return Corruption("damaged central directory");
    const size_t name_len = Little(*cd, at + 28, 2), extra_len = Little(*cd, at + 30, 2),
                 comment_len = Little(*cd, at + 32, 2);
    if (at + 46 + name_len + extra_len > cd->size()) return Corruption("damaged central directory");
    CentralEntry e;
    e.name = cd->substr(at + 46, name_len);
    if (static_cast<unsigned char>((*cd)[at + 5]) == 3) e.unix_mode = static_cast<uint32_t>(Little(*cd, at + 38, 4) >> 16);
    Span span{Little(*cd, at + 42, 4), Little(*cd, at + 20, 4), (Little(*cd, at + 8, 2) & 8) != 0,
              e.name};
    e.size = Little(*cd, at + 24, 4);
    // Extra fields: zip64 sizes and offset; a Unicode path (Info-ZIP 0x7075) must say the same
    // name, or unzip would extract the entry under another one than was checked.
    for (size_t x = at + 46 + name_len; x + 4 <= at + 46 + name_len + extra_len;) {
      const uint64_t id = Little(*cd, x, 2), len = Little(*cd, x + 2, 2);
      if (x + 4 + len > at + 46 + name_len + extra_len)
        return Corruption("damaged central directory");
      size_t field = x + 4;
      if (id == 0x0001) {
        auto take = [&](bool wanted, uint64_t* value) {
          if (!wanted || field + 8 > x + 4 + len) return;
          *value = Little(*cd, field, 8);
          field += 8;
        };
        take(e.size == 0xFFFFFFFF, &e.size);
        take(span.compressed == 0xFFFFFFFF, &span.compressed);
        take(span.offset == 0xFFFFFFFF, &span.offset);
      } else if (id == 0x7075 && (len < 5 || cd->compare(x + 9, len - 5, e.name) != 0)) {
        return Corruption("central directory gives " + e.name + " another Unicode path");
      }
      x += 4 + len;
    }
    spans.push_back(std::move(span));
    entries.push_back(std::move(e));
    at += 46 + name_len + extra_len + comment_len;
  }
  // The entries must lie back to back from the first byte to the central directory, each local
  // header naming what the directory names: bytes between them could hold an entry that a
  // front-to-back reader and unzip (which goes by the directory) would read differently.
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.offset < b.offset; });
  uint64_t expected = 0;
  for (const Span& e : spans) {
    std::optional<std::string> local = read(e.offset, 30);
    if (e.offset != expected || !local || local->compare(0, 4, "PK\x03\x04") != 0) {
      return Corruption("the local entry of " + e.name + " is not where the previous one ends");
    }
    const uint64_t name_len = Little(*local, 26, 2), extra_len = Little(*local, 28, 2);
    std::optional<std::string> local_name = read(e.offset + 30, name_len);
    if (!local_name || *local_name != e.name) {
      return Corruption("the local entry of " + e.name + " names another path");
    }
    expected = e.offset + 30 + name_len + extra_len + e.compressed;
    if (e.descriptor) {  // crc and sizes after the data: 12 bytes, 20 with zip64, maybe signed
      std::optional<std::string> sig = read(expected, 4);
      if (sig && sig->compare(0, 4, "PK\x07\x08") == 0) expected += 4;
      std::optional<std::string> extra = read(e.offset + 30 + name_len, extra_len);
      bool zip64 = false;
      for (size_t x = 0; extra && x + 4 <= extra->size(); x += 4 + Little(*extra, x + 2, 2)) {
        zip64 |= Little(*extra, x, 2) == 0x0001;
      }
      expected += zip64 ? 20 : 12;
    }
  }
  if (expected != cd_offset) {
    return Corruption("bytes between the last entry and the central directory");
  }
  return entries;
}

// True when the file at `path` ends with a zip's end record (its comment running to the last
// byte), as unzip finds one: a tar with a zip appended reads as both.
bool EndsLikeAZip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 22) return false;
  const std::streamoff tail_size = std::min<std::streamoff>(size, 65535 + 22);
  std::string tail(static_cast<size_t>(tail_size), '\0');
  in.seekg(size - tail_size);
  if (!in.read(tail.data(), tail_size)) return false;
  for (size_t at = tail.rfind(std::string("PK\x05\x06", 4));
       at != std::string::npos && at + 22 <= tail.size();
       at = at == 0 ? std::string::npos : tail.rfind(std::string("PK\x05\x06", 4), at - 1)) {
    if (at + 22 + Little(tail, at + 20, 2) == tail.size()) return true;
  }
  return false;
}

class BagChecker {
 public:
  explicit BagChecker(ArchiveReport* report) : report_(*report) {}

  // The zip's central directory must name exactly the entries that were read, as files or
  // directories: what unzip would extract is what was checked.
  void CheckCentralDirectory(const std::string& path) {
    Result<std::vector<CentralEntry>> cd = ReadCentralDirectory(path);
    if (!cd.ok()) return Add("", "zip central directory: " + cd.status().message());
    if (cd->size() != report_.entries) {
      Add("", "zip central directory lists " + std::to_string(cd->size()) + " entries, " +
                  std::to_string(report_.entries) + " were read");
    }
    for (const CentralEntry& e : *cd) {
      std::string name = e.name;
      if (!name.empty() && name.back() == '/') name.pop_back();
      const uint32_t type = e.unix_mode & 0170000;
      if (type != 0 && type != 0100000 && type != 0040000) {
        Add(e.name, "zip central directory marks the entry as neither a file nor a directory");
      } else if (seen_.count(name) == 0) {
        Add(e.name, "zip central directory names an entry that was not read from the archive");
      } else if (const EntryFacts* f = FindPath(name); f != nullptr && f->size != e.size) {
        Add(e.name, "zip central directory gives " + std::to_string(e.size) + " bytes, " +
                        std::to_string(f->size) + " were read");
      }
    }
  }

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
      if (archive_entry_sparse_count(entry) > 0) {
        // A bag is never written sparse, and holes would be hashed as zeros without end.
        Add(rel, "is a sparse entry; not read");
        continue;
      }
      if (!ReadContent(a, rel, &buf)) return Unreadable(a);
      const EntryFacts* f = Find(rel);
      if (archive_entry_size_is_set(entry) && f != nullptr &&
          f->size != static_cast<uint64_t>(archive_entry_size(entry))) {
        Add(rel, "declares " + std::to_string(archive_entry_size(entry)) + " bytes, " +
                     std::to_string(f->size) + " were read");
      }
    }
  }

  void CheckBag() {
    if (files_.empty()) return Add("", "archive holds no files");
    CheckBagit();
    CheckManifest("manifest-sha256.txt");
    CheckManifest("manifest-sha512.txt");
    CheckPayloadOxum();
    CheckTagManifest("tagmanifest-sha256.txt");
    if (Find("tagmanifest-sha512.txt") != nullptr) CheckTagManifest("tagmanifest-sha512.txt");
    for (const auto& [path, facts] : files_) {
      const std::string_view algorithm = ManifestAlgorithm(path);
      if (!algorithm.empty() && algorithm != "sha256" && algorithm != "sha512") {
        // A validator must check every manifest (RFC 8493 3); one it cannot check fails closed.
        Add(path, "is a manifest of '" + std::string(algorithm) +
                      "', which verify-archive cannot check (it checks sha256 and sha512)");
      }
    }
    CheckHistory();
    for (const auto& [path, facts] : files_) {
      if (facts.xml && !facts.xml->ok()) Add(path, facts.xml->message());
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

  // Reads one file entry: its digests and size, and what the checks need of it. Documents
  // are only hashed; manifests and the history are taken in line by line; bagit.txt,
  // bag-info.txt and XML sidecars are held whole (up to kMaxKeptBytes; an XML sidecar only
  // until it is checked).
  bool ReadContent(struct archive* a, const std::string& rel, std::vector<char>* buf) {
    EntryFacts facts;
    const bool documents = rel.starts_with("data/documenten/");
    const bool manifest = IsManifest(rel);
    const bool history = rel == kHistoryPath;
    const bool xml = !documents && rel.ends_with(".xml");
    const bool whole = xml || rel == "bagit.txt" || rel == "bag-info.txt";
    LineSplitter lines(kMaxKeptBytes);
    HistoryChainChecker chain;
    auto on_line = [&](std::string_view line) {
      if (manifest) ParseManifestLine(line, &facts.manifest, &facts.bad_lines);
      if (history) chain.Line(line);
    };
    bool too_large = false;
    BagDigest digest;
    for (;;) {
      la_ssize_t n = archive_read_data(a, buf->data(), buf->size());
      if (n < 0) return false;
      if (n == 0) break;
      std::string_view chunk(buf->data(), static_cast<size_t>(n));
      digest.Update(chunk);
      facts.size += chunk.size();
      if (manifest || history) lines.Feed(chunk, on_line);
      if (whole && !too_large) {
        too_large = facts.content.size() + chunk.size() > kMaxKeptBytes;
        if (too_large) facts.content = std::string();
        else facts.content.append(chunk);
      }
    }
    facts.digests = digest.Finish();
    const std::string limit = "longer than " + std::to_string(kMaxKeptBytes >> 20) + " MiB";
    if (too_large) Add(rel, "is " + limit + "; not checked");
    if (lines.overlong()) Add(rel, "has a line " + limit + "; not checked past it");
    if (manifest && !lines.rest().empty()) on_line(lines.rest());
    if (history) facts.history = chain.Finish(lines.rest());
    if (xml && !too_large) {
      facts.xml = CheckXmlWellFormed(facts.content);
      facts.content = std::string();
    }
    files_[rel] = std::move(facts);
    return true;
  }

  const EntryFacts* Find(const std::string& rel) {
    auto it = files_.find(rel);
    return it == files_.end() ? nullptr : &it->second;
  }
  // By the entry's path in the archive, root included.
  const EntryFacts* FindPath(const std::string& path) {
    if (!path.starts_with(root_ + "/")) return nullptr;
    return Find(path.substr(root_.size() + 1));
  }

  void CheckBagit() {
    const EntryFacts* f = Find("bagit.txt");
    if (f == nullptr) return Add("bagit.txt", "missing");
    if (f->content != kBagitTxt) Add("bagit.txt", "is not a BagIt 1.0 declaration in UTF-8");
  }

  // Adds a finding when `target`'s digest in the algorithm of `manifest` (sha256 or sha512, as
  // its name says) is not `hash`.
  void CompareDigest(const std::string& manifest, const std::string& path, const EntryFacts& target,
                     const std::string& hash) {
    const bool sha256 = ManifestAlgorithm(manifest) == "sha256";
    if ((sha256 ? target.digests.sha256 : target.digests.sha512) != hash) {
      Add(path, std::string(sha256 ? "SHA-256" : "SHA-512") + " does not match " + manifest);
    }
  }

  void CheckManifest(const std::string& name) {
    const EntryFacts* f = Find(name);
    if (f == nullptr) return Add(name, "missing");
    std::set<std::string> listed;
    for (const auto& [path, hash] : f->manifest) {
      listed.insert(path);
      const EntryFacts* target = Find(path);
      if (!path.starts_with("data/")) Add(name, "lists '" + path + "', which is not payload");
      else if (target == nullptr) Add(path, "listed in " + name + " but missing");
      else
        CompareDigest(name, path, *target, hash);
    }
    for (const auto& line : f->bad_lines) Add(name, "malformed line '" + line + "'");
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
    const std::vector<std::string> oxum = BagInfoValues(info->content, "Payload-Oxum");
    if (oxum.empty()) return Add("bag-info.txt", "has no Payload-Oxum");
    if (oxum.size() > 1)
      return Add("bag-info.txt", "has " + std::to_string(oxum.size()) + " Payload-Oxum lines");
    if (oxum[0] != std::to_string(bytes) + "." + std::to_string(count)) {
      Add("bag-info.txt", "Payload-Oxum does not match the payload (" + std::to_string(bytes) + " bytes in " +
                              std::to_string(count) + " files)");
    }
  }

  // Tag manifests list every tag file but the tag manifests (RFC 8493 2.2.1).
  void CheckTagManifest(const std::string& name) {
    const EntryFacts* f = Find(name);
    if (f == nullptr) return Add(name, "missing");
    std::set<std::string> listed;
    for (const auto& [path, hash] : f->manifest) {
      listed.insert(path);
      const EntryFacts* target = Find(path);
      if (target == nullptr) Add(path, "listed in " + name + " but missing");
      else
        CompareDigest(name, path, *target, hash);
    }
    for (const auto& line : f->bad_lines) Add(name, "malformed line '" + line + "'");
    for (const auto& [path, facts] : files_) {
      if (!path.starts_with("data/") && !IsTagManifest(path) && listed.count(path) == 0) {
        Add(path, "tag file not listed in " + name);
      }
    }
  }

  void CheckHistory() {
    const std::string path(kHistoryPath);
    const EntryFacts* f = Find(path);
    if (f == nullptr) return Add(path, "missing");
    const Result<size_t>& n = *f->history;
    if (!n.ok()) return Add(path, n.status().message());
    report_.history_entries = *n;
  }

  ArchiveReport& report_;
  std::string root_;
  std::set<std::string> seen_;
  std::map<std::string, EntryFacts> files_;  // relative to the root
};

}  // namespace

Result<ArchiveReport> VerifyArchive(FileSystem& fs, const std::string& path,
                                    const std::string& expected_sha256) {
  ScopedUtf8Locale utf8;
  SWF_RETURN_IF_ERROR(utf8.status());
  SWF_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  ReadContext ctx;
  ctx.file = file.get();
  if (!expected_sha256.empty()) ctx.whole.emplace();
  // A zip is also judged by its central directory, which is what unzip and desktop tools
  // extract from: read front to back only, a truncated zip, or one whose central directory
  // names other paths or links than its local headers, would pass.
  SWF_ASSIGN_OR_RETURN(ctx.head, file->Read(ctx.buffer.data(), 4));
  if (ctx.whole) ctx.whole->Update(std::string_view(ctx.buffer.data(), ctx.head));
  const bool zip = ctx.head == 4 && std::string_view(ctx.buffer.data(), 2) == "PK";
  std::unique_ptr<struct archive, ArchiveDeleter> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_zip_streamable(a.get());
  archive_read_set_options(a.get(), "hdrcharset=UTF-8");
  const int opened = archive_read_open(a.get(), &ctx, nullptr, &OnRead, nullptr);
  ArchiveReport report;
  BagChecker checker(&report);
  // The whole file's hash, also of a file that is no archive at all.
  auto compare_hash = [&]() -> Status {
    if (!ctx.whole) return Status::Ok();
    SWF_RETURN_IF_ERROR(HashTheRest(ctx).WithContext("reading " + path));
    report.archive_sha256 = ctx.whole->FinishHex();
    if (report.archive_sha256 != expected_sha256) {
      report.findings.push_back({"", "the archive's SHA-256 is " + report.archive_sha256 +
                                         ", not the expected " + expected_sha256});
    }
    return Status::Ok();
  };
  if (opened != ARCHIVE_OK) {
    if (!ctx.status.ok()) return ctx.status;
    report.findings.push_back({"", std::string("not a readable archive: ") +
                                       (archive_error_string(a.get()) ? archive_error_string(a.get()) : "?")});
    SWF_RETURN_IF_ERROR(compare_hash());
    return report;
  }
  checker.Read(a.get());
  if (!ctx.status.ok()) return ctx.status.WithContext("reading " + path);
  SWF_RETURN_IF_ERROR(compare_hash());
  if (!zip && EndsLikeAZip(path)) {
    report.findings.push_back({"",
                               "the file also reads as a zip (it ends with a zip's end of "
                               "central directory): unzip would extract other content than "
                               "was checked"});
  }
  if (zip) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      checker.CheckCentralDirectory(path);
    } else {  // read once from a pipe, its directory (at its end) cannot be read again
      report.findings.push_back({"",
                                 "a zip is checked against its central directory, at its end, "
                                 "which a pipe cannot give again: check the file itself"});
    }
  }
  checker.CheckBag();
  return report;
}

}  // namespace swfvault
