// Drop folders and push through the real CLI against the emulator: sidecars, refusals,
// config defaults, local edits (conflict copies, or uploaded as new documents), and SIGKILL at
// random moments with 50 dropped files and with local edits being uploaded.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "support/frozen_dir.h"
#include "support/fs_semantics.h"
#include "swfvault/exit_codes.h"
#include "swfvault/hashing.h"
#include "sync/sync_fixture.h"

namespace swfvault::testing {
namespace {

namespace fs = std::filesystem;

class MirrorUploadITest : public SyncFixture {
 protected:
  void Prepare(int dossiers = 1, int documents = 2, int seed = 31) {
    ids_ = Generate({{"dossiers", dossiers}, {"documentsPerDossier", documents}, {"seed", seed}});
    ASSERT_EQ(Swf({"init"}).exit_code, 0);
    ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
    ASSERT_EQ(Mirror().exit_code, kExitOk);
    dossier_ = FindDossier(target());
    ASSERT_FALSE(dossier_.empty());
  }
  fs::path FindDossier(const std::string& share) const {
    for (const auto& e : fs::directory_iterator(share)) {
      if (e.path().filename().string().rfind(ids_[0] + " - ", 0) == 0) return e.path();
    }
    return {};
  }
  // Some document file of the mirrored dossier.
  fs::path AnyDocumentFile() const {
    for (const auto& e : fs::directory_iterator(dossier_)) {
      std::string n = e.path().filename().string();
      if (e.is_regular_file() && n != "dossier.json" && n != "documenten.csv") return e.path();
    }
    return {};
  }
  // Starts `swfvault mirror --to <target> extra...` and SIGKILLs it 5-124 ms later, or, with
  // `moment`, 0-149 ms after moment() first holds; returns whether it was still running then.
  bool MirrorKilledAtRandom(std::mt19937& rng, const std::vector<std::string>& extra,
                            const std::function<bool()>& moment = nullptr) {
    std::vector<std::string> args = {"--config", configs_.at("gemeente-a"), "mirror", "--to", target()};
    args.insert(args.end(), extra.begin(), extra.end());
    CliChild child(args, dir_.path().string());
    if (moment) {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (child.Running() && !moment() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 150));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 120));
    }
    bool running = child.Running();
    if (running) child.Kill(SIGKILL);
    child.Wait();
    return running;
  }
  // Names of the local edits moved aside for upload (`.swfvault-edit-*`) in the dossier folder.
  std::set<std::string> HeldEdits() const {
    std::set<std::string> held;
    for (const auto& e : fs::directory_iterator(dossier_)) {
      std::string n = e.path().filename().string();
      if (n.rfind(".swfvault-edit-", 0) == 0) held.insert(n);
    }
    return held;
  }
  static void Edit(const fs::path& file, const std::string& content) {
    fs::permissions(file, fs::perms::owner_write, fs::perm_options::add);
    WriteFile(file, content);
  }
  // Remote documents (as gemeente-a sees them) whose content is `content`.
  std::vector<nlohmann::json> RemoteWithContent(const std::string& content) {
    std::vector<nlohmann::json> found;
    for (const auto& d : RemoteDocuments(ids_[0])) {
      if (d["documentHash"] == Sha256Hex(content)) found.push_back(d);
    }
    return found;
  }
  // Names in the dossier folder (and _verwijderd) that only a local edit could have made.
  int LeftoverEditFiles() const {
    int n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dossier_)) {
      std::string name = e.path().filename().string();
      n += name.rfind(".swfvault-edit-", 0) == 0 || name.find("(lokale wijziging ") != std::string::npos;
    }
    return n;
  }
  // The next run with uploads sends the held edit: once, as `content`, leaving nothing behind.
  void ExpectTheNextRunUploadsTheHeldEditOnce(const std::string& content) {
    CliResult next = Mirror({"--local-edits", "upload"});
    ASSERT_EQ(next.exit_code, kExitOk) << next.err;
    EXPECT_EQ(next.Summary()["editsUploaded"], 1);
    EXPECT_EQ(RemoteWithContent(content).size(), 1u);
    EXPECT_EQ(LeftoverEditFiles(), 0);
  }
  // An RV document "Medisch dossier Jansen.txt", edited in the mirror; the edit's upload fails
  // (500), so it is held; then the original is raised to SV and synced.
  void HoldAnEditThenRaiseItsOriginal() {
    Prepare();
    WriteFile(dir_.path() / "Medisch dossier Jansen.txt", "eigen versie");
    CliResult pushed = Swf({"push", ids_[0], (dir_.path() / "Medisch dossier Jansen.txt").string(), "--json"});
    ASSERT_EQ(pushed.exit_code, kExitOk) << pushed.err;
    const std::string id = pushed.FirstEvent("upload")["documentId"];
    ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
    ASSERT_EQ(Mirror().exit_code, kExitOk);
    ASSERT_TRUE(fs::exists(dossier_ / "Medisch dossier Jansen.txt"));
    Edit(dossier_ / "Medisch dossier Jansen.txt", "bewerkt terwijl het nog RV was");
    emulator_->Admin("PUT", "/_emulator/faults",
                     {{"faults", {{{"type", "status"}, {"status", 500}, {"count", 1}, {"route", "/documenten$"}}}}});
    Mirror({"--local-edits", "upload"});
    ASSERT_EQ(HeldEdits().size(), 1u);
    ASSERT_EQ(Swf({"document", "label", id, "--level", "SV"}).exit_code, kExitOk);
    ASSERT_EQ(Swf({"sync", "--full"}).exit_code, kExitOk);
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

// Holds up every request to a dossier's documenten (uploads, and the listing that reconciles
// them) by `ms`, so that a run lasts long enough, on any machine, to be signalled mid-way.
void HoldUpUploads(EmulatorProcess& emulator, int ms) {
  emulator.Admin("PUT", "/_emulator/faults",
                 {{"faults", {{{"type", "latency"}, {"ms", ms}, {"count", -1}, {"route", "/documenten$"}}}}});
}

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

TEST_F(MirrorUploadITest, AVersionSavedOverADropWhileItUploadsStaysAndGoesUpNext) {
  Prepare();
  WriteFile(drop() / "offerte.txt", "offerte versie 1");
  // The server stores the upload at once and answers 1.5 s later: time to save over the file.
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "slowAnswer"}, {"ms", 1500}, {"route", "/documenten$"}}}}});
  CliResult first;
  std::thread run([&] { first = Mirror(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (RemoteWithContent("offerte versie 1").empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  WriteFile(dir_.path() / "offerte.new", "offerte versie 2");  // saved as editors do: a rename
  fs::rename(dir_.path() / "offerte.new", drop() / "offerte.txt");
  run.join();
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  ASSERT_TRUE(fs::exists(drop() / "offerte.txt")) << "the new version was deleted with the old one";
  EXPECT_EQ(ReadFile(drop() / "offerte.txt"), "offerte versie 2");
  CliResult second = Mirror();
  ASSERT_EQ(second.exit_code, kExitOk) << second.err;
  EXPECT_EQ(RemoteWithContent("offerte versie 1").size(), 1u);
  EXPECT_EQ(RemoteWithContent("offerte versie 2").size(), 1u);
  EXPECT_FALSE(fs::exists(drop() / "offerte.txt"));
}

// A sent drop is moved into _uploaden/.swfvault-verzonden/ before it is compared and removed;
// a run killed in between leaves it there. The next run puts it back under its name: bytes
// that went up already are removed without a second upload.
TEST_F(MirrorUploadITest, ASentDropLeftAsideByAKilledRunIsPutBackAndNotSentTwice) {
  Prepare();
  WriteFile(drop() / "besluit.txt", "besluit inhoud");
  ASSERT_EQ(Mirror().exit_code, kExitOk);
  ASSERT_EQ(RemoteWithContent("besluit inhoud").size(), 1u);
  fs::create_directories(drop() / ".swfvault-verzonden");
  WriteFile(drop() / ".swfvault-verzonden" / "besluit.txt", "besluit inhoud");
  CliResult r = Mirror();
  ASSERT_EQ(r.exit_code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.Summary()["refused"], 0);
  EXPECT_EQ(RemoteWithContent("besluit inhoud").size(), 1u);
  EXPECT_FALSE(fs::exists(drop() / "besluit.txt"));
  EXPECT_FALSE(fs::exists(drop() / ".swfvault-verzonden" / "besluit.txt"));
  EXPECT_FALSE(fs::exists(dossier_ / "_mislukt"));
}

// ... and when a newer version was saved under the name since, that one goes up and the one
// left aside goes to _mislukt/ with the reason: neither is lost.
TEST_F(MirrorUploadITest, ADropLeftAsideWhoseNameWasSavedOverSinceGoesToMisluktAndTheNewOneUp) {
  Prepare();
  fs::create_directories(drop() / ".swfvault-verzonden");
  WriteFile(drop() / ".swfvault-verzonden" / "advies.txt", "advies versie 1");
  WriteFile(drop() / "advies.txt", "advies versie 2");
  CliResult r = Mirror();
  EXPECT_EQ(r.exit_code, kExitPartial) << r.err << r.out;
  EXPECT_EQ(r.Summary()["refused"], 1);
  EXPECT_EQ(r.Summary()["uploaded"], 1);
  EXPECT_EQ(RemoteWithContent("advies versie 2").size(), 1u);
  EXPECT_EQ(RemoteWithContent("advies versie 1").size(), 0u);
  EXPECT_EQ(ReadFile(dossier_ / "_mislukt" / "advies.txt"), "advies versie 1");
  EXPECT_NE(ReadFile(dossier_ / "_mislukt" / "advies.txt.reden.txt").find("nieuwere versie"), std::string::npos);
  EXPECT_FALSE(fs::exists(drop() / "advies.txt"));
}

// A move back by hard link (file systems without RENAME_NOREPLACE) that a killed run left
// without its unlink: the drop is under its name and aside at once. That is no newer version:
// the aside entry goes, nothing is refused, the drop goes up once.
TEST_F(MirrorUploadITest, ADropUnderItsNameAndAsideAtOnceIsNotRefused) {
  Prepare();
  WriteFile(drop() / "besluit.txt", "besluit inhoud");
  fs::create_directories(drop() / ".swfvault-verzonden");
  if (!LinkForSetup(drop() / "besluit.txt", drop() / ".swfvault-verzonden" / "besluit.txt")) {
    GTEST_SKIP() << "no hard links here, so no move by link either";
  }
  CliResult r = Mirror();
  ASSERT_EQ(r.exit_code, kExitOk) << r.err << r.out;
  EXPECT_EQ(r.Summary()["refused"], 0);
  EXPECT_EQ(r.Summary()["uploaded"], 1);
  EXPECT_EQ(RemoteWithContent("besluit inhoud").size(), 1u);
  EXPECT_FALSE(fs::exists(drop() / ".swfvault-verzonden"));
  EXPECT_FALSE(fs::exists(dossier_ / "_mislukt"));
}

TEST_F(MirrorUploadITest, UnstableFileWaitsForTheSettlePeriod) {
  Prepare();
  WriteFile(drop() / "bezig.txt", "nog niet klaar");
  CliResult r = Swf({"mirror", "--to", target(), "--settle-seconds", "3600", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.Summary()["waiting"], 1);
  EXPECT_TRUE(fs::exists(drop() / "bezig.txt"));
}

TEST_F(MirrorUploadITest, AMirrorOfAnotherDossierKeepsThisDropsSettleTime) {
  Prepare(/*dossiers=*/2, /*documents=*/1, /*seed=*/32);
  WriteFile(drop() / "bezig.txt", "nog niet klaar");
  ASSERT_EQ(Swf({"mirror", "--to", target(), "--settle-seconds", "3600", "--json"}).exit_code, kExitOk);
  auto sighting = [&] {
    nlohmann::json state = nlohmann::json::parse(ReadFile(fs::path(target()) / ".swfvault-mirror.json"));
    return state["drops"].value(dossier_.filename().string() + "/_uploaden/bezig.txt", nlohmann::json());
  };
  const nlohmann::json first = sighting();
  ASSERT_FALSE(first.is_null());
  // A run for the other dossier only: this drop's first sighting (and so its settle time) stays.
  ASSERT_EQ(Swf({"mirror", "--to", target(), "--settle-seconds", "3600", "--json", ids_[1]}).exit_code, kExitOk);
  EXPECT_EQ(sighting(), first);
}

TEST_F(MirrorUploadITest, SymlinkFifoAndOversizeAreRefusedIntoMislukt) {
  Prepare();
  WriteFile(dir_.path() / "geheim.txt", "niet uploaden");
  fs::create_symlink(dir_.path() / "geheim.txt", drop() / "koppeling.txt");
  // Its sidecar goes along into _mislukt: left behind, it would go up as a document itself.
  WriteFile(drop() / "koppeling.txt.json", R"({"documentOmschrijving":"Geheime notitie"})");
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
  EXPECT_TRUE(fs::exists(failed / "koppeling.txt.json"));
  EXPECT_FALSE(fs::exists(drop() / "koppeling.txt.json"));
  EXPECT_EQ(ReadFile(dir_.path() / "geheim.txt"), "niet uploaden");
  EXPECT_EQ(RemoteDocuments(ids_[0]).size(), 2u);
  EXPECT_EQ(Mirror().Summary()["uploaded"], 0);
  EXPECT_EQ(RemoteDocuments(ids_[0]).size(), 2u);
}

TEST_F(MirrorUploadITest, ADropWhoseNameIsNotUtf8IsRefusedNotLeftWaiting) {
  Prepare();
  const std::string latin1 = "caf\xE9.txt";  // written by a Latin-1 client
  WriteFile(drop() / latin1, "koffie");
  CliResult r = Mirror();
  EXPECT_EQ(r.exit_code, kExitPartial) << r.err;
  EXPECT_EQ(r.Summary()["refused"], 1);
  EXPECT_FALSE(fs::exists(drop() / latin1));
  EXPECT_NE(ReadFile(dossier_ / "_mislukt" / (latin1 + ".reden.txt")).find("UTF-8"), std::string::npos);
}

// A name near NAME_MAX (255 bytes) is refused as any other: its reason file's name is cut to
// fit, instead of the refusal failing on every run and the real reason never shown.
TEST_F(MirrorUploadITest, ARefusedDropWithAVeryLongNameGetsItsReasonFile) {
  Prepare();
  const std::string name = std::string(240, 'l') + "\xC3\xA9\xC3\xA9.txt";  // 248 bytes, ends in "éé.txt"
  WriteFile(drop() / name, std::string(2048, 'x'));
  WriteFile(drop() / (name + ".json"), "{}");  // its sidecar: 253 bytes, no room for " (2).json"
  CliResult r = Mirror({"--max-upload-bytes", "1024"});
  EXPECT_EQ(r.exit_code, kExitPartial) << r.err;
  EXPECT_EQ(r.Summary()["refused"], 1) << r.err;
  EXPECT_FALSE(fs::exists(drop() / name));
  EXPECT_TRUE(fs::exists(dossier_ / "_mislukt" / name));
  int reasons = 0;
  for (const auto& e : fs::directory_iterator(dossier_ / "_mislukt")) {
    const std::string n = e.path().filename().string();
    if (!n.ends_with(".reden.txt")) continue;
    ++reasons;
    EXPECT_LE(n.size(), 255u);
    EXPECT_NE(ReadFile(e.path()).find("te groot"), std::string::npos);
  }
  EXPECT_EQ(reasons, 1);
  EXPECT_TRUE(fs::exists(dossier_ / "_mislukt" / (name + ".json")));
}

TEST_F(MirrorUploadITest, ADropNamedLikeTheMirrorsOwnFilesIsRefusedNotSkipped) {
  Prepare();
  WriteFile(drop() / ".swfvault-notities.txt", "notities");
  CliResult r = Mirror();
  EXPECT_EQ(r.exit_code, kExitPartial) << r.err;
  EXPECT_EQ(r.Summary()["refused"], 1);
  EXPECT_FALSE(fs::exists(drop() / ".swfvault-notities.txt"));
  EXPECT_NE(ReadFile(dossier_ / "_mislukt" / ".swfvault-notities.txt.reden.txt").find(".swfvault-"), std::string::npos);
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

// A sidecar fails closed: a field it does not know (a typo of vertrouwelijkheidsAanduiding) or
// gives twice, or a metadata file that is not named exactly as its file's sidecar (case, a
// hidden .txt), refuses the drop into _mislukt instead of uploading it at the default level (an
// SV file gone up as RV). A .json file without a file of its name is a document of its own.
TEST_F(MirrorUploadITest, SidecarsThatAreNotQuiteSidecarsRefuseTheDropInsteadOfUploadingItAsRv) {
  Prepare();
  const std::string sv = R"({"vertrouwelijkheidsAanduiding":"SV"})";
  WriteFile(drop() / "a.txt", "a");
  WriteFile(drop() / "a.txt.json", R"({"vertrouwelijkheidsaanduiding":"SV"})");
  WriteFile(drop() / "b.txt", "b");
  WriteFile(drop() / "b.txt.json",
            R"({"vertrouwelijkheidsAanduiding":"SV","vertrouwelijkheidsAanduiding":"RV"})");
  WriteFile(drop() / "C.TXT", "c");
  WriteFile(drop() / "c.txt.json", sv);
  WriteFile(drop() / "d.txt", "d");
  WriteFile(drop() / "d.txt.json.txt", sv);
  WriteFile(drop() / "meetgegevens.json", R"({"meting":[1,2,3]})");
  CliResult r = Mirror();
  EXPECT_EQ(r.exit_code, kExitPartial) << r.out << r.err;
  EXPECT_EQ(r.Summary()["refused"], 4) << r.out;
  EXPECT_EQ(r.Summary()["uploaded"], 1) << r.out;
  EXPECT_NE(ReadFile(dossier_ / "_mislukt" / "a.txt.reden.txt").find("unknown field"),
            std::string::npos);
  EXPECT_NE(ReadFile(dossier_ / "_mislukt" / "b.txt.reden.txt").find("given twice"),
            std::string::npos);
  EXPECT_NE(ReadFile(dossier_ / "_mislukt" / "C.TXT.reden.txt").find("heet niet precies"),
            std::string::npos);
  EXPECT_NE(ReadFile(dossier_ / "_mislukt" / "d.txt.reden.txt").find("heet niet precies"),
            std::string::npos);
  std::set<std::string> remote;
  for (const auto& d : RemoteDocuments(ids_[0])) remote.insert(d["bestandsNaam"]);
  for (const char* name : {"a.txt", "b.txt", "C.TXT", "d.txt", "c.txt.json", "d.txt.json.txt"}) {
    EXPECT_EQ(remote.count(name), 0u) << name << " went up";
  }
  EXPECT_EQ(remote.count("meetgegevens.json"), 1u);
  EXPECT_TRUE(fs::is_empty(drop())) << "left in the drop folder";
}

// A copy never lowers a label (rule 12): bytes the vault knows as an SV document, dropped into
// an RV target or pushed without --level, go up as SV, and the RV target does not name them.
TEST_F(MirrorUploadITest, ACopyOfAnSvDocumentGoesUpAsSvFromADropAndAPush) {
  Prepare();
  const std::string secret = "persoonsgegevens van de aanvrager";
  WriteFile(dir_.path() / "Persoonsgegevens.txt", secret);
  CliResult sv = Swf({"push", ids_[0], (dir_.path() / "Persoonsgegevens.txt").string(), "--level",
                      "SV", "--json"});
  ASSERT_EQ(sv.exit_code, kExitOk) << sv.err;
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  const std::string original = sv.FirstEvent("upload")["documentId"];

  WriteFile(drop() / "Kopie.txt", secret);
  CliResult r = Mirror();
  EXPECT_EQ(r.exit_code, kExitOk) << r.out << r.err;
  EXPECT_EQ(r.out.find("Kopie"), std::string::npos) << "named in an RV target: " << r.out;
  EXPECT_NE(r.out.find("its content is that of SV document " + original), std::string::npos)
      << r.out;
  WriteFile(dir_.path() / "Nog een kopie.txt", secret);
  CliResult pushed = Swf({"push", ids_[0], (dir_.path() / "Nog een kopie.txt").string(), "--json"});
  EXPECT_EQ(pushed.exit_code, kExitOk) << pushed.err;
  EXPECT_EQ(pushed.FirstEvent("upload")["contentOfSvDocument"], original) << pushed.out;
  int copies = 0;
  for (const auto& d : RemoteDocuments(ids_[0])) {
    if (d["documentHash"] != Sha256Hex(secret)) continue;
    ++copies;
    EXPECT_EQ(d["vertrouwelijkheidsAanduiding"], "SV") << d["bestandsNaam"];
  }
  EXPECT_EQ(copies, 3);
}

// What operating systems, editors and copy tools leave in a folder never goes up to the
// dossier; it stays where it is. The real file beside it does go up.
TEST_F(MirrorUploadITest, SystemAndTemporaryFilesInADropFolderAreLeftAlone) {
  Prepare();
  const std::vector<std::string> junk = {
      ".DS_Store",        "._rapport.pdf",   "Thumbs.db",
      "desktop.ini",      "~$rapport.docx",  ".~lock.rapport.odt#",
      "rapport.pdf.part", "scan.crdownload", ".rapport.pdf.AbC123"};
  for (const std::string& name : junk) WriteFile(drop() / name, "x");
  WriteFile(drop() / "rapport.pdf", "het rapport");
  CliResult r = Mirror();
  EXPECT_EQ(r.exit_code, kExitOk) << r.out << r.err;
  EXPECT_EQ(r.Summary()["uploaded"], 1) << r.out;
  std::set<std::string> remote;
  for (const auto& d : RemoteDocuments(ids_[0])) remote.insert(d["bestandsNaam"]);
  EXPECT_EQ(remote.count("rapport.pdf"), 1u);
  for (const std::string& name : junk) {
    EXPECT_EQ(remote.count(name), 0u) << name << " went up";
    EXPECT_TRUE(fs::exists(drop() / name)) << name << " was not left alone";
  }
}

TEST_F(MirrorUploadITest, LocalEditOfAMirroredFileBecomesAConflictCopy) {
  Prepare();
  fs::path file = AnyDocumentFile();
  ASSERT_FALSE(file.empty());
  std::string original = ReadFile(file);
  Edit(file, "lokaal bewerkt");
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

TEST_F(MirrorUploadITest, LocalEditIsUploadedAsANewDocumentWithTheOriginalsLabel) {
  ids_ = Generate({{"dossiers", 1}, {"documentsPerDossier", 6}, {"svShare", 0.5}, {"seed", 51}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  std::vector<std::string> sv_upload = {"--max-level", "SV", "--local-edits", "upload"};
  ASSERT_EQ(Mirror(sv_upload).exit_code, kExitOk);
  dossier_ = FindDossier(target());
  nlohmann::json original;
  for (const auto& d : RemoteDocuments(ids_[0])) {
    if (d.value("vertrouwelijkheidsAanduiding", nlohmann::json("RV")) == "SV") original = d;
  }
  ASSERT_FALSE(original.is_null()) << "the corpus has no SV document";
  std::string name = original["bestandsNaam"];
  std::string before = ReadFile(dossier_ / name);
  Edit(dossier_ / name, "lokaal bewerkt SV");
  CliResult r = Mirror(sv_upload);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.Summary()["editsUploaded"], 1);
  EXPECT_EQ(r.Summary()["conflicts"], 0);
  EXPECT_EQ(ReadFile(dossier_ / name), before) << "the store's version is back at the original path";
  std::vector<nlohmann::json> uploaded = RemoteWithContent("lokaal bewerkt SV");
  ASSERT_EQ(uploaded.size(), 1u);
  const nlohmann::json& edit = uploaded[0];
  EXPECT_EQ(edit["vertrouwelijkheidsAanduiding"], "SV");
  EXPECT_EQ(edit["kenmerkSysteem"], "swfvault");
  std::string stem = name.substr(0, name.rfind('.'));
  std::string edit_name = edit["bestandsNaam"];
  EXPECT_EQ(edit_name.rfind(stem + " (bewerkt ", 0), 0u) << edit_name;
  EXPECT_EQ(edit_name.substr(edit_name.size() - 5), ").bin") << edit_name;
  EXPECT_NE(edit["documentOmschrijving"].get<std::string>().find(original["documentId"].get<std::string>()), std::string::npos);
  int events = 0;
  for (const auto& e : r.Events()) {
    if (e["type"] != "edit-uploaded") continue;
    ++events;
    EXPECT_EQ(e["documentId"], original["documentId"]);
    EXPECT_EQ(e["newDocumentId"], edit["documentId"]);
  }
  EXPECT_EQ(events, 1);
  EXPECT_EQ(ReadFile(dossier_ / edit_name), "lokaal bewerkt SV") << "the new document is in the mirror";
  EXPECT_EQ(LeftoverEditFiles(), 0);
  CliResult again = Mirror(sv_upload);
  ASSERT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_EQ(again.Summary()["editsUploaded"], 0);
  EXPECT_EQ(again.Summary()["published"], 0);
  EXPECT_EQ(RemoteWithContent("lokaal bewerkt SV").size(), 1u);
}

TEST_F(MirrorUploadITest, LocalEditWhoseUploadIsRefusedIsKeptAsConflictCopyWithTheReason) {
  Prepare();
  fs::path file = AnyDocumentFile();
  ASSERT_FALSE(file.empty());
  std::string original = ReadFile(file);
  Edit(file, "bewerkt maar geweigerd");
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "status"}, {"status", 403}, {"route", "/documenten$"}, {"count", 1}}}}});
  CliResult r = Mirror({"--local-edits", "upload"});
  EXPECT_EQ(r.exit_code, kExitPartial) << r.err;
  EXPECT_EQ(r.Summary()["editsUploaded"], 0);
  EXPECT_EQ(r.Summary()["editsFailed"], 1);
  EXPECT_EQ(r.Summary()["conflicts"], 1);
  EXPECT_EQ(ReadFile(file), original);
  std::string copy;
  int warnings = 0;
  for (const auto& e : r.Events()) {
    if (e["type"] == "warning") warnings += e["message"].get<std::string>().find("not uploaded") != std::string::npos;
    if (e["type"] != "conflict") continue;
    EXPECT_NE(e["reason"].get<std::string>().find("upload failed"), std::string::npos) << e.dump();
    copy = e["copy"];
  }
  ASSERT_FALSE(copy.empty());
  EXPECT_EQ(ReadFile(fs::path(target()) / copy), "bewerkt maar geweigerd");
  EXPECT_EQ(warnings, 1);
  EXPECT_TRUE(RemoteWithContent("bewerkt maar geweigerd").empty());
  EXPECT_EQ(RemoteDocuments(ids_[0]).size(), 2u);
}

// A local edit is set aside and uploaded only once it has looked the same for the settle
// period, as a drop is: a file still being written must not go up half (and what was written
// after the upload be lost with the held file).
TEST_F(MirrorUploadITest, ALocalEditGoesUpOnlyOnceItHasSettled) {
  Prepare();
  fs::path file = AnyDocumentFile();
  ASSERT_FALSE(file.empty());
  const std::vector<std::string> settle2 = {"mirror", "--to", target(), "--settle-seconds", "2", "--json",
                                            "--local-edits", "upload"};
  Edit(file, "eerste helft");
  CliResult first = Swf(settle2);
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  EXPECT_EQ(first.Summary()["editsUploaded"], 0);
  EXPECT_EQ(first.Summary()["waiting"], 1);
  EXPECT_EQ(ReadFile(file), "eerste helft") << "left where it is while it may still be written";
  EXPECT_TRUE(HeldEdits().empty());
  Edit(file, "eerste helft, tweede helft");  // still being written: the settle time starts over
  EXPECT_EQ(Swf(settle2).Summary()["editsUploaded"], 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  CliResult settled = Swf(settle2);
  ASSERT_EQ(settled.exit_code, kExitOk) << settled.err;
  EXPECT_EQ(settled.Summary()["editsUploaded"], 1);
  EXPECT_TRUE(RemoteWithContent("eerste helft").empty());
  EXPECT_EQ(RemoteWithContent("eerste helft, tweede helft").size(), 1u);
  EXPECT_EQ(LeftoverEditFiles(), 0);
}

// A held edit still written to while it goes up (an editor saving into the file it has open)
// is not removed with what was sent: the newer bytes go up on the next run.
TEST_F(MirrorUploadITest, AHeldEditWrittenToDuringItsUploadIsKeptAndSentAgain) {
  Prepare();
  fs::path file = AnyDocumentFile();
  ASSERT_FALSE(file.empty());
  Edit(file, "versie die opgestuurd wordt");
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "slowAnswer"}, {"ms", 1500}, {"route", "/documenten$"}}}}});
  CliChild child({"--config", configs_.at("gemeente-a"), "mirror", "--to", target(), "--settle-seconds", "0",
                  "--local-edits", "upload", "--json"},
                 dir_.path().string());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (HeldEdits().empty() && child.Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(HeldEdits().size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the upload is on its way
  {
    std::ofstream more(dossier_ / *HeldEdits().begin(), std::ios::app);
    more << " en wat daarna nog kwam";
  }
  EXPECT_EQ(child.Wait(), kExitOk);
  ASSERT_EQ(HeldEdits().size(), 1u) << "removed with bytes that never went up";
  ExpectTheNextRunUploadsTheHeldEditOnce("versie die opgestuurd wordt en wat daarna nog kwam");
}

// RELIABILITY rule 8 for local edits: 20 runs, each after 5 edits, killed at a random moment
// (every other one just after it moved an edit aside); then one clean run. Every edit is uploaded exactly once and every original is back.
TEST_F(MirrorUploadITest, SigkillWhileUploadingLocalEditsUploadsEveryEditExactlyOnce) {
  constexpr int kRounds = 20, kPerRound = 5;
  ids_ = Generate({{"dossiers", 1}, {"documentsPerDossier", kRounds * kPerRound}, {"maxSize", 8192}, {"seed", 61}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  ASSERT_EQ(Mirror({"--local-edits", "upload"}).exit_code, kExitOk);
  dossier_ = FindDossier(target());
  std::vector<std::string> names;
  for (const auto& d : RemoteDocuments(ids_[0])) names.push_back(d["bestandsNaam"]);
  ASSERT_EQ(names.size(), static_cast<size_t>(kRounds * kPerRound));
  std::map<std::string, std::string> originals;
  for (const std::string& n : names) originals[n] = ReadFile(dossier_ / n);
  std::mt19937 rng(11);
  // Each upload is stored at once and answered 40 ms later: a run of 5 outlasts the kill
  // moments below however fast the machine, and many kills land between store and answer.
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "slowAnswer"}, {"ms", 40}, {"count", -1}, {"route", "/documenten$"}}}}});
  int kills = 0, held_at_kill = 0;  // rounds killed with an edit moved aside, not yet uploaded
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kPerRound; ++i) {
      const std::string& n = names[round * kPerRound + i];
      Edit(dossier_ / n, "bewerking van " + n);
    }
    // Every other run is killed just after it moved an edit aside: the upload phase.
    std::set<std::string> before = HeldEdits();
    std::function<bool()> moved_aside = [&] {
      std::set<std::string> now = HeldEdits();
      return std::any_of(now.begin(), now.end(), [&](const std::string& n) { return before.count(n) == 0; });
    };
    kills += MirrorKilledAtRandom(rng, {"--local-edits", "upload", "--settle-seconds", "0"}, round % 2 == 1 ? moved_aside : std::function<bool()>());
    held_at_kill += !HeldEdits().empty();
  }
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
  size_t before_last_run = RemoteDocuments(ids_[0]).size() - names.size();
  CliResult last = Mirror({"--local-edits", "upload"});
  ASSERT_EQ(last.exit_code, kExitOk) << last.err;
  int reconciled = 0;  // held edits whose killed run had sent (or confirmed) them already
  for (const auto& e : last.Events()) reconciled += e["type"] == "edit-uploaded" && e["outcome"] != "uploaded";
  std::map<std::string, int> uploads;
  for (const auto& d : RemoteDocuments(ids_[0])) uploads[d["documentHash"].get<std::string>()]++;
  int wrong = 0;
  for (const std::string& n : names) {
    int count = uploads[Sha256Hex("bewerking van " + n)];
    if (count != 1 || ReadFile(dossier_ / n) != originals[n]) {
      ++wrong;
      ADD_FAILURE() << n << ": edit uploaded " << count << " times";
    }
  }
  EXPECT_EQ(LeftoverEditFiles(), 0);
  std::cout << "[edit kill test] runs=" << kRounds << " killed=" << kills << " killed-while-held="
            << held_at_kill << " uploaded-before-last-run=" << before_last_run
            << " reconciled-or-confirmed-by-last-run=" << reconciled << " edits=" << kRounds * kPerRound << " wrong=" << wrong << "\n";
  EXPECT_GE(kills, 10);
}

TEST_F(MirrorUploadITest, ConfigDefaultsApplyToDropsAndPushAndFlagsOverrideThem) {
  std::string share = (dir_.path() / "config-share").string();
  WriteConfig("gemeente-a", kGemeenteA,
              "[upload]\ndefault_level = \"SV\"\ndefault_omschrijving = \"Via de share\"\n"
              "default_taal = \"en\"\nmax_upload_bytes = 1000\n\n"
              "[[mirror]]\npath = \"" + share + "\"\nsettle_seconds = 0\n");
  ids_ = Generate({{"dossiers", 1}, {"documentsPerDossier", 2}, {"seed", 71}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  dossier_ = FindDossier(share);
  ASSERT_FALSE(dossier_.empty());
  WriteFile(drop() / "zonder.txt", "zonder sidecar");
  WriteFile(drop() / "met.txt", "met sidecar");
  WriteFile(drop() / "met.txt.json", R"({"vertrouwelijkheidsAanduiding":"RV","documentOmschrijving":"Eigen"})");
  WriteFile(drop() / "groot.bin", std::string(2000, 'g'));
  CliResult r = Swf({"mirror", "--json"});  // settle_seconds = 0 from the config: no waiting
  EXPECT_EQ(r.exit_code, kExitPartial) << r.err;
  EXPECT_EQ(r.Summary()["uploaded"], 2);
  EXPECT_EQ(r.Summary()["refused"], 1);
  EXPECT_NE(ReadFile(dossier_ / "_mislukt" / "groot.bin.reden.txt").find("1000"), std::string::npos);
  fs::rename(dossier_ / "_mislukt" / "groot.bin", drop() / "groot.bin");
  CliResult flag = Swf({"mirror", "--max-upload-bytes", "4096", "--json"});
  EXPECT_EQ(flag.exit_code, kExitOk) << flag.err;
  EXPECT_EQ(flag.Summary()["uploaded"], 1);
  WriteFile(dir_.path() / "p.txt", "push zonder vlaggen");
  WriteFile(dir_.path() / "q.txt", "push met vlaggen");
  WriteFile(dir_.path() / "te-groot.txt", std::string(2000, 'x'));
  EXPECT_EQ(Swf({"push", ids_[0], (dir_.path() / "p.txt").string()}).exit_code, kExitOk);
  EXPECT_EQ(Swf({"push", ids_[0], (dir_.path() / "q.txt").string(), "--level", "RV", "--omschrijving",
                 "Vlag", "--taal", "nl"}).exit_code, kExitOk);
  CliResult big = Swf({"push", ids_[0], (dir_.path() / "te-groot.txt").string()});
  EXPECT_NE(big.exit_code, kExitOk);
  EXPECT_NE(big.err.find("max_upload_bytes"), std::string::npos) << big.err;
  std::map<std::string, nlohmann::json> remote;
  for (const auto& d : RemoteDocuments(ids_[0])) remote[d["bestandsNaam"]] = d;
  struct Want { const char* name; const char* level; const char* omschrijving; const char* taal; };
  for (const Want& w : {Want{"zonder.txt", "SV", "Via de share", "en"}, Want{"met.txt", "RV", "Eigen", "en"},
                        Want{"groot.bin", "SV", "Via de share", "en"}, Want{"p.txt", "SV", "Via de share", "en"},
                        Want{"q.txt", "RV", "Vlag", "nl"}}) {
    ASSERT_EQ(remote.count(w.name), 1u) << w.name;
    EXPECT_EQ(remote[w.name]["vertrouwelijkheidsAanduiding"], w.level) << w.name;
    EXPECT_EQ(remote[w.name]["documentOmschrijving"], w.omschrijving) << w.name;
    EXPECT_EQ(remote[w.name]["taal"], w.taal) << w.name;
  }
  EXPECT_EQ(remote.count("te-groot.txt"), 0u);
}

// The server stored something other than what was sent (its documentHash differs): that is no
// confirmation. The drop stays, and the next run confirms it only by a listing that shows these
// bytes under the upload key (or sends it again).
TEST_F(MirrorUploadITest, AnUploadAnsweredWithAnotherHashIsNotTakenAsDone) {
  Prepare();
  WriteFile(drop() / "c.txt", "inhoud van c");
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "wrongHash"}, {"count", 1}, {"route", "/documenten$"}}}}});
  CliResult first = Mirror();
  EXPECT_NE(first.exit_code, kExitOk);
  EXPECT_EQ(first.Summary()["uploadErrors"], 1);
  ASSERT_TRUE(fs::exists(drop() / "c.txt"));
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
  CliResult second = Mirror();
  ASSERT_EQ(second.exit_code, kExitOk) << second.err;
  std::string outcome;
  for (const auto& e : second.Events()) if (e["type"] == "upload") outcome = e["outcome"];
  EXPECT_EQ(outcome, "reconciled") << "confirmed without looking";
  EXPECT_FALSE(fs::exists(drop() / "c.txt"));
  EXPECT_EQ(RemoteWithContent("inhoud van c").size(), 1u);
}

// A copy that pauses longer than the settle time is still open for writing: it waits, however
// long it looks unchanged, and goes up whole once its writer closes it.
TEST_F(MirrorUploadITest, ADropStillOpenForWritingWaitsHoweverLongItPaused) {
  Prepare();
  const fs::path file = drop() / "groeit.txt";
  int writer = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  ASSERT_GE(writer, 0);
  const std::string half = "de eerste helft, ", rest = "en de tweede";
  ASSERT_EQ(::write(writer, half.data(), half.size()), static_cast<ssize_t>(half.size()));
  for (int run = 0; run < 2; ++run) {  // unchanged since the first run: settled, but open
    CliResult r = Mirror();
    EXPECT_EQ(r.exit_code, kExitOk) << r.err;
    EXPECT_EQ(r.Summary()["waiting"], 1) << r.out;
    EXPECT_EQ(r.Summary()["uploaded"], 0) << r.out;
    EXPECT_EQ(r.out.find("open for writing"), std::string::npos) << "warned before its hour";
  }
  // Open for more than an hour: most likely an editor holding it, which the run says.
  const fs::path state_file = fs::path(target()) / ".swfvault-mirror.json";
  nlohmann::json state = nlohmann::json::parse(ReadFile(state_file));
  for (auto& [rel, sighting] : state["drops"].items())
    sighting["firstSeen"] = sighting["firstSeen"].get<int64_t>() - 7200;
  WriteFile(state_file, state.dump());
  CliResult held = Mirror();
  EXPECT_EQ(held.Summary()["waiting"], 1) << held.out;
  EXPECT_NE(
      held.out.find(
          "groeit.txt is not uploaded: another program has it open for writing (for 120 minutes)"),
      std::string::npos)
      << held.out;
  EXPECT_TRUE(RemoteWithContent(half).empty()) << "half a file went up";
  ASSERT_EQ(::write(writer, rest.data(), rest.size()), static_cast<ssize_t>(rest.size()));
  ::close(writer);
  int uploaded = 0;  // a new size: its settle time may start again first
  for (int run = 0; run < 2; ++run) uploaded += Mirror().Summary()["uploaded"].get<int>();
  EXPECT_EQ(uploaded, 1);
  EXPECT_EQ(RemoteWithContent(half + rest).size(), 1u);
  EXPECT_FALSE(fs::exists(file));
}

// A file name on the share is the user's to choose, newline and escape sequences included:
// the human output shows it on its own line, never as a line of its own making.
TEST_F(MirrorUploadITest, ADropNamedWithANewlineCannotForgeALineOfTheHumanOutput) {
  Prepare();
  WriteFile(drop() / "brief\nuploaded\tvervalst\x1b[2J.txt", "inhoud");
  CliResult r = Swf({"mirror", "--to", target(), "--settle-seconds", "0"});
  std::istringstream lines(r.out + r.err);
  int shown = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NE(line.rfind("uploaded\tvervalst", 0), 0u) << "forged line: " << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    shown += line.find("brief?uploaded?vervalst?[2J.txt") != std::string::npos;
  }
  EXPECT_EQ(shown, 1) << r.out << r.err;
}

// The run that looks whether an earlier one's upload arrived gets a listing without it (paged
// while the dossier changed): a second listing finds it, and the file does not go up twice.
TEST_F(MirrorUploadITest, AnUploadMissingFromOneListingIsFoundInTheNextNotSentTwice) {
  Prepare();
  WriteFile(drop() / "d.txt", "inhoud van d");
  emulator_->Admin(
      "PUT", "/_emulator/faults",
      {{"faults", {{{"type", "wrongHash"}, {"count", 1}, {"route", "/documenten$"}}}}});
  EXPECT_NE(Mirror().exit_code, kExitOk);  // the row stays `sent`, as after a kill -9
  std::vector<nlohmann::json> stored = RemoteWithContent("inhoud van d");
  ASSERT_EQ(stored.size(), 1u);
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults",
                     {{{"type", "missingFromListing"},
                       {"count", 1},
                       {"documentId", stored[0]["documentId"]}}}}});
  CliResult second = Mirror();
  ASSERT_EQ(second.exit_code, kExitOk) << second.err;
  std::string outcome;
  for (const auto& e : second.Events())
    if (e["type"] == "upload") outcome = e["outcome"];
  EXPECT_EQ(outcome, "reconciled");
  EXPECT_EQ(RemoteWithContent("inhoud van d").size(), 1u) << "uploaded twice";
  nlohmann::json left = emulator_->Admin("GET", "/_emulator/faults", nlohmann::json::object());
  ASSERT_EQ(left["faults"].size(), 1u) << left.dump();
  EXPECT_EQ(left["faults"][0]["remaining"], 0) << "the fault was not hit";
}

// A file put back in the drop folder after its document was deleted remotely goes up again;
// it is not removed as "already uploaded".
TEST_F(MirrorUploadITest, ADropOfAFileWhoseEarlierUploadWasDeletedRemotelyGoesUpAgain) {
  Prepare();
  WriteFile(drop() / "b.txt", "terug te zetten");
  CliResult first = Mirror();
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  ASSERT_EQ(RemoteWithContent("terug te zetten").size(), 1u);
  const std::string id = RemoteWithContent("terug te zetten")[0]["documentId"];
  ASSERT_EQ(Swf({"document", "delete", id}).exit_code, kExitOk);
  WriteFile(drop() / "b.txt", "terug te zetten");
  CliResult again = Mirror();
  ASSERT_EQ(again.exit_code, kExitOk) << again.err;
  std::string outcome;
  for (const auto& e : again.Events()) if (e["type"] == "upload") outcome = e["outcome"];
  EXPECT_EQ(outcome, "uploaded");
  EXPECT_EQ(RemoteWithContent("terug te zetten").size(), 1u);
  EXPECT_FALSE(fs::exists(drop() / "b.txt"));
}

// A 413 from the server refuses that one drop (into _mislukt, with the reason); it is not a
// full disk, so the other drops and the rest of the run go on.
TEST_F(MirrorUploadITest, ADropTheServerFindsTooLargeIsRefusedAndTheRestGoesOn) {
  Prepare();
  WriteFile(drop() / "a-groot.bin", std::string(5000, 'g'));
  WriteFile(drop() / "b-klein.txt", "klein");
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "status"}, {"status", 413}, {"count", 1}, {"route", "/documenten$"}}}}});
  CliResult r = Mirror();
  EXPECT_NE(r.exit_code, kExitDiskFull) << r.err;
  EXPECT_EQ(r.Summary()["refused"], 1) << r.out << r.err;
  EXPECT_EQ(r.Summary()["uploaded"], 1);
  EXPECT_TRUE(fs::exists(dossier_ / "_mislukt" / "a-groot.bin"));
  EXPECT_NE(ReadFile(dossier_ / "_mislukt" / "a-groot.bin.reden.txt").find("te groot voor de server"), std::string::npos);
  EXPECT_EQ(RemoteWithContent("klein").size(), 1u);
  EXPECT_TRUE(fs::exists(dossier_ / "b-klein.txt")) << "the tree was not brought up to date";
}

// A held edit whose upload failed without an answer (the server may or may not have it) stays
// held and goes up once on the next run; it does not become a conflict copy, whose re-drop
// would send it a second time.
TEST_F(MirrorUploadITest, AHeldEditWhoseUploadFailedStaysHeldAndGoesUpOnceNextRun) {
  Prepare();
  fs::path file = AnyDocumentFile();
  ASSERT_FALSE(file.empty());
  Edit(file, "bewerking die even niet lukt");
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "status"}, {"status", 500}, {"count", 1}, {"route", "/documenten$"}}}}});
  CliResult first = Mirror({"--local-edits", "upload"});
  EXPECT_EQ(first.Summary()["conflicts"], 0) << first.err;
  EXPECT_EQ(first.Summary()["editsUploaded"], 0);
  EXPECT_EQ(HeldEdits().size(), 1u);
  ExpectTheNextRunUploadsTheHeldEditOnce("bewerking die even niet lukt");
}

// The label of a held edit is checked again when it goes up: an original raised to SV since
// is not uploaded (as RV) from an RV target (rule 12), and that target no longer names it: not
// the file it removes for the ceiling, not the conflict copy it keeps of the edit.
TEST_F(MirrorUploadITest, AHeldEditOfADocumentRaisedToSvSinceIsNotUploadedFromAnRvTarget) {
  HoldAnEditThenRaiseItsOriginal();
  if (HasFatalFailure()) return;
  CliResult r = Mirror({"--local-edits", "upload"});
  EXPECT_EQ(r.Summary()["editsUploaded"], 0) << r.err;
  EXPECT_TRUE(RemoteWithContent("bewerkt terwijl het nog RV was").empty());
  bool kept = false;
  for (const auto& e : r.Events()) {
    kept |= e["type"] == "conflict" && e.value("reason", "").find("above this target's ceiling") != std::string::npos;
  }
  EXPECT_TRUE(kept) << r.out;
  EXPECT_EQ(r.out.find("Jansen"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("Jansen"), std::string::npos) << r.err;
}

// The same, with a folder where the conflict copy cannot be made: the held edit stays, and the
// warning says so without naming the copy it tried (the original's name, rule 12).
TEST_F(MirrorUploadITest, AHeldEditOfARaisedOriginalThatCannotBeKeptAsACopyIsNotNamed) {
  HoldAnEditThenRaiseItsOriginal();
  if (HasFatalFailure()) return;
  FrozenDir frozen(dossier_);
  if (!frozen.active()) GTEST_SKIP() << "cannot make a folder read-only here (root without CAP_LINUX_IMMUTABLE?)";
  CliResult r = Mirror({"--local-edits", "upload"});
  bool warned = false;
  for (const auto& e : r.Events()) {
    warned |= e["type"] == "warning" && e.value("message", "").find("kept for the next run") != std::string::npos;
  }
  EXPECT_TRUE(warned) << r.out;
  EXPECT_EQ(r.out.find("Jansen"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("Jansen"), std::string::npos) << r.err;
}

// Rule 12: a target that may hold SV names no drop in its output (the name may be the title of
// an SV document), also not when it is refused.
// Rule 12 does not wait: a drop folder that cannot be read (a file in its place) used to end
// the run before the removals for the ceiling, leaving a document raised to SV in the RV tree
// run after run. Now the raised document goes first, the rest of the tree gets its run, and the
// drop folder's problem is a warning with exit 1.
TEST_F(MirrorUploadITest, ADropFolderInTheWayDoesNotKeepARaisedDocumentInTheTree) {
  Prepare();
  WriteFile(dir_.path() / "Verklaring.txt", "wordt strikt vertrouwelijk");
  CliResult pushed = Swf({"push", ids_[0], (dir_.path() / "Verklaring.txt").string(), "--json"});
  ASSERT_EQ(pushed.exit_code, kExitOk) << pushed.err;
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  ASSERT_EQ(Mirror().exit_code, kExitOk);
  ASSERT_TRUE(fs::exists(dossier_ / "Verklaring.txt"));
  fs::remove_all(drop());
  WriteFile(drop(), "not a folder");
  const std::string id = pushed.FirstEvent("upload")["documentId"];
  ASSERT_EQ(Swf({"document", "label", id, "--level", "SV"}).exit_code, kExitOk);
  ASSERT_EQ(Swf({"sync", "--full"}).exit_code, kExitOk);

  CliResult r = Mirror();
  EXPECT_EQ(r.exit_code, kExitPartial) << r.out << r.err;
  EXPECT_FALSE(fs::exists(dossier_ / "Verklaring.txt")) << "an SV document in an RV tree";
  EXPECT_EQ(ReadFile(dossier_ / "documenten.csv").find("Verklaring"), std::string::npos);
  EXPECT_NE((r.out + r.err).find("drop folder of "), std::string::npos) << r.out << r.err;
}

TEST_F(MirrorUploadITest, AnSvTargetNamesNoDropInItsOutput) {
  Prepare();
  std::vector<std::string> sv = {"--max-level", "SV"};
  ASSERT_EQ(Mirror(sv).exit_code, kExitOk);
  WriteFile(drop() / "Medisch dossier J. Jansen.txt", "vertrouwelijk");
  WriteFile(drop() / "Medisch dossier J. Jansen.txt.json", R"({"vertrouwelijkheidsAanduiding":"SV"})");
  fs::create_symlink("/etc/hostname", drop() / "Jansen koppeling");
  CliResult r = Mirror(sv);
  ASSERT_EQ(r.Summary()["uploaded"], 1) << r.err;
  EXPECT_EQ(r.Summary()["refused"], 1);
  EXPECT_EQ(r.out.find("Jansen"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("Jansen"), std::string::npos) << r.err;
}

// An RV target names its drops, but not one that goes up as SV: that is an SV document's title.
TEST_F(MirrorUploadITest, AnRvTargetDoesNotNameADropThatGoesUpAsSv) {
  Prepare();
  ASSERT_EQ(Mirror().exit_code, kExitOk);
  WriteFile(drop() / "Medisch dossier J. Jansen.txt", "vertrouwelijk");
  WriteFile(drop() / "Medisch dossier J. Jansen.txt.json", R"({"vertrouwelijkheidsAanduiding":"SV"})");
  WriteFile(drop() / "notulen.txt", "openbaar");
  CliResult r = Mirror();
  ASSERT_EQ(r.Summary()["uploaded"], 2) << r.out << r.err;
  EXPECT_EQ(r.out.find("Jansen"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("Jansen"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("_uploaden/notulen.txt"), std::string::npos) << "an RV drop keeps its name: " << r.out;
}

// A refused upload's message showed the request URL, and with it the documentOmschrijving of
// the sidecar: an SV target names neither the drop nor what it describes (rule 12).
TEST_F(MirrorUploadITest, AnSvTargetsRefusedDropDoesNotShowItsOmschrijving) {
  Prepare();
  std::vector<std::string> sv = {"--max-level", "SV"};
  ASSERT_EQ(Mirror(sv).exit_code, kExitOk);
  WriteFile(drop() / "scan.txt", "vertrouwelijk");
  WriteFile(drop() / "scan.txt.json",
            R"({"vertrouwelijkheidsAanduiding":"SV","documentOmschrijving":"Medisch dossier J. Jansen"})");
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "status"}, {"status", 403}, {"count", 1}, {"route", "/documenten$"}}}}});
  CliResult r = Mirror(sv);
  ASSERT_EQ(r.Summary()["refused"], 1) << r.out << r.err;
  EXPECT_EQ(r.out.find("Jansen"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("Jansen"), std::string::npos) << r.err;
}

TEST_F(MirrorUploadITest, PushUploadsOnceAndAgainIsIdempotent) {
  Prepare();
  WriteFile(dir_.path() / "p.txt", "push inhoud");
  CliResult first = Swf({"push", ids_[0], (dir_.path() / "p.txt").string(), "--omschrijving", "Push", "--json"});
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  CliResult again = Swf({"push", ids_[0], (dir_.path() / "p.txt").string(), "--json"});
  ASSERT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_EQ(again.FirstEvent("upload")["outcome"], "already-confirmed");
  // Asked for another level, the same file is not sent again, so the level did not change:
  // said, with the command that changes it, and not reported as done (exit 1). In either case.
  CliResult other =
      Swf({"push", ids_[0], (dir_.path() / "p.txt").string(), "--level", "sv", "--json"});
  EXPECT_EQ(other.exit_code, kExitPartial) << other.out;
  EXPECT_EQ(other.FirstEvent("upload")["level"], "RV") << other.out;
  EXPECT_NE(other.out.find("which the server holds as RV, not SV; raise it with 'swfvault document "
                           "label "),
            std::string::npos)
      << other.out;
  int count = 0;
  for (const auto& d : RemoteDocuments(ids_[0])) {
    if (d["bestandsNaam"] != "p.txt") continue;
    ++count;
    EXPECT_EQ(d["vertrouwelijkheidsAanduiding"], "RV");
  }
  EXPECT_EQ(count, 1);
}

// An upload keeps a copy in the vault only within the vault's own ceiling (init --max-level
// RV): an SV push under a profile that allows SV goes up, but its bytes stay out of the vault.
TEST_F(MirrorUploadITest, AnSvPushLeavesNoCopyInAVaultWhoseCeilingIsRv) {
  Prepare();
  ASSERT_EQ(Swf({"init", "--max-level", "RV"}).exit_code, kExitOk);
  WriteFile(dir_.path() / "geheim.txt", "strikt vertrouwelijke inhoud");
  CliResult r = Swf({"push", ids_[0], (dir_.path() / "geheim.txt").string(), "--level", "SV", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(RemoteWithContent("strikt vertrouwelijke inhoud").size(), 1u);
  EXPECT_EQ(ObjectNames().count(Sha256Hex("strikt vertrouwelijke inhoud")), 0u) << "SV bytes in an RV vault";
}

TEST_F(MirrorUploadITest, AnUploadStoredButAnsweredWithAGatewayErrorIsConfirmedNotSentTwice) {
  Prepare();
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "lostAnswer"}, {"status", 502}, {"route", "/documenten$"}}}}});
  WriteFile(dir_.path() / "p.txt", "antwoord kwijt");
  CliResult pushed = Swf({"push", ids_[0], (dir_.path() / "p.txt").string(), "--json"});
  ASSERT_EQ(pushed.exit_code, kExitOk) << pushed.err;
  EXPECT_EQ(pushed.FirstEvent("upload")["outcome"], "reconciled");
  EXPECT_EQ(RemoteWithContent("antwoord kwijt").size(), 1u);
  EXPECT_EQ(emulator_->Admin("GET", "/_emulator/stats")["requests"]["/samenwerkingen/{id}/documenten"]["502"], 1);
}

TEST_F(MirrorUploadITest, SigintStopsAPushAndPushingTheSameFilesAgainUploadsEachOnce) {
  Prepare();
  constexpr int kFiles = 12;
  std::vector<std::string> args = {"push", "--json", ids_[0]};
  for (int i = 0; i < kFiles; ++i) {
    fs::path file = dir_.path() / ("p-" + std::to_string(i) + ".txt");
    WriteFile(file, "push " + std::to_string(i));
    args.push_back(file.string());
  }
  HoldUpUploads(*emulator_, 200);  // the signal, sent after the first, lands mid-list
  Signalled stopped = SignalWhen(
      args, [&] { return ChildOutput().find("\"type\":\"upload\"") != std::string::npos; }, SIGINT,
      std::chrono::milliseconds(5), std::chrono::seconds(60));
  ASSERT_TRUE(stopped.was_running) << "the push finished before it could be interrupted";
  EXPECT_EQ(stopped.result.exit_code, kExitInterrupted) << stopped.result.err;
  nlohmann::json summary = stopped.result.Summary();
  ASSERT_FALSE(summary.is_null()) << stopped.result.out << stopped.result.err;
  EXPECT_EQ(summary["failed"], 0);
  EXPECT_GE(summary["uploaded"].get<int>(), 1);
  EXPECT_GE(summary["interrupted"].get<int>(), 1);
  EXPECT_EQ(summary["uploaded"].get<int>() + summary["interrupted"].get<int>(), kFiles);
  bool said_how_to_go_on = false;
  for (const nlohmann::json& e : stopped.result.Events()) {
    said_how_to_go_on |= e.value("type", "") == "warning" &&
                         e.value("message", "").find("push them again") != std::string::npos;
  }
  EXPECT_TRUE(said_how_to_go_on) << stopped.result.out;

  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
  CliResult again = Swf(args);
  ASSERT_EQ(again.exit_code, kExitOk) << again.err;
  int already = 0;
  for (const nlohmann::json& e : again.Events()) already += e.value("outcome", "") == "already-confirmed";
  EXPECT_EQ(already, summary["uploaded"].get<int>());
  std::map<std::string, int> seen;
  for (const auto& d : RemoteDocuments(ids_[0])) seen[d["bestandsNaam"].get<std::string>()]++;
  for (int i = 0; i < kFiles; ++i) EXPECT_EQ(seen["p-" + std::to_string(i) + ".txt"], 1) << i;
}

TEST_F(MirrorUploadITest, SigintStopsAMirrorBetweenTwoDropsAndTheNextRunUploadsTheRest) {
  Prepare();
  constexpr int kFiles = 12;
  for (int i = 0; i < kFiles; ++i) WriteFile(drop() / ("d-" + std::to_string(i) + ".txt"), "drop " + std::to_string(i));
  HoldUpUploads(*emulator_, 200);  // the signal, sent after the first, lands mid-list
  // Drops go in name order: d-0.txt leaves the folder when its upload is confirmed.
  Signalled stopped = SignalWhen({"mirror", "--to", target(), "--settle-seconds", "0", "--json"},
                                 [&] { return !fs::exists(drop() / "d-0.txt"); }, SIGINT,
                                 std::chrono::milliseconds(5), std::chrono::seconds(60));
  ASSERT_TRUE(stopped.was_running) << "the mirror finished before it could be interrupted";
  EXPECT_EQ(stopped.result.exit_code, kExitInterrupted) << stopped.result.err;
  nlohmann::json summary = stopped.result.Summary();
  ASSERT_FALSE(summary.is_null()) << stopped.result.out << stopped.result.err;
  EXPECT_EQ(summary["interrupted"], true);
  EXPECT_EQ(summary["uploadErrors"], 0);
  EXPECT_EQ(summary["exitCode"], kExitInterrupted);
  int uploaded = summary["uploaded"].get<int>();
  EXPECT_GE(uploaded, 1);
  int left = 0;
  for (const auto& e : fs::directory_iterator(drop())) left += e.is_regular_file();
  EXPECT_EQ(left, kFiles - uploaded) << "the upload in flight is finished, the drops after it stay";
  EXPECT_GE(left, 1);
  for (const auto& e : fs::recursive_directory_iterator(target())) {
    std::string name = e.path().filename().string();
    EXPECT_FALSE(name.rfind(".swfvault-", 0) == 0 && name != ".swfvault-mirror.json" && name != ".swfvault-mirror.lock") << "left behind: " << e.path();
  }

  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
  CliResult rest = Mirror();
  ASSERT_EQ(rest.exit_code, kExitOk) << rest.err;
  EXPECT_EQ(rest.Summary()["uploaded"], left);
  ASSERT_EQ(Swf({"sync", ids_[0]}).exit_code, kExitOk);
  ASSERT_EQ(Mirror().exit_code, kExitOk);
  std::map<std::string, int> seen;
  for (const auto& d : RemoteDocuments(ids_[0])) seen[d["bestandsNaam"].get<std::string>()]++;
  for (int i = 0; i < kFiles; ++i) {
    std::string name = "d-" + std::to_string(i) + ".txt";
    EXPECT_EQ(seen[name], 1) << name;
    EXPECT_FALSE(fs::exists(drop() / name)) << name;
    EXPECT_EQ(ReadFile(dossier_ / name), "drop " + std::to_string(i)) << name;
  }
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

// A sync told to keep the vault at RV keeps it there for what its mirror step uploads too: an SV
// drop goes up, but only its id and level come into the vault (it was imported whole, because
// the uploader went by the profile's SV).
TEST_F(MirrorUploadITest, ASyncAtMaxLevelRvImportsNoSvDropIntoTheVault) {
  std::string share = (dir_.path() / "sv-share").string();
  WriteConfig("gemeente-a", kGemeenteA,
              "[upload]\ndefault_level = \"SV\"\n[[mirror]]\npath = \"" + share +
                  "\"\nmax_level = \"SV\"\nsettle_seconds = 0\n");
  ids_ = Generate({{"dossiers", 1}, {"documentsPerDossier", 1}, {"svShare", 0.0}, {"seed", 42}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync", "--max-level", "RV"}).exit_code, kExitOk);
  fs::path dossier;
  for (const auto& e : fs::directory_iterator(share)) {
    if (e.path().filename().string().rfind(ids_[0], 0) == 0) dossier = e.path();
  }
  ASSERT_FALSE(dossier.empty());
  WriteFile(dossier / "_uploaden" / "geheim.txt", "strikt vertrouwelijk");
  CliResult r = Swf({"sync", "--max-level", "RV", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err << r.out;
  std::string uploaded_id;
  for (const auto& d : RemoteDocuments(ids_[0])) {
    if (d["bestandsNaam"] == "geheim.txt") uploaded_id = d["documentId"];
  }
  ASSERT_FALSE(uploaded_id.empty()) << "the drop went up";
  EXPECT_EQ(ObjectNames().count(Sha256Hex("strikt vertrouwelijk")), 0u);
  EXPECT_TRUE(Query("SELECT document_id FROM documents WHERE vertrouwelijkheid <> 'RV' AND "
                    "blob_sha256 IS NOT NULL AND blob_sha256 <> ''")
                  .empty());
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
    kills += MirrorKilledAtRandom(rng, {"--settle-seconds", "0"});
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
  // Nothing left behind, also not in the folder where sent drops are compared.
  for (const auto& e : fs::recursive_directory_iterator(drop())) {
    if (!e.is_directory()) ADD_FAILURE() << "left in the drop folder: " << e.path();
  }
  std::cout << "[kill test] runs=" << kRounds << " killed=" << kills << " files=" << kRounds * kFiles
            << " wrong=" << wrong << "\n";
  EXPECT_GE(kills, 20);
}

}  // namespace
}  // namespace swfvault::testing
