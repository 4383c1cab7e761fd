// The commands on the local vault (init, verify, gc, ...) through RunCliWith, on a vault made
// in a temp dir: no emulator needed.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/wiring.h"
#include "store/blob_store_test_util.h"
#include "support/in_process_cli.h"
#include "support/raw_sqlite.h"
#include "swfvault/catalog.h"
#include "swfvault/cli.h"
#include "swfvault/clock.h"
#include "swfvault/exit_codes.h"
#include "swfvault/vault_lock.h"

namespace swfvault::testing {
namespace {


// The last line of JSON output, which every reporting command makes its summary.
nlohmann::json LastLine(const std::string& out) {
  std::string text = out;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return nlohmann::json::parse(text.substr(text.rfind('\n') + 1), nullptr, false);
}


int64_t RawInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  int64_t out = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    out = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
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

// --sample goes round: each run takes the objects checked longest ago (never checked first), so
// runs of 30% cover all 10 objects in four runs, and the fifth starts over with the oldest.
TEST_F(VaultCommandsTest, VerifySampleTakesTheLeastRecentlyCheckedObjectsFirst) {
  AddObjects(10);
  const std::string catalog = (std::filesystem::path(vault_) / "catalog.db").string();
  auto distinct_checked = [&] {
    return RawInt(catalog, "SELECT count(DISTINCT sha256) FROM events WHERE kind = 'verified'");
  };
  for (int64_t expected : {3, 6, 9, 10}) {
    CliRun r = Cli({"--vault", vault_, "verify", "--sample", "30", "--json"});
    ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
    EXPECT_EQ(LastLine(r.out)["checked"], 3) << r.out;
    EXPECT_EQ(distinct_checked(), expected);
  }
  // The fifth run takes the three whose last check is oldest (each was checked once or twice).
  const std::string before = std::to_string(RawInt(catalog, "SELECT max(event_id) FROM events"));
  CliRun fifth = Cli({"--vault", vault_, "verify", "--sample", "30", "--json"});
  ASSERT_EQ(fifth.code, kExitOk) << fifth.err;
  EXPECT_EQ(
      RawInt(
          catalog,
          "SELECT count(*) FROM events WHERE kind = 'verified' AND event_id > " + before +
              " AND sha256 IN (SELECT sha256 FROM events WHERE kind = 'verified' AND event_id <= " +
              before + " GROUP BY sha256 ORDER BY max(event_id) LIMIT 3)"),
      3);
}

// Every summary holds the run's exit code, a success's too, so a script reads one field.
TEST_F(VaultCommandsTest, EverySuccessfulSummaryHoldsExitCodeZero) {
  AddObjects(1);
  for (const char* command : {"init", "status", "ls", "gc", "verify"}) {
    CliRun r = Cli({"--vault", vault_, "--json", command});
    ASSERT_EQ(r.code, kExitOk) << command << ": " << r.out << r.err;
    const nlohmann::json last = LastLine(r.out);
    EXPECT_EQ(last.value("type", ""), "summary") << command << ": " << r.out;
    EXPECT_EQ(last.value("exitCode", -1), 0) << command << ": " << r.out;
  }
}

// A store with nothing in it has nothing to sample: every combination checks 0 objects, exit 0.
TEST_F(VaultCommandsTest, VerifyOfAnEmptyStoreChecksNothingAndSucceeds) {
  for (std::vector<std::string> args : {std::vector<std::string>{},
                                        {"--sample", "10"},
                                        {"--max-duration", "1h"},
                                        {"--sample", "10", "--max-duration", "1h"}}) {
    args.insert(args.begin(), {"--vault", vault_, "verify", "--json"});
    CliRun r = Cli(args);
    EXPECT_EQ(r.code, kExitOk) << r.out;
    EXPECT_EQ(LastLine(r.out)["checked"], 0) << r.out;
  }
}

// An object verify may not read (EACCES, for a user without the rights) was not found bad:
// counted as unreadable and exit 10, not an integrity alarm (exit 5) over content nobody
// looked at, and nothing is moved to quarantine/. Root reads everything, so the check runs as
// nobody (setpriv).
TEST_F(VaultCommandsTest, AnObjectVerifyMayNotReadIsUnreadableNotBad) {
  if (::geteuid() != 0 || std::system("setpriv --version > /dev/null 2>&1") != 0 ||
      !std::filesystem::exists(SWFVAULT_CLI_BIN)) {
    GTEST_SKIP() << "needs root, setpriv and the swfvault binary (not built by a --unit run) "
                    "to run verify as another user";
  }
  AddObjects(3);
  const std::vector<std::string> objects = FilesUnder(std::filesystem::path(vault_) / "objects");
  ASSERT_EQ(objects.size(), 3u);
  namespace fs = std::filesystem;
  fs::permissions(dir_.path(), fs::perms::all);
  for (const auto& e : fs::recursive_directory_iterator(vault_)) {
    fs::permissions(e.path(), fs::perms::all);
  }
  fs::permissions(vault_, fs::perms::all);
  fs::permissions(objects.front(), fs::perms::none);
  const std::string out = (dir_.path() / "verify.json").string();
  const int status = std::system(("setpriv --reuid=65534 --regid=65534 --clear-groups " +
                                  std::string(SWFVAULT_CLI_BIN) + " --vault " + vault_ +
                                  " verify --json > " + out + " 2>&1")
                                     .c_str());
  ASSERT_TRUE(WIFEXITED(status)) << status;
  const std::string text = ReadFile(out);
  EXPECT_EQ(WEXITSTATUS(status), kExitError) << text;
  const nlohmann::json summary = LastLine(text);
  EXPECT_EQ(summary["unreadable"], 1) << text;
  EXPECT_EQ(summary["bad"], 0) << text;
  EXPECT_EQ(summary["good"], 2) << text;
  EXPECT_EQ(summary["exitCode"], kExitError) << text;
  EXPECT_TRUE(FilesUnder(fs::path(vault_) / "quarantine").empty());
  EXPECT_TRUE(fs::exists(objects.front()));
}

// Without its catalog a vault has lost its record of every document: no command may make an
// empty one, or gc would take every object for an orphan and the ceiling would be forgotten.
// A catalog.db cut to 0 bytes is the same loss (SQLite would take it for a new database).
TEST_F(VaultCommandsTest, AVaultWhoseCatalogIsGoneOrEmptiedIsRefusedAndGcRemovesNothing) {
  AddObjects(3);
  const std::filesystem::path catalog = std::filesystem::path(vault_) / "catalog.db";
  for (const bool emptied : {false, true}) {
    for (const char* f : {"catalog.db", "catalog.db-wal", "catalog.db-shm"}) {
      std::filesystem::remove(std::filesystem::path(vault_) / f);
    }
    if (emptied) WriteFile(catalog, "");
    for (std::vector<std::string> args : {std::vector<std::string>{"status"},
                                          {"verify"},
                                          {"gc", "--grace-hours", "0"},
                                          {"ls"},
                                          {"init"}}) {
      args.insert(args.begin(), {"--vault", vault_});
      CliRun r = Cli(args);
      EXPECT_EQ(r.code, kExitIntegrity) << args[2] << ": " << r.out;
      EXPECT_NE(r.err.find(emptied ? "has an empty catalog.db (0 bytes)" : "has no catalog.db"),
                std::string::npos)
          << args[2] << ": " << r.err;
    }
    EXPECT_EQ(std::filesystem::exists(catalog), emptied);
    if (emptied) {
      EXPECT_EQ(std::filesystem::file_size(catalog), 0u);
    }
  }
  // An emptied file beside a write-ahead log: refused too, the log kept (SQLite would delete
  // it on opening), and the error says to keep it.
  WriteFile(std::filesystem::path(vault_) / "catalog.db-wal", "pages");
  for (const char* command : {"status", "init"}) {
    CliRun r = Cli({"--vault", vault_, command});
    EXPECT_EQ(r.code, kExitIntegrity) << command << ": " << r.err;
    EXPECT_NE(r.err.find("keep catalog.db-wal beside it"), std::string::npos) << r.err;
    EXPECT_EQ(ReadFile(std::filesystem::path(vault_) / "catalog.db-wal"), "pages");
    EXPECT_EQ(FilesUnder(std::filesystem::path(vault_) / "objects").size(), 3u);
  }
}

// The VAULT marker is written last: an init that stopped before it is finished by the next
// one, while a folder holding anything else is still refused.
TEST_F(VaultCommandsTest, InitFinishesAnInitThatStoppedBeforeItsMarker) {
  std::filesystem::remove(std::filesystem::path(vault_) / "VAULT");
  // Killed while writing the marker: its temp file is there too.
  std::ofstream(std::filesystem::path(vault_) / ".atomic-k1ll3d.tmp") << "swfvault va";
  EXPECT_NE(Cli({"--vault", vault_, "status"}).code, kExitOk);
  CliRun again = Cli({"--vault", vault_, "init"});
  ASSERT_EQ(again.code, kExitOk) << again.err;
  EXPECT_EQ(Cli({"--vault", vault_, "status"}).code, kExitOk);
  const std::string other = (dir_.path() / "other").string();
  std::filesystem::create_directories(std::filesystem::path(other) / "objects");
  std::ofstream(std::filesystem::path(other) / "notes.txt") << "mine";
  CliRun refused = Cli({"--vault", other, "init"});
  EXPECT_NE(refused.code, kExitOk);
  EXPECT_NE(refused.err.find("is not empty and not a vault"), std::string::npos) << refused.err;
}

// Every --json run ends with a summary line, also one that failed before it got to its own: a
// script reading the last line always finds the exit code there.
TEST_F(VaultCommandsTest, AFailedJsonRunEndsWithASummaryThatHoldsItsExitCode) {
  CliRun unknown = Cli({"--vault", vault_, "show", "no-such-document", "--json"});
  EXPECT_EQ(unknown.code, kExitNotFound) << unknown.out;
  nlohmann::json last = LastLine(unknown.out);
  EXPECT_EQ(last["type"], "summary") << unknown.out;
  EXPECT_EQ(last["exitCode"], kExitNotFound);
  EXPECT_EQ(last["command"], "show");
  EXPECT_NE(unknown.out.find("\"type\":\"error\""), std::string::npos) << unknown.out;
  CliRun fine = Cli({"--vault", vault_, "status", "--json"});
  ASSERT_EQ(fine.code, kExitOk);
  EXPECT_EQ(fine.out.find("\"command\":\"swfvault status\""), std::string::npos)
      << "a run that wrote its own summary gets no second one: " << fine.out;
}

// A --profile the config lacks is a usage error for every command, also one that needs no
// profile: a typo must not pass for a run as that organisation.
TEST_F(VaultCommandsTest, AProfileTheConfigLacksIsAUsageErrorForEveryCommand) {
  const std::string config = (dir_.path() / "swfvault.toml").string();
  std::ofstream(config) << "vault = \"" << vault_
                        << "\"\n[profile.gemeente-a]\noin = \"00000001000000001000\"\n";
  for (const char* command : {"status", "verify", "ls"}) {
    CliRun r = Cli({"--config", config, "--profile", "gemeente-b", command});
    EXPECT_EQ(r.code, kExitUsage) << command << ": " << r.err;
    EXPECT_NE(r.err.find("--profile gemeente-b: profile 'gemeente-b' is not in the config (it has: "
                         "gemeente-a)"),
              std::string::npos)
        << r.err;
  }
  EXPECT_EQ(Cli({"--config", config, "--profile", "gemeente-a", "status"}).code, kExitOk);
}

// --max-duration stops at the first object after the limit, always after at least one, exits 0
// when what it checked was good, and the next run starts where this one stopped: with a limit
// far below one object's check, 10 runs check each of the 10 objects once.
TEST_F(VaultCommandsTest, VerifyMaxDurationStopsInTimeAndTheNextRunContinues) {
  AddObjects(10);
  const std::string catalog = (std::filesystem::path(vault_) / "catalog.db").string();
  for (int run = 1; run <= 10; ++run) {
    CliRun r = Cli({"--vault", vault_, "verify", "--max-duration", "0.000001", "--json"});
    ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
    nlohmann::json summary = LastLine(r.out);
    EXPECT_EQ(summary["checked"], 1) << r.out;
    EXPECT_EQ(summary["timeLimitReached"], true) << r.out;
    EXPECT_EQ(summary["interrupted"], false) << r.out;
    EXPECT_EQ(RawInt(catalog, "SELECT count(DISTINCT sha256) FROM events WHERE kind = 'verified'"),
              run);
  }
  CliRun human = Cli({"--vault", vault_, "verify", "--max-duration", "0.000001"});
  EXPECT_EQ(human.code, kExitOk) << human.err;
  EXPECT_NE(human.out.find("time limit (--max-duration 0.000001) reached after 1 of 10 objects"),
            std::string::npos)
      << human.out;
  // A limit the run stays within checks everything and says nothing of it.
  CliRun all = Cli({"--vault", vault_, "verify", "--max-duration", "1d", "--json"});
  ASSERT_EQ(all.code, kExitOk) << all.err;
  EXPECT_EQ(LastLine(all.out)["checked"], 10) << all.out;
  EXPECT_EQ(LastLine(all.out)["timeLimitReached"], false) << all.out;
}

// verify moves only what a sync can fetch again. Here no document refers to the objects (blobs
// recorded without documents), so a damaged one stays where it is; and an object whose bytes
// still match its name while the catalog's XXH3 does not is the catalog's error: it stays too.
TEST_F(VaultCommandsTest, VerifyLeavesInPlaceWhatNoSyncCanFetchAgainAndWhatOnlyTheCatalogGotWrong) {
  AddObjects(2);
  const std::string db = vault_ + "/catalog.db";
  const std::string damaged = RawQuery(db, "SELECT sha256 FROM blobs ORDER BY sha256 LIMIT 1");
  const std::string misrecorded =
      RawQuery(db, "SELECT sha256 FROM blobs ORDER BY sha256 DESC LIMIT 1");
  const std::filesystem::path objects = std::filesystem::path(vault_) / "objects";
  FlipByte((objects / damaged.substr(0, 2) / damaged).string(), 10);
  ASSERT_EQ(
      RawExec(db, "UPDATE blobs SET xxh3 = '00000000000000000000000000000000' WHERE sha256 = '" +
                      misrecorded + "'"),
      SQLITE_OK);
  CliRun r = Cli({"--vault", vault_, "verify", "--fast", "--json"});
  EXPECT_EQ(r.code, kExitIntegrity) << r.out;
  EXPECT_EQ(LastLine(r.out)["bad"], 2) << r.out;
  EXPECT_NE(r.out.find("no present document refers to it"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("its bytes still match its name, so the catalog's record of it is wrong"),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(std::filesystem::exists(objects / damaged.substr(0, 2) / damaged));
  EXPECT_TRUE(std::filesystem::exists(objects / misrecorded.substr(0, 2) / misrecorded));
  EXPECT_TRUE(FilesUnder(std::filesystem::path(vault_) / "quarantine").empty());
}

TEST_F(VaultCommandsTest, VerifySampleOfZeroOrAboveAHundredIsAUsageError) {
  AddObjects(2);
  // 1e-400 rounds to 0. One message for every refused value, naming the range allowed.
  for (std::string pct : {"0", "0.0", "1e-400", "-5", "100.5", "101", "vijf"}) {
    CliRun r = Cli({"--vault", vault_, "verify", "--sample", pct});
    EXPECT_EQ(r.code, kExitUsage) << r.out;
    const std::string said =
        pct == "vijf"
            ? "--sample: expected a number above 0, up to 100, got 'vijf'"
            : "--sample: " + pct + " is out of range: expected a number above 0, up to 100";
    EXPECT_NE(r.err.find(said), std::string::npos) << r.err;
  }
  CliRun tiny = Cli({"--vault", vault_, "verify", "--sample", "5e-324", "--json"});
  EXPECT_EQ(tiny.code, kExitOk) << tiny.err;
  EXPECT_EQ(LastLine(tiny.out)["checked"], 1) << tiny.out;
}

TEST_F(VaultCommandsTest, CatalogFromANewerSwfvaultIsALocalErrorSayingSo) {
  ASSERT_EQ(RawExec(vault_ + "/catalog.db", "INSERT INTO schema_version VALUES (99, 'future')"), SQLITE_OK);
  for (const char* command : {"status", "verify", "gc"}) {
    CliRun r = Cli({"--vault", vault_, command});
    EXPECT_EQ(r.code, kExitError) << command << ": " << r.err;
    EXPECT_NE(r.err.find("made by a newer swfvault"), std::string::npos) << r.err;
  }
}

TEST_F(VaultCommandsTest, VaultMarkerOfANewerFormatIsRefusedSayingSo) {
  WriteFile(std::filesystem::path(vault_) / "VAULT", "swfvault vault 2\n");
  for (const char* command : {"status", "verify", "gc", "init"}) {
    CliRun r = Cli({"--vault", vault_, command});
    EXPECT_EQ(r.code, kExitError) << command << ": " << r.err;
    EXPECT_NE(r.err.find("format 2, made by a newer swfvault"), std::string::npos) << r.err;
  }
}

// A damaged marker: no command opens the folder, and none advises `init`, which refuses a
// folder that holds other things; the error says what the marker should read.
TEST_F(VaultCommandsTest, VaultMarkerWithOtherTextIsRefusedSayingWhatItShouldRead) {
  for (const char* text : {"", "swfvault vault\n", "swfvault vault 0\n", "swfvault vault 1x\n",
                           "swfvault vault -1\n", "swfvault vault 01\n", "hello\n"}) {
    WriteFile(std::filesystem::path(vault_) / "VAULT", text);
    for (const char* command : {"status", "init"}) {
      CliRun r = Cli({"--vault", vault_, command});
      EXPECT_EQ(r.code, kExitIntegrity) << "'" << text << "': " << r.err;
      EXPECT_NE(r.err.find("its VAULT file does not hold a vault marker (expected 'swfvault "
                           "vault 1')"),
                std::string::npos)
          << r.err;
      EXPECT_EQ(r.err.find("run 'swfvault init"), std::string::npos) << r.err;
    }
  }
  // The marker init writes, with or without its newline, opens.
  for (const char* text : {"swfvault vault 1\n", "swfvault vault 1"}) {
    WriteFile(std::filesystem::path(vault_) / "VAULT", text);
    EXPECT_EQ(Cli({"--vault", vault_, "status"}).code, kExitOk) << text;
  }
}

TEST_F(VaultCommandsTest, VerifyReportsACleanCatalog) {
  AddObjects(2);
  for (const char* mode : {"--json", "--fast"}) {
    CliRun r = Cli({"--vault", vault_, "verify", "--json", mode});
    ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
    EXPECT_EQ(LastLine(r.out)["catalog"], "ok") << r.out;
  }
}

// Zeroes the root page of an index nothing verify reads or writes (berichten), as a torn write
// or a bad sector would: only the catalog check can find it.
TEST_F(VaultCommandsTest, VerifyFindsADamagedCatalogPage) {
  AddObjects(2);
  std::string db = vault_ + "/catalog.db";
  ASSERT_EQ(RawExec(db, "PRAGMA wal_checkpoint(TRUNCATE)"), SQLITE_OK);
  int64_t root = RawInt(db, "SELECT rootpage FROM sqlite_schema WHERE name = 'berichten_by_actieverzoek'");
  int64_t page_size = RawInt(db, "PRAGMA page_size");
  ASSERT_GT(root, 1);
  ASSERT_GT(page_size, 0);
  {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((root - 1) * page_size);
    std::string zeros(static_cast<size_t>(page_size), '\0');
    f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
    ASSERT_TRUE(f.good());
  }
  for (const char* mode : {"--sample=100", "--fast"}) {
    CliRun text = Cli({"--vault", vault_, "verify", mode});
    EXPECT_EQ(text.code, kExitIntegrity) << mode << ": " << text.err << text.out;
    EXPECT_NE(text.err.find("BAD catalog: catalog integrity check failed"), std::string::npos) << text.err;
    EXPECT_NE(text.out.find("catalog CORRUPT"), std::string::npos) << text.out;
    CliRun json = Cli({"--vault", vault_, "verify", "--json", mode});
    EXPECT_EQ(json.code, kExitIntegrity) << json.out;
    EXPECT_EQ(LastLine(json.out)["catalog"], "corrupt") << json.out;
    EXPECT_EQ(LastLine(json.out)["good"], 2) << json.out;  // the objects were still checked
    EXPECT_NE(json.out.find(R"("type":"catalog")"), std::string::npos) << json.out;
  }
}

// Temp files and orphan objects share one boundary: at least the grace old. So a grace of 0
// removes both, even what was written this very second.
TEST_F(VaultCommandsTest, GcGraceZeroRemovesFreshTempsAndOrphansAlike) {
  {
    auto vault = OpenVault(vault_, Vault::Access::kExclusive);
    ASSERT_TRUE(vault.ok()) << vault.status().ToString();
    std::string data = Content(100, 7);
    auto writer = (*vault)->store().BeginWrite();
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append(data).ok());
    ASSERT_TRUE((*writer)->Commit(Sha256Hex(data), data.size()).ok());  // never recorded: an orphan
  }
  WriteFile(std::filesystem::path(vault_) / "tmp" / "blob-fresh.tmp", "x");
  CliRun r = Cli({"--vault", vault_, "gc", "--grace-hours", "0", "--json"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(LastLine(r.out)["tempsRemoved"], 1) << r.out;
  EXPECT_EQ(LastLine(r.out)["orphanObjectsRemoved"], 1) << r.out;
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(vault_) / "tmp" / "blob-fresh.tmp"));
}

// status counts what quarantine/ holds; gc keeps it as evidence unless
// --quarantine-max-age-hours is given, and then removes only what is that old.
TEST_F(VaultCommandsTest, QuarantineIsCountedByStatusAndRemovedByGcOnlyWhenAsked) {
  const std::filesystem::path quarantine = std::filesystem::path(vault_) / "quarantine";
  WriteFile(quarantine / "old.bad", std::string(300, 'o'));
  WriteFile(quarantine / "new.bad", std::string(20, 'n'));
  auto two_days_ago = std::filesystem::file_time_type::clock::now() - std::chrono::hours(48);
  std::filesystem::last_write_time(quarantine / "old.bad", two_days_ago);
  CliRun status = Cli({"--vault", vault_, "status", "--json"});
  ASSERT_EQ(status.code, kExitOk) << status.err;
  EXPECT_EQ(LastLine(status.out)["quarantineFiles"], 2) << status.out;
  EXPECT_EQ(LastLine(status.out)["quarantineBytes"], 320) << status.out;
  CliRun text = Cli({"--vault", vault_, "status"});
  EXPECT_NE(text.out.find("quarantine     2 files (320 bytes;"), std::string::npos) << text.out;

  CliRun keep = Cli({"--vault", vault_, "gc", "--grace-hours", "0", "--json"});
  ASSERT_EQ(keep.code, kExitOk) << keep.err;
  EXPECT_EQ(LastLine(keep.out)["quarantinedRemoved"], 0) << keep.out;
  CliRun aged = Cli({"--vault", vault_, "gc", "--quarantine-max-age-hours", "24", "--json"});
  ASSERT_EQ(aged.code, kExitOk) << aged.err;
  EXPECT_EQ(LastLine(aged.out)["quarantinedRemoved"], 1) << aged.out;
  EXPECT_FALSE(std::filesystem::exists(quarantine / "old.bad"));
  EXPECT_TRUE(std::filesystem::exists(quarantine / "new.bad"));
}

// A partial download nothing has written to for longer than --partial-max-age-hours goes, with
// its journal row; a recent one stays, and without the option every partial stays.
TEST_F(VaultCommandsTest, GcRemovesPartialsOlderThanTheMaxAgeOnlyWhenAsked) {
  std::filesystem::path old_part, new_part;
  {
    auto vault = OpenVault(vault_, Vault::Access::kExclusive);
    ASSERT_TRUE(vault.ok()) << vault.status().ToString();
    for (const char* id : {"DOC-OUD", "DOC-NIEUW"}) {
      auto writer = (*vault)->store().OpenPartial(id, "etag");
      ASSERT_TRUE(writer.ok()) << writer.status().ToString();
      ASSERT_TRUE((*writer)->Append(Content(1000, 3)).ok());
      ASSERT_TRUE((*vault)->catalog().RecordPartial({id, "\"other\"", (*writer)->path(), 1000, ""}).ok());
      (std::string(id) == "DOC-OUD" ? old_part : new_part) = (*writer)->path();
    }
  }
  auto two_hours_ago = std::filesystem::file_time_type::clock::now() - std::chrono::hours(2);
  std::filesystem::last_write_time(old_part, two_hours_ago);
  CliRun keep = Cli({"--vault", vault_, "gc", "--json"});
  ASSERT_EQ(keep.code, kExitOk) << keep.err;
  EXPECT_EQ(LastLine(keep.out)["partialsRemoved"], 0);
  EXPECT_TRUE(std::filesystem::exists(old_part));

  CliRun r = Cli({"--vault", vault_, "gc", "--partial-max-age-hours", "1", "--json"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(LastLine(r.out)["partialsRemoved"], 1) << r.out;
  EXPECT_FALSE(std::filesystem::exists(old_part));
  EXPECT_TRUE(std::filesystem::exists(new_part));
  auto vault = OpenVault(vault_, Vault::Access::kReadOnly);
  ASSERT_TRUE(vault.ok());
  EXPECT_FALSE((*vault)->catalog().GetPartial("DOC-OUD")->has_value());
  EXPECT_TRUE((*vault)->catalog().GetPartial("DOC-NIEUW")->has_value());
}

// A reader must not migrate the catalog while another run holds the vault (RELIABILITY rule 5).
TEST_F(VaultCommandsTest, ReaderMigratesAnOldCatalogOnlyUnderTheLock) {
  std::string db = vault_ + "/catalog.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  {
    FakeClock clock;
    ASSERT_TRUE(Catalog::OpenAtVersion(db, &clock, 2).ok());
  }
  {
    Result<VaultLock> sync_running = VaultLock::Acquire(RealFileSystem(), vault_);
    ASSERT_TRUE(sync_running.ok()) << sync_running.status().ToString();
    CliRun r = Cli({"--vault", vault_, "status"});
    EXPECT_EQ(r.code, kExitLocked) << r.err;
    EXPECT_NE(r.err.find("needs an upgrade"), std::string::npos) << r.err;
    EXPECT_EQ(RawInt(db, "SELECT MAX(version) FROM schema_version"), 2);
  }
  CliRun r = Cli({"--vault", vault_, "status"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(RawInt(db, "SELECT MAX(version) FROM schema_version"), Catalog::LatestVersion());
}

}  // namespace
}  // namespace swfvault::testing
