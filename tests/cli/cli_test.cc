#include "swfvault/cli.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "cli/command.h"
#include "cli/output.h"
#include "support/emulator_process.h"
#include "support/in_process_cli.h"
#include "support/temp_dir.h"
#include "swfvault/exit_codes.h"
#include "swfvault/stop_flag.h"

namespace swfvault {
namespace {

using testing::CliRun;
using testing::Cli;

TEST(CliTest, UnknownOptionIsUsageErrorNamingIt) {
  CliRun r = Cli({"config", "--bogus-flag"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_NE(r.err.find("--bogus-flag"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("swfvault config --help"), std::string::npos) << r.err;
}

TEST(CliTest, NumberOptionsSayWhatWasWrongInWords) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"verify", "--sample", "abc"},
            "--sample: expected a number above 0, up to 100, got 'abc'"},
           {{"verify", "--sample", "150"},
            "--sample: 150 is out of range: expected a number above 0, up to 100"},
           {{"verify", "--sample", "nan"},
            "--sample: nan is out of range: expected a number above 0, up to 100"},
           {{"gc", "--grace-hours", "nan"},
            "--grace-hours: nan is out of range: expected a number from 0 to 1000000"},
           {{"sync", "--transfers", "0"},
            "--transfers: 0 is out of range: expected a whole number from 1 to 64"},
           {{"sync", "--transfers", "2.5"},
            "--transfers: expected a whole number from 1 to 64, got '2.5'"},
           {{"gc", "--grace-hours", "2000000"}, "expected a number from 0 to 1000000"},
           {{"mirror", "--max-upload-bytes", "0"},
            "--max-upload-bytes: 0 is out of range: expected a whole number from 1 to "
            "1099511627776"},
           // CLI11 alone reads both as the largest unsigned number: no limit at all.
           {{"mirror", "--max-upload-bytes", "-1"},
            "--max-upload-bytes: expected a whole number from 1 to 1099511627776, got '-1'"},
           {{"mirror", "--max-upload-bytes", "18446744073709551616"}, "got '18446744073709551616'"},
           {{"sync", "--transfers", "8x"},
            "--transfers: expected a whole number from 1 to 64, got '8x'"}}) {
    CliRun r = Cli(c.args);
    EXPECT_EQ(r.code, kExitUsage) << c.args[1];
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  EXPECT_NE(Cli({"verify", "--help"}).out.find("--sample FLOAT:above 0, up to 100"),
            std::string::npos);
  // A leading zero is decimal, as the check reads it (CLI11 alone takes "010" for octal 8 and
  // refuses "08"): the run gets past the command line, to the missing vault.
  CliRun leading_zero = Cli({"sync", "--transfers", "08", "SAM-1"});
  EXPECT_EQ(leading_zero.err.find("--transfers"), std::string::npos) << leading_zero.err;
  EXPECT_NE(leading_zero.err.find("no vault given"), std::string::npos) << leading_zero.err;
}

TEST(CliTest, InstantsAreReadWithTheirFractionAndOffset) {
  for (const auto& [text, seconds] :
       std::vector<std::pair<const char*, double>>{{"1970-01-01T00:00:00Z", 0},
                                                   {"2026-11-30T10:45:00Z", 1796035500},
                                                   {"2026-11-30T11:45:00+01:00", 1796035500},
                                                   {"2026-11-30T09:15:00-01:30", 1796035500},
                                                   {"2026-11-30T10:45:00.25Z", 1796035500.25}}) {
    EXPECT_EQ(IsoInstantSeconds(text), seconds) << text;
  }
  EXPECT_EQ(IsoInstantSeconds("gisteren"), std::nullopt);
}

TEST(CliTest, DurationsAreSecondsOrNumbersWithUnitsFromLargestToSmallest) {
  for (const auto& [text, seconds] : std::vector<std::pair<const char*, double>>{{"3600", 3600},
                                                                                 {"0.5", 0.5},
                                                                                 {"90s", 90},
                                                                                 {"45m", 2700},
                                                                                 {"1h30m", 5400},
                                                                                 {"1d12h", 129600},
                                                                                 {"1.5h", 5400}}) {
    EXPECT_EQ(ParseDurationSeconds(text), seconds) << text;
  }
  for (const char* bad : {"", "h", "1x", "1h30", "30m1h", "1h1h", "10ms", "1..5s", "-5m", "1 h"}) {
    EXPECT_EQ(ParseDurationSeconds(bad), std::nullopt) << "'" << bad << "'";
  }
  CliRun r = Cli({"verify", "--max-duration", "1h30"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_NE(r.err.find("--max-duration: expected a duration above 0 such as 3600, 90s, 45m, 2h or "
                       "1h30m, got '1h30'"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Cli({"verify", "--max-duration", "0s"}).code, kExitUsage);
}

TEST(CliTest, InstantsStatusesAndIdsWithFiltersAreCheckedBeforeAnythingIsSent) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c :
       std::vector<Case>{{{"notificatie", "list", "--sinds", "gisteren"},
                          "--sinds: expected an ISO 8601 instant"},
                         {{"notificatie", "list", "--tot", "2026-13-45T99:00:00Z"},
                          "--tot: expected an ISO 8601 instant"},
                         {{"notificatie", "delete", "--alle", "--tot", "yesterday"},
                          "--tot: expected an ISO 8601 instant"},
                         {{"samenwerking", "list", "--status", "BOGUS"}, "--status: BOGUS not in"},
                         {{"notificatie", "delete", "N-1", "--sinds", "2026-01-01T00:00:00Z"},
                          "ID excludes --sinds"},
                         {{"notificatie", "list", "--sinds", "2027-01-01T00:00:00Z", "--tot",
                           "2026-01-01T00:00:00Z"},
                          "--sinds 2027-01-01T00:00:00Z is not before --tot 2026-01-01T00:00:00Z"},
                         {{"notificatie", "delete", "--alle", "--sinds",
                           "2026-06-01T12:00:00+02:00", "--tot", "2026-06-01T10:00:00Z"},
                          "the window holds no instant"},
                         {{"mirror", "--max-level", "SV"}, "--max-level requires --to"}}) {
    CliRun r = Cli(c.args);
    EXPECT_EQ(r.code, kExitUsage) << c.args[2];
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
}

TEST(CliTest, HelpListsTheExitCodesAndSyncSaysHowToStopIt) {
  for (const char* command : {"ls", "verify", "document"}) {
    CliRun r = Cli({command, "--help"});
    EXPECT_NE(r.out.find("130 interrupted"), std::string::npos) << command << ": " << r.out;
  }
  CliRun sync = Cli({"sync", "--help"});
  EXPECT_NE(sync.out.find("stops the run at a safe point"), std::string::npos) << sync.out;
  EXPECT_NE(sync.out.find("Exit codes: 0 ok"), std::string::npos) << sync.out;
}

TEST(CliTest, CountedPutsTheWordInTheRightNumber) {
  EXPECT_EQ(Counted(0, "finding", "findings"), "0 findings");
  EXPECT_EQ(Counted(1, "samenwerking", "samenwerkingen"), "1 samenwerking");
  EXPECT_EQ(Counted(2, "entry", "entries"), "2 entries");
}

TEST(CliTest, MissingSubcommandIsUsageError) {
  EXPECT_EQ(Cli({}).code, kExitUsage);
}

TEST(CliTest, UnknownCommandIsNamedWithTheValidOnes) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"bogus"}, {"--quiet", "bogus"}, {"--transfers", "8", "bogus", "--dry-run"}}) {
    CliRun r = Cli(args);
    EXPECT_EQ(r.code, kExitUsage);
    EXPECT_NE(r.err.find("unknown command 'bogus'; commands: init, sync,"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("Run 'swfvault --help' for usage."), std::string::npos) << r.err;
  }
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"samenwerking", "bogus"}, {"--status", "OPEN", "samenwerking", "bogus"}}) {
    CliRun r = Cli(args);
    EXPECT_EQ(r.code, kExitUsage);
    EXPECT_NE(r.err.find("unknown command 'bogus' for 'swfvault samenwerking'; commands: start, "
                         "list, show, stop, delete"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("Run 'swfvault samenwerking --help' for usage."), std::string::npos)
        << r.err;
  }
  // No word at all where a command belongs: nothing to name.
  EXPECT_NE(Cli({"samenwerking"}).err.find("A subcommand is required"), std::string::npos);
}

// docs/cli-operations.md: errors in JSON mode are {"type":"error",...} lines, usage errors too.
TEST(CliTest, UsageErrorsInJsonModeAreErrorEvents) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"--json", "ls", "--bogus"},
            "The following argument was not expected: --bogus; run 'swfvault ls --help' for usage"},
           {{"ls", "--bogus", "--json"}, "not expected: --bogus"},
           {{"--json", "sync", "--transfers", "0"}, "--transfers: 0 is out of range"},
           {{"--json", "bogus"}, "unknown command 'bogus'"}}) {
    CliRun r = Cli(c.args);
    EXPECT_EQ(r.code, kExitUsage);
    EXPECT_EQ(r.err, "");
    // The error, then the summary every --json run ends with.
    const size_t newline = r.out.find('\n');
    ASSERT_NE(newline, std::string::npos) << r.out;
    nlohmann::json event = nlohmann::json::parse(r.out.substr(0, newline), nullptr, false);
    nlohmann::json summary = nlohmann::json::parse(r.out.substr(newline + 1), nullptr, false);
    ASSERT_TRUE(event.is_object()) << r.out;
    EXPECT_EQ(summary["type"], "summary") << r.out;
    EXPECT_EQ(summary["exitCode"], kExitUsage) << r.out;
    EXPECT_EQ(event["type"], "error");
    EXPECT_EQ(event["code"], "invalid_argument");
    EXPECT_EQ(event["exitCode"], kExitUsage);
    EXPECT_EQ(event["httpStatus"], 0);
    EXPECT_NE(event["message"].get<std::string>().find(c.message), std::string::npos) << r.out;
  }
  CliRun human = Cli({"ls", "--bogus"});
  EXPECT_EQ(human.out, "");
  EXPECT_EQ(human.err,
            "swfvault: usage error: The following argument was not expected: --bogus\n"
            "Run 'swfvault ls --help' for usage.\n");
}

TEST(CliTest, HelpOnSubcommandExitsZeroAndDescribesIt) {
  CliRun r = Cli({"config", "--help"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_NE(r.out.find("connection profiles"), std::string::npos) << r.out;
}

TEST(CliTest, GlobalOptionsWorkBeforeAndAfterSubcommand) {
  const std::string pki = testing::PkiDir();
  std::vector<std::string> flags = {
      "--base-url", "https://127.0.0.1:1/v5", "--oin", "00000001000000001000",
      "--cert",     pki + "/gemeente-a.crt",  "--key", pki + "/gemeente-a.key",
      "--ca",       pki + "/ca.crt",          "--json"};
  std::vector<std::string> before = flags, after = {"config"};
  before.push_back("config");
  after.insert(after.end(), flags.begin(), flags.end());
  CliRun b = Cli(before), a = Cli(after);
  EXPECT_EQ(b.code, kExitOk) << b.err;
  EXPECT_EQ(a.code, kExitOk) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out.find("\"type\":\"summary\""), std::string::npos) << a.out;
}

// rclone's convention: a command's own options may stand before the command as well.
TEST(CliTest, CommandOptionsWorkBeforeTheCommand) {
  testing::TempDir dir;
  const std::string vault = (dir / "v").string();
  ASSERT_EQ(Cli({"--vault", vault, "init"}).code, kExitOk);
  CliRun after = Cli({"--json", "--vault", vault, "verify", "--fast", "--sample", "50"});
  ASSERT_EQ(after.code, kExitOk) << after.err;
  EXPECT_NE(after.out.find("\"mode\":\"fast\""), std::string::npos) << after.out;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--fast", "--sample", "50", "--json", "--vault", vault, "verify"},
           {"--json", "--sample=50", "--vault", vault, "--fast", "verify"},
           {"--fast", "--json", "--vault", vault, "verify", "--sample", "50"}}) {
    CliRun before = Cli(args);
    EXPECT_EQ(before.code, kExitOk) << args[0] << ": " << before.err;
    EXPECT_EQ(before.out, after.out) << args[0];
  }
}

TEST(CliTest, OptionValuesBeforeTheCommandGoToTheCommand) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"--transfers", "0", "sync"}, "--transfers: 0 is out of range"},
           {{"--max-level", "RV", "--transfers=0", "sync", "--dry-run"}, "--transfers: 0 is out of range"},
           {{"--level", "XX", "document", "label", "DOC-1"}, "--level: XX not in {RV,SV}"},
           {{"document", "--level", "XX", "label", "DOC-1"}, "--level: XX not in {RV,SV}"}}) {
    CliRun r = Cli(c.args);
    EXPECT_EQ(r.code, kExitUsage) << c.args[0];
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("not expected"), std::string::npos) << r.err;
  }
  // A nested command's option before the group: parsing succeeds and the command runs (and
  // finds no profile to act as).
  CliRun list = Cli({"--status", "OPEN", "samenwerking", "list"});
  EXPECT_EQ(list.err.find("usage error"), std::string::npos) << list.err;
  EXPECT_NE(list.err.find("base_url"), std::string::npos) << list.err;
}

TEST(CliTest, UnknownOptionBeforeTheCommandIsNamedInTheOrderGiven) {
  CliRun r = Cli({"--bogus", "--transfers", "8", "--other", "sync"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_NE(r.err.find("not expected: --bogus --other\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("swfvault sync --help"), std::string::npos) << r.err;
}

TEST(CliTest, GroupReadableKeyIsRefused) {
  testing::TempDir dir;
  testing::WriteFile(dir / "a.crt", "x");
  testing::WriteFile(dir / "a.key", "x");
  ::chmod((dir / "a.key").c_str(), 0640);
  testing::WriteFile(dir / "ca.crt", "x");
  CliRun r = Cli({"config", "--base-url", "https://h/v5", "--oin", "00000001000000001000", "--cert",
               (dir / "a.crt").string(), "--key", (dir / "a.key").string(), "--ca",
               (dir / "ca.crt").string()});
  EXPECT_EQ(r.code, kExitAuth);
  EXPECT_NE(r.err.find("chmod 600"), std::string::npos) << r.err;
}

TEST(CliTest, BadConfigFileNamesFileAndKey) {
  testing::TempDir dir;
  testing::WriteFile(dir / "c.toml", "[profile.x]\nwhatever = 1\n");
  CliRun r = Cli({"--config", (dir / "c.toml").string(), "config"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_NE(r.err.find("whatever"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("c.toml"), std::string::npos) << r.err;
}

TEST(CliTest, ConfigShowsTheProfileThatProfileOrOinSelectsAsACommandWouldUseIt) {
  testing::TempDir dir;
  const std::string pki = testing::PkiDir();
  std::string files = "cert = \"" + pki + "/gemeente-a.crt\"\nkey = \"" + pki +
                      "/gemeente-a.key\"\nca = \"" + pki +
                      "/ca.crt\"\nbase_url = \"https://h/v5\"\n";
  testing::WriteFile(dir / "c.toml", files + "[profile.a]\noin = \"00000001000000001000\"\n"
                                             "[profile.b]\noin = \"00000001000000002000\"\n");
  std::string config = (dir / "c.toml").string();
  CliRun all = Cli({"--config", config, "--json", "config"});
  EXPECT_EQ(all.code, kExitOk) << all.err;
  EXPECT_NE(all.out.find("\"profiles\":2"), std::string::npos) << all.out;
  CliRun b = Cli({"--config", config, "--json", "config", "--profile", "b"});
  EXPECT_EQ(b.code, kExitOk) << b.err;
  EXPECT_NE(b.out.find("\"profiles\":1"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("00000001000000002000"), std::string::npos) << b.out;
  EXPECT_EQ(b.out.find("00000001000000001000"), std::string::npos) << b.out;
  // --oin picks the profile acting for that OIN, as it does for every command.
  CliRun by_oin = Cli({"--config", config, "--json", "config", "--oin", "00000001000000002000"});
  EXPECT_EQ(by_oin.code, kExitOk) << by_oin.err;
  EXPECT_NE(by_oin.out.find("\"name\":\"b\""), std::string::npos) << by_oin.out;
  EXPECT_NE(by_oin.out.find("\"profiles\":1"), std::string::npos) << by_oin.out;
  // A profile the config lacks is a bad command line: exit 2, naming --profile and the profiles.
  for (std::vector<std::string> args : {std::vector<std::string>{"config", "--profile", "nope"},
                                        std::vector<std::string>{"--profile", "nope", "samenwerking", "list"}}) {
    args.insert(args.begin(), {"--config", config});
    CliRun nope = Cli(args);
    EXPECT_EQ(nope.code, kExitUsage) << nope.err;
    EXPECT_NE(nope.err.find("--profile nope: profile 'nope' is not in the config (it has: a, b)"), std::string::npos)
        << nope.err;
  }
  CliRun bad_oin = Cli({"--config", config, "config", "--profile", "a", "--oin", "123"});
  EXPECT_EQ(bad_oin.code, kExitUsage);
  EXPECT_NE(bad_oin.err.find("123"), std::string::npos) << bad_oin.err;
}

// `config` checks the certificate as every connecting command does before it connects, and
// says how long it has left.
TEST(CliTest, ConfigRefusesAnExpiredCertificateOrAKeyOfAnotherAndGivesTheDaysLeft) {
  const std::string pki = testing::PkiDir();
  auto config = [&](const std::string& cert, const std::string& key) {
    return Cli({"--json", "config", "--base-url", "https://h/v5", "--oin", "00000001000000001000",
                "--cert", pki + "/" + cert, "--key", pki + "/" + key, "--ca", pki + "/ca.crt"});
  };
  CliRun expired = config("expired.crt", "expired.key");
  EXPECT_EQ(expired.code, kExitAuth) << expired.out;
  EXPECT_NE(expired.out.find("expired.crt has expired"), std::string::npos) << expired.out;
  CliRun mismatch = config("gemeente-a.crt", "gemeente-b.key");
  EXPECT_EQ(mismatch.code, kExitAuth) << mismatch.out;
  EXPECT_NE(mismatch.out.find("does not belong to certificate"), std::string::npos) << mismatch.out;
  CliRun fine = config("gemeente-a.crt", "gemeente-a.key");
  ASSERT_EQ(fine.code, kExitOk) << fine.out;
  nlohmann::json profile = nlohmann::json::parse(fine.out.substr(0, fine.out.find('\n')));
  ASSERT_TRUE(profile.contains("certificateDaysLeft")) << fine.out;
  EXPECT_GT(profile["certificateDaysLeft"].get<int64_t>(), 0);
}

// Every profile is shown and checked, also those after one with a problem; the run exits with
// the most urgent code, and the summary counts the problems.
TEST(CliTest, ConfigChecksEveryProfilePastOneWithAProblem) {
  const std::string pki = testing::PkiDir();
  testing::TempDir dir;
  std::string text = "base_url = \"https://h/v5\"\nca = \"" + pki + "/ca.crt\"\n";
  for (const auto& [name, cert] : {std::pair<std::string, std::string>{"a-verlopen", "expired"},
                                   {"b-gemeente", "gemeente-a"},
                                   {"c-zoek", "ontbreekt"}}) {
    text += "[profile." + name + "]\noin = \"00000001000000001000\"\ncert = \"" + pki + "/" + cert +
            ".crt\"\nkey = \"" + pki + "/" + cert + ".key\"\n";
  }
  testing::WriteFile(dir / "c.toml", text);
  CliRun r = Cli({"--config", (dir / "c.toml").string(), "--json", "config"});
  EXPECT_EQ(r.code, kExitAuth) << r.out;  // "needs a human": 4 outranks a missing file's 9
  std::vector<std::string> shown;
  nlohmann::json summary;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
    if (e.value("type", "") == "profile") shown.push_back(e.value("name", ""));
    if (e.value("type", "") == "summary") summary = e;
  }
  EXPECT_EQ(shown, (std::vector<std::string>{"a-verlopen", "b-gemeente", "c-zoek"})) << r.out;
  EXPECT_EQ(summary["problems"], 2) << r.out;
  EXPECT_EQ(summary["exitCode"], kExitAuth) << r.out;
}

TEST(CliTest, TwoMirrorTargetsOnOneFolderAreRefused) {
  testing::TempDir dir;
  std::string share = (dir / "share").string();
  testing::WriteFile(dir / "c.toml", "[[mirror]]\npath = \"" + share + "\"\nmax_level = \"RV\"\n"
                                     "[[mirror]]\npath = \"" + share + "/\"\nmax_level = \"SV\"\n");
  CliRun r = Cli({"--config", (dir / "c.toml").string(), "mirror"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_NE(r.err.find("share the folder"), std::string::npos) << r.err;
}

TEST(CliTest, OfSeveralProfilesTheCodeThatNeedsAHumanIsReported) {
  // "Retry later" and "interrupted" never hide one that needs a human, in either order.
  for (int human : {kExitPartial, kExitUsage, kExitAuth, kExitIntegrity, kExitDiskFull,
                    kExitRefused, kExitNotFound, kExitError}) {
    for (int later : {kExitOk, kExitRetryable, kExitLocked, kExitInterrupted}) {
      EXPECT_EQ(MoreUrgentExitCode(later, human), human) << later << " then " << human;
      EXPECT_EQ(MoreUrgentExitCode(human, later), human) << human << " then " << later;
    }
  }
  EXPECT_EQ(MoreUrgentExitCode(kExitOk, kExitInterrupted), kExitInterrupted);
  EXPECT_EQ(MoreUrgentExitCode(kExitInterrupted, kExitRetryable), kExitRetryable);
  EXPECT_EQ(MoreUrgentExitCode(kExitPartial, kExitAuth), kExitAuth);
  EXPECT_EQ(MoreUrgentExitCode(kExitIntegrity, kExitAuth), kExitIntegrity);
  EXPECT_EQ(MoreUrgentExitCode(kExitOk, kExitOk), kExitOk);
}

TEST(CliTest, ExitCodesAreDistinctPerFailureKind) {
  EXPECT_EQ(ExitCodeFor(Unavailable("503")), kExitRetryable);
  EXPECT_EQ(ExitCodeFor(Unauthenticated("tls")), kExitAuth);
  EXPECT_EQ(ExitCodeFor(Corruption("hash")), kExitIntegrity);
  EXPECT_EQ(ExitCodeFor(Locked("vault")), kExitLocked);
  EXPECT_EQ(ExitCodeFor(ResourceExhausted("ENOSPC")), kExitDiskFull);
  Status forbidden = PermissionDenied("not initiator");
  forbidden.set_http_status(403);
  EXPECT_EQ(ExitCodeFor(forbidden), kExitRefused);
  EXPECT_EQ(ExitCodeFor(Conflict("GEREED is final")), kExitRefused);
  EXPECT_EQ(ExitCodeFor(StoppedOnRequest("sync")), kExitInterrupted);
  // A path in the way is nothing a scheduler should retry as if the run had been stopped.
  EXPECT_EQ(ExitCodeFor(AlreadyExists("directory v is not empty and not a vault")), kExitError);
}

TEST(CliTest, LocalPermissionErrorsAreLocalErrorsNotAuthentication) {
  for (int err : {EACCES, EPERM, EROFS}) {
    Status local = ErrnoStatus(err, "/srv/vault/objects/ab");
    // Still kPermissionDenied: the mirror and the drop folders branch on it.
    EXPECT_EQ(local.code(), StatusCode::kPermissionDenied) << std::strerror(err);
    EXPECT_EQ(ExitCodeFor(local), kExitError) << std::strerror(err);
  }
  // A refused symlink in the mirror is local too.
  EXPECT_EQ(ExitCodeFor(PermissionDenied("refusing symlink /share/x")), kExitError);
  // What rightly is exit 4 stays 4.
  EXPECT_EQ(ExitCodeFor(Unauthenticated("TLS handshake failed")), kExitAuth);
  Status unauthorized = Unauthenticated("no client certificate");
  unauthorized.set_http_status(401);
  EXPECT_EQ(ExitCodeFor(unauthorized), kExitAuth);
}

// A vault path below a folder this process may not write: a read-only directory, or, for
// root (whom modes do not stop), sysfs. Empty when neither refuses here.
std::string UnwritableVaultPath(const testing::TempDir& dir) {
  if (::geteuid() != 0) {
    std::filesystem::create_directory(dir / "ro");
    ::chmod((dir / "ro").c_str(), 0555);
    return (dir / "ro" / "vault").string();
  }
  std::string probe = "/sys/swfvault-cli-test-" + std::to_string(::getpid());
  if (::mkdir(probe.c_str(), 0700) == 0) {
    ::rmdir(probe.c_str());
    return "";
  }
  return errno == EACCES || errno == EPERM || errno == EROFS ? probe : "";
}

TEST(CliTest, VaultInAFolderItMayNotWriteExitsAsLocalErrorNamingThePath) {
  testing::TempDir dir;
  std::string vault = UnwritableVaultPath(dir);
  if (vault.empty()) GTEST_SKIP() << "no folder here refuses writes";
  CliRun r = Cli({"--vault", vault, "init"});
  ::chmod((dir / "ro").c_str(), 0755);
  EXPECT_EQ(r.code, kExitError) << r.err;
  EXPECT_NE(r.err.find(vault), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("permission_denied"), std::string::npos) << r.err;
}

TEST(CliTest, EmptyOutputOfGetIsAUsageErrorNamingTheOption) {
  for (std::vector<std::string> args : {std::vector<std::string>{"get", "doc-1", "-o", ""},
                                        std::vector<std::string>{"get", "doc-1", "--output", ""},
                                        std::vector<std::string>{"get", "doc-1", "--output="}}) {
    CliRun r = Cli(args);
    EXPECT_EQ(r.code, kExitUsage) << args[2] << ": " << r.err;
    EXPECT_NE(r.err.find("--output"), std::string::npos) << r.err;
    // CLI11 itself reads "--output=" as a missing value; the others reach our check.
    if (args[2] != "--output=") {
      EXPECT_NE(r.err.find("empty path"), std::string::npos) << r.err;
    }
  }
}

// An empty value is refused wherever it stands, naming the option or argument: `--samenwerking
// "$SAM"` with $SAM unset must not pass for "no filter" (`notificatie delete --alle` would then
// empty the whole feed). Global options, options of a command and of a command in a group, and
// arguments alike.
TEST(CliTest, AnEmptyValueIsAUsageErrorNamingWhatWasEmpty) {
  struct Case {
    std::vector<std::string> args;
    std::string named;
  };
  for (const Case& c : std::vector<Case>{
           {{"notificatie", "delete", "--alle", "--samenwerking", ""}, "--samenwerking"},
           {{"--vault", "", "status"}, "--vault"},
           {{"status", "--config", ""}, "--config"},
           {{"--profile", "", "sync"}, "--profile"},
           {{"sync", "--metrics-file", "", "SAM-1"}, "--metrics-file"},
           {{"export", "SAM-1", "--format", ""}, "--format"},
           {{"mirror", "--to", ""}, "--to"},
           {{"show", ""}, "document"},
           {{"ls", ""}, "samenwerking"},
           {{"samenwerking", "start", "--verzoek", "1", "--titel", ""}, "--titel"},
           {{"document", "label", "", "--level", "RV"}, "DOC-ID"}}) {
    CliRun r = Cli(c.args);
    EXPECT_EQ(r.code, kExitUsage) << c.named << ": " << r.err;
    EXPECT_NE(r.err.find("usage error: " + c.named + ": must not be empty"), std::string::npos)
        << r.err;
  }
  // Where empty means something, it is taken: --omschrijving "" clears a description (the
  // run then stops at the missing server, not at the command line).
  CliRun clear = Cli({"document", "label", "DOC-1", "--omschrijving", ""});
  EXPECT_EQ(clear.err.find("must not be empty"), std::string::npos) << clear.err;
  EXPECT_NE(clear.err.find("no base_url"), std::string::npos) << clear.err;
}

TEST(CliTest, RefuseEmptyValuesLeavesFlagsAndWhatAllowEmptyMarked) {
  CLI::App app{"t"};
  std::string a, b, c;
  bool flag = false;
  app.add_option("--a", a);
  AllowEmpty(app.add_option("--b", b));
  app.add_flag("--flag", flag);
  CLI::App* sub = app.add_subcommand("sub");
  sub->add_option("C", c);
  RefuseEmptyValues(app);
  // CLI11 takes the arguments reversed.
  auto parse = [&](std::vector<std::string> args) {
    app.clear();
    std::reverse(args.begin(), args.end());
    app.parse(args);
  };
  b = "set";
  EXPECT_NO_THROW(parse({"--b", "", "--flag", "--a", "x"}));
  EXPECT_EQ(b, "");
  EXPECT_EQ(a, "x");
  EXPECT_THROW(parse({"--a", ""}), CLI::ValidationError);
  EXPECT_THROW(parse({"sub", ""}), CLI::ValidationError);
  EXPECT_NO_THROW(parse({"sub", "c"}));
}

}  // namespace
}  // namespace swfvault
