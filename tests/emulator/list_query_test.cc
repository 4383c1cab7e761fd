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
  Result<ListQuery> q = Parse({{"status[not]", "OPEN"}, {"creatieDatumTijd[gt]", "2026-01-01T00:00Z"},
                               {"bestandsGrootte[gte]", "1"}, {"bestandsGrootte[lt]", "9"},
                               {"creatieDatumTijd[lte]", "2026-02-01T00:00Z"}, {"status", "GESLOTEN"}});
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

TEST(ListQueryTest, EqualityAndNotOnInstantsCompareInstants) {
  for (FilterOp op : {FilterOp::kEq, FilterOp::kNot}) {
    SqlCondition c = FilterCondition({"creatieDatumTijd", op, "2026-11-30T07:34:07.004+02:00[Europe/Amsterdam]"});
    EXPECT_NE(c.sql.find("julianday"), std::string::npos) << c.sql;
    EXPECT_EQ(std::get<std::string>(c.binds[1]), "2026-11-30T07:34:07.004+02:00");
  }
}

TEST(ListQueryTest, AcceptsTheInstantFormsClientsSend) {
  for (const char* good : {"2026-06-04T10:45:01.933+02:00", "2026-08-06T12:00Z", "2026-08-06T12:00+02:00[Europe/Amsterdam]",
                           "2026-06-04T10:45:01Z", "2026-06-04T10:45:01.123456789-05:30", "2026-06-04",
                           "2024-02-29T00:00:00.000+00:00", "2026-08-06T12:00Z[UTC]"}) {
    EXPECT_TRUE(Parse({{"creatieDatumTijd[gt]", good}}).ok()) << good;
  }
}

TEST(ListQueryTest, InvalidInstantIsRejectedNamingTheParameter) {
  for (const char* bad : {"gisteren", "", "2026-13-01T00:00Z", "2026-02-29T00:00Z", "2026-06-04T24:00Z",
                          "2026-06-04T10:45:01.933+02", "2026-06-04T10:45:01.+02:00", "2026-06-04T10:45:60Z",
                          "2026-06-04T10:45:01.933+15:00", "26-06-04", "2026-06-04T10:45:01Zjunk", "1780000000"}) {
    Result<ListQuery> q = Parse({{"creatieDatumTijd[gte]", bad}});
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.status().message().rfind("creatieDatumTijd[gte]:", 0), 0u) << q.status().message();
  }
  Result<ListQuery> plain = Parse({{"creatieDatumTijd", "2026-06-04 10:45"}});
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.status().message().rfind("creatieDatumTijd:", 0), 0u) << plain.status().message();
}

TEST(ListQueryTest, NonIntegerForNumericFieldIsRejectedNamingTheParameter) {
  for (const char* bad : {"groot", "1.5", "", "12abc", "0x10"}) {
    Result<ListQuery> q = Parse({{"bestandsGrootte[lt]", bad}});
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.status().message().rfind("bestandsGrootte[lt]:", 0), 0u) << q.status().message();
  }
  EXPECT_FALSE(Parse({{"bestandsGrootte", "veel"}}).ok());
  EXPECT_TRUE(Parse({{"bestandsGrootte", "-1"}}).ok());
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
