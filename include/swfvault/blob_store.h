// BlobStore: the vault's content-addressed object store. Every object lives at
// `<vault>/objects/<first two hex>/<sha256>`, read-only, named by a SHA-256 the store
// computed itself while the bytes streamed in (RELIABILITY rules 1, 2 and 4).
//
// Writing: BeginWrite() (fresh temp file in `tmp/`) or OpenPartial() (a resumable download
// in `partial/`, named after document id + ETag) returns a BlobWriter; Append() streams
// chunks through SHA-256 and XXH3-128; Commit(expected_sha256, expected_size) checks both,
// fsyncs, makes the file read-only, renames it into place without replacing, and fsyncs the
// directory. Nothing is visible under `objects/` before that rename. A mismatch is never
// published: the bytes move to `quarantine/` for the report and Commit returns kCorruption.
//
// Layout and naming are documented in docs/on-disk-format.md. Memory use is bounded: data
// is streamed with fixed 64 KiB buffers. Thread-safety: BlobStore methods may be called
// from several threads (they share only the FileSystem); a BlobWriter belongs to one thread.
#ifndef SWFVAULT_BLOB_STORE_H_
#define SWFVAULT_BLOB_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "swfvault/clock.h"
#include "swfvault/file_system.h"
#include "swfvault/hashing.h"
#include "swfvault/status.h"

namespace swfvault {

// What the catalog records about an object.
struct BlobRecord {
  std::string sha256;  // 64 lowercase hex: the object's name
  std::string xxh3;    // 32 lowercase hex XXH3-128, for fast re-checks
  uint64_t size = 0;
};

struct CommitResult {
  BlobRecord blob;
  bool deduplicated = false;  // the object already existed (verified) and was kept
  bool repaired = false;      // an existing object failed verification and was replaced
  bool dir_sync_pending = false;  // published, but durable only after SyncPublishedDirs()
};

struct CommitOptions {
  // Group commit: skip the per-object fsync of the shard directory and leave it to
  // BlobStore::SyncPublishedDirs(), which makes each touched directory durable once. The
  // caller must not record such objects in the catalog before that call returns Ok.
  bool defer_dir_sync = false;
};

enum class VerifyMode {
  kFast,  // size + XXH3-128 against the recorded value
  kFull,  // size + SHA-256 recomputed against the object's name
};

struct GcOptions {
  int64_t temp_grace_seconds = 24 * 3600;  // temps younger than this may belong to a writer
  int64_t partial_max_age_seconds = -1;    // < 0: keep partials whatever their age
  int64_t quarantine_max_age_seconds = -1; // < 0: keep quarantined files
};

struct GcReport {
  int temps_removed = 0;
  int partials_removed = 0;
  int quarantined_removed = 0;
  uint64_t bytes_freed = 0;
};

// Resumable downloads on disk: the `partial/*.part` files a later sync continues.
struct PartialStats {
  int files = 0;
  uint64_t bytes = 0;
};

class BlobStore;

// One object being written. Not thread-safe. Destroying an uncommitted writer removes a
// `tmp/` file but keeps a partial (so the next run can resume it); Discard() removes either.
class BlobWriter {
 public:
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  // Appends a chunk. On failure the file is removed and the writer is dead; the code is
  // kResourceExhausted for ENOSPC/EDQUOT, kPermissionDenied for EACCES, else kIoError.
  // Small chunks are held back and written together (up to 256 KiB at a time).
  Status Append(std::string_view chunk);

  // Writes what Append held back and frees the buffer. Call it once the last chunk is in:
  // Commit and a destroyed partial do it too, but a writer waiting for its commit should not
  // hold the memory. Fails like Append.
  Status Flush();

  // Publishes the object. Codes: kCorruption (size or SHA-256 differs from what was
  // promised; see quarantine_path()), kInvalidArgument (expected_sha256 is not 64 lowercase
  // hex; nothing kept), kIoError (fsync failed: the bytes were discarded, write them again;
  // never retry the fsync), kResourceExhausted, kPermissionDenied, kInternal (dead writer).
  Result<CommitResult> Commit(std::string_view expected_sha256, uint64_t expected_size,
                              const CommitOptions& options = {});

  // Removes the file being written. Ok when already gone.
  Status Discard();

  // Bytes in the object so far (after a resume: including the re-hashed prefix).
  uint64_t size() const { return size_; }
  // Bytes found on disk when a partial was reopened (0 for fresh writes).
  uint64_t resumed_from() const { return resumed_from_; }
  const std::string& path() const { return path_; }
  // Where a mismatching download was moved by Commit ("" when none).
  const std::string& quarantine_path() const { return quarantine_path_; }

 private:
  friend class BlobStore;
  BlobWriter(BlobStore* store, std::string path, std::unique_ptr<WritableFile> file,
             bool is_partial);

  Status Fail(Status st);
  Status WritePending();
  void ReturnBuffer();
  // Commit's first step: the bytes against what was promised. A mismatch is quarantined.
  Result<BlobRecord> Check(std::string_view expected_sha256, uint64_t expected_size);
  Status Quarantine(std::string_view expected_sha256, uint64_t expected_size,
                    const BlobRecord& actual);
  // After the file was synced: close it and make it read-only.
  Status Seal();
  Result<CommitResult> Publish(const BlobRecord& blob, const CommitOptions& options);

  BlobStore* store_;
  std::string path_;
  std::unique_ptr<WritableFile> file_;
  bool is_partial_;
  bool done_ = false;  // committed, discarded or failed: nothing left to clean up
  uint64_t size_ = 0;
  // Chunks arrive as TLS records (16 KiB); they go to the file in 256 KiB writes, a sixteenth
  // of the system calls and of the per-write filesystem work. A partial writes them out when
  // its writer is destroyed; a kill loses them like bytes still in the socket. The buffer is
  // the store's (TakeBuffer), held from the first small chunk to Flush.
  std::unique_ptr<char[]> buffer_;
  size_t pending_ = 0;  // bytes held in buffer_
  uint64_t written_back_ = 0;  // bytes whose writeback was started (see Append)
  uint64_t resumed_from_ = 0;
  Sha256Hasher sha_;
  Xxh3Hasher xxh_;
  std::string quarantine_path_;
};

// One finished writer and what the server promised for it (see BlobStore::CommitGroup).
struct PendingCommit {
  BlobWriter* writer = nullptr;
  std::string_view expected_sha256;
  uint64_t expected_size = 0;
};

class BlobStore {
 public:
  // `fs` and `clock` are not owned and must outlive the store and its writers.
  BlobStore(FileSystem* fs, Clock* clock, std::string vault_dir);

  // Creates objects/, tmp/, partial/ and quarantine/ (mode 0700) when missing.
  Status Init();

  // A new object written to a fresh temp file in tmp/.
  Result<std::unique_ptr<BlobWriter>> BeginWrite();
  // The resumable download of (document_id, etag): created empty when absent, otherwise
  // reopened for appending after re-hashing the bytes already there (writer->size()).
  Result<std::unique_ptr<BlobWriter>> OpenPartial(std::string_view document_id,
                                                  std::string_view etag);
  // Commit() for several writers at once, one result per item in order. Each is checked
  // first (a mismatch is quarantined, as Commit does); the good ones are then made durable
  // together by one FileSystem::SyncFiles (one syncfs for a larger group instead of one
  // device flush per object) and only then renamed into place. If that sync fails, every
  // good one gets kIoError and its bytes are discarded: write them again.
  std::vector<Result<CommitResult>> CommitGroup(const std::vector<PendingCommit>& items,
                                                const CommitOptions& options = {});
  // Removes that partial (ok when absent), e.g. after a 416 or a changed ETag.
  Status DiscardPartial(std::string_view document_id, std::string_view etag);
  // Removes partial/<name> (a journaled partial's file name; only "<hex>.part" names are
  // taken). Ok when it is not there.
  Status DiscardPartialFile(std::string_view name);
  // Bytes already in that partial (0 when absent).
  Result<uint64_t> PartialSize(std::string_view document_id, std::string_view etag);
  // Every partial download on disk (what `status` reports as resumable).
  Result<PartialStats> Partials();
  // The `.bad` files in quarantine/ (rejected downloads, objects that failed verify).
  Result<PartialStats> Quarantined();
  // Removes the quarantined files of each of `sha256s` (empty ones ignored), in one listing of
  // quarantine/: downloads promised as it (`<sha256>-<received>.bad`), received as it
  // (`<promised>-<sha256>.bad`) and the object moved aside by verify
  // (`<sha256>-<micros>-verify.bad`): what a vault withholding that content may not keep either.
  // Returns what was removed.
  Result<PartialStats> DiscardQuarantined(const std::set<std::string>& sha256s);
  // Removes every partial download; returns what was removed. The caller knows none is needed.
  Result<PartialStats> RemovePartials();

  // Whether the object exists. kInvalidArgument for a malformed name.
  Result<bool> Has(std::string_view sha256);
  // Opens the object for streaming out. kNotFound when absent.
  Result<std::unique_ptr<ReadableFile>> Open(std::string_view sha256);
  // Re-checks an object. Ok, kCorruption (names the object), kNotFound.
  Status Verify(const BlobRecord& recorded, VerifyMode mode);
  // SHA-256 names of every object, sorted.
  Result<std::vector<std::string>> ListObjects();
  // Deletes an object (a document withheld after its label was raised). Ok when absent.
  Status RemoveObject(std::string_view sha256);
  // Whether the object's bytes still hash to its name (full SHA-256, whatever the catalog
  // says of its size or XXH3). kNotFound when absent.
  Result<bool> MatchesName(std::string_view sha256);
  // Where QuarantineObject puts it: quarantine/<sha256>-<unix-micros>-verify.bad.
  std::string QuarantinePathFor(std::string_view sha256) const;
  // Moves a damaged object out of objects/ to `target` (kept for inspection, as git-annex
  // fsck keeps bad content), so a sync fetches it again; it is made read-only and its times
  // are set to now, so gc's quarantine age counts from the move. kNotFound when absent. A failure
  // after the rename (a directory sync) is reported, but the object has moved: check Has().
  Status QuarantineObject(std::string_view sha256, const std::string& target);
  // Makes every shard directory that received an object committed with defer_dir_sync since
  // the last call durable, in one FileSystem::SyncDirs (one syncfs for a group spread over
  // many shards). If that fails, every pending object is removed again (none is known to be
  // durable and nothing recorded them) and kIoError says how many; the caller writes them
  // again. Ok when nothing is pending.
  Status SyncPublishedDirs();
  // Removes old orphans: temps at least the grace period old, and partials / quarantined
  // files at least their max age old when one is set (0 removes them all).
  Result<GcReport> CollectGarbage(const GcOptions& options);

  std::string ObjectPath(std::string_view sha256) const;
  std::string PartialPath(std::string_view document_id, std::string_view etag) const;
  // Stable file name of a partial: hex SHA-256 of document id, NUL, ETag, plus ".part".
  static std::string PartialName(std::string_view document_id, std::string_view etag);

  const std::string& vault_dir() const { return vault_dir_; }
  std::string objects_dir() const { return JoinPath(vault_dir_, "objects"); }
  std::string tmp_dir() const { return JoinPath(vault_dir_, "tmp"); }
  std::string partial_dir() const { return JoinPath(vault_dir_, "partial"); }
  std::string quarantine_dir() const { return JoinPath(vault_dir_, "quarantine"); }

 private:
  friend class BlobWriter;
  Status EnsureShardDir(std::string_view sha256);
  Result<int> RemoveOlderThan(const std::string& dir, int64_t max_age_seconds, GcReport* report);
  // The files of `dir` whose names are `wanted` (count and bytes), removed first when `remove`.
  Result<PartialStats> FilesIn(const std::string& dir,
                               const std::function<bool(std::string_view)>& wanted, bool remove);

  void AddPendingDirSync(const std::string& object_path);
  bool IsPendingDirSync(const std::string& object_path);

  FileSystem* fs_;
  Clock* clock_;
  std::string vault_dir_;
  std::mutex pending_mu_;
  std::map<std::string, std::vector<std::string>> pending_dir_syncs_;  // dir -> objects
  // Held while a shard directory is looked for, made and synced: a shard another thread has
  // made but not yet synced is not there for an object to go into.
  std::mutex shards_mu_;
  // Write buffers, reused from writer to writer. At most kMaxWriteBuffers exist (4 MiB): when
  // all are taken (many finished downloads waiting for their commit), TakeBuffer returns null
  // and the writer writes its chunks as they come.
  std::unique_ptr<char[]> TakeBuffer();
  void GiveBack(std::unique_ptr<char[]> buffer);
  std::mutex buffers_mu_;
  std::vector<std::unique_ptr<char[]>> spare_buffers_;
  size_t buffers_out_ = 0;
};

}  // namespace swfvault

#endif  // SWFVAULT_BLOB_STORE_H_
