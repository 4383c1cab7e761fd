// A server that drops, throttles, lies and ignores Range: the sync converges and never
// publishes a wrong object (RELIABILITY 2, 6, 7).
#include <gtest/gtest.h>

#include <iostream>

#include "swfvault/exit_codes.h"
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

}  // namespace
}  // namespace swfvault::testing
