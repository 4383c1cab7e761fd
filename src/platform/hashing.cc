#include "swfvault/hashing.h"

#include <openssl/evp.h>
#include <xxhash.h>

#include <cstdlib>
#include <vector>

namespace swfvault {
namespace {

std::string Hex(const unsigned char* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace

struct Sha256Hasher::State {
  EVP_MD_CTX* ctx = nullptr;
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256Hasher::Sha256Hasher() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  // Only allocation failure can make these fail; there is no sensible way to continue.
  if (state_->ctx == nullptr || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
}
Sha256Hasher::~Sha256Hasher() = default;
Sha256Hasher::Sha256Hasher(Sha256Hasher&&) noexcept = default;
Sha256Hasher& Sha256Hasher::operator=(Sha256Hasher&&) noexcept = default;

void Sha256Hasher::Update(std::string_view data) {
  EVP_DigestUpdate(state_->ctx, data.data(), data.size());
}

std::string Sha256Hasher::FinishHex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(state_->ctx, md, &len);
  return Hex(md, len);
}

struct Xxh3Hasher::State {
  XXH3_state_t* st = nullptr;
  ~State() { XXH3_freeState(st); }
};

Xxh3Hasher::Xxh3Hasher() : state_(std::make_unique<State>()) {
  state_->st = XXH3_createState();
  if (state_->st == nullptr || XXH3_128bits_reset(state_->st) != XXH_OK) std::abort();
}
Xxh3Hasher::~Xxh3Hasher() = default;
Xxh3Hasher::Xxh3Hasher(Xxh3Hasher&&) noexcept = default;
Xxh3Hasher& Xxh3Hasher::operator=(Xxh3Hasher&&) noexcept = default;

void Xxh3Hasher::Update(std::string_view data) {
  XXH3_128bits_update(state_->st, data.data(), data.size());
}

std::string Xxh3Hasher::FinishHex() {
  XXH128_canonical_t canon;
  XXH128_canonicalFromHash(&canon, XXH3_128bits_digest(state_->st));
  return Hex(canon.digest, sizeof canon.digest);
}

std::string Sha256Hex(std::string_view data) {
  Sha256Hasher h;
  h.Update(data);
  return h.FinishHex();
}

std::string Xxh3Hex(std::string_view data) {
  Xxh3Hasher h;
  h.Update(data);
  return h.FinishHex();
}

bool IsSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<FileDigest> DigestFile(FileSystem& fs, const std::string& path) {
  SWF_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  Sha256Hasher sha;
  Xxh3Hasher xxh;
  FileDigest out;
  std::vector<char> buf(64 * 1024);
  while (true) {
    SWF_ASSIGN_OR_RETURN(size_t n, file->Read(buf.data(), buf.size()));
    if (n == 0) break;
    sha.Update({buf.data(), n});
    xxh.Update({buf.data(), n});
    out.size += n;
  }
  out.sha256 = sha.FinishHex();
  out.xxh3 = xxh.FinishHex();
  return out;
}

}  // namespace swfvault
