// SwfClient and CurlTransport against the real swfvault-emulator (demo seed, test PKI):
// listings, downloads with resume, uploads, the collaboration flow, refusals and mandates.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

#include "api/curl_transport.h"
#include "support/emulator_process.h"
#include "support/temp_dir.h"
#include "swfvault/retry_policy.h"
#include "swfvault/swf_client.h"

namespace swfvault::testing {
namespace {

constexpr char kGemeenteA[] = "00000001000000001000";
constexpr char kGemeenteB[] = "00000001000000002000";
constexpr char kOmgevingsdienst[] = "00000001000000003000";
constexpr char kAdviesbureau[] = "00000009000000004000";

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof(buf), "%02x", digest[i]);
    hex += buf;
  }
  return hex;
}

// One organisation's connection: its certificate, the OIN it acts for, a client.
struct Party {
  std::unique_ptr<CurlTransport> transport;
  std::unique_ptr<SwfClient> client;
  SwfClient* operator->() { return client.get(); }
};

class SwfClientIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    EmulatorOptions options;
    options.seed_file = DemoSeedPath();
    emulator_ = EmulatorProcess::Start(options).release();
  }
  static void TearDownTestSuite() {
    delete emulator_;
    emulator_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(emulator_, nullptr);
    emulator_->Admin("POST", "/_emulator/reset", nlohmann::json::object());  // faults and stats only
  }
  static void Fault(const nlohmann::json& fault) {
    emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array({fault})}});
  }

  static Party Connect(const std::string& cert, const std::string& oin, int page_size = 100) {
    CurlTransportOptions o;
    o.client_cert_file = PkiDir() + "/" + cert + ".crt";
    o.client_key_file = PkiDir() + "/" + cert + ".key";
    o.ca_bundle_file = PkiDir() + "/ca.crt";
    o.oin = oin;
    auto transport = CurlTransport::Create(o);
    EXPECT_TRUE(transport.ok()) << transport.status().ToString();
    Party p{std::move(*transport), nullptr};
    p.client = std::make_unique<SwfClient>(
        *p.transport, SwfClientOptions{.base_url = emulator_->base_url(), .page_size = page_size});
    return p;
  }

  static Result<std::string> Download(Party& p, const std::string& id, DownloadOptions options = {},
                                      DownloadResult* out = nullptr) {
    std::string bytes;
    auto r = p->DownloadContent(id, options, [&](std::string_view c) {
      bytes += c;
      return Status::Ok();
    });
    if (!r.ok()) return r.status();
    if (out != nullptr) *out = *r;
    return bytes;
  }

  static Samenwerking Dakkapel(Party& p) {
    auto all = p->ListSamenwerkingen();
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    for (const auto& s : *all) {
      if (s.titel == "Dakkapel Dorpsstraat 12") return s;
    }
    ADD_FAILURE() << "seeded samenwerking missing";
    return {};
  }

  static EmulatorProcess* emulator_;
};

EmulatorProcess* SwfClientIntegrationTest::emulator_ = nullptr;

TEST_F(SwfClientIntegrationTest, ListsTheSeededSamenwerkingen) {
  Party a = Connect("gemeente-a", kGemeenteA);
  auto all = a->ListSamenwerkingen();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_GE(all->size(), 2u);
  EXPECT_FALSE(Dakkapel(a).samenwerking_id.empty());
}

TEST_F(SwfClientIntegrationTest, EveryDownloadedDocumentMatchesItsHash) {
  Party a = Connect("gemeente-a", kGemeenteA);
  auto docs = a->ListDocumenten(Dakkapel(a).samenwerking_id);
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_FALSE(docs->empty());
  for (const auto& d : *docs) {
    DownloadResult info;
    auto bytes = Download(a, d.document_id, {}, &info);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    EXPECT_EQ(Sha256Hex(*bytes), d.document_hash) << d.bestands_naam;
    EXPECT_EQ(info.http_status, 200);
    EXPECT_EQ(info.etag, "\"" + d.document_hash + "\"");
  }
}

TEST_F(SwfClientIntegrationTest, PagingWithSmallPagesGivesTheSameList) {
  Party big = Connect("gemeente-a", kGemeenteA);
  Party small = Connect("gemeente-a", kGemeenteA, 1);
  std::string id = Dakkapel(big).samenwerking_id;
  auto all = big->ListDocumenten(id);
  auto paged = small->ListDocumenten(id);
  ASSERT_TRUE(all.ok() && paged.ok()) << paged.status().ToString();
  ASSERT_EQ(all->size(), paged->size());
  for (size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].document_id, (*paged)[i].document_id);
}

TEST_F(SwfClientIntegrationTest, ResumesWithRangeAndIfRange) {
  Party a = Connect("gemeente-a", kGemeenteA);
  auto docs = a->ListDocumenten(Dakkapel(a).samenwerking_id);
  ASSERT_TRUE(docs.ok() && !docs->empty());
  const Document& d = docs->front();
  auto whole = Download(a, d.document_id);
  ASSERT_TRUE(whole.ok() && whole->size() > 5);
  DownloadResult info;
  auto tail = Download(a, d.document_id, {.offset = 5, .if_range = "\"" + d.document_hash + "\""}, &info);
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_EQ(info.http_status, 206);
  EXPECT_EQ(info.content_range_start, 5);
  EXPECT_EQ(info.content_range_total, static_cast<int64_t>(whole->size()));
  EXPECT_EQ(*tail, whole->substr(5));
  // A stale validator restarts from zero.
  auto restarted = Download(a, d.document_id, {.offset = 5, .if_range = "\"stale\""}, &info);
  ASSERT_TRUE(restarted.ok()) << restarted.status().ToString();
  EXPECT_EQ(info.http_status, 200);
  EXPECT_EQ(*restarted, *whole);
}

TEST_F(SwfClientIntegrationTest, BatchDownloadsRunInParallel) {
  Party a = Connect("gemeente-a", kGemeenteA);
  auto docs = a->ListDocumenten(Dakkapel(a).samenwerking_id);
  ASSERT_TRUE(docs.ok() && !docs->empty());
  std::vector<std::string> bodies(docs->size());
  std::vector<HttpRequest> batch;
  for (size_t i = 0; i < docs->size(); ++i) {
    batch.push_back(a->MakeDownloadRequest((*docs)[i].document_id, {}, [&bodies, i](std::string_view c) {
      bodies[i] += c;
      return Status::Ok();
    }, std::make_shared<DownloadResult>()));
  }
  auto results = a.transport->RunBatch(std::move(batch), 3, nullptr);
  for (size_t i = 0; i < docs->size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status().ToString();
    EXPECT_EQ(Sha256Hex(bodies[i]), (*docs)[i].document_hash);
  }
}

TEST_F(SwfClientIntegrationTest, BeperkteToegangNeverSeesSvDocuments) {
  Party advies = Connect("adviesbureau", kAdviesbureau);
  Party a = Connect("gemeente-a", kGemeenteA);
  std::string id = Dakkapel(a).samenwerking_id;
  auto all = a->ListDocumenten(id);
  auto limited = advies->ListDocumenten(id);
  ASSERT_TRUE(all.ok() && limited.ok()) << limited.status().ToString();
  EXPECT_LT(limited->size(), all->size());
  for (const auto& d : *limited) EXPECT_EQ(d.vertrouwelijkheid, Confidentiality::kRV) << d.document_id;
  for (const auto& d : *all) {
    if (d.vertrouwelijkheid == Confidentiality::kSV) {
      EXPECT_EQ(advies->GetDocument(d.document_id).status().code(), StatusCode::kNotFound);
    }
  }
}

TEST_F(SwfClientIntegrationTest, KetenpartnerMayNotStartASamenwerking) {
  Party advies = Connect("adviesbureau", kAdviesbureau);
  auto r = advies->StartSamenwerking({.titel = "x", .verzoeknummer = "12026005"});
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied) << r.status().ToString();
  EXPECT_EQ(r.status().http_status(), 403);
}

TEST_F(SwfClientIntegrationTest, LeverancierActsOnlyForMandatingOrganisations) {
  Party for_b = Connect("leverancier", kGemeenteB);
  EXPECT_TRUE(for_b->ListSamenwerkingen().ok());
  Party for_od = Connect("leverancier", kOmgevingsdienst);
  auto refused = for_od->ListSamenwerkingen();
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated) << refused.status().ToString();
  EXPECT_EQ(refused.status().http_status(), 403);
  // A single resource refused (403) is found to be the identity by asking for the list.
  auto one = for_od->GetSamenwerking("SAM-1");
  EXPECT_EQ(one.status().code(), StatusCode::kUnauthenticated) << one.status().ToString();
}

TEST_F(SwfClientIntegrationTest, CertificateForAnotherOinIsRefused) {
  Party impostor = Connect("adviesbureau", kGemeenteA);
  auto r = impostor->ListSamenwerkingen();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.status().code() == StatusCode::kPermissionDenied ||
              r.status().code() == StatusCode::kUnauthenticated) << r.status().ToString();
}

TEST_F(SwfClientIntegrationTest, UploadedFileComesBackByteForByte) {
  Party a = Connect("gemeente-a", kGemeenteA);
  std::string id = Dakkapel(a).samenwerking_id;
  TempDir dir;
  std::string content;
  for (int i = 0; i < 200000; ++i) content += static_cast<char>('a' + (i * 7) % 26);
  WriteFile(dir / "bijlage.txt", content);
  auto doc = a->UploadDocument(id, {.file_path = (dir / "bijlage.txt").string(), .content_type = "text/plain",
                                    .document_omschrijving = "Bijlage", .kenmerk_systeem = "zaak-77",
                                    .nummer_binnen_systeem = "77", .vertrouwelijkheids_aanduiding = "RV"});
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->bestands_naam, "bijlage.txt");
  EXPECT_EQ(doc->kenmerk_systeem, "zaak-77");
  EXPECT_EQ(doc->nummer_binnen_systeem, "77");
  EXPECT_EQ(doc->document_hash, Sha256Hex(content));
  auto back = Download(a, doc->document_id);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, content);
  auto changed = a->ChangeDocument(doc->document_id, {.document_omschrijving = "Bijlage (herzien)"});
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(changed->document_omschrijving, "Bijlage (herzien)");
  EXPECT_TRUE(a->DeleteDocument(doc->document_id).ok());
  EXPECT_EQ(a->GetDocument(doc->document_id).status().code(), StatusCode::kNotFound);
}

TEST_F(SwfClientIntegrationTest, TheWholeCollaborationFlow) {
  Party a = Connect("gemeente-a", kGemeenteA);
  Party advies = Connect("adviesbureau", kAdviesbureau);
  auto sam = a->StartSamenwerking({.titel = "Aanbouw", .beschrijving = "itest", .verzoeknummer = "12026001",
                                   .documenten_uit_verzoek_laden = true});
  ASSERT_TRUE(sam.ok()) << sam.status().ToString();
  const std::string id = sam->samenwerking_id;
  ASSERT_TRUE(a->InviteDeelnemer(id, {.oin = kOmgevingsdienst, .naam = "", .privilege = "VOLLEDIGE_TOEGANG"}).ok());
  auto invited = a->InviteDeelnemer(id, {.oin = kAdviesbureau, .naam = "", .privilege = "BEPERKTE_TOEGANG"});
  ASSERT_TRUE(invited.ok()) << invited.status().ToString();
  auto deelnemers = a->ListDeelnemers(id);
  ASSERT_TRUE(deelnemers.ok()) << deelnemers.status().ToString();
  EXPECT_EQ(deelnemers->size(), 3u);

  auto av = a->CreateActieverzoek(id, {.titel = "Advies", .omschrijving = "Graag advies", .ontvanger = kAdviesbureau});
  ASSERT_TRUE(av.ok()) << av.status().ToString();
  EXPECT_EQ(av->status, "OPEN");
  auto mine = advies->ListActieverzoeken(id, kAdviesbureau);
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  ASSERT_EQ(mine->size(), 1u);
  auto taken = advies->TransitionActieverzoek(av->actieverzoek_id, ActieverzoekTransition::kBehandelen, "mee bezig");
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(taken->status, "IN_BEHANDELING");
  auto bericht = advies->SendBericht(av->actieverzoek_id, "Vraag over de tekening");
  ASSERT_TRUE(bericht.ok()) << bericht.status().ToString();
  auto berichten = a->ListBerichten(av->actieverzoek_id);
  ASSERT_TRUE(berichten.ok()) << berichten.status().ToString();
  ASSERT_EQ(berichten->size(), 1u);
  EXPECT_EQ(berichten->front().inhoud, "Vraag over de tekening");
  ASSERT_TRUE(advies->TransitionActieverzoek(av->actieverzoek_id, ActieverzoekTransition::kGereedmelden, "klaar").ok());
  auto accepted = a->TransitionActieverzoek(av->actieverzoek_id, ActieverzoekTransition::kAccepteren);
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ(accepted->status, "GEREED");
  auto again = a->TransitionActieverzoek(av->actieverzoek_id, ActieverzoekTransition::kIntrekken);
  EXPECT_EQ(again.status().code(), StatusCode::kConflict) << again.status().ToString();

  auto notes = advies->ListNotificaties(id);
  ASSERT_TRUE(notes.ok()) << notes.status().ToString();
  ASSERT_FALSE(notes->empty());
  EXPECT_TRUE(advies->DeleteNotificatie(notes->front().notificatie_id).ok());
  auto global = advies->ListAllNotificaties();
  ASSERT_TRUE(global.ok()) << global.status().ToString();
  EXPECT_EQ(std::count_if(global->begin(), global->end(),
                          [&](const Notificatie& n) { return n.notificatie_id == notes->front().notificatie_id; }),
            0);

  auto privileged = a->ChangePrivilege(id, kAdviesbureau, "VOLLEDIGE_TOEGANG");
  ASSERT_TRUE(privileged.ok()) << privileged.status().ToString();
  EXPECT_EQ(privileged->privilege, "VOLLEDIGE_TOEGANG");
  EXPECT_EQ(advies->RemoveDeelnemer(id, kOmgevingsdienst).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(a->RemoveDeelnemer(id, kAdviesbureau).ok());
  EXPECT_EQ(advies->GetSamenwerking(id).status().code(), StatusCode::kNotFound);

  EXPECT_EQ(a->DeleteSamenwerking(id).code(), StatusCode::kConflict);  // still open
  auto closed = a->CloseSamenwerking(id);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->status, "GESLOTEN");
  EXPECT_TRUE(a->DeleteSamenwerking(id).ok());
  EXPECT_EQ(a->GetSamenwerking(id).status().code(), StatusCode::kNotFound);
}

TEST_F(SwfClientIntegrationTest, LoadsTheVerzoekWerkmap) {
  Party a = Connect("gemeente-a", kGemeenteA);
  auto sam = a->StartSamenwerking({.titel = "Werkmap", .verzoeknummer = "12026004"});
  ASSERT_TRUE(sam.ok()) << sam.status().ToString();
  EXPECT_TRUE(a->LoadVerzoekdocumenten(sam->samenwerking_id).ok());
  auto docs = a->ListDocumenten(sam->samenwerking_id);
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  EXPECT_EQ(docs->size(), 3u);  // the werkmap of verzoek 12026004 holds three documents
}

class RecordingSleeper : public Sleeper {
 public:
  double NowSeconds() override { return now; }
  void SleepFor(double seconds) override {
    sleeps.push_back(seconds);
    now += seconds;
  }
  double now = 0;
  std::vector<double> sleeps;
};

// A client over RetryingTransport(CurlTransport) with a fixed jitter and a recording sleeper.
struct RetryingParty {
  Party raw;
  RecordingSleeper sleeper;
  std::unique_ptr<RetryingTransport> retrying;
  std::unique_ptr<SwfClient> client;
};

std::unique_ptr<RetryingParty> ConnectRetrying(Party raw, const std::string& base_url) {
  auto p = std::make_unique<RetryingParty>();
  p->raw = std::move(raw);
  p->retrying = std::make_unique<RetryingTransport>(*p->raw.transport, RetryPolicy({}, [] { return 0.5; }),
                                                    p->sleeper);
  p->client = std::make_unique<SwfClient>(*p->retrying, SwfClientOptions{.base_url = base_url});
  return p;
}

TEST_F(SwfClientIntegrationTest, RetriesRideOutServerErrors) {
  auto p = ConnectRetrying(Connect("gemeente-a", kGemeenteA), emulator_->base_url());
  Fault({{"type", "status"}, {"status", 503}, {"count", 2}, {"route", "/samenwerkingen"}});
  auto all = p->client->ListSamenwerkingen();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(p->sleeper.sleeps.size(), 2u);
}

TEST_F(SwfClientIntegrationTest, ServerRetryAfterIsHonoured) {
  auto p = ConnectRetrying(Connect("gemeente-a", kGemeenteA), emulator_->base_url());
  Fault({{"type", "retryAfter"}, {"retryAfter", "5"}, {"count", 1}, {"route", "/samenwerkingen"}});
  ASSERT_TRUE(p->client->ListSamenwerkingen().ok());
  EXPECT_EQ(p->sleeper.sleeps, (std::vector<double>{5}));
}

TEST_F(SwfClientIntegrationTest, GarbageRetryAfterFallsBackToBackoff) {
  auto p = ConnectRetrying(Connect("gemeente-a", kGemeenteA), emulator_->base_url());
  Fault({{"type", "retryAfter"}, {"retryAfter", "garbage"}, {"count", 1}, {"route", "/samenwerkingen"}});
  ASSERT_TRUE(p->client->ListSamenwerkingen().ok());
  EXPECT_EQ(p->sleeper.sleeps, (std::vector<double>{0.25}));  // 0.5 s cap x jitter 0.5
}

TEST_F(SwfClientIntegrationTest, NoRetryForARefusal) {
  auto p = ConnectRetrying(Connect("adviesbureau", kAdviesbureau), emulator_->base_url());
  EXPECT_EQ(p->client->StartSamenwerking({.titel = "x", .verzoeknummer = "12026005"}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(p->sleeper.sleeps.empty());
}

TEST_F(SwfClientIntegrationTest, DroppedDownloadResumesFromThePartial) {
  Party a = Connect("gemeente-a", kGemeenteA);
  TempDir dir;
  std::string content(300000, 'q');
  for (size_t i = 0; i < content.size(); i += 97) content[i] = static_cast<char>('a' + i % 26);
  WriteFile(dir / "groot.bin", content);
  auto doc = a->UploadDocument(Dakkapel(a).samenwerking_id, {.file_path = (dir / "groot.bin").string()});
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  Fault({{"type", "dropAfterBytes"}, {"afterBytes", 100000}, {"count", 1}, {"documentId", doc->document_id}});
  std::string partial;
  auto first = a->DownloadContent(doc->document_id, {}, [&](std::string_view c) {
    partial += c;
    return Status::Ok();
  });
  ASSERT_EQ(first.status().code(), StatusCode::kUnavailable) << first.status().ToString();
  ASSERT_GT(partial.size(), 0u);
  ASSERT_LT(partial.size(), content.size());
  DownloadResult info;
  auto rest = Download(a, doc->document_id,
                       {.offset = static_cast<int64_t>(partial.size()), .if_range = "\"" + doc->document_hash + "\""},
                       &info);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(info.http_status, 206);
  EXPECT_EQ(partial + *rest, content);
}

TEST_F(SwfClientIntegrationTest, IgnoredRangeIsReportedAsAWholeDocument) {
  Party a = Connect("gemeente-a", kGemeenteA);
  auto docs = a->ListDocumenten(Dakkapel(a).samenwerking_id);
  ASSERT_TRUE(docs.ok() && !docs->empty());
  const Document& d = docs->front();
  Fault({{"type", "ignoreRange"}, {"count", 1}, {"documentId", d.document_id}});
  DownloadResult info;
  auto bytes = Download(a, d.document_id, {.offset = 3, .if_range = "\"" + d.document_hash + "\""}, &info);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(info.http_status, 200);  // the caller must restart from zero
  EXPECT_EQ(Sha256Hex(*bytes), d.document_hash);
}

TEST_F(SwfClientIntegrationTest, RetryingBatchRecoversFailedItems) {
  auto p = ConnectRetrying(Connect("gemeente-a", kGemeenteA), emulator_->base_url());
  auto docs = p->client->ListDocumenten(Dakkapel(p->raw).samenwerking_id);
  ASSERT_TRUE(docs.ok() && docs->size() >= 2);
  Fault({{"type", "status"}, {"status", 502}, {"count", 1}, {"route", "/content"}});
  std::vector<HttpRequest> batch;
  std::vector<std::string> bodies(docs->size());
  for (size_t i = 0; i < docs->size(); ++i) {
    batch.push_back(p->client->MakeDownloadRequest((*docs)[i].document_id, {}, [&bodies, i](std::string_view c) {
      bodies[i] += c;
      return Status::Ok();
    }, std::make_shared<DownloadResult>()));
  }
  auto results = p->retrying->RunBatch(std::move(batch), 4, nullptr);
  for (size_t i = 0; i < docs->size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status().ToString();
    EXPECT_EQ(Sha256Hex(bodies[i]), (*docs)[i].document_hash);
  }
  EXPECT_EQ(p->sleeper.sleeps.size(), 1u);
}

}  // namespace
}  // namespace swfvault::testing
