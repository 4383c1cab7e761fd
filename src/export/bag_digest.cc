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

// One lane per digest: SHA-512 costs about 1.7x SHA-256, so on their own threads the two run
// side by side instead of one after the other.
struct DigestPipeline::State {
  struct Lane {
    const EVP_MD* md;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool busy = false;
    std::thread worker;
    explicit Lane(const EVP_MD* m) : md(m) { EVP_DigestInit_ex(ctx, md, nullptr); }
    ~Lane() { EVP_MD_CTX_free(ctx); }
  };

  std::mutex mu;
  std::condition_variable work_cv;  // the lanes wait here for a chunk
  std::condition_variable done_cv;  // the caller waits here for the lanes
  std::string_view pending;
  uint64_t generation = 0;  // bumped by every Submit
  bool stop = false;
  Lane lanes[2] = {Lane(EVP_sha256()), Lane(EVP_sha512())};

  void Loop(Lane& lane) {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      work_cv.wait(lock, [&] { return generation != seen || stop; });
      if (stop) return;
      seen = generation;
      std::string_view chunk = pending;
      lock.unlock();
      EVP_DigestUpdate(lane.ctx, chunk.data(), chunk.size());
      lock.lock();
      lane.busy = false;
      done_cv.notify_all();
    }
  }

  void WaitIdle(std::unique_lock<std::mutex>& lock) {
    done_cv.wait(lock, [this] { return !lanes[0].busy && !lanes[1].busy; });
  }
};

DigestPipeline::DigestPipeline() : state_(std::make_unique<State>()) {
  for (State::Lane& lane : state_->lanes) {
    lane.worker = std::thread([s = state_.get(), &lane] { s->Loop(lane); });
  }
}

DigestPipeline::~DigestPipeline() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stop = true;
  }
  state_->work_cv.notify_all();
  for (State::Lane& lane : state_->lanes) lane.worker.join();
}

void DigestPipeline::Wait() {
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->WaitIdle(lock);
}

void DigestPipeline::Submit(std::string_view chunk) {
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->WaitIdle(lock);
  state_->pending = chunk;
  for (State::Lane& lane : state_->lanes) lane.busy = true;
  ++state_->generation;
  state_->work_cv.notify_all();
}

DigestPair DigestPipeline::Finish() {
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->WaitIdle(lock);
  DigestPair out{FinishHex(state_->lanes[0].ctx), FinishHex(state_->lanes[1].ctx)};
  for (State::Lane& lane : state_->lanes) EVP_DigestInit_ex(lane.ctx, lane.md, nullptr);
  return out;
}

DigestPair DigestOf(std::string_view data) {
  BagDigest d;
  d.Update(data);
  return d.Finish();
}

std::string Sha512HexOf(std::string_view data) { return DigestOf(data).sha512; }

}  // namespace swfvault
