#include "export/bag_files.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace swfvault::testing {
namespace {

TEST(BagFilesTest, UtcDatesIgnoreTheProcessTimeZone) {
  setenv("TZ", "Pacific/Kiritimati", 1);
  tzset();
  EXPECT_EQ(FormatUtcDate(1764370800), "2025-11-28");  // 23:00 UTC, already the 29th in Kiritimati
  EXPECT_EQ(FormatUtcDateTime(1764370800), "2025-11-28T23:00:00Z");
  EXPECT_EQ(FormatUtcDateTime(315532800), "1980-01-01T00:00:00Z");
  unsetenv("TZ");
  tzset();
}

TEST(BagFilesTest, HumanBagSizeRoundsWithIntegerArithmetic) {
  EXPECT_EQ(HumanBagSize(17), "17 bytes");
  EXPECT_EQ(HumanBagSize(35460), "35.5 KB");
  EXPECT_EQ(HumanBagSize(1610612736), "1.6 GB");
}

TEST(BagFilesTest, BagInfoCarriesTheRequiredLabelsOnOneLineEach) {
  BagInfo info{"Gemeente\nA", "SAM-1", 1764331200, 1234, 5, "RV", "0.1.0", 2, {}};
  const std::string text = BagInfoTxt(info);
  EXPECT_EQ(text.find("Swfvault-Sync-Incomplete"), std::string::npos);
  EXPECT_NE(text.find("Source-Organization: Gemeente A\n"), std::string::npos);
  EXPECT_NE(text.find("External-Identifier: SAM-1\n"), std::string::npos);
  EXPECT_NE(text.find("Bagging-Date: 2025-11-28\n"), std::string::npos);
  EXPECT_NE(text.find("Payload-Oxum: 1234.5\n"), std::string::npos);
  EXPECT_NE(text.find("Swfvault-Max-Level: RV\n"), std::string::npos);
  EXPECT_NE(text.find("Swfvault-Software-Version: 0.1.0\n"), std::string::npos);
}

TEST(BagFilesTest, AnIncompleteLastSyncIsOneLineForEachProfile) {
  BagInfo info{
      "A", "SAM-1", 1764331200, 1, 1, "SV", "0.1.0", 0, {"by a: 2 failures", "by b:\nstopped"}};
  const std::string text = BagInfoTxt(info);
  EXPECT_NE(
      text.find(
          "Swfvault-Sync-Incomplete: by a: 2 failures\nSwfvault-Sync-Incomplete: by b: stopped\n"),
      std::string::npos)
      << text;
}

TEST(BagFilesTest, ManifestPathsEncodePercentCrAndLf) {
  EXPECT_EQ(EncodeManifestPath("a%b\r\nc"), "a%25b%0D%0Ac");
  EXPECT_EQ(DecodeManifestPath("a%25b%0D%0Ac"), "a%b\r\nc");
  EXPECT_EQ(DecodeManifestPath(EncodeManifestPath("50%0A.txt")), "50%0A.txt");
}

TEST(BagFilesTest, ManifestIsSortedAndParsesBack) {
  const std::string text = ManifestText({{"data/b", "22"}, {"data/a 1", "11"}});
  EXPECT_EQ(text, "11  data/a 1\n22  data/b\n");
  std::vector<std::string> bad;
  auto parsed = ParseManifest(text + "garbage\n", &bad);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0].first, "data/a 1");
  EXPECT_EQ(bad, std::vector<std::string>{"garbage"});
}

TEST(BagFilesTest, LineSplitterJoinsLinesCutAcrossPieces) {
  const std::string text = "11  data/a\n22  data/bb\nlast";
  for (size_t piece : {1u, 2u, 5u, 100u}) {
    LineSplitter lines(64);
    std::vector<std::string> got;
    for (size_t at = 0; at < text.size(); at += piece) {
      lines.Feed(std::string_view(text).substr(at, piece), [&](std::string_view l) { got.emplace_back(l); });
    }
    EXPECT_EQ(got, (std::vector<std::string>{"11  data/a", "22  data/bb"})) << "pieces of " << piece;
    EXPECT_EQ(lines.rest(), "last");
    EXPECT_FALSE(lines.overlong());
  }
  LineSplitter short_lines(4);
  std::vector<std::string> got;
  short_lines.Feed("abcd\nabcde\nx\n", [&](std::string_view l) { got.emplace_back(l); });
  EXPECT_EQ(got, std::vector<std::string>{"abcd"});  // nothing after the overlong line
  EXPECT_TRUE(short_lines.overlong());
}

std::vector<HistoryEvent> ThreeEvents() {
  return {{"2025-01-01T00:00:00Z", "a", "", "", "one"},
          {"2025-01-02T00:00:00Z", "b", "d1", "", "two"},
          {"2025-01-03T00:00:00Z", "c", "", "", "three"}};
}

TEST(BagFilesTest, HistoryChainVerifies) {
  const std::string text = HistoryChainText(ThreeEvents());
  auto n = CheckHistoryChain(text);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 3u);
  EXPECT_NE(text.find(std::string("\"prev\":\"") + std::string(kGenesisHash)), std::string::npos);
}

TEST(BagFilesTest, RemovedHistoryLineBreaksTheChain) {
  std::string text = HistoryChainText(ThreeEvents());
  const size_t first_end = text.find('\n');
  const size_t second_end = text.find('\n', first_end + 1);
  text.erase(first_end + 1, second_end - first_end);
  auto n = CheckHistoryChain(text);
  EXPECT_EQ(n.status().code(), StatusCode::kCorruption);
}

TEST(BagFilesTest, ReorderedHistoryLinesBreakTheChain) {
  auto events = ThreeEvents();
  std::string text = HistoryChainText(events);
  std::swap(events[0], events[1]);
  const std::string other = HistoryChainText(events);
  EXPECT_NE(text, other);
  const size_t first_end = text.find('\n');
  std::string swapped = text.substr(first_end + 1, text.find('\n', first_end + 1) - first_end) +
                        text.substr(0, first_end + 1) + text.substr(text.find('\n', first_end + 1) + 1);
  EXPECT_FALSE(CheckHistoryChain(swapped).ok());
}

}  // namespace
}  // namespace swfvault::testing
