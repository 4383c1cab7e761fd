// Hostile and malformed input never crashes the emulator and never loses stored data.
#include <atomic>
#include <chrono>
#include <thread>

#include "emulator_itest_util.h"

namespace swfvault::testing {
namespace {

class RobustnessTest : public SeededEmulatorTest {};

TEST_F(RobustnessTest, GarbageEverywhereLeavesStateIntact) {
  std::string sam = NewSamenwerking();
  std::string doc = Upload("gemeente-a", sam, "waardevol.txt", "waardevol");
  const std::vector<std::string> bodies = {
      "", "{", "[]", "null", "42", "\"x\"", "{\"status\": 5}", "{\"status\": null}",
      "{\"verzoeknummer\": 12}", "{\"privilege\": []}", "{\"oin\": {\"a\": 1}}",
      "{\"bericht\": 1}", "{\"documenten\": \"x\"}", std::string(100000, '['),
      "{\"titel\": \"\\ud800\"}", std::string("{\"a\":\"\0\"}", 9)};
  const std::vector<std::pair<std::string, std::string>> targets = {
      {"POST", "/samenwerkingen"},
      {"PATCH", "/samenwerkingen/" + sam},
      {"POST", "/samenwerkingen/" + sam + "/deelnemers"},
      {"PATCH", "/samenwerkingen/" + sam + "/deelnemers/" + std::string(kAdviesbureau)},
      {"POST", "/samenwerkingen/" + sam + "/actieverzoeken"},
      {"PATCH", "/documenten/" + doc},
      {"POST", "/samenwerkingen/" + sam + "/documenten"},
      {"PATCH", "/actieverzoeken/nope"},
      {"POST", "/actieverzoeken/nope/berichten"},
  };
  HttpsClient a("gemeente-a");
  int requests = 0;
  for (const auto& [method, path] : targets) {
    for (const std::string& body : bodies) {
      HttpResponse r = a.Send(method, Url(path), body, "application/json");
      ++requests;
      EXPECT_NE(r.status, 0) << method << " " << path << " " << body.substr(0, 40);
      EXPECT_LT(r.status, 500) << method << " " << path << " " << body.substr(0, 40) << r.body;
      if (r.status == 400) {
        EXPECT_FALSE(InvalidParam(r).empty()) << r.body;
      }
      // A merge-patch of {"status": null} is a valid no-op; everything else must be refused.
      if (body != "{\"status\": null}") {
        EXPECT_GE(r.status, 400) << method << " " << path << " " << body.substr(0, 40);
      }
    }
  }
  for (const char* q : {"pagina=-1", "aantal=0", "aantal=abc", "status[zzz]=1", "_sort=geheim", "pagina=99999999999999999999",
                        "pagina=9223372036854775807&aantal=1", "status%5B%FF%5D=1", "_sort=%C3"}) {
    HttpResponse r = a.Get(Url("/samenwerkingen?" + std::string(q)));
    ++requests;
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_FALSE(InvalidParam(r).empty()) << q << " " << r.body;
  }
  std::printf("malformed requests sent: %d\n", requests);
  HttpsClient fresh("gemeente-a");
  EXPECT_EQ(fresh.Get(Url("/documenten/" + doc + "/content")).body, "waardevol");
  EXPECT_EQ(fresh.Get(Url("/samenwerkingen/" + sam)).Json()["status"], "OPEN");
  EXPECT_EQ(fresh.Get(Url("/samenwerkingen/" + sam + "/deelnemers")).Json()["page"]["totalElements"], 3);
}

TEST_F(RobustnessTest, DeeplyNestedBodyIs400AndTheServerKeepsAnswering) {
  std::string sam = NewSamenwerking();
  constexpr size_t kDepth = 300000;
  const std::string body = "{\"titel\":\"diep\",\"ontvanger\":\"" + std::string(kOmgevingsdienst) +
                           "\",\"documenten\":" + std::string(kDepth, '[') + std::string(kDepth, ']') + "}";
  HttpsClient a("gemeente-a");
  HttpResponse r = a.Send("POST", Url("/samenwerkingen/" + sam + "/actieverzoeken"), body, "application/json");
  EXPECT_EQ(r.status, 400) << r.error;
  EXPECT_EQ(InvalidParam(r), "body") << r.body;
  EXPECT_EQ(r.Json()["detail"], "body: nested deeper than 64 levels");
  HttpsClient fresh("gemeente-a");
  EXPECT_EQ(fresh.Get(Url("/samenwerkingen/" + sam)).status, 200);
}

// A 400 names what was wrong without sending a client's megabytes back to it.
TEST_F(RobustnessTest, ErrorsDoNotEchoHugeValues) {
  std::string sam = NewSamenwerking();
  std::string doc = Upload("gemeente-a", sam, "klein.txt", "klein");
  HttpsClient a("gemeente-a");
  HttpResponse av = a.Post(Url("/samenwerkingen/" + sam + "/actieverzoeken"),
                           {{"titel", "x"}, {"ontvanger", kOmgevingsdienst}});
  ASSERT_EQ(av.status, 201) << av.body;
  const std::string huge(200000, 'x');
  struct Case {
    std::string method, path;
    nlohmann::json body;
    std::string param;
  };
  const std::vector<Case> cases = {
      {"PATCH", "/samenwerkingen/" + sam, {{"status", huge}}, "status"},
      {"PATCH", "/samenwerkingen/" + sam, {{huge, 1}}, ""},
      {"POST", "/samenwerkingen", {{"verzoeknummer", huge}}, "verzoeknummer"},
      {"POST", "/samenwerkingen", {{"verzoeknummer", "12026001"}, {"samenwerkVorm", huge}}, "samenwerkVorm"},
      {"POST", "/samenwerkingen/" + sam + "/deelnemers", {{"oin", kGemeenteB}, {"privilege", huge}}, "privilege"},
      {"POST", "/samenwerkingen/" + sam + "/actieverzoeken",
       {{"titel", "x"}, {"ontvanger", kOmgevingsdienst}, {"documenten", {huge}}}, "documenten"},
      {"PATCH", "/actieverzoeken/" + av.Json()["actieverzoekId"].get<std::string>(), {{"status", huge}}, "status"},
      {"PATCH", "/documenten/" + doc, {{huge, 1}}, ""},
  };
  for (const Case& c : cases) {
    HttpResponse r = a.Send(c.method, Url(c.path), c.body.dump(), "application/json");
    EXPECT_EQ(r.status, 400) << c.method << " " << c.path << " " << r.body.substr(0, 200);
    EXPECT_LT(r.body.size(), 1000u) << c.method << " " << c.path << " " << r.body.substr(0, 200);
    if (!c.param.empty()) {
      EXPECT_EQ(InvalidParam(r), c.param) << r.body.substr(0, 200);
    }
  }
  HttpResponse nested = a.Post(Url("/samenwerkingen/" + sam + "/actieverzoeken"),
                               {{"titel", "x"}, {"ontvanger", kOmgevingsdienst},
                                {"documenten", nlohmann::json::array({doc, nlohmann::json::array({1})})}});
  EXPECT_EQ(nested.status, 400);
  EXPECT_EQ(nested.Json()["detail"], "documenten: element 1 must be a document id (string), not array");
}

TEST_F(RobustnessTest, UnknownRouteIs404ProblemJson) {
  HttpsClient a("gemeente-a");
  for (const std::map<std::string, std::string>& headers :
       {std::map<std::string, std::string>{}, {{"Range", "bytes=0-3"}}}) {
    HttpResponse r = a.Get(Url("/bestaat-niet"), headers);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.Header("content-type"), "application/problem+json");
    EXPECT_EQ(r.Json()["status"], 404) << r.body;
    EXPECT_EQ(r.Json()["instance"], std::string(kDefaultApiPrefix) + "/bestaat-niet");
  }
}

TEST_F(RobustnessTest, UnsupportedMethodOnAKnownPathIs405ProblemJson) {
  std::string sam = NewSamenwerking();
  HttpsClient a("gemeente-a");
  HttpResponse put = a.Put(Url("/samenwerkingen/" + sam), {{"titel", "vervangen"}});
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.Header("content-type"), "application/problem+json");
  EXPECT_EQ(put.Json()["status"], 405) << put.body;
  EXPECT_EQ(put.Header("allow"), "DELETE, GET, HEAD, PATCH");
  HttpResponse del = a.Delete(Url("/samenwerkingen"));
  EXPECT_EQ(del.status, 405);
  EXPECT_EQ(del.Header("allow"), "GET, HEAD, POST");
  EXPECT_EQ(del.Json()["status"], 405) << del.body;
  EXPECT_EQ(a.Get(Url("/samenwerkingen/" + sam)).Json()["titel"], "Test");
}

TEST_F(RobustnessTest, ManyParallelKeepAliveClientsWithUploads) {
  std::string sam = NewSamenwerking();
  std::string doc = Upload("gemeente-a", sam, "gedeeld.txt", std::string(50000, 'z'));
  constexpr int kClients = 24;
  std::vector<std::unique_ptr<HttpsClient>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(std::make_unique<HttpsClient>("gemeente-a"));
  std::atomic<int> ok{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 5; ++round) {
        HttpResponse r = i % 4 == 0
            ? clients[i]->PostMultipart(Url("/samenwerkingen/" + sam + "/documenten"),
                                        {{"file", "parallel " + std::to_string(i * 10 + round), "p.txt", "text/plain"}})
            : clients[i]->Get(Url("/documenten/" + doc + "/content"));
        ok += (r.status == 200 && r.body.size() == 50000) || r.status == 201;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(ok, kClients * 5);
  EXPECT_LT(seconds, 8.0) << "parallel keep-alive clients were serialised";
  HttpsClient a("gemeente-a");
  EXPECT_EQ(a.Get(Url("/samenwerkingen/" + sam + "/documenten")).Json()["page"]["totalElements"], 1 + 6 * 5);
}

TEST_F(RobustnessTest, UnknownIdsAre404NotErrors) {
  HttpsClient a("gemeente-a");
  for (const char* path : {"/samenwerkingen/SAM-1", "/samenwerkingen/../../etc/passwd", "/documenten/x/content",
                           "/documenten/%00", "/actieverzoeken/1", "/samenwerkingen/SAM-1/documenten"}) {
    HttpResponse r = a.Get(Url(path));
    EXPECT_EQ(r.status, 404) << path << r.body;
  }
}

}  // namespace
}  // namespace swfvault::testing
