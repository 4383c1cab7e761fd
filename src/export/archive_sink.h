// ArchiveSink: a deterministic libarchive writer. Every entry is built from scratch (never
// from stat): the given path, a fixed mtime, uid/gid 0, no user or group names, mode 0644 for
// files and 0755 for directories. tar is pax-restricted (no atime/ctime), gzip carries no
// timestamp or file name, zstd has none, zip times come out in UTC. Bytes go to a
// WritableFile the caller owns; the sink counts them.
// Not thread-safe; while a sink exists its thread runs in the C.UTF-8 locale (uselocale), so
// names are encoded the same whatever LC_ALL says.
#ifndef SWFVAULT_EXPORT_ARCHIVE_SINK_H_
#define SWFVAULT_EXPORT_ARCHIVE_SINK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "export/utf8_locale.h"
#include "swfvault/archive_exporter.h"
#include "swfvault/file_system.h"
#include "swfvault/status.h"

struct archive;

namespace swfvault {

class ArchiveSink {
 public:
  // `out` is borrowed and must outlive the sink. kInvalidArgument when libarchive lacks the
  // format or filter, kInternal on other libarchive setup failures.
  static Result<std::unique_ptr<ArchiveSink>> Open(ExportFormat format, WritableFile* out,
                                                   int64_t mtime_unix);
  ~ArchiveSink();
  ArchiveSink(const ArchiveSink&) = delete;
  ArchiveSink& operator=(const ArchiveSink&) = delete;

  // `path` is UTF-8 without a trailing slash. Entries must be added in the order wanted.
  Status AddDirectory(const std::string& path);
  Status AddFile(const std::string& path, std::string_view content);
  // Streams a file of exactly `size` bytes: BeginFile, Write..., EndFile.
  Status BeginFile(const std::string& path, uint64_t size);
  Status Write(std::string_view data);
  Status EndFile();
  // Flushes and ends the archive. Codes: the WritableFile's, or kIoError from libarchive.
  Status Close();

  uint64_t bytes_written() const { return bytes_written_; }
  // libarchive's write callback lands here: appends to the file and counts.
  // Returns false (and remembers why) when the file refuses the bytes.
  bool AcceptBytes(std::string_view data);

 private:
  ArchiveSink(WritableFile* out, int64_t mtime) : out_(out), mtime_(mtime) {}
  Status Setup(ExportFormat format);
  Status WriteHeader(const std::string& path, bool directory, uint64_t size);
  Status LibarchiveError(std::string_view what, const std::string& path);

  ScopedUtf8Locale utf8_;
  struct archive* a_ = nullptr;
  WritableFile* out_;
  int64_t mtime_;
  Status write_status_;
  uint64_t bytes_written_ = 0;
  uint64_t written_back_ = 0;  // see PaceWriteback
  bool closed_ = false;
};

}  // namespace swfvault

#endif  // SWFVAULT_EXPORT_ARCHIVE_SINK_H_
