#include <gtest/gtest.h>
#include <sqlite3.h>

#include "catalog/catalog_test_util.h"
#include "support/raw_sqlite.h"

namespace swfvault::testing {
namespace {

using CatalogHistoryTest = CatalogFixture;

Event FetchedEvent(const std::string& doc) {
  Event e;
  e.kind = EventKind::kFetched;
  e.document_id = doc;
  e.samenwerking_id = "SAM-1001";
  e.sha256 = Sha256Hex(doc);
  e.detail = "bytes=6";
  return e;
}

TEST_F(CatalogHistoryTest, EventsAreListedInOrderAndFilteredByDocument) {
  ASSERT_TRUE(catalog_->AppendEvent(FetchedEvent("d1")).ok());
  clock_.AdvanceSeconds(1);
  Event verified = FetchedEvent("d1");
  verified.kind = EventKind::kVerified;
  ASSERT_TRUE(catalog_->AppendEvent(verified).ok());
  ASSERT_TRUE(catalog_->AppendEvent(FetchedEvent("d2")).ok());
  auto d1 = catalog_->ListEvents("d1");
  ASSERT_TRUE(d1.ok());
  ASSERT_EQ(d1->size(), 2u);
  EXPECT_EQ((*d1)[0].kind, EventKind::kFetched);
  EXPECT_EQ((*d1)[1].kind, EventKind::kVerified);
  EXPECT_LT((*d1)[0].event_id, (*d1)[1].event_id);
  EXPECT_EQ((*d1)[1].at, "2026-06-04T10:45:02.933Z");
  EXPECT_EQ((*d1)[0].sha256, Sha256Hex("d1"));
  EXPECT_EQ((*d1)[0].detail, "bytes=6");
  EXPECT_EQ(catalog_->ListEvents("")->size(), 3u);
}

TEST_F(CatalogHistoryTest, EventHistoryRefusesUpdateAndDelete) {
  ASSERT_TRUE(catalog_->AppendEvent(FetchedEvent("d1")).ok());
  EXPECT_NE(RawExec(Path(), "UPDATE events SET kind = 'verified'"), SQLITE_OK);
  EXPECT_NE(RawExec(Path(), "DELETE FROM events"), SQLITE_OK);
  auto events = catalog_->ListEvents("");
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].kind, EventKind::kFetched);
}

TEST_F(CatalogHistoryTest, EventsCanReferToASyncRun) {
  auto run = catalog_->BeginSyncRun(0);
  ASSERT_TRUE(run.ok());
  Event e = FetchedEvent("d1");
  e.run_id = *run;
  ASSERT_TRUE(catalog_->AppendEvent(e).ok());
  EXPECT_EQ((*catalog_->ListEvents("d1"))[0].run_id, *run);
  e.run_id = *run + 100;  // no such run
  EXPECT_EQ(catalog_->AppendEvent(e).status().code(), StatusCode::kConflict);
}

TEST_F(CatalogHistoryTest, SyncRunRecordsCountsOnceFinished) {
  auto profile = catalog_->UpsertProfile(Profile{0, "gemeente-a", "00000001000000001000", ""});
  ASSERT_TRUE(profile.ok());
  auto run = catalog_->BeginSyncRun(*profile);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(catalog_->GetSyncRun(*run)->ended_at, "");
  clock_.AdvanceSeconds(5);
  SyncCounts counts{10, 2, 1, 3, 4, 1, 0, 123456};
  ASSERT_TRUE(catalog_->FinishSyncRun(*run, "success", counts).ok());
  auto got = catalog_->GetSyncRun(*run);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->profile_id, *profile);
  EXPECT_EQ(got->outcome, "success");
  EXPECT_EQ(got->ended_at, "2026-06-04T10:45:06.933Z");
  EXPECT_EQ(got->counts.fetched, 10);
  EXPECT_EQ(got->counts.withheld, 4);
  EXPECT_EQ(got->counts.bytes, 123456);
  EXPECT_EQ(catalog_->FinishSyncRun(*run, "failed", counts).code(), StatusCode::kConflict);
  EXPECT_EQ(catalog_->FinishSyncRun(999, "failed", counts).code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog_->ListSyncRuns()->size(), 1u);
}

TEST_F(CatalogHistoryTest, OutboxEnqueueIsIdempotentPerKey) {
  std::string sha = Sha256Hex("upload");
  auto first = catalog_->EnqueueUpload("SAM-1001", sha, "nr-1", "/outbox/a.pdf");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->state, OutboxState::kPending);
  auto again = catalog_->EnqueueUpload("SAM-1001", sha, "nr-1", "/outbox/a.pdf");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outbox_id, first->outbox_id);
  auto other_key = catalog_->EnqueueUpload("SAM-1001", sha, "nr-2", "/outbox/a.pdf");
  EXPECT_NE(other_key->outbox_id, first->outbox_id);
  EXPECT_EQ(catalog_->ListOutbox(std::nullopt)->size(), 2u);
}

TEST_F(CatalogHistoryTest, OutboxMovesPendingSentConfirmed) {
  auto e = catalog_->EnqueueUpload("SAM-1001", Sha256Hex("u"), "k", "/p");
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(catalog_->MarkUploadSent(e->outbox_id).ok());
  EXPECT_EQ(catalog_->ListOutbox(OutboxState::kSent)->size(), 1u);
  ASSERT_TRUE(catalog_->MarkUploadConfirmed(e->outbox_id, "doc-new").ok());
  auto confirmed = catalog_->ListOutbox(OutboxState::kConfirmed);
  ASSERT_EQ(confirmed->size(), 1u);
  EXPECT_EQ((*confirmed)[0].document_id, "doc-new");
  EXPECT_TRUE(catalog_->ListOutbox(OutboxState::kPending)->empty());
}

TEST_F(CatalogHistoryTest, OutboxRefusesSkippedOrBackwardTransitions) {
  auto e = catalog_->EnqueueUpload("SAM-1001", Sha256Hex("u"), "k", "/p");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(catalog_->MarkUploadConfirmed(e->outbox_id, "doc").code(), StatusCode::kConflict);
  ASSERT_TRUE(catalog_->MarkUploadSent(e->outbox_id).ok());
  EXPECT_EQ(catalog_->MarkUploadSent(e->outbox_id).code(), StatusCode::kConflict);
  ASSERT_TRUE(catalog_->MarkUploadConfirmed(e->outbox_id, "doc").ok());
  EXPECT_EQ(catalog_->MarkUploadSent(e->outbox_id).code(), StatusCode::kConflict);
  EXPECT_EQ(catalog_->MarkUploadSent(12345).code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog_->MarkUploadConfirmed(e->outbox_id, "").code(), StatusCode::kInvalidArgument);
}

TEST_F(CatalogHistoryTest, NotificationHighWaterIsKeptPerProfile) {
  auto a = catalog_->UpsertProfile(Profile{0, "a", "00000001000000001000", ""});
  auto b = catalog_->UpsertProfile(Profile{0, "b", "00000001000000002000", ""});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(catalog_->GetNotificationHighWater(*a)->has_value());
  ASSERT_TRUE(catalog_->SetNotificationHighWater(*a, "2026-06-04T10:45:01.933+02:00").ok());
  ASSERT_TRUE(catalog_->SetNotificationHighWater(*a, "2026-06-05T08:00:00.000+02:00").ok());
  EXPECT_EQ(**catalog_->GetNotificationHighWater(*a), "2026-06-05T08:00:00.000+02:00");
  EXPECT_FALSE(catalog_->GetNotificationHighWater(*b)->has_value());
  EXPECT_EQ(catalog_->SetNotificationHighWater(999, "x").code(), StatusCode::kConflict);
}

TEST_F(CatalogHistoryTest, LastFullReconcileIsKeptBesideTheHighWaterMark) {
  auto a = catalog_->UpsertProfile(Profile{0, "a", "00000001000000001000", ""});
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(catalog_->GetLastFullReconcile(*a)->has_value());
  ASSERT_TRUE(catalog_->SetNotificationHighWater(*a, "2026-06-05T08:00:00.000Z").ok());
  EXPECT_FALSE(catalog_->GetLastFullReconcile(*a)->has_value());
  ASSERT_TRUE(catalog_->SetLastFullReconcile(*a, "2026-06-06T08:00:00.000Z").ok());
  EXPECT_EQ(**catalog_->GetLastFullReconcile(*a), "2026-06-06T08:00:00.000Z");
  EXPECT_EQ(**catalog_->GetNotificationHighWater(*a), "2026-06-05T08:00:00.000Z");
}

TEST_F(CatalogHistoryTest, PartialJournalRoundTrip) {
  ASSERT_TRUE(catalog_->RecordPartial(PartialDownload{"d1", "\"abc\"", "/v/partial/x.part", 4096, ""}).ok());
  clock_.AdvanceSeconds(1);
  ASSERT_TRUE(catalog_->RecordPartial(PartialDownload{"d1", "\"abc\"", "/v/partial/x.part", 8192, ""}).ok());
  auto p = catalog_->GetPartial("d1");
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->etag, "\"abc\"");
  EXPECT_EQ((*p)->bytes, 8192u);
  EXPECT_EQ((*p)->updated_at, "2026-06-04T10:45:02.933Z");
  EXPECT_EQ(catalog_->ListPartials()->size(), 1u);
  ASSERT_TRUE(catalog_->RemovePartial("d1").ok());
  EXPECT_FALSE(catalog_->GetPartial("d1")->has_value());
}

TEST_F(CatalogHistoryTest, ActieverzoekRoundTrip) {
  ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
  Actieverzoek a;
  a.actieverzoek_id = "5d0c1c2e-0000-4000-8000-000000000001";
  a.samenwerking_id = "SAM-1001";
  a.titel = "Advies gevraagd";
  a.omschrijving = "Graag advies over geluid";
  a.melding = "";
  a.product_id = "P-1";
  a.status = "IN_BEHANDELING";
  a.zender = "00000001000000001000";
  a.ontvanger = "00000001000000003000";
  a.documenten = {"d1", "d2"};
  a.creatie_datum_tijd = "2026-06-04T12:00:00.000+02:00";
  a.laatst_aangepast_datum_tijd = "2026-06-04T13:00:00.000+02:00";
  a.raw_json = R"({"actieverzoekId":"x","aantalBerichten":1})";
  ASSERT_TRUE(catalog_->UpsertActieverzoek(a).ok());
  auto list = catalog_->ListActieverzoeken("SAM-1001");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  const Actieverzoek& g = (*list)[0];
  EXPECT_EQ(g.actieverzoek_id, a.actieverzoek_id);
  EXPECT_EQ(g.titel, a.titel);
  EXPECT_EQ(g.omschrijving, a.omschrijving);
  EXPECT_EQ(g.product_id, a.product_id);
  EXPECT_EQ(g.status, a.status);
  EXPECT_EQ(g.zender, a.zender);
  EXPECT_EQ(g.ontvanger, a.ontvanger);
  EXPECT_EQ(g.documenten, a.documenten);
  EXPECT_EQ(g.creatie_datum_tijd, a.creatie_datum_tijd);
  EXPECT_EQ(g.laatst_aangepast_datum_tijd, a.laatst_aangepast_datum_tijd);
  EXPECT_EQ(g.raw_json, a.raw_json);
}

TEST_F(CatalogHistoryTest, BerichtRoundTripNeedsItsActieverzoek) {
  ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
  Bericht b{"b1", "av1", "SAM-1001", "Zie bijlage", "00000001000000001000",
            "00000001000000003000", "2026-06-04T14:00:00.000+02:00", R"({"berichtId":"b1"})"};
  EXPECT_EQ(catalog_->UpsertBericht(b).code(), StatusCode::kConflict);
  Actieverzoek a;
  a.actieverzoek_id = "av1";
  a.samenwerking_id = "SAM-1001";
  a.status = "OPEN";
  a.raw_json = "{}";
  ASSERT_TRUE(catalog_->UpsertActieverzoek(a).ok());
  ASSERT_TRUE(catalog_->UpsertBericht(b).ok());
  auto list = catalog_->ListBerichten("av1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].bericht_id, b.bericht_id);
  EXPECT_EQ((*list)[0].samenwerking_id, b.samenwerking_id);
  EXPECT_EQ((*list)[0].inhoud, b.inhoud);
  EXPECT_EQ((*list)[0].zender, b.zender);
  EXPECT_EQ((*list)[0].ontvanger, b.ontvanger);
  EXPECT_EQ((*list)[0].creatie_datum_tijd, b.creatie_datum_tijd);
  EXPECT_EQ((*list)[0].raw_json, b.raw_json);
}

TEST_F(CatalogHistoryTest, NotificatieRoundTripKeepsProperties) {
  Notificatie n;
  n.notificatie_id = "n1";
  n.notificatie_type = "DOCUMENT_TOEGEVOEGD";
  n.samenwerking_id = "SAM-1001";
  n.notificatie_titel = "Nieuw document";
  n.notificatie_tekst = "Er is een document toegevoegd";
  n.event_initiator = "00000001000000001000";
  n.deelnemer = "00000001000000003000";
  n.event_datum_tijd = "2026-06-04T15:00:00.000+02:00";
  n.properties = {{"documentId", "d1"}, {"documentNaam", "tekening.pdf"}};
  n.raw_json = R"({"notificatieId":"n1"})";
  ASSERT_TRUE(catalog_->UpsertNotificatie(n).ok());
  auto list = catalog_->ListNotificaties("SAM-1001");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const Notificatie& g = (*list)[0];
  EXPECT_EQ(g.notificatie_type, n.notificatie_type);
  EXPECT_EQ(g.notificatie_titel, n.notificatie_titel);
  EXPECT_EQ(g.notificatie_tekst, n.notificatie_tekst);
  EXPECT_EQ(g.event_initiator, n.event_initiator);
  EXPECT_EQ(g.deelnemer, n.deelnemer);
  EXPECT_EQ(g.event_datum_tijd, n.event_datum_tijd);
  EXPECT_EQ(g.properties, n.properties);
  EXPECT_EQ(g.raw_json, n.raw_json);
}

}  // namespace
}  // namespace swfvault::testing
