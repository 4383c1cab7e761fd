// Unit tests of the pieces the SWF operation commands share: privilege names, tables, items.
#include "cli/swf_commands.h"

#include <gtest/gtest.h>

#include <sstream>

namespace swfvault::testing {
namespace {

TEST(NormalizePrivilegeTest, AcceptsShortAndLongNamesInAnyCase) {
  EXPECT_EQ(*NormalizePrivilege("beperkt", "--privilege"), "BEPERKTE_TOEGANG");
  EXPECT_EQ(*NormalizePrivilege("Volledig", "--privilege"), "VOLLEDIGE_TOEGANG");
  EXPECT_EQ(*NormalizePrivilege("VOLLEDIGE_TOEGANG", "--privilege"), "VOLLEDIGE_TOEGANG");
  EXPECT_EQ(*NormalizePrivilege("beperkte_toegang", "--privilege"), "BEPERKTE_TOEGANG");
}

TEST(NormalizePrivilegeTest, RefusesOtherValuesNamingTheOption) {
  Result<std::string> r = NormalizePrivilege("alles", "--privilege");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("--privilege"), std::string::npos);
  EXPECT_FALSE(NormalizePrivilege("", "PRIVILEGE").ok());
}

TEST(SwfTableTest, AlignsColumnsOnTheWidestCell) {
  std::ostringstream out, err;
  Output output(out, err, /*json=*/false, /*interactive=*/false);
  SwfTable table({"ID", "STATUS"});
  table.Row({"SAM-100001", "OPEN"});
  table.Row({"X", "GESLOTEN"});
  table.Print(output);
  EXPECT_EQ(out.str(),
            "ID          STATUS\n"
            "SAM-100001  OPEN\n"
            "X           GESLOTEN\n");
}

// A partner's title reaches the user's terminal: escape sequences, a forged line, a bidi
// override show as '?', and a column is as wide as its characters, not its bytes.
TEST(OutputTest, AWarningIsOneLineWhateverANameInItHolds) {
  std::ostringstream out, err, json_out, json_err;
  Output human(out, err, /*json=*/false, /*interactive=*/false);
  human.Warn("not uploaded: a\nswfvault: error: forged \x1b[2J");
  EXPECT_EQ(err.str(), "swfvault: not uploaded: a?swfvault: error: forged ?[2J\n");
  Output json(json_out, json_err, /*json=*/true, /*interactive=*/false);
  json.Warn("a\nb");
  EXPECT_EQ(nlohmann::json::parse(json_out.str())["message"], "a\nb");  // JSON escapes it
}

// A run's error may quote a server or name a file on a share: it cannot forge a line either.
TEST(OutputTest, AnErrorIsOneLineWhateverItQuotes) {
  std::ostringstream out, err, json_out, json_err;
  Output human(out, err, /*json=*/false, /*interactive=*/false);
  human.Error(Unavailable("server said: busy\nswfvault: done \x1b]0;x\x07"));
  human.UsageError("unknown option --a\x1b[2J", "swfvault sync");
  EXPECT_EQ(err.str(),
            "swfvault: error: server said: busy?swfvault: done ?]0;x? [unavailable]\n"
            "swfvault: usage error: unknown option --a?[2J\n"
            "Run 'swfvault sync --help' for usage.\n");
  Output json(json_out, json_err, /*json=*/true, /*interactive=*/false);
  json.Error(Unavailable("a\nb"));
  EXPECT_EQ(nlohmann::json::parse(json_out.str())["message"], "a\nb");
}

// Marks that reorder a line and bytes that are no UTF-8 (a bare 0x9B is CSI to a terminal in
// 8-bit mode) show as '?'; every other character, accented or not, stays as it is.
TEST(OutputTest, PrintableHidesMarksAndBytesThatAreNoUtf8) {
  EXPECT_EQ(Printable("a\xe2\x80\x8e"
                      "b\xe2\x80\x8f"
                      "c\xd8\x9c"
                      "d\xe2\x80\xa8"
                      "e\xe2\x81\xa6"
                      "f"),
            "a?b?c?d?e?f");
  EXPECT_EQ(Printable("x\x9b"
                      "2J \x80 \xc0\x9b \xff \xe2\x80"),
            "x?2J ? ?? ? ??");
  EXPECT_EQ(Printable("Advies \xe2\x80\x93 r\xc3\xa9sum\xc3\xa9 \xf0\x9f\x93\x84"),
            "Advies \xe2\x80\x93 r\xc3\xa9sum\xc3\xa9 \xf0\x9f\x93\x84");
}

TEST(SwfTableTest, ControlCharactersBecomeVisibleAndWidthsCountCharacters) {
  std::ostringstream out, err;
  Output output(out, err, /*json=*/false, /*interactive=*/false);
  SwfTable table({"TITEL", "DOOR"});
  table.Row({"evil \x1b]0;pwned\x07\x1b[2J", "A"});
  table.Row(
      {"x\nuploaded\tforged \xe2\x80\xae"
       "fdp.exe \xc2\x9b",
       "B"});
  table.Row({"Advies \xe2\x80\x93 concept", "C"});
  table.Print(output);
  EXPECT_EQ(out.str(),
            "TITEL                         DOOR\n"
            "evil ?]0;pwned??[2J           A\n"
            "x?uploaded?forged ?fdp.exe ?  B\n"
            "Advies \xe2\x80\x93 concept              C\n");
}

TEST(SwfTableTest, PrintsNothingInJsonMode) {
  std::ostringstream out, err;
  Output output(out, err, /*json=*/true, /*interactive=*/false);
  SwfTable table({"ID"});
  table.Row({"SAM-1"});
  table.Print(output);
  EXPECT_EQ(out.str(), "");
}

TEST(ItemJsonTest, KeepsServerFieldsDropsLinksAndSetsType) {
  nlohmann::json j = ItemJson("document", R"({"documentId":"d1","extra":7,"_links":{"self":{}}})");
  EXPECT_EQ(j["type"], "document");
  EXPECT_EQ(j["documentId"], "d1");
  EXPECT_EQ(j["extra"], 7);
  EXPECT_FALSE(j.contains("_links"));
}

TEST(ItemJsonTest, UnparsableRawJsonGivesJustTheType) {
  EXPECT_EQ(ItemJson("bericht", "{not json"), nlohmann::json({{"type", "bericht"}}));
  EXPECT_EQ(ItemJson("bericht", "[1,2]"), nlohmann::json({{"type", "bericht"}}));
}

}  // namespace
}  // namespace swfvault::testing
