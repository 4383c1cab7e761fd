#include "export/bag_digest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "swfvault/thread_name.h"

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
// side by side instead of one after the other. Chunks wait in a ring of `depth` slots, so a
// lane that falls behind for a moment (the machine is busy writing the archive) does not stall
// the caller at once.
struct DigestPipeline::State {
  struct Lane {
    const EVP_MD* md;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    uint64_t done = 0;  // chunks this lane has hashed
    std::thread worker;
    explicit Lane(const EVP_MD* m) : md(m) { EVP_DigestInit_ex(ctx, md, nullptr); }
    ~Lane() { EVP_MD_CTX_free(ctx); }
  };

  explicit State(size_t d) : depth(std::max<size_t>(2, d)), ring(depth) {}

  const size_t depth;
  std::mutex mu;
  std::condition_variable work_cv;  // the lanes wait here for a chunk
  std::condition_variable done_cv;  // the caller waits here for the lanes
  std::vector<std::string_view> ring;
  uint64_t submitted = 0;  // chunks handed over so far; chunk n is in ring[n % depth]
  bool stop = false;
  Lane lanes[2] = {Lane(EVP_sha256()), Lane(EVP_sha512())};

  uint64_t Pending() const { return submitted - std::min(lanes[0].done, lanes[1].done); }
  void WaitDrained(std::unique_lock<std::mutex>& lock) {
    done_cv.wait(lock, [this] { return Pending() == 0; });
  }

  void Loop(Lane& lane) {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      work_cv.wait(lock, [&] { return lane.done < submitted || stop; });
      if (stop) return;
      std::string_view chunk = ring[lane.done % depth];
      lock.unlock();
      EVP_DigestUpdate(lane.ctx, chunk.data(), chunk.size());
      lock.lock();
      ++lane.done;
      done_cv.notify_all();
    }
  }
};

DigestPipeline::DigestPipeline(size_t depth) : state_(std::make_unique<State>(depth)) {
  for (State::Lane& lane : state_->lanes) {
    lane.worker = std::thread([s = state_.get(), &lane] {
      NameThisThread(lane.md == EVP_sha256() ? "swf-sha256" : "swf-sha512");
      s->Loop(lane);
    });
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
  state_->WaitDrained(lock);
}

void DigestPipeline::Submit(std::string_view chunk) {
  std::unique_lock<std::mutex> lock(state_->mu);
  // Afterwards at most depth - 1 chunks are pending, so the chunk submitted `depth` calls
  // before this one's successor is hashed: its buffer is free again.
  state_->done_cv.wait(lock, [this] { return state_->Pending() + 2 <= state_->depth; });
  state_->ring[state_->submitted % state_->depth] = chunk;
  ++state_->submitted;
  state_->work_cv.notify_all();
}

DigestPair DigestPipeline::Finish() {
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->WaitDrained(lock);
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
