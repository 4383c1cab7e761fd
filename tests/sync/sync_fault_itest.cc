// A server that drops, throttles, lies and ignores Range: the sync converges and never
// publishes a wrong object (RELIABILITY 2, 6, 7).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "api/curl_transport.h"
#include "store/blob_store_test_util.h"
#include "swfvault/clock.h"
#include "swfvault/exit_codes.h"
#include "swfvault/faulty_file_system.h"
#include "swfvault/file_system.h"
#include "swfvault/hashing.h"
#include "swfvault/retry_policy.h"
#include "swfvault/swf_client.h"
#include "swfvault/sync_executor.h"
#include "swfvault/vault.h"
#include "sync/sync_fixture.h"

namespace swfvault::testing {
namespace {

class SyncFaultITest : public SyncFixture {
 protected:
  struct ScriptRun {
    bool available = false;  // false: no mount namespace here (unshare -m, mount): skip
    int exit_code = -1;
    std::string out;  // stdout and stderr
  };
  // Runs `script` with sh in a mount namespace of its own, so that what it mounts (a small
  // tmpfs, a read-only bind) vanishes with it. A script exits 77 when its mount fails.
  ScriptRun InMountNamespace(const std::string& script) {
    ScriptRun run;
    // As root a mount namespace of its own; else, where user namespaces are allowed, one in
    // a user namespace of its own (mapped to root there, which may mount a tmpfs and binds).
    std::string unshare = "unshare -m --propagation private";
    if (std::system((unshare + " true > /dev/null 2>&1").c_str()) != 0) {
      unshare = "unshare -rm --propagation private";
      if (std::system((unshare + " true > /dev/null 2>&1").c_str()) != 0) return run;
    }
    const std::string file = (dir_.path() / "namespace.sh").string();
    WriteFile(file, script);
    FILE* p = ::popen((unshare + " sh " + file + " 2>&1").c_str(), "r");
    if (p == nullptr) return run;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) run.out.append(buf, n);
    const int status = ::pclose(p);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.available = run.exit_code != 77;
    return run;
  }
};

nlohmann::json Fault(const std::string& type, nlohmann::json extra) {
  extra["type"] = type;
  return extra;
}

TEST_F(SyncFaultITest, ConvergesUnderInjectedFaultsAndNeverPublishesAWrongObject) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 30},
                                           {"minSize", 16384}, {"maxSize", 2 << 20}, {"seed", 31}});
  auto docs = RemoteDocuments(ids[0]);
  ASSERT_EQ(docs.size(), 30u);
  std::string liar = docs[0]["documentId"], etag_flipper = docs[1]["documentId"],
              short_body = docs[2]["documentId"];
  nlohmann::json faults = nlohmann::json::array({
      Fault("wrongHash", {{"documentId", liar}, {"count", -1}}),
      Fault("dropAfterBytes", {{"route", "/content$"}, {"afterBytes", 9000}, {"count", 6}}),
      Fault("status", {{"route", "/content$"}, {"status", 503}, {"count", 4}}),
      Fault("status", {{"route", "/documenten$"}, {"status", 502}, {"count", 2}}),
      Fault("retryAfter", {{"route", "/content$"}, {"retryAfter", "1"}, {"count", 2}}),
      Fault("retryAfter", {{"route", "/content$"}, {"retryAfter", "garbage"}, {"count", 1}}),
      Fault("ignoreRange", {{"count", 3}}),
      Fault("changeEtag", {{"documentId", etag_flipper}, {"count", 3}}),
      Fault("wrongContentLength", {{"documentId", short_body}, {"count", 1}}),
  });
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", faults}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  CliResult first = Swf({"sync", "--json", "--transfers", "6", ids[0]});
  std::cout << "[ figures ] run 1 under " << faults.size() << " fault rules: exit "
            << first.exit_code << ", summary " << first.Summary().dump() << "\n";
  EXPECT_EQ(first.exit_code, kExitIntegrity) << first.err;  // the lying document
  EXPECT_EQ(first.Summary()["quarantined"], 1);
  EXPECT_EQ(Query("SELECT state FROM documents WHERE document_id='" + liar + "'"),
            std::vector<std::string>{"quarantined"});
  EXPECT_EQ(Swf({"verify"}).exit_code, kExitOk);

  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
  CliResult second = Swf({"sync", "--json", ids[0]});
  ASSERT_EQ(second.exit_code, kExitOk) << second.err;
  for (const auto& d : docs) {
    EXPECT_EQ(Query("SELECT state, blob_sha256 FROM documents WHERE document_id='" +
                    d["documentId"].get<std::string>() + "'"),
              std::vector<std::string>{"present|" + d["documentHash"].get<std::string>()});
  }
  // Every object in the store is named by its true hash.
  EXPECT_EQ(Swf({"verify"}).exit_code, kExitOk);
  EXPECT_TRUE(Query("SELECT sha256 FROM blobs WHERE sha256 LIKE '0000000000%'").empty());
}

// A body longer than the listing's bestandsGrootte is cut off where the promise ends: announced
// (Content-Length) before a byte is written, and sent in chunks without a length as soon as it
// runs over. Nothing is published or kept, and once the listing tells the truth the sync
// converges.
TEST_F(SyncFaultITest, ABodyLongerThanTheListedSizeIsNeverWrittenPastThatSize) {
  std::vector<std::string> ids = Generate({{"dossiers", 1},
                                           {"documentsPerDossier", 3},
                                           {"minSize", 300000},
                                           {"maxSize", 400000},
                                           {"svShare", 0.0},
                                           {"seed", 36}});
  auto docs = RemoteDocuments(ids[0]);
  ASSERT_EQ(docs.size(), 3u);
  const std::string announced = docs[0]["documentId"], streamed = docs[1]["documentId"];
  emulator_->Admin(
      "PUT", "/_emulator/faults",
      {{"faults",
        {Fault("wrongSize", {{"documentId", announced}, {"extraBytes", 200000}, {"count", -1}}),
         Fault("wrongSize", {{"documentId", streamed}, {"extraBytes", 200000}, {"count", -1}}),
         Fault("chunked", {{"documentId", streamed}, {"count", -1}})}}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  CliResult first = Swf({"sync", "--json", ids[0]});
  EXPECT_EQ(first.exit_code, kExitIntegrity) << first.err;  // the server's error: not "retry later"
  EXPECT_EQ(first.Summary()["fetched"], 1) << first.out;
  EXPECT_EQ(first.Summary()["failed"], 2) << first.out;
  EXPECT_NE(first.out.find("document " + announced + ": the server announces"), std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("document " + streamed + ": the server sent more than the"),
            std::string::npos)
      << first.out;
  EXPECT_EQ(ObjectNames().size(), 1u);
  for (const auto& sub : {"partial", "quarantine", "tmp"}) {
    EXPECT_TRUE(FilesUnder(std::filesystem::path(VaultDir()) / sub).empty()) << sub;
  }

  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
  CliResult second = Swf({"sync", "--json", ids[0]});
  ASSERT_EQ(second.exit_code, kExitOk) << second.err;
  EXPECT_EQ(ObjectNames().size(), 3u);
  EXPECT_EQ(Swf({"verify"}).exit_code, kExitOk);
}

TEST_F(SyncFaultITest, ThrottledListingIsRetriedAfterRetryAfter) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 3}, {"seed", 32}});
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {Fault("retryAfter", {{"route", "/samenwerkingen$"},
                                                     {"retryAfter", "1"}, {"count", 2}})}}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  CliResult r = Swf({"sync", "--json"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  nlohmann::json stats = emulator_->Admin("GET", "/_emulator/stats");
  std::cout << "[ figures ] listing requests: " << stats["requests"]["/samenwerkingen"].dump() << "\n";
  EXPECT_EQ(stats["requests"]["/samenwerkingen"]["429"], 2);
}

TEST_F(SyncFaultITest, PersistentServerErrorsEndTheRunWithTheRetryableCode) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 4}, {"seed", 33}});
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {Fault("status", {{"route", "/content$"}, {"status", 503}, {"count", -1}}),
                                Fault("retryAfter", {{"route", "/nothing$"}, {"count", 0}})}}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  CliResult r = Swf({"sync", "--json", ids[0]});
  EXPECT_EQ(r.exit_code, kExitRetryable) << r.err;
  EXPECT_EQ(r.Summary()["failed"], 4);
  EXPECT_TRUE(ObjectNames().empty());
}

// A sync as gemeente-a run in this process, on a new vault at `dir` that goes through `fs` and
// waits through `sleeper`: for tests that make the file system or the clock act on cue.
struct InProcessSync {
  SystemClock clock;
  std::unique_ptr<Vault> vault;
  std::unique_ptr<CurlTransport> transport;
  std::unique_ptr<SwfClient> client;
  SyncObserver quiet;
  std::unique_ptr<SyncExecutor> executor;
  SyncOptions options;
};

void StartInProcessSync(FileSystem& fs, Sleeper& sleeper, const std::string& dir,
                        const std::string& base_url, const std::vector<std::string>& ids,
                        InProcessSync* s) {
  ASSERT_TRUE(Vault::Init(fs, s->clock, dir).ok());
  auto vault = Vault::Open(fs, s->clock, dir, Vault::Access::kExclusive);
  ASSERT_TRUE(vault.ok()) << vault.status().ToString();
  s->vault = std::move(*vault);
  CurlTransportOptions o;
  o.client_cert_file = PkiDir() + "/gemeente-a.crt";
  o.client_key_file = PkiDir() + "/gemeente-a.key";
  o.ca_bundle_file = PkiDir() + "/ca.crt";
  o.oin = "00000001000000001000";
  auto transport = CurlTransport::Create(o);
  ASSERT_TRUE(transport.ok()) << transport.status().ToString();
  s->transport = std::move(*transport);
  s->client = std::make_unique<SwfClient>(*s->transport, SwfClientOptions{.base_url = base_url});
  s->executor = std::make_unique<SyncExecutor>(*s->client, *s->transport, s->vault->store(),
                                               s->vault->catalog(), sleeper, s->quiet);
  s->options.profile_name = "gemeente-a";
  s->options.oin = o.oin;
  s->options.base_url = base_url;
  s->options.samenwerking_ids = ids;
}

// Rule 4: the first ENOSPC ends the run with the disk-full status, and so does a vault the run
// may not write (EACCES, EROFS: a unit without the vault in ReadWritePaths) with its own; no
// further download starts (not the rest of the dossier, not the next dossier) and no temp file
// stays behind. In-process, so that the vault's file system can fail on cue.
class VaultUnwritableITest : public SyncFixture, public ::testing::WithParamInterface<int> {};

TEST_P(VaultUnwritableITest, EndsTheRunAndNothingMoreIsDownloaded) {
  const int error = GetParam();
  std::vector<std::string> ids = Generate({{"dossiers", 2}, {"documentsPerDossier", 40}, {"minSize", 16384},
                                           {"maxSize", 65536}, {"svShare", 0.0}, {"seed", 35}});
  PosixFileSystem posix;
  FaultyFileSystem fs(&posix);
  std::string dir = (dir_.path() / "vol").string();
  InProcessSync run;
  ASSERT_NO_FATAL_FAILURE(
      StartInProcessSync(fs, RealSleeper(), dir, emulator_->base_url(), ids, &run));
  run.options.transfers = 4;
  fs.FailNth(FsOp::kAppend, 10, error, /*sticky=*/true);

  SyncReport report = run.executor->Run(run.options);
  EXPECT_EQ(report.fatal.code(),
            error == ENOSPC ? StatusCode::kResourceExhausted : StatusCode::kPermissionDenied)
      << report.fatal.ToString();
  EXPECT_LT(report.counts.fetched, 40);
  // The emulator counts a request once its answer is written; aborted ones may come late.
  auto content_requests_now = [&] {
    int64_t n = 0;
    nlohmann::json stats = emulator_->Admin("GET", "/_emulator/stats");
    for (const auto& [status, count] : stats["requests"]["/documenten/{id}/content"].items()) {
      n += count.get<int64_t>();
    }
    return n;
  };
  int64_t content_requests = content_requests_now();
  for (int i = 0; i < 30; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    int64_t again = content_requests_now();
    if (again == content_requests && again > 0) break;
    content_requests = again;
  }
  ASSERT_GT(content_requests, 0);
  std::cout << "[ figures ] " << std::strerror(error)
            << " at the 10th write: " << report.counts.fetched << " fetched, " << content_requests
            << " content requests of 80 documents\n";
  EXPECT_LE(content_requests, 40) << "downloads went on after the disk was full";
  auto held = run.vault->catalog().ListDocuments(ids[1]);
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(held->empty()) << "the second dossier was started";
  for (const char* sub : {"tmp", "partial"}) {
    EXPECT_TRUE(std::filesystem::is_empty(std::filesystem::path(dir) / sub)) << sub << " is not empty";
  }
}

// A clock that moves on an hour each time it is read, and waits without sleeping: as if every
// step of the run took an hour.
class HourlySleeper : public Sleeper {
 public:
  double NowSeconds() override { return now_ += 3600; }
  void SleepFor(double seconds) override { now_ += seconds; }

 private:
  double now_ = 0;
};

// Rule 7's budget is per item, from its first failure: a first pass that takes longer than the
// whole budget (a dossier of thousands of documents) still retries the items that failed in
// it. Measured from the start of the pass, every such item had used up its budget already.
TEST_F(SyncFaultITest, AFirstPassLongerThanTheBudgetStillRetriesWhatFailedInIt) {
  std::vector<std::string> ids =
      Generate({{"dossiers", 1}, {"documentsPerDossier", 6}, {"svShare", 0.0}, {"seed", 47}});
  const std::string busy = RemoteDocuments(ids[0]).back()["documentId"];
  emulator_->Admin(
      "PUT", "/_emulator/faults",
      {{"faults", {{{"type", "status"}, {"status", 503}, {"count", 1}, {"documentId", busy}}}}});
  PosixFileSystem fs;
  HourlySleeper hourly;
  InProcessSync run;
  ASSERT_NO_FATAL_FAILURE(StartInProcessSync(fs, hourly, (dir_.path() / "vault-hourly").string(),
                                             emulator_->base_url(), ids, &run));
  run.options.transfers = 2;
  run.options.retry.budget_seconds = 600;

  SyncReport report = run.executor->Run(run.options);
  EXPECT_TRUE(report.fatal.ok()) << report.fatal.ToString();
  EXPECT_EQ(report.counts.failed, 0);
  EXPECT_EQ(report.counts.fetched, 6);
  nlohmann::json faults = emulator_->Admin("GET", "/_emulator/faults");
  EXPECT_EQ(faults["faults"][0]["remaining"], 0) << faults.dump() << ": the 503 was never sent";
}

// A listing without a documentHash (or with one that is no SHA-256): the content could not be
// checked, so it is not downloaded or stored; the document fails by name and the others sync.
TEST_F(SyncFaultITest, ADocumentListedWithoutItsHashFailsByNameAndIsNotDownloaded) {
  std::vector<std::string> ids =
      Generate({{"dossiers", 1}, {"documentsPerDossier", 3}, {"svShare", 0.0}, {"seed", 39}});
  const std::string unhashed = RemoteDocuments(ids[0]).front()["documentId"];
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  emulator_->Admin("POST", "/_emulator/reset");  // the stats count from here
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "noHash"}, {"documentId", unhashed}, {"count", -1}}}}});
  CliResult r = Swf({"sync", "--json", ids[0]});
  EXPECT_EQ(r.exit_code, kExitIntegrity) << r.out;  // the server's data is wrong: a human looks
  EXPECT_EQ(r.Summary()["fetched"], 2) << r.out;
  EXPECT_EQ(r.Summary()["failed"], 1) << r.out;
  EXPECT_NE(r.out.find("document " + unhashed + ": the server lists no documentHash"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(ContentBytesSent(),
            static_cast<int64_t>(RemoteDocuments(ids[0])[1]["bestandsGrootte"].get<int64_t>() +
                                 RemoteDocuments(ids[0])[2]["bestandsGrootte"].get<int64_t>()))
      << "its content was downloaded";
}

// A server trickling a few bytes a second keeps every connection alive and would hold the run
// for ever: the stall guard (here 1 KiB/s over 2 s) cuts such transfers off, the retries give
// up, and the run ends with "retry later" instead of hanging.
TEST_F(SyncFaultITest, ATricklingServerIsCutOffByTheStallGuard) {
  std::vector<std::string> ids = Generate({{"dossiers", 1},
                                           {"documentsPerDossier", 1},
                                           {"minSize", 65536},
                                           {"maxSize", 65536},
                                           {"svShare", 0.0},
                                           {"seed", 38}});
  WriteConfig("gemeente-a", kGemeenteA, "stall_timeout = 2\n");
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "slowBody"}, {"bytesPerSecond", 200}, {"count", -1}}}}});
  const auto started = std::chrono::steady_clock::now();
  CliResult r = Swf({"sync", "--json", ids[0]});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "[ figures ] trickling server (200 B/s, 64 KiB): run ended after " << seconds
            << " s with exit " << r.exit_code << "\n";
  EXPECT_EQ(r.exit_code, kExitRetryable) << r.out;
  EXPECT_EQ(r.Summary()["failed"], 1) << r.out;
  EXPECT_EQ(ObjectNames().count(RemoteDocuments(ids[0]).front()["documentHash"]), 0u);
}

// sync --max-duration: a nightly window for a big first mirror. When the time is up the run
// stops at a safe point as after Ctrl-C (the download in flight kept as a resumable partial),
// with exit 11 and its reason, and the next run goes on where it stopped.
TEST_F(SyncFaultITest, MaxDurationStopsTheRunAtASafePointAndTheNextRunGoesOn) {
  std::vector<std::string> ids = Generate({{"dossiers", 1},
                                           {"documentsPerDossier", 1},
                                           {"minSize", 1 << 20},
                                           {"maxSize", 1 << 20},
                                           {"svShare", 0.0},
                                           {"seed", 40}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  emulator_->Admin(
      "PUT", "/_emulator/faults",
      {{"faults", {{{"type", "slowBody"}, {"bytesPerSecond", 65536}, {"count", -1}}}}});
  CliResult r = Swf({"sync", "--json", "--max-duration", "2s", ids[0]});
  EXPECT_EQ(r.exit_code, kExitTimeLimit) << r.out << r.err;
  EXPECT_EQ(r.Summary()["exitCode"], kExitTimeLimit) << r.out;
  EXPECT_EQ(r.Summary()["timeLimitReached"], true) << r.out;
  EXPECT_EQ(r.Summary()["interrupted"], 1) << r.out;
  const std::string said = r.out + r.err;
  EXPECT_NE(said.find("time limit (--max-duration 2s) reached"), std::string::npos) << said;
  EXPECT_EQ(said.find("SIGINT"), std::string::npos) << "blamed on a signal: " << said;
  EXPECT_EQ(ObjectNames().size(), 0u);

  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
  CliResult again = Swf({"sync", "--json", ids[0]});
  EXPECT_EQ(again.exit_code, kExitOk) << again.out << again.err;
  EXPECT_GT(again.Summary()["bytesResumed"].get<int64_t>(), 0) << again.out;
  EXPECT_EQ(ObjectNames().count(RemoteDocuments(ids[0]).front()["documentHash"]), 1u);
}

// A vault on a disk with no byte left, for real (a small tmpfs in a mount namespace of its
// own): the catalog cannot even open its shared-memory file. Commands that only read still
// work (the catalog opened read-only); those that must write say the disk is full, with the
// system's reason, and exit 7; not an unexplained I/O error (exit 10).
TEST_F(SyncFaultITest, AVaultOnAFullDiskSaysSoWithTheDiskFullCode) {
  const std::filesystem::path mount = dir_.path() / "full";
  std::filesystem::create_directory(mount);
  const std::string config = WriteProfilesConfig("full", (mount / "v").string(),
                                                 {{"gemeente-a", kGemeenteA, "gemeente-a"}});
  const std::string swf = std::string(SWFVAULT_CLI_BIN) + " --config " + config;
  const std::string script = "mount -t tmpfs -o size=2m tmpfs " + mount.string() +
                             " 2>/dev/null || exit 77\n" + swf +
                             " init > /dev/null || exit 78\n"
                             "dd if=/dev/zero of=" +
                             (mount / "filler").string() +
                             " bs=1k 2> /dev/null\n"
                             "for c in status ls verify sync; do " +
                             swf + " $c --json; echo \"$c: exit=$?\"; done\n";
  const ScriptRun run = InMountNamespace(script);
  if (!run.available) GTEST_SKIP() << "no mount namespace with a tmpfs here: " << run.out;
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const std::string& out = run.out;
  // What only reads the vault still does (the catalog read-only); what must write says why not.
  for (const char* line : {"status: exit=0", "ls: exit=0", "verify: exit=7", "sync: exit=7"}) {
    EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
  }
  EXPECT_NE(out.find("No space left on device"), std::string::npos) << out;
}

// gc is what makes room on a full disk, where SQLite cannot open the catalog for writing: it
// reads the catalog instead (under the runner lock) and removes what it may, here a temp file
// and a partial download, after which the commands that write work again.
TEST_F(SyncFaultITest, GcFreesSpaceOnADiskTooFullToWriteTheCatalog) {
  const std::filesystem::path mount = dir_.path() / "full";
  std::filesystem::create_directory(mount);
  const std::filesystem::path vault = mount / "v";
  const std::string config =
      WriteProfilesConfig("full", vault.string(), {{"gemeente-a", kGemeenteA, "gemeente-a"}});
  const std::string swf = std::string(SWFVAULT_CLI_BIN) + " --config " + config;
  const std::string script =
      "mount -t tmpfs -o size=2m tmpfs " + mount.string() + " 2>/dev/null || exit 77\n" + swf +
      " init > /dev/null || exit 78\n"
      "head -c 300000 /dev/urandom > " +
      (vault / "tmp" / "left-by-a-crash").string() + "\n" + "head -c 300000 /dev/urandom > " +
      (vault / "partial" / "DOC-1.part").string() + "\n" +
      "dd if=/dev/zero of=" + (mount / "filler").string() + " bs=1k 2> /dev/null\n" + swf +
      " verify > /dev/null 2>&1; echo \"before: exit=$?\"\n" + swf +
      " gc --json --grace-hours 0 --partial-max-age-hours 0; echo \"gc: exit=$?\"\n" + swf +
      " verify > /dev/null 2>&1; echo \"after: exit=$?\"\n";
  const ScriptRun run = InMountNamespace(script);
  if (!run.available) GTEST_SKIP() << "no mount namespace with a tmpfs here: " << run.out;
  ASSERT_EQ(run.exit_code, 0) << run.out;
  for (const char* line : {"before: exit=7", "gc: exit=0", "after: exit=0"}) {
    EXPECT_NE(run.out.find(line), std::string::npos) << line << "\n" << run.out;
  }
  EXPECT_NE(run.out.find("\"tempsRemoved\":1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"partialsRemoved\":1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("is full: the catalog is read"), std::string::npos) << run.out;
}

// A vault on a read-only mount (a snapshot, an auditor's copy) can still be looked at:
// status, ls, show and get read it, and verify checks it without the lock it cannot take,
// reporting a damaged object (exit 5) without moving it or recording anything.
TEST_F(SyncFaultITest, AVaultOnAReadOnlyMountCanBeReadAndVerified) {
  std::vector<std::string> ids =
      Generate({{"dossiers", 1}, {"documentsPerDossier", 3}, {"svShare", 0.0}, {"seed", 37}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync", ids[0]}).exit_code, 0);
  const std::vector<nlohmann::json> docs = RemoteDocuments(ids[0]);
  const std::string good = docs[0]["documentId"], damaged = docs[1]["documentHash"];
  const std::filesystem::path object =
      std::filesystem::path(VaultDir()) / "objects" / damaged.substr(0, 2) / damaged;
  std::filesystem::permissions(object, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  { std::ofstream(object, std::ios::app) << "x"; }
  const std::string events = "SELECT count(*) FROM events";
  const std::vector<std::string> events_before = Query(events);

  const std::filesystem::path ro = dir_.path() / "ro";
  std::filesystem::create_directory(ro);
  const std::string swf = std::string(SWFVAULT_CLI_BIN) + " --vault " + ro.string();
  const std::string copy = (dir_.path() / "copy.bin").string();
  const ScriptRun run = InMountNamespace(
      "mount --bind " + VaultDir() + " " + ro.string() + " && mount -o remount,ro,bind " +
      ro.string() + " || exit 77\n" + "touch " + ro.string() +
      "/probe 2> /dev/null && exit 77\n"  // not read-only after all
      "for c in status ls 'show " +
      good + "' 'get " + good + " -o " + copy + "' verify; do " + swf +
      " $c > /dev/null 2>&1; echo \"$c: exit=$?\"; done\n");
  if (!run.available) GTEST_SKIP() << "no read-only bind mount here: " << run.out;
  ASSERT_EQ(run.exit_code, 0) << run.out;
  for (const std::string& line : {std::string("status: exit=0"), std::string("ls: exit=0"),
                                  "show " + good + ": exit=0", std::string("verify: exit=5")}) {
    EXPECT_NE(run.out.find(line), std::string::npos) << line << "\n" << run.out;
  }
  EXPECT_NE(run.out.find("get " + good + " -o " + copy + ": exit=0"), std::string::npos) << run.out;
  EXPECT_EQ(Sha256Hex(ReadFile(copy)), docs[0]["documentHash"]);
  EXPECT_TRUE(std::filesystem::exists(object)) << "moved aside on a read-only vault";
  EXPECT_EQ(Query(events), events_before);
}

INSTANTIATE_TEST_SUITE_P(Errno, VaultUnwritableITest, ::testing::Values(ENOSPC, EACCES, EROFS),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == ENOSPC   ? "DiskFull"
                                              : info.param == EACCES ? "PermissionDenied"
                                                                     : "ReadOnlyFileSystem");
                         });

}  // namespace
}  // namespace swfvault::testing
