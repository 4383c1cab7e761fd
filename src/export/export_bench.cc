// swfvault_export_bench: exports every regular file under a directory as one dossier, the way
// `swfvault export` would stream them from the store, and prints the time the export took.
// Used by scripts/bench-export.sh to compare with `tar -cf` over the same files.
//
//   swfvault_export_bench DIR OUTPUT [FORMAT]
//
// Hashing the inputs first (the vault knows its hashes already) is not timed.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "swfvault/archive_exporter.h"
#include "swfvault/archive_verifier.h"
#include "swfvault/hashing.h"

namespace {

using swfvault::Result;

// Objects by SHA-256, read from the benchmark's input files.
class FileBlobSource : public swfvault::BlobSource {
 public:
  explicit FileBlobSource(swfvault::FileSystem& fs) : fs_(fs) {}
  void Add(const std::string& sha256, const std::string& path) { paths_[sha256] = path; }
  Result<std::unique_ptr<swfvault::ReadableFile>> Open(const std::string& sha256) override {
    auto it = paths_.find(sha256);
    if (it == paths_.end()) return swfvault::NotFound("object " + sha256);
    return fs_.OpenForRead(it->second);
  }

 private:
  swfvault::FileSystem& fs_;
  std::map<std::string, std::string> paths_;
};

int Fail(const swfvault::Status& s) {
  std::fprintf(stderr, "export_bench: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DIR OUTPUT [tar|tar.gz|tar.zst|zip]\n", argv[0]);
    return 2;
  }
  swfvault::PosixFileSystem fs;
  FileBlobSource blobs(fs);
  swfvault::DossierSnapshot snapshot;
  snapshot.samenwerking.samenwerking_id = "SAM-BENCH";
  snapshot.source_naam = "bench";
  snapshot.as_of_unix = 1764331200;
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(argv[1])) {
    if (!e.is_regular_file()) continue;
    auto digest = swfvault::DigestFile(fs, e.path().string());
    if (!digest.ok()) return Fail(digest.status());
    swfvault::ExportDocument d;
    d.document.document_id = "doc-" + std::to_string(snapshot.documents.size());
    d.document.bestands_naam = e.path().filename().string();
    d.sha256 = digest->sha256;
    d.size = digest->size;
    blobs.Add(d.sha256, e.path().string());
    snapshot.documents.push_back(std::move(d));
    total += digest->size;
  }
  swfvault::ExportOptions options;
  options.no_mdto = true;
  options.software_version = "bench";
  if (argc > 3) {
    auto format = swfvault::ParseExportFormat(argv[3]);
    if (!format.ok()) return Fail(format.status());
    options.format = *format;
  }
  swfvault::ArchiveExporter exporter(fs, blobs);
  const auto start = std::chrono::steady_clock::now();
  auto summary = exporter.Export(snapshot, options, argv[2]);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!summary.ok()) return Fail(summary.status());
  std::printf("documents=%zu bytes=%llu seconds=%.3f MiB/s=%.1f\n", snapshot.documents.size(),
              static_cast<unsigned long long>(total), seconds, static_cast<double>(total) / (1 << 20) / seconds);
  return 0;
}
