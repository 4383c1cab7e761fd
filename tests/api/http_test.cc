#include "swfvault/http.h"

#include <gtest/gtest.h>

namespace swfvault::testing {
namespace {

using std::chrono::system_clock;

system_clock::time_point At(time_t t) { return system_clock::from_time_t(t); }
// Sun, 06 Nov 1994 08:49:37 GMT (the RFC 9110 example date).
constexpr time_t kRfcExample = 784111777;

TEST(RetryAfterTest, ParsesDeltaSeconds) {
  EXPECT_EQ(ParseRetryAfter("120", At(0)), 120.0);
  EXPECT_EQ(ParseRetryAfter("  7 ", At(0)), 7.0);
}

TEST(RetryAfterTest, ParsesImfFixdateRelativeToNow) {
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", At(kRfcExample - 30)), 30.0);
}

TEST(RetryAfterTest, ParsesObsoleteDateFormats) {
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", At(kRfcExample - 5)), 5.0);
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:37 1994", At(kRfcExample - 5)), 5.0);
}

TEST(RetryAfterTest, DateInThePastMeansNoWait) {
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", At(kRfcExample + 100)), 0.0);
}

TEST(RetryAfterTest, GarbageIsIgnored) {
  for (const char* junk : {"", "soon", "-5", "1.5", "12abc", "Sun, 06 Nov 1994"}) {
    EXPECT_FALSE(ParseRetryAfter(junk, At(0)).has_value()) << junk;
  }
}

TEST(RetryAfterTest, AHugeNumberOfSecondsIsAVeryLongWaitNotGarbage) {
  // Rule 7 clamps it to 15 minutes; as garbage it would fall back to sub-second backoff.
  for (const char* huge : {"3600000000", "99999999999"}) {
    std::optional<double> s = ParseRetryAfter(huge, At(0));
    ASSERT_TRUE(s.has_value()) << huge;
    EXPECT_GE(*s, 900) << huge;
  }
  EXPECT_EQ(ParseRetryAfter("000000000000000000005", At(0)), 5.0);
}

struct StatusCase {
  int http;
  StatusCode code;
};

TEST(HttpErrorStatusTest, MapsEachHttpStatusToItsCode) {
  const StatusCase cases[] = {
      {400, StatusCode::kInvalidArgument}, {401, StatusCode::kUnauthenticated},
      {403, StatusCode::kPermissionDenied}, {404, StatusCode::kNotFound},
      {408, StatusCode::kUnavailable},     {409, StatusCode::kConflict},
      {413, StatusCode::kResourceExhausted}, {415, StatusCode::kInvalidArgument},
      {416, StatusCode::kInvalidArgument}, {429, StatusCode::kUnavailable},
      {500, StatusCode::kUnavailable},     {502, StatusCode::kUnavailable},
      {503, StatusCode::kUnavailable},     {504, StatusCode::kUnavailable},
      {301, StatusCode::kInvalidArgument},
  };
  for (const auto& c : cases) {
    Status s = HttpErrorStatus(c.http, {}, "", "GET /x");
    EXPECT_EQ(s.code(), c.code) << c.http;
    EXPECT_EQ(s.http_status(), c.http);
  }
}

TEST(HttpErrorStatusTest, CarriesProblemDetailAndInvalidParams) {
  std::string body = R"({"type":"about:blank","title":"Bad Request","status":400,
      "detail":"verzoeknummer ontbreekt",
      "invalidParams":[{"name":"verzoeknummer","code":"required","reason":"is verplicht"}]})";
  Status s = HttpErrorStatus(400, {{"Content-Type", "application/problem+json"}}, body, "POST /samenwerkingen");
  EXPECT_NE(s.message().find("POST /samenwerkingen"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("verzoeknummer ontbreekt"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("verzoeknummer: is verplicht (required)"), std::string::npos) << s.message();
}

TEST(HttpErrorStatusTest, FallsBackToTitleWithoutDetail) {
  Status s = HttpErrorStatus(409, {}, R"({"title":"Ongeldige statusovergang"})", "PATCH /a");
  EXPECT_NE(s.message().find("Ongeldige statusovergang"), std::string::npos);
}

TEST(HttpErrorStatusTest, SetsRetryAfterFromHeader) {
  Status s = HttpErrorStatus(429, {{"retry-after", "3"}}, "", "GET /x");
  ASSERT_TRUE(s.retry_after_seconds().has_value());
  EXPECT_EQ(*s.retry_after_seconds(), 3.0);
}

TEST(HttpErrorStatusTest, IgnoresGarbageRetryAfter) {
  Status s = HttpErrorStatus(503, {{"Retry-After", "later please"}}, "", "GET /x");
  EXPECT_FALSE(s.retry_after_seconds().has_value());
}

TEST(HttpErrorStatusTest, PlainTextBodyIsCutAndFlattened) {
  Status s = HttpErrorStatus(502, {}, "bad\ngateway" + std::string(500, 'x'), "GET /x");
  EXPECT_EQ(s.message().find('\n'), std::string::npos);
  EXPECT_LT(s.message().size(), 300u);
}

TEST(FindHeaderTest, IsCaseInsensitive) {
  HttpHeaders h = {{"Content-Type", "a"}, {"ETag", "\"x\""}};
  EXPECT_EQ(FindHeader(h, "etag"), "\"x\"");
  EXPECT_FALSE(FindHeader(h, "Location").has_value());
}

TEST(UrlEncodeTest, EscapesReservedCharactersLikePlusInOffsets) {
  EXPECT_EQ(UrlEncode("2026-06-04T10:45:01.933+02:00"), "2026-06-04T10%3A45%3A01.933%2B02%3A00");
  EXPECT_EQ(UrlEncode("a b/c"), "a%20b%2Fc");
}

}  // namespace
}  // namespace swfvault::testing
