#include "api/swf_json.h"

#include <gtest/gtest.h>

#include "swfvault/swf_client.h"

namespace swfvault::testing {
namespace {

using json = nlohmann::json;

Result<json> Parse(std::string_view text, JsonLimits limits = {}) {
  return ParseBoundedJson(text, limits, "GET /x");
}

TEST(BoundedJsonTest, AcceptsABodyWithinTheLimits) {
  auto r = Parse(R"({"a":[1,{"b":null}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)["a"][1]["b"].is_null());
}

TEST(BoundedJsonTest, RejectsAnOversizedBody) {
  auto r = Parse(std::string(100, ' ') + "{}", JsonLimits{50, 32});
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("exceeds the limit of 50"), std::string::npos);
}

TEST(BoundedJsonTest, RejectsDeepNestingAndNamesWhere) {
  std::string deep = R"({"_embedded":{"documenten":[)" + std::string(100, '[') + std::string(100, ']') + "]}}";
  auto r = Parse(deep, JsonLimits{1 << 20, 8});
  ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("deeper than 8"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("$._embedded.documenten[0]"), std::string::npos) << r.status().message();
}

TEST(BoundedJsonTest, MalformedJsonNamesTheField) {
  auto r = Parse(R"({"_embedded":{"documenten":[{"documentId":"d1","titel": tru}]}})");
  ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("$._embedded.documenten[0].titel"), std::string::npos)
      << r.status().message();
}

TEST(BoundedJsonTest, TruncatedBodyIsCorruptionNotACrash) {
  EXPECT_EQ(Parse(R"({"page":{"number":)").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(Parse("").status().code(), StatusCode::kCorruption);
}

TEST(SwfJsonTest, DocumentToleratesUnknownFieldsAndKeepsThemInRawJson) {
  json j = json::parse(R"({"documentId":"d1","bestandsNaam":"a.pdf","nieuwVeld":{"x":1},
      "documentHash":"ab","bestandsGrootte":12,"vertrouwelijkheidsAanduiding":null})");
  auto d = ParseDocument(j, "document");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->document_id, "d1");
  EXPECT_EQ(d->bestands_grootte, 12);
  EXPECT_EQ(d->vertrouwelijkheid, Confidentiality::kRV);
  EXPECT_NE(d->raw_json.find("nieuwVeld"), std::string::npos);
}

// Uppercase hex names the same SHA-256 as the lowercase the contract asks for: read as that
// (else every run would download the content and refuse it); the answer as it came is kept.
// What is not a SHA-256 in hex stays as it came, for the sync to refuse by name.
TEST(SwfJsonTest, AnUppercaseDocumentHashIsReadInLowercase) {
  const std::string upper(64, 'A'), odd = std::string(63, 'A') + "G";
  auto d = ParseDocument(json{{"documentId", "d1"}, {"documentHash", upper}}, "document");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->document_hash, std::string(64, 'a'));
  EXPECT_NE(d->raw_json.find(upper), std::string::npos) << d->raw_json;
  auto bad = ParseDocument(json{{"documentId", "d1"}, {"documentHash", odd}}, "document");
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  EXPECT_EQ(bad->document_hash, odd);
}

TEST(SwfJsonTest, RawJsonLeavesOutOnlyTheHalLinks) {
  json j = json::parse(R"({"_links":{"self":{"href":"https://swf.example:8443/documenten/d1"}},
      "documentId":"d1","nieuwVeld":[1,2]})");
  auto d = ParseDocument(j, "document");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(json::parse(d->raw_json), json::parse(R"({"documentId":"d1","nieuwVeld":[1,2]})"));
}

// Each case parsed whole and compact: RestoreKnownFields on the compact one gives the whole
// raw_json back.
TEST(SwfJsonTest, CompactDocumentRestoresToTheSameRawJson) {
  const char* cases[] = {
      R"({"_links":{"self":{"href":"https://h/documenten/d1"}},"documentId":"d1",
          "samenwerkingId":"SAM-1","bestandsNaam":"Bouwtekening \u00e9\"1\".pdf",
          "documentOmschrijving":"regel\neen","vertrouwelijkheidsAanduiding":"SV","taal":"nl",
          "formaat":"application/pdf","documentHash":"ab12","bestandsGrootte":12,
          "kenmerkSysteem":"K","nummerBinnenSysteem":"7","aangemaaktDoor":"00000001000000001000",
          "aangemaaktDoorNaam":"Gemeente A","creatieDatumTijd":"2026-01-02T03:04:05.678Z",
          "laatstAangepastDatumTijd":"2026-01-02T03:04:05.678Z","nieuwVeld":{"x":[1,2.5,1e300]}})",
      // null, empty and absent fields; a number where text is meant; a huge size
      R"({"documentId":"d2","bestandsNaam":null,"taal":"","kenmerkSysteem":123,
          "nummerBinnenSysteem":4.0,"bestandsGrootte":9007199254740993})",
      R"({"documentId":"d3","bestandsGrootte":0,"formaat":"text/plain","extra":null})",
  };
  for (const char* text : cases) {
    auto whole = ParseDocument(json::parse(text), "document");
    auto compact = ParseDocument(json::parse(text), "document", /*compact=*/true);
    ASSERT_TRUE(whole.ok()) << whole.status().ToString();
    ASSERT_TRUE(compact.ok()) << compact.status().ToString();
    EXPECT_LT(compact->raw_json.size(), whole->raw_json.size()) << text;
    EXPECT_EQ(RestoreKnownFields(*compact), whole->raw_json) << text;
    EXPECT_EQ(compact->document_id, whole->document_id);
    EXPECT_EQ(compact->kenmerk_systeem, whole->kenmerk_systeem);
    EXPECT_EQ(compact->bestands_grootte, whole->bestands_grootte);
    EXPECT_EQ(compact->vertrouwelijkheid, whole->vertrouwelijkheid);
  }
}

TEST(SwfJsonTest, CompactDocumentKeepsOnlyWhatTheMembersDoNotHold) {
  auto d = ParseDocument(json::parse(R"({"_links":{"self":{"href":"x"}},"documentId":"d1",
      "taal":"","kenmerkSysteem":123,"documentHash":"ab","bestandsGrootte":12,
      "nieuwVeld":true})"), "document", /*compact=*/true);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->raw_json, R"({"kenmerkSysteem":123,"nieuwVeld":true,"taal":""})");
  d->raw_json = "not json";
  EXPECT_EQ(RestoreKnownFields(*d), "not json");
}

TEST(SwfJsonTest, UnknownConfidentialityLabelFailsClosed) {
  auto d = ParseDocument(json::parse(R"({"documentId":"d1","vertrouwelijkheidsAanduiding":"ZV"})"), "d");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->vertrouwelijkheid, Confidentiality::kUnknown);
  EXPECT_EQ(d->vertrouwelijkheid_label, "ZV");
}

TEST(SwfJsonTest, MissingSizeIsAbsentNotZero) {
  auto d = ParseDocument(json::parse(R"({"documentId":"d1"})"), "d");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->bestands_grootte.has_value());
}

TEST(SwfJsonTest, WrongTypeNamesTheField) {
  auto d = ParseDocument(json::parse(R"({"documentId":"d1","bestandsNaam":["x"]})"), "$._embedded.documenten[4]");
  ASSERT_EQ(d.status().code(), StatusCode::kCorruption);
  EXPECT_NE(d.status().message().find("$._embedded.documenten[4].bestandsNaam: expected a string"),
            std::string::npos) << d.status().message();
}

TEST(SwfJsonTest, NonIntegerSizeIsCorruption) {
  auto d = ParseDocument(json::parse(R"({"documentId":"d1","bestandsGrootte":"12"})"), "document");
  EXPECT_EQ(d.status().code(), StatusCode::kCorruption);
}

TEST(SwfJsonTest, MissingIdIsCorruption) {
  auto s = ParseSamenwerking(json::parse(R"({"titel":"x"})"), "samenwerking");
  ASSERT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_NE(s.status().message().find("samenwerking.samenwerkingId"), std::string::npos);
}

TEST(SwfJsonTest, UnknownEnumValuesAreKeptAsText) {
  auto a = ParseActieverzoek(json::parse(R"({"actieverzoekId":"a1","status":"IN_OVERLEG"})"), "a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->status, "IN_OVERLEG");
}

TEST(SwfJsonTest, ActieverzoekDocumentenAcceptIdsOrObjects) {
  auto a = ParseActieverzoek(
      json::parse(R"({"actieverzoekId":"a1","documenten":["d1",{"documentId":"d2"}]})"), "a");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->documenten, (std::vector<std::string>{"d1", "d2"}));
}

TEST(SwfJsonTest, NotificatiePropertiesBecomeStrings) {
  auto n = ParseNotificatie(json::parse(R"({"notificatieId":"n1","notificatieType":"NIEUW_TYPE",
      "properties":{"documentId":"d1","aantal":3}})"), "n");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->properties.at("documentId"), "d1");
  EXPECT_EQ(n->properties.at("aantal"), "3");
  EXPECT_EQ(n->notificatie_type, "NIEUW_TYPE");
}

TEST(SwfJsonTest, ResourceThatIsNotAnObjectIsCorruption) {
  EXPECT_EQ(ParseBericht(json::parse("[1]"), "bericht").status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace swfvault::testing
