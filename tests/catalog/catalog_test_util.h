// Shared fixture and sample records for Catalog tests.
#ifndef SWFVAULT_TESTS_CATALOG_CATALOG_TEST_UTIL_H_
#define SWFVAULT_TESTS_CATALOG_CATALOG_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/temp_dir.h"
#include "swfvault/catalog.h"
#include "swfvault/hashing.h"

namespace swfvault::testing {

inline Samenwerking SampleSamenwerking(const std::string& id = "SAM-1001") {
  Samenwerking w;
  w.samenwerking_id = id;
  w.titel = "Omgevingsvergunning Dorpsstraat 12";
  w.beschrijving = "Behandeling aanvraag";
  w.status = "OPEN";
  w.verzoeknummer = "V-2026-0042";
  w.aangemaakt_door = "00000001000000001000";
  w.creatie_datum_tijd = "2026-06-04T10:45:01.933+02:00";
  w.laatst_aangepast_datum_tijd = "2026-06-05T09:00:00.000+02:00";
  w.raw_json = R"({"samenwerkingId":")" + id + R"(","samenwerkVorm":"SAMENWERKEN_AAN_BEHANDELEN","toekomstigVeld":42})";
  return w;
}

inline Document SampleDocument(const std::string& id, const std::string& sam = "SAM-1001",
                               const std::string& content = "inhoud") {
  Document d;
  d.document_id = id;
  d.samenwerking_id = sam;
  d.bestands_naam = "tekening " + id + ".pdf";
  d.document_omschrijving = "Bouwtekening";
  d.vertrouwelijkheid_label = "RV";
  d.vertrouwelijkheid = Confidentiality::kRV;
  d.taal = "nld";
  d.formaat = "application/pdf";
  d.document_hash = Sha256Hex(content);
  d.bestands_grootte = static_cast<int64_t>(content.size());
  d.kenmerk_systeem = "ZAAK-9";
  d.nummer_binnen_systeem = "77";
  d.aangemaakt_door = "00000001000000001000";
  d.aangemaakt_door_naam = "Gemeente A";
  d.creatie_datum_tijd = "2026-06-04T11:00:00.000+02:00";
  d.laatst_aangepast_datum_tijd = "2026-06-04T11:30:00.000+02:00";
  d.raw_json = R"({"documentId":")" + id + R"(","onbekendVeld":true})";
  return d;
}

inline BlobRecord SampleBlob(const std::string& content = "inhoud") {
  return BlobRecord{Sha256Hex(content), Xxh3Hex(content), content.size()};
}

class CatalogFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Catalog::Open(Path(), &clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    catalog_ = std::move(opened).value();
  }
  std::string Path() const { return (dir_.path() / "catalog.db").string(); }

  // Records the sample samenwerking, a blob and a present document backed by it.
  void AddPresentDocument(const std::string& id, const std::string& content = "inhoud") {
    ASSERT_TRUE(catalog_->UpsertSamenwerking(SampleSamenwerking()).ok());
    ASSERT_TRUE(catalog_->RecordBlob(SampleBlob(content)).ok());
    ASSERT_TRUE(catalog_->UpsertDocument(SampleDocument(id, "SAM-1001", content),
                                         DocumentState::kPresent, Sha256Hex(content)).ok());
  }

  TempDir dir_;
  FakeClock clock_{1'780'569'901'933'000};
  std::unique_ptr<Catalog> catalog_;
};

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_CATALOG_CATALOG_TEST_UTIL_H_
