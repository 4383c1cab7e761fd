#include "swfvault/archive_exporter.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <vector>

#include "export/archive_sink.h"
#include "export/bag_digest.h"
#include "export/bag_files.h"
#include "export/bag_plan.h"
#include "swfvault/hashing.h"

namespace swfvault {
namespace {

constexpr size_t kChunkBytes = 1 << 20;
constexpr size_t kBuffers = 4;  // chunks in flight between reading, hashing and writing

// libarchive computes zip DOS times with localtime(); pinning TZ makes them UTC everywhere.
class ScopedUtcTimeZone {
 public:
  ScopedUtcTimeZone() {
    const char* old = std::getenv("TZ");
    if (old != nullptr) old_ = old;
    setenv("TZ", "UTC0", 1);
    tzset();
  }
  ~ScopedUtcTimeZone() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  ScopedUtcTimeZone(const ScopedUtcTimeZone&) = delete;
  ScopedUtcTimeZone& operator=(const ScopedUtcTimeZone&) = delete;

 private:
  std::optional<std::string> old_;
};

using Digests = std::vector<std::pair<std::string, DigestPair>>;  // bag path -> digests

class BagWriter {
 public:
  BagWriter(const BagPlan& plan, ArchiveSink& sink, BlobSource& blobs)
      : plan_(plan), sink_(sink), blobs_(blobs) {}

  Status Write() {
    SWF_RETURN_IF_ERROR(sink_.AddDirectory(plan_.root));
    SWF_RETURN_IF_ERROR(AddTagFile("bag-info.txt", plan_.bag_info));
    SWF_RETURN_IF_ERROR(AddTagFile("bagit.txt", std::string(kBagitTxt)));
    SWF_RETURN_IF_ERROR(sink_.AddDirectory(plan_.root + "/data"));
    SWF_RETURN_IF_ERROR(sink_.AddDirectory(plan_.root + "/data/documenten"));
    for (const auto& d : plan_.documents) SWF_RETURN_IF_ERROR(StreamDocument(d));
    std::string dir = "data/documenten";
    for (const auto& f : plan_.generated) {
      const std::string parent = f.path.substr(0, f.path.rfind('/'));
      if (parent != dir) {
        dir = parent;
        SWF_RETURN_IF_ERROR(sink_.AddDirectory(plan_.root + "/" + dir));
      }
      SWF_RETURN_IF_ERROR(AddPayloadFile(f.path, f.content));
    }
    return WriteTagFiles();
  }

 private:
  Status WriteTagFiles() {
    SWF_RETURN_IF_ERROR(AddTagFile("index.html", plan_.index_html));
    std::vector<std::pair<std::string, std::string>> sha256, sha512;
    for (const auto& [path, d] : payload_) {
      sha256.emplace_back(path, d.sha256);
      sha512.emplace_back(path, d.sha512);
    }
    SWF_RETURN_IF_ERROR(AddTagFile("manifest-sha256.txt", ManifestText(sha256)));
    SWF_RETURN_IF_ERROR(AddTagFile("manifest-sha512.txt", ManifestText(sha512)));
    std::vector<std::pair<std::string, std::string>> tags;
    for (const auto& [path, hash] : tag_sha256_) tags.emplace_back(path, hash);
    return sink_.AddFile(plan_.root + "/tagmanifest-sha256.txt", ManifestText(tags));
  }

  Status AddTagFile(const std::string& path, const std::string& content) {
    tag_sha256_.emplace_back(path, DigestOf(content).sha256);
    return sink_.AddFile(plan_.root + "/" + path, content);
  }

  Status AddPayloadFile(const std::string& path, const std::string& content) {
    payload_.emplace_back(path, DigestOf(content));
    return sink_.AddFile(plan_.root + "/" + path, content);
  }

  // Streams one object into the archive, hashing it on the way (SHA-256 and SHA-512 on helper
  // threads, kBuffers buffers so hashing overlaps the next reads and this write); the object
  // must be exactly the size and SHA-256 the snapshot promised.
  Status StreamDocument(const PlannedDocument& p) {
    const ExportDocument& d = *p.doc;
    const std::string what = "document " + d.document.document_id + " (object " + d.sha256 + ")";
    SWF_ASSIGN_OR_RETURN(auto reader, blobs_.Open(d.sha256));
    SWF_RETURN_IF_ERROR(sink_.BeginFile(plan_.root + "/" + p.path, d.size));
    uint64_t total = 0;
    for (size_t k = 0;; k = (k + 1) % kBuffers) {
      std::vector<char>& buf = buffers_[k];
      Result<size_t> n = reader->Read(buf.data(), buf.size());
      if (!n.ok() || *n == 0) {
        digests_.Wait();
        if (!n.ok()) return n.status();
        break;
      }
      total += *n;
      if (total > d.size) {
        digests_.Finish();
        return Corruption(what + " is larger than its recorded " + std::to_string(d.size) + " bytes");
      }
      std::string_view chunk(buf.data(), *n);
      digests_.Submit(chunk);
      Status written = sink_.Write(chunk);
      if (!written.ok()) {
        digests_.Finish();
        return written;
      }
    }
    DigestPair got = digests_.Finish();
    if (total != d.size) {
      return Corruption(what + " has " + std::to_string(total) + " bytes, expected " + std::to_string(d.size));
    }
    if (got.sha256 != d.sha256) return Corruption(what + " content hashes to " + got.sha256);
    payload_.emplace_back(p.path, std::move(got));
    return sink_.EndFile();
  }

  const BagPlan& plan_;
  ArchiveSink& sink_;
  BlobSource& blobs_;
  std::vector<std::vector<char>> buffers_ =
      std::vector<std::vector<char>>(kBuffers, std::vector<char>(kChunkBytes));
  DigestPipeline digests_{kBuffers};
  Digests payload_;
  std::vector<std::pair<std::string, std::string>> tag_sha256_;
};

std::string DirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

}  // namespace

Result<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "tar") return ExportFormat::kTar;
  if (name == "tar.gz" || name == "tgz") return ExportFormat::kTarGz;
  if (name == "tar.zst" || name == "tzst") return ExportFormat::kTarZst;
  if (name == "zip") return ExportFormat::kZip;
  return InvalidArgument("unknown archive format '" + std::string(name) + "' (tar, tar.gz, tar.zst, zip)");
}

Result<ExportFormat> ExportFormatFromPath(std::string_view path) {
  for (std::string_view ext : {".tar.gz", ".tgz", ".tar.zst", ".tzst", ".tar", ".zip"}) {
    if (path.size() > ext.size() && path.ends_with(ext)) return ParseExportFormat(ext.substr(1));
  }
  return InvalidArgument("cannot tell the archive format from '" + std::string(path) +
                         "'; use .tar, .tar.gz, .tar.zst or .zip, or give the format");
}

std::string_view ExportFormatName(ExportFormat format) {
  switch (format) {
    case ExportFormat::kTar: return "tar";
    case ExportFormat::kTarGz: return "tar.gz";
    case ExportFormat::kTarZst: return "tar.zst";
    case ExportFormat::kZip: return "zip";
  }
  return "?";
}

Result<ExportSummary> ArchiveExporter::Export(const DossierSnapshot& snapshot, const ExportOptions& options,
                                              const std::string& output_path) {
  ExportSummary summary;
  if (options.format) {
    summary.format = *options.format;
  } else {
    SWF_ASSIGN_OR_RETURN(summary.format, ExportFormatFromPath(output_path));
  }
  const DossierSnapshot canonical = CanonicalSnapshot(snapshot);
  SWF_ASSIGN_OR_RETURN(BagPlan plan, PlanBag(canonical, options));
  const std::string dir = DirectoryOf(output_path);
  SWF_ASSIGN_OR_RETURN(TempFile temp, fs_.CreateTemp(dir, ".swfvault-export-"));
  Status s = [&]() -> Status {
    std::optional<ScopedUtcTimeZone> utc;
    if (summary.format == ExportFormat::kZip) utc.emplace();
    SWF_ASSIGN_OR_RETURN(auto sink, ArchiveSink::Open(summary.format, temp.file.get(), snapshot.as_of_unix));
    SWF_RETURN_IF_ERROR(BagWriter(plan, *sink, blobs_).Write());
    SWF_RETURN_IF_ERROR(sink->Close());
    summary.archive_bytes = sink->bytes_written();
    SWF_RETURN_IF_ERROR(temp.file->Sync());
    SWF_RETURN_IF_ERROR(temp.file->Close());
    SWF_RETURN_IF_ERROR(fs_.Rename(temp.path, output_path));
    Status synced = fs_.SyncDir(dir);
    if (!synced.ok()) {
      // Too late to leave FILE untouched: say what is true.
      return synced.WithContext(output_path + " is the new archive, but its directory could not be synced, so it "
                                "may not survive a crash");
    }
    return Status::Ok();
  }();
  if (!s.ok()) {
    temp.file.reset();
    (void)fs_.RemoveFile(temp.path);
    return s.WithContext("export of " + snapshot.samenwerking.samenwerking_id);
  }
  summary.documents_exported = plan.documents.size();
  summary.documents_withheld = plan.withheld;
  summary.payload_files = plan.payload_files;
  summary.payload_bytes = plan.payload_bytes;
  return summary;
}

}  // namespace swfvault
