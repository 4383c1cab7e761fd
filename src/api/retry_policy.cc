#include "swfvault/retry_policy.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <thread>

namespace swfvault {
namespace {

class SteadySleeper : public Sleeper {
 public:
  double NowSeconds() override {
    auto now = std::chrono::steady_clock::now().time_since_epoch();
    return std::chrono::duration<double>(now).count();
  }
  void SleepFor(double seconds) override {
    if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }
};

std::function<double()> DefaultUniform() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto mu = std::make_shared<std::mutex>();
  return [engine, mu] {
    std::lock_guard<std::mutex> lock(*mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
  };
}

// Wraps the request's sink so the caller learns whether any byte reached it.
HttpRequest Replayable(const HttpRequest& request, std::shared_ptr<bool> delivered) {
  HttpRequest copy = request;
  if (copy.on_body) {
    copy.on_body = [sink = request.on_body, delivered](std::string_view chunk) {
      *delivered = true;
      return sink(chunk);
    };
  }
  return copy;
}

}  // namespace

RetryPolicy::RetryPolicy(RetryOptions options, std::function<double()> uniform01)
    : options_(options), uniform01_(uniform01 ? std::move(uniform01) : DefaultUniform()) {}

bool RetryPolicy::IsRetryable(const Status& status) {
  if (status.code() != StatusCode::kUnavailable) return false;
  switch (status.http_status()) {
    case 0:  // timeouts, refused or reset connections
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

bool RetryPolicy::MayRepeat(const HttpRequest& request, const Status& failure) {
  if (request.body_source) return false;  // a streamed body cannot be replayed
  if (request.method != "POST" && request.method != "PATCH") return true;
  return !MayHaveActed(failure);
}

RetryDecision RetryPolicy::Decide(const Status& failure, int attempts, double elapsed_seconds) const {
  if (!IsRetryable(failure)) return {false, 0, "not retryable: " + std::string(StatusCodeName(failure.code()))};
  if (attempts >= options_.max_attempts) return {false, 0, "attempts exhausted"};
  RetryDecision decision{true, 0, ""};
  if (auto server = failure.retry_after_seconds()) {
    if (*server > options_.max_retry_after_seconds) {
      // More than a run waits; asking again sooner within it would ignore the server. The item
      // ends here ("retry later") and the next scheduled run comes back for it.
      return {false, *server,
              "the server asks to wait " + std::to_string(static_cast<int64_t>(*server)) +
                  " s, more than a run waits (" +
                  std::to_string(static_cast<int64_t>(options_.max_retry_after_seconds)) + " s)"};
    }
    decision.delay_seconds = std::max(*server, options_.min_retry_after_seconds);
    decision.reason = "Retry-After";
  } else {
    double cap = options_.base_delay_seconds * std::pow(2.0, std::max(0, attempts - 1));
    cap = std::min(cap, options_.max_delay_seconds);
    decision.delay_seconds = cap * uniform01_();  // full jitter
    decision.reason = "backoff";
  }
  if (elapsed_seconds + decision.delay_seconds > options_.budget_seconds) {
    return {false, decision.delay_seconds, "retry budget exhausted"};
  }
  return decision;
}

Sleeper& RealSleeper() {
  static SteadySleeper sleeper;
  return sleeper;
}

void StoppableSleeper::SleepFor(double seconds) {
  const double end = inner_.NowSeconds() + seconds;
  while (!stop_.requested()) {
    double left = end - inner_.NowSeconds();
    if (left <= 0) return;
    inner_.SleepFor(std::min(left, 0.1));
  }
}

bool RetryPolicy::MayHaveActed(const Status& failure) {
  switch (failure.http_status()) {
    case 408:
    case 429:
    case 503:
      return false;
    default:
      return true;
  }
}

Result<HttpResponse> RetryingTransport::Send(HttpRequest request) {
  double first_failure = -1;
  bool may_have_acted = false;  // an earlier attempt failed in a way that leaves it open
  for (int attempt = 1;; ++attempt) {
    auto delivered = std::make_shared<bool>(false);
    Result<HttpResponse> result = inner_.Send(Replayable(request, delivered));
    if (!result.ok() && result.status().code() == StatusCode::kNotFound && may_have_acted &&
        request.method == "DELETE") {
      // The earlier DELETE did its work and its answer was lost: what was asked for is done.
      HttpResponse done;
      done.status = 204;
      return done;
    }
    if (result.ok() || *delivered || !RetryPolicy::MayRepeat(request, result.status())) return result;
    may_have_acted = may_have_acted || RetryPolicy::MayHaveActed(result.status());
    const double now = sleeper_.NowSeconds();
    if (first_failure < 0) first_failure = now;
    RetryDecision d = policy_.Decide(result.status(), attempt, now - first_failure);
    if (!d.retry) return result;
    sleeper_.SleepFor(d.delay_seconds);
  }
}

std::vector<Result<HttpResponse>> RetryingTransport::RunBatch(std::vector<HttpRequest> requests,
                                                              size_t max_parallel,
                                                              const CompletionCallback& on_done) {
  std::vector<std::optional<Result<HttpResponse>>> outcomes(requests.size());
  std::vector<int> attempts(requests.size(), 0);
  // Each request's budget counts from its own first failure: in a long batch the last ones
  // start late, and that wait is not time spent retrying them.
  std::vector<double> first_failure(requests.size(), -1);
  std::vector<size_t> pending(requests.size());
  for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  while (!pending.empty()) {
    std::vector<HttpRequest> round;
    std::vector<std::shared_ptr<bool>> delivered;
    for (size_t i : pending) {
      delivered.push_back(std::make_shared<bool>(false));
      round.push_back(Replayable(requests[i], delivered.back()));
    }
    std::vector<size_t> retry;
    double delay = 0;
    auto on_round_done = [&](size_t k, const Result<HttpResponse>& r) {
      size_t i = pending[k];
      ++attempts[i];
      if (!r.ok() && !*delivered[k] && RetryPolicy::MayRepeat(requests[i], r.status())) {
        const double now = sleeper_.NowSeconds();
        if (first_failure[i] < 0) first_failure[i] = now;
        RetryDecision d = policy_.Decide(r.status(), attempts[i], now - first_failure[i]);
        if (d.retry) {
          retry.push_back(i);
          delay = std::max(delay, d.delay_seconds);
          return;
        }
      }
      if (on_done) on_done(i, r);
    };
    auto results = inner_.RunBatch(std::move(round), max_parallel, on_round_done);
    for (size_t k = 0; k < results.size(); ++k) {
      size_t i = pending[k];
      if (std::find(retry.begin(), retry.end(), i) == retry.end()) outcomes[i] = std::move(results[k]);
    }
    std::sort(retry.begin(), retry.end());
    pending = std::move(retry);
    if (!pending.empty()) sleeper_.SleepFor(delay);
  }
  std::vector<Result<HttpResponse>> out;
  out.reserve(outcomes.size());
  for (auto& r : outcomes) out.push_back(std::move(*r));
  return out;
}

}  // namespace swfvault
