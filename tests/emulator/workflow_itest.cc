// Samenwerkingen, deelnemers, actieverzoeken, berichten, notificaties and paging over mTLS.
#include <cstdio>
#include <ctime>
#include <set>

#include "emulator_itest_util.h"

namespace swfvault::testing {
namespace {

class WorkflowTest : public SeededEmulatorTest {};

TEST_F(WorkflowTest, CreateReturnsLocationAndResource) {
  HttpsClient a("gemeente-a");
  HttpResponse r = a.Post(Url("/samenwerkingen"), {{"titel", "Nieuw"}, {"verzoeknummer", "12026006"}});
  ASSERT_EQ(r.status, 201);
  nlohmann::json s = r.Json();
  EXPECT_EQ(s["status"], "OPEN");
  EXPECT_EQ(s["aangemaaktDoor"], kGemeenteA);
  EXPECT_EQ(r.Header("location"), Url("/samenwerkingen/" + s["samenwerkingId"].get<std::string>()));
  EXPECT_EQ(s["creatieDatumTijd"].get<std::string>().size(), std::string("2026-06-04T10:45:01.933+02:00").size());
}

TEST_F(WorkflowTest, MalformedJsonIs400) {
  HttpsClient a("gemeente-a");
  HttpResponse r = a.Send("POST", Url("/samenwerkingen"), "{nope", "application/json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_EQ(InvalidParam(r), "body");
}

TEST_F(WorkflowTest, MissingVerzoeknummerIs400NamingIt) {
  HttpsClient a("gemeente-a");
  HttpResponse r = a.Post(Url("/samenwerkingen"), {{"titel", "zonder verzoek"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(InvalidParam(r), "verzoeknummer");
}

TEST_F(WorkflowTest, UnknownEnumIs400NamingIt) {
  HttpsClient a("gemeente-a");
  HttpResponse r = a.Post(Url("/samenwerkingen"), {{"verzoeknummer", "12026001"}, {"samenwerkVorm", "IETS"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(InvalidParam(r), "samenwerkVorm");
}

TEST_F(WorkflowTest, VerzoekOfOtherBevoegdGezagIs403) {
  HttpsClient a("gemeente-a");
  EXPECT_EQ(a.Post(Url("/samenwerkingen"), {{"verzoeknummer", "22026001"}}).status, 403);
}

TEST_F(WorkflowTest, OnlyInitiatorInvitesChangesAndRemoves) {
  std::string id = NewSamenwerking();
  HttpsClient o("omgevingsdienst");
  EXPECT_EQ(o.Post(Url("/samenwerkingen/" + id + "/deelnemers"), {{"oin", kGemeenteB}}).status, 403);
  EXPECT_EQ(o.Patch(Url("/samenwerkingen/" + id + "/deelnemers/" + std::string(kAdviesbureau)),
                    {{"privilege", "VOLLEDIGE_TOEGANG"}}).status, 403);
  EXPECT_EQ(o.Delete(Url("/samenwerkingen/" + id + "/deelnemers/" + std::string(kAdviesbureau))).status, 403);
  HttpsClient a("gemeente-a");
  EXPECT_EQ(a.Patch(Url("/samenwerkingen/" + id + "/deelnemers/" + std::string(kAdviesbureau)),
                    {{"privilege", "VOLLEDIGE_TOEGANG"}}).status, 200);
  EXPECT_EQ(a.Delete(Url("/samenwerkingen/" + id + "/deelnemers/" + std::string(kAdviesbureau))).status, 204);
  HttpsClient b("adviesbureau");
  EXPECT_EQ(b.Get(Url("/samenwerkingen/" + id)).status, 404);
}

TEST_F(WorkflowTest, InviteValidatesInput) {
  std::string id = NewSamenwerking();
  HttpsClient a("gemeente-a");
  HttpResponse bad_oin = a.Post(Url("/samenwerkingen/" + id + "/deelnemers"), {{"oin", "123"}});
  EXPECT_EQ(InvalidParam(bad_oin), "oin");
  HttpResponse bad_priv = a.Post(Url("/samenwerkingen/" + id + "/deelnemers"), {{"oin", kGemeenteB}, {"privilege", "ALLES"}});
  EXPECT_EQ(InvalidParam(bad_priv), "privilege");
  EXPECT_EQ(a.Post(Url("/samenwerkingen/" + id + "/deelnemers"), {{"oin", kAdviesbureau}}).status, 409);
  EXPECT_EQ(a.Delete(Url("/samenwerkingen/" + id + "/deelnemers/" + std::string(kGemeenteA))).status, 409);
}

TEST_F(WorkflowTest, InviteNotifiesInvitee) {
  std::string id = NewSamenwerking();
  HttpsClient b("adviesbureau");
  auto n = b.Get(Url("/samenwerkingen/" + id + "/notificaties?notificatieType=UITNODIGING_KETENPARTNER")).Json();
  EXPECT_EQ(n["page"]["totalElements"], 1);
}

TEST_F(WorkflowTest, ClosedSamenwerkingIsReadOnlyAndThenDeletable) {
  std::string id = NewSamenwerking();
  HttpsClient a("gemeente-a"), o("omgevingsdienst");
  EXPECT_EQ(a.Delete(Url("/samenwerkingen/" + id)).status, 409);  // still OPEN
  EXPECT_EQ(o.Patch(Url("/samenwerkingen/" + id), {{"status", "GESLOTEN"}}).status, 403);
  HttpResponse closed = a.Patch(Url("/samenwerkingen/" + id), {{"status", "GESLOTEN"}});
  ASSERT_EQ(closed.status, 200);
  EXPECT_FALSE(closed.Json()["eindDatumTijd"].is_null());
  EXPECT_EQ(a.Patch(Url("/samenwerkingen/" + id), {{"status", "OPEN"}}).status, 409);
  HttpResponse up = a.PostMultipart(Url("/samenwerkingen/" + id + "/documenten"), {{"file", "x", "x.txt", "text/plain"}});
  EXPECT_EQ(up.status, 409);
  HttpResponse av = a.Post(Url("/samenwerkingen/" + id + "/actieverzoeken"),
                           {{"titel", "t"}, {"ontvanger", kOmgevingsdienst}});
  EXPECT_EQ(av.status, 409) << av.error;
  auto n = o.Get(Url("/samenwerkingen/" + id + "/notificaties?notificatieType=SAMENWERKING_GESLOTEN")).Json();
  EXPECT_EQ(n["page"]["totalElements"], 1);
  EXPECT_EQ(o.Delete(Url("/samenwerkingen/" + id)).status, 403);
  EXPECT_EQ(a.Delete(Url("/samenwerkingen/" + id)).status, 204);
  EXPECT_EQ(a.Get(Url("/samenwerkingen/" + id)).status, 404);
}

// Rule 6 for a removed samenwerking: its documents' removal is notified, and what the
// deelnemers were told before (the close) stays in their notifications; no SV subject reaches
// a deelnemer with beperkte toegang.
TEST_F(WorkflowTest, RemovingASamenwerkingNotifiesItsDocumentsAndKeepsEarlierNotifications) {
  const std::string id = NewSamenwerking();
  const std::string rv = Upload("gemeente-a", id, "rv.txt", "regulier");
  const std::string sv = Upload("gemeente-a", id, "sv.txt", "strikt", "SV");
  HttpsClient a("gemeente-a"), o("omgevingsdienst"), b("adviesbureau");
  ASSERT_EQ(a.Patch(Url("/samenwerkingen/" + id), {{"status", "GESLOTEN"}}).status, 200);
  ASSERT_EQ(a.Delete(Url("/samenwerkingen/" + id)).status, 204);
  auto seen = [&](HttpsClient& who) {
    std::multiset<std::string> out;
    nlohmann::json n = who.Get(Url("/notificaties?samenwerkingId=" + id + "&aantal=100")).Json();
    for (const auto& x : n.value("_embedded", nlohmann::json::object()).value("notificaties", nlohmann::json::array())) {
      out.insert(x["notificatieType"].get<std::string>() + " " + x["properties"].value("documentId", ""));
    }
    return out;
  };
  std::multiset<std::string> for_o = seen(o), for_b = seen(b);
  EXPECT_EQ(for_o.count("SAMENWERKING_GESLOTEN "), 1u);
  EXPECT_EQ(for_o.count("DOCUMENT_VERWIJDERD " + rv), 1u);
  EXPECT_EQ(for_b.count("DOCUMENT_VERWIJDERD " + rv), 1u);
  for (const auto& n : for_b) EXPECT_EQ(n.find(sv), std::string::npos) << n;
  // The deelnemer with full access held the SV document: it learns of its removal too, in the
  // list and by id, although its deelnemer row went with the samenwerking.
  EXPECT_EQ(for_o.count("DOCUMENT_VERWIJDERD " + sv), 1u);
  nlohmann::json gone =
      o.Get(Url("/notificaties?samenwerkingId=" + id + "&notificatieType=DOCUMENT_VERWIJDERD"))
          .Json();
  for (const auto& x : gone["_embedded"]["notificaties"]) {
    EXPECT_EQ(o.Get(Url("/notificaties/" + x["notificatieId"].get<std::string>())).status, 200)
        << x.dump();
  }
  EXPECT_EQ(gone["page"]["totalElements"], 2);
}

// A notification about an SV document that a deelnemer lost sight of (its access lowered) does
// not come back when the samenwerking is deleted and the deelnemer rows that hid it go.
TEST_F(WorkflowTest, AnSvNotificationHiddenByALoweredPrivilegeStaysHiddenAfterRemoval) {
  const std::string id = NewSamenwerking();
  HttpsClient a("gemeente-a"), b("adviesbureau");
  const std::string deelnemer =
      Url("/samenwerkingen/" + id + "/deelnemers/" + std::string(kAdviesbureau));
  ASSERT_EQ(a.Patch(deelnemer, {{"privilege", "VOLLEDIGE_TOEGANG"}}).status, 200);
  const std::string sv = Upload("gemeente-a", id, "geheim.txt", "strikt", "SV");
  auto mentions_sv = [&] {
    nlohmann::json n = b.Get(Url("/notificaties?samenwerkingId=" + id + "&aantal=100")).Json();
    int count = 0;
    for (const auto& x : n.value("_embedded", nlohmann::json::object())
                             .value("notificaties", nlohmann::json::array())) {
      count += x["properties"].value("documentId", "") == sv ? 1 : 0;
    }
    return count;
  };
  ASSERT_EQ(mentions_sv(), 1);  // DOCUMENT_TOEGEVOEGD, while it had full access
  ASSERT_EQ(a.Patch(deelnemer, {{"privilege", "BEPERKTE_TOEGANG"}}).status, 200);
  EXPECT_EQ(mentions_sv(), 0);
  ASSERT_EQ(a.Patch(Url("/samenwerkingen/" + id), {{"status", "GESLOTEN"}}).status, 200);
  ASSERT_EQ(a.Delete(Url("/samenwerkingen/" + id)).status, 204);
  EXPECT_EQ(mentions_sv(), 0);
}

// A JSON route takes only a body that says it is JSON (contract: 415 wrong content type).
TEST_F(WorkflowTest, AJsonBodyOfAnotherContentTypeIs415) {
  const std::string sam = NewSamenwerking();
  HttpsClient a("gemeente-a");
  const std::string patch = nlohmann::json{{"titel", "Nieuw"}}.dump();
  HttpResponse plain = a.Send("PATCH", Url("/samenwerkingen/" + sam), patch, "text/plain");
  EXPECT_EQ(plain.status, 415) << plain.body;
  EXPECT_EQ(plain.Json()["status"], 415);
  EXPECT_EQ(a.Send("POST", Url("/samenwerkingen/" + sam + "/deelnemers"),
                   nlohmann::json{{"oin", kGemeenteB}}.dump(), "application/x-www-form-urlencoded").status, 415);
  EXPECT_NE(a.Get(Url("/samenwerkingen/" + sam)).Json()["titel"], "Nieuw") << "changed despite the 415";
  EXPECT_EQ(a.Send("PATCH", Url("/samenwerkingen/" + sam), patch, "application/json; charset=UTF-8").status, 200);
  EXPECT_EQ(a.Send("PATCH", Url("/samenwerkingen/" + sam), patch, "application/merge-patch+json").status, 200);
}

TEST_F(WorkflowTest, PagingEdges) {
  std::string id = NewSamenwerking();
  HttpsClient a("gemeente-a");
  auto page = [&](const std::string& q) { return a.Get(Url("/samenwerkingen/" + id + "/documenten?" + q)).Json(); };
  nlohmann::json empty = page("aantal=5");
  EXPECT_FALSE(empty.contains("_embedded"));
  EXPECT_EQ(empty["page"]["totalElements"], 0);
  for (int i = 0; i < 10; ++i) Upload("gemeente-a", id, "d" + std::to_string(i) + ".txt", std::to_string(i));
  nlohmann::json exact = page("aantal=5&pagina=1");
  EXPECT_EQ(exact["page"]["totalPages"], 2);
  EXPECT_EQ(exact["_embedded"]["documenten"].size(), 5u);
  EXPECT_FALSE(exact["_links"].contains("next"));
  EXPECT_TRUE(exact["_links"].contains("prev"));
  nlohmann::json last = page("aantal=3&page=3");
  EXPECT_EQ(last["_embedded"]["documenten"].size(), 1u);
  EXPECT_EQ(last["page"]["number"], 3);
  nlohmann::json beyond = page("aantal=5&pagina=7");
  EXPECT_FALSE(beyond.contains("_embedded"));
  HttpResponse too_big = a.Get(Url("/samenwerkingen/" + id + "/documenten?aantal=101"));
  EXPECT_EQ(InvalidParam(too_big), "aantal");
}

// "2026-11-30T05:34:07.004+00:00" -> the same instant written as "2026-11-30T07:34:07.004+02:00".
std::string AtPlusTwo(const std::string& utc) {
  std::tm tm{};
  int ms = 0;
  std::sscanf(utc.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
              &tm.tm_min, &tm.tm_sec, &ms);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t t = timegm(&tm) + 2 * 3600;
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  char millis[8];
  std::snprintf(millis, sizeof(millis), ".%03d", ms);
  return std::string(buf) + millis + "+02:00";
}

TEST_F(WorkflowTest, InstantFiltersMatchTheSameInstantInAnotherOffset) {
  std::string id = NewSamenwerking();
  HttpsClient a("gemeente-a");
  std::string created = a.Get(Url("/samenwerkingen/" + id)).Json()["creatieDatumTijd"];
  std::string shifted = AtPlusTwo(created);
  ASSERT_NE(shifted, created);
  std::string encoded = shifted;
  encoded.replace(encoded.find('+'), 1, "%2B");
  auto total = [&](const std::string& q) {
    return a.Get(Url("/samenwerkingen?samenwerkingId=" + id + "&" + q)).Json()["page"]["totalElements"];
  };
  EXPECT_EQ(total("creatieDatumTijd=" + encoded), 1) << shifted;
  EXPECT_EQ(total("creatieDatumTijd%5Bnot%5D=" + encoded), 0) << shifted;
  EXPECT_EQ(total("creatieDatumTijd%5Bgte%5D=" + encoded), 1) << shifted;
}

TEST_F(WorkflowTest, FilterValuesOfTheWrongKindAre400NamingTheParameter) {
  std::string id = NewSamenwerking();
  HttpsClient a("gemeente-a");
  HttpResponse instant = a.Get(Url("/samenwerkingen?creatieDatumTijd%5Bgt%5D=gisteren"));
  EXPECT_EQ(instant.status, 400);
  EXPECT_EQ(InvalidParam(instant), "creatieDatumTijd[gt]");
  HttpResponse plain = a.Get(Url("/samenwerkingen?laatstAangepastDatumTijd=vandaag"));
  EXPECT_EQ(plain.status, 400);
  EXPECT_EQ(InvalidParam(plain), "laatstAangepastDatumTijd");
  HttpResponse size = a.Get(Url("/samenwerkingen/" + id + "/documenten?bestandsGrootte%5Blt%5D=groot"));
  EXPECT_EQ(size.status, 400);
  EXPECT_EQ(InvalidParam(size), "bestandsGrootte[lt]");
  // Counters of a samenwerking are worked out per caller, not stored: not filterable.
  HttpResponse counter = a.Get(Url("/samenwerkingen?aantalNotificaties%5Bgt%5D=0"));
  EXPECT_EQ(counter.status, 400);
  EXPECT_EQ(InvalidParam(counter), "aantalNotificaties[gt]");
}

// Creates an OPEN actieverzoek from gemeente-a to omgevingsdienst and returns its id.
std::string NewActieverzoek(const std::string& sam) {
  HttpsClient a("gemeente-a");
  HttpResponse r = a.Post(SeededEmulatorTest::Url("/samenwerkingen/" + sam + "/actieverzoeken"),
                          {{"titel", "Advies graag"}, {"omschrijving", "Graag advies"}, {"ontvanger", kOmgevingsdienst}});
  EXPECT_EQ(r.status, 201) << r.body;
  return r.Json().value("actieverzoekId", "");
}

struct Step {
  const char* org;  // who patches
  const char* to;
  long status;
};

struct Scenario {
  const char* name;
  std::vector<Step> steps;
};

class ActieverzoekTest : public SeededEmulatorTest {
 protected:
  static void SetUpTestSuite() {
    SeededEmulatorTest::SetUpTestSuite();
    if (emulator_ != nullptr) sam_ = NewSamenwerking();
  }
  static inline std::string sam_;
};

TEST_F(ActieverzoekTest, EveryLegalAndIllegalTransition) {
  const char* z = "gemeente-a";       // zender
  const char* o = "omgevingsdienst";  // ontvanger
  const std::vector<Scenario> scenarios = {
      {"behandelen, gereedmelden, accepteren", {{o, "IN_BEHANDELING", 200}, {o, "GEREEDGEMELD", 200}, {z, "GEREED", 200}}},
      {"gereedmelden from OPEN", {{o, "GEREEDGEMELD", 200}, {z, "GEREED", 200}}},
      {"weigeren from OPEN", {{o, "GEWEIGERD", 200}}},
      {"weigeren from IN_BEHANDELING", {{o, "IN_BEHANDELING", 200}, {o, "GEWEIGERD", 200}}},
      {"intrekken from OPEN", {{z, "INGETROKKEN", 200}}},
      {"intrekken from IN_BEHANDELING", {{o, "IN_BEHANDELING", 200}, {z, "INGETROKKEN", 200}}},
      {"intrekken from GEREEDGEMELD", {{o, "GEREEDGEMELD", 200}, {z, "INGETROKKEN", 200}}},
      {"sender cannot behandelen", {{z, "IN_BEHANDELING", 409}}},
      {"sender cannot gereedmelden", {{z, "GEREEDGEMELD", 409}}},
      {"sender cannot weigeren", {{z, "GEWEIGERD", 409}}},
      {"receiver cannot intrekken", {{o, "INGETROKKEN", 409}}},
      {"receiver cannot accepteren", {{o, "GEREEDGEMELD", 200}, {o, "GEREED", 409}}},
      {"no GEREED from OPEN", {{z, "GEREED", 409}}},
      {"no way back to OPEN", {{o, "IN_BEHANDELING", 200}, {o, "OPEN", 409}}},
      {"GEREED is final", {{o, "GEREEDGEMELD", 200}, {z, "GEREED", 200}, {z, "INGETROKKEN", 409}, {o, "GEWEIGERD", 409}}},
      {"GEWEIGERD is final", {{o, "GEWEIGERD", 200}, {o, "IN_BEHANDELING", 409}, {z, "INGETROKKEN", 409}}},
      {"INGETROKKEN is final", {{z, "INGETROKKEN", 200}, {o, "IN_BEHANDELING", 409}, {z, "GEREED", 409}}},
      {"unknown status is 400", {{o, "KLAAR", 400}}},
  };
  int steps = 0;
  for (const Scenario& s : scenarios) {
    std::string id = NewActieverzoek(sam_);
    for (const Step& step : s.steps) {
      HttpsClient c(step.org);
      HttpResponse r = c.Patch(Url("/actieverzoeken/" + id), {{"status", step.to}, {"melding", "stap"}});
      EXPECT_EQ(r.status, step.status) << s.name << ": " << step.org << " -> " << step.to << " " << r.body;
      ++steps;
    }
  }
  std::printf("actieverzoek scenarios: %zu, transitions tried: %d\n", scenarios.size(), steps);
}

TEST_F(ActieverzoekTest, LinksAdvertiseAllowedTransitions) {
  std::string id = NewActieverzoek(sam_);
  HttpsClient z("gemeente-a"), o("omgevingsdienst");
  nlohmann::json for_receiver = o.Get(Url("/actieverzoeken/" + id)).Json()["_links"];
  EXPECT_TRUE(for_receiver.contains("behandelen"));
  EXPECT_TRUE(for_receiver.contains("weigeren"));
  EXPECT_TRUE(for_receiver.contains("gereedmelden"));
  EXPECT_FALSE(for_receiver.contains("intrekken"));
  EXPECT_TRUE(for_receiver.contains("berichtVerzenden"));
  nlohmann::json for_sender = z.Get(Url("/actieverzoeken/" + id)).Json()["_links"];
  EXPECT_TRUE(for_sender.contains("intrekken"));
  EXPECT_FALSE(for_sender.contains("behandelen"));
  EXPECT_FALSE(for_sender.contains("accepteren"));
}

TEST_F(ActieverzoekTest, OutsidersDoNotSeeIt) {
  std::string id = NewActieverzoek(sam_);
  HttpsClient b("adviesbureau");
  EXPECT_EQ(b.Get(Url("/actieverzoeken/" + id)).status, 404);
  EXPECT_EQ(b.Patch(Url("/actieverzoeken/" + id), {{"status", "GEWEIGERD"}}).status, 404);
}

// A PATCH of an actieverzoek names a field it cannot change (400, as for a samenwerking) and
// changes nothing, its status included.
TEST_F(ActieverzoekTest, APatchThatChangesAFieldThatCannotChangeIsRefusedWhole) {
  const std::string sam = NewSamenwerking();
  HttpsClient a("gemeente-a");
  HttpResponse created = a.Post(Url("/samenwerkingen/" + sam + "/actieverzoeken"),
                                {{"titel", "Advies"}, {"ontvanger", kAdviesbureau}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string av = created.Json()["actieverzoekId"];
  HttpResponse titel =
      a.Patch(Url("/actieverzoeken/" + av), {{"status", "INGETROKKEN"}, {"titel", "Anders"}});
  EXPECT_EQ(titel.status, 400);
  EXPECT_EQ(InvalidParam(titel), "titel");
  nlohmann::json now = a.Get(Url("/actieverzoeken/" + av)).Json();
  EXPECT_EQ(now["status"], "OPEN");
  EXPECT_EQ(now["titel"], "Advies");
  // The real UI sends the fields it shows along, unchanged: those are taken.
  HttpResponse same = a.Patch(
      Url("/actieverzoeken/" + av),
      {{"status", "INGETROKKEN"}, {"titel", "Advies"}, {"omschrijving", now["omschrijving"]}});
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(a.Get(Url("/actieverzoeken/" + av)).Json()["status"], "INGETROKKEN");
}

// HAL: every deelnemer and bericht carries _links, and a deelnemer's self link can be read
// (by deelnemers only: others get 404, as for anything under a samenwerking they are not in).
TEST_F(ActieverzoekTest, DeelnemersAndBerichtenCarryLinksThatCanBeFollowed) {
  const std::string sam = NewSamenwerking();
  HttpsClient a("gemeente-a"), o("omgevingsdienst"), g("gemeente-b");
  nlohmann::json list = o.Get(Url("/samenwerkingen/" + sam + "/deelnemers")).Json();
  ASSERT_EQ(list["_embedded"]["deelnemers"].size(), 3u) << list.dump();
  for (const nlohmann::json& d : list["_embedded"]["deelnemers"]) {
    const std::string self = d["_links"]["self"]["href"];
    HttpResponse got = o.Get(self);
    ASSERT_EQ(got.status, 200) << self;
    EXPECT_EQ(got.Json()["oin"], d["oin"]);
    EXPECT_EQ(got.Json()["privilege"], d["privilege"]);
    EXPECT_EQ(g.Get(self).status, 404) << self;
  }
  EXPECT_EQ(o.Get(Url("/samenwerkingen/" + sam + "/deelnemers/" + kGemeenteB)).status, 404);
  HttpResponse invited =
      a.Post(Url("/samenwerkingen/" + sam + "/deelnemers"), {{"oin", kGemeenteB}});
  ASSERT_EQ(invited.status, 201) << invited.body;
  EXPECT_EQ(invited.Json()["_links"]["self"]["href"], invited.Header("location"));
  HttpResponse changed = a.Patch(invited.Header("location"), {{"privilege", "VOLLEDIGE_TOEGANG"}});
  ASSERT_EQ(changed.status, 200);
  EXPECT_EQ(changed.Json()["_links"]["self"]["href"], invited.Header("location"));
  EXPECT_EQ(a.Get(invited.Header("location")).Json()["privilege"], "VOLLEDIGE_TOEGANG");

  HttpResponse created = a.Post(Url("/samenwerkingen/" + sam + "/actieverzoeken"),
                                {{"titel", "Advies"}, {"ontvanger", kAdviesbureau}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string av = created.Json()["actieverzoekId"];
  HttpResponse sent = a.Post(Url("/actieverzoeken/" + av + "/berichten"), {{"bericht", "Graag"}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(a.Get(sent.Json()["_links"]["actieverzoek"]["href"]).Json()["actieverzoekId"], av);
  nlohmann::json berichten = a.Get(sent.Json()["_links"]["berichten"]["href"]).Json();
  ASSERT_EQ(berichten["_embedded"]["berichten"].size(), 1u);
  EXPECT_EQ(berichten["_embedded"]["berichten"][0]["_links"], sent.Json()["_links"]);
}

// Rule 1: a partner removed from the samenwerking sees nothing under it, its actieverzoeken
// and berichten included.
TEST_F(ActieverzoekTest, ARemovedPartnerLosesItsActieverzoeken) {
  const std::string sam = NewSamenwerking();
  HttpsClient a("gemeente-a"), b("adviesbureau");
  HttpResponse created = a.Post(Url("/samenwerkingen/" + sam + "/actieverzoeken"),
                                {{"titel", "Advies"}, {"ontvanger", kAdviesbureau}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.Json()["actieverzoekId"];
  ASSERT_EQ(b.Get(Url("/actieverzoeken/" + id)).status, 200);
  ASSERT_EQ(a.Delete(Url("/samenwerkingen/" + sam + "/deelnemers/" + kAdviesbureau)).status, 204);
  EXPECT_EQ(b.Get(Url("/actieverzoeken/" + id)).status, 404);
  EXPECT_EQ(b.Patch(Url("/actieverzoeken/" + id), {{"status", "IN_BEHANDELING"}}).status, 404);
  EXPECT_EQ(b.Get(Url("/actieverzoeken/" + id + "/berichten")).status, 404);
  EXPECT_EQ(b.Post(Url("/actieverzoeken/" + id + "/berichten"), {{"bericht", "nog iets"}}).status, 404);
  EXPECT_FALSE(b.Get(Url("/actieverzoeken?samenwerkingId=" + sam)).Json().contains("_embedded"));
  EXPECT_EQ(a.Get(Url("/actieverzoeken/" + id)).status, 200) << "the sender still takes part";
}

// Rule 2: an SV document attached to an actieverzoek is not named to a receiver without full
// access, nor to one whose privilege was lowered afterwards; and once the samenwerking is
// closed no transition is advertised.
TEST_F(ActieverzoekTest, SvAttachmentsAreHiddenFromBeperkteToegangAndClosedMeansNoLinks) {
  const std::string sam = NewSamenwerking();
  const std::string rv = Upload("gemeente-a", sam, "rv.txt", "regulier"), sv = Upload("gemeente-a", sam, "sv.txt", "strikt", "SV");
  HttpsClient a("gemeente-a"), b("adviesbureau"), o("omgevingsdienst");
  auto issue = [&](const char* to) {
    HttpResponse r = a.Post(Url("/samenwerkingen/" + sam + "/actieverzoeken"),
                            {{"titel", "Advies"}, {"ontvanger", to}, {"documenten", {rv, sv}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("actieverzoekId", "");
  };
  const std::string for_b = issue(kAdviesbureau), for_o = issue(kOmgevingsdienst);
  EXPECT_EQ(b.Get(Url("/actieverzoeken/" + for_b)).Json()["documenten"], nlohmann::json({rv}));
  EXPECT_EQ(b.Get(Url("/actieverzoeken?samenwerkingId=" + sam)).Json()["_embedded"]["actieverzoeken"][0]["documenten"],
            nlohmann::json({rv}));
  EXPECT_EQ(a.Get(Url("/actieverzoeken/" + for_b)).Json()["documenten"], nlohmann::json({rv, sv}));
  EXPECT_EQ(o.Get(Url("/actieverzoeken/" + for_o)).Json()["documenten"], nlohmann::json({rv, sv}));
  ASSERT_EQ(a.Patch(Url("/samenwerkingen/" + sam + "/deelnemers/" + kOmgevingsdienst), {{"privilege", "BEPERKTE_TOEGANG"}}).status, 200);
  EXPECT_EQ(o.Get(Url("/actieverzoeken/" + for_o)).Json()["documenten"], nlohmann::json({rv}));

  ASSERT_EQ(a.Patch(Url("/samenwerkingen/" + sam), {{"status", "GESLOTEN"}}).status, 200);
  nlohmann::json links = o.Get(Url("/actieverzoeken/" + for_o)).Json()["_links"];
  EXPECT_TRUE(links.contains("self"));
  for (const char* move : {"behandelen", "weigeren", "gereedmelden", "berichtVerzenden"}) {
    EXPECT_FALSE(links.contains(move)) << move << " advertised on a closed samenwerking";
  }
  EXPECT_EQ(o.Patch(Url("/actieverzoeken/" + for_o), {{"status", "IN_BEHANDELING"}}).status, 409);
}

// An SV document's notification disappears for a deelnemer lowered to beperkte toegang after
// the event: from the list and from the samenwerking's aantalNotificaties alike.
TEST_F(ActieverzoekTest, ALoweredPrivilegeHidesSvNotificationsFromListAndCount) {
  const std::string sam = NewSamenwerking();
  Upload("gemeente-a", sam, "sv.txt", "strikt", "SV");
  HttpsClient a("gemeente-a"), o("omgevingsdienst");
  auto listed = [&] { return o.Get(Url("/samenwerkingen/" + sam + "/notificaties")).Json()["page"]["totalElements"]; };
  auto counted = [&] { return o.Get(Url("/samenwerkingen/" + sam)).Json()["aantalNotificaties"]; };
  const int before = listed();
  EXPECT_EQ(counted(), before);
  ASSERT_EQ(a.Patch(Url("/samenwerkingen/" + sam + "/deelnemers/" + kOmgevingsdienst), {{"privilege", "BEPERKTE_TOEGANG"}}).status, 200);
  EXPECT_EQ(listed(), before);  // the SV upload's DOCUMENT_TOEGEVOEGD went, PRIVILEGE_GEWIJZIGD came
  EXPECT_EQ(counted(), listed());
}

TEST_F(ActieverzoekTest, ReceiverIsNotified) {
  std::string id = NewActieverzoek(sam_);
  HttpsClient o("omgevingsdienst");
  auto n = o.Get(Url("/notificaties?notificatieType=ACTIEVERZOEK_ONTVANGEN&aantal=100")).Json();
  bool found = false;
  for (const auto& x : n["_embedded"]["notificaties"]) found = found || x["properties"]["actieverzoekId"] == id;
  EXPECT_TRUE(found);
}

TEST_F(ActieverzoekTest, ListFiltersBySamenwerkingAndOrganisatie) {
  std::string id = NewActieverzoek(sam_);
  HttpsClient o("omgevingsdienst");
  auto list = o.Get(Url("/actieverzoeken?samenwerkingId=" + sam_ + "&organisatie=" + kGemeenteA + "&aantal=100")).Json();
  bool found = false;
  for (const auto& x : list["_embedded"]["actieverzoeken"]) found = found || x["actieverzoekId"] == id;
  EXPECT_TRUE(found);
  HttpsClient b("adviesbureau");
  EXPECT_FALSE(b.Get(Url("/actieverzoeken?samenwerkingId=" + sam_)).Json().contains("_embedded"));
}

TEST_F(ActieverzoekTest, ReceiverMustBeDeelnemer) {
  HttpsClient a("gemeente-a");
  HttpResponse r = a.Post(Url("/samenwerkingen/" + sam_ + "/actieverzoeken"), {{"titel", "x"}, {"ontvanger", kGemeenteB}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(InvalidParam(r), "ontvanger");
}

TEST_F(ActieverzoekTest, BerichtenFlowAndCounter) {
  std::string id = NewActieverzoek(sam_);
  HttpsClient o("omgevingsdienst"), z("gemeente-a");
  EXPECT_EQ(o.Post(Url("/actieverzoeken/" + id + "/berichten"), {{"bericht", "Vraag over tekening"}}).status, 201);
  EXPECT_EQ(z.Post(Url("/actieverzoeken/" + id + "/berichten"), {{"bericht", "Zie bijlage"}}).status, 201);
  HttpResponse empty = z.Post(Url("/actieverzoeken/" + id + "/berichten"), {{"bericht", ""}});
  EXPECT_EQ(InvalidParam(empty), "bericht");
  nlohmann::json list = z.Get(Url("/actieverzoeken/" + id + "/berichten")).Json();
  EXPECT_EQ(list["page"]["totalElements"], 2);
  EXPECT_EQ(z.Get(Url("/actieverzoeken/" + id)).Json()["aantalBerichten"], 2);
  auto n = z.Get(Url("/notificaties?notificatieType=NIEUW_BERICHT&aantal=100")).Json();
  EXPECT_GE(n["page"]["totalElements"].get<int>(), 1);
}

TEST_F(ActieverzoekTest, BerichtenCounterFiltersAsANumber) {
  std::string quiet = NewActieverzoek(sam_);
  std::string busy = NewActieverzoek(sam_);
  HttpsClient z("gemeente-a");
  for (const char* text : {"een", "twee"}) {
    ASSERT_EQ(z.Post(Url("/actieverzoeken/" + busy + "/berichten"), {{"bericht", text}}).status, 201);
  }
  auto ids = [&](const std::string& q) {
    std::set<std::string> out;
    nlohmann::json list = z.Get(Url("/actieverzoeken?samenwerkingId=" + sam_ + "&aantal=100&" + q)).Json();
    for (const auto& x : list.value("_embedded", nlohmann::json::object()).value("actieverzoeken", nlohmann::json::array())) {
      out.insert(x["actieverzoekId"].get<std::string>());
    }
    return out;
  };
  EXPECT_TRUE(ids("aantalBerichten%5Bgte%5D=2").count(busy));
  EXPECT_FALSE(ids("aantalBerichten%5Bgte%5D=2").count(quiet));
  EXPECT_TRUE(ids("aantalBerichten=0").count(quiet));
  EXPECT_FALSE(ids("aantalBerichten=0").count(busy));
  EXPECT_EQ(InvalidParam(z.Get(Url("/actieverzoeken?aantalBerichten=twee"))), "aantalBerichten");
}

TEST_F(ActieverzoekTest, NotificationsAreDeletableByTheirOwnerOnly) {
  NewActieverzoek(sam_);
  HttpsClient o("omgevingsdienst");
  nlohmann::json n = o.Get(Url("/notificaties?aantal=1")).Json();
  ASSERT_TRUE(n.contains("_embedded"));
  std::string nid = n["_embedded"]["notificaties"][0]["notificatieId"];
  HttpsClient a("gemeente-a");
  EXPECT_EQ(a.Delete(Url("/notificaties/" + nid)).status, 404);
  EXPECT_EQ(a.Get(Url("/notificaties/" + nid)).status, 404);
  EXPECT_EQ(o.Get(Url("/notificaties/" + nid)).Json()["notificatieId"], nid);
  EXPECT_EQ(o.Delete(Url("/notificaties/" + nid)).status, 204);
  EXPECT_EQ(o.Delete(Url("/notificaties/" + nid)).status, 404);
}

TEST_F(ActieverzoekTest, NotificationTimeFilters) {
  HttpsClient o("omgevingsdienst");
  EXPECT_EQ(o.Get(Url("/notificaties?eventDatumTijd%5Bgt%5D=2999-01-01T00:00:00.000Z"))
                .Json()["page"]["totalElements"],
            0);
  EXPECT_GE(o.Get(Url("/notificaties?eventDatumTijd%5Blte%5D=2999-01-01T00:00:00.000Z"))
                .Json()["page"]["totalElements"]
                .get<int>(),
            1);
  // Brackets sent raw are refused, as the real service's servlet container refuses them.
  HttpResponse raw = o.Get(Url("/notificaties?eventDatumTijd[gt]=2999-01-01T00:00:00.000Z"));
  EXPECT_EQ(raw.status, 400) << raw.body;
  EXPECT_NE(raw.Json().value("detail", "").find("percent-encoded"), std::string::npos) << raw.body;
  // Java ZonedDateTime.toString() form with a zone id, URL-encoded.
  EXPECT_GE(o.Get(Url("/notificaties?eventDatumTijd%5Bgt%5D=2020-08-06T12:00%2B02:00%5BEurope%2FAmsterdam%5D"))
                .Json()["page"]["totalElements"].get<int>(), 1);
}

}  // namespace
}  // namespace swfvault::testing
