#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "catalog/catalog_test_util.h"
#include "support/raw_sqlite.h"

namespace swfvault::testing {
namespace {

// RawExec/RawQuery (support/raw_sqlite.h) use a separate raw connection: no foreign_keys, as
// a foreign tool would.

class CatalogMigrationTest : public ::testing::Test {
 protected:
  std::string Path() const { return (dir_.path() / "catalog.db").string(); }
  TempDir dir_;
  FakeClock clock_;
};

TEST_F(CatalogMigrationTest, EmptyDatabaseIsMigratedThroughEveryStep) {
  auto catalog = Catalog::Open(Path(), &clock_);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ(*(*catalog)->SchemaVersion(), Catalog::LatestVersion());
  EXPECT_EQ(RawQuery(Path(), "SELECT version FROM schema_version ORDER BY version"), "1,2,3,4");
  EXPECT_TRUE((*catalog)->IntegrityCheck().ok());
}

// Step 4: the vault's own settings; a catalog from before it opens with none set.
TEST_F(CatalogMigrationTest, Version3CatalogGainsVaultSettingsUnset) {
  {
    auto v3 = Catalog::OpenAtVersion(Path(), &clock_, 3);
    ASSERT_TRUE(v3.ok()) << v3.status().ToString();
    EXPECT_FALSE((*v3)->GetVaultCeiling().ok()) << "no settings table before step 4";
  }
  auto latest = Catalog::Open(Path(), &clock_);
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  Result<std::optional<Confidentiality>> none = (*latest)->GetVaultCeiling();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE((*latest)->SetVaultCeiling(Confidentiality::kRV).ok());
  EXPECT_EQ(*(*latest)->GetVaultCeiling(), std::optional<Confidentiality>(Confidentiality::kRV));
  ASSERT_TRUE((*latest)->SetSetting("max_level", "XX").ok());
  EXPECT_EQ((*latest)->GetVaultCeiling().status().code(), StatusCode::kCorruption);
}

TEST_F(CatalogMigrationTest, Version1CatalogIsUpgradedKeepingItsData) {
  {
    auto v1 = Catalog::OpenAtVersion(Path(), &clock_, 1);
    ASSERT_TRUE(v1.ok()) << v1.status().ToString();
    EXPECT_EQ(*(*v1)->SchemaVersion(), 1);
    ASSERT_TRUE((*v1)->UpsertSamenwerking(SampleSamenwerking()).ok());
    ASSERT_TRUE((*v1)->RecordBlob(SampleBlob()).ok());
    ASSERT_TRUE((*v1)->UpsertDocument(SampleDocument("d1"), DocumentState::kPresent,
                                      SampleBlob().sha256).ok());
    // Tables of step 2 do not exist yet.
    EXPECT_FALSE((*v1)->EnqueueUpload("SAM-1001", SampleBlob().sha256, "k", "/x").ok());
  }
  auto latest = Catalog::Open(Path(), &clock_);
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(*(*latest)->SchemaVersion(), Catalog::LatestVersion());
  auto doc = (*latest)->GetDocument("d1");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->blob_sha256, SampleBlob().sha256);
  EXPECT_TRUE((*latest)->EnqueueUpload("SAM-1001", SampleBlob().sha256, "k", "/x").ok());
  EXPECT_TRUE((*latest)->IntegrityCheck().ok());
}

TEST_F(CatalogMigrationTest, ReopeningALatestCatalogAppliesNothing) {
  { ASSERT_TRUE(Catalog::Open(Path(), &clock_).ok()); }
  clock_.AdvanceSeconds(60);
  ASSERT_TRUE(Catalog::Open(Path(), &clock_).ok());
  EXPECT_EQ(RawQuery(Path(), "SELECT COUNT(*) FROM schema_version"), std::to_string(Catalog::LatestVersion()));
}

TEST_F(CatalogMigrationTest, CatalogFromNewerBuildIsRefused) {
  { ASSERT_TRUE(Catalog::Open(Path(), &clock_).ok()); }
  ASSERT_EQ(RawExec(Path(), "INSERT INTO schema_version VALUES (99, 'future')"), SQLITE_OK);
  Status refused = Catalog::Open(Path(), &clock_).status();
  EXPECT_EQ(refused.code(), StatusCode::kUnsupported);
  EXPECT_NE(refused.message().find("newer swfvault"), std::string::npos) << refused.ToString();
}

TEST_F(CatalogMigrationTest, UnknownTargetVersionIsInvalidArgument) {
  EXPECT_EQ(Catalog::OpenAtVersion(Path(), &clock_, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Catalog::OpenAtVersion(Path(), &clock_, Catalog::LatestVersion() + 1).status().code(),
            StatusCode::kInvalidArgument);
}

// Read-only opening (a vault on a read-only mount): what is there is read, with or without a
// write-ahead log beside the file, from a path with characters a URI reserves; nothing can be
// written; an older schema, which it could not migrate, is refused with why.
TEST_F(CatalogMigrationTest, ReadOnlyOpeningReadsWritesNothingAndRefusesAnOlderSchema) {
  const std::string odd = (dir_.path() / "a ?#%&= b").string();
  std::filesystem::create_directory(odd);
  const std::string path = odd + "/catalog.db";
  {
    auto writer = Catalog::Open(path, &clock_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)->SetVaultCeiling(Confidentiality::kRV).ok());
    // Open beside the reader below: its log holds the setting, not yet in the file.
    auto reader = Catalog::OpenReadOnly(path, &clock_);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto ceiling = (*reader)->GetVaultCeiling();
    ASSERT_TRUE(ceiling.ok()) << ceiling.status().ToString();
    EXPECT_EQ(*ceiling, std::optional<Confidentiality>(Confidentiality::kRV));
    EXPECT_FALSE((*reader)->SetVaultCeiling(Confidentiality::kSV).ok());
  }
  ASSERT_FALSE(std::filesystem::exists(path + "-wal")) << "closing merges and removes the log";
  auto alone = Catalog::OpenReadOnly(path, &clock_);
  ASSERT_TRUE(alone.ok()) << alone.status().ToString();
  EXPECT_EQ(*(*alone)->GetVaultCeiling(), std::optional<Confidentiality>(Confidentiality::kRV));
  alone->reset();
  // What a failed opening on a full disk leaves (an empty log, a stub of shared memory) is no
  // connection: the file is still read (as immutable when SQLite's read-only mode fails).
  WriteFile(path + "-wal", "");
  WriteFile(path + "-shm", "abc");
  auto after_failure = Catalog::OpenReadOnly(path, &clock_);
  ASSERT_TRUE(after_failure.ok()) << after_failure.status().ToString();
  EXPECT_EQ(*(*after_failure)->GetVaultCeiling(),
            std::optional<Confidentiality>(Confidentiality::kRV));
  after_failure->reset();

  { ASSERT_TRUE(Catalog::OpenAtVersion(Path(), &clock_, 3).ok()); }
  auto older = Catalog::OpenReadOnly(Path(), &clock_);
  ASSERT_FALSE(older.ok());
  EXPECT_EQ(older.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(older.status().message().find("cannot migrate it read-only"), std::string::npos)
      << older.status().ToString();
}

TEST_F(CatalogMigrationTest, CatalogUsesWalAndIsPrivate) {
  auto catalog = Catalog::Open(Path(), &clock_);
  ASSERT_TRUE(catalog.ok());
  ASSERT_TRUE((*catalog)->UpsertSamenwerking(SampleSamenwerking()).ok());
  EXPECT_EQ(RawQuery(Path(), "PRAGMA journal_mode"), "wal");
  struct stat sb;
  ASSERT_EQ(stat(Path().c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 0777, 0600u);
}

TEST_F(CatalogMigrationTest, IntegrityCheckReportsForeignKeyViolation) {
  auto catalog = Catalog::Open(Path(), &clock_);
  ASSERT_TRUE(catalog.ok());
  // A foreign tool without foreign_keys=ON slips in a dangling document.
  ASSERT_EQ(RawExec(Path(),
                    "INSERT INTO documents(document_id, samenwerking_id, vertrouwelijkheid, state,"
                    " first_seen, last_seen, state_changed_at) VALUES"
                    " ('dangling', 'SAM-404', 'RV', 'present', 't', 't', 't')"),
            SQLITE_OK);
  Status st = (*catalog)->IntegrityCheck();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("documents"), std::string::npos);
}

TEST_F(CatalogMigrationTest, DamagedPagesAreReportedAsCorruption) {
  {
    auto catalog = Catalog::Open(Path(), &clock_);
    ASSERT_TRUE(catalog.ok());
    ASSERT_TRUE((*catalog)->UpsertSamenwerking(SampleSamenwerking()).ok());
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE((*catalog)->AppendEvent(Event{0, "", 0, EventKind::kFetched,
                                                "doc-" + std::to_string(i), "SAM-1001",
                                                Sha256Hex(std::to_string(i)), ""}).ok());
    }
  }  // last connection closed: WAL checkpointed into the main file
  auto size = std::filesystem::file_size(Path());
  ASSERT_GT(size, 8 * 4096u);
  {
    std::fstream f(Path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    std::string garbage(4096, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto reopened = Catalog::Open(Path(), &clock_);
  Status st = reopened.ok() ? (*reopened)->IntegrityCheck() : reopened.status();
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
}

}  // namespace
}  // namespace swfvault::testing
