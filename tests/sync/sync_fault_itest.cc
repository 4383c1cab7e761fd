// A server that drops, throttles, lies and ignores Range: the sync converges and never
// publishes a wrong object (RELIABILITY 2, 6, 7).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include "api/curl_transport.h"
#include "store/blob_store_test_util.h"
#include "swfvault/clock.h"
#include "swfvault/exit_codes.h"
#include "swfvault/faulty_file_system.h"
#include "swfvault/file_system.h"
#include "swfvault/retry_policy.h"
#include "swfvault/swf_client.h"
#include "swfvault/sync_executor.h"
#include "swfvault/vault.h"
#include "sync/sync_fixture.h"

namespace swfvault::testing {
namespace {

class SyncFaultITest : public SyncFixture {};

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
  SystemClock clock;
  std::string dir = (dir_.path() / "vol").string();
  ASSERT_TRUE(Vault::Init(fs, clock, dir).ok());
  auto vault = Vault::Open(fs, clock, dir, Vault::Access::kExclusive);
  ASSERT_TRUE(vault.ok()) << vault.status().ToString();
  CurlTransportOptions o;
  o.client_cert_file = PkiDir() + "/gemeente-a.crt";
  o.client_key_file = PkiDir() + "/gemeente-a.key";
  o.ca_bundle_file = PkiDir() + "/ca.crt";
  o.oin = "00000001000000001000";
  auto transport = CurlTransport::Create(o);
  ASSERT_TRUE(transport.ok()) << transport.status().ToString();
  SwfClient client(**transport, SwfClientOptions{.base_url = emulator_->base_url()});
  SyncObserver quiet;
  SyncExecutor executor(client, **transport, (*vault)->store(), (*vault)->catalog(), RealSleeper(), quiet);
  SyncOptions options;
  options.profile_name = "gemeente-a";
  options.oin = o.oin;
  options.base_url = emulator_->base_url();
  options.samenwerking_ids = ids;
  options.transfers = 4;
  fs.FailNth(FsOp::kAppend, 10, error, /*sticky=*/true);

  SyncReport report = executor.Run(options);
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
  auto held = (*vault)->catalog().ListDocuments(ids[1]);
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(held->empty()) << "the second dossier was started";
  for (const char* sub : {"tmp", "partial"}) {
    EXPECT_TRUE(std::filesystem::is_empty(std::filesystem::path(dir) / sub)) << sub << " is not empty";
  }
}

// A vault on a disk with no byte left, for real (a small tmpfs in a mount namespace of its
// own): the catalog cannot even open its shared-memory file. Every command says the disk is
// full, with the system's reason, and exits 7; not an unexplained I/O error (exit 10).
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
                             swf + " $c --json; echo \"exit=$?\"; done\n";
  const std::string script_file = (dir_.path() / "full.sh").string();
  WriteFile(script_file, script);
  if (std::system("unshare -m --propagation private true > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "no mount namespace here (needs unshare -m)";
  }
  FILE* p = ::popen(("unshare -m --propagation private sh " + script_file + " 2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int status = ::pclose(p);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    GTEST_SKIP() << "no mount namespace with a tmpfs here (needs unshare -m and mount)";
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  size_t exits = 0;
  for (size_t at = out.find("exit="); at != std::string::npos; at = out.find("exit=", at + 1)) {
    ++exits;
    EXPECT_EQ(out.substr(at, 6), "exit=7") << out;
  }
  EXPECT_EQ(exits, 4u) << out;
  EXPECT_NE(out.find("No space left on device"), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Errno, VaultUnwritableITest, ::testing::Values(ENOSPC, EACCES, EROFS),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == ENOSPC   ? "DiskFull"
                                              : info.param == EACCES ? "PermissionDenied"
                                                                     : "ReadOnlyFileSystem");
                         });

}  // namespace
}  // namespace swfvault::testing
