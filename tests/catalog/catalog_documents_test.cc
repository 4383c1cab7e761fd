#include <gtest/gtest.h>
#include <sqlite3.h>

#include <set>

#include "catalog/catalog_test_util.h"

namespace swfvault::testing {
namespace {

using CatalogTest = CatalogFixture;

void ExpectSameDocument(const Document& a, const Document& b) {
  EXPECT_EQ(a.document_id, b.document_id);
  EXPECT_EQ(a.samenwerking_id, b.samenwerking_id);
  EXPECT_EQ(a.bestands_naam, b.bestands_naam);
  EXPECT_EQ(a.document_omschrijving, b.document_omschrijving);
  EXPECT_EQ(a.vertrouwelijkheid_label, b.vertrouwelijkheid_label);
  EXPECT_EQ(a.vertrouwelijkheid, b.vertrouwelijkheid);
  EXPECT_EQ(a.taal, b.taal);
  EXPECT_EQ(a.formaat, b.formaat);
  EXPECT_EQ(a.document_hash, b.document_hash);
  EXPECT_EQ(a.bestands_grootte, b.bestands_grootte);
  EXPECT_EQ(a.kenmerk_systeem, b.kenmerk_systeem);
  EXPECT_EQ(a.nummer_binnen_systeem, b.nummer_binnen_systeem);
  EXPECT_EQ(a.aangemaakt_door, b.aangemaakt_door);
  EXPECT_EQ(a.aangemaakt_door_naam, b.aangemaakt_door_naam);
  EXPECT_EQ(a.creatie_datum_tijd, b.creatie_datum_tijd);
  EXPECT_EQ(a.laatst_aangepast_datum_tijd, b.laatst_aangepast_datum_tijd);
  EXPECT_EQ(a.raw_json, b.raw_json);
}

TEST_F(CatalogTest, SamenwerkingRoundTripKeepsEveryFieldAndRawJson) {
  Samenwerking w = SampleSamenwerking();
  ASSERT_TRUE(catalog_->UpsertSamenwerking(w).ok());
  auto got = catalog_->GetSamenwerking(w.samenwerking_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->titel, w.titel);
  EXPECT_EQ(got->beschrijving, w.beschrijving);
  EXPECT_EQ(got->status, w.status);
  EXPECT_EQ(got->verzoeknummer, w.verzoeknummer);
  EXPECT_EQ(got->aangemaakt_door, w.aangemaakt_door);
  EXPECT_EQ(got->creatie_datum_tijd, w.creatie_datum_tijd);
  EXPECT_EQ(got->laatst_aangepast_datum_tijd, w.laatst_aangepast_datum_tijd);
  EXPECT_EQ(got->raw_json, w.raw_json);
}

TEST_F(CatalogTest, UpsertSamenwerkingUpdatesUnknownStatusValues) {
  Samenwerking w = SampleSamenwerking();
  ASSERT_TRUE(catalog_->UpsertSamenwerking(w).ok());
  w.status = "GEARCHIVEERD";  // an enum value this version does not know
  ASSERT_TRUE(catalog_->UpsertSamenwerking(w).ok());
  EXPECT_EQ(catalog_->GetSamenwerking(w.samenwerking_id)->status, "GEARCHIVEERD");
  EXPECT_EQ(catalog_->ListSamenwerkingen()->size(), 1u);
  EXPECT_EQ(catalog_->GetSamenwerking("SAM-9").status().code(), StatusCode::kNotFound);
}

TEST_F(CatalogTest, ReplaceDeelnemersSwapsTheWholeList) {
  ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
  Deelnemer a{"00000001000000001000", "Gemeente A", "INITIATOR", "VOLLEDIGE_TOEGANG",
              "2026-06-04T10:45:01.933+02:00", R"({"oin":"00000001000000001000"})"};
  Deelnemer b{"00000009000000004000", "Adviesbureau", "DEELNEMER", "BEPERKTE_TOEGANG",
              "2026-06-04T12:00:00.000+02:00", R"({"oin":"00000009000000004000"})"};
  ASSERT_TRUE(catalog_->ReplaceDeelnemers("SAM-1001", {a, b}).ok());
  ASSERT_TRUE(catalog_->ReplaceDeelnemers("SAM-1001", {b}).ok());
  auto list = catalog_->ListDeelnemers("SAM-1001");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].oin, b.oin);
  EXPECT_EQ((*list)[0].naam, b.naam);
  EXPECT_EQ((*list)[0].rol, b.rol);
  EXPECT_EQ((*list)[0].privilege, b.privilege);
  EXPECT_EQ((*list)[0].uitgenodigd_datum_tijd, b.uitgenodigd_datum_tijd);
  EXPECT_EQ((*list)[0].raw_json, b.raw_json);
}

TEST_F(CatalogTest, FailedReplaceDeelnemersKeepsTheOldList) {
  ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
  Deelnemer a{"1", "A", "INITIATOR", "VOLLEDIGE_TOEGANG", "t", "{}"};
  ASSERT_TRUE(catalog_->ReplaceDeelnemers("SAM-1001", {a}).ok());
  Deelnemer dup{"2", "B", "DEELNEMER", "BEPERKTE_TOEGANG", "t", "{}"};
  EXPECT_EQ(catalog_->ReplaceDeelnemers("SAM-1001", {dup, dup}).code(), StatusCode::kConflict);
  auto list = catalog_->ListDeelnemers("SAM-1001");
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].oin, "1");
}

TEST_F(CatalogTest, DocumentRoundTripKeepsEveryFieldOfTheContract) {
  AddPresentDocument("d1");
  auto got = catalog_->GetDocument("d1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectSameDocument(got->document, SampleDocument("d1"));
  EXPECT_EQ(got->state, DocumentState::kPresent);
  EXPECT_EQ(got->blob_sha256, Sha256Hex("inhoud"));
  EXPECT_EQ(got->first_seen, "2026-06-04T10:45:01.933Z");
}

TEST_F(CatalogTest, MissingBestandsGrootteStaysAbsent) {
  ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
  Document d = SampleDocument("d2");
  d.bestands_grootte.reset();
  ASSERT_TRUE(catalog_->UpsertDocument(d, DocumentState::kQuarantined, "").ok());
  auto got = catalog_->GetDocument("d2");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->document.bestands_grootte.has_value());
  EXPECT_EQ(got->state, DocumentState::kQuarantined);
  EXPECT_EQ(got->blob_sha256, "");
}

TEST_F(CatalogTest, UpdateKeepsFirstSeenAndMovesLastSeen) {
  AddPresentDocument("d1");
  clock_.AdvanceSeconds(3600);
  Document d = SampleDocument("d1");
  d.document_omschrijving = "Herziene bouwtekening";
  ASSERT_TRUE(catalog_->UpsertDocument(d, DocumentState::kPresent, d.document_hash).ok());
  auto got = catalog_->GetDocument("d1");
  EXPECT_EQ(got->document.document_omschrijving, "Herziene bouwtekening");
  EXPECT_EQ(got->first_seen, "2026-06-04T10:45:01.933Z");
  EXPECT_EQ(got->last_seen, "2026-06-04T11:45:01.933Z");
  EXPECT_EQ(got->state_changed_at, "2026-06-04T10:45:01.933Z");
}

TEST_F(CatalogTest, DocumentOfUnknownSamenwerkingIsRefused) {
  EXPECT_EQ(catalog_->UpsertDocument(SampleDocument("d1", "SAM-404"), DocumentState::kQuarantined,
                                     "").code(),
            StatusCode::kConflict);
}

TEST_F(CatalogTest, DocumentBackedByUnrecordedBlobIsRefused) {
  ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
  EXPECT_EQ(catalog_->UpsertDocument(SampleDocument("d1"), DocumentState::kPresent,
                                     Sha256Hex("never stored")).code(),
            StatusCode::kConflict);
}

TEST_F(CatalogTest, UnknownLabelIsRecordedAtTheHighestLevel) {
  ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
  Document d = SampleDocument("d1");
  d.vertrouwelijkheid_label = "ZEER_GEHEIM";
  d.vertrouwelijkheid = Confidentiality::kRV;  // a caller that forgot to parse
  ASSERT_TRUE(catalog_->UpsertDocument(d, DocumentState::kQuarantined, "").ok());
  auto got = catalog_->GetDocument("d1");
  EXPECT_EQ(got->document.vertrouwelijkheid, Confidentiality::kUnknown);
  EXPECT_EQ(got->document.vertrouwelijkheid_label, "ZEER_GEHEIM");
}

TEST_F(CatalogTest, WithheldRowCarriesIdAndLevelOnly) {
  ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
  ASSERT_TRUE(catalog_->RecordWithheld("sv-doc", "SAM-1001", Confidentiality::kSV).ok());
  auto got = catalog_->GetDocument("sv-doc");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->state, DocumentState::kWithheld);
  EXPECT_EQ(got->document.vertrouwelijkheid, Confidentiality::kSV);
  EXPECT_EQ(got->document.samenwerking_id, "SAM-1001");
  EXPECT_EQ(got->document.bestands_naam, "");
  EXPECT_EQ(got->document.document_omschrijving, "");
  EXPECT_EQ(got->document.document_hash, "");
  EXPECT_EQ(got->document.raw_json, "");
  EXPECT_EQ(got->blob_sha256, "");
}

TEST_F(CatalogTest, LabelRaisedAboveCeilingErasesStoredMetadata) {
  AddPresentDocument("d1");
  ASSERT_TRUE(catalog_->RecordWithheld("d1", "SAM-1001", Confidentiality::kSV).ok());
  // Look at the raw row: nothing but ids, level, state and timestamps survives.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(Path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT * FROM documents WHERE document_id = 'd1'", -1, &stmt,
                               nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  const std::set<std::string> allowed = {"document_id", "samenwerking_id", "vertrouwelijkheid",
                                         "state", "first_seen", "last_seen", "state_changed_at"};
  for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
    std::string name = sqlite3_column_name(stmt, c);
    if (allowed.count(name) == 0) {
      EXPECT_EQ(sqlite3_column_type(stmt, c), SQLITE_NULL) << "column " << name << " kept";
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(CatalogTest, UpsertDocumentRefusesWithheldState) {
  ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
  EXPECT_EQ(catalog_->UpsertDocument(SampleDocument("d1"), DocumentState::kWithheld, "").code(),
            StatusCode::kInvalidArgument);
}

TEST_F(CatalogTest, MarkRemovedKeepsObjectReference) {
  AddPresentDocument("d1");
  clock_.AdvanceSeconds(10);
  ASSERT_TRUE(catalog_->SetDocumentState("d1", DocumentState::kRemovedRemotely).ok());
  auto got = catalog_->GetDocument("d1");
  EXPECT_EQ(got->state, DocumentState::kRemovedRemotely);
  EXPECT_EQ(got->blob_sha256, Sha256Hex("inhoud"));
  EXPECT_EQ(got->state_changed_at, "2026-06-04T10:45:11.933Z");
  EXPECT_EQ(catalog_->SetDocumentState("nope", DocumentState::kPresent).code(),
            StatusCode::kNotFound);
}

TEST_F(CatalogTest, ListDocumentsFiltersBySamenwerking) {
  AddPresentDocument("d1");
  ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking("SAM-2002")).ok());
  ASSERT_TRUE(catalog_->RecordWithheld("d2", "SAM-2002", Confidentiality::kSV).ok());
  EXPECT_EQ(catalog_->ListDocuments("SAM-1001")->size(), 1u);
  EXPECT_EQ(catalog_->ListDocuments("SAM-2002")->size(), 1u);
  EXPECT_EQ(catalog_->ListDocuments("")->size(), 2u);
}

TEST_F(CatalogTest, RecordBlobIsIdempotentAndCatchesConflictingDigests) {
  BlobRecord b = SampleBlob();
  ASSERT_TRUE(catalog_->RecordBlob(b).ok());
  ASSERT_TRUE(catalog_->RecordBlob(b).ok());
  EXPECT_EQ(catalog_->ListBlobs()->size(), 1u);
  BlobRecord lying = b;
  lying.size += 1;
  EXPECT_EQ(catalog_->RecordBlob(lying).code(), StatusCode::kCorruption);
  EXPECT_EQ(catalog_->GetBlob(b.sha256)->xxh3, b.xxh3);
  EXPECT_EQ(catalog_->GetBlob(Sha256Hex("x")).status().code(), StatusCode::kNotFound);
}

TEST_F(CatalogTest, UncommittedTransactionRollsBack) {
  {
    auto tx = catalog_->Begin();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
    ASSERT_TRUE(catalog_->RecordBlob(SampleBlob()).ok());
  }
  EXPECT_TRUE(catalog_->ListSamenwerkingen()->empty());
  EXPECT_TRUE(catalog_->ListBlobs()->empty());
}

TEST_F(CatalogTest, CommittedTransactionSurvivesReopen) {
  {
    auto tx = catalog_->Begin();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
    ASSERT_TRUE(catalog_->RecordBlob(SampleBlob()).ok());
    ASSERT_TRUE(catalog_->UpsertDocument(SampleDocument("d1"), DocumentState::kPresent,
                                         SampleBlob().sha256).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  catalog_.reset();
  auto reopened = Catalog::Open(Path(), &clock_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE((*reopened)->GetDocument("d1").ok());
}

TEST_F(CatalogTest, AtomicCallInsideTransactionRollsBackWithIt) {
  ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
  {
    auto tx = catalog_->Begin();
    ASSERT_TRUE(tx.ok());
    Deelnemer a{"1", "A", "INITIATOR", "VOLLEDIGE_TOEGANG", "t", "{}"};
    ASSERT_TRUE(catalog_->ReplaceDeelnemers("SAM-1001", {a}).ok());
  }
  EXPECT_TRUE(catalog_->ListDeelnemers("SAM-1001")->empty());
}

TEST_F(CatalogTest, ProfilesAreKeyedByName) {
  auto id = catalog_->UpsertProfile(Profile{0, "gemeente-a", "00000001000000001000", "https://a"});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto again = catalog_->UpsertProfile(Profile{0, "gemeente-a", "00000001000000001000", "https://b"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*id, *again);
  auto p = catalog_->GetProfile("gemeente-a");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->base_url, "https://b");
  EXPECT_EQ(catalog_->GetProfile("nobody").status().code(), StatusCode::kNotFound);
}

TEST_F(CatalogTest, ReadSnapshotIgnoresAndDoesNotBlockAConcurrentWriter) {
  AddPresentDocument("DOC-1", "een");
  auto writer = Catalog::Open(Path(), &clock_);  // a sync in another process
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  auto snapshot = catalog_->BeginRead();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ASSERT_EQ(catalog_->ListDocuments("SAM-1001")->size(), 1u);  // the snapshot starts here

  ASSERT_TRUE((*writer)->RecordBlob(SampleBlob("twee")).ok());
  ASSERT_TRUE((*writer)->UpsertDocument(SampleDocument("DOC-2", "SAM-1001", "twee"),
                                        DocumentState::kPresent, Sha256Hex("twee")).ok());
  EXPECT_EQ(catalog_->ListDocuments("SAM-1001")->size(), 1u);
  ASSERT_TRUE(snapshot->Commit().ok());
  EXPECT_EQ(catalog_->ListDocuments("SAM-1001")->size(), 2u);
}

TEST_F(CatalogTest, AnIncompleteSyncIsKeptPerProfileAndDossierUntilOneFinishes) {
  auto a = catalog_->UpsertProfile(Profile{0, "gemeente-a", "00000001000000001000", ""});
  auto b = catalog_->UpsertProfile(Profile{0, "leverancier", "00000001000000002000", ""});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(catalog_->MarkSyncIncomplete(*a, "SAM-1", "2 failures").ok());
  ASSERT_TRUE(catalog_->MarkSyncIncomplete(*b, "SAM-1", "stopped before the end").ok());
  ASSERT_TRUE(catalog_->MarkSyncIncomplete(*a, "SAM-10", "1 failure").ok());  // not a prefix match
  auto both = catalog_->IncompleteSyncs("SAM-1");
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[0].profile, "gemeente-a");
  EXPECT_EQ((*both)[0].detail, "2 failures");
  EXPECT_FALSE((*both)[0].at.empty());
  EXPECT_EQ((*both)[1].profile, "leverancier");
  ASSERT_TRUE(catalog_->MarkSyncComplete(*a, "SAM-1").ok());
  ASSERT_TRUE(catalog_->MarkSyncComplete(*a, "SAM-2").ok());  // nothing to clear
  auto left = catalog_->IncompleteSyncs("SAM-1");
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].profile, "leverancier");
  auto other = catalog_->IncompleteSyncs("SAM-10");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->size(), 1u);
  // A full listing of profile a without SAM-10: a can no longer finish it.
  ASSERT_TRUE(catalog_->ForgetSyncIncompleteExcept(*a, {"SAM-1"}).ok());
  EXPECT_TRUE(catalog_->IncompleteSyncs("SAM-10")->empty());
  EXPECT_EQ(catalog_->IncompleteSyncs("SAM-1")->size(), 1u);  // b's mark is b's
}

TEST_F(CatalogTest, TheVaultIdIsMadeOnceAndKept) {
  auto first = catalog_->VaultId();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->size(), 32u);
  EXPECT_EQ(first->find_first_not_of("0123456789abcdef"), std::string::npos) << *first;
  auto again = catalog_->VaultId();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
}

}  // namespace
}  // namespace swfvault::testing
