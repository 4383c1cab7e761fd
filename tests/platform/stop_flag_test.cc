#include "swfvault/stop_flag.h"

#include <gtest/gtest.h>

#include <csignal>

namespace swfvault {
namespace {

void (*HandlerOf(int sig))(int) {
  struct sigaction now {};
  sigaction(sig, nullptr, &now);
  return now.sa_handler;
}

class StopOnSignalsTest : public ::testing::TestWithParam<int> {
 protected:
  void TearDown() override {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
};

TEST(StopFlagTest, RequestIsSeenUntilReset) {
  StopFlag flag;
  EXPECT_FALSE(flag.requested());
  flag.Request();
  EXPECT_TRUE(flag.requested());
  flag.Reset();
  EXPECT_FALSE(flag.requested());
}

TEST(StopFlagTest, StoppedOnRequestIsCancelledAndSaysWhy) {
  Status st = StoppedOnRequest("GET /x");
  EXPECT_EQ(st.code(), StatusCode::kCancelled);
  EXPECT_EQ(st.message(), "GET /x: stopped on request (SIGINT/SIGTERM)");
}

TEST_P(StopOnSignalsTest, FirstSignalRequestsTheStopAndASecondOneWouldKill) {
  static StopFlag flag;
  flag.Reset();
  ASSERT_TRUE(StopOnSignals(flag).ok());
  EXPECT_NE(HandlerOf(GetParam()), SIG_DFL);
  ASSERT_EQ(std::raise(GetParam()), 0);
  EXPECT_TRUE(flag.requested());
  // The handler put the default action back for both: the next signal, of either kind (Ctrl-C
  // after a `systemctl stop`), ends the process.
  EXPECT_EQ(HandlerOf(SIGINT), SIG_DFL);
  EXPECT_EQ(HandlerOf(SIGTERM), SIG_DFL);
}

TEST_F(StopOnSignalsTest, ALaterCallMovesTheSignalsToTheNewFlag) {
  static StopFlag first, second;
  ASSERT_TRUE(StopOnSignals(first).ok());
  ASSERT_TRUE(StopOnSignals(second).ok());
  ASSERT_EQ(std::raise(SIGINT), 0);
  EXPECT_FALSE(first.requested());
  EXPECT_TRUE(second.requested());
}

INSTANTIATE_TEST_SUITE_P(Signals, StopOnSignalsTest, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) { return std::string(info.param == SIGINT ? "SIGINT" : "SIGTERM"); });

}  // namespace
}  // namespace swfvault
