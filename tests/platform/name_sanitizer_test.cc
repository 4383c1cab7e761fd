#include "swfvault/name_sanitizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace swfvault::testing {
namespace {

bool IsValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
    if (len == 0 || b > 0xF4 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    if (b == 0xE0 && static_cast<unsigned char>(s[i + 1]) < 0xA0) return false;
    if (b == 0xED && static_cast<unsigned char>(s[i + 1]) >= 0xA0) return false;
    if (b == 0xF0 && static_cast<unsigned char>(s[i + 1]) < 0x90) return false;
    i += len;
  }
  return true;
}

bool IsDeviceName(const std::string& name) {
  std::string stem = name.substr(0, name.find('.'));
  while (!stem.empty() && stem.back() == ' ') stem.pop_back();
  std::transform(stem.begin(), stem.end(), stem.begin(), [](unsigned char c) { return std::toupper(c); });
  static const std::set<std::string> kDevices = [] {
    std::set<std::string> d = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"};
    for (const char* p : {"COM", "LPT"}) {
      for (char i = '1'; i <= '9'; ++i) d.insert(std::string(p) + i);
      for (const char* sup : {"\xC2\xB9", "\xC2\xB2", "\xC2\xB3"}) d.insert(std::string(p) + sup);
    }
    return d;
  }();
  return kDevices.count(stem) > 0;
}

// Empty string when `s` is a safe single path component, else what is wrong with it.
std::string SafetyProblem(const std::string& s) {
  if (s.empty()) return "empty";
  if (s.size() > kMaxNameBytes) return "longer than 200 bytes";
  if (!IsValidUtf8(s)) return "invalid UTF-8";
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F || std::string("/\\<>:\"|?*").find(static_cast<char>(c)) != std::string::npos) {
      return "forbidden byte " + std::to_string(c);
    }
  }
  if (s.find("\xC2\x80") != std::string::npos || s.find("\xE2\x80\xAE") != std::string::npos) return "C1 or bidi";
  if (s.back() == '.' || s.back() == ' ') return "trailing dot or space";
  if (IsDeviceName(s)) return "device name";
  if (NormalizeNfc(s) != s) return "not NFC";
  if (SanitizeName(s) != s) return "not idempotent";
  return "";
}

std::vector<std::string> HostileCorpus() {
  std::vector<std::string> c = {
      "../../etc/passwd", "..\\..\\windows\\system32", "/etc/shadow", "\\\\server\\share\\x",
      "C:\\boot.ini", "C:evil", ".", "..", "...", "....", "", " ", "  .  ", ". .", "./", "/",
      "a/./b", "a//b", "a/../b", "foo/", "/foo", "..foo", "foo..", "foo. . .", "foo   ",
      std::string("nul\0byte.txt", 12), std::string("\0", 1), "tab\there", "new\nline",
      "cr\rreturn", "esc\x1b[31mred", "del\x7f", "bell\a", "a<b>c", "x:y", "q\"uote", "p|ipe",
      "what?", "star*", "<>:\"|?*", "rtl\xE2\x80\xAEtxt.exe", "zero\xE2\x80\x8Bwidth",
      ".g\xE2\x80\x8Cit", "bom\xEF\xBB\xBFname", "division\xE2\x88\x95slash", "full\xEF\xBC\x8Fwidth",
      "c1\xC2\x85next", "soft\xC2\xADhyphen", "\xEF\xBF\xBE", "line\xE2\x80\xA8sep",
      "\xFF\xFE", "\xC0\xAF", "\xC0\xAE\xC0\xAE/x", "\xE0\x80\xAF", "\xED\xA0\x80surrogate",
      "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80", "cut\xE2\x82", "\x80start", "mid\xBF" "dle",
      "Caf\xC3\xA9.txt", "Cafe\xCC\x81.txt", "CAF\xC3\x89.TXT", "cafe\xCC\x81\xCC\xA3",
      "\xE2\x84\xAA" "elvin", "\xE2\x84\xAB" "ngstrom", "stra\xC3\x9F" "e", "STRASSE",
      "\xC4\xB0stanbul", "i\xCC\x87stanbul", "\xCE\xA3\xCE\xB9\xCF\x83", "\xE1\xBB\x87",
      "e\xCC\xA3\xCC\x82", "e\xCC\x82\xCC\xA3", "\xEA\xB0\x80", "\xE1\x84\x80\xE1\x85\xA1",
      "emoji\xF0\x9F\x98\x80.png", "-rf", "--help", "~", "~user", "$HOME", "%PATH%", "`id`",
      "$(rm -rf)", "a;b", "a&b", "'quoted'", "name with spaces.pdf", ".hidden", ".bashrc",
      "manifest-sha256.txt", "bagit.txt", "data", "index.html"};
  for (const char* dev : {"CON", "PRN", "AUX", "NUL", "COM1", "COM9", "LPT1", "LPT9", "CONIN$",
                          "CONOUT$", "COM\xC2\xB9", "LPT\xC2\xB3"}) {
    for (const char* suffix : {"", ".txt", ".tar.gz", " ", " .txt", ".", "  "}) {
      std::string d = dev;
      c.push_back(d + suffix);
      std::transform(d.begin(), d.end(), d.begin(), [](unsigned char ch) { return std::tolower(ch); });
      c.push_back(d + suffix);
    }
  }
  for (int ch = 0; ch < 0x20; ++ch) c.push_back("ctl" + std::string(1, static_cast<char>(ch)) + "x");
  for (size_t len : {199, 200, 201, 255, 256, 300, 1000, 4096}) {
    c.push_back(std::string(len, 'a'));
    c.push_back(std::string(len, 'b') + ".pdf");
    std::string multi;
    while (multi.size() < len) multi += "\xC3\xA9";  // é
    c.push_back(multi + ".docx");
    std::string emoji;
    while (emoji.size() < len) emoji += "\xF0\x9F\x98\x80";
    c.push_back("x" + emoji);
    c.push_back(std::string(len, '.') + "x");
    c.push_back("d" + std::string(len, ' ') + ".txt");
    c.push_back(std::string(len, 'e') + "." + std::string(40, 'x'));
  }
  for (int i = 0; i < 20; ++i) c.push_back(std::string(i, '.') + "/" + std::string(i, '\\') + "n" + std::to_string(i));
  std::mt19937 rng(20261128);
  for (int i = 0; i < 60; ++i) {
    std::string r;
    const size_t len = rng() % 300;
    for (size_t k = 0; k < len; ++k) r.push_back(static_cast<char>(rng() & 0xFF));
    c.push_back(r);
  }
  return c;
}

TEST(NameSanitizerTest, HostileCorpusYieldsSafeSingleComponents) {
  const auto corpus = HostileCorpus();
  ASSERT_GE(corpus.size(), 250u);
  for (size_t i = 0; i < corpus.size(); ++i) {
    const std::string out = SanitizeName(corpus[i]);
    EXPECT_EQ(SafetyProblem(out), "") << "case " << i << " -> [" << out << "]";
  }
  std::printf("[ corpus ] %zu hostile names checked\n", corpus.size());
}

// Random names over an alphabet of the dangerous pieces: every output must be safe and stable.
TEST(NameSanitizerTest, GeneratedHostileNamesYieldSafeComponents) {
  const std::vector<std::string> pieces = {
      "/", "\\", ".", "..", " ", "a", "Z", "CON", "lpt1", ":", "*", "?", "\"", "<", ">", "|",
      std::string(1, '\0'), "\x01", "\x7f", "\xC2\x85", "\xE2\x80\xAE", "\xE2\x80\x8B",
      "\xEF\xBB\xBF", "\xCC\x81", "\xCC\xA3", "e", "\xC3\xA9", "\xE2\x84\xAA", "\xC3\x9F",
      "\xFF", "\xC0\xAE", "\xED\xA0\x80", "\xF0\x9F\x98\x80", "\xE2\x82\xAC", ".txt",
      ".tar.gz", std::string(60, 'x'), "\xE4\xB8\xAD\xE6\x96\x87"};
  std::mt19937 rng(42);
  const int kNames = 20000;
  for (int i = 0; i < kNames; ++i) {
    std::string name;
    const int parts = 1 + static_cast<int>(rng() % 12);
    for (int k = 0; k < parts; ++k) name += pieces[rng() % pieces.size()];
    const std::string out = SanitizeName(name);
    ASSERT_EQ(SafetyProblem(out), "") << "name #" << i << " -> [" << out << "]";
  }
  std::printf("[ generated ] %d random hostile names checked\n", kNames);
}

TEST(NameSanitizerTest, SanitizeIsDeterministic) {
  for (const auto& name : HostileCorpus()) EXPECT_EQ(SanitizeName(name), SanitizeName(name));
}

TEST(NameSanitizerTest, TraversalIsFlattenedIntoOneComponent) {
  EXPECT_EQ(SanitizeName("../../etc/passwd"), "etc_passwd");
  EXPECT_EQ(SanitizeName("a/./b/../c"), "a_b_c");
}

TEST(NameSanitizerTest, AbsoluteAndBackslashPathsLoseTheirRoot) {
  EXPECT_EQ(SanitizeName("/etc/shadow"), "etc_shadow");
  EXPECT_EQ(SanitizeName("..\\..\\windows\\win.ini"), "windows_win.ini");
  EXPECT_EQ(SanitizeName("C:\\boot.ini"), "C__boot.ini");
}

TEST(NameSanitizerTest, DotOnlyNamesUseTheFallback) {
  EXPECT_EQ(SanitizeName("..", "doc-1"), "doc-1");
  EXPECT_EQ(SanitizeName("...", "doc-1"), "doc-1");
  EXPECT_EQ(SanitizeName(" . ", ""), std::string(kFallbackName));
  EXPECT_EQ(SanitizeName("", "../.."), std::string(kFallbackName));
}

TEST(NameSanitizerTest, ControlCharactersAndNulAreReplaced) {
  EXPECT_EQ(SanitizeName(std::string("a\0b\tc\x7f", 6)), "a_b_c_");
  EXPECT_EQ(SanitizeName("c1\xC2\x85x"), "c1_x");
}

TEST(NameSanitizerTest, WindowsReservedCharactersAreReplaced) {
  EXPECT_EQ(SanitizeName("a<b>c:d\"e|f?g*h"), "a_b_c_d_e_f_g_h");
}

TEST(NameSanitizerTest, TrailingDotsAndSpacesAreStripped) {
  EXPECT_EQ(SanitizeName("rapport. . ."), "rapport");
  EXPECT_EQ(SanitizeName("rapport.pdf  "), "rapport.pdf");
}

TEST(NameSanitizerTest, WindowsDeviceNamesArePrefixedWhateverTheExtension) {
  EXPECT_EQ(SanitizeName("CON"), "_CON");
  EXPECT_EQ(SanitizeName("con.txt"), "_con.txt");
  EXPECT_EQ(SanitizeName("Lpt9.tar.gz"), "_Lpt9.tar.gz");
  EXPECT_EQ(SanitizeName("NUL .txt"), "_NUL .txt");
  EXPECT_EQ(SanitizeName("COM\xC2\xB9"), "_COM\xC2\xB9");
  EXPECT_EQ(SanitizeName("CONSOLE.txt"), "CONSOLE.txt");
  EXPECT_EQ(SanitizeName("COM10"), "COM10");
}

TEST(NameSanitizerTest, LongNameIsCappedKeepingTheExtension) {
  const std::string out = SanitizeName(std::string(300, 'b') + ".pdf");
  EXPECT_EQ(out.size(), kMaxNameBytes);
  EXPECT_EQ(out.substr(out.size() - 4), ".pdf");
}

TEST(NameSanitizerTest, CapCutsOnACodePointBoundary) {
  std::string name;
  for (int i = 0; i < 150; ++i) name += "\xE2\x82\xAC";  // 450 bytes of euro signs
  const std::string out = SanitizeName(name);
  EXPECT_EQ(out.size(), 198u);  // 66 whole three-byte code points
  EXPECT_TRUE(IsValidUtf8(out));
}

TEST(NameSanitizerTest, InvalidUtf8IsReplaced) {
  EXPECT_EQ(SanitizeName("a\xFF" "b"), "a_b");
  EXPECT_EQ(SanitizeName("\xC0\xAE\xC0\xAE"), "____");  // overlong dots are not dots
  EXPECT_EQ(SanitizeName("\xED\xA0\x80"), "___");        // UTF-8 encoded surrogate
}

TEST(NameSanitizerTest, DecomposedInputIsComposedToNfc) {
  EXPECT_EQ(SanitizeName("Cafe\xCC\x81.txt"), "Caf\xC3\xA9.txt");
  // e + dot below + circumflex and e + circumflex + dot below both become U+1EC7.
  EXPECT_EQ(SanitizeName("e\xCC\xA3\xCC\x82"), "\xE1\xBB\x87");
  EXPECT_EQ(SanitizeName("e\xCC\x82\xCC\xA3"), "\xE1\xBB\x87");
}

TEST(NameSanitizerTest, CanonicalSingletonsAreNormalized) {
  EXPECT_EQ(SanitizeName("\xE2\x84\xAA"), "K");            // KELVIN SIGN
  EXPECT_EQ(SanitizeName("\xE2\x84\xAB"), "\xC3\x85");     // ANGSTROM SIGN
}

TEST(NameSanitizerTest, InvisibleAndLookAlikeCharactersAreReplaced) {
  EXPECT_EQ(SanitizeName("rtl\xE2\x80\xAEtxt.exe"), "rtl_txt.exe");
  EXPECT_EQ(SanitizeName(".g\xE2\x80\x8Cit"), ".g_it");
  EXPECT_EQ(SanitizeName("a\xE2\x88\x95" "b"), "a_b");
}

TEST(NameCollisionTest, CaseCollisionSuffixesEveryMemberOfTheGroup) {
  auto names = ResolveNameCollisions({{"11111111-aaaa", "Rapport.pdf"}, {"22222222-bbbb", "RAPPORT.PDF"},
                                      {"33333333-cccc", "other.pdf"}});
  EXPECT_EQ(names[0], "Rapport (11111111).pdf");
  EXPECT_EQ(names[1], "RAPPORT (22222222).PDF");
  EXPECT_EQ(names[2], "other.pdf");
}

TEST(NameCollisionTest, NfdAndNfcSpellingsCollide) {
  auto names = ResolveNameCollisions({{"aaaaaaaa1", "Caf\xC3\xA9"}, {"bbbbbbbb2", "Cafe\xCC\x81"}});
  EXPECT_EQ(names[0], "Caf\xC3\xA9 (aaaaaaaa)");
  EXPECT_EQ(names[1], "Caf\xC3\xA9 (bbbbbbbb)");
}

TEST(NameCollisionTest, SharpSAndDoubleSCollide) {
  auto names = ResolveNameCollisions({{"aaaaaaaa1", "stra\xC3\x9F" "e"}, {"bbbbbbbb2", "STRASSE"}});
  EXPECT_NE(NameCollisionKey(names[0]), NameCollisionKey(names[1]));
  EXPECT_NE(names[0], "stra\xC3\x9F" "e");
}

TEST(NameCollisionTest, SharedIdPrefixFallsBackToTheLongerId) {
  auto names = ResolveNameCollisions({{"12345678-aaaa", "x.txt"}, {"12345678-bbbb", "X.txt"}});
  EXPECT_EQ(names[0], "x (12345678-aaaa).txt");
  EXPECT_EQ(names[1], "X (12345678-bbbb).txt");
}

TEST(NameCollisionTest, SuffixedNameThatHitsANaturalNameIsResolvedToo) {
  auto names = ResolveNameCollisions(
      {{"abcdefgh-1", "a.txt"}, {"abcdefgh-2", "A.txt"}, {"zzzzzzzz-3", "a (abcdefgh).txt"}});
  std::set<std::string> keys;
  for (const auto& n : names) keys.insert(NameCollisionKey(n));
  EXPECT_EQ(keys.size(), 3u);
}

TEST(NameCollisionTest, IdsThatSanitizeAlikeStillGetUniqueNames) {
  auto names = ResolveNameCollisions({{"a/b", "x"}, {"a\\b", "x"}, {"a:b", "X"}});
  std::set<std::string> keys;
  for (const auto& n : names) keys.insert(NameCollisionKey(n));
  EXPECT_EQ(keys.size(), 3u);
}

std::vector<NameRequest> CorpusRequests() {
  std::vector<NameRequest> reqs;
  const auto corpus = HostileCorpus();
  for (size_t i = 0; i < corpus.size(); ++i) {
    char id[64];
    std::snprintf(id, sizeof(id), "%08zx-0000-4000-8000-%012zu", i % 7, i);
    reqs.push_back({id, corpus[i]});
  }
  return reqs;
}

TEST(NameCollisionTest, CorpusNamesAreSafeAndUniqueCaseInsensitively) {
  const auto reqs = CorpusRequests();
  const auto names = ResolveNameCollisions(reqs);
  std::set<std::string> keys;
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(SafetyProblem(names[i]), "") << "case " << i << " -> [" << names[i] << "]";
    keys.insert(NameCollisionKey(names[i]));
  }
  EXPECT_EQ(keys.size(), names.size());
  std::printf("[ corpus ] %zu requests resolved to unique names\n", names.size());
}

TEST(NameCollisionTest, ResolutionDoesNotDependOnInputOrder) {
  auto reqs = CorpusRequests();
  const auto names = ResolveNameCollisions(reqs);
  std::map<std::string, std::string> by_id;
  for (size_t i = 0; i < reqs.size(); ++i) by_id[reqs[i].id] = names[i];
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(reqs.begin(), reqs.end(), rng);
    const auto shuffled = ResolveNameCollisions(reqs);
    for (size_t i = 0; i < reqs.size(); ++i) EXPECT_EQ(shuffled[i], by_id[reqs[i].id]);
  }
}

}  // namespace
}  // namespace swfvault::testing

namespace swfvault::testing {
namespace {

// IsUtf8 refuses what a strict UTF-8 reader (nlohmann's dump) refuses.
TEST(IsUtf8Test, AcceptsWellFormedTextAndRefusesWhatJsonCannotHold) {
  for (const char* good :
       {"", "caf\xc3\xa9", "\xe2\x80\x93", "\xf0\x9f\x93\x84", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_TRUE(IsUtf8(good)) << good;
  }
  for (const char* bad : {"caf\xe9", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                          "\xf5\x80\x80\x80", "\xe2\x80", "\x80"}) {
    EXPECT_FALSE(IsUtf8(bad)) << bad;
  }
}

}  // namespace
}  // namespace swfvault::testing

namespace swfvault {
namespace {

// The key is made a piece at a time, cut before ASCII characters: a mark after an ASCII letter,
// a fold into several letters, Hangul jamo and bytes that are no UTF-8 come out as they would
// from the whole text at once.
TEST(NameCollisionKeyTest, ALongTextFoldsAsItsPiecesDo) {
  EXPECT_EQ(NameCollisionKey("Cafe\xcc\x81 PLAN E\xcc\x81"
                             "E\xcc\x81NHOORN"),
            "caf\xc3\xa9 plan \xc3\xa9\xc3\xa9nhoorn");
  EXPECT_EQ(NameCollisionKey("STRA\xc3\x9f"
                             "E \xe1\xba\x9e \xe2\x84\xaa"),
            "strasse ss k");
  EXPECT_EQ(NameCollisionKey("A\xcc\x81\xcc\xa3x"), "\xe1\xba\xa1\xcc\x81x");  // marks reordered
  EXPECT_EQ(NameCollisionKey("\xe1\x84\x80\xe1\x85\xa1!"),
            "\xe1\x84\x80\xe1\x85\xa1!");  // jamo as they are
  EXPECT_EQ(NameCollisionKey("A\xff"
                             "B"),
            "a_b");
  std::string text;
  for (int i = 0; i < 1000; ++i)
    text +=
        "Zie RAPPORT E\xcc\x81"
        "E\xcc\x81N, ";
  EXPECT_NE(NameCollisionKey(text).find("rapport \xc3\xa9\xc3\xa9n, zie"), std::string::npos);
}

}  // namespace
}  // namespace swfvault
