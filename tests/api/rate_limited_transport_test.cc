#include "swfvault/rate_limited_transport.h"

#include <gtest/gtest.h>

#include "fake_transport.h"

namespace swfvault {
namespace {

class FakeSleeper : public Sleeper {
 public:
  double NowSeconds() override { return now; }
  void SleepFor(double seconds) override {
    slept += seconds;
    now += seconds;
  }
  double now = 100;
  double slept = 0;
};

HttpRequest Get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

TEST(RateLimitedTransportTest, SendWaitsForItsSlot) {
  testing::FakeTransport inner;
  for (int i = 0; i < 5; ++i) inner.Expect("GET", "https://h/x", {200, {}, "{}"});
  FakeSleeper sleeper;
  RateLimitedTransport limited(inner, 2.0, sleeper);  // one request per 0.5 s
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limited.Send(Get("https://h/x")).ok());
  EXPECT_DOUBLE_EQ(sleeper.slept, 2.0);  // the first goes at once, four wait 0.5 s each
}

TEST(RateLimitedTransportTest, IdleTimeIsNotSavedUpForABurst) {
  testing::FakeTransport inner;
  for (int i = 0; i < 3; ++i) inner.Expect("GET", "https://h/x", {200, {}, "{}"});
  FakeSleeper sleeper;
  RateLimitedTransport limited(inner, 1.0, sleeper);
  ASSERT_TRUE(limited.Send(Get("https://h/x")).ok());
  sleeper.now += 60;  // a long pause
  ASSERT_TRUE(limited.Send(Get("https://h/x")).ok());
  ASSERT_TRUE(limited.Send(Get("https://h/x")).ok());
  EXPECT_DOUBLE_EQ(sleeper.slept, 1.0);
}

TEST(RateLimitedTransportTest, BatchStartsInOneSecondSlicesAndKeepsIndexes) {
  testing::FakeTransport inner;
  std::vector<HttpRequest> batch;
  for (int i = 0; i < 10; ++i) {
    std::string url = "https://h/d" + std::to_string(i);
    inner.Expect("GET", url, {200, {}, std::to_string(i)});
    batch.push_back(Get(url));
  }
  FakeSleeper sleeper;
  RateLimitedTransport limited(inner, 4.0, sleeper);
  std::vector<size_t> seen;
  auto results = limited.RunBatch(std::move(batch), 8, [&](size_t i, const Result<HttpResponse>& r) {
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->body, std::to_string(i));
    seen.push_back(i);
  });
  ASSERT_EQ(results.size(), 10u);
  for (size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i]->body, std::to_string(i));
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_DOUBLE_EQ(sleeper.slept, 2.0);  // slices of 4, 4 and 2: two waits of one second
}

}  // namespace
}  // namespace swfvault
