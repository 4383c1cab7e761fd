// The commands on the local vault (init, verify, gc, ...) through RunCliWith, on a vault made
// in a temp dir: no emulator needed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/wiring.h"
#include "store/blob_store_test_util.h"
#include "swfvault/cli.h"
#include "swfvault/exit_codes.h"

namespace swfvault::testing {
namespace {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun Cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int code = RunCliWith(args, out, err);
  return {code, out.str(), err.str()};
}

// The last line of JSON output, which every reporting command makes its summary.
nlohmann::json LastLine(const std::string& out) {
  std::string text = out;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return nlohmann::json::parse(text.substr(text.rfind('\n') + 1), nullptr, false);
}

class VaultCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Vault::Init(RealFileSystem(), RealClock(), vault_).ok());
  }

  // Stores `n` distinct objects and records them in the catalog.
  void AddObjects(int n) {
    auto vault = OpenVault(vault_, Vault::Access::kExclusive);
    ASSERT_TRUE(vault.ok()) << vault.status().ToString();
    for (int i = 0; i < n; ++i) {
      std::string data = Content(100 + i, static_cast<unsigned>(i + 1));
      auto writer = (*vault)->store().BeginWrite();
      ASSERT_TRUE(writer.ok());
      ASSERT_TRUE((*writer)->Append(data).ok());
      auto committed = (*writer)->Commit(Sha256Hex(data), data.size());
      ASSERT_TRUE(committed.ok()) << committed.status().ToString();
      ASSERT_TRUE((*vault)->catalog().RecordBlob(committed->blob).ok());
    }
  }

  TempDir dir_;
  std::string vault_ = (dir_.path() / "vault").string();
};

TEST_F(VaultCommandsTest, VerifySampleChecksThatShareOfTheObjectsAndAtLeastOne) {
  AddObjects(10);
  struct Case {
    std::string pct;
    int checked;
  };
  // Every run, not only on average: a sample that happens to check nothing proves nothing.
  for (const Case& c : {Case{"0.001", 1}, Case{"10", 1}, Case{"25", 3}, Case{"50", 5}, Case{"100", 10}}) {
    for (int run = 0; run < 5; ++run) {
      CliRun r = Cli({"--vault", vault_, "verify", "--sample", c.pct, "--json"});
      ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
      nlohmann::json summary = LastLine(r.out);
      EXPECT_EQ(summary["checked"], c.checked) << "--sample " << c.pct << ": " << r.out;
      EXPECT_EQ(summary["good"], c.checked) << r.out;
      EXPECT_EQ(summary["objects"], 10) << r.out;
    }
  }
}

TEST_F(VaultCommandsTest, VerifySampleOfZeroIsAUsageError) {
  AddObjects(2);
  for (std::string pct : {"0", "0.0", "1e-400"}) {  // the last one rounds to 0
    CliRun r = Cli({"--vault", vault_, "verify", "--sample", pct});
    EXPECT_EQ(r.code, kExitUsage) << r.out;
    EXPECT_NE(r.err.find("--sample: " + pct + " is out of range: expected a number above 0, up to 100"),
              std::string::npos)
        << r.err;
  }
  CliRun tiny = Cli({"--vault", vault_, "verify", "--sample", "5e-324", "--json"});
  EXPECT_EQ(tiny.code, kExitOk) << tiny.err;
  EXPECT_EQ(LastLine(tiny.out)["checked"], 1) << tiny.out;
}

}  // namespace
}  // namespace swfvault::testing
