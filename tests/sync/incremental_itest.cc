// Scheduled runs (issue 7): the notification feed drives incremental syncs whose cost follows
// the change, and a full reconciliation catches what a lost notification hid.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "swfvault/exit_codes.h"
#include "sync/sync_fixture.h"

namespace swfvault::testing {
namespace {

constexpr char kOmgevingsdienst[] = "00000001000000003000";

class IncrementalSyncITest : public SyncFixture {
 protected:
  void SetUp() override {
    SyncFixture::SetUp();
    WriteConfig("gemeente-a", kGemeenteA, "notification_lag_seconds = 0");
  }

  int64_t TotalRequests() {
    return emulator_->Admin("GET", "/_emulator/stats")["totalRequests"].get<int64_t>();
  }

  // `dossiers` samenwerkingen of `documents` documents each, with the omgevingsdienst as a
  // VOLLEDIGE_TOEGANG deelnemer.
  std::vector<std::string> GenerateWithPartner(int dossiers, int documents, int seed) {
    return Generate(
        {{"dossiers", dossiers},
         {"documentsPerDossier", documents},
         {"seed", seed},
         {"deelnemers", {{{"oin", kOmgevingsdienst}, {"privilege", "VOLLEDIGE_TOEGANG"}}}}});
  }

  // The omgevingsdienst (a VOLLEDIGE_TOEGANG deelnemer) adds a document, which notifies
  // gemeente-a. Returns the new documentId.
  std::string AddDocumentAsPartner(const std::string& samenwerking_id, const std::string& name,
                                   const std::string& level = "RV") {
    HttpsClient partner("omgevingsdienst");
    auto r = partner.PostMultipart(
        emulator_->base_url() + "/samenwerkingen/" + samenwerking_id + "/documenten",
        {{"file", "inhoud van " + name, name, "text/plain"},
         {"vertrouwelijkheidsAanduiding", level, "", ""}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("documentId", "");
  }

  // Everything the catalog keeps of notifications: the answers as they came and their fields.
  std::string KeptNotifications() {
    std::string all;
    for (const std::string& k : Query("SELECT raw_json || fields_json FROM notificaties")) all += k;
    return all;
  }

  bool Present(const std::string& document_id) {
    return Query("SELECT state FROM documents WHERE document_id='" + document_id + "'") ==
           std::vector<std::string>{"present"};
  }
};

TEST_F(IncrementalSyncITest, RequestsFollowTheChangeNotTheNumberOfDossiers) {
  std::vector<std::string> ids = Generate(
      {{"dossiers", 500}, {"documentsPerDossier", 1}, {"minSize", 512}, {"maxSize", 2048},
       {"seed", 41}, {"deelnemers", {{{"oin", kOmgevingsdienst}, {"privilege", "VOLLEDIGE_TOEGANG"}}}}});
  ASSERT_EQ(ids.size(), 500u);
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  CliResult first = Swf({"sync", "--json"});
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  EXPECT_EQ(first.Summary()["mode"], "full");

  emulator_->Admin("POST", "/_emulator/reset");
  CliResult idle = Swf({"sync", "--json"});
  ASSERT_EQ(idle.exit_code, kExitOk) << idle.err;
  EXPECT_EQ(idle.Summary()["mode"], "incremental");
  int64_t idle_requests = TotalRequests();

  std::vector<std::string> added;
  for (int i : {7, 123, 456}) added.push_back(AddDocumentAsPartner(ids[i], "wijziging-" + std::to_string(i) + ".txt"));
  emulator_->Admin("POST", "/_emulator/reset");
  CliResult changed = Swf({"sync", "--json"});
  ASSERT_EQ(changed.exit_code, kExitOk) << changed.err;
  EXPECT_EQ(changed.Summary()["mode"], "incremental");
  EXPECT_EQ(changed.Summary()["samenwerkingen"], 3);
  EXPECT_EQ(changed.Summary()["fetched"], 3);
  int64_t change_requests = TotalRequests();
  for (const std::string& id : added) EXPECT_TRUE(Present(id)) << id;

  emulator_->Admin("POST", "/_emulator/reset");
  CliResult full = Swf({"sync", "--full", "--json"});
  ASSERT_EQ(full.exit_code, kExitOk) << full.err;
  EXPECT_EQ(full.Summary()["samenwerkingen"].get<int>(), static_cast<int>(ids.size()) + 2);
  int64_t full_requests = TotalRequests();

  std::cout << "[ figures ] requests with 500 dossiers: unchanged run " << idle_requests
            << ", 3-change run " << change_requests << ", full reconciliation " << full_requests
            << "\n";
  EXPECT_LE(idle_requests, 3);
  EXPECT_LE(change_requests, 3 * 12);
  EXPECT_GE(full_requests, 500);
}

// A document the server keeps answering with a wrong hash fails the first run (quarantined,
// exit 5). The runs after it are incremental all the same: they re-read that one dossier, not
// all of them, until it syncs cleanly, and then nothing more.
TEST_F(IncrementalSyncITest, AFailingDocumentPutsItsDossierOnTheRetryListNotEveryRunOnFull) {
  std::vector<std::string> ids =
      Generate({{"dossiers", 6}, {"documentsPerDossier", 2}, {"seed", 45}});
  const std::string liar = RemoteDocuments(ids[2]).front()["documentId"];
  const nlohmann::json wrong_hash = {
      {"faults", {{{"type", "wrongHash"}, {"documentId", liar}, {"count", -1}}}}};
  auto listings = [&] {
    nlohmann::json stats = emulator_->Admin("GET", "/_emulator/stats");
    return stats["requests"]
        .value("/samenwerkingen/{id}/documenten", nlohmann::json::object())
        .value("200", 0);
  };
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  emulator_->Admin("PUT", "/_emulator/faults", wrong_hash);
  CliResult first = Swf({"sync", "--json"});
  EXPECT_EQ(first.exit_code, kExitIntegrity) << first.err;
  EXPECT_EQ(first.Summary()["mode"], "full");
  EXPECT_EQ(first.Summary()["retryNextRun"], nlohmann::json::array({ids[2]}));

  emulator_->Admin("POST", "/_emulator/reset");
  emulator_->Admin("PUT", "/_emulator/faults", wrong_hash);
  CliResult second = Swf({"sync", "--json"});
  EXPECT_EQ(second.exit_code, kExitIntegrity) << second.err;
  EXPECT_EQ(second.Summary()["mode"], "incremental");
  EXPECT_EQ(second.Summary()["samenwerkingen"], 1);
  EXPECT_EQ(listings(), 1);
  EXPECT_EQ(second.Summary()["retryNextRun"], nlohmann::json::array({ids[2]}));
  EXPECT_FALSE(Present(liar));

  emulator_->Admin("POST", "/_emulator/reset");  // the server answers truthfully again
  CliResult healed = Swf({"sync", "--json"});
  ASSERT_EQ(healed.exit_code, kExitOk) << healed.err;
  EXPECT_EQ(healed.Summary()["mode"], "incremental");
  EXPECT_EQ(healed.Summary()["fetched"], 1);
  EXPECT_EQ(healed.Summary()["retryNextRun"], nlohmann::json::array());
  EXPECT_TRUE(Present(liar));

  emulator_->Admin("POST", "/_emulator/reset");
  CliResult idle = Swf({"sync", "--json"});
  ASSERT_EQ(idle.exit_code, kExitOk) << idle.err;
  EXPECT_EQ(idle.Summary()["samenwerkingen"], 0);
  EXPECT_EQ(listings(), 0);
}

// The mark moves past a window in which a dossier's listing failed; the change it held is not
// lost, because the dossier is on the retry list and the next run, with no new notification,
// lists it again. A dry run leaves the list as it is.
TEST_F(IncrementalSyncITest, AChangeInADossierWhoseListingFailedIsFetchedByTheNextRun) {
  std::vector<std::string> ids = GenerateWithPartner(3, 1, 46);
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  const std::string added = AddDocumentAsPartner(ids[1], "na-de-storing.txt");
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults",
                     {{{"type", "status"},
                       {"status", 403},
                       {"count", 1},
                       {"route", "/samenwerkingen/" + ids[1] + "/documenten"}}}}});
  const std::string retry_list =
      "SELECT value FROM vault_settings WHERE key LIKE 'retry_samenwerkingen/%'";
  CliResult failed = Swf({"sync", "--json"});
  EXPECT_NE(failed.exit_code, kExitOk) << failed.out;
  EXPECT_EQ(failed.Summary()["mode"], "incremental");
  EXPECT_EQ(failed.Summary()["retryNextRun"], nlohmann::json::array({ids[1]}));
  EXPECT_FALSE(Present(added));
  EXPECT_EQ(Query(retry_list), std::vector<std::string>{ids[1] + "\n"});

  emulator_->Admin("POST", "/_emulator/reset");
  ASSERT_EQ(Swf({"sync", "--dry-run"}).exit_code, kExitOk);
  EXPECT_EQ(Query(retry_list), std::vector<std::string>{ids[1] + "\n"});
  CliResult next = Swf({"sync", "--json"});
  ASSERT_EQ(next.exit_code, kExitOk) << next.err;
  EXPECT_EQ(next.Summary()["mode"], "incremental");
  EXPECT_EQ(next.Summary()["notifications"], 0);
  EXPECT_EQ(next.Summary()["fetched"], 1);
  EXPECT_TRUE(Present(added));
  EXPECT_EQ(Query(retry_list), std::vector<std::string>{""});
}

// A listing the server garbles (cut-off JSON) fails its own dossier, not the run: the other
// dossiers are synced, the run exits 5 naming the listing, the dossier goes on the retry list,
// and the next run fetches it once the server answers properly.
TEST_F(IncrementalSyncITest, AMalformedListingFailsItsDossierAndTheOthersAreSynced) {
  std::vector<std::string> ids =
      Generate({{"dossiers", 3}, {"documentsPerDossier", 2}, {"svShare", 0.0}, {"seed", 48}});
  const std::string garbled = RemoteDocuments(ids[1]).front()["documentId"];
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults",
                     {{{"type", "malformedBody"},
                       {"count", -1},
                       {"route", "/samenwerkingen/" + ids[1] + "/documenten"}}}}});
  CliResult first = Swf({"sync", "--json"});
  EXPECT_EQ(first.exit_code, kExitIntegrity) << first.err;
  EXPECT_EQ(first.Summary()["retryNextRun"], nlohmann::json::array({ids[1]}));
  EXPECT_NE(first.out.find("samenwerking " + ids[1] + " not synced: corruption: documenten of " +
                           ids[1] + ": GET"),
            std::string::npos)
      << first.out;
  EXPECT_FALSE(Present(garbled));
  for (const std::string& id : {ids[0], ids[2]}) {
    for (const auto& d : RemoteDocuments(id)) EXPECT_TRUE(Present(d["documentId"])) << id;
  }

  emulator_->Admin("POST", "/_emulator/reset");
  CliResult next = Swf({"sync", "--json"});
  ASSERT_EQ(next.exit_code, kExitOk) << next.err;
  EXPECT_EQ(next.Summary()["fetched"], 2);
  EXPECT_TRUE(Present(garbled));
}

// A vault kept at RV never holds the name of an SV document: the notification that the partner
// added one names it (properties.documentNaam), and the vault keeps that notification without
// the name, while a notification about an RV document keeps its name.
TEST_F(IncrementalSyncITest, AnRvVaultKeepsNoNameOfAnSvDocumentFromANotification) {
  std::vector<std::string> ids = GenerateWithPartner(1, 1, 49);
  ASSERT_EQ(Swf({"init", "--max-level", "RV"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  AddDocumentAsPartner(ids[0], "Saneringsplan-vertrouwelijk-7731.pdf", "SV");
  const std::string open_id = AddDocumentAsPartner(ids[0], "Openbaar-verslag-7731.txt");
  CliResult run = Swf({"sync", "--json"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.Summary()["withheld"], 1);
  EXPECT_TRUE(Present(open_id));
  ASSERT_EQ(Query("SELECT count(*) FROM notificaties WHERE notificatie_type = "
                  "'DOCUMENT_TOEGEVOEGD'"),
            std::vector<std::string>{"2"});
  EXPECT_EQ(KeptNotifications().find("Saneringsplan"), std::string::npos) << KeptNotifications();
  EXPECT_NE(KeptNotifications().find("Openbaar-verslag-7731.txt"), std::string::npos);
  // Nowhere in the catalog's files either.
  for (const char* f : {"catalog.db", "catalog.db-wal"}) {
    const std::filesystem::path file = std::filesystem::path(VaultDir()) / f;
    if (!std::filesystem::exists(file)) continue;
    EXPECT_EQ(ReadFile(file).find("Saneringsplan"), std::string::npos) << f;
  }
}

// A vault that held SV kept the names its notifications gave; lowered to RV (init --max-level
// RV), its next sync scrubs them along with the SV documents themselves, also from
// notifications the server no longer lists.
TEST_F(IncrementalSyncITest, LoweringAVaultToRvScrubsTheNamesItsNotificationsKept) {
  std::vector<std::string> ids = GenerateWithPartner(1, 1, 50);
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  AddDocumentAsPartner(ids[0], "Bodemrapport-geheim-4410.pdf", "SV");
  const std::string open_id = AddDocumentAsPartner(ids[0], "Verslag-open-4410.txt");
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  ASSERT_NE(KeptNotifications().find("Bodemrapport-geheim"), std::string::npos)
      << "an SV vault keeps it";
  // Acknowledged on the server meanwhile: no listing brings them back to be filtered.
  ASSERT_EQ(Swf({"notificatie", "delete", "--alle"}).exit_code, kExitOk);
  ASSERT_EQ(Swf({"init", "--max-level", "RV"}).exit_code, 0);
  CliResult lowered = Swf({"sync", "--json"});
  ASSERT_EQ(lowered.exit_code, kExitOk) << lowered.err;
  EXPECT_EQ(KeptNotifications().find("Bodemrapport-geheim"), std::string::npos)
      << KeptNotifications();
  EXPECT_NE(KeptNotifications().find("Verslag-open-4410.txt"), std::string::npos);
  EXPECT_TRUE(Present(open_id));
}

// One object shared by documents in two dossiers, deleted from the store: the next run fetches
// it once, for the first dossier it lists; the second finds it back in place.
TEST_F(IncrementalSyncITest, ALostObjectSharedByTwoDossiersIsFetchedOnce) {
  std::vector<std::string> ids = GenerateWithPartner(2, 1, 47);
  const std::string first = AddDocumentAsPartner(ids[0], "gedeeld.txt");
  const std::string second = AddDocumentAsPartner(ids[1], "gedeeld.txt");
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  const std::vector<std::string> hashes =
      Query("SELECT DISTINCT blob_sha256 FROM documents WHERE document_id IN ('" + first + "', '" +
            second + "')");
  ASSERT_EQ(hashes.size(), 1u);
  const std::string hash = hashes[0];
  std::filesystem::remove(std::filesystem::path(VaultDir()) / "objects" / hash.substr(0, 2) / hash);
  emulator_->Admin("POST", "/_emulator/reset");
  CliResult r = Swf({"sync", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.Summary()["samenwerkingen"], 2);
  EXPECT_EQ(r.Summary()["fetched"], 1);
  EXPECT_EQ(r.Summary()["repaired"], 1);
  EXPECT_EQ(ContentBytesSent(), static_cast<int64_t>(std::string("inhoud van gedeeld.txt").size()));
  EXPECT_EQ(ObjectNames().count(hash), 1u);
}

TEST_F(IncrementalSyncITest, ChangeWhoseNotificationWasDeletedIsFoundByFullReconciliation) {
  std::vector<std::string> ids = GenerateWithPartner(3, 2, 42);
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  std::string hidden = AddDocumentAsPartner(ids[1], "stil-toegevoegd.txt");
  // Someone else acknowledges gemeente-a's notifications behind the vault's back.
  HttpsClient a("gemeente-a");
  auto list = a.Get(emulator_->base_url() + "/notificaties?aantal=100");
  ASSERT_EQ(list.status, 200) << list.body;
  int deleted = 0;
  nlohmann::json listed = list.Json();
  for (const auto& n : listed["_embedded"]["notificaties"]) {
    ASSERT_EQ(a.Delete(emulator_->base_url() + "/notificaties/" + n["notificatieId"].get<std::string>()).status, 204);
    ++deleted;
  }
  EXPECT_GE(deleted, 1) << list.body;
  CliResult incremental = Swf({"sync", "--json"});
  ASSERT_EQ(incremental.exit_code, kExitOk) << incremental.err;
  EXPECT_EQ(incremental.Summary()["mode"], "incremental");
  EXPECT_FALSE(Present(hidden));
  CliResult full = Swf({"sync", "--full", "--json"});
  ASSERT_EQ(full.exit_code, kExitOk) << full.err;
  EXPECT_TRUE(Present(hidden));
}

TEST_F(IncrementalSyncITest, ProcessedNotificationsAreDeletedWhenConfigured) {
  WriteConfig("gemeente-a", kGemeenteA, "notification_lag_seconds = 0\ndelete_notifications = true");
  std::vector<std::string> ids = GenerateWithPartner(2, 1, 43);
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  std::string doc = AddDocumentAsPartner(ids[0], "nieuw.txt");
  CliResult r = Swf({"sync", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_GE(r.Summary()["notificationsDeleted"].get<int>(), 1);
  EXPECT_TRUE(Present(doc));
  HttpsClient a("gemeente-a");
  auto left = a.Get(emulator_->base_url() + "/notificaties?eventDatumTijd%5Blte%5D=" +
                    r.Summary()["highWater"].get<std::string>());
  EXPECT_FALSE(left.Json().contains("_embedded")) << left.body;
}

TEST_F(IncrementalSyncITest, MetricsFileTellsMonitoringWhatHappened) {
  Generate({{"dossiers", 1}, {"documentsPerDossier", 4}, {"seed", 44}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  std::string metrics = (dir_.path() / "swfvault.prom").string();
  CliResult r = Swf({"sync", "--metrics-file", metrics});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  std::string text = ReadFile(metrics);
  EXPECT_NE(text.find("swfvault_last_success_timestamp_seconds{profile=\"gemeente-a\"} 1"),
            std::string::npos) << text;
  EXPECT_NE(text.find("swfvault_run_documents{profile=\"gemeente-a\",action=\"fetched\"} 1"),
            std::string::npos) << text;  // 4 generated + the demo seed's documents: >= 10
  EXPECT_NE(text.find("swfvault_run_exit_code{profile=\"gemeente-a\"} 0"), std::string::npos) << text;
  // A refused run is visible too.
  CliResult bad = Swf({"sync", "--json", "--metrics-file", metrics, "SAM-999999"});
  EXPECT_EQ(bad.exit_code, kExitNotFound);
  text = ReadFile(metrics);
  EXPECT_NE(text.find("swfvault_run_failures{profile=\"gemeente-a\",kind=\"not_found\"} 1"),
            std::string::npos) << text;
  EXPECT_NE(text.find("swfvault_run_exit_code{profile=\"gemeente-a\"} 9"), std::string::npos) << text;
  int summaries = 0;
  for (const nlohmann::json& e : bad.Events()) summaries += e.value("type", "") == "summary";
  EXPECT_EQ(summaries, 1) << bad.out;
}

// `sync --all`: one profile throttled beyond what it may wait (exit 3, "retry later"), the next
// with an expired certificate (exit 4, "needs a human"). The run exits 4, whatever the order,
// and the metrics file holds both profiles, the one that never started included.
TEST_F(IncrementalSyncITest, SyncAllExitsWithTheMostUrgentCodeAndMetricsHoldEveryProfile) {
  const std::string config = WriteProfilesConfig(
      "twee", VaultDir(),
      {{"gemeente-a", kGemeenteA, "gemeente-a"}, {"zz-verlopen", kAdviesbureau, "expired"}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "retryAfter"}, {"retryAfter", "3600"}, {"count", -1}}}}});
  const std::string metrics = (dir_.path() / "swfvault.prom").string();
  CliResult r = RunCli({"--config", config, "sync", "--all", "--json", "--metrics-file", metrics});
  EXPECT_EQ(r.exit_code, kExitAuth) << r.err << r.out;
  std::vector<std::string> order;
  for (const nlohmann::json& e : r.Events()) {
    if (e.value("type", "") == "summary" && e.contains("profile")) order.push_back(e["profile"]);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"gemeente-a", "zz-verlopen"}))
      << "the throttled profile ran first, and each has its summary: " << r.out;
  // The error names its profile, and the run's last line gives every profile's code.
  EXPECT_NE(r.out.find("profile zz-verlopen: "), std::string::npos) << r.out;
  const nlohmann::json last = r.Summary();
  EXPECT_EQ(last["command"], "sync --all") << r.out;
  EXPECT_EQ(last["profiles"], (nlohmann::json{{"gemeente-a", 3}, {"zz-verlopen", 4}})) << r.out;
  EXPECT_EQ(last["exitCode"], kExitAuth);
  const std::string text = ReadFile(metrics);
  EXPECT_NE(text.find("swfvault_run_exit_code{profile=\"gemeente-a\"} 3"), std::string::npos)
      << text;
  EXPECT_NE(text.find("swfvault_run_exit_code{profile=\"zz-verlopen\"} 4"), std::string::npos)
      << text;
  EXPECT_NE(text.find("swfvault_run_failures{profile=\"zz-verlopen\",kind=\"unauthenticated\"} 1"),
            std::string::npos)
      << text;
  // When each certificate ends, for an alert well ahead: the expired one lies in the past.
  for (const char* profile : {"gemeente-a", "zz-verlopen"}) {
    const std::string key =
        "swfvault_certificate_expiry_timestamp_seconds{profile=\"" + std::string(profile) + "\"} ";
    const size_t at = text.find(key);
    ASSERT_NE(at, std::string::npos) << text;
    const double end = std::stod(text.substr(at + key.size()));
    const double now = static_cast<double>(std::time(nullptr));
    EXPECT_EQ(end > now, std::string(profile) == "gemeente-a") << profile << ": " << text;
  }
  // A metrics file nobody could write is found out before the run, not after it.
  CliResult nowhere = RunCli({"--config", config, "sync", "--all", "--json", "--metrics-file",
                              (dir_.path() / "geen-map" / "swfvault.prom").string()});
  EXPECT_EQ(nowhere.exit_code, kExitUsage) << nowhere.out;
  EXPECT_NE(nowhere.out.find("--metrics-file: cannot write"), std::string::npos) << nowhere.out;
  EXPECT_EQ(nowhere.Summary()["exitCode"], kExitUsage) << nowhere.out;
}

}  // namespace
}  // namespace swfvault::testing
