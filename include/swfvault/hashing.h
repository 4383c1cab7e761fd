// Streaming content hashes: SHA-256 (the name of every object, checked against the
// server's documentHash) and XXH3-128 (kept beside it for fast re-checks).
//
// Feed bytes with Update() in any chunking; FinishHex() returns lowercase hex and resets
// nothing (call it once). Each hasher is movable, not copyable, and not thread-safe.
#ifndef SWFVAULT_HASHING_H_
#define SWFVAULT_HASHING_H_

#include <memory>
#include <string>
#include <string_view>

#include "swfvault/file_system.h"
#include "swfvault/status.h"

namespace swfvault {

class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(Sha256Hasher&&) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept;

  void Update(std::string_view data);
  // 64 lowercase hex characters.
  std::string FinishHex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

class Xxh3Hasher {
 public:
  Xxh3Hasher();
  ~Xxh3Hasher();
  Xxh3Hasher(Xxh3Hasher&&) noexcept;
  Xxh3Hasher& operator=(Xxh3Hasher&&) noexcept;

  void Update(std::string_view data);
  // 32 lowercase hex characters (high 64 bits first, as XXH128_canonicalFromHash).
  std::string FinishHex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// One-shot helpers.
std::string Sha256Hex(std::string_view data);
std::string Xxh3Hex(std::string_view data);

// True for exactly 64 lowercase hex digits.
bool IsSha256Hex(std::string_view s);

struct FileDigest {
  std::string sha256;
  std::string xxh3;
  uint64_t size = 0;
};

// Streams the file at `path` through both hashers with a fixed 64 KiB buffer.
// Codes: those of FileSystem::OpenForRead and ReadableFile::Read.
Result<FileDigest> DigestFile(FileSystem& fs, const std::string& path);

}  // namespace swfvault

#endif  // SWFVAULT_HASHING_H_
