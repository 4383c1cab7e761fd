#include "emulator/list_query.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace swfvault::testing {
namespace {

const std::set<std::string> kFields = {"status", "creatieDatumTijd", "bestandsGrootte"};

Result<ListQuery> Parse(std::multimap<std::string, std::string> params) {
  return ParseListQuery(params, kFields, {"organisatie"});
}

TEST(ListQueryTest, DefaultsToFirstPageOfTwenty) {
  Result<ListQuery> q = Parse({});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->page, 0);
  EXPECT_EQ(q->size, 20);
}

TEST(ListQueryTest, AcceptsPaginaAndPage) {
  EXPECT_EQ(Parse({{"pagina", "3"}})->page, 3);
  EXPECT_EQ(Parse({{"page", "2"}})->page, 2);
}

TEST(ListQueryTest, RejectsPageSizeAboveMaximum) {
  Result<ListQuery> q = Parse({{"aantal", "101"}});
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message().substr(0, 7), "aantal:");
}

TEST(ListQueryTest, RejectsNegativePage) { EXPECT_FALSE(Parse({{"pagina", "-1"}}).ok()); }

TEST(ListQueryTest, ParsesEveryOperator) {
  Result<ListQuery> q = Parse({{"status[not]", "OPEN"}, {"creatieDatumTijd[gt]", "x"},
                               {"bestandsGrootte[gte]", "1"}, {"bestandsGrootte[lt]", "9"},
                               {"creatieDatumTijd[lte]", "y"}, {"status", "GESLOTEN"}});
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->filters.size(), 6u);
}

TEST(ListQueryTest, RejectsAPageWhoseEndOverflows) {
  Result<ListQuery> q = Parse({{"pagina", "9223372036854775807"}, {"aantal", "1"}});
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message().rfind("pagina:", 0), 0u) << q.status().message();
  Result<ListQuery> p = Parse({{"page", "92233720368547758"}, {"aantal", "100"}});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message().rfind("page:", 0), 0u) << p.status().message();
}

TEST(ListQueryTest, AcceptsTheLargestPageThatFits) {
  const int64_t largest = (std::numeric_limits<int64_t>::max() - 100) / 100;
  Result<ListQuery> q = Parse({{"pagina", std::to_string(largest)}, {"aantal", "100"}});
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(q->page, largest);
}

TEST(ListQueryTest, UnknownOperatorNamesTheParameter) {
  Result<ListQuery> q = Parse({{"status[like]", "x"}});
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message().rfind("status[like]:", 0), 0u);
}

TEST(ListQueryTest, FilterOnUnknownFieldIsRejected) {
  EXPECT_FALSE(Parse({{"geheim[gt]", "1"}}).ok());
}

TEST(ListQueryTest, UnknownPlainParametersAreIgnored) {
  Result<ListQuery> q = Parse({{"cachebuster", "1"}, {"organisatie", "x"}});
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->filters.empty());
}

TEST(ListQueryTest, SortDescending) {
  Result<ListQuery> q = Parse({{"_sort", "-creatieDatumTijd"}});
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->sort->descending);
  EXPECT_EQ(q->sort->field, "creatieDatumTijd");
}

TEST(ListQueryTest, SortOnUnknownFieldIsRejected) { EXPECT_FALSE(Parse({{"_sort", "x"}}).ok()); }

TEST(ListQueryTest, InstantFieldsCompareAsInstants) {
  SqlCondition c = FilterCondition({"creatieDatumTijd", FilterOp::kGt, "2026-01-01T00:00:00.000+01:00"});
  EXPECT_NE(c.sql.find("julianday"), std::string::npos);
}

TEST(ListQueryTest, ZoneIdSuffixIsDroppedFromInstants) {
  SqlCondition c = FilterCondition({"eventDatumTijd", FilterOp::kGt, "2026-08-06T12:00+02:00[Europe/Amsterdam]"});
  EXPECT_EQ(std::get<std::string>(c.binds[1]), "2026-08-06T12:00+02:00");
}

TEST(ListQueryTest, NumericFieldsBindIntegers) {
  SqlCondition c = FilterCondition({"bestandsGrootte", FilterOp::kLt, "42"});
  ASSERT_EQ(c.binds.size(), 2u);
  EXPECT_EQ(std::get<int64_t>(c.binds[1]), 42);
}

TEST(HalPageTest, EmptyCollectionOmitsEmbedded) {
  ListQuery q;
  nlohmann::json page = HalPage("documenten", {}, 0, q, "https://h/x", "");
  EXPECT_FALSE(page.contains("_embedded"));
  EXPECT_EQ(page["page"]["totalPages"], 0);
  EXPECT_FALSE(page["_links"].contains("next"));
}

TEST(HalPageTest, ExactMultipleHasNoExtraPage) {
  ListQuery q;
  q.size = 10;
  q.page = 1;
  nlohmann::json page = HalPage("x", {1}, 20, q, "https://h/x", "status=OPEN");
  EXPECT_EQ(page["page"]["totalPages"], 2);
  EXPECT_FALSE(page["_links"].contains("next"));
  EXPECT_EQ(page["_links"]["prev"]["href"], "https://h/x?status=OPEN&pagina=0&aantal=10");
  EXPECT_EQ(page["_links"]["last"]["href"], "https://h/x?status=OPEN&pagina=1&aantal=10");
}

TEST(HalPageTest, PageBeyondAnEmptyCollectionLinksNoNegativePage) {
  ListQuery q;
  q.page = 4;
  nlohmann::json page = HalPage("x", {}, 0, q, "https://h/x", "");
  EXPECT_EQ(page["_links"].dump().find("pagina=-"), std::string::npos) << page["_links"].dump();
  EXPECT_FALSE(page["_links"].contains("next"));
  EXPECT_EQ(page["_links"]["prev"]["href"], "https://h/x?pagina=0&aantal=20");
}

TEST(HalPageTest, PageBeyondTheLastPointsPrevAtTheLast) {
  ListQuery q;
  q.size = 5;
  q.page = 9;
  nlohmann::json page = HalPage("x", {}, 11, q, "https://h/x", "");
  EXPECT_FALSE(page["_links"].contains("next"));
  EXPECT_EQ(page["_links"]["prev"]["href"], "https://h/x?pagina=2&aantal=5");
}

TEST(HalPageTest, LargestPageLinksNothingPastTheEnd) {
  ListQuery q;
  q.size = 1;
  q.page = std::numeric_limits<int64_t>::max();
  nlohmann::json page = HalPage("x", {}, 3, q, "https://h/x", "");
  EXPECT_FALSE(page["_links"].contains("next")) << page["_links"].dump();
  EXPECT_EQ(page["_links"]["prev"]["href"], "https://h/x?pagina=2&aantal=1");
}

TEST(HalPageTest, MiddlePageLinksBothWays) {
  ListQuery q;
  q.size = 5;
  q.page = 1;
  nlohmann::json page = HalPage("x", {1}, 11, q, "https://h/x", "");
  EXPECT_EQ(page["page"]["totalPages"], 3);
  EXPECT_TRUE(page["_links"].contains("next"));
  EXPECT_TRUE(page["_links"].contains("prev"));
}

}  // namespace
}  // namespace swfvault::testing
