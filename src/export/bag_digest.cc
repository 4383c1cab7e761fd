#include "export/bag_digest.h"

#include <openssl/evp.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace swfvault {
namespace {

std::string Hex(const unsigned char* data, unsigned int len) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xF];
  }
  return out;
}

std::string FinishHex(EVP_MD_CTX* ctx) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  return Hex(md, len);
}

}  // namespace

struct BagDigest::State {
  EVP_MD_CTX* sha256 = EVP_MD_CTX_new();
  EVP_MD_CTX* sha512 = EVP_MD_CTX_new();
  ~State() {
    EVP_MD_CTX_free(sha256);
    EVP_MD_CTX_free(sha512);
  }
};

BagDigest::BagDigest() : state_(std::make_unique<State>()) {
  EVP_DigestInit_ex(state_->sha256, EVP_sha256(), nullptr);
  EVP_DigestInit_ex(state_->sha512, EVP_sha512(), nullptr);
}

BagDigest::~BagDigest() = default;

void BagDigest::Update(std::string_view data) {
  EVP_DigestUpdate(state_->sha256, data.data(), data.size());
  EVP_DigestUpdate(state_->sha512, data.data(), data.size());
}

DigestPair BagDigest::Finish() { return {FinishHex(state_->sha256), FinishHex(state_->sha512)}; }

struct DigestPipeline::State {
  std::mutex mu;
  std::condition_variable cv;
  std::string_view pending;
  bool busy = false;
  bool stop = false;
  std::unique_ptr<BagDigest> digest = std::make_unique<BagDigest>();
  std::thread worker;

  void Loop() {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      cv.wait(lock, [this] { return busy || stop; });
      if (!busy) return;
      std::string_view chunk = pending;
      lock.unlock();
      digest->Update(chunk);
      lock.lock();
      busy = false;
      cv.notify_all();
    }
  }
};

DigestPipeline::DigestPipeline() : state_(std::make_unique<State>()) {
  state_->worker = std::thread([s = state_.get()] { s->Loop(); });
}

DigestPipeline::~DigestPipeline() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stop = true;
  }
  state_->cv.notify_all();
  state_->worker.join();
}

void DigestPipeline::Wait() {
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->cv.wait(lock, [this] { return !state_->busy; });
}

void DigestPipeline::Submit(std::string_view chunk) {
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->cv.wait(lock, [this] { return !state_->busy; });
  state_->pending = chunk;
  state_->busy = true;
  state_->cv.notify_all();
}

DigestPair DigestPipeline::Finish() {
  Wait();
  DigestPair out = state_->digest->Finish();
  state_->digest = std::make_unique<BagDigest>();
  return out;
}

DigestPair DigestOf(std::string_view data) {
  BagDigest d;
  d.Update(data);
  return d.Finish();
}

std::string Sha512HexOf(std::string_view data) { return DigestOf(data).sha512; }

}  // namespace swfvault
