#include "swfvault/rate_limited_transport.h"

#include <algorithm>
#include <cmath>

namespace swfvault {

void RateLimitedTransport::Acquire(size_t count) {
  double now = sleeper_.NowSeconds();
  if (next_free_ < now) next_free_ = now;  // unused capacity is not saved up
  if (next_free_ > now) sleeper_.SleepFor(next_free_ - now);
  next_free_ += interval_ * static_cast<double>(count);
}

Result<HttpResponse> RateLimitedTransport::Send(HttpRequest request) {
  Acquire(1);
  return inner_.Send(std::move(request));
}

std::vector<Result<HttpResponse>> RateLimitedTransport::RunBatch(
    std::vector<HttpRequest> requests, size_t max_parallel, const CompletionCallback& on_done) {
  size_t slice = std::max<size_t>(1, static_cast<size_t>(std::floor(1.0 / interval_)));
  std::vector<Result<HttpResponse>> results;
  results.reserve(requests.size());
  for (size_t start = 0; start < requests.size(); start += slice) {
    size_t end = std::min(requests.size(), start + slice);
    std::vector<HttpRequest> part(std::make_move_iterator(requests.begin() + static_cast<std::ptrdiff_t>(start)),
                                  std::make_move_iterator(requests.begin() + static_cast<std::ptrdiff_t>(end)));
    Acquire(end - start);
    auto shifted = [&on_done, start](size_t index, const Result<HttpResponse>& r) {
      if (on_done) on_done(start + index, r);
    };
    for (auto& r : inner_.RunBatch(std::move(part), max_parallel, shifted)) results.push_back(std::move(r));
  }
  return results;
}

}  // namespace swfvault
