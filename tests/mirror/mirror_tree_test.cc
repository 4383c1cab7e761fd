// MirrorTree on a real temporary directory with a real vault (no network): publishing, local
// edits, ceiling removals, _verwijderd, symlink refusal, metadata files.
#include "swfvault/mirror_tree.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "store/blob_store_test_util.h"
#include "support/frozen_dir.h"
#include "support/fs_semantics.h"
#include "support/temp_dir.h"
#include "swfvault/hashing.h"
#include "swfvault/vault.h"

namespace swfvault::testing {
namespace {

namespace fs = std::filesystem;

class RecordingObserver : public MirrorObserver {
 public:
  void OnFile(std::string_view action, const std::string& rel, const std::string&) override {
    files.push_back(std::string(action) + " " + rel);
  }
  void OnConflict(const std::string& rel, const std::string& copy, const std::string& reason) override {
    conflicts.push_back(rel + " -> " + copy + (reason.empty() ? "" : " (" + reason + ")"));
  }
  void OnWarning(const std::string& m) override { warnings.push_back(m); }
  void OnDossierMoved(const std::string& id, const std::string& from, const std::string& to,
                      int left_behind) override {
    moves.push_back(id + ": " + from + " -> " + to + " left " + std::to_string(left_behind));
  }
  std::vector<std::string> conflicts, warnings, moves, files;
};

// Every regular file under `root`, relative path -> content.
std::map<std::string, std::string> Tree(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = ReadFile(e.path());
  }
  return out;
}

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
              DocumentState state = DocumentState::kPresent, const std::string& samenwerking_id = "SAM-1") {
    Document d;
    d.document_id = id;
    d.samenwerking_id = samenwerking_id;
    d.bestands_naam = name;
    d.vertrouwelijkheid = level;
    d.vertrouwelijkheid_label = std::string(ConfidentialityName(level));
    d.document_hash = Sha256Hex(content);
    std::string sha = Put(content);
    ASSERT_TRUE(vault_->catalog().UpsertDocument(d, state, sha).ok());
  }

  MirrorReport Run(Confidentiality ceiling = Confidentiality::kRV, bool upload_local_edits = false) {
    MirrorTree tree(vault_->store(), vault_->catalog(), clock_);
    MirrorOptions o;
    o.target_dir = target();
    o.ceiling = ceiling;
    o.upload_local_edits = upload_local_edits;
    auto r = tree.Update(o, nullptr, observer_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : MirrorReport{};
  }

  // One run that may fail (Run expects success).
  Result<MirrorReport> Update(Confidentiality ceiling) {
    MirrorTree tree(vault_->store(), vault_->catalog(), clock_);
    MirrorOptions o;
    o.target_dir = target();
    o.ceiling = ceiling;
    return tree.Update(o, nullptr, observer_);
  }

  // Update while no file may grow past 64 KiB: RLIMIT_FSIZE gives EFBIG (a full disk to
  // swfvault) without filling one, also to root.
  Result<MirrorReport> UpdateWithFilesOf64KiBAtMost(Confidentiality ceiling) {
    struct rlimit before {};
    if (::getrlimit(RLIMIT_FSIZE, &before) != 0) return Internal("getrlimit");
    struct rlimit small = before;
    small.rlim_cur = 64 * 1024;
    auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
    if (::setrlimit(RLIMIT_FSIZE, &small) != 0) return Internal("setrlimit");
    Result<MirrorReport> r = Update(ceiling);
    ::setrlimit(RLIMIT_FSIZE, &before);
    ::signal(SIGXFSZ, old_handler);
    return r;
  }

  void Retitle(const std::string& titel) {
    Samenwerking s;
    s.samenwerking_id = "SAM-1";
    s.titel = titel;
    ASSERT_TRUE(vault_->catalog().UpsertSamenwerking(s).ok());
  }

  void Edit(const fs::path& file, const std::string& content) {
    fs::permissions(file, fs::perms::owner_write, fs::perm_options::add);
    WriteFile(file, content);
  }

  nlohmann::json State() const { return nlohmann::json::parse(ReadFile(tmp_ / "share" / ".swfvault-mirror.json")); }
  void SetState(const nlohmann::json& j) { WriteFile(tmp_ / "share" / ".swfvault-mirror.json", j.dump()); }
  // What a run killed right after recording the intent to move SAM-1's folder leaves behind.
  void SaveMoveIntent(const std::string& to) {
    nlohmann::json state = State();
    state["dossiers"]["SAM-1"]["movingTo"] = to;
    SetState(state);
  }

  std::string target() const { return (tmp_ / "share").string(); }
  fs::path Dossier() const { return tmp_ / "share" / "SAM-1 - Dakkapel"; }
  fs::path Renamed() const { return tmp_ / "share" / "SAM-1 - Dakkapel en uitbouw"; }

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

// One run per target, also from another vault or host: the run lock is an OFD lock, which
// conflicts with any other open of the lock file, here one in this same process.
TEST_F(MirrorTreeTest, ATargetInUseByAnotherRunIsRefusedAsLocked) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  int other = ::open((tmp_ / "share" / ".swfvault-mirror.lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(other, 0);
  struct flock whole = {};
  whole.l_type = F_WRLCK;
  whole.l_whence = SEEK_SET;
  ASSERT_EQ(::fcntl(other, F_OFD_SETLK, &whole), 0);
  MirrorTree tree(vault_->store(), vault_->catalog(), clock_);
  MirrorOptions o;
  o.target_dir = target();
  Result<MirrorReport> r = tree.Update(o, nullptr, observer_);
  EXPECT_EQ(r.status().code(), StatusCode::kLocked) << r.status().ToString();
  ::close(other);  // the other run ends
  EXPECT_EQ(Run().unchanged, 1);
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

// The mirror's own file is moved into `<folder>/.swfvault-weg/` before it is removed or
// replaced, so that a version saved over it right then is never lost. A run killed in between
// leaves it there; the next run puts it back or, when the name is taken, drops it if the mirror
// wrote these bytes, else keeps it as a conflict copy.
TEST_F(MirrorTreeTest, AFileLeftAsideByAKilledRunIsPutBackAndKept) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  fs::create_directories(Dossier() / ".swfvault-weg");
  fs::rename(Dossier() / "brief.txt", Dossier() / ".swfvault-weg" / "brief.txt");
  MirrorReport r = Run();
  EXPECT_EQ(r.published, 0) << "put back as it was, so nothing to write again";
  EXPECT_EQ(r.unchanged, 1);
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt"), "hallo");
  EXPECT_FALSE(fs::exists(Dossier() / ".swfvault-weg"));
}

TEST_F(MirrorTreeTest, AVersionTheMirrorWroteLeftAsideWhileTheNameIsTakenIsDropped) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  fs::create_directories(Dossier() / ".swfvault-weg");
  WriteFile(Dossier() / ".swfvault-weg" / "brief.txt", "hallo");
  MirrorReport r = Run();
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.unchanged, 1);
  EXPECT_FALSE(fs::exists(Dossier() / ".swfvault-weg"));
  EXPECT_EQ(Tree(Dossier()).size(), 3u) << "brief.txt, dossier.json, documenten.csv";
}

TEST_F(MirrorTreeTest, AUsersVersionLeftAsideWhileTheNameIsTakenBecomesAConflictCopy) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  fs::create_directories(Dossier() / "_verwijderd" / ".swfvault-weg");
  fs::create_directories(Dossier() / ".swfvault-weg");
  WriteFile(Dossier() / ".swfvault-weg" / "brief.txt", "opgeslagen terwijl de mirror verving");
  MirrorReport r = Run();
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt"), "hallo");
  EXPECT_EQ(ReadFile(Dossier() / "brief (lokale wijziging 2026-05-28).txt"), "opgeslagen terwijl de mirror verving");
  EXPECT_FALSE(fs::exists(Dossier() / ".swfvault-weg"));
  EXPECT_FALSE(fs::exists(Dossier() / "_verwijderd" / ".swfvault-weg"));
}

// A new version of a document replaces the mirror's file by way of the aside folder, which
// is gone again after the run.
TEST_F(MirrorTreeTest, ANewVersionReplacesTheOldAndLeavesNoAsideFolder) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  AddDoc("d1", "brief.txt", "hallo, tweede versie");
  MirrorReport r = Run();
  EXPECT_EQ(r.published, 1);
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt"), "hallo, tweede versie");
  EXPECT_FALSE(fs::exists(Dossier() / ".swfvault-weg"));
}

// The bytes placed are hashed on the way (or read back after a reflink): an object damaged in
// the store since it was checked is not published, the old version stays under its name, the
// other files go out, and the run counts it; once the store holds the document again it is.
TEST_F(MirrorTreeTest, AnObjectThatNoLongerMatchesItsHashIsNotPublished) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  AddDoc("d1", "brief.txt", "hallo, tweede versie");
  AddDoc("d2", "bijlage.txt", "bijlage");
  const std::string sha = Sha256Hex("hallo, tweede versie");
  const std::string object = vault_->store().ObjectPath(sha);
  FlipByte(object, 3);
  MirrorReport r = Run();
  EXPECT_EQ(r.damaged, 1);
  EXPECT_EQ(r.published, 1);
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt"), "hallo");
  EXPECT_EQ(ReadFile(Dossier() / "bijlage.txt"), "bijlage");
  for (const auto& e : fs::directory_iterator(Dossier())) {
    EXPECT_NE(e.path().extension(), ".tmp") << "a temp file left: " << e.path();
  }
  FlipByte(object, 3);  // as a sync fetching it again would restore it
  MirrorReport healed = Run();
  EXPECT_EQ(healed.damaged, 0);
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt"), "hallo, tweede versie");
}

// The new version is complete before the old one is taken away: a copy that fails (here the
// file size limit, as a full disk would) leaves the old version under its name.
TEST_F(MirrorTreeTest, ANewVersionThatCannotBeWrittenLeavesTheOldOneInPlace) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  AddDoc("d1", "brief.txt", std::string(256 * 1024, 'x'));
  Result<MirrorReport> r = UpdateWithFilesOf64KiBAtMost(Confidentiality::kRV);
  if (r.ok() && r->reflinked > 0) GTEST_SKIP() << "the file system reflinks: nothing was written";
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt"), "hallo");
  EXPECT_EQ(Run().published, 1) << "the next run, with room, writes the new version";
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt").size(), 256u * 1024);
}

// A move by hard link (file systems without RENAME_NOREPLACE) that a killed run left without
// its unlink: the user's edit, put back, is under its name and in the aside folder at once. The
// aside entry just goes; the edit becomes one conflict copy, not two.
TEST_F(MirrorTreeTest, AnEditUnderItsNameAndAsideAtOnceGivesOneConflictCopy) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  Edit(Dossier() / "brief.txt", "mijn wijziging");
  fs::create_directories(Dossier() / ".swfvault-weg");
  if (!LinkForSetup(Dossier() / "brief.txt", Dossier() / ".swfvault-weg" / "brief.txt")) {
    GTEST_SKIP() << "no hard links here, so no move by link either";
  }
  MirrorReport r = Run();
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_FALSE(fs::exists(Dossier() / ".swfvault-weg"));
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt"), "hallo");
  int copies = 0;
  for (const auto& [path, content] : Tree(Dossier())) {
    if (path.find("lokale wijziging") == std::string::npos) continue;
    ++copies;
    EXPECT_EQ(content, "mijn wijziging");
  }
  EXPECT_EQ(copies, 1);
}

TEST_F(MirrorTreeTest, AMirrorOfOneDossierLeavesTheOthersFilesAlone) {
  AddDoc("d1", "brief.txt", "hallo");
  Samenwerking other;
  other.samenwerking_id = "SAM-2";
  other.titel = "Uitbouw";
  ASSERT_TRUE(vault_->catalog().UpsertSamenwerking(other).ok());
  AddDoc("d2", "tekening.txt", "schets", Confidentiality::kRV, DocumentState::kPresent, "SAM-2");
  EXPECT_EQ(Run().published, 2);
  const fs::path theirs = tmp_ / "share" / "SAM-2 - Uitbouw" / "tekening.txt";
  Edit(theirs, "mijn aanpassing");  // a user's edit in the dossier this run does not name

  MirrorTree tree(vault_->store(), vault_->catalog(), clock_);
  MirrorOptions o;
  o.target_dir = target();
  o.ceiling = Confidentiality::kRV;
  o.samenwerking_ids = {"SAM-1"};
  auto r = tree.Update(o, nullptr, observer_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->removed, 0);
  EXPECT_EQ(ReadFile(theirs), "mijn aanpassing") << "another dossier's file was touched";
  EXPECT_TRUE(State()["files"].contains("SAM-2 - Uitbouw/tekening.txt"));
  // The next full run still knows the file as the mirror's and keeps the edit as a copy.
  EXPECT_EQ(Run().conflicts, 1);
  EXPECT_EQ(ReadFile(theirs), "schets");
}

TEST_F(MirrorTreeTest, AnEditOfADocumentThatGoesIntoQuarantineIsKeptAsACopy) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  Edit(Dossier() / "brief.txt", "mijn wijziging");
  // A new version failed its hash check: the document has no object for now. Not a ceiling
  // matter, so the user's edit must survive.
  Document d;
  d.document_id = "d1";
  d.samenwerking_id = "SAM-1";
  d.bestands_naam = "brief.txt";
  d.vertrouwelijkheid = Confidentiality::kRV;
  d.vertrouwelijkheid_label = "RV";
  d.document_hash = Sha256Hex("nieuwe versie");
  ASSERT_TRUE(vault_->catalog().UpsertDocument(d, DocumentState::kQuarantined, "").ok());
  MirrorReport r = Run();
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_EQ(ReadFile(Dossier() / "brief (lokale wijziging 2026-05-28).txt"), "mijn wijziging");
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

// Another vault (a second one, or one made anew) knows none of the target's files: its run
// would remove them all, a user's edits with them. It is refused until told to take over.
TEST_F(MirrorTreeTest, TheTargetOfAnotherVaultIsRefusedUntilAdopted) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  Edit(Dossier() / "brief.txt", "mijn wijziging");
  WriteFile(Dossier() / "notitie.txt", "van een gebruiker");
  const std::map<std::string, std::string> before = Tree(tmp_ / "share");
  const std::string first_id = State().at("vaultId").get<std::string>();
  EXPECT_EQ(first_id.size(), 32u);

  ASSERT_TRUE(Vault::Init(fs_, clock_, (tmp_ / "other").string()).ok());
  auto other = Vault::Open(fs_, clock_, (tmp_ / "other").string(), Vault::Access::kExclusive);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  Samenwerking s;
  s.samenwerking_id = "SAM-1";
  s.titel = "Dakkapel";
  ASSERT_TRUE((*other)->catalog().UpsertSamenwerking(s).ok());
  MirrorTree tree((*other)->store(), (*other)->catalog(), clock_);
  MirrorOptions o;
  o.target_dir = target();
  Result<MirrorReport> refused = tree.Update(o, nullptr, observer_);
  ASSERT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("--adopt-target"), std::string::npos);
  EXPECT_NE(refused.status().message().find(first_id), std::string::npos);
  EXPECT_EQ(Tree(tmp_ / "share"), before);
  EXPECT_EQ(State().at("vaultId"), first_id);

  o.adopt_target = true;
  Result<MirrorReport> adopted = tree.Update(o, nullptr, observer_);
  ASSERT_TRUE(adopted.ok()) << adopted.status().ToString();
  EXPECT_FALSE(fs::exists(Dossier() / "brief.txt"));  // the other vault's file goes
  EXPECT_EQ(ReadFile(Dossier() / "notitie.txt"), "van een gebruiker");  // never the mirror's
  const std::string other_id = State().at("vaultId").get<std::string>();
  EXPECT_NE(other_id, first_id);
  Result<std::string> known = (*other)->catalog().VaultId();
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(other_id, *known);
  ASSERT_FALSE(observer_.warnings.empty());
  EXPECT_NE(observer_.warnings.back().find("taken over from vault " + first_id), std::string::npos);
  // Now the first vault's runs are the ones refused.
  EXPECT_EQ(Update(Confidentiality::kRV).status().code(), StatusCode::kInvalidArgument);
}

// A state file written before targets recorded their vault belongs to the vault that runs next.
TEST_F(MirrorTreeTest, AStateFileWithoutAVaultIdIsTakenAsThisVaultsOwn) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  nlohmann::json old = State();
  old.erase("vaultId");
  SetState(old);
  EXPECT_EQ(Run().unchanged, 1);
  Result<std::string> id = vault_->catalog().VaultId();
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(State().at("vaultId"), *id);
}

TEST_F(MirrorTreeTest, AStateFileWhosePathsLeadOutOfTheTargetStopsTheRun) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  WriteFile(tmp_ / "buiten.txt", "niet van de mirror");
  const nlohmann::json good = State();
  for (const std::function<void(nlohmann::json&)>& tamper : std::vector<std::function<void(nlohmann::json&)>>{
           [](nlohmann::json& j) { j["files"]["SAM-1 - Dakkapel/../../buiten.txt"] = j["files"]["SAM-1 - Dakkapel/brief.txt"]; },
           [](nlohmann::json& j) { j["files"]["/etc/passwd"] = j["files"]["SAM-1 - Dakkapel/brief.txt"]; },
           [](nlohmann::json& j) { j["dossiers"]["SAM-1"]["dir"] = "../geheim"; },
           [](nlohmann::json& j) { j["dossiers"]["SAM-1"]["movingTo"] = ".."; }}) {
    nlohmann::json bad = good;
    tamper(bad);
    SetState(bad);
    MirrorTree tree(vault_->store(), vault_->catalog(), clock_);
    MirrorOptions o;
    o.target_dir = target();
    auto r = tree.Update(o, nullptr, observer_);
    ASSERT_FALSE(r.ok()) << bad.dump();
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_NE(r.status().message().find("is not a path inside the target"), std::string::npos) << r.status().message();
  }
  EXPECT_EQ(ReadFile(tmp_ / "buiten.txt"), "niet van de mirror");
}

TEST_F(MirrorTreeTest, TitleChangeMovesTheFolderWithEverythingUsersKeepInIt) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  Edit(Dossier() / "brief.txt", "mijn wijziging");
  ASSERT_EQ(Run().conflicts, 1);
  WriteFile(Dossier() / "_uploaden" / "later.txt", "nog uploaden");
  fs::create_directories(Dossier() / "_mislukt");
  WriteFile(Dossier() / "_mislukt" / "x.txt", "geweigerd");
  auto before = Tree(Dossier());
  Retitle("Dakkapel en uitbouw");
  MirrorReport r = Run();
  EXPECT_EQ(r.dossiers_moved, 1);
  EXPECT_EQ(r.published, 0) << "a moved folder keeps its files";
  EXPECT_FALSE(fs::exists(Dossier()));
  auto after = Tree(Renamed());
  after.erase("dossier.json");
  before.erase("dossier.json");
  EXPECT_EQ(after, before);
  ASSERT_EQ(observer_.moves.size(), 1u);
  EXPECT_EQ(observer_.moves[0], "SAM-1: SAM-1 - Dakkapel -> SAM-1 - Dakkapel en uitbouw left 0");
  auto tree = Tree(tmp_ / "share");
  MirrorReport again = Run();
  EXPECT_EQ(again.dossiers_moved + again.published + again.removed + again.conflicts, 0);
  EXPECT_EQ(Tree(tmp_ / "share"), tree);
}

TEST_F(MirrorTreeTest, TitleChangeOntoAnExistingFolderMergesWithoutLosingAFile) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  WriteFile(Dossier() / "_uploaden" / "a.txt", "oude drop");
  WriteFile(Dossier() / "eigen.txt", "van de gebruiker");
  WriteFile(Renamed() / "brief.txt", "iemand anders");
  WriteFile(Renamed() / "_uploaden" / "a.txt", "nieuwe drop");
  WriteFile(Renamed() / "notities.txt", "notities");
  Retitle("Dakkapel en uitbouw");
  MirrorReport r = Run();
  EXPECT_EQ(r.dossiers_moved, 1);
  EXPECT_FALSE(fs::exists(Dossier()));
  std::multiset<std::string> contents;
  for (const auto& [rel, content] : Tree(Renamed())) contents.insert(content);
  for (const char* c : {"hallo", "oude drop", "van de gebruiker", "iemand anders", "nieuwe drop", "notities"}) {
    EXPECT_EQ(contents.count(c), 1u) << c;
  }
  EXPECT_EQ(ReadFile(Renamed() / "brief.txt"), "hallo");
  EXPECT_EQ(ReadFile(Renamed() / "_uploaden" / "a (vorige map).txt"), "oude drop");
  EXPECT_EQ(ReadFile(Renamed() / "brief (lokale wijziging 2026-05-28).txt"), "iemand anders");
  auto tree = Tree(tmp_ / "share");
  Run();
  EXPECT_EQ(Tree(tmp_ / "share"), tree);
}

// A run killed after the folder was renamed but before the state named the new folder.
TEST_F(MirrorTreeTest, MoveKilledAfterTheRenameIsFinishedByTheNextRun) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  WriteFile(Dossier() / "_uploaden" / "later.txt", "drop");
  Run();
  ASSERT_EQ(State()["dossiers"]["SAM-1"]["dir"], "SAM-1 - Dakkapel");
  SaveMoveIntent("SAM-1 - Dakkapel en uitbouw");
  fs::rename(Dossier(), Renamed());
  Retitle("Dakkapel en uitbouw");
  MirrorReport r = Run();
  EXPECT_EQ(r.published, 0);
  EXPECT_EQ(r.unchanged, 1);
  EXPECT_EQ(State()["dossiers"]["SAM-1"], nlohmann::json({{"dir", "SAM-1 - Dakkapel en uitbouw"}}));
  EXPECT_TRUE(State()["files"].contains("SAM-1 - Dakkapel en uitbouw/brief.txt"));
  EXPECT_FALSE(fs::exists(Dossier()));
  EXPECT_EQ(ReadFile(Renamed() / "_uploaden" / "later.txt"), "drop");
}

// A run killed after saving the intent, before the rename.
TEST_F(MirrorTreeTest, MoveKilledBeforeTheRenameIsRedoneByTheNextRun) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  SaveMoveIntent("SAM-1 - Dakkapel en uitbouw");
  Retitle("Dakkapel en uitbouw");
  MirrorReport r = Run();
  EXPECT_EQ(r.dossiers_moved, 1);
  EXPECT_EQ(r.published, 0);
  EXPECT_FALSE(fs::exists(Dossier()));
  EXPECT_EQ(ReadFile(Renamed() / "brief.txt"), "hallo");
}

// The title changed twice while the first move was interrupted: the folder ends at the last name.
TEST_F(MirrorTreeTest, InterruptedMoveThenAnotherTitleChangeEndsAtTheLatestName) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  SaveMoveIntent("SAM-1 - Dakkapel en uitbouw");
  fs::rename(Dossier(), Renamed());
  WriteFile(Renamed() / "eigen.txt", "van de gebruiker");
  Retitle("Uitbouw");
  MirrorReport r = Run();
  EXPECT_EQ(r.published, 0);
  EXPECT_FALSE(fs::exists(Dossier()));
  EXPECT_FALSE(fs::exists(Renamed()));
  EXPECT_EQ(ReadFile(tmp_ / "share" / "SAM-1 - Uitbouw" / "eigen.txt"), "van de gebruiker");
}

TEST_F(MirrorTreeTest, StateOfAnEarlierVersionStillFindsTheOldFolder) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  nlohmann::json state = State();
  state.erase("dossiers");
  state.erase("edits");
  SetState(state);
  WriteFile(Dossier() / "eigen.txt", "van de gebruiker");
  Retitle("Dakkapel en uitbouw");
  EXPECT_EQ(Run().dossiers_moved, 1);
  EXPECT_FALSE(fs::exists(Dossier()));
  EXPECT_EQ(ReadFile(Renamed() / "eigen.txt"), "van de gebruiker");
}

TEST_F(MirrorTreeTest, UploadModeWithoutUploaderKeepsTheEditAsConflictCopyAndSaysWhy) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  Edit(Dossier() / "brief.txt", "mijn wijziging");
  MirrorReport r = Run(Confidentiality::kRV, /*upload_local_edits=*/true);
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_EQ(ReadFile(Dossier() / "brief.txt"), "hallo");
  EXPECT_EQ(ReadFile(Dossier() / "brief (lokale wijziging 2026-05-28).txt"), "mijn wijziging");
  ASSERT_EQ(observer_.conflicts.size(), 1u);
  EXPECT_NE(observer_.conflicts[0].find("uploads are off"), std::string::npos) << observer_.conflicts[0];
}

// A run killed after moving an edit aside: without an uploader it waits, never lost.
TEST_F(MirrorTreeTest, HeldEditWaitsForAnUploadingRun) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  WriteFile(Dossier() / ".swfvault-edit-0123456789abcdef.txt", "mijn wijziging");
  nlohmann::json state = State();
  state["edits"]["SAM-1 - Dakkapel/.swfvault-edit-0123456789abcdef.txt"] = {
      {"originalPath", "SAM-1 - Dakkapel/brief.txt"}, {"documentId", "d1"}, {"samenwerkingId", "SAM-1"},
      {"filename", "brief (bewerkt 2026-05-28).txt"}, {"level", "RV"}, {"omschrijving", "x"}, {"taal", "nl"}};
  SetState(state);
  Run();
  EXPECT_EQ(ReadFile(Dossier() / ".swfvault-edit-0123456789abcdef.txt"), "mijn wijziging");
  EXPECT_TRUE(State()["edits"].contains("SAM-1 - Dakkapel/.swfvault-edit-0123456789abcdef.txt"));
  ASSERT_FALSE(observer_.warnings.empty());
  EXPECT_NE(observer_.warnings.back().find("wait for a run that uploads"), std::string::npos);
}

TEST_F(MirrorTreeTest, HeldEditTheStateForgotBecomesAConflictCopy) {
  AddDoc("d1", "brief.txt", "hallo");
  Run();
  WriteFile(Dossier() / ".swfvault-edit-0123456789abcdef.txt", "mijn wijziging");
  WriteFile(Dossier() / ".swfvault-0123456789abcdef.tmp", "stale temp");
  EXPECT_EQ(Run().conflicts, 1);
  EXPECT_FALSE(fs::exists(Dossier() / ".swfvault-edit-0123456789abcdef.txt"));
  EXPECT_FALSE(fs::exists(Dossier() / ".swfvault-0123456789abcdef.tmp"));
  EXPECT_EQ(ReadFile(Dossier() / "bewerking (lokale wijziging 2026-05-28).txt"), "mijn wijziging");
}

// On a case-insensitive share (SMB, macOS) "Rapport.txt" and "rapport.txt" are one entry. Hard
// links give the same view here: before the run both names lead to the old file, and once the
// new one is published the old name leads to it too.
class CaseInsensitiveShareTest : public MirrorTreeTest {
 protected:
  void SetUp() override {
    MirrorTreeTest::SetUp();
    WriteFile(tmp_ / "link-probe", "");
    if (!LinkForSetup(tmp_ / "link-probe", tmp_ / "link-probe-2")) {
      GTEST_SKIP() << "the view needs hard links";
    }
  }

  // Document d1 goes from "Rapport.txt" ("versie 1") to "rapport.txt" (`content`).
  void RenameByCaseOnly(const std::string& content) {
    AddDoc("d1", "Rapport.txt", "versie 1");
    Run();
    AddDoc("d1", "rapport.txt", content);
    fs::create_hard_link(Dossier() / "Rapport.txt", Dossier() / "rapport.txt");
    struct OneEntry : RecordingObserver {
      void OnFile(std::string_view action, const std::string& rel, const std::string&) override {
        if (action != "published" || !rel.ends_with("/rapport.txt")) return;
        fs::remove(dir / "Rapport.txt");
        fs::create_hard_link(dir / "rapport.txt", dir / "Rapport.txt");
      }
      fs::path dir;
    } observer;
    observer.dir = Dossier();
    MirrorTree tree(vault_->store(), vault_->catalog(), clock_);
    MirrorOptions o;
    o.target_dir = target();
    Result<MirrorReport> r = tree.Update(o, nullptr, observer);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->conflicts, 0);
    for (const std::string& c : observer.conflicts) ADD_FAILURE() << c;
    EXPECT_EQ(ReadFile(Dossier() / "rapport.txt"), content);
    EXPECT_EQ(ReadFile(Dossier() / "Rapport.txt"), content) << "the one entry was removed or set aside";
    for (const auto& [rel, data] : Tree(tmp_ / "share")) EXPECT_EQ(rel.find("lokale wijziging"), std::string::npos) << rel;
    nlohmann::json files = State()["files"];
    EXPECT_TRUE(files.contains("SAM-1 - Dakkapel/rapport.txt")) << files.dump();
    EXPECT_FALSE(files.contains("SAM-1 - Dakkapel/Rapport.txt")) << files.dump();
    MirrorReport again = Run();
    EXPECT_EQ(again.published + again.conflicts, 0);
  }
};

TEST_F(CaseInsensitiveShareTest, ACaseOnlyRenameIsNoConflict) { RenameByCaseOnly("versie 1"); }

TEST_F(CaseInsensitiveShareTest, ACaseOnlyRenameWithANewVersionIsNoConflict) { RenameByCaseOnly("versie 2"); }

// Ctrl-C during a mirror: the file at hand is finished, then the run stops. What it leaves is a
// consistent tree (no temp file, nothing half-written) and a state the next run finishes from.
TEST_F(MirrorTreeTest, AfterAStopTheOldVersionsTheMirrorWroteAreNotTakenForLocalEdits) {
  for (int i = 1; i <= 3; ++i) AddDoc("d" + std::to_string(i), "brief-" + std::to_string(i) + ".txt", "versie 1");
  Run();
  for (int i = 1; i <= 3; ++i) AddDoc("d" + std::to_string(i), "brief-" + std::to_string(i) + ".txt", "versie 2 van " + std::to_string(i));
  StopFlag stop;
  struct StopAfterFirst : RecordingObserver {
    explicit StopAfterFirst(StopFlag& s) : stop(s) {}
    void OnFile(std::string_view, const std::string&, const std::string&) override { stop.Request(); }
    StopFlag& stop;
  } observer(stop);
  MirrorTree tree(vault_->store(), vault_->catalog(), clock_);
  MirrorOptions o;
  o.target_dir = target();
  o.stop = &stop;
  Result<MirrorReport> stopped = tree.Update(o, nullptr, observer);
  ASSERT_TRUE(stopped.ok()) << stopped.status().ToString();
  ASSERT_EQ(stopped->published, 1);  // two paths still hold version 1, which the mirror wrote
  MirrorReport rest = Run(Confidentiality::kRV, /*upload_local_edits=*/true);
  EXPECT_EQ(rest.conflicts, 0);
  EXPECT_EQ(rest.published, 2);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(ReadFile(Dossier() / ("brief-" + std::to_string(i) + ".txt")), "versie 2 van " + std::to_string(i));
  }
  EXPECT_FALSE(State().contains("edits") && !State()["edits"].empty()) << "old versions held as edits to upload";
}

TEST_F(MirrorTreeTest, AStopEndsTheRunBetweenTwoFilesAndTheNextRunFinishes) {
  for (int i = 1; i <= 5; ++i) AddDoc("d" + std::to_string(i), "brief-" + std::to_string(i) + ".txt", "inhoud " + std::to_string(i));
  StopFlag stop;
  struct StopAfterFirst : RecordingObserver {
    explicit StopAfterFirst(StopFlag& s) : stop(s) {}
    void OnFile(std::string_view action, const std::string& rel, const std::string&) override {
      files.push_back(std::string(action) + " " + rel);
      stop.Request();
    }
    StopFlag& stop;
    std::vector<std::string> files;
  } observer(stop);
  MirrorTree tree(vault_->store(), vault_->catalog(), clock_);
  MirrorOptions o;
  o.target_dir = target();
  o.stop = &stop;
  Result<MirrorReport> stopped = tree.Update(o, nullptr, observer);
  ASSERT_TRUE(stopped.ok()) << stopped.status().ToString();
  EXPECT_TRUE(stopped->interrupted);
  EXPECT_EQ(stopped->published, 1);
  ASSERT_EQ(observer.files.size(), 1u);
  std::map<std::string, std::string> after_stop = Tree(tmp_ / "share");
  int documents = 0;
  for (const auto& [rel, content] : after_stop) {
    EXPECT_EQ(rel.find(".swfvault-") == std::string::npos || rel == ".swfvault-mirror.json" || rel == ".swfvault-mirror.lock", true) << rel;
    if (rel.rfind("SAM-1 - Dakkapel/brief-", 0) == 0) ++documents;
  }
  EXPECT_EQ(documents, 1);
  EXPECT_FALSE(fs::exists(Dossier() / "documenten.csv")) << "metadata describes a finished run only";

  MirrorReport rest = Run();
  EXPECT_FALSE(rest.interrupted);
  EXPECT_EQ(rest.published, 4);
  EXPECT_EQ(rest.unchanged, 1);
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(ReadFile(Dossier() / ("brief-" + std::to_string(i) + ".txt")), "inhoud " + std::to_string(i));
  }
  EXPECT_TRUE(fs::exists(Dossier() / "documenten.csv"));
  EXPECT_EQ(Run().published, 0);
}

// --- Rule 12: what the messages of a run may name ---

// Everything the run said, for a search for a name.
std::string Said(const RecordingObserver& o, const Result<MirrorReport>& r) {
  std::string all = r.ok() ? "" : r.status().ToString() + "\n";
  for (const auto* list : {&o.warnings, &o.conflicts, &o.moves, &o.files}) {
    for (const std::string& line : *list) all += line + "\n";
  }
  return all;
}

class MirrorNamesTest : public MirrorTreeTest {
 protected:

  // A local edit of `name` that cannot be moved aside: the rename to the conflict copy fails.
  // (Every conflict-copy name is taken: the 999 the mirror tries.)
  std::string EditThatCannotMoveAside(Confidentiality level, Confidentiality ceiling) {
    AddDoc("d1", "Medisch dossier Jansen.txt", "inhoud", level);
    Run(ceiling);
    Edit(Dossier() / "Medisch dossier Jansen.txt", "bewerkt");
    for (int n = 1; n < 1000; ++n) {
      std::string label = "lokale wijziging 2026-05-28" + (n == 1 ? std::string() : " " + std::to_string(n));
      WriteFile(Dossier() / ("Medisch dossier Jansen (" + label + ").txt"), "bezet");
    }
    observer_ = RecordingObserver();
    Result<MirrorReport> r = Update(ceiling);
    EXPECT_FALSE(observer_.warnings.empty()) << Said(observer_, r);
    return Said(observer_, r);
  }
};

TEST_F(MirrorNamesTest, AnSvTargetsWarningNamesNeitherTheFileNorItsConflictCopy) {
  std::string said = EditThatCannotMoveAside(Confidentiality::kSV, Confidentiality::kSV);
  EXPECT_EQ(said.find("Jansen"), std::string::npos) << said;
  EXPECT_NE(said.find("SAM-1 - Dakkapel/..."), std::string::npos) << said;
}

TEST_F(MirrorNamesTest, AnRvTargetsWarningNamesItsRvFile) {
  std::string said = EditThatCannotMoveAside(Confidentiality::kRV, Confidentiality::kRV);
  EXPECT_NE(said.find("SAM-1 - Dakkapel/Medisch dossier Jansen.txt (lokale wijziging"), std::string::npos) << said;
}

// The label was raised: the RV target removes the file, and from then on may not name it.
TEST_F(MirrorNamesTest, AFileRemovedForTheCeilingIsReportedWithoutItsName) {
  AddDoc("d1", "Medisch dossier Jansen.txt", "inhoud");
  Run();
  ASSERT_TRUE(vault_->catalog().RecordWithheld("d1", "SAM-1", Confidentiality::kSV).ok());
  observer_ = RecordingObserver();
  Result<MirrorReport> r = Update(Confidentiality::kRV);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->removed, 1);
  EXPECT_EQ(observer_.files, std::vector<std::string>{"removed SAM-1 - Dakkapel/..."});
}

TEST_F(MirrorNamesTest, AFailedRemovalForTheCeilingDoesNotNameTheFile) {
  AddDoc("d1", "Medisch dossier Jansen.txt", "inhoud");
  Run();
  ASSERT_TRUE(vault_->catalog().RecordWithheld("d1", "SAM-1", Confidentiality::kSV).ok());
  observer_ = RecordingObserver();
  FrozenDir frozen(Dossier());
  if (!frozen.active()) GTEST_SKIP() << "cannot make a folder read-only here (root without CAP_LINUX_IMMUTABLE?)";
  Result<MirrorReport> r = Update(Confidentiality::kRV);
  ASSERT_FALSE(observer_.warnings.empty()) << Said(observer_, r);
  EXPECT_EQ(Said(observer_, r).find("Jansen"), std::string::npos) << Said(observer_, r);
}

// A full disk ends the run: its error names no file of an SV target. RLIMIT_FSIZE gives EFBIG
// (a full disk to swfvault) without one, also to root.
TEST_F(MirrorNamesTest, AFullDiskInAnSvTargetEndsTheRunWithoutNamingTheFile) {
  AddDoc("d1", "Medisch dossier Jansen.txt", std::string(256 * 1024, 'x'), Confidentiality::kSV);
  Result<MirrorReport> r = UpdateWithFilesOf64KiBAtMost(Confidentiality::kSV);
  if (r.ok() && r->reflinked > 0) GTEST_SKIP() << "the file system reflinks: nothing was written";
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  EXPECT_EQ(Said(observer_, r).find("Jansen"), std::string::npos) << Said(observer_, r);
}

// Rule 12 does not wait for the rest of a run: a document raised above the target's ceiling
// is removed before the publishes, so a full disk that ends the run leaves it removed.
TEST_F(MirrorNamesTest, ARaisedDocumentGoesBeforeAFullDiskEndsTheRun) {
  AddDoc("d1", "Medisch dossier Jansen.txt", "inhoud");
  Run();
  ASSERT_TRUE(fs::exists(Dossier() / "Medisch dossier Jansen.txt"));
  ASSERT_TRUE(vault_->catalog().RecordWithheld("d1", "SAM-1", Confidentiality::kSV).ok());
  AddDoc("d2", "Bouwtekening.pdf", std::string(256 * 1024, 'x'));
  observer_ = RecordingObserver();
  Result<MirrorReport> r = UpdateWithFilesOf64KiBAtMost(Confidentiality::kRV);
  if (r.ok() && r->reflinked > 0) GTEST_SKIP() << "the file system reflinks: nothing was written";
  ASSERT_FALSE(r.ok()) << "the disk was not full";
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  EXPECT_FALSE(fs::exists(Dossier() / "Medisch dossier Jansen.txt")) << Said(observer_, r);
}

// A title change merges the old folder into one that exists; an entry that finds no free name
// stays behind, and the warning says so without naming it.
TEST_F(MirrorNamesTest, AnSvTargetsMergeWarningDoesNotNameWhatItLeftBehind) {
  AddDoc("d1", "Medisch dossier Jansen.txt", "inhoud", Confidentiality::kSV);
  Run(Confidentiality::kSV);
  Edit(Dossier() / "Medisch dossier Jansen.txt", "bewerkt");
  WriteFile(Renamed() / "Medisch dossier Jansen.txt", "iemand anders");
  for (int n = 1; n < 1000; ++n) {
    std::string label = n == 1 ? "vorige map" : "vorige map " + std::to_string(n);
    WriteFile(Renamed() / ("Medisch dossier Jansen (" + label + ").txt"), "bezet");
  }
  Retitle("Dakkapel en uitbouw");
  observer_ = RecordingObserver();
  Result<MirrorReport> r = Update(Confidentiality::kSV);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(ReadFile(Dossier() / "Medisch dossier Jansen.txt"), "bewerkt") << "left behind";
  bool warned = false;
  for (const std::string& w : observer_.warnings) {
    warned |= w.find("left in the old dossier folder") != std::string::npos;
    EXPECT_EQ(w.find("Jansen"), std::string::npos) << w;
  }
  EXPECT_TRUE(warned) << Said(observer_, r);
}

}  // namespace
}  // namespace swfvault::testing
