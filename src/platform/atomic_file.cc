#include "swfvault/atomic_file.h"

namespace swfvault {
namespace {

Status WriteAndSync(WritableFile& file, std::string_view contents) {
  SWF_RETURN_IF_ERROR(file.Append(contents));
  SWF_RETURN_IF_ERROR(file.Sync());
  return file.Close();
}

}  // namespace

Status WriteFileAtomically(FileSystem& fs, const std::string& path, std::string_view contents) {
  std::string dir = DirName(path);
  SWF_ASSIGN_OR_RETURN(TempFile temp, fs.CreateTemp(dir, ".atomic-"));
  Status st = WriteAndSync(*temp.file, contents);
  temp.file.reset();
  if (st.ok()) st = fs.Rename(temp.path, path);
  if (!st.ok()) {
    (void)fs.RemoveFile(temp.path);  // best effort; the original error is what matters
    return st.WithContext("atomic write of " + path);
  }
  return fs.SyncDir(dir);
}

Result<std::string> ReadSmallFile(FileSystem& fs, const std::string& path, size_t max_bytes) {
  SWF_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  std::string out;
  char buf[16 * 1024];
  while (true) {
    SWF_ASSIGN_OR_RETURN(size_t n, file->Read(buf, sizeof buf));
    if (n == 0) return out;
    if (out.size() + n > max_bytes) {
      return ResourceExhausted(path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, n);
  }
}

}  // namespace swfvault
