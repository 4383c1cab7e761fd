// RetryPolicy: when and how long to wait before repeating a failed SWF exchange
// (RELIABILITY rule 7), and RetryingTransport, a Transport decorator that applies it.
//
// The policy is pure: Decide() looks at a Status, the attempt count and the time spent, and
// returns whether to retry and after what delay. Only kUnavailable failures without an HTTP
// status (timeouts, resets) or with 408, 429, 500, 502, 503, 504 are retried. A server's
// Retry-After is honoured within [1 s, 15 min]: less than 1 s waits 1 s; more than 15 min is
// more than a run waits, so the item is not retried in this run (the next run asks again).
// Otherwise the delay is exponential backoff with full jitter. Nothing is retried once the per-item
// budget would be exceeded. Randomness and time come in through seams, so tests neither sleep nor
// guess. RetryPolicy is immutable after construction and safe to share between threads when its
// random source is.
#ifndef SWFVAULT_RETRY_POLICY_H_
#define SWFVAULT_RETRY_POLICY_H_

#include <functional>
#include <string>
#include <vector>

#include "swfvault/clock.h"
#include "swfvault/status.h"
#include "swfvault/transport.h"

namespace swfvault {

struct RetryOptions {
  int max_attempts = 6;             // total tries of one item, first one included
  double base_delay_seconds = 0.5;  // backoff cap for the first retry, doubled each time
  double max_delay_seconds = 60;    // backoff cap
  // Per item: time since its first failure + the next delay must stay within this. Room for
  // the longest Retry-After (15 min) and the backoff around it; the time an item waited for
  // its first try behind others (a long first pass) does not count.
  double budget_seconds = 1800;
  double min_retry_after_seconds = 1;
  double max_retry_after_seconds = 900;
};

struct RetryDecision {
  bool retry = false;
  double delay_seconds = 0;
  std::string reason{};  // why not, or where the delay came from; for logs
};

class RetryPolicy {
 public:
  // `uniform01` returns values in [0, 1); null = a default pseudo-random source.
  explicit RetryPolicy(RetryOptions options = {}, std::function<double()> uniform01 = nullptr);

  // True for the failures rule 7 allows to be retried at all.
  static bool IsRetryable(const Status& status);

  // Whether `request` may be sent again after `failure`. GET, HEAD, PUT and DELETE may (their
  // effect does not add up). POST and PATCH may only when the answer shows the server did not
  // act on them (408, 429, 503): after a timeout, a reset or a 500/502/504 the server may have
  // stored the upload or made the change, and sending it again would do it twice. Such a
  // failure goes back to the caller, who can look first (rule 8's reconciliation).
  static bool MayRepeat(const HttpRequest& request, const Status& failure);

  // False when `failure` shows the server did not act on the request (408: it gave up waiting
  // for it; 429 and 503: refused before doing anything); true otherwise (a timeout, a reset, a
  // 500/502/504: the work may have been done and only the answer lost).
  static bool MayHaveActed(const Status& failure);

  // `attempts` = tries made so far (>= 1), `elapsed_seconds` = time since the item's first
  // failure.
  RetryDecision Decide(const Status& failure, int attempts, double elapsed_seconds) const;

  const RetryOptions& options() const { return options_; }

 private:
  RetryOptions options_;
  std::function<double()> uniform01_;
};

// Time seam for code that waits: tests pass a fake that records sleeps and advances time.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual double NowSeconds() = 0;  // monotonic
  virtual void SleepFor(double seconds) = 0;
};

// The real Sleeper (steady_clock, std::this_thread::sleep_for). Process-wide, thread-safe.
Sleeper& RealSleeper();

// A Sleeper over the platform Clock (a FakeClock advances instead of sleeping). Does not own
// `clock`; as thread-safe as the clock.
class ClockSleeper : public Sleeper {
 public:
  explicit ClockSleeper(Clock& clock) : clock_(clock) {}
  double NowSeconds() override { return static_cast<double>(clock_.MonotonicMicros()) / 1e6; }
  void SleepFor(double seconds) override {
    if (seconds > 0) clock_.SleepForMicros(static_cast<int64_t>(seconds * 1e6));
  }

 private:
  Clock& clock_;
};

// A Sleeper whose waits end early once `stop` is requested (it looks every 0.1 s), so a long
// Retry-After or backoff does not hold up a stop. Does not own `inner` or `stop`; as
// thread-safe as `inner`.
class StoppableSleeper : public Sleeper {
 public:
  StoppableSleeper(Sleeper& inner, const StopFlag& stop) : inner_(inner), stop_(stop) {}
  double NowSeconds() override { return inner_.NowSeconds(); }
  void SleepFor(double seconds) override;

 private:
  Sleeper& inner_;
  const StopFlag& stop_;
};

// A Transport that retries what RetryPolicy allows. Send() retries a request only while it
// can be replayed: no BodySource (in-memory and file-backed multipart bodies are fine) and no
// byte yet delivered to its on_body sink. A DELETE repeated after a failure that may have
// acted (RetryPolicy::MayHaveActed) and then answered 404/410 succeeds with a 204: the first
// attempt removed what it named, and only its answer was lost. RunBatch() retries failed,
// replayable items in rounds, waiting the longest delay wanted by any of them. Does not own
// `inner` or `sleeper`. Same thread-safety as `inner`.
class RetryingTransport : public Transport {
 public:
  RetryingTransport(Transport& inner, RetryPolicy policy, Sleeper& sleeper)
      : inner_(inner), policy_(std::move(policy)), sleeper_(sleeper) {}

  Result<HttpResponse> Send(HttpRequest request) override;
  std::vector<Result<HttpResponse>> RunBatch(std::vector<HttpRequest> requests,
                                             size_t max_parallel,
                                             const CompletionCallback& on_done) override;

 private:
  Transport& inner_;
  RetryPolicy policy_;
  Sleeper& sleeper_;
};

}  // namespace swfvault

#endif  // SWFVAULT_RETRY_POLICY_H_
