// MirrorTree on a real temporary directory with a real vault (no network): publishing, local
// edits, ceiling removals, _verwijderd, symlink refusal, metadata files.
#include "swfvault/mirror_tree.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/temp_dir.h"
#include "swfvault/hashing.h"
#include "swfvault/vault.h"

namespace swfvault::testing {
namespace {

namespace fs = std::filesystem;

class RecordingObserver : public MirrorObserver {
 public:
  void OnConflict(const std::string& rel, const std::string& copy) override {
    conflicts.push_back(rel + " -> " + copy);
  }
  void OnWarning(const std::string& m) override { warnings.push_back(m); }
  std::vector<std::string> conflicts, warnings;
};

class MirrorTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Vault::Init(fs_, clock_, (tmp_ / "vault").string()).ok());
    auto v = Vault::Open(fs_, clock_, (tmp_ / "vault").string(), Vault::Access::kExclusive);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    vault_ = std::move(*v);
    Samenwerking s;
    s.samenwerking_id = "SAM-1";
    s.titel = "Dakkapel";
    ASSERT_TRUE(vault_->catalog().UpsertSamenwerking(s).ok());
  }

  std::string Put(const std::string& content) {
    auto w = vault_->store().BeginWrite();
    EXPECT_TRUE(w.ok());
    EXPECT_TRUE((*w)->Append(content).ok());
    auto c = (*w)->Commit(Sha256Hex(content), content.size());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_TRUE(vault_->catalog().RecordBlob(c->blob).ok());
    return c->blob.sha256;
  }

  void AddDoc(const std::string& id, const std::string& name, const std::string& content,
              Confidentiality level = Confidentiality::kRV,
              DocumentState state = DocumentState::kPresent) {
    Document d;
    d.document_id = id;
    d.samenwerking_id = "SAM-1";
    d.bestands_naam = name;
    d.vertrouwelijkheid = level;
    d.vertrouwelijkheid_label = std::string(ConfidentialityName(level));
    d.document_hash = Sha256Hex(content);
    std::string sha = Put(content);
    ASSERT_TRUE(vault_->catalog().UpsertDocument(d, state, sha).ok());
  }

  MirrorReport Run(Confidentiality ceiling = Confidentiality::kRV) {
    MirrorTree tree(vault_->store(), vault_->catalog(), clock_);
    MirrorOptions o;
    o.target_dir = target();
    o.ceiling = ceiling;
    auto r = tree.Update(o, nullptr, observer_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : MirrorReport{};
  }

  std::string target() const { return (tmp_ / "share").string(); }
  fs::path Dossier() const { return tmp_ / "share" / "SAM-1 - Dakkapel"; }

  TempDir tmp_;
  PosixFileSystem fs_;
  FakeClock clock_;
  std::unique_ptr<Vault> vault_;
  RecordingObserver observer_;
};

TEST_F(MirrorTreeTest, PublishesReadOnlyCopyOfTheStoredObject) {
  AddDoc("d1", "brief.txt", "hallo");
  EXPECT_EQ(Run().published, 1);
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt"), "hallo");
  struct stat st;
  ASSERT_EQ(::stat((Dossier() / "brief.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0444u);
  EXPECT_TRUE(fs::is_directory(Dossier() / "_uploaden"));
}

TEST_F(MirrorTreeTest, SecondRunChangesNothing) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  MirrorReport second = Run();
  EXPECT_EQ(second.published, 0);
  EXPECT_EQ(second.unchanged, 1);
}

TEST_F(MirrorTreeTest, LocalEditBecomesConflictCopyAndStoreVersionReturns) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  fs::permissions(Dossier() / "brief.txt", fs::perms::owner_write, fs::perm_options::add);
  WriteFile(Dossier() / "brief.txt", "mijn wijziging");
  MirrorReport r = Run();
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt"), "hallo");
  EXPECT_EQ(ReadFile(Dossier() / "brief (lokale wijziging 2026-05-28).txt"), "mijn wijziging");
  ASSERT_EQ(observer_.conflicts.size(), 1u);
}

TEST_F(MirrorTreeTest, ForeignFileAtTheDocumentPathIsKeptAsConflictCopy) {
  AddDoc("d1", "brief.txt", "hallo");
  WriteFile(Dossier() / "brief.txt", "van iemand anders");
  EXPECT_EQ(Run().conflicts, 1);
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt"), "hallo");
}

TEST_F(MirrorTreeTest, LabelRaisedToSvDisappearsFromRvTarget) {
  AddDoc("d1", "geheim.txt", "inhoud");
  Run();
  ASSERT_TRUE(fs::exists(Dossier() / "geheim.txt"));
  ASSERT_TRUE(vault_->catalog().RecordWithheld("d1", "SAM-1", Confidentiality::kSV).ok());
  EXPECT_EQ(Run().removed, 1);
  EXPECT_FALSE(fs::exists(Dossier() / "geheim.txt"));
  EXPECT_EQ(ReadFile(Dossier() / "documenten.csv").find("d1"), std::string::npos);
}

TEST_F(MirrorTreeTest, SvTargetHoldsSvButRvTargetNever) {
  AddDoc("d1", "geheim.txt", "inhoud", Confidentiality::kSV);
  Run(Confidentiality::kRV);
  EXPECT_FALSE(fs::exists(Dossier() / "geheim.txt"));
  Run(Confidentiality::kSV);
  EXPECT_TRUE(fs::exists(Dossier() / "geheim.txt"));
  Run(Confidentiality::kRV);
  EXPECT_FALSE(fs::exists(Dossier() / "geheim.txt"));
}

TEST_F(MirrorTreeTest, RemovedRemotelyMovesToVerwijderd) {
  AddDoc("d1", "oud.txt", "weg");
  Run();
  ASSERT_TRUE(vault_->catalog().SetDocumentState("d1", DocumentState::kRemovedRemotely).ok());
  Run();
  EXPECT_FALSE(fs::exists(Dossier() / "oud.txt"));
  EXPECT_EQ(ReadFile(Dossier() / "_verwijderd" / "oud.txt"), "weg");
}

TEST_F(MirrorTreeTest, SymlinkedDossierFolderIsRefusedAndNothingWrittenThrough) {
  AddDoc("d1", "brief.txt", "hallo");
  fs::create_directories(tmp_ / "share");
  fs::create_directories(tmp_ / "elders");
  fs::create_directory_symlink(tmp_ / "elders", Dossier());
  MirrorTree tree(vault_->store(), vault_->catalog(), clock_);
  MirrorOptions o;
  o.target_dir = target();
  auto r = tree.Update(o, nullptr, observer_);
  EXPECT_TRUE(fs::is_empty(tmp_ / "elders"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(MirrorTreeTest, PlantedSymlinkAtAFilePathIsReplacedNotFollowed) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  WriteFile(tmp_ / "slachtoffer.txt", "blijf af");
  fs::remove(Dossier() / "brief.txt");
  fs::create_symlink(tmp_ / "slachtoffer.txt", Dossier() / "brief.txt");
  Run();
  EXPECT_EQ(ReadFile(tmp_ / "slachtoffer.txt"), "blijf af");
  EXPECT_FALSE(fs::is_symlink(Dossier() / "brief.txt"));
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt"), "hallo");
}

TEST_F(MirrorTreeTest, CsvHasBomSemicolonsAndNeutralisedFormulas) {
  AddDoc("d1", "=HYPERLINK(x).txt", "a");
  Run();
  std::string csv = ReadFile(Dossier() / "documenten.csv");
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF" "bestand;documentId;", 0), 0u);
  EXPECT_NE(csv.find("\"'=HYPERLINK(x).txt\";\"d1\";\"RV\""), std::string::npos) << csv;
}

TEST_F(MirrorTreeTest, CorruptStateFileStopsTheRun) {
  AddDoc("d1", "brief.txt", "hallo");
  WriteFile(tmp_ / "share" / ".swfvault-mirror.json", "{kapot");
  MirrorTree tree(vault_->store(), vault_->catalog(), clock_);
  MirrorOptions o;
  o.target_dir = target();
  auto r = tree.Update(o, nullptr, observer_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace swfvault::testing
