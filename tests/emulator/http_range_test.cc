#include "emulator/http_range.h"

#include <gtest/gtest.h>

namespace swfvault::testing {
namespace {

const char* kEtag = "\"abc\"";

TEST(HttpRangeTest, NoRangeServesFull) {
  EXPECT_EQ(DecideRange("", "", kEtag, 100).outcome, RangeOutcome::kFull);
}

TEST(HttpRangeTest, FirstByte) {
  RangeDecision d = DecideRange("bytes=0-0", "", kEtag, 100);
  EXPECT_EQ(d.outcome, RangeOutcome::kPartial);
  EXPECT_EQ(d.first, 0u);
  EXPECT_EQ(d.last, 0u);
}

TEST(HttpRangeTest, LastByte) {
  RangeDecision d = DecideRange("bytes=99-99", "", kEtag, 100);
  EXPECT_EQ(d.outcome, RangeOutcome::kPartial);
  EXPECT_EQ(d.first, 99u);
  EXPECT_EQ(d.last, 99u);
}

TEST(HttpRangeTest, OpenEndedRangeRunsToTheEnd) {
  RangeDecision d = DecideRange("bytes=40-", "", kEtag, 100);
  EXPECT_EQ(d.first, 40u);
  EXPECT_EQ(d.last, 99u);
}

TEST(HttpRangeTest, SuffixRangeTakesLastBytes) {
  RangeDecision d = DecideRange("bytes=-10", "", kEtag, 100);
  EXPECT_EQ(d.outcome, RangeOutcome::kPartial);
  EXPECT_EQ(d.first, 90u);
  EXPECT_EQ(d.last, 99u);
}

TEST(HttpRangeTest, SuffixLongerThanEntityServesWhole) {
  RangeDecision d = DecideRange("bytes=-500", "", kEtag, 100);
  EXPECT_EQ(d.first, 0u);
  EXPECT_EQ(d.last, 99u);
}

TEST(HttpRangeTest, EndBeyondSizeIsClamped) {
  RangeDecision d = DecideRange("bytes=50-1000", "", kEtag, 100);
  EXPECT_EQ(d.last, 99u);
}

TEST(HttpRangeTest, StartBeyondEndIsUnsatisfiable) {
  EXPECT_EQ(DecideRange("bytes=100-", "", kEtag, 100).outcome, RangeOutcome::kUnsatisfiable);
}

TEST(HttpRangeTest, AnyRangeOfEmptyEntityIsUnsatisfiable) {
  EXPECT_EQ(DecideRange("bytes=-5", "", kEtag, 0).outcome, RangeOutcome::kUnsatisfiable);
}

TEST(HttpRangeTest, IfRangeMismatchServesFull) {
  EXPECT_EQ(DecideRange("bytes=0-9", "\"other\"", kEtag, 100).outcome, RangeOutcome::kFull);
}

TEST(HttpRangeTest, IfRangeMatchServesPartial) {
  EXPECT_EQ(DecideRange("bytes=0-9", kEtag, kEtag, 100).outcome, RangeOutcome::kPartial);
}

TEST(HttpRangeTest, MalformedAndMultiRangesAreIgnored) {
  EXPECT_EQ(DecideRange("bytes=a-b", "", kEtag, 100).outcome, RangeOutcome::kFull);
  EXPECT_EQ(DecideRange("bytes=9-3", "", kEtag, 100).outcome, RangeOutcome::kFull);
  EXPECT_EQ(DecideRange("bytes=0-1,5-6", "", kEtag, 100).outcome, RangeOutcome::kFull);
  EXPECT_EQ(DecideRange("items=0-1", "", kEtag, 100).outcome, RangeOutcome::kFull);
}

TEST(ContentDispositionTest, AsciiNameIsQuotedOnly) {
  EXPECT_EQ(ContentDisposition("plan.pdf"), "attachment; filename=\"plan.pdf\"");
}

TEST(ContentDispositionTest, NonAsciiNameGetsUtf8Parameter) {
  EXPECT_EQ(ContentDisposition("Advies \xe2\x80\x93 tekst.txt"),
            "attachment; filename=\"Advies _ tekst.txt\"; filename*=UTF-8''Advies%20%E2%80%93%20tekst.txt");
}

TEST(ContentDispositionTest, QuotesCannotBreakOutOfTheParameter) {
  std::string v = ContentDisposition("a\"b.pdf");
  EXPECT_EQ(v, "attachment; filename=\"a_b.pdf\"; filename*=UTF-8''a%22b.pdf");
}

}  // namespace
}  // namespace swfvault::testing
