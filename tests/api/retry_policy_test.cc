#include "swfvault/retry_policy.h"

#include <gtest/gtest.h>

#include "api/fake_transport.h"

namespace swfvault::testing {
namespace {

Status Http(int status) { return HttpErrorStatus(status, {}, "", "GET /x"); }

class FakeSleeper : public Sleeper {
 public:
  double NowSeconds() override { return now; }
  void SleepFor(double seconds) override {
    sleeps.push_back(seconds);
    now += seconds;
  }
  double now = 1000;
  std::vector<double> sleeps;
};

RetryPolicy FixedJitter(double u, RetryOptions options = {}) {
  return RetryPolicy(options, [u] { return u; });
}

struct RetryableCase {
  const char* name;
  Status status;
  bool retryable;
};

TEST(RetryPolicyTest, RetriesOnlyTransientFailures) {
  Status enospc = ErrnoStatus(ENOSPC, "/vault/tmp");
  const RetryableCase cases[] = {
      {"timeout", Unavailable("GET /x: Timeout was reached"), true},
      {"408", Http(408), true},
      {"429", Http(429), true},
      {"500", Http(500), true},
      {"502", Http(502), true},
      {"503", Http(503), true},
      {"504", Http(504), true},
      {"501", Http(501), false},
      {"505", Http(505), false},
      {"400", Http(400), false},
      {"401", Http(401), false},
      {"403", Http(403), false},
      {"404", Http(404), false},
      {"409", Http(409), false},
      {"413", Http(413), false},
      {"tls", Unauthenticated("SSL certificate problem"), false},
      {"enospc", enospc, false},
      {"corruption", Corruption("hash mismatch"), false},
  };
  for (const auto& c : cases) EXPECT_EQ(RetryPolicy::IsRetryable(c.status), c.retryable) << c.name;
}

TEST(RetryPolicyTest, HonoursRetryAfter) {
  Status s = Http(503);
  s.set_retry_after_seconds(42);
  RetryDecision d = FixedJitter(0.5).Decide(s, 1, 0);
  EXPECT_TRUE(d.retry);
  EXPECT_EQ(d.delay_seconds, 42);
}

// Less than a second waits a second; more than 15 minutes is more than a run waits: the item
// is not retried before the time the server gave (the next run comes back for it).
TEST(RetryPolicyTest, RetryAfterIsHonouredFromOneSecondUpToFifteenMinutes) {
  RetryOptions options;
  options.budget_seconds = 10000;
  Status low = Http(429);
  low.set_retry_after_seconds(0);
  Status longest = Http(429);
  longest.set_retry_after_seconds(900);
  Status high = Http(429);
  high.set_retry_after_seconds(86400);
  EXPECT_EQ(FixedJitter(0.5, options).Decide(low, 1, 0).delay_seconds, 1);
  EXPECT_EQ(FixedJitter(0.5, options).Decide(longest, 1, 0).delay_seconds, 900);
  RetryDecision beyond = FixedJitter(0.5, options).Decide(high, 1, 0);
  EXPECT_FALSE(beyond.retry);
  EXPECT_NE(beyond.reason.find("wait 86400 s"), std::string::npos) << beyond.reason;
}

TEST(RetryPolicyTest, BackoffDoublesWithFullJitter) {
  RetryOptions options;
  options.base_delay_seconds = 1;
  options.max_delay_seconds = 100;
  options.max_attempts = 10;
  struct Case {
    int attempts;
    double jitter;
    double delay;
  } cases[] = {{1, 0.5, 0.5}, {2, 0.5, 1}, {3, 0.5, 2}, {4, 0.25, 2}, {5, 0.0, 0}, {9, 0.999, 99.9}};
  for (const auto& c : cases) {
    RetryDecision d = FixedJitter(c.jitter, options).Decide(Http(503), c.attempts, 0);
    EXPECT_TRUE(d.retry) << c.attempts;
    EXPECT_NEAR(d.delay_seconds, c.delay, 1e-9) << c.attempts;
  }
}

TEST(RetryPolicyTest, StopsAfterMaxAttempts) {
  RetryOptions options;
  options.max_attempts = 3;
  EXPECT_TRUE(FixedJitter(0.5, options).Decide(Http(503), 2, 0).retry);
  EXPECT_FALSE(FixedJitter(0.5, options).Decide(Http(503), 3, 0).retry);
}

TEST(RetryPolicyTest, StopsWhenTheDelayWouldExceedTheBudget) {
  RetryOptions options;
  options.budget_seconds = 60;
  Status s = Http(429);
  s.set_retry_after_seconds(30);
  EXPECT_TRUE(FixedJitter(0.5, options).Decide(s, 1, 29).retry);
  EXPECT_FALSE(FixedJitter(0.5, options).Decide(s, 1, 31).retry);
}

TEST(RetryingTransportTest, RetriesA503ThenSucceedsWithoutRealSleeping) {
  FakeTransport inner;
  FakeResponse busy{503, {{"Retry-After", "2"}}, "", Status::Ok()};
  inner.Enqueue(busy);
  inner.Enqueue(busy);
  inner.Enqueue(FakeResponse{200, {}, "ok", Status::Ok()});
  FakeSleeper sleeper;
  RetryingTransport transport(inner, FixedJitter(0.5), sleeper);
  auto r = transport.Send(HttpRequest{.url = "https://h/x"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(inner.requests.size(), 3u);
  EXPECT_EQ(sleeper.sleeps, (std::vector<double>{2, 2}));
}

TEST(RetryingTransportTest, ClockSleeperAdvancesAFakeClock) {
  FakeTransport inner;
  inner.Enqueue(FakeResponse{429, {{"Retry-After", "30"}}, "", Status::Ok()});
  inner.Enqueue(FakeResponse{200, {}, "ok", Status::Ok()});
  FakeClock clock;
  int64_t start = clock.MonotonicMicros();
  ClockSleeper sleeper(clock);
  RetryingTransport transport(inner, FixedJitter(0.5), sleeper);
  ASSERT_TRUE(transport.Send(HttpRequest{.url = "https://h/x"}).ok());
  EXPECT_EQ(clock.MonotonicMicros() - start, 30'000'000);
}

TEST(StoppableSleeperTest, SleepsInShortStepsAndEndsTheWaitOnceAStopIsRequested) {
  FakeSleeper inner;
  StopFlag stop;
  StoppableSleeper sleeper(inner, stop);
  sleeper.SleepFor(0.35);
  ASSERT_EQ(inner.sleeps.size(), 4u);  // 0.1 + 0.1 + 0.1 + 0.05
  EXPECT_NEAR(inner.now - 1000, 0.35, 1e-9);

  // A Retry-After of 30 s: the stop arrives during the third step and the wait ends there.
  class StopsAfter : public Sleeper {
   public:
    StopsAfter(FakeSleeper& inner, StopFlag& stop) : inner_(inner), stop_(stop) {}
    double NowSeconds() override { return inner_.NowSeconds(); }
    void SleepFor(double s) override {
      inner_.SleepFor(s);
      if (inner_.sleeps.size() == 3) stop_.Request();
    }
    FakeSleeper& inner_;
    StopFlag& stop_;
  };
  FakeSleeper fresh;
  StopsAfter stopping(fresh, stop);
  StoppableSleeper waits(stopping, stop);
  FakeTransport transport_inner;
  transport_inner.Enqueue(FakeResponse{429, {{"Retry-After", "30"}}, "", Status::Ok()});
  transport_inner.Enqueue(FakeResponse{200, {}, "ok", Status::Ok()});
  RetryingTransport transport(transport_inner, FixedJitter(0.5), waits);
  ASSERT_TRUE(transport.Send(HttpRequest{.url = "https://h/x"}).ok());
  EXPECT_EQ(fresh.sleeps.size(), 3u);
  EXPECT_NEAR(fresh.now - 1000, 0.3, 1e-9);

  // Already requested: no wait at all.
  FakeSleeper idle;
  StoppableSleeper none(idle, stop);
  none.SleepFor(60);
  EXPECT_TRUE(idle.sleeps.empty());
}

TEST(RetryingTransportTest, DoesNotRetryA404) {
  FakeTransport inner;
  inner.Enqueue(FakeResponse{404, {}, "", Status::Ok()});
  FakeSleeper sleeper;
  RetryingTransport transport(inner, FixedJitter(0.5), sleeper);
  auto r = transport.Send(HttpRequest{.url = "https://h/x"});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(inner.requests.size(), 1u);
  EXPECT_TRUE(sleeper.sleeps.empty());
}

// A POST or PATCH is sent again only when the server says it did not act on it.
struct RepeatCase {
  const char* method;
  int http_status;  // 0: a transport failure (timeout, reset)
  bool repeated;
};

class RepeatTest : public ::testing::TestWithParam<RepeatCase> {};

TEST_P(RepeatTest, OnlyFailuresThatProveNothingHappenedRepeatAChange) {
  const RepeatCase& c = GetParam();
  FakeTransport inner;
  Status failure = c.http_status == 0 ? Unavailable("POST /x: Timeout was reached") : Status::Ok();
  inner.Enqueue(FakeResponse{c.http_status, {}, "", failure});
  inner.Enqueue(FakeResponse{200, {}, "ok", Status::Ok()});
  FakeSleeper sleeper;
  RetryingTransport transport(inner, FixedJitter(0.5), sleeper);
  auto r = transport.Send(HttpRequest{.method = c.method, .url = "https://h/x"});
  EXPECT_EQ(r.ok(), c.repeated) << r.status().ToString();
  EXPECT_EQ(inner.requests.size(), c.repeated ? 2u : 1u);
  EXPECT_EQ(RetryPolicy::MayRepeat(HttpRequest{.method = c.method}, c.http_status == 0 ? failure : Http(c.http_status)),
            c.repeated);
}

INSTANTIATE_TEST_SUITE_P(
    Methods, RepeatTest,
    ::testing::Values(RepeatCase{"GET", 0, true}, RepeatCase{"GET", 502, true}, RepeatCase{"DELETE", 504, true},
                      RepeatCase{"PUT", 500, true}, RepeatCase{"POST", 0, false}, RepeatCase{"POST", 500, false},
                      RepeatCase{"POST", 502, false}, RepeatCase{"POST", 504, false},
                      RepeatCase{"PATCH", 0, false}, RepeatCase{"PATCH", 502, false},
                      RepeatCase{"POST", 408, true}, RepeatCase{"POST", 429, true}, RepeatCase{"POST", 503, true},
                      RepeatCase{"PATCH", 503, true}),
    [](const ::testing::TestParamInfo<RepeatCase>& info) {
      return std::string(info.param.method) + "_" + std::to_string(info.param.http_status);
    });

// A DELETE whose answer was lost is repeated; the repeat's 404 means the first one did it.
TEST(RetryingTransportTest, ADeleteRepeatedAfterALostAnswerThatFindsNothingSucceeded) {
  FakeTransport inner;
  inner.Enqueue(FakeResponse{502, {}, "", Status::Ok()});
  inner.Enqueue(FakeResponse{404, {}, "", Status::Ok()});
  FakeSleeper sleeper;
  RetryingTransport transport(inner, FixedJitter(0.5), sleeper);
  auto r = transport.Send(HttpRequest{.method = "DELETE", .url = "https://h/documenten/D-1"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(inner.requests.size(), 2u);
}

TEST(RetryingTransportTest, A404IsStillAFailureWhenNoEarlierAttemptMayHaveActed) {
  struct Case {
    const char* method;
    int first;  // 0: no earlier failure
  };
  for (Case c : {Case{"DELETE", 0}, Case{"DELETE", 503}, Case{"DELETE", 429}, Case{"GET", 502}}) {
    FakeTransport inner;
    if (c.first != 0) inner.Enqueue(FakeResponse{c.first, {}, "", Status::Ok()});
    inner.Enqueue(FakeResponse{404, {}, "", Status::Ok()});
    FakeSleeper sleeper;
    RetryingTransport transport(inner, FixedJitter(0.5), sleeper);
    auto r = transport.Send(HttpRequest{.method = c.method, .url = "https://h/documenten/D-1"});
    EXPECT_EQ(r.status().code(), StatusCode::kNotFound) << c.method << " after " << c.first;
  }
}

TEST(RetryingTransportTest, BatchDoesNotRepeatAPostWhoseAnswerWasLost) {
  FakeTransport inner;
  inner.Enqueue(FakeResponse{502, {}, "", Status::Ok()});
  inner.Enqueue(FakeResponse{503, {}, "", Status::Ok()});
  inner.Enqueue(FakeResponse{201, {}, "ok", Status::Ok()});
  FakeSleeper sleeper;
  RetryingTransport transport(inner, FixedJitter(0.5), sleeper);
  std::vector<HttpRequest> batch;
  batch.push_back(HttpRequest{.method = "POST", .url = "https://h/a"});
  batch.push_back(HttpRequest{.method = "POST", .url = "https://h/b"});
  auto results = transport.RunBatch(std::move(batch), 1, nullptr);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status().http_status(), 502);  // stored or not: the caller must look
  EXPECT_TRUE(results[1].ok()) << results[1].status().ToString();  // refused: sent again
  EXPECT_EQ(inner.requests.size(), 3u);
}

TEST(RetryingTransportTest, DoesNotRetryTlsFailures) {
  FakeTransport inner;
  inner.Enqueue(FakeResponse{0, {}, "", Unauthenticated("certificate verify failed")});
  FakeSleeper sleeper;
  RetryingTransport transport(inner, FixedJitter(0.5), sleeper);
  EXPECT_EQ(transport.Send(HttpRequest{.url = "https://h/x"}).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(inner.requests.size(), 1u);
}

TEST(RetryingTransportTest, DoesNotReplayOnceTheSinkGotBytes) {
  // A transport whose transfer breaks after streaming part of the body.
  class BreaksMidBody : public FakeTransport {
   public:
    Result<HttpResponse> Send(HttpRequest request) override {
      ++calls;
      SWF_RETURN_IF_ERROR(request.on_body("partial"));
      return Unavailable("connection reset");
    }
    int calls = 0;
  } inner;
  FakeSleeper sleeper;
  RetryingTransport transport(inner, FixedJitter(0.5), sleeper);
  std::string got;
  HttpRequest request{.url = "https://h/x"};
  request.on_body = [&got](std::string_view c) {
    got += c;
    return Status::Ok();
  };
  EXPECT_EQ(transport.Send(request).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(inner.calls, 1);
  EXPECT_EQ(got, "partial");
}

TEST(RetryingTransportTest, BatchRetriesOnlyTheFailedItems) {
  FakeTransport inner;
  inner.Expect("GET", "https://h/a", FakeResponse{200, {}, "a", Status::Ok()});
  inner.Expect("GET", "https://h/b", FakeResponse{502, {}, "", Status::Ok()});
  inner.Expect("GET", "https://h/b", FakeResponse{200, {}, "b", Status::Ok()});
  inner.Expect("GET", "https://h/c", FakeResponse{403, {}, "", Status::Ok()});
  FakeSleeper sleeper;
  RetryingTransport transport(inner, FixedJitter(0.5), sleeper);
  std::vector<HttpRequest> batch = {{.url = "https://h/a"}, {.url = "https://h/b"}, {.url = "https://h/c"}};
  std::vector<size_t> done;
  auto results = transport.RunBatch(batch, 2, [&](size_t i, const Result<HttpResponse>&) { done.push_back(i); });
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]->body, "a");
  EXPECT_EQ(results[1]->body, "b");
  EXPECT_EQ(results[2].status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(inner.requests.size(), 4u);
  EXPECT_EQ(sleeper.sleeps.size(), 1u);
  EXPECT_EQ(done, (std::vector<size_t>{0, 2, 1}));
}

// An item's retry budget counts from its own first failure: a batch whose first requests take
// longer than the whole budget still retries the one that failed after them.
TEST(RetryingTransportTest, ABatchItemReachedLateStillHasItsWholeBudget) {
  FakeTransport inner;
  FakeSleeper sleeper;
  RetryOptions options;
  options.budget_seconds = 60;
  inner.Expect("GET", "https://h/slow", FakeResponse{200, {}, "slow", Status::Ok()});
  inner.Expect("GET", "https://h/b", FakeResponse{503, {{"Retry-After", "5"}}, "", Status::Ok()});
  inner.Expect("GET", "https://h/b", FakeResponse{200, {}, "b", Status::Ok()});
  inner.on_send = [&](const HttpRequest& r) {
    if (r.url == "https://h/slow") sleeper.now += 3600;  // an hour-long download
  };
  RetryingTransport transport(inner, FixedJitter(0.5, options), sleeper);
  std::vector<HttpRequest> batch = {{.url = "https://h/slow"}, {.url = "https://h/b"}};
  auto results = transport.RunBatch(batch, 1, nullptr);
  ASSERT_TRUE(results[1].ok()) << results[1].status().ToString();
  EXPECT_EQ(results[1]->body, "b");
  EXPECT_EQ(sleeper.sleeps, (std::vector<double>{5}));
  // Send as well: the budget starts at the first failure, not before the first try.
  inner.Expect("GET", "https://h/c", FakeResponse{503, {{"Retry-After", "5"}}, "", Status::Ok()});
  inner.Expect("GET", "https://h/c", FakeResponse{200, {}, "c", Status::Ok()});
  inner.on_send = [&](const HttpRequest&) {
    if (inner.requests.size() == 3) sleeper.now += 3600;  // the first try of c takes an hour
  };
  auto c = transport.Send(HttpRequest{.url = "https://h/c"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->body, "c");
}

// The longest Retry-After (15 min) fits the default budget: it is honoured, not given up on.
TEST(RetryPolicyTest, TheLongestRetryAfterFitsTheDefaultBudget) {
  Status s = Http(503);
  s.set_retry_after_seconds(900);
  RetryDecision d = FixedJitter(0.5).Decide(s, 1, 0);
  EXPECT_TRUE(d.retry) << d.reason;
  EXPECT_EQ(d.delay_seconds, 900);
}

}  // namespace
}  // namespace swfvault::testing
