// SIGKILL at chosen and random moments of a sync: the vault stays verifiable, the catalog
// stays consistent, and the next run converges without fetching twice (RELIABILITY 1, 5, 6).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <random>
#include <thread>

#include "support/https_client.h"
#include "swfvault/blob_store.h"
#include "swfvault/exit_codes.h"
#include "sync/sync_fixture.h"

namespace swfvault::testing {
namespace {

class SyncCrashITest : public SyncFixture {
 protected:
  // Runs `swfvault args...` against bodies throttled to 1 MiB/s, stops it with SIGINT once
  // 256 KiB of partial download are on disk, then clears the faults. Use it under
  // ASSERT_NO_FATAL_FAILURE.
  void StopDuringDownload(const std::vector<std::string>& args) {
    emulator_->Admin(
        "PUT", "/_emulator/faults",
        {{"faults", {{{"type", "slowBody"}, {"bytesPerSecond", 1 << 20}, {"count", -1}}}}});
    Signalled stopped = SignalWhen(
        args, [&] { return PartialBytes() >= (256u << 10); }, SIGINT, std::chrono::milliseconds(20),
        std::chrono::seconds(60));
    emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
    ASSERT_TRUE(stopped.was_running) << "the download finished before it could be stopped";
    EXPECT_EQ(stopped.result.exit_code, kExitInterrupted) << stopped.result.out;
    ASSERT_GT(PartialBytes(), 0u) << "no partial download kept to test with";
  }

  uint64_t PartialBytes() {
    uint64_t total = 0;
    std::filesystem::path dir = std::filesystem::path(VaultDir()) / "partial";
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.is_regular_file(ec)) total += e.file_size(ec);
    }
    return total;
  }
};

TEST_F(SyncCrashITest, KillDuringOneGibDownloadThenResumeFetchesAtMostOneExtraMib) {
  constexpr int64_t kSize = int64_t{1} << 30;
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 1},
                                           {"minSize", kSize}, {"maxSize", kSize}, {"seed", 21}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  // Throttled so that little sits in socket buffers when the runner dies: what is in flight
  // is the rate times how long the runner last waited for a core. At 150 MiB/s a runner that
  // other tests kept off the CPU for 10 ms lost more than 1 MiB; at 16 MiB/s that takes 60 ms.
  emulator_->Admin("POST", "/_emulator/reset");
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "slowBody"}, {"bytesPerSecond", 16 << 20}, {"count", -1}}}}});
  Signalled killed = SignalWhen({"sync", ids[0]}, [&] { return PartialBytes() >= (48u << 20); },
                                SIGKILL, std::chrono::milliseconds(20), std::chrono::seconds(120));
  ASSERT_TRUE(killed.was_running) << "the download finished before it could be killed";
  EXPECT_EQ(killed.result.exit_code, -SIGKILL);
  uint64_t kept = PartialBytes();
  int64_t first_run = ContentBytesSent();
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
  CliResult resumed = Swf({"sync", "--json", ids[0]});
  ASSERT_EQ(resumed.exit_code, kExitOk) << resumed.err;
  int64_t total = ContentBytesSent();
  std::cout << "[ figures ] 1 GiB download killed at " << kept << " bytes on disk; first run sent "
            << first_run << ", total sent " << total << " (limit " << kSize + (1 << 20) << ")\n";
  EXPECT_EQ(resumed.Summary()["bytesResumed"].get<int64_t>(), static_cast<int64_t>(kept));
  EXPECT_LE(total, kSize + (1 << 20));
  CliResult verify = Swf({"verify", "--json"});
  EXPECT_EQ(verify.exit_code, kExitOk) << verify.err;
  EXPECT_EQ(PartialBytes(), 0u);
}

TEST_F(SyncCrashITest, APartialDownloadOfADocumentRaisedAboveTheCeilingIsDiscarded) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 1}, {"minSize", 4 << 20},
                                           {"maxSize", 4 << 20}, {"svShare", 0.0}, {"seed", 24}});
  std::string id = RemoteDocuments(ids[0]).front()["documentId"];
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(StopDuringDownload({"sync", "--max-level", "RV", ids[0]}));
  HttpsClient a("gemeente-a");
  ASSERT_EQ(a.Send("PATCH", emulator_->base_url() + "/documenten/" + id, R"({"vertrouwelijkheidsAanduiding":"SV"})",
                   "application/merge-patch+json").status, 200);
  CliResult r = Swf({"sync", "--max-level", "RV", "--json", ids[0]});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.Summary()["withheld"], 1);
  EXPECT_EQ(PartialBytes(), 0u) << "bytes of an SV document stay in the RV vault";
  EXPECT_TRUE(Query("SELECT document_id FROM partial_downloads").empty());
}

// The same when the listing that raises it names other content than the partial was fetched
// for: the journal says which file holds its bytes, and that file goes.
TEST_F(SyncCrashITest, APartialOfOtherContentIsDiscardedWhenItsDocumentIsRaisedAboveTheCeiling) {
  std::vector<std::string> ids = Generate({{"dossiers", 1},
                                           {"documentsPerDossier", 1},
                                           {"minSize", 4 << 20},
                                           {"maxSize", 4 << 20},
                                           {"svShare", 0.0},
                                           {"seed", 30}});
  std::string id = RemoteDocuments(ids[0]).front()["documentId"];
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(StopDuringDownload({"sync", "--max-level", "RV", ids[0]}));
  ASSERT_EQ(Query("SELECT count(*) FROM partial_downloads"), std::vector<std::string>{"1"});
  HttpsClient a("gemeente-a");
  ASSERT_EQ(a.Send("PATCH", emulator_->base_url() + "/documenten/" + id,
                   R"({"vertrouwelijkheidsAanduiding":"SV"})", "application/merge-patch+json")
                .status,
            200);
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "wrongHash"}, {"documentId", id}, {"count", -1}}}}});
  CliResult r = Swf({"sync", "--max-level", "RV", "--json", ids[0]});
  ASSERT_EQ(r.exit_code, kExitOk) << r.out;
  EXPECT_EQ(r.Summary()["withheld"], 1);
  EXPECT_EQ(PartialBytes(), 0u) << "bytes of an SV document stay in the RV vault";
}

// A partial download of a document deleted remotely before it finished is needed by nothing:
// the next full reconcile that does everything it planned removes it. A run that looked at
// only some samenwerkingen cannot know, and keeps it.
TEST_F(SyncCrashITest, APartialDownloadOfADocumentDeletedRemotelyIsRemovedByTheNextFullSync) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 1}, {"minSize", 4 << 20},
                                           {"maxSize", 4 << 20}, {"seed", 25}});
  std::string id = RemoteDocuments(ids[0]).front()["documentId"];
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(StopDuringDownload({"sync", ids[0]}));
  HttpsClient a("gemeente-a");
  ASSERT_EQ(a.Delete(emulator_->base_url() + "/documenten/" + id).status, 204);

  CliResult selected = Swf({"sync", "--json", ids[0]});
  ASSERT_EQ(selected.exit_code, kExitOk) << selected.err;
  EXPECT_EQ(selected.Summary()["stalePartialsRemoved"], 0);
  EXPECT_GT(PartialBytes(), 0u) << "a run of some samenwerkingen cannot tell whose partial it is";

  uint64_t stale = PartialBytes();
  CliResult full = Swf({"sync", "--full", "--json"});
  ASSERT_EQ(full.exit_code, kExitOk) << full.err;
  EXPECT_EQ(full.Summary()["stalePartialsRemoved"], 1);
  EXPECT_EQ(full.Summary()["stalePartialBytesRemoved"].get<uint64_t>(), stale);
  EXPECT_EQ(PartialBytes(), 0u);
  EXPECT_EQ(Swf({"verify"}).exit_code, kExitOk);
}

// Resumed bytes are those a 206 let the run keep: a server that ignores the Range and sends
// the whole document again resumes nothing, whatever partial the vault held.
TEST_F(SyncCrashITest, ABodySentWholeAgainIsNotCountedAsResumed) {
  std::vector<std::string> ids = Generate({{"dossiers", 1},
                                           {"documentsPerDossier", 1},
                                           {"minSize", 4 << 20},
                                           {"maxSize", 4 << 20},
                                           {"seed", 28}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(StopDuringDownload({"sync", ids[0]}));
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "ignoreRange"}, {"count", -1}}}}});
  CliResult r = Swf({"sync", "--json", ids[0]});
  ASSERT_EQ(r.exit_code, kExitOk) << r.out;
  EXPECT_EQ(r.Summary()["bytesResumed"], 0) << r.out;
  EXPECT_EQ(r.Summary()["bytesDownloaded"], 4 << 20) << r.out;
  EXPECT_EQ(Swf({"verify"}).exit_code, kExitOk);
}

// A resume that succeeds only at the second attempt (the first answered 503) still counts what
// the earlier run left as resumed.
TEST_F(SyncCrashITest, AResumeAtTheSecondAttemptCountsTheEarlierRunsBytes) {
  std::vector<std::string> ids = Generate({{"dossiers", 1},
                                           {"documentsPerDossier", 1},
                                           {"minSize", 4 << 20},
                                           {"maxSize", 4 << 20},
                                           {"seed", 31}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(StopDuringDownload({"sync", ids[0]}));
  const uint64_t kept = PartialBytes();
  emulator_->Admin(
      "PUT", "/_emulator/faults",
      {{"faults", {{{"type", "status"}, {"route", "/content$"}, {"status", 503}, {"count", 1}}}}});
  CliResult r = Swf({"sync", "--json", ids[0]});
  ASSERT_EQ(r.exit_code, kExitOk) << r.out;
  EXPECT_EQ(r.Summary()["bytesResumed"].get<int64_t>(), static_cast<int64_t>(kept)) << r.out;
}

// A partial that already holds every byte (the run stopped between the last byte and
// publishing): the next sync's Range asks for nothing more (416), and the bytes are checked
// and published as they are, not fetched again. Wrong bytes of that length are quarantined.
TEST_F(SyncCrashITest, ACompletePartialIsPublishedWithoutFetchingItAgain) {
  std::vector<std::string> ids = Generate({{"dossiers", 1},
                                           {"documentsPerDossier", 2},
                                           {"minSize", 2 << 20},
                                           {"maxSize", 2 << 20},
                                           {"svShare", 0.0},
                                           {"seed", 29}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  const std::vector<nlohmann::json> docs = RemoteDocuments(ids[0]);
  HttpsClient a("gemeente-a");
  const std::filesystem::path partial = std::filesystem::path(VaultDir()) / "partial";
  for (size_t i = 0; i < 2; ++i) {
    const std::string id = docs[i]["documentId"], hash = docs[i]["documentHash"];
    auto content = a.Get(emulator_->base_url() + "/documenten/" + id + "/content");
    ASSERT_EQ(content.status, 200);
    std::string bytes = content.body;
    if (i == 1) bytes[1000] ^= 1;  // the same length, not the same content
    WriteFile(partial / BlobStore::PartialName(id, hash), bytes);
  }
  emulator_->Admin("POST", "/_emulator/reset");  // the stats count from here
  CliResult r = Swf({"sync", "--json", ids[0]});
  EXPECT_EQ(r.exit_code, kExitIntegrity) << r.out;  // the damaged one
  EXPECT_EQ(r.Summary()["fetched"], 1) << r.out;
  EXPECT_EQ(r.Summary()["quarantined"], 1) << r.out;
  EXPECT_EQ(r.Summary()["bytesResumed"], 4 << 20) << r.out;
  EXPECT_EQ(ContentBytesSent(), 0) << "complete partials fetched again";
  EXPECT_EQ(ObjectNames().count(docs[0]["documentHash"]), 1u);
  CliResult again = Swf({"sync", "--json", ids[0]});
  EXPECT_EQ(again.exit_code, kExitOk) << again.out;
  EXPECT_EQ(ObjectNames().count(docs[1]["documentHash"]), 1u);
  EXPECT_EQ(Swf({"verify"}).exit_code, kExitOk);
}

TEST_F(SyncCrashITest, SigintStopsAtASafePointAndTheNextSyncResumes) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 12},
                                           {"minSize", 2 << 20}, {"maxSize", 4 << 20}, {"seed", 23}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "slowBody"}, {"bytesPerSecond", 4 << 20}, {"count", -1}}}}});
  Signalled stopped = SignalWhen({"sync", "--json", "--transfers", "4", ids[0]},
                                 [&] { return PartialBytes() >= (1u << 20); }, SIGINT,
                                 std::chrono::milliseconds(20), std::chrono::seconds(60));
  ASSERT_TRUE(stopped.was_running) << "the sync finished before it could be interrupted";
  EXPECT_EQ(stopped.result.exit_code, kExitInterrupted);
  const CliResult& first = stopped.result;
  nlohmann::json summary = first.Summary();
  ASSERT_FALSE(summary.is_null()) << first.out << first.err;
  EXPECT_EQ(first.Events().back(), summary) << "the summary is not the last line";
  EXPECT_EQ(summary["exitCode"], kExitInterrupted);
  EXPECT_EQ(summary["failed"], 0);
  EXPECT_GE(summary["interrupted"].get<int>(), 1);
  EXPECT_EQ(summary["fetched"].get<int>() + summary["interrupted"].get<int>(), 12);
  bool said_why = false;
  for (const nlohmann::json& e : first.Events()) {
    said_why |= e.value("type", "") == "error" && e.value("code", "") == "cancelled" &&
                e.value("message", "").find("stopped on request (SIGINT/SIGTERM)") != std::string::npos;
  }
  EXPECT_TRUE(said_why) << first.out;
  EXPECT_EQ(Query("SELECT outcome FROM sync_runs ORDER BY run_id DESC LIMIT 1"),
            std::vector<std::string>{"interrupted"});
  EXPECT_EQ(Query("SELECT count(*) FROM events WHERE kind <> 'fetched'"), std::vector<std::string>{"0"});
  uint64_t kept = PartialBytes();
  EXPECT_GT(kept, 0u) << "what arrived before the stop is kept";

  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
  CliResult resumed = Swf({"sync", "--json", ids[0]});
  ASSERT_EQ(resumed.exit_code, kExitOk) << resumed.err;
  EXPECT_EQ(resumed.Summary()["bytesResumed"].get<int64_t>(), static_cast<int64_t>(kept));
  EXPECT_EQ(resumed.Summary()["fetched"], summary["interrupted"]);
  CliResult verify = Swf({"verify", "--json"});
  EXPECT_EQ(verify.exit_code, kExitOk) << verify.err;
  EXPECT_EQ(verify.Summary()["good"], 12);
  EXPECT_EQ(PartialBytes(), 0u);
}

// `sync --all` stopped during its first profile: the profile it never reached is in the run's
// last line and in the metrics file all the same (exit 130, no counts), not silently missing.
TEST_F(SyncCrashITest, SyncAllStoppedNamesTheProfilesItNeverReached) {
  std::vector<std::string> ids = Generate({{"dossiers", 1},
                                           {"documentsPerDossier", 4},
                                           {"minSize", 2 << 20},
                                           {"maxSize", 2 << 20},
                                           {"seed", 26}});
  // Registered under gemeente-a's name: SignalWhen runs that config.
  WriteProfilesConfig("gemeente-a", VaultDir(),
                      {{"gemeente-a", kGemeenteA, "gemeente-a"},
                       {"zz-adviesbureau", kAdviesbureau, "adviesbureau"}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  emulator_->Admin(
      "PUT", "/_emulator/faults",
      {{"faults", {{{"type", "slowBody"}, {"bytesPerSecond", 1 << 20}, {"count", -1}}}}});
  const std::string metrics = (dir_.path() / "swfvault.prom").string();
  Signalled stopped = SignalWhen(
      {"sync", "--all", "--json", "--metrics-file", metrics},
      [&] { return PartialBytes() >= (256u << 10); }, SIGINT, std::chrono::milliseconds(20),
      std::chrono::seconds(60));
  ASSERT_TRUE(stopped.was_running) << "the sync finished before it could be interrupted";
  EXPECT_EQ(stopped.result.exit_code, kExitInterrupted) << stopped.result.out;
  const nlohmann::json last = stopped.result.Summary();
  EXPECT_EQ(stopped.result.Events().back(), last) << "the summary is not the last line";
  EXPECT_EQ(last["command"], "sync --all") << stopped.result.out;
  EXPECT_EQ(last["profiles"], (nlohmann::json{{"gemeente-a", 130}, {"zz-adviesbureau", 130}}))
      << stopped.result.out;
  bool said_not_reached = false;  // its own summary line says so, for a JSON reader
  for (const nlohmann::json& e : stopped.result.Events()) {
    said_not_reached |= e.value("type", "") == "summary" &&
                        e.value("profile", "") == "zz-adviesbureau" && e.value("notReached", false);
  }
  EXPECT_TRUE(said_not_reached) << stopped.result.out;
  const std::string text = ReadFile(metrics);
  EXPECT_NE(text.find("swfvault_run_exit_code{profile=\"zz-adviesbureau\"} 130"), std::string::npos)
      << text;
  EXPECT_NE(text.find("swfvault_last_run_timestamp_seconds{profile=\"gemeente-a\"}"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("swfvault_last_run_timestamp_seconds{profile=\"zz-adviesbureau\"}"),
            std::string::npos)
      << "a profile not reached did not run: " << text;
  EXPECT_EQ(text.find("swfvault_run_documents{profile=\"zz-adviesbureau\""), std::string::npos)
      << text;
}

// A metrics file that cannot be written when the run ends (its folder went away meanwhile): an
// error, and the run's one summary, still its last line, carries the exit code that says so.
TEST_F(SyncCrashITest, AMetricsFileNotWrittenAtTheEndIsInTheOneSummary) {
  std::vector<std::string> ids = Generate({{"dossiers", 1},
                                           {"documentsPerDossier", 2},
                                           {"minSize", 1 << 20},
                                           {"maxSize", 1 << 20},
                                           {"seed", 27}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  emulator_->Admin(
      "PUT", "/_emulator/faults",
      {{"faults", {{{"type", "slowBody"}, {"bytesPerSecond", 2 << 20}, {"count", -1}}}}});
  const std::filesystem::path folder = dir_.path() / "monitoring";
  std::filesystem::create_directory(folder);
  CliChild child({"--config", configs_.at("gemeente-a"), "sync", "--json", "--metrics-file",
                  (folder / "swfvault.prom").string(), ids[0]},
                 dir_.path().string());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (PartialBytes() == 0 && child.Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(child.Running()) << "the sync finished before the folder could be removed";
  std::filesystem::remove_all(folder);
  CliResult r{child.Wait(), ChildOutput(), ReadFile(dir_ / "child.err")};
  EXPECT_EQ(r.exit_code, kExitNotFound) << r.out;
  EXPECT_NE(r.out.find("metrics file " + (folder / "swfvault.prom").string() + " not written"),
            std::string::npos)
      << r.out;
  int summaries = 0;
  for (const nlohmann::json& e : r.Events()) summaries += e.value("type", "") == "summary";
  EXPECT_EQ(summaries, 1) << r.out;
  EXPECT_EQ(r.Events().back(), r.Summary()) << "the summary is not the last line";
  EXPECT_EQ(r.Summary()["exitCode"], kExitNotFound) << r.out;
  EXPECT_EQ(r.Summary()["fetched"], 2) << "the run itself did its work: " << r.out;
}

TEST_F(SyncCrashITest, SigintStopsAVerifyBetweenObjectsAndSaysHowFarItGot) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 400},
                                           {"minSize", 16384}, {"maxSize", 65536}, {"seed", 24}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync", ids[0]}).exit_code, kExitOk);
  auto verified = [&] {
    return std::stoi(Query("SELECT count(*) FROM events WHERE kind = 'verified'").at(0));
  };
  Signalled stopped = SignalWhen({"verify", "--json"}, [&] { return verified() >= 10; }, SIGINT,
                                 std::chrono::milliseconds(5), std::chrono::seconds(60));
  ASSERT_TRUE(stopped.was_running) << "verify finished before it could be interrupted";
  EXPECT_EQ(stopped.result.exit_code, kExitInterrupted);
  const CliResult& first = stopped.result;
  nlohmann::json summary = first.Summary();
  ASSERT_FALSE(summary.is_null()) << first.out << first.err;
  EXPECT_EQ(summary["interrupted"], true);
  EXPECT_EQ(summary["exitCode"], kExitInterrupted);
  EXPECT_EQ(summary["objects"], 400);
  EXPECT_LT(summary["checked"].get<int>(), 400);
  EXPECT_EQ(summary["good"], summary["checked"]);
  EXPECT_EQ(summary["bad"], 0);
  EXPECT_EQ(verified(), summary["checked"].get<int>());

  CliResult again = Swf({"verify", "--json"});
  EXPECT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_EQ(again.Summary()["good"], 400);
  EXPECT_EQ(again.Summary()["interrupted"], false);
}

TEST_F(SyncCrashITest, RandomKillsDuringA500DocumentSyncLeaveAConsistentVault) {
  std::vector<std::string> ids = Generate({{"dossiers", 2}, {"documentsPerDossier", 250},
                                           {"minSize", 1024}, {"maxSize", 65536},
                                           {"svShare", 0.1}, {"seed", 22}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  // Throttled bodies keep every run busy long enough to be killed somewhere inside: in the
  // listing, mid-body (partials), or between an object's publication and its catalog commit.
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "slowBody"}, {"bytesPerSecond", 256 << 10}, {"count", -1}}}}});
  std::mt19937 rng(20261128);
  int killed = 0, finished = 0;
  int max_delay_ms = 800;
  constexpr int kKills = 20;
  int run = 0;
  // Runs until 20 of them were killed mid-sync (later runs have less left to do and may finish
  // first; those count as completed runs).
  for (; killed < kKills && run < 5 * kKills; ++run) {
    int delay = std::uniform_int_distribution<int>(10, max_delay_ms)(rng);
    {
      // --full: every run re-lists every dossier, so even a converged vault has a sync to kill.
      auto started = std::chrono::steady_clock::now();
      CliChild child({"--config", configs_.at("gemeente-a"), "sync", "--full", "--transfers", "8"},
                     dir_.path().string());
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      if (child.Running()) {
        child.Kill(SIGKILL);
        ++killed;
        child.Wait();
      } else {
        ++finished;
        child.Wait();
        // A run this short means little work is left: aim the next kills inside such a run.
        auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started).count();
        max_delay_ms = std::max(20, std::min(max_delay_ms, static_cast<int>(took * 7 / 10)));
      }
    }
    CliResult verify = Swf({"verify", "--json"});
    ASSERT_EQ(verify.exit_code, kExitOk) << "run " << run << " (kill after " << delay
                                         << " ms): " << verify.err << verify.out;
    ASSERT_EQ(Query("PRAGMA integrity_check"), std::vector<std::string>{"ok"}) << "run " << run;
    ASSERT_TRUE(Query("PRAGMA foreign_key_check").empty()) << "run " << run;
  }
  std::cout << "[ figures ] " << run << " runs: " << killed << " killed mid-sync, " << finished
            << " finished before the kill\n";
  EXPECT_GE(killed, kKills);
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
  CliResult converge = Swf({"sync", "--json"});
  ASSERT_EQ(converge.exit_code, kExitOk) << converge.err;
  CliResult again = Swf({"sync", "--full", "--json"});
  ASSERT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_EQ(again.Summary()["fetched"], 0);
  size_t remote = 0;
  for (const std::string& id : ids) remote += RemoteDocuments(id).size();
  std::vector<std::string> present = Query(
      "SELECT count(*) FROM documents WHERE state='present' AND samenwerking_id IN ('" + ids[0] +
      "','" + ids[1] + "')");
  EXPECT_EQ(present, std::vector<std::string>{std::to_string(remote)});
  EXPECT_EQ(Swf({"verify"}).exit_code, kExitOk);
}

}  // namespace
}  // namespace swfvault::testing
