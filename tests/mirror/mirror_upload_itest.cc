// Drop folders and push through the real CLI against the emulator: sidecars, refusals,
// local edits, and SIGKILL at random moments with 50 dropped files.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "swfvault/exit_codes.h"
#include "sync/sync_fixture.h"

namespace swfvault::testing {
namespace {

namespace fs = std::filesystem;

class MirrorUploadITest : public SyncFixture {
 protected:
  void Prepare() {
    ids_ = Generate({{"dossiers", 1}, {"documentsPerDossier", 2}, {"seed", 31}});
    ASSERT_EQ(Swf({"init"}).exit_code, 0);
    ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
    ASSERT_EQ(Mirror().exit_code, kExitOk);
    for (const auto& e : fs::directory_iterator(target())) {
      if (e.is_directory()) dossier_ = e.path();
    }
    ASSERT_FALSE(dossier_.empty());
  }
  CliResult Mirror(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"mirror", "--to", target(), "--settle-seconds", "0", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Swf(args);
  }
  std::string target() const { return (dir_.path() / "share").string(); }
  fs::path drop() const { return dossier_ / "_uploaden"; }

  std::vector<std::string> ids_;
  fs::path dossier_;
};

TEST_F(MirrorUploadITest, DroppedFileWithSidecarIsUploadedAndAppearsInTheMirror) {
  Prepare();
  WriteFile(drop() / "advies.txt", "advies inhoud");
  WriteFile(drop() / "advies.txt.json",
            R"({"vertrouwelijkheidsAanduiding":"RV","documentOmschrijving":"Advies welstand","taal":"nl"})");
  CliResult r = Mirror();
  ASSERT_EQ(r.exit_code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.Summary()["uploaded"], 1);
  EXPECT_FALSE(fs::exists(drop() / "advies.txt"));
  EXPECT_FALSE(fs::exists(drop() / "advies.txt.json"));
  EXPECT_EQ(ReadFile(dossier_ / "advies.txt"), "advies inhoud");
  int found = 0;
  for (const auto& d : RemoteDocuments(ids_[0])) {
    if (d["bestandsNaam"] != "advies.txt") continue;
    ++found;
    EXPECT_EQ(d["documentOmschrijving"], "Advies welstand");
    EXPECT_EQ(d["kenmerkSysteem"], "swfvault");
    EXPECT_EQ(d["nummerBinnenSysteem"].get<std::string>().size(), 32u);
  }
  EXPECT_EQ(found, 1);
}

TEST_F(MirrorUploadITest, UnstableFileWaitsForTheSettlePeriod) {
  Prepare();
  WriteFile(drop() / "bezig.txt", "nog niet klaar");
  CliResult r = Swf({"mirror", "--to", target(), "--settle-seconds", "3600", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.Summary()["waiting"], 1);
  EXPECT_TRUE(fs::exists(drop() / "bezig.txt"));
}

TEST_F(MirrorUploadITest, SymlinkFifoAndOversizeAreRefusedIntoMislukt) {
  Prepare();
  WriteFile(dir_.path() / "geheim.txt", "niet uploaden");
  fs::create_symlink(dir_.path() / "geheim.txt", drop() / "koppeling.txt");
  ASSERT_EQ(::mkfifo((drop() / "pijp").c_str(), 0600), 0);
  WriteFile(drop() / "groot.bin", std::string(4096, 'g'));
  CliResult r = Mirror({"--max-upload-bytes", "1024"});
  EXPECT_EQ(r.exit_code, kExitPartial) << r.err;
  EXPECT_EQ(r.Summary()["refused"], 3);
  fs::path failed = dossier_ / "_mislukt";
  for (const char* name : {"koppeling.txt", "pijp", "groot.bin"}) {
    EXPECT_TRUE(fs::exists(fs::symlink_status(failed / name))) << name;
    EXPECT_FALSE(ReadFile(failed / (std::string(name) + ".reden.txt")).empty()) << name;
  }
  EXPECT_TRUE(fs::is_symlink(failed / "koppeling.txt"));
  EXPECT_EQ(ReadFile(dir_.path() / "geheim.txt"), "niet uploaden");
  EXPECT_EQ(RemoteDocuments(ids_[0]).size(), 2u);
}

TEST_F(MirrorUploadITest, BadSidecarIsRefusedWithItsReason) {
  Prepare();
  WriteFile(drop() / "a.txt", "a");
  WriteFile(drop() / "a.txt.json", R"({"vertrouwelijkheidsAanduiding":"ZEER GEHEIM"})");
  CliResult r = Mirror();
  EXPECT_EQ(r.exit_code, kExitPartial);
  EXPECT_NE(ReadFile(dossier_ / "_mislukt" / "a.txt.reden.txt").find("vertrouwelijkheidsAanduiding"), std::string::npos);
  EXPECT_TRUE(fs::exists(dossier_ / "_mislukt" / "a.txt.json"));
}

TEST_F(MirrorUploadITest, LocalEditOfAMirroredFileBecomesAConflictCopy) {
  Prepare();
  fs::path file;
  for (const auto& e : fs::directory_iterator(dossier_)) {
    std::string n = e.path().filename().string();
    if (e.is_regular_file() && n != "dossier.json" && n != "documenten.csv") file = e.path();
  }
  ASSERT_FALSE(file.empty());
  std::string original = ReadFile(file);
  fs::permissions(file, fs::perms::owner_write, fs::perm_options::add);
  WriteFile(file, "lokaal bewerkt");
  CliResult r = Mirror();
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(ReadFile(file), original);
  int conflicts = 0;
  for (const auto& e : r.Events()) conflicts += e["type"] == "conflict";
  EXPECT_EQ(conflicts, 1);
  bool copy_found = false;
  for (const auto& e : fs::directory_iterator(dossier_)) {
    if (e.path().filename().string().find("(lokale wijziging ") != std::string::npos) {
      copy_found = ReadFile(e.path()) == "lokaal bewerkt";
    }
  }
  EXPECT_TRUE(copy_found);
}

TEST_F(MirrorUploadITest, PushUploadsOnceAndAgainIsIdempotent) {
  Prepare();
  WriteFile(dir_.path() / "p.txt", "push inhoud");
  CliResult first = Swf({"push", ids_[0], (dir_.path() / "p.txt").string(), "--omschrijving", "Push", "--json"});
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  CliResult again = Swf({"push", ids_[0], (dir_.path() / "p.txt").string(), "--json"});
  ASSERT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_EQ(again.Events()[0]["outcome"], "already-confirmed");
  int count = 0;
  for (const auto& d : RemoteDocuments(ids_[0])) count += d["bestandsNaam"] == "p.txt";
  EXPECT_EQ(count, 1);
}

TEST_F(MirrorUploadITest, SyncKeepsConfiguredTargetsCurrentAndUploadsDrops) {
  std::string share = (dir_.path() / "config-share").string();
  WriteConfig("gemeente-a", kGemeenteA, "[[mirror]]\npath = \"" + share + "\"\nmax_level = \"RV\"\n");
  ids_ = Generate({{"dossiers", 1}, {"documentsPerDossier", 3}, {"seed", 41}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  CliResult first = Swf({"sync", "--json"});
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  fs::path dossier;
  for (const auto& e : fs::directory_iterator(share)) {
    if (e.path().filename().string().rfind(ids_[0], 0) == 0) dossier = e.path();
  }
  ASSERT_FALSE(dossier.empty());
  EXPECT_TRUE(fs::exists(dossier / "documenten.csv"));
  // The default settle period (5 s) spans two syncs: first sighting, then upload.
  WriteFile(dossier / "_uploaden" / "via-sync.txt", "via sync");
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  EXPECT_TRUE(fs::exists(dossier / "_uploaden" / "via-sync.txt"));
  std::this_thread::sleep_for(std::chrono::seconds(6));
  CliResult third = Swf({"sync", "--json"});
  ASSERT_EQ(third.exit_code, kExitOk) << third.err;
  EXPECT_FALSE(fs::exists(dossier / "_uploaden" / "via-sync.txt"));
  EXPECT_EQ(ReadFile(dossier / "via-sync.txt"), "via sync");
  EXPECT_EQ(third.Summary()["type"], "summary");
}

TEST_F(MirrorUploadITest, SigkillAtRandomMomentsUploadsEveryDropExactlyOnce) {
  Prepare();
  constexpr int kRounds = 30, kFiles = 50;
  std::mt19937 rng(7);
  int kills = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kFiles; ++i) {
      std::string name = "r" + std::to_string(round) + "-" + std::to_string(i) + ".txt";
      WriteFile(drop() / name, "inhoud " + name);
    }
    CliChild child({"--config", configs_.at("gemeente-a"), "mirror", "--to", target(), "--settle-seconds", "0"},
                   dir_.path().string());
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 120));
    if (child.Running()) {
      child.Kill(SIGKILL);
      ++kills;
    }
    child.Wait();
  }
  CliResult last = Mirror();
  ASSERT_EQ(last.exit_code, kExitOk) << last.err;
  // Uploads confirmed by a killed run reach the vault (and the mirror) through the next sync.
  ASSERT_EQ(Swf({"sync", ids_[0]}).exit_code, kExitOk);
  ASSERT_EQ(Mirror().exit_code, kExitOk);
  std::map<std::string, int> seen;
  for (const auto& d : RemoteDocuments(ids_[0])) seen[d["bestandsNaam"].get<std::string>()]++;
  int wrong = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kFiles; ++i) {
      std::string name = "r" + std::to_string(round) + "-" + std::to_string(i) + ".txt";
      if (seen[name] != 1 || fs::exists(drop() / name) || ReadFile(dossier_ / name) != "inhoud " + name) {
        ++wrong;
        ADD_FAILURE() << name << " uploaded " << seen[name] << " times";
      }
    }
  }
  std::cout << "[kill test] runs=" << kRounds << " killed=" << kills << " files=" << kRounds * kFiles
            << " wrong=" << wrong << "\n";
  EXPECT_GE(kills, 20);
}

}  // namespace
}  // namespace swfvault::testing
