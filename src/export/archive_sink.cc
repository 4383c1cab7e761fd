#include "export/archive_sink.h"

#include <archive.h>
#include <archive_entry.h>

namespace swfvault {
namespace {

la_ssize_t OnWrite(struct archive*, void* self, const void* buf, size_t n) {
  const bool ok = static_cast<ArchiveSink*>(self)->AcceptBytes({static_cast<const char*>(buf), n});
  return ok ? static_cast<la_ssize_t>(n) : -1;
}

struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

}  // namespace

Result<std::unique_ptr<ArchiveSink>> ArchiveSink::Open(ExportFormat format, WritableFile* out,
                                                       int64_t mtime_unix) {
  std::unique_ptr<ArchiveSink> sink(new ArchiveSink(out, mtime_unix));
  SWF_RETURN_IF_ERROR(sink->Setup(format));
  return sink;
}

ArchiveSink::~ArchiveSink() {
  if (a_ != nullptr) archive_write_free(a_);
}

Status ArchiveSink::Setup(ExportFormat format) {
  SWF_RETURN_IF_ERROR(utf8_.status());
  a_ = archive_write_new();
  if (a_ == nullptr) return Internal("archive_write_new failed");
  int rc = ARCHIVE_OK;
  // Names are always recorded as UTF-8, whatever the process locale.
  if (format == ExportFormat::kZip) {
    rc = archive_write_set_format_zip(a_);
    if (rc == ARCHIVE_OK) rc = archive_write_set_options(a_, "zip:hdrcharset=UTF-8");
  } else {
    rc = archive_write_set_format_pax_restricted(a_);
    if (rc == ARCHIVE_OK) rc = archive_write_set_options(a_, "pax:hdrcharset=UTF-8");
  }
  if (rc == ARCHIVE_OK && format == ExportFormat::kTarGz) {
    rc = archive_write_add_filter_gzip(a_);
    if (rc == ARCHIVE_OK) rc = archive_write_set_options(a_, "gzip:!timestamp");
  }
  // ARCHIVE_WARN means libarchive would shell out to an external zstd: not acceptable.
  if (rc == ARCHIVE_OK && format == ExportFormat::kTarZst) rc = archive_write_add_filter_zstd(a_);
  if (rc != ARCHIVE_OK) {
    return InvalidArgument("libarchive cannot write " + std::string(ExportFormatName(format)) +
                           ": " + (archive_error_string(a_) ? archive_error_string(a_) : "?"));
  }
  archive_write_set_bytes_per_block(a_, 64 * 1024);
  archive_write_set_bytes_in_last_block(a_, 1);
  if (archive_write_open2(a_, this, nullptr, &OnWrite, nullptr, nullptr) != ARCHIVE_OK) {
    return LibarchiveError("open", "");
  }
  return Status::Ok();
}

bool ArchiveSink::AcceptBytes(std::string_view data) {
  Status s = out_->Append(data);
  if (!s.ok()) {
    write_status_ = s;
    return false;
  }
  bytes_written_ += data.size();
  PaceWriteback(*out_, bytes_written_, &written_back_);
  return true;
}

Status ArchiveSink::LibarchiveError(std::string_view what, const std::string& path) {
  if (!write_status_.ok()) return write_status_.WithContext("writing archive entry " + path);
  const char* msg = archive_error_string(a_);
  return IoError("libarchive " + std::string(what) + " failed for '" + path + "': " + (msg ? msg : "?"));
}

Status ArchiveSink::WriteHeader(const std::string& path, bool directory, uint64_t size) {
  std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
  archive_entry_set_pathname_utf8(e.get(), directory ? (path + "/").c_str() : path.c_str());
  archive_entry_set_filetype(e.get(), directory ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(e.get(), directory ? 0755 : 0644);
  archive_entry_set_size(e.get(), directory ? 0 : static_cast<la_int64_t>(size));
  archive_entry_set_mtime(e.get(), static_cast<time_t>(mtime_), 0);
  archive_entry_set_uid(e.get(), 0);
  archive_entry_set_gid(e.get(), 0);
  if (archive_write_header(a_, e.get()) != ARCHIVE_OK) return LibarchiveError("header", path);
  return Status::Ok();
}

Status ArchiveSink::AddDirectory(const std::string& path) { return WriteHeader(path, true, 0); }

Status ArchiveSink::AddFile(const std::string& path, std::string_view content) {
  SWF_RETURN_IF_ERROR(BeginFile(path, content.size()));
  SWF_RETURN_IF_ERROR(Write(content));
  return EndFile();
}

Status ArchiveSink::BeginFile(const std::string& path, uint64_t size) {
  return WriteHeader(path, false, size);
}

Status ArchiveSink::Write(std::string_view data) {
  while (!data.empty()) {
    la_ssize_t n = archive_write_data(a_, data.data(), data.size());
    if (n <= 0) return LibarchiveError("write", "data");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status ArchiveSink::EndFile() {
  if (archive_write_finish_entry(a_) != ARCHIVE_OK) return LibarchiveError("finish entry", "");
  return Status::Ok();
}

Status ArchiveSink::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  if (archive_write_close(a_) != ARCHIVE_OK) return LibarchiveError("close", "");
  return write_status_;
}

}  // namespace swfvault
