// Scheduled runs (issue 7): the notification feed drives incremental syncs whose cost follows
// the change, and a full reconciliation catches what a lost notification hid.
#include <gtest/gtest.h>

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

  // The omgevingsdienst (a VOLLEDIGE_TOEGANG deelnemer) adds a document, which notifies
  // gemeente-a. Returns the new documentId.
  std::string AddDocumentAsPartner(const std::string& samenwerking_id, const std::string& name) {
    HttpsClient partner("omgevingsdienst");
    auto r = partner.PostMultipart(
        emulator_->base_url() + "/samenwerkingen/" + samenwerking_id + "/documenten",
        {{"file", "inhoud van " + name, name, "text/plain"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("documentId", "");
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

TEST_F(IncrementalSyncITest, ChangeWhoseNotificationWasDeletedIsFoundByFullReconciliation) {
  std::vector<std::string> ids = Generate(
      {{"dossiers", 3}, {"documentsPerDossier", 2}, {"seed", 42},
       {"deelnemers", {{{"oin", kOmgevingsdienst}, {"privilege", "VOLLEDIGE_TOEGANG"}}}}});
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
  std::vector<std::string> ids = Generate(
      {{"dossiers", 2}, {"documentsPerDossier", 1}, {"seed", 43},
       {"deelnemers", {{{"oin", kOmgevingsdienst}, {"privilege", "VOLLEDIGE_TOEGANG"}}}}});
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
  CliResult bad = Swf({"sync", "--metrics-file", metrics, "SAM-999999"});
  EXPECT_EQ(bad.exit_code, kExitNotFound);
  text = ReadFile(metrics);
  EXPECT_NE(text.find("swfvault_run_failures{profile=\"gemeente-a\",kind=\"not_found\"} 1"),
            std::string::npos) << text;
  EXPECT_NE(text.find("swfvault_run_exit_code{profile=\"gemeente-a\"} 9"), std::string::npos) << text;
}

}  // namespace
}  // namespace swfvault::testing
