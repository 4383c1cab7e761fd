// The admin API (faults, stats, generate, verzoeken, reset) and persistence across restarts.
#include <openssl/sha.h>

#include <chrono>
#include <set>
#include <thread>

#include "emulator_itest_util.h"
#include "support/raw_tls_exchange.h"

namespace swfvault::testing {
namespace {

std::string Sha256Hex(const std::string& data) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

class AdminTest : public SeededEmulatorTest {
 protected:
  void SetUp() override {
    SeededEmulatorTest::SetUp();
    emulator_->Admin("POST", "/_emulator/reset");
  }
  // A generated 100,000-byte document in a fresh dossier; returns its id.
  static std::string BigDocument() {
    nlohmann::json g = emulator_->Admin("POST", "/_emulator/generate",
        {{"dossiers", 1}, {"documentsPerDossier", 1}, {"minSize", 100000}, {"maxSize", 100000},
         {"seed", ++seed_}});
    HttpsClient a("gemeente-a");
    std::string sam = g["samenwerkingen"][0];
    return a.Get(Url("/samenwerkingen/" + sam + "/documenten")).Json()["_embedded"]["documenten"][0]["documentId"];
  }
  static inline int seed_ = 1000;
};

TEST_F(AdminTest, StatusBurstThenRecovery) {
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", {{{"type", "status"}, {"status", 503}, {"count", 2}, {"route", "/samenwerkingen$"}}}}});
  HttpsClient a("gemeente-a");
  EXPECT_EQ(a.Get(Url("/samenwerkingen")).status, 503);
  EXPECT_EQ(a.Get(Url("/samenwerkingen")).status, 503);
  EXPECT_EQ(a.Get(Url("/samenwerkingen")).status, 200);
}

TEST_F(AdminTest, RetryAfterVariants) {
  HttpsClient a("gemeente-a");
  for (const char* kind : {"7", "date", "garbage"}) {
    emulator_->Admin("PUT", "/_emulator/faults", {{"faults", {{{"type", "retryAfter"}, {"retryAfter", kind}}}}});
    HttpResponse r = a.Get(Url("/samenwerkingen"));
    EXPECT_EQ(r.status, 429) << kind;
    std::string header = r.Header("retry-after");
    if (std::string(kind) == "date") {
      EXPECT_NE(header.find("GMT"), std::string::npos) << header;
    } else {
      EXPECT_EQ(header, kind);
    }
  }
}

// A status or retryAfter fault answers before the request body is read. The client below keeps
// one connection; the body left unread on it must not be taken for the next request.
TEST_F(AdminTest, FaultedPostWithABodyLeavesTheConnectionClean) {
  HttpsClient a("gemeente-a");
  const nlohmann::json body = {{"titel", "Na een storing"}, {"verzoeknummer", "12026001"}};
  for (const std::string type : {"status", "retryAfter"}) {
    emulator_->Admin("PUT", "/_emulator/faults",
                     {{"faults", {{{"type", type}, {"status", 503}, {"retryAfter", "1"}, {"route", "/samenwerkingen$"}}}}});
    HttpResponse faulted = a.Post(Url("/samenwerkingen"), body);
    EXPECT_EQ(faulted.status, type == "status" ? 503 : 429) << faulted.body;
    EXPECT_EQ(faulted.Header("connection"), "close") << type;
    HttpResponse retried = a.Post(Url("/samenwerkingen"), body);
    EXPECT_EQ(retried.status, 201) << type << ": " << retried.body;
  }
}

// The same on the wire: the server answers the fault and closes, so the rest of the body is
// never parsed as a request and the pipelined GET behind it goes unanswered.
TEST_F(AdminTest, FaultedPostWithABodyClosesTheConnectionAfterItsAnswer) {
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "status"}, {"status", 503}, {"route", "/samenwerkingen$"}}}}});
  const std::string prefix = kDefaultApiPrefix;
  const std::string body = R"({"titel":"Na een storing","verzoeknummer":"12026001"})";
  const std::string post = "POST " + prefix + "/samenwerkingen HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\n\r\n" + body;
  const std::string next = "GET " + prefix + "/samenwerkingen HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  RawTlsReply r = RawTlsExchange(emulator_->port(), "gemeente-a", post + next);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.received.rfind("HTTP/1.1 503", 0), 0u) << r.received;
  EXPECT_EQ(CountOccurrences(r.received, "HTTP/1.1 "), 1) << r.received;
  EXPECT_TRUE(r.closed_by_server) << r.received;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // stats lag the response
  nlohmann::json stats = emulator_->Admin("GET", "/_emulator/stats");
  EXPECT_EQ(stats["totalRequests"], 1) << stats.dump();
  EXPECT_GT(stats["bytesSent"].get<int64_t>(), 100) << stats.dump();  // the problem body counts
}

TEST_F(AdminTest, DropConnectionAfterBytes) {
  std::string id = BigDocument();
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", {{{"type", "dropAfterBytes"}, {"afterBytes", 1000}, {"documentId", id}}}}});
  HttpsClient a("gemeente-a");
  HttpResponse r = a.Get(Url("/documenten/" + id + "/content"));
  EXPECT_EQ(r.status, 0) << "transfer should fail";
  EXPECT_LE(r.body.size(), 1000u);
  EXPECT_EQ(a.Get(Url("/documenten/" + id + "/content")).body.size(), 100000u);
}

TEST_F(AdminTest, WrongContentLengthBreaksTheTransfer) {
  std::string id = BigDocument();
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", {{{"type", "wrongContentLength"}, {"documentId", id}}}}});
  HttpsClient a("gemeente-a");
  HttpResponse r = a.Get(Url("/documenten/" + id + "/content"));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error, "");
}

TEST_F(AdminTest, SlowBodyIsThrottled) {
  std::string id = BigDocument();
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", {{{"type", "slowBody"}, {"bytesPerSecond", 200000}, {"documentId", id}}}}});
  HttpsClient a("gemeente-a");
  auto start = std::chrono::steady_clock::now();
  HttpResponse r = a.Get(Url("/documenten/" + id + "/content"));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.body.size(), 100000u);
  EXPECT_GE(ms, 400);
}

TEST_F(AdminTest, LatencyDelaysEveryMatchingRequest) {
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "latency"}, {"ms", 300}, {"count", 2}, {"route", "/samenwerkingen$"}}}}});
  HttpsClient a("gemeente-a");
  for (int i = 0; i < 3; ++i) {
    auto start = std::chrono::steady_clock::now();
    HttpResponse r = a.Get(Url("/samenwerkingen"));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 200);
    if (i < 2) {
      EXPECT_GE(ms, 300) << "request " << i;
    }
  }
  nlohmann::json faults = emulator_->Admin("GET", "/_emulator/faults");
  ASSERT_EQ(faults["faults"].size(), 1u);
  EXPECT_EQ(faults["faults"][0]["type"], "latency");
  EXPECT_EQ(faults["faults"][0]["remaining"], 0);  // two requests took it, the third did not
}

TEST_F(AdminTest, SlowAnswerStoresTheUploadBeforeItAnswers) {
  std::string sam = NewSamenwerking();
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "slowAnswer"}, {"ms", 400}, {"route", "/documenten$"}}}}});
  auto start = std::chrono::steady_clock::now();
  std::thread upload([&] { Upload("gemeente-a", sam, "traag.txt", "traag antwoord"); });
  // While the uploader still waits for its answer, the document is already listed.
  HttpsClient a("gemeente-a");
  int listed = 0;
  while (listed == 0 && std::chrono::steady_clock::now() - start < std::chrono::milliseconds(300)) {
    listed = a.Get(Url("/samenwerkingen/" + sam + "/documenten")).Json()["page"]["totalElements"];
  }
  upload.join();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(listed, 1) << "not stored before the answer";
  EXPECT_GE(ms, 400);
}

TEST_F(AdminTest, LostAnswerStoresTheUploadAndAnswersAGatewayError) {
  std::string sam = NewSamenwerking();
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", {{{"type", "lostAnswer"}, {"route", "/documenten$"}}}}});
  HttpsClient a("gemeente-a");
  HttpResponse r = a.PostMultipart(Url("/samenwerkingen/" + sam + "/documenten"),
                                   {{"file", "verloren antwoord", "verloren.txt", "text/plain"}});
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(a.Get(Url("/samenwerkingen/" + sam + "/documenten")).Json()["page"]["totalElements"], 1)
      << "stored although the answer said otherwise";
  EXPECT_EQ(emulator_->Admin("GET", "/_emulator/stats")["requests"]["/samenwerkingen/{id}/documenten"]["502"], 1);
}

TEST_F(AdminTest, WrongHashInMetadata) {
  std::string id = BigDocument();
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", {{{"type", "wrongHash"}, {"documentId", id}}}}});
  HttpsClient a("gemeente-a");
  EXPECT_EQ(a.Get(Url("/documenten/" + id)).Json()["documentHash"], std::string(64, '0'));
  EXPECT_NE(a.Get(Url("/documenten/" + id)).Json()["documentHash"], std::string(64, '0'));
}

TEST_F(AdminTest, RangeIgnored) {
  std::string id = BigDocument();
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", {{{"type", "ignoreRange"}, {"documentId", id}}}}});
  HttpsClient a("gemeente-a");
  HttpResponse r = a.Get(Url("/documenten/" + id + "/content"), {{"Range", "bytes=10-19"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), 100000u);
}

TEST_F(AdminTest, EtagChangesBetweenRequests) {
  std::string id = BigDocument();
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", {{{"type", "changeEtag"}, {"count", -1}, {"documentId", id}}}}});
  HttpsClient a("gemeente-a");
  std::string first = a.Get(Url("/documenten/" + id + "/content")).Header("etag");
  std::string second = a.Get(Url("/documenten/" + id + "/content")).Header("etag");
  EXPECT_NE(first, second);
  HttpResponse resumed = a.Get(Url("/documenten/" + id + "/content"), {{"Range", "bytes=10-"}, {"If-Range", second}});
  EXPECT_EQ(resumed.status, 200);
}

TEST_F(AdminTest, UnknownAdminRouteIs404ProblemJson) {
  HttpsClient plain("");
  HttpResponse r = plain.Get(emulator_->admin_url() + "/_emulator/bestaat-niet");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_EQ(r.Json()["status"], 404) << r.body;
}

TEST_F(AdminTest, UnknownFaultTypeIs400) {
  EXPECT_EQ(emulator_->AdminStatus("PUT", "/_emulator/faults", {{"faults", {{{"type", "meteor"}}}}}), 400);
}

TEST_F(AdminTest, StatsCountRoutesStatusesAndBytes) {
  HttpsClient a("gemeente-a");
  a.Get(Url("/samenwerkingen"));
  a.Get(Url("/samenwerkingen/SAM-999999"));
  // httplib logs a request after its response is written, so the last one may lag a little.
  nlohmann::json stats;
  for (int i = 0; i < 100; ++i) {
    stats = emulator_->Admin("GET", "/_emulator/stats");
    if (stats["totalRequests"] == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(stats["requests"]["/samenwerkingen"]["200"], 1);
  EXPECT_EQ(stats["requests"]["/samenwerkingen/{id}"]["404"], 1);
  EXPECT_GT(stats["bytesSent"].get<int64_t>(), 0);
}

TEST_F(AdminTest, GeneratedCorpusIsConsistentAndDeterministic) {
  nlohmann::json spec = {{"dossiers", 2}, {"documentsPerDossier", 5}, {"minSize", 1000}, {"maxSize", 50000},
                         {"svShare", 0.4}, {"seed", 7}, {"deelnemers", {{{"oin", kAdviesbureau}, {"privilege", "BEPERKTE_TOEGANG"}}}}};
  nlohmann::json g = emulator_->Admin("POST", "/_emulator/generate", spec);
  ASSERT_EQ(g["samenwerkingen"].size(), 2u);
  EXPECT_EQ(g["documenten"], 10);
  HttpsClient a("gemeente-a"), b("adviesbureau");
  std::set<std::string> hashes;
  int sv = 0;
  for (const auto& sam : g["samenwerkingen"]) {
    nlohmann::json docs = a.Get(Url("/samenwerkingen/" + sam.get<std::string>() + "/documenten")).Json();
    for (const auto& d : docs["_embedded"]["documenten"]) {
      std::string body = a.Get(Url("/documenten/" + d["documentId"].get<std::string>() + "/content")).body;
      EXPECT_EQ(Sha256Hex(body), d["documentHash"]);
      EXPECT_EQ(body.size(), d["bestandsGrootte"].get<size_t>());
      EXPECT_GE(body.size(), 1000u);
      EXPECT_LE(body.size(), 50000u);
      hashes.insert(d["documentHash"]);
      sv += d["vertrouwelijkheidsAanduiding"] == "SV";
    }
    int visible = b.Get(Url("/samenwerkingen/" + sam.get<std::string>() + "/documenten")).Json()["page"]["totalElements"];
    EXPECT_LT(visible, 5 + 1);
  }
  EXPECT_EQ(hashes.size(), 10u);
  // The same seed after a state reset gives the same content.
  emulator_->Admin("POST", "/_emulator/reset", {{"state", true}});
  nlohmann::json again = emulator_->Admin("POST", "/_emulator/generate", spec);
  std::set<std::string> hashes_again;
  for (const auto& sam : again["samenwerkingen"]) {
    nlohmann::json docs = a.Get(Url("/samenwerkingen/" + sam.get<std::string>() + "/documenten?aantal=100")).Json();
    for (const auto& d : docs["_embedded"]["documenten"]) hashes_again.insert(d["documentHash"]);
  }
  EXPECT_EQ(hashes, hashes_again);
}

TEST_F(AdminTest, AddVerzoekThenStartSamenwerkingOnIt) {
  nlohmann::json v = {{"verzoeknummer", "ADM-1"}, {"bevoegdGezag", kGemeenteB},
                      {"werkmap", {{{"bestandsNaam", "a.txt"}, {"formaat", "text/plain"}, {"inhoud", "hallo"}}}}};
  emulator_->Admin("POST", "/_emulator/verzoeken", v);
  EXPECT_EQ(emulator_->AdminStatus("POST", "/_emulator/verzoeken", v), 409);
  HttpsClient b("gemeente-b");
  HttpResponse r = b.Post(Url("/samenwerkingen"), {{"verzoeknummer", "ADM-1"}, {"documentenUitVerzoekLaden", true}});
  ASSERT_EQ(r.status, 201) << r.body;
  nlohmann::json docs = b.Get(Url("/samenwerkingen/" + r.Json()["samenwerkingId"].get<std::string>() + "/documenten")).Json();
  ASSERT_EQ(docs["page"]["totalElements"], 1);
  EXPECT_EQ(docs["_embedded"]["documenten"][0]["documentHash"], Sha256Hex("hallo\n"));
}

TEST_F(AdminTest, ResetWithStateWipesAndReseeds) {
  HttpsClient a("gemeente-a");
  std::string id = NewSamenwerking();
  emulator_->Admin("POST", "/_emulator/reset", {{"state", true}});
  EXPECT_EQ(a.Get(Url("/samenwerkingen/" + id)).status, 404);
  EXPECT_EQ(a.Get(Url("/samenwerkingen")).Json()["page"]["totalElements"], 2);  // the demo seed again
}

TEST_F(AdminTest, RestartKeepsAllStateAndReseedIsIdempotent) {
  std::string sam = NewSamenwerking();
  std::string doc = Upload("gemeente-a", sam, "blijft.txt", "blijvend");
  HttpsClient o("omgevingsdienst");
  int notes = o.Get(Url("/notificaties")).Json()["page"]["totalElements"];
  HttpsClient a("gemeente-a");
  int sams = a.Get(Url("/samenwerkingen")).Json()["page"]["totalElements"];
  ASSERT_TRUE(emulator_->Restart());
  HttpsClient a2("gemeente-a"), o2("omgevingsdienst");
  EXPECT_EQ(a2.Get(Url("/samenwerkingen")).Json()["page"]["totalElements"], sams);
  EXPECT_EQ(a2.Get(Url("/documenten/" + doc + "/content")).body, "blijvend");
  EXPECT_EQ(o2.Get(Url("/notificaties")).Json()["page"]["totalElements"], notes);
  EXPECT_EQ(a2.Get(Url("/samenwerkingen/" + sam + "/deelnemers")).Json()["page"]["totalElements"], 3);
}

}  // namespace
}  // namespace swfvault::testing
