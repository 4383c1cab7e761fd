// RateLimitedTransport: politeness toward the SWF service (issue 7). A Transport decorator
// that starts at most `requests_per_second` exchanges per second, on average, for one profile.
//
// Send() waits for its slot. RunBatch() starts its requests in slices of one second's worth,
// each slice running with the caller's parallelism, so a batch never bursts past the limit.
// Not thread-safe (like the transports it wraps); `inner` and `sleeper` are not owned.
#ifndef SWFVAULT_RATE_LIMITED_TRANSPORT_H_
#define SWFVAULT_RATE_LIMITED_TRANSPORT_H_

#include <vector>

#include "swfvault/retry_policy.h"
#include "swfvault/transport.h"

namespace swfvault {

class RateLimitedTransport : public Transport {
 public:
  // `requests_per_second` > 0.
  RateLimitedTransport(Transport& inner, double requests_per_second, Sleeper& sleeper)
      : inner_(inner), interval_(1.0 / requests_per_second), sleeper_(sleeper) {}

  Result<HttpResponse> Send(HttpRequest request) override;
  std::vector<Result<HttpResponse>> RunBatch(std::vector<HttpRequest> requests,
                                             size_t max_parallel,
                                             const CompletionCallback& on_done) override;

 private:
  // Waits until `count` more requests may start and books them.
  void Acquire(size_t count);

  Transport& inner_;
  double interval_;
  Sleeper& sleeper_;
  double next_free_ = -1;  // monotonic time the next request may start
};

}  // namespace swfvault

#endif  // SWFVAULT_RATE_LIMITED_TRANSPORT_H_
