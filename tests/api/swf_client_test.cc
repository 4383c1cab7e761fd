#include "swfvault/swf_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/fake_transport.h"
#include "support/temp_dir.h"

namespace swfvault::testing {
namespace {

using json = nlohmann::json;
constexpr char kBase[] = "https://swf.test/api/v5";

FakeResponse Ok(const std::string& body, int status = 200) { return FakeResponse{status, {}, body, Status::Ok()}; }

std::string DocumentenPage(int number, int total_pages, std::vector<std::string> ids) {
  json items = json::array();
  for (const auto& id : ids) items.push_back({{"documentId", id}, {"samenwerkingId", "SAM-1"}});
  json page = {{"_links", {{"self", {{"href", "x"}}}}},
               {"page", {{"number", number}, {"size", 2}, {"totalElements", 5}, {"totalPages", total_pages}}}};
  if (!ids.empty()) page["_embedded"] = {{"documenten", items}};
  return page.dump();
}

std::vector<std::string> Ids(const std::vector<Document>& docs) {
  std::vector<std::string> ids;
  for (const Document& d : docs) ids.push_back(d.document_id);
  return ids;
}

class SwfClientTest : public ::testing::Test {
 protected:
  SwfClientTest() : client_(transport_, SwfClientOptions{.base_url = std::string(kBase) + "/", .page_size = 2}) {}
  std::string Url(const std::string& path) { return kBase + path; }
  json LastBody() { return json::parse(transport_.requests.back().body); }

  FakeTransport transport_;
  SwfClient client_;
};

TEST_F(SwfClientTest, FollowsPagingToTheEnd) {
  std::string path = "/samenwerkingen/SAM-1/documenten?pagina=";
  transport_.Expect("GET", Url(path + "0&aantal=2"), Ok(DocumentenPage(0, 3, {"d1", "d2"})));
  transport_.Expect("GET", Url(path + "1&aantal=2"), Ok(DocumentenPage(1, 3, {"d3", "d4"})));
  transport_.Expect("GET", Url(path + "2&aantal=2"), Ok(DocumentenPage(2, 3, {"d5"})));
  auto docs = client_.ListDocumenten("SAM-1");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 5u);
  EXPECT_EQ((*docs)[4].document_id, "d5");
  EXPECT_EQ(transport_.requests.size(), 3u);
}

TEST_F(SwfClientTest, CompactListingHoldsLessAndRestoresToTheWholeListing) {
  std::string path = "/samenwerkingen/SAM-1/documenten?pagina=";
  for (int round = 0; round < 2; ++round) {
    transport_.Expect("GET", Url(path + "0&aantal=2"), Ok(DocumentenPage(0, 2, {"d1", "d2"})));
    transport_.Expect("GET", Url(path + "1&aantal=2"), Ok(DocumentenPage(1, 2, {"d3"})));
  }
  auto whole = client_.ListDocumenten("SAM-1");
  auto compact = client_.ListDocumentenCompact("SAM-1");
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  ASSERT_TRUE(compact.ok()) << compact.status().ToString();
  ASSERT_EQ(Ids(*compact), Ids(*whole));
  for (size_t i = 0; i < whole->size(); ++i) {
    EXPECT_EQ((*compact)[i].raw_json, "{}");
    EXPECT_EQ((*compact)[i].samenwerking_id, "SAM-1");
    EXPECT_EQ(RestoreKnownFields((*compact)[i]), (*whole)[i].raw_json);
  }
}

TEST_F(SwfClientTest, EmptyCollectionWithoutEmbeddedIsAnEmptyList) {
  transport_.Enqueue(Ok(DocumentenPage(0, 0, {})));
  auto docs = client_.ListDocumenten("SAM-1");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  EXPECT_TRUE(docs->empty());
}

TEST(SwfClientPagingTest, KnownPagesComeAWindowAtATimeAndInOrder) {
  FakeTransport transport;
  SwfClient client(transport, SwfClientOptions{.base_url = kBase, .page_size = 2, .parallel_pages = 3});
  std::string path = std::string(kBase) + "/samenwerkingen/SAM-1/documenten?pagina=";
  std::vector<std::string> expected;
  for (int p = 0; p < 7; ++p) {
    std::vector<std::string> ids = {"p" + std::to_string(p) + "a", "p" + std::to_string(p) + "b"};
    expected.insert(expected.end(), ids.begin(), ids.end());
    transport.Expect("GET", path + std::to_string(p) + "&aantal=2", Ok(DocumentenPage(p, 7, ids)));
  }
  auto docs = client.ListDocumenten("SAM-1");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  EXPECT_EQ(Ids(*docs), expected);
  EXPECT_EQ(transport.batch_sizes, (std::vector<size_t>{3, 3}));  // pages 1-3, then 4-6
  EXPECT_EQ(transport.requests.size(), 7u);
}

TEST(SwfClientPagingTest, OnePageAtATimeWhenParallelPagesIsOne) {
  FakeTransport transport;
  SwfClient client(transport, SwfClientOptions{.base_url = kBase, .page_size = 2, .parallel_pages = 1});
  for (int p = 0; p < 3; ++p) transport.Enqueue(Ok(DocumentenPage(p, 3, {"d" + std::to_string(p)})));
  auto docs = client.ListDocumenten("SAM-1");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  EXPECT_EQ(Ids(*docs), (std::vector<std::string>{"d0", "d1", "d2"}));
  EXPECT_TRUE(transport.batch_sizes.empty());
}

// A page over max_json_bytes (a partner's very long texts) is asked for again in smaller
// pages that tile it (4 -> 2 -> 1); the listing goes on one page at a time in that size, and
// back in the full size from its next boundary.
TEST(SwfClientPagingTest, APageTooLargeIsAskedForAgainInSmallerPages) {
  const std::string base = std::string(kBase) + "/samenwerkingen/SAM-1/documenten?pagina=";
  auto page = [](int64_t pagina, int64_t size) {
    json items = json::array();
    for (int64_t i = pagina * size; i < std::min<int64_t>(12, (pagina + 1) * size); ++i) {
      items.push_back({{"documentId", "d" + std::to_string(i)},
                       {"documentOmschrijving", std::string(i == 5 ? 3000 : 10, 'x')}});
    }
    return json({{"_embedded", {{"documenten", items}}},
                 {"page",
                  {{"number", pagina},
                   {"size", size},
                   {"totalElements", 12},
                   {"totalPages", (12 + size - 1) / size}}}})
        .dump();
  };
  const size_t limit = page(5, 1).size() + 10;  // d5 alone fits, d4 and d5 together do not
  ASSERT_GT(page(2, 2).size(), limit);
  FakeTransport transport;
  SwfClient client(
      transport,
      SwfClientOptions{
          .base_url = kBase, .page_size = 4, .max_json_bytes = limit, .parallel_pages = 3});
  std::vector<std::string> asked;
  auto expect = [&](int64_t pagina, int64_t size) {
    asked.push_back(base + std::to_string(pagina) + "&aantal=" + std::to_string(size));
    transport.Expect("GET", asked.back(), Ok(page(pagina, size)));
  };
  expect(0, 4);
  expect(1, 4);  // too large, in the window beside page 2
  expect(2, 4);
  expect(2, 2);  // d4 d5: still too large
  for (int p = 4; p < 8; ++p) expect(p, 1);
  expect(2, 4);  // back to the full size after d7
  auto docs = client.ListDocumenten("SAM-1");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back("d" + std::to_string(i));
  EXPECT_EQ(Ids(*docs), ids);
  std::vector<std::string> urls;
  for (const auto& r : transport.requests) urls.push_back(r.url);
  EXPECT_EQ(urls, asked);

  // Past the large items the listing goes back to the full size at its next boundary, once a
  // full page of items like the last would take less than half the limit.
  FakeTransport back;
  SwfClient growing(
      back,
      SwfClientOptions{
          .base_url = kBase, .page_size = 4, .max_json_bytes = limit * 4, .parallel_pages = 1});
  std::vector<std::string> again;
  auto expect_again = [&](int64_t pagina, int64_t size, FakeResponse r) {
    again.push_back(base + std::to_string(pagina) + "&aantal=" + std::to_string(size));
    back.Expect("GET", again.back(), r);
  };
  expect_again(0, 4, Ok(page(0, 4)));
  expect_again(1, 4, Ok(page(1, 4) + std::string(limit * 4, ' ')));  // d4-d7: too large
  expect_again(2, 2, Ok(page(2, 2)));
  expect_again(3, 2, Ok(page(3, 2)));
  expect_again(2, 4, Ok(page(2, 4)));
  Result<std::vector<Document>> grown = growing.ListDocumenten("SAM-1");
  ASSERT_TRUE(grown.ok()) << grown.status().ToString();
  EXPECT_EQ(Ids(*grown), ids);
  urls.clear();
  for (const auto& r : back.requests) urls.push_back(r.url);
  EXPECT_EQ(urls, again);

  // A server that ignores a smaller `aantal` would make the next pages skip items: refused.
  FakeTransport ignoring;
  SwfClient strict(
      ignoring,
      SwfClientOptions{
          .base_url = kBase, .page_size = 4, .max_json_bytes = limit, .parallel_pages = 1});
  ignoring.Expect("GET", base + "0&aantal=4", Ok(page(0, 4)));
  ignoring.Expect("GET", base + "1&aantal=4", Ok(page(1, 4)));
  json four = json::parse(page(2, 4));  // d8-d11, small, as page 2 of size 2
  four["page"]["size"] = 2;
  ignoring.Expect("GET", base + "2&aantal=2", Ok(four.dump()));
  Result<std::vector<Document>> skipped = strict.ListDocumenten("SAM-1");
  EXPECT_EQ(skipped.status().code(), StatusCode::kCorruption);
  EXPECT_NE(skipped.status().message().find("asked for at most 2"), std::string::npos)
      << skipped.status().ToString();

  // One item over the limit on its own still fails, naming the limit.
  FakeTransport one;
  SwfClient tight(one, SwfClientOptions{.base_url = kBase, .page_size = 2, .max_json_bytes = 100});
  one.Expect("GET", base + "0&aantal=2", Ok(page(2, 2)));
  one.Expect("GET", base + "0&aantal=1", Ok(page(5, 1)));
  Result<std::vector<Document>> failed = tight.ListDocumenten("SAM-1");
  EXPECT_TRUE(IsBodyOverLimit(failed.status())) << failed.status().ToString();
}

TEST(SwfClientPagingTest, AListingThatShrinksEndsAtItsNewLastPage) {
  // Page 0 promised 5 pages; by page 2 there are only 3. The window's later pages (nothing
  // scripted for them: errors) are never looked at.
  FakeTransport transport;
  SwfClient client(transport, SwfClientOptions{.base_url = kBase, .page_size = 2, .parallel_pages = 4});
  transport.Enqueue(Ok(DocumentenPage(0, 5, {"a", "b"})));
  transport.Enqueue(Ok(DocumentenPage(1, 3, {"c", "d"})));
  transport.Enqueue(Ok(DocumentenPage(2, 3, {"e"})));
  auto docs = client.ListDocumenten("SAM-1");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  EXPECT_EQ(Ids(*docs), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST(SwfClientPagingTest, AListingThatGrowsIsFollowedPageByPage) {
  FakeTransport transport;
  SwfClient client(transport, SwfClientOptions{.base_url = kBase, .page_size = 2, .parallel_pages = 4});
  transport.Enqueue(Ok(DocumentenPage(0, 2, {"a", "b"})));
  transport.Enqueue(Ok(DocumentenPage(1, 4, {"c", "d"})));  // two more pages appeared
  transport.Enqueue(Ok(DocumentenPage(2, 4, {"e", "f"})));
  transport.Enqueue(Ok(DocumentenPage(3, 4, {"g"})));
  auto docs = client.ListDocumenten("SAM-1");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  EXPECT_EQ(Ids(*docs), (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g"}));
  EXPECT_EQ(transport.batch_sizes, (std::vector<size_t>{1}));  // page 1; then 2 and 3 alone
  EXPECT_EQ(transport.requests.back().url,
            std::string(kBase) + "/samenwerkingen/SAM-1/documenten?pagina=3&aantal=2");
}

// Walks a 4-page listing, 4 pages a window, whose page 2 answers `third`; `seen` gets the
// ids handed over.
Status WalkWithThirdPage(const FakeResponse& third, std::vector<std::string>* seen) {
  FakeTransport transport;
  SwfClient client(transport, SwfClientOptions{.base_url = kBase, .page_size = 2, .parallel_pages = 4});
  std::string path = std::string(kBase) + "/samenwerkingen/SAM-1/documenten?pagina=";
  transport.Expect("GET", path + "0&aantal=2", Ok(DocumentenPage(0, 4, {"a", "b"})));
  transport.Expect("GET", path + "1&aantal=2", Ok(DocumentenPage(1, 4, {"c", "d"})));
  transport.Expect("GET", path + "2&aantal=2", third);
  transport.Expect("GET", path + "3&aantal=2", Ok(DocumentenPage(3, 4, {"g"})));
  return client.ForEachDocumentenPage("SAM-1", {}, [&](Page<Document>& page) {
    for (const Document& d : page.items) seen->push_back(d.document_id);
    return Status::Ok();
  });
}

TEST(SwfClientPagingTest, AMalformedPageInAWindowFailsAtItsPlaceAndNamesIt) {
  std::vector<std::string> seen;
  Status s = WalkWithThirdPage(Ok(R"({"_embedded":{"documenten":[{"documentId":{"x":1}}]}})"), &seen);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find("pagina=2"), std::string::npos) << s.ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(SwfClientPagingTest, AFailedPageInAWindowFailsTheListingAfterTheEarlierPages) {
  std::vector<std::string> seen;
  Status s = WalkWithThirdPage(Ok(R"({"message":"down"})", 503), &seen);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(SwfClientPagingTest, MaxPagesStillEndsAListingThatNeverEnds) {
  FakeTransport transport;
  SwfClient client(transport, SwfClientOptions{.base_url = kBase, .page_size = 2, .max_pages = 5,
                                               .parallel_pages = 4});
  for (int p = 0; p < 5; ++p) transport.Enqueue(Ok(DocumentenPage(p, 1000, {"x" + std::to_string(p)})));
  auto docs = client.ListDocumenten("SAM-1");
  EXPECT_EQ(docs.status().code(), StatusCode::kCorruption);
  EXPECT_NE(docs.status().message().find("did not end within 5 pages"), std::string::npos)
      << docs.status().message();
  EXPECT_EQ(transport.requests.size(), 5u);
}

TEST_F(SwfClientTest, PageAtATimeVisitsEachPageAndCanStopEarly) {
  transport_.Enqueue(Ok(DocumentenPage(0, 3, {"d1", "d2"})));
  transport_.Enqueue(Ok(DocumentenPage(1, 3, {"d3", "d4"})));
  int pages = 0;
  Status s = client_.ForEachDocumentenPage("SAM-1", {}, [&](Page<Document>& page) {
    ++pages;
    EXPECT_EQ(page.page.total_elements, 5);
    return pages == 2 ? Cancelled("enough") : Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kCancelled);
  EXPECT_EQ(pages, 2);
}

TEST_F(SwfClientTest, GetsOneDocumentenPage) {
  transport_.Expect("GET", Url("/samenwerkingen/SAM-1/documenten?pagina=1&aantal=2"),
                    Ok(DocumentenPage(1, 3, {"d3", "d4"})));
  auto page = client_.GetDocumentenPage("SAM-1", {}, 1);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_TRUE(page->page.has_next);
  EXPECT_EQ(page->items[0].document_id, "d3");
}

TEST_F(SwfClientTest, ServerIgnoringThePageParameterIsCorruption) {
  transport_.Enqueue(Ok(DocumentenPage(0, 3, {"d1", "d2"})));
  transport_.Enqueue(Ok(DocumentenPage(0, 3, {"d1", "d2"})));
  auto docs = client_.ListDocumenten("SAM-1");
  EXPECT_EQ(docs.status().code(), StatusCode::kCorruption);
  EXPECT_NE(docs.status().message().find("$.page.number"), std::string::npos);
}

TEST_F(SwfClientTest, FollowsNextLinkWhenThereIsNoPageObject) {
  json first = {{"_embedded", {{"berichten", {{{"berichtId", "b1"}}}}}}, {"_links", {{"next", {{"href", "https://evil.test/x"}}}}}};
  json last = {{"_embedded", {{"berichten", {{{"berichtId", "b2"}}}}}}};
  transport_.Enqueue(Ok(first.dump()));
  transport_.Enqueue(Ok(last.dump()));
  auto berichten = client_.ListBerichten("av-1");
  ASSERT_TRUE(berichten.ok()) << berichten.status().ToString();
  EXPECT_EQ(berichten->size(), 2u);
  // The href is never followed: the OIN header must not reach another host.
  EXPECT_EQ(transport_.requests[1].url, Url("/actieverzoeken/av-1/berichten?pagina=1&aantal=2"));
}

TEST_F(SwfClientTest, FiltersAreEncodedOperatorBracketsIncluded) {
  transport_.Enqueue(Ok(DocumentenPage(0, 1, {"d1"})));
  ListQuery q;
  q.Where("laatstAangepastDatumTijd[gt]", "2026-06-04T10:45:01.933+02:00").sort = "-creatieDatumTijd";
  ASSERT_TRUE(client_.ListDocumenten("SAM-1", q).ok());
  EXPECT_EQ(transport_.requests[0].url,
            Url("/samenwerkingen/SAM-1/"
                "documenten?laatstAangepastDatumTijd%5Bgt%5D=2026-06-04T10%3A45%3A01.933%2B02%3A00"
                "&_sort=-creatieDatumTijd&pagina=0&aantal=2"));
}

TEST_F(SwfClientTest, GlobalNotificatiesSendTheWindowAndBothPageNames) {
  transport_.Enqueue(Ok(R"({"_embedded":{"notificaties":[{"notificatieId":"n1"}]},"page":{"number":0,"totalPages":1}})"));
  auto n = client_.ListAllNotificaties({.after = "2026-01-01T00:00:00.000+01:00", .up_to = "2026-02-01T00:00:00.000+01:00"});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  const std::string& url = transport_.requests[0].url;
  EXPECT_NE(url.find("eventDatumTijd%5Bgt%5D=2026-01-01T00%3A00%3A00.000%2B01%3A00"),
            std::string::npos)
      << url;
  EXPECT_NE(url.find("eventDatumTijd%5Blte%5D=2026-02-01"), std::string::npos) << url;
  EXPECT_NE(url.find("&page=0"), std::string::npos) << url;
}

TEST_F(SwfClientTest, GlobalNotificatiesComePageByPage) {
  transport_.Enqueue(Ok(R"({"_embedded":{"notificaties":[{"notificatieId":"n1"},{"notificatieId":"n2"}]},"page":{"number":0,"totalPages":2}})"));
  transport_.Enqueue(Ok(R"({"_embedded":{"notificaties":[{"notificatieId":"n3"}]},"page":{"number":1,"totalPages":2}})"));
  std::vector<size_t> sizes;
  Status s = client_.ForEachNotificatiesPage({.after = "2026-01-01T00:00:00.000+01:00", .up_to = ""},
                                             [&](Page<Notificatie>& page) {
                                               sizes.push_back(page.items.size());
                                               return Status::Ok();
                                             });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 1}));
  EXPECT_EQ(transport_.requests[1].url.find("eventDatumTijd%5Blte%5D"), std::string::npos);
}

TEST_F(SwfClientTest, MalformedListItemNamesItsPath) {
  transport_.Enqueue(Ok(R"({"_embedded":{"documenten":[{"documentId":"d1"},{"documentId":"d2","taal":{}}]}})"));
  auto docs = client_.ListDocumenten("SAM-1");
  ASSERT_EQ(docs.status().code(), StatusCode::kCorruption);
  EXPECT_NE(docs.status().message().find("$._embedded.documenten[1].taal"), std::string::npos)
      << docs.status().message();
}

TEST_F(SwfClientTest, OversizedBodyIsRejected) {
  SwfClient small(transport_, SwfClientOptions{.base_url = kBase, .max_json_bytes = 64});
  transport_.Enqueue(Ok(R"({"samenwerkingId":"SAM-1","titel":")" + std::string(100, 'x') + "\"}"));
  EXPECT_EQ(small.GetSamenwerking("SAM-1").status().code(), StatusCode::kCorruption);
}

TEST_F(SwfClientTest, ServerRefusalCarriesTheProblemDetail) {
  transport_.Enqueue(FakeResponse{403, {{"Content-Type", "application/problem+json"}},
                                  R"({"status":403,"detail":"Alleen de initiator mag deelnemers uitnodigen"})",
                                  Status::Ok()});
  transport_.Expect("GET", Url("/samenwerkingen?aantal=1"), Ok(R"({"page":{"totalElements":0}})"));
  auto r = client_.InviteDeelnemer("SAM-1", {.oin = "00000009000000004000", .naam = "", .privilege = "BEPERKTE_TOEGANG"});
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("Alleen de initiator"), std::string::npos);
  // The client asked whether its identity is refused too; it is not.
  ASSERT_EQ(transport_.requests.size(), 2u);
  EXPECT_EQ(transport_.requests[1].url, Url("/samenwerkingen?aantal=1"));
}

FakeResponse Forbidden(const std::string& detail) {
  return FakeResponse{403, {{"Content-Type", "application/problem+json"}},
                      R"({"status":403,"detail":")" + detail + R"("})", Status::Ok()};
}

TEST_F(SwfClientTest, RefusalOfTheIdentityItselfIsUnauthenticated) {
  transport_.Enqueue(Forbidden("no mandate"));
  transport_.Expect("GET", Url("/samenwerkingen?aantal=1"), Forbidden("no mandate"));
  auto r = client_.InviteDeelnemer("SAM-1", {.oin = "00000009000000004000", .naam = "", .privilege = "BEPERKTE_TOEGANG"});
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << r.status().ToString();
  EXPECT_EQ(r.status().http_status(), 403);
  EXPECT_NE(r.status().message().find("no mandate"), std::string::npos);
}

// The identity check answered 401 (or refused at TLS) says the same: the credentials.
TEST_F(SwfClientTest, AnIdentityCheckAnsweredUnauthorizedIsTheIdentityToo) {
  transport_.Enqueue(Forbidden("no mandate"));
  transport_.Expect("GET", Url("/samenwerkingen?aantal=1"), FakeResponse{401, {}, "", Status::Ok()});
  auto r = client_.InviteDeelnemer("SAM-1", {.oin = "00000009000000004000", .naam = "", .privilege = "BEPERKTE_TOEGANG"});
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << r.status().ToString();
  EXPECT_EQ(r.status().http_status(), 403);
}

TEST_F(SwfClientTest, RefusedListOfOwnSamenwerkingenIsTheIdentityWithoutAsking) {
  transport_.Enqueue(Forbidden("no mandate"));
  auto r = client_.ListSamenwerkingen();
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << r.status().ToString();
  EXPECT_EQ(transport_.requests.size(), 1u);
}

TEST_F(SwfClientTest, RefusedDownloadIsCheckedForTheIdentityToo) {
  transport_.Enqueue(Forbidden("no mandate"));
  transport_.Expect("GET", Url("/samenwerkingen?aantal=1"), Forbidden("no mandate"));
  auto r = client_.DownloadContent("d1", {}, [](std::string_view) { return Status::Ok(); });
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << r.status().ToString();
}

TEST_F(SwfClientTest, StartSamenwerkingPostsTheVerzoek) {
  transport_.Expect("POST", Url("/samenwerkingen"), Ok(R"({"samenwerkingId":"SAM-9","status":"OPEN"})", 201));
  NewSamenwerking n{.titel = "Dakkapel", .verzoeknummer = "V-1", .documenten_uit_verzoek_laden = true};
  auto s = client_.StartSamenwerking(n);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->samenwerking_id, "SAM-9");
  json body = LastBody();
  EXPECT_EQ(body["verzoeknummer"], "V-1");
  EXPECT_EQ(body["documentenUitVerzoekLaden"], true);
  EXPECT_EQ(body["samenwerkVorm"], "SAMENWERKEN_AAN_BEHANDELEN");
  EXPECT_FALSE(body.contains("beschrijving"));
}

TEST_F(SwfClientTest, StartWithoutVerzoeknummerIsRefusedLocally) {
  EXPECT_EQ(client_.StartSamenwerking({.titel = "x"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(transport_.requests.empty());
}

TEST_F(SwfClientTest, CloseIsAMergePatchAndRefetchesWhenTheAnswerIsEmpty) {
  transport_.Expect("PATCH", Url("/samenwerkingen/SAM-1"), Ok("", 204));
  transport_.Expect("GET", Url("/samenwerkingen/SAM-1"), Ok(R"({"samenwerkingId":"SAM-1","status":"GESLOTEN"})"));
  auto s = client_.CloseSamenwerking("SAM-1");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->status, "GESLOTEN");
  EXPECT_EQ(transport_.requests[0].body, R"({"status":"GESLOTEN"})");
  EXPECT_EQ(FindHeader(transport_.requests[0].headers, "Content-Type"), "application/merge-patch+json");
}

TEST_F(SwfClientTest, TransitionsPatchTheTargetStatusWithMelding) {
  struct Case {
    ActieverzoekTransition t;
    const char* status;
  } cases[] = {{ActieverzoekTransition::kBehandelen, "IN_BEHANDELING"},
               {ActieverzoekTransition::kWeigeren, "GEWEIGERD"},
               {ActieverzoekTransition::kGereedmelden, "GEREEDGEMELD"},
               {ActieverzoekTransition::kAccepteren, "GEREED"},
               {ActieverzoekTransition::kIntrekken, "INGETROKKEN"}};
  for (const auto& c : cases) {
    transport_.Enqueue(Ok(std::string(R"({"actieverzoekId":"a1","status":")") + c.status + "\"}"));
    auto a = client_.TransitionActieverzoek("a1", c.t, "zie bijlage");
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(a->status, c.status);
    EXPECT_EQ(LastBody()["status"], c.status);
    EXPECT_EQ(LastBody()["melding"], "zie bijlage");
    EXPECT_EQ(transport_.requests.back().method, "PATCH");
  }
}

TEST_F(SwfClientTest, IllegalTransitionIsConflict) {
  transport_.Enqueue(FakeResponse{409, {}, R"({"detail":"GEREED is een eindstatus"})", Status::Ok()});
  auto a = client_.TransitionActieverzoek("a1", ActieverzoekTransition::kIntrekken);
  EXPECT_EQ(a.status().code(), StatusCode::kConflict);
  EXPECT_NE(a.status().message().find("eindstatus"), std::string::npos);
  EXPECT_FALSE(LastBody().contains("melding"));
}

TEST_F(SwfClientTest, IdsCannotWalkThePath) {
  transport_.Enqueue(Ok(R"({"documentId":"x"})"));
  (void)client_.GetDocument("../samenwerkingen/SAM-1");
  EXPECT_EQ(transport_.requests[0].url, Url("/documenten/%2E%2E%2Fsamenwerkingen%2FSAM-1"));
  EXPECT_EQ(client_.GetDocument("").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SwfClientTest, UploadStreamsTheFileWithMetadataAsQuery) {
  TempDir dir;
  WriteFile(dir / "plan.pdf", "%PDF-1.7 data");
  transport_.Enqueue(Ok(R"({"documentId":"d9","bestandsNaam":"plan.pdf"})", 201));
  DocumentUpload up{.file_path = (dir / "plan.pdf").string(), .content_type = "application/pdf",
                    .document_omschrijving = "Bouwtekening", .kenmerk_systeem = "zaak 1",
                    .nummer_binnen_systeem = "42", .vertrouwelijkheids_aanduiding = "SV"};
  auto d = client_.UploadDocument("SAM-1", up);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const HttpRequest& r = transport_.requests[0];
  EXPECT_EQ(r.url, Url("/samenwerkingen/SAM-1/documenten?documentOmschrijving=Bouwtekening"
                       "&nummerBinnenSysteem=42&kenmerkSysteem=zaak%201&vertrouwelijkheidsAanduiding=SV"));
  ASSERT_EQ(r.multipart.size(), 1u);
  EXPECT_EQ(r.multipart[0].name, "file");
  EXPECT_EQ(r.multipart[0].file_path, up.file_path);  // streamed by the transport, not loaded
  EXPECT_EQ(r.multipart[0].filename, "plan.pdf");
  EXPECT_TRUE(r.body.empty());
}

// Rule 12: the metadata travel in the URL, and a documentOmschrijving may describe an SV
// document; a failed upload's message (logged by mirror and push) shows the URL without them.
TEST_F(SwfClientTest, AFailedUploadsMessageLeavesItsMetadataOut) {
  TempDir dir;
  WriteFile(dir / "scan.pdf", "x");
  DocumentUpload up{.file_path = (dir / "scan.pdf").string(), .document_omschrijving = "Medisch dossier Jansen",
                    .vertrouwelijkheids_aanduiding = "SV"};
  transport_.Enqueue(FakeResponse{403, {}, R"({"title":"Verboden"})", Status::Ok()});
  // After a 403 the client asks whether its identity is refused too (it is not).
  transport_.Expect("GET", Url("/samenwerkingen?aantal=1"), Ok(R"({"page":{"totalElements":0}})"));
  Result<Document> refused = client_.UploadDocument("SAM-1", up);
  transport_.Enqueue(FakeResponse{503, {{"Retry-After", "7"}}, "", Status::Ok()});
  Result<Document> busy = client_.UploadDocument("SAM-1", up);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(refused.status().http_status(), 403);
  EXPECT_EQ(refused.status().message().find("Jansen"), std::string::npos) << refused.status().message();
  EXPECT_NE(refused.status().message().find("/samenwerkingen/SAM-1/documenten: HTTP 403"), std::string::npos)
      << refused.status().message();
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(busy.status().http_status(), 503);
  EXPECT_EQ(busy.status().retry_after_seconds(), 7.0);
  EXPECT_EQ(busy.status().message().find("Jansen"), std::string::npos) << busy.status().message();
}

TEST_F(SwfClientTest, UploadCanSendMetadataAsParts) {
  TempDir dir;
  WriteFile(dir / "a.txt", "x");
  SwfClient parts(transport_, SwfClientOptions{.base_url = kBase, .upload_metadata_as_parts = true});
  transport_.Enqueue(Ok(R"({"documentId":"d9"})", 201));
  ASSERT_TRUE(parts.UploadDocument("SAM-1", {.file_path = (dir / "a.txt").string(), .taal = "nld"}).ok());
  const HttpRequest& r = transport_.requests[0];
  EXPECT_EQ(r.url, Url("/samenwerkingen/SAM-1/documenten"));
  ASSERT_EQ(r.multipart.size(), 2u);
  EXPECT_EQ(r.multipart[1].name, "taal");
  EXPECT_EQ(r.multipart[1].value, "nld");
}

TEST_F(SwfClientTest, UploadOfAMissingFileIsNotFound) {
  EXPECT_EQ(client_.UploadDocument("SAM-1", {.file_path = "/nonexistent/x.pdf"}).status().code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(transport_.requests.empty());
}

TEST_F(SwfClientTest, DownloadStreamsAWholeDocument) {
  transport_.Enqueue(FakeResponse{200, {{"ETag", "\"abc\""}, {"Content-Length", "20"}},
                                  "0123456789abcdefghij", Status::Ok()});
  std::string got;
  auto r = client_.DownloadContent("d1", {}, [&](std::string_view c) {
    got += c;
    return Status::Ok();
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(got, "0123456789abcdefghij");
  EXPECT_EQ(r->http_status, 200);
  EXPECT_EQ(r->etag, "\"abc\"");
  EXPECT_EQ(r->content_length, 20);
  EXPECT_EQ(r->bytes_received, 20);
  EXPECT_FALSE(FindHeader(transport_.requests[0].headers, "Range").has_value());
}

TEST_F(SwfClientTest, ResumeSendsRangeAndIfRangeAndAcceptsAMatching206) {
  transport_.Enqueue(FakeResponse{206, {{"ETag", "\"abc\""}, {"Content-Range", "bytes 10-19/20"}},
                                  "abcdefghij", Status::Ok()});
  std::string got;
  auto r = client_.DownloadContent("d1", {.offset = 10, .if_range = "\"abc\""}, [&](std::string_view c) {
    got += c;
    return Status::Ok();
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->http_status, 206);
  EXPECT_EQ(r->content_range_start, 10);
  EXPECT_EQ(r->content_range_total, 20);
  EXPECT_EQ(got, "abcdefghij");
  EXPECT_EQ(FindHeader(transport_.requests[0].headers, "Range"), "bytes=10-");
  EXPECT_EQ(FindHeader(transport_.requests[0].headers, "If-Range"), "\"abc\"");
}

TEST_F(SwfClientTest, A206WhoseRangeIsMalformedOrStopsShortNeverReachesTheSink) {
  for (const char* range : {"bytes 10-abc/20", "bytes 10-5/20", "bytes 10-14/20", "bytes 10-20/20",
                            "bytes 10-/20", "bytes 10-19/abc"}) {
    FakeTransport transport;
    SwfClient client(transport, SwfClientOptions{.base_url = kBase});
    transport.Enqueue(FakeResponse{206, {{"Content-Range", range}}, "abcdefghij", Status::Ok()});
    bool touched = false;
    auto r = client.DownloadContent("d1", {.offset = 10}, [&](std::string_view) {
      touched = true;
      return Status::Ok();
    });
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << range;
    EXPECT_FALSE(touched) << range;
  }
}

TEST_F(SwfClientTest, A206AtTheWrongOffsetNeverReachesTheSink) {
  transport_.Enqueue(FakeResponse{206, {{"Content-Range", "bytes 0-19/20"}}, "whole", Status::Ok()});
  bool touched = false;
  auto r = client_.DownloadContent("d1", {.offset = 10}, [&](std::string_view) {
    touched = true;
    return Status::Ok();
  });
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_FALSE(touched);
}

TEST_F(SwfClientTest, A206WithoutContentRangeIsRefused) {
  transport_.Enqueue(FakeResponse{206, {}, "x", Status::Ok()});
  auto r = client_.DownloadContent("d1", {.offset = 1}, [](std::string_view) { return Status::Ok(); });
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
}

TEST_F(SwfClientTest, A416TellsTheCallerToDiscardThePartial) {
  transport_.Enqueue(FakeResponse{416, {{"Content-Range", "bytes */20"}}, "", Status::Ok()});
  auto r = client_.DownloadContent("d1", {.offset = 30}, [](std::string_view) { return Status::Ok(); });
  EXPECT_EQ(r.status().http_status(), 416);
}

TEST_F(SwfClientTest, ASinkErrorAbortsTheDownload) {
  transport_.Enqueue(Ok(std::string(100, 'x')));
  auto r = client_.DownloadContent("d1", {}, [](std::string_view) { return ResourceExhausted("disk full"); });
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST_F(SwfClientTest, ActieverzoekenListFiltersBySamenwerkingAndOrganisatie) {
  transport_.Enqueue(Ok(R"({"_embedded":{"actieverzoeken":[{"actieverzoekId":"a1","documenten":["d1"]}]}})"));
  auto a = client_.ListActieverzoeken("SAM-1", "00000001000000001000");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(transport_.requests[0].url,
            Url("/actieverzoeken?samenwerkingId=SAM-1&organisatie=00000001000000001000&pagina=0&aantal=2"));
}

TEST_F(SwfClientTest, CreateActieverzoekSendsDocumentIds) {
  transport_.Enqueue(Ok(R"({"actieverzoekId":"a1","status":"OPEN"})", 201));
  NewActieverzoek n{.titel = "Advies", .ontvanger = "00000009000000004000", .documenten = {"d1", "d2"}};
  ASSERT_TRUE(client_.CreateActieverzoek("SAM-1", n).ok());
  EXPECT_EQ(transport_.requests[0].url, Url("/samenwerkingen/SAM-1/actieverzoeken"));
  EXPECT_EQ(LastBody()["documenten"], json({"d1", "d2"}));
  EXPECT_EQ(LastBody()["ontvanger"], "00000009000000004000");
}

TEST_F(SwfClientTest, SendBerichtPostsTheText) {
  transport_.Enqueue(Ok(R"({"berichtId":"b1","inhoud":"Hallo"})", 201));
  auto b = client_.SendBericht("a1", "Hallo");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(LastBody(), json({{"bericht", "Hallo"}}));
}

TEST_F(SwfClientTest, DeletesUseTheRightPaths) {
  for (int i = 0; i < 4; ++i) transport_.Enqueue(Ok("", 204));
  EXPECT_TRUE(client_.DeleteDocument("d1").ok());
  EXPECT_TRUE(client_.DeleteNotificatie("n1").ok());
  EXPECT_TRUE(client_.RemoveDeelnemer("SAM-1", "00000009000000004000").ok());
  EXPECT_TRUE(client_.DeleteSamenwerking("SAM-1").ok());
  EXPECT_EQ(transport_.requests[0].url, Url("/documenten/d1"));
  EXPECT_EQ(transport_.requests[1].url, Url("/notificaties/n1"));
  EXPECT_EQ(transport_.requests[2].url, Url("/samenwerkingen/SAM-1/deelnemers/00000009000000004000"));
  EXPECT_EQ(transport_.requests[3].url, Url("/samenwerkingen/SAM-1"));
  for (const auto& r : transport_.requests) EXPECT_EQ(r.method, "DELETE");
}

TEST_F(SwfClientTest, ChangeDocumentPatchesOnlyGivenFields) {
  transport_.Enqueue(Ok(R"({"documentId":"d1","vertrouwelijkheidsAanduiding":"SV"})"));
  auto d = client_.ChangeDocument("d1", {.vertrouwelijkheids_aanduiding = "SV"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->vertrouwelijkheid, Confidentiality::kSV);
  EXPECT_EQ(LastBody(), json({{"vertrouwelijkheidsAanduiding", "SV"}}));
  EXPECT_EQ(client_.ChangeDocument("d1", {}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SwfClientTest, ChangePrivilegeAndLoadVerzoekdocumenten) {
  transport_.Enqueue(Ok(R"({"oin":"00000009000000004000","privilege":"VOLLEDIGE_TOEGANG"})"));
  transport_.Enqueue(Ok("", 202));
  auto d = client_.ChangePrivilege("SAM-1", "00000009000000004000", "VOLLEDIGE_TOEGANG");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->privilege, "VOLLEDIGE_TOEGANG");
  EXPECT_TRUE(client_.LoadVerzoekdocumenten("SAM-1").ok());
  EXPECT_EQ(transport_.requests[1].url, Url("/samenwerkingen/SAM-1/verzoekdocumenten"));
  EXPECT_EQ(transport_.requests[1].method, "POST");
}

}  // namespace
}  // namespace swfvault::testing
