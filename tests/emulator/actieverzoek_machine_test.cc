#include "emulator/actieverzoek_machine.h"

#include <gtest/gtest.h>

namespace swfvault::testing {
namespace {

const char* kStatuses[] = {"OPEN", "IN_BEHANDELING", "GEWEIGERD", "GEREEDGEMELD", "GEREED", "INGETROKKEN"};

TEST(ActieverzoekMachineTest, FinalStatusesHaveNoWayOut) {
  for (const char* from : {"GEWEIGERD", "INGETROKKEN", "GEREED"}) {
    for (const char* to : kStatuses) {
      EXPECT_FALSE(MayTransition(from, to, ActieverzoekParty::kZender)) << from << "->" << to;
      EXPECT_FALSE(MayTransition(from, to, ActieverzoekParty::kOntvanger)) << from << "->" << to;
    }
  }
}

TEST(ActieverzoekMachineTest, OnlyReceiverWorksOnIt) {
  EXPECT_TRUE(MayTransition("OPEN", "IN_BEHANDELING", ActieverzoekParty::kOntvanger));
  EXPECT_FALSE(MayTransition("OPEN", "IN_BEHANDELING", ActieverzoekParty::kZender));
}

TEST(ActieverzoekMachineTest, OnlySenderAcceptsAndWithdraws) {
  EXPECT_TRUE(MayTransition("GEREEDGEMELD", "GEREED", ActieverzoekParty::kZender));
  EXPECT_FALSE(MayTransition("GEREEDGEMELD", "GEREED", ActieverzoekParty::kOntvanger));
  EXPECT_TRUE(MayTransition("GEREEDGEMELD", "INGETROKKEN", ActieverzoekParty::kZender));
  EXPECT_FALSE(MayTransition("OPEN", "INGETROKKEN", ActieverzoekParty::kOntvanger));
}

TEST(ActieverzoekMachineTest, ExactlyNineLegalMoves) {
  int legal = 0;
  for (const char* from : kStatuses) {
    for (const char* to : kStatuses) {
      legal += MayTransition(from, to, ActieverzoekParty::kZender);
      legal += MayTransition(from, to, ActieverzoekParty::kOntvanger);
    }
  }
  EXPECT_EQ(legal, 9);
}

TEST(ActieverzoekMachineTest, KnowsItsStatuses) {
  EXPECT_TRUE(IsActieverzoekStatus("GEREEDGEMELD"));
  EXPECT_FALSE(IsActieverzoekStatus("KLAAR"));
}

}  // namespace
}  // namespace swfvault::testing
