#include "cli/vault_blob_source.h"

namespace swfvault {
namespace {

class StoppableFile : public ReadableFile {
 public:
  StoppableFile(std::unique_ptr<ReadableFile> inner, const StopFlag& stop)
      : inner_(std::move(inner)), stop_(stop) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (stop_.requested()) return StoppedOnRequest("reading the vault");
    return inner_->Read(buf, n);
  }

 private:
  std::unique_ptr<ReadableFile> inner_;
  const StopFlag& stop_;
};

}  // namespace

Result<std::unique_ptr<ReadableFile>> VaultBlobSource::Open(const std::string& sha256) {
  if (stop_ != nullptr && stop_->requested()) return StoppedOnRequest("reading the vault");
  Result<std::unique_ptr<ReadableFile>> file = store_.Open(sha256);
  if (!file.ok() && file.status().code() == StatusCode::kNotFound) {
    // The FileSystem message names a path under objects/; say which object is missing.
    return NotFound("object " + sha256 + " is missing from the vault's store");
  }
  if (!file.ok() || stop_ == nullptr) return file;
  return std::unique_ptr<ReadableFile>(std::make_unique<StoppableFile>(std::move(*file), *stop_));
}

}  // namespace swfvault
