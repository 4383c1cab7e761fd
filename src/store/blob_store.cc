#include "swfvault/blob_store.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

namespace swfvault {
namespace {

// A FilesIn filter: the names ending in `suffix`.
std::function<bool(std::string_view)> EndsWith(std::string_view suffix) {
  return [suffix](std::string_view name) { return name.ends_with(suffix); };
}

constexpr size_t kBufferSize = 64 * 1024;
constexpr size_t kWriteBuffer = 256 * 1024;
constexpr size_t kMaxWriteBuffers = 16;

struct StreamDigest {
  std::string hex;
  uint64_t size = 0;
};

// Streams a file through one hasher: SHA-256 when `full`, XXH3-128 otherwise.
Result<StreamDigest> HashFile(FileSystem& fs, const std::string& path, bool full) {
  SWF_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  Sha256Hasher sha;
  Xxh3Hasher xxh;
  std::vector<char> buf(kBufferSize);
  StreamDigest out;
  while (true) {
    SWF_ASSIGN_OR_RETURN(size_t n, file->Read(buf.data(), buf.size()));
    if (n == 0) break;
    if (full) {
      sha.Update({buf.data(), n});
    } else {
      xxh.Update({buf.data(), n});
    }
    out.size += n;
  }
  out.hex = full ? sha.FinishHex() : xxh.FinishHex();
  return out;
}

Status CheckName(std::string_view sha256) {
  if (IsSha256Hex(sha256)) return Status::Ok();
  return InvalidArgument("not a lowercase hex SHA-256: '" + std::string(sha256.substr(0, 80)) +
                         "'");
}

}  // namespace

// ---------------------------------------------------------------------------------------
// BlobWriter

BlobWriter::BlobWriter(BlobStore* store, std::string path, std::unique_ptr<WritableFile> file,
                       bool is_partial)
    : store_(store), path_(std::move(path)), file_(std::move(file)), is_partial_(is_partial) {}

BlobWriter::~BlobWriter() {
  if (!done_ && is_partial_ && file_ != nullptr) (void)WritePending();  // kept for the next run
  ReturnBuffer();
  file_.reset();
  if (!done_ && !is_partial_) (void)store_->fs_->RemoveFile(path_);
}

Status BlobWriter::Fail(Status st) {
  pending_ = 0;
  ReturnBuffer();
  file_.reset();
  if (!done_) (void)store_->fs_->RemoveFile(path_);  // the original error is what matters
  done_ = true;
  return st;
}

Status BlobWriter::Append(std::string_view chunk) {
  if (done_) return Internal("append to finished writer " + path_);
  sha_.Update(chunk);
  xxh_.Update(chunk);
  size_ += chunk.size();
  if (pending_ + chunk.size() > kWriteBuffer) SWF_RETURN_IF_ERROR(WritePending());
  // Held back when it is small and a buffer is free; written at once otherwise.
  if (chunk.size() < kWriteBuffer && buffer_ == nullptr) buffer_ = store_->TakeBuffer();
  if (chunk.size() < kWriteBuffer && buffer_ != nullptr) {
    std::memcpy(buffer_.get() + pending_, chunk.data(), chunk.size());
    pending_ += chunk.size();
  } else if (Status st = file_->Append(chunk); !st.ok()) {
    return Fail(st);
  }
  PaceWriteback(*file_, size_ - pending_, &written_back_);
  return Status::Ok();
}

Status BlobWriter::WritePending() {
  if (pending_ == 0) return Status::Ok();
  Status st = file_->Append(std::string_view(buffer_.get(), pending_));
  pending_ = 0;
  if (!st.ok()) return Fail(st);
  return Status::Ok();
}

void BlobWriter::ReturnBuffer() {
  if (buffer_ != nullptr) store_->GiveBack(std::move(buffer_));
}

Status BlobWriter::Flush() {
  if (done_) return Internal("flush of finished writer " + path_);
  Status st = WritePending();
  ReturnBuffer();
  return st;
}

Status BlobWriter::Discard() {
  file_.reset();
  if (done_) return Status::Ok();
  done_ = true;
  Status st = store_->fs_->RemoveFile(path_);
  return st.code() == StatusCode::kNotFound ? Status::Ok() : st;
}

Result<CommitResult> BlobWriter::Commit(std::string_view expected_sha256, uint64_t expected_size,
                                        const CommitOptions& options) {
  return std::move(store_->CommitGroup({{this, expected_sha256, expected_size}}, options).front());
}

Result<BlobRecord> BlobWriter::Check(std::string_view expected_sha256, uint64_t expected_size) {
  if (done_) return Internal("commit of finished writer " + path_);
  SWF_RETURN_IF_ERROR(Flush());
  if (Status st = CheckName(expected_sha256); !st.ok()) return Fail(st);
  BlobRecord actual{sha_.FinishHex(), xxh_.FinishHex(), size_};
  if (actual.sha256 != expected_sha256 || actual.size != expected_size) {
    return Quarantine(expected_sha256, expected_size, actual);
  }
  return actual;
}

Status BlobWriter::Quarantine(std::string_view expected_sha256, uint64_t expected_size,
                              const BlobRecord& actual) {
  file_.reset();
  // Named by what was promised and what came: a server that sends the same wrong bytes on
  // every run leaves one copy, not one per run.
  std::string target = JoinPath(store_->quarantine_dir(),
                                std::string(expected_sha256) + "-" + actual.sha256 + ".bad");
  std::string what = "expected sha256 " + std::string(expected_sha256) + " (" +
                     std::to_string(expected_size) + " bytes), got " + actual.sha256 + " (" +
                     std::to_string(actual.size) + " bytes)";
  Status moved = store_->fs_->RenameNoReplace(path_, target);
  if (moved.code() == StatusCode::kAlreadyExists) {
    (void)store_->fs_->RemoveFile(path_);
    (void)store_->fs_->MarkModifiedNow(target);  // gc's quarantine age counts from the last time
    done_ = true;
    quarantine_path_ = target;
    return Corruption(what + "; not published, the same bytes are already quarantined at " +
                      target);
  }
  if (!moved.ok()) return Fail(Corruption(what + "; not published, discarded"));
  (void)store_->fs_->MakeReadOnly(target);
  done_ = true;
  // The catalog records where the evidence is: it must still be there after a crash.
  if (Status synced = store_->fs_->SyncDir(store_->quarantine_dir()); !synced.ok()) {
    what += " (the quarantine directory could not be synced: " + synced.message() + ")";
  }
  quarantine_path_ = target;
  return Corruption(what + "; not published, quarantined at " + target);
}

Status BlobWriter::Seal() {
  Status st = file_->Close();
  if (!st.ok()) return Fail(st);
  file_.reset();
  st = store_->fs_->MakeReadOnly(path_);
  if (!st.ok()) return Fail(st);
  return Status::Ok();
}

Result<CommitResult> BlobWriter::Publish(const BlobRecord& blob, const CommitOptions& options) {
  FileSystem& fs = *store_->fs_;
  if (Status st = store_->EnsureShardDir(blob.sha256); !st.ok()) return Fail(st);
  std::string target = store_->ObjectPath(blob.sha256);
  Status st = fs.RenameNoReplace(path_, target);
  if (st.code() == StatusCode::kAlreadyExists) {
    auto existing = HashFile(fs, target, /*full=*/true);
    if (existing.ok() && existing->hex == blob.sha256 && existing->size == blob.size) {
      (void)Fail(Status::Ok());  // removes our redundant copy
      // The existing copy may itself still wait for its directory fsync: in this process (the
      // caller waits for it), or, left by a run that died before its fsync, in nobody's.
      if (store_->IsPendingDirSync(target)) {
        return CommitResult{blob, /*deduplicated=*/true, /*repaired=*/false, /*dir_sync_pending=*/true};
      }
      SWF_RETURN_IF_ERROR(fs.SyncDir(DirName(target)));
      return CommitResult{blob, /*deduplicated=*/true, /*repaired=*/false};
    }
    // The stored copy is damaged (or unreadable): our verified bytes replace it.
    st = fs.Rename(path_, target);
    if (!st.ok()) return Fail(st);
    done_ = true;
    st = fs.SyncDir(DirName(target));
    if (!st.ok()) {
      // Rule 4: not known to be on disk, so not left for a later commit to find, take for
      // good and sync again: it goes, and the next commit writes it anew.
      (void)fs.RemoveFile(target);
      return st.WithContext("fsync of object directory failed, repaired object discarded");
    }
    return CommitResult{blob, false, /*repaired=*/true};
  }
  if (!st.ok()) return Fail(st);
  done_ = true;
  if (options.defer_dir_sync) {
    store_->AddPendingDirSync(target);
    return CommitResult{blob, false, false, /*dir_sync_pending=*/true};
  }
  st = fs.SyncDir(DirName(target));
  if (!st.ok()) {
    // Not durable, and nothing recorded it yet: unpublish so the caller rewrites.
    (void)fs.RemoveFile(target);
    return st.WithContext("fsync of object directory failed, object discarded");
  }
  return CommitResult{blob, false, false};
}

// ---------------------------------------------------------------------------------------
// BlobStore

BlobStore::BlobStore(FileSystem* fs, Clock* clock, std::string vault_dir)
    : fs_(fs), clock_(clock), vault_dir_(std::move(vault_dir)) {}

std::unique_ptr<char[]> BlobStore::TakeBuffer() {
  std::lock_guard<std::mutex> lock(buffers_mu_);
  if (!spare_buffers_.empty()) {
    std::unique_ptr<char[]> buffer = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
    return buffer;
  }
  if (buffers_out_ >= kMaxWriteBuffers) return nullptr;
  ++buffers_out_;
  return std::make_unique_for_overwrite<char[]>(kWriteBuffer);
}

void BlobStore::GiveBack(std::unique_ptr<char[]> buffer) {
  std::lock_guard<std::mutex> lock(buffers_mu_);
  spare_buffers_.push_back(std::move(buffer));
}

Status BlobStore::Init() {
  for (const std::string& dir : {objects_dir(), tmp_dir(), partial_dir(), quarantine_dir()}) {
    SWF_RETURN_IF_ERROR(fs_->CreateDirs(dir));
  }
  return fs_->SyncDir(vault_dir_);
}

std::string BlobStore::ObjectPath(std::string_view sha256) const {
  return JoinPath(JoinPath(objects_dir(), sha256.substr(0, 2)), sha256);
}

std::string BlobStore::PartialName(std::string_view document_id, std::string_view etag) {
  std::string key(document_id);
  key.push_back('\0');
  key.append(etag);
  return Sha256Hex(key) + ".part";
}

std::string BlobStore::PartialPath(std::string_view document_id, std::string_view etag) const {
  return JoinPath(partial_dir(), PartialName(document_id, etag));
}

Status BlobStore::EnsureShardDir(std::string_view sha256) {
  std::string shard = DirName(ObjectPath(sha256));
  // One thread at a time: one that found the shard another had just made would put its object
  // there, and record it, before (or although) the objects directory was synced.
  std::lock_guard<std::mutex> lock(shards_mu_);
  auto st = fs_->Stat(shard);
  if (st.ok()) return Status::Ok();
  if (st.status().code() != StatusCode::kNotFound) return st.status();
  SWF_RETURN_IF_ERROR(fs_->CreateDirs(shard));
  Status synced = fs_->SyncDir(objects_dir());
  // Not known to be on disk: take it away again, so the next commit into it creates and syncs
  // it anew rather than finding it and taking it for durable (rule 4: never re-sync).
  if (!synced.ok()) (void)fs_->RemoveEmptyDir(shard);
  return synced;
}

std::vector<Result<CommitResult>> BlobStore::CommitGroup(const std::vector<PendingCommit>& items,
                                                         const CommitOptions& options) {
  std::vector<Result<BlobRecord>> checked;
  checked.reserve(items.size());
  std::vector<WritableFile*> files;
  for (const PendingCommit& item : items) {
    checked.push_back(item.writer->Check(item.expected_sha256, item.expected_size));
    if (checked.back().ok()) files.push_back(item.writer->file_.get());
  }
  // After a failed fsync the page cache may already have dropped the dirty pages, so a
  // second fsync could "succeed" over lost data: discard and let the caller rewrite.
  Status synced = files.empty() ? Status::Ok() : fs_->SyncFiles(files);
  std::vector<Result<CommitResult>> out;
  out.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (!checked[i].ok()) {  // quarantined or refused
      out.push_back(checked[i].status());
      continue;
    }
    BlobWriter& writer = *items[i].writer;
    if (!synced.ok()) {
      out.push_back(
          writer.Fail(synced.WithContext("fsync failed, bytes discarded; write them again")));
    } else if (Status sealed = writer.Seal(); !sealed.ok()) {
      out.push_back(sealed);
    } else {
      out.push_back(writer.Publish(*checked[i], options));
    }
  }
  return out;
}

Result<std::unique_ptr<BlobWriter>> BlobStore::BeginWrite() {
  SWF_ASSIGN_OR_RETURN(TempFile temp, fs_->CreateTemp(tmp_dir(), "blob-"));
  return std::unique_ptr<BlobWriter>(
      new BlobWriter(this, std::move(temp.path), std::move(temp.file), /*is_partial=*/false));
}

Result<std::unique_ptr<BlobWriter>> BlobStore::OpenPartial(std::string_view document_id,
                                                           std::string_view etag) {
  std::string path = PartialPath(document_id, etag);
  auto created = fs_->CreateExclusive(path);
  if (created.ok()) {
    return std::unique_ptr<BlobWriter>(
        new BlobWriter(this, path, std::move(created).value(), /*is_partial=*/true));
  }
  if (created.status().code() != StatusCode::kAlreadyExists) return created.status();
  std::unique_ptr<BlobWriter> writer(new BlobWriter(this, path, nullptr, /*is_partial=*/true));
  // Re-hash the prefix: the hashers must cover every byte that ends up in the object.
  SWF_ASSIGN_OR_RETURN(auto in, fs_->OpenForRead(path));
  std::vector<char> buf(kBufferSize);
  while (true) {
    SWF_ASSIGN_OR_RETURN(size_t n, in->Read(buf.data(), buf.size()));
    if (n == 0) break;
    writer->sha_.Update({buf.data(), n});
    writer->xxh_.Update({buf.data(), n});
    writer->size_ += n;
  }
  writer->resumed_from_ = writer->size_;
  SWF_ASSIGN_OR_RETURN(writer->file_, fs_->OpenForAppend(path));
  return writer;
}

Result<PartialStats> BlobStore::Partials() {
  return FilesIn(partial_dir(), EndsWith(".part"), false);
}

Result<PartialStats> BlobStore::RemovePartials() {
  return FilesIn(partial_dir(), EndsWith(".part"), true);
}

Result<PartialStats> BlobStore::Quarantined() {
  return FilesIn(quarantine_dir(), EndsWith(".bad"), false);
}

Result<PartialStats> BlobStore::FilesIn(const std::string& dir,
                                        const std::function<bool(std::string_view)>& wanted,
                                        bool remove) {
  PartialStats stats;
  Result<std::vector<std::string>> names = fs_->ListDir(dir);
  if (!names.ok()) {
    if (names.status().code() == StatusCode::kNotFound) return stats;
    return names.status();
  }
  for (const std::string& name : *names) {
    if (!wanted(name)) continue;
    std::string path = JoinPath(dir, name);
    Result<FileStat> st = fs_->Stat(path);
    if (!st.ok()) continue;  // finished or discarded meanwhile
    if (remove) SWF_RETURN_IF_ERROR(fs_->RemoveFile(path));
    ++stats.files;
    stats.bytes += st->size;
  }
  return stats;
}

Result<PartialStats> BlobStore::DiscardQuarantined(const std::set<std::string>& sha256s) {
  std::vector<std::pair<std::string, std::string>> names;  // "<sha>-" and "-<sha>.bad"
  for (const std::string& sha : sha256s) {
    if (!sha.empty()) names.emplace_back(sha + "-", "-" + sha + ".bad");
  }
  if (names.empty()) return PartialStats{};
  return FilesIn(
      quarantine_dir(),
      [&](std::string_view name) {
        return name.ends_with(".bad") &&
               std::any_of(names.begin(), names.end(), [&](const auto& n) {
                 return name.starts_with(n.first) || name.ends_with(n.second);
               });
      },
      /*remove=*/true);
}

Status BlobStore::DiscardPartial(std::string_view document_id, std::string_view etag) {
  return DiscardPartialFile(PartialName(document_id, etag));
}

Status BlobStore::DiscardPartialFile(std::string_view name) {
  if (!name.ends_with(".part") || !IsSha256Hex(name.substr(0, name.size() - 5))) {
    return InvalidArgument("not a partial download's name: '" + std::string(name) + "'");
  }
  Status st = fs_->RemoveFile(JoinPath(partial_dir(), name));
  return st.code() == StatusCode::kNotFound ? Status::Ok() : st;
}

Result<uint64_t> BlobStore::PartialSize(std::string_view document_id, std::string_view etag) {
  auto st = fs_->Stat(PartialPath(document_id, etag));
  if (st.ok()) return st->size;
  if (st.status().code() == StatusCode::kNotFound) return uint64_t{0};
  return st.status();
}

Result<bool> BlobStore::Has(std::string_view sha256) {
  SWF_RETURN_IF_ERROR(CheckName(sha256));
  auto st = fs_->Stat(ObjectPath(sha256));
  if (st.ok()) return st->is_regular;
  if (st.status().code() == StatusCode::kNotFound) return false;
  return st.status();
}

Result<std::unique_ptr<ReadableFile>> BlobStore::Open(std::string_view sha256) {
  SWF_RETURN_IF_ERROR(CheckName(sha256));
  return fs_->OpenForRead(ObjectPath(sha256));
}

Status BlobStore::Verify(const BlobRecord& recorded, VerifyMode mode) {
  SWF_RETURN_IF_ERROR(CheckName(recorded.sha256));
  bool full = mode == VerifyMode::kFull;
  SWF_ASSIGN_OR_RETURN(StreamDigest got, HashFile(*fs_, ObjectPath(recorded.sha256), full));
  const std::string& want = full ? recorded.sha256 : recorded.xxh3;
  if (got.size != recorded.size) {
    return Corruption("object " + recorded.sha256 + " has " + std::to_string(got.size) +
                      " bytes, catalog says " + std::to_string(recorded.size));
  }
  if (got.hex != want) {
    return Corruption("object " + recorded.sha256 + " fails " + (full ? "SHA-256" : "XXH3-128") +
                      " check (computed " + got.hex + ")");
  }
  return Status::Ok();
}

Result<std::vector<std::string>> BlobStore::ListObjects() {
  SWF_ASSIGN_OR_RETURN(std::vector<std::string> shards, fs_->ListDir(objects_dir()));
  std::vector<std::string> out;
  for (const std::string& shard : shards) {
    if (shard.size() != 2) continue;
    SWF_ASSIGN_OR_RETURN(std::vector<std::string> names,
                         fs_->ListDir(JoinPath(objects_dir(), shard)));
    for (std::string& name : names) {
      if (IsSha256Hex(name) && name.compare(0, 2, shard) == 0) out.push_back(std::move(name));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status BlobStore::RemoveObject(std::string_view sha256) {
  SWF_RETURN_IF_ERROR(CheckName(sha256));
  std::string path = ObjectPath(sha256);
  Status st = fs_->RemoveFile(path);
  if (st.code() == StatusCode::kNotFound) return Status::Ok();
  SWF_RETURN_IF_ERROR(st);
  return fs_->SyncDir(DirName(path));
}

Result<bool> BlobStore::MatchesName(std::string_view sha256) {
  SWF_RETURN_IF_ERROR(CheckName(sha256));
  SWF_ASSIGN_OR_RETURN(StreamDigest got, HashFile(*fs_, ObjectPath(sha256), /*full=*/true));
  return got.hex == sha256;
}

std::string BlobStore::QuarantinePathFor(std::string_view sha256) const {
  return JoinPath(quarantine_dir(), std::string(sha256) + "-" +
                                        std::to_string(clock_->NowUnixMicros()) + "-verify.bad");
}

Status BlobStore::QuarantineObject(std::string_view sha256, const std::string& target) {
  SWF_RETURN_IF_ERROR(CheckName(sha256));
  std::string path = ObjectPath(sha256);
  SWF_RETURN_IF_ERROR(fs_->RenameNoReplace(path, target));
  // Best effort both: evidence is read-only (whatever damaged it may have changed the mode),
  // and gc's quarantine age counts from now; at worst gc takes it sooner.
  (void)fs_->MakeReadOnly(target);
  (void)fs_->MarkModifiedNow(target);
  SWF_RETURN_IF_ERROR(fs_->SyncDir(quarantine_dir()));
  return fs_->SyncDir(DirName(path));
}

void BlobStore::AddPendingDirSync(const std::string& object_path) {
  std::lock_guard<std::mutex> lock(pending_mu_);
  pending_dir_syncs_[DirName(object_path)].push_back(object_path);
}

bool BlobStore::IsPendingDirSync(const std::string& object_path) {
  std::lock_guard<std::mutex> lock(pending_mu_);
  auto it = pending_dir_syncs_.find(DirName(object_path));
  if (it == pending_dir_syncs_.end()) return false;
  return std::find(it->second.begin(), it->second.end(), object_path) != it->second.end();
}

Status BlobStore::SyncPublishedDirs() {
  std::map<std::string, std::vector<std::string>> pending;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    pending.swap(pending_dir_syncs_);
  }
  if (pending.empty()) return Status::Ok();
  std::vector<std::string> dirs;
  dirs.reserve(pending.size());
  for (const auto& entry : pending) dirs.push_back(entry.first);
  Status st = fs_->SyncDirs(dirs);
  if (st.ok()) return st;
  // Which directories made it is unknown: none of these objects counts as durable.
  int discarded = 0;
  for (const auto& entry : pending) {
    for (const std::string& path : entry.second) {
      if (fs_->RemoveFile(path).ok()) ++discarded;
    }
  }
  // With its own code: a full or read-only disk ends the run as one (rule 4).
  return st.WithContext(std::to_string(discarded) +
                        " unsynced objects discarded, write them again");
}

Result<int> BlobStore::RemoveOlderThan(const std::string& dir, int64_t max_age_seconds,
                                       GcReport* report) {
  SWF_ASSIGN_OR_RETURN(std::vector<std::string> names, fs_->ListDir(dir));
  int64_t now = clock_->NowUnixSeconds();
  int removed = 0;
  for (const std::string& name : names) {
    std::string path = JoinPath(dir, name);
    auto st = fs_->Stat(path);
    // "At least max_age old", as gc counts orphan objects: a grace of 0 removes everything.
    if (!st.ok() || !st->is_regular || now - st->mtime_unix_seconds < max_age_seconds) continue;
    SWF_RETURN_IF_ERROR(fs_->RemoveFile(path));
    report->bytes_freed += st->size;
    ++removed;
  }
  return removed;
}

Result<GcReport> BlobStore::CollectGarbage(const GcOptions& options) {
  GcReport report;
  SWF_ASSIGN_OR_RETURN(report.temps_removed,
                       RemoveOlderThan(tmp_dir(), options.temp_grace_seconds, &report));
  if (options.partial_max_age_seconds >= 0) {
    SWF_ASSIGN_OR_RETURN(report.partials_removed,
                         RemoveOlderThan(partial_dir(), options.partial_max_age_seconds, &report));
  }
  if (options.quarantine_max_age_seconds >= 0) {
    SWF_ASSIGN_OR_RETURN(
        report.quarantined_removed,
        RemoveOlderThan(quarantine_dir(), options.quarantine_max_age_seconds, &report));
  }
  return report;
}

}  // namespace swfvault
