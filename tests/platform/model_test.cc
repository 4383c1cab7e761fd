#include "swfvault/model.h"

#include <gtest/gtest.h>

namespace swfvault {
namespace {

TEST(ConfidentialityTest, MissingLabelIsRegulier) {
  EXPECT_EQ(ParseConfidentiality(""), Confidentiality::kRV);
  EXPECT_EQ(ParseConfidentiality("RV"), Confidentiality::kRV);
  EXPECT_EQ(ParseConfidentiality("SV"), Confidentiality::kSV);
}

TEST(ConfidentialityTest, UnknownLabelFailsClosed) {
  for (const char* label : {"sv", "GEHEIM", "R V", "ZV"}) {
    Confidentiality c = ParseConfidentiality(label);
    EXPECT_EQ(c, Confidentiality::kUnknown) << label;
    EXPECT_FALSE(AllowedUnder(c, Confidentiality::kSV)) << label;
  }
}

TEST(ConfidentialityTest, CeilingOrdersRvBelowSv) {
  EXPECT_TRUE(AllowedUnder(Confidentiality::kRV, Confidentiality::kRV));
  EXPECT_TRUE(AllowedUnder(Confidentiality::kRV, Confidentiality::kSV));
  EXPECT_TRUE(AllowedUnder(Confidentiality::kSV, Confidentiality::kSV));
  EXPECT_FALSE(AllowedUnder(Confidentiality::kSV, Confidentiality::kRV));
}

}  // namespace
}  // namespace swfvault
