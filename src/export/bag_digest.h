// BagDigest: SHA-256 and SHA-512 of one stream at once (the two BagIt manifests), via
// OpenSSL EVP. Feed bytes in any chunking, then call Finish() once. Not thread-safe.
#ifndef SWFVAULT_EXPORT_BAG_DIGEST_H_
#define SWFVAULT_EXPORT_BAG_DIGEST_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace swfvault {

struct DigestPair {
  std::string sha256;  // lowercase hex
  std::string sha512;  // lowercase hex
};

class BagDigest {
 public:
  BagDigest();
  ~BagDigest();
  BagDigest(const BagDigest&) = delete;
  BagDigest& operator=(const BagDigest&) = delete;

  void Update(std::string_view data);
  // Returns both digests; the object is spent afterwards.
  DigestPair Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// SHA-256 and SHA-512 of a stream computed on two helper threads (one per digest), so they
// overlap with each other and with the caller's own reading and writing. Submit() hands over
// a chunk the caller must leave untouched until `depth - 1` further Submit() calls have
// returned, or Wait()/Finish(): a caller cycling through `depth` buffers may refill each one
// as its turn comes. One caller thread at a time.
class DigestPipeline {
 public:
  explicit DigestPipeline(size_t depth = 2);
  ~DigestPipeline();
  DigestPipeline(const DigestPipeline&) = delete;
  DigestPipeline& operator=(const DigestPipeline&) = delete;

  // Waits until fewer than depth - 1 chunks are pending, then queues `chunk` for hashing.
  void Submit(std::string_view chunk);
  // Returns once every submitted chunk is hashed.
  void Wait();
  // Waits, returns the digests of everything submitted since the last Finish, and resets.
  DigestPair Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// One-shot helpers.
DigestPair DigestOf(std::string_view data);
std::string Sha512HexOf(std::string_view data);

}  // namespace swfvault

#endif  // SWFVAULT_EXPORT_BAG_DIGEST_H_
