#include "swfvault/clock.h"

#include <gtest/gtest.h>

namespace swfvault::testing {
namespace {

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock(1'000'000);
  EXPECT_EQ(clock.NowUnixMicros(), 1'000'000);
  clock.SleepForMicros(500);
  clock.AdvanceSeconds(2);
  EXPECT_EQ(clock.NowUnixMicros(), 3'000'500);
  EXPECT_EQ(clock.NowUnixSeconds(), 3);
}

TEST(ClockTest, SystemClockIsMonotonic) {
  SystemClock clock;
  int64_t a = clock.MonotonicMicros();
  clock.SleepForMicros(1000);
  EXPECT_GE(clock.MonotonicMicros() - a, 1000);
  EXPECT_GT(clock.NowUnixSeconds(), 1'700'000'000);
}

TEST(ClockTest, FormatUtcMillis) {
  EXPECT_EQ(FormatUtcMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatUtcMillis(1'780'569'901'933'000), "2026-06-04T10:45:01.933Z");
}

}  // namespace
}  // namespace swfvault::testing
