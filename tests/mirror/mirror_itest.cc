// Mirror tree through the real CLI against the emulator: hostile names, ceilings after label
// and privilege changes, a dossier title changed remotely.
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "support/fuse_mount.h"
#include "swfvault/exit_codes.h"
#include "swfvault/hashing.h"
#include "sync/sync_fixture.h"

namespace swfvault::testing {
namespace {

namespace fs = std::filesystem;

// Relative path -> content of every regular file under `root` (metadata included).
std::map<std::string, std::string> Snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_symlink()) ADD_FAILURE() << "symlink in mirror: " << e.path();
    if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = ReadFile(e.path());
  }
  return out;
}

bool IsDocumentFile(const std::string& rel) {
  std::string name = fs::path(rel).filename().string();
  return name != "dossier.json" && name != "documenten.csv" && name != ".swfvault-mirror.json" && name != ".swfvault-mirror.lock";
}

std::vector<std::string> HostileNames(size_t count) {
  std::vector<std::string> base = {
      "../../etc/passwd", "/etc/shadow", "..\\..\\windows\\system32", "a/../../b", ".", "..", "",
      "CON", "con.txt", "PRN.pdf", "AUX", "NUL.doc", "COM1", "LPT9.txt", "CONIN$", "trailing.",
      "trailing ", "dots...", "tab\there", "new\nline", "cr\rname", "bell\x07", "esc\x1b[31m",
      "bad\xff\xfe" "utf8", "\xc3" "(", "caf\xc3\xa9" ".txt", "cafe\xcc\x81" ".txt", "CAF\xc3\x89" ".TXT",
      "Report.pdf", "report.pdf", "REPORT.PDF", "a:b.txt", "q?.txt", "star*.txt", "pipe|.txt",
      "lt<gt>.txt", "quote\".txt", "rtl\xe2\x80\xae" "fdp.exe", "zw\xe2\x80\x8b" "sp.txt",
      "dossier.json", "documenten.csv", "_uploaden", "_verwijderd", ".swfvault-mirror.json",
      "~$lock.docx", " leading space", "-rf", "=cmd|' /C calc'!A0.csv", "\xef\xbc\x8f" "fullwidth",
      "\xe2\x88\x95" "division", "K\xe2\x84\xaa" "elvin"};
  std::vector<std::string> names = base;
  names.push_back(std::string(300, 'x') + ".pdf");
  names.push_back(std::string(120, '\xc3') + ".txt");
  std::string long_utf8;
  for (int i = 0; i < 150; ++i) long_utf8 += "\xc3\xa9";
  names.push_back(long_utf8 + ".docx");
  std::mt19937 rng(42);
  const std::string alphabet = "aA./\\:*?\"<>| \t.~-_\xc3\xa9";
  while (names.size() < count) {
    std::string n;
    int len = 1 + static_cast<int>(rng() % 24);
    for (int i = 0; i < len; ++i) n.push_back(alphabet[rng() % alphabet.size()]);
    names.push_back(n);
  }
  return names;
}

class MirrorITest : public SyncFixture {
 protected:
  std::string Target(const std::string& name = "share") const { return (dir_.path() / name).string(); }
};

TEST_F(MirrorITest, HostileNameCorpusStaysInsideTargetOnceEachAndStable) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 1}, {"seed", 5}});
  HttpsClient a("gemeente-a");
  std::vector<std::string> names = HostileNames(2000);
  int accepted = 0;
  size_t tried = 0;
  for (; tried < names.size() && accepted < 260; ++tried) {
    auto r = a.PostMultipart(emulator_->base_url() + "/samenwerkingen/" + ids[0] + "/documenten",
                             {{"file", "inhoud " + std::to_string(tried), names[tried], "text/plain"}});
    if (r.status == 201) ++accepted;
  }
  ASSERT_GE(accepted, 250) << "the emulator refused too many hostile names";
  WriteFile(dir_.path() / "sentinel", "x");
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  CliResult first = Swf({"mirror", "--to", Target(), "--no-upload", "--json"});
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  auto tree1 = Snapshot(Target());
  CliResult second = Swf({"mirror", "--to", Target(), "--no-upload", "--json"});
  ASSERT_EQ(second.exit_code, kExitOk) << second.err;
  EXPECT_EQ(second.Summary()["published"], 0);
  EXPECT_EQ(Snapshot(Target()), tree1);
  size_t documents = 0;
  std::multiset<std::string> contents;
  for (const auto& [rel, content] : tree1) {
    if (IsDocumentFile(rel) && rel.rfind(ids[0] + " - ", 0) == 0) {
      ++documents;
      contents.insert(content);
    }
  }
  size_t remote = RemoteDocuments(ids[0]).size();
  EXPECT_EQ(documents, remote);
  for (const auto& c : contents) EXPECT_EQ(contents.count(c), 1u) << c;
  std::set<std::string> top;
  for (const auto& e : fs::directory_iterator(dir_.path())) top.insert(e.path().filename().string());
  for (const std::string& t : top) {
    EXPECT_TRUE(t == "share" || t == "sentinel" || t.rfind("vault-", 0) == 0 ||
                (t.size() > 5 && t.substr(t.size() - 5) == ".toml") || t == "logs") << "written outside the target: " << t;
  }
  std::cout << "[hostile corpus] tried=" << tried << " accepted=" << accepted
            << " mirrored=" << documents << "\n";
}

std::set<std::string> SvHashes(const std::vector<nlohmann::json>& docs) {
  std::set<std::string> sv, rv;
  for (const auto& d : docs) {
    bool is_sv = d.value("vertrouwelijkheidsAanduiding", nlohmann::json()).is_string() &&
                 d["vertrouwelijkheidsAanduiding"] == "SV";
    (is_sv ? sv : rv).insert(d["documentHash"].get<std::string>());
  }
  for (const auto& h : rv) sv.erase(h);
  return sv;
}

void ExpectNoSv(const std::string& target, const std::set<std::string>& sv_hashes) {
  for (const auto& e : fs::recursive_directory_iterator(target)) {
    if (!e.is_regular_file()) continue;
    std::string rel = e.path().filename().string();
    if (!IsDocumentFile(rel)) continue;
    std::string content = ReadFile(e.path());
    EXPECT_EQ(sv_hashes.count(Sha256Hex(content)), 0u) << "SV content in RV target: " << e.path();
  }
}

// Every command that writes the vault warns when the vault is on a network or FUSE file system
// (its catalog is SQLite in WAL mode) and still works; a command that only reads it, and a vault
// on a local disk, say nothing. Under `fuse/` the vault is on a bindfs mount; elsewhere local.
TEST_F(MirrorITest, AVaultOnAFuseMountIsWarnedAboutAndStillSyncsAndMirrors) {
  const bool on_fuse = OnFuse(dir_.path().string());
  const std::string warning = "is on a network file system (fuse)";
  std::vector<std::string> ids =
      Generate({{"dossiers", 1}, {"documentsPerDossier", 5}, {"seed", 5}});
  for (const std::vector<std::string>& args : {std::vector<std::string>{"init"},
                                               {"sync", ids[0]},
                                               {"mirror", "--to", Target(), "--no-upload"}}) {
    CliResult r = Swf(args);
    ASSERT_EQ(r.exit_code, kExitOk) << args[0] << ": " << r.err;
    EXPECT_EQ(r.err.find(warning) != std::string::npos, on_fuse) << args[0] << ": " << r.err;
  }
  CliResult json = Swf({"sync", ids[0], "--json"});
  ASSERT_EQ(json.exit_code, kExitOk) << json.err;
  EXPECT_EQ(json.FirstEvent("warning").is_null(), !on_fuse) << json.out;
  CliResult verify = Swf({"verify"});
  EXPECT_EQ(verify.exit_code, kExitOk) << verify.err << verify.out;
  CliResult status = Swf({"status"});
  EXPECT_EQ(status.exit_code, kExitOk) << status.err;
  EXPECT_EQ(status.err.find(warning), std::string::npos)
      << "a read-only command warned: " << status.err;
  EXPECT_EQ(Query("SELECT count(*) FROM documents WHERE state = 'present'"),
            std::vector<std::string>{"5"});
}

// A second vault (here: one made anew after the first was lost) pointed at the first one's
// target is refused with the usage code until it is told to take the target over.
TEST_F(MirrorITest, AnotherVaultsTargetIsRefusedWithExit2UntilAdopted) {
  std::vector<std::string> ids =
      Generate({{"dossiers", 2}, {"documentsPerDossier", 3}, {"seed", 23}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  ASSERT_EQ(Swf({"mirror", "--to", Target(), "--no-upload"}).exit_code, kExitOk);
  const std::map<std::string, std::string> mirrored = Snapshot(Target());
  const std::string other = (dir_.path() / "other-vault").string();
  ASSERT_EQ(Swf({"--vault", other, "init"}).exit_code, 0);
  ASSERT_EQ(Swf({"--vault", other, "sync", ids[0]}).exit_code, kExitOk);
  CliResult refused = Swf({"--vault", other, "mirror", "--to", Target(), "--no-upload", "--json"});
  EXPECT_EQ(refused.exit_code, kExitUsage) << refused.err;
  EXPECT_NE((refused.out + refused.err).find("is the mirror of another vault"), std::string::npos)
      << refused.out;
  EXPECT_NE(refused.out.find("\"exitCode\":2"), std::string::npos) << refused.out;
  EXPECT_EQ(Snapshot(Target()), mirrored);
  CliResult elsewhere = Swf({"--vault", other, "mirror", "--to", Target(), "--no-upload",
                             "--adopt-target", (dir_.path() / "elders").string()});
  EXPECT_EQ(elsewhere.exit_code, kExitUsage);
  EXPECT_NE(elsewhere.err.find("is not a target of this run"), std::string::npos) << elsewhere.err;
  EXPECT_EQ(Snapshot(Target()), mirrored);

  CliResult adopted = Swf(
      {"--vault", other, "mirror", "--to", Target(), "--no-upload", "--adopt-target", Target()});
  EXPECT_EQ(adopted.exit_code, kExitOk) << adopted.err;
  EXPECT_NE(adopted.err.find("taken over from vault"), std::string::npos) << adopted.err;
  size_t second_dossier_files = 0;  // the dossier the new vault has not synced leaves the tree
  for (const auto& [rel, content] : Snapshot(Target())) {
    if (rel.rfind(ids[1], 0) == 0 && IsDocumentFile(rel)) ++second_dossier_files;
  }
  EXPECT_EQ(second_dossier_files, 0u);
  EXPECT_EQ(Swf({"mirror", "--to", Target(), "--no-upload"}).exit_code, kExitUsage);
}

TEST_F(MirrorITest, LabelRaisedToSvLeavesTheRvTarget) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 12}, {"svShare", 0.3}, {"seed", 21}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync", ids[0]}).exit_code, kExitOk);
  ASSERT_EQ(Swf({"mirror", "--to", Target(), "--no-upload"}).exit_code, kExitOk);
  ExpectNoSv(Target(), SvHashes(RemoteDocuments(ids[0])));
  CliResult typo = Swf({"mirror", "--to", Target(), "--no-upload", "SAM-999999"});
  EXPECT_EQ(typo.exit_code, kExitNotFound) << "an unknown samenwerking mirrored as empty";
  EXPECT_NE(typo.err.find("SAM-999999 is not in the vault"), std::string::npos) << typo.err;
  std::string raised;
  std::string raised_hash;
  for (const auto& d : RemoteDocuments(ids[0])) {
    if (d.value("vertrouwelijkheidsAanduiding", nlohmann::json("RV")) != "SV") {
      raised = d["documentId"];
      raised_hash = d["documentHash"];
      break;
    }
  }
  ASSERT_FALSE(raised.empty());
  HttpsClient a("gemeente-a");
  ASSERT_EQ(a.Patch(emulator_->base_url() + "/documenten/" + raised, {{"vertrouwelijkheidsAanduiding", "SV"}}).status, 200);
  ASSERT_EQ(Swf({"sync", ids[0]}).exit_code, kExitOk);
  ASSERT_EQ(Swf({"mirror", "--to", Target(), "--no-upload"}).exit_code, kExitOk);
  ExpectNoSv(Target(), SvHashes(RemoteDocuments(ids[0])));
  for (const auto& [rel, content] : Snapshot(Target())) {
    if (IsDocumentFile(rel)) {
      EXPECT_NE(Sha256Hex(content), raised_hash) << rel;
    }
  }
}

TEST_F(MirrorITest, PrivilegeLoweredToBeperkteKeepsSvOutOfTargets) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 16}, {"svShare", 0.5}, {"seed", 22}});
  HttpsClient a("gemeente-a");
  std::string base = emulator_->base_url() + "/samenwerkingen/" + ids[0] + "/deelnemers";
  ASSERT_EQ(a.Post(base, {{"oin", kAdviesbureau}, {"naam", "Adviesbureau"}, {"privilege", "VOLLEDIGE_TOEGANG"}}).status, 201);
  WriteConfig("adviesbureau", kAdviesbureau);
  ASSERT_EQ(Swf({"init"}, "adviesbureau").exit_code, 0);
  ASSERT_EQ(Swf({"sync", ids[0]}, "adviesbureau").exit_code, kExitOk);
  std::set<std::string> sv = SvHashes(RemoteDocuments(ids[0]));
  ASSERT_FALSE(sv.empty());
  ASSERT_EQ(Swf({"mirror", "--to", Target("rv"), "--no-upload"}, "adviesbureau").exit_code, kExitOk);
  ASSERT_EQ(Swf({"mirror", "--to", Target("sv"), "--max-level", "SV"}, "adviesbureau").exit_code, kExitOk);
  ExpectNoSv(Target("rv"), sv);
  ASSERT_EQ(a.Patch(base + "/" + kAdviesbureau, {{"privilege", "BEPERKTE_TOEGANG"}}).status, 200);
  ASSERT_EQ(Swf({"sync", ids[0]}, "adviesbureau").exit_code, kExitOk);
  ASSERT_EQ(Swf({"mirror", "--to", Target("rv"), "--no-upload"}, "adviesbureau").exit_code, kExitOk);
  CliResult r = Swf({"mirror", "--to", Target("sv"), "--max-level", "SV"}, "adviesbureau");
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ExpectNoSv(Target("rv"), sv);
  ExpectNoSv(Target("sv"), sv);
}

// The title changes remotely: the folder follows, with a conflict copy, a refused drop and a
// drop still settling; the drop's first sighting travels too, so it is uploaded on time.
TEST_F(MirrorITest, TitleChangedRemotelyMovesTheFolderAndWhatUsersPutInIt) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 3}, {"seed", 23}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync", ids[0]}).exit_code, kExitOk);
  std::vector<std::string> mirror = {"mirror", "--to", Target(), "--settle-seconds", "2", "--json"};
  ASSERT_EQ(Swf(mirror).exit_code, kExitOk);
  fs::path old_dir;
  for (const auto& e : fs::directory_iterator(Target())) {
    if (e.is_directory()) old_dir = e.path();
  }
  ASSERT_FALSE(old_dir.empty());
  std::string document = RemoteDocuments(ids[0])[0]["bestandsNaam"];
  fs::permissions(old_dir / document, fs::perms::owner_write, fs::perm_options::add);
  WriteFile(old_dir / document, "lokaal bewerkt");
  WriteFile(old_dir / "_uploaden" / "slecht.txt", "x");
  WriteFile(old_dir / "_uploaden" / "slecht.txt.json", "{kapot");
  CliResult refused = Swf({"mirror", "--to", Target(), "--settle-seconds", "0", "--json"});
  ASSERT_EQ(refused.exit_code, kExitPartial) << refused.err;  // the bad sidecar
  ASSERT_EQ(refused.Summary()["conflicts"], 1);
  WriteFile(old_dir / "_uploaden" / "nieuw.txt", "gedropt voor de titelwijziging");
  CliResult first = Swf(mirror);
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  ASSERT_EQ(first.Summary()["waiting"], 1);
  auto started = std::chrono::steady_clock::now();

  HttpsClient a("gemeente-a");
  ASSERT_EQ(a.Patch(emulator_->base_url() + "/samenwerkingen/" + ids[0], {{"titel", "Nieuwe titel"}}).status, 200);
  ASSERT_EQ(Swf({"sync", ids[0]}).exit_code, kExitOk);
  std::this_thread::sleep_until(started + std::chrono::milliseconds(2500));
  CliResult moved = Swf(mirror);
  ASSERT_EQ(moved.exit_code, kExitOk) << moved.err;
  fs::path new_dir = fs::path(Target()) / (ids[0] + " - Nieuwe titel");
  EXPECT_FALSE(fs::exists(old_dir)) << "stale folder left: " << old_dir;
  EXPECT_EQ(moved.Summary()["dossiersMoved"], 1);
  EXPECT_EQ(moved.Summary()["published"], 1) << "only the dropped file, which is now a document";
  EXPECT_EQ(moved.Summary()["uploaded"], 1) << "the first sighting moved with the folder";
  int move_events = 0;
  for (const auto& e : moved.Events()) {
    if (e["type"] != "dossier-moved") continue;
    ++move_events;
    EXPECT_EQ(e["from"], old_dir.filename().string());
    EXPECT_EQ(e["to"], new_dir.filename().string());
    EXPECT_EQ(e["leftBehind"], 0);
  }
  EXPECT_EQ(move_events, 1);
  EXPECT_EQ(ReadFile(new_dir / "nieuw.txt"), "gedropt voor de titelwijziging");
  EXPECT_FALSE(fs::exists(new_dir / "_uploaden" / "nieuw.txt"));
  EXPECT_TRUE(fs::exists(new_dir / "_mislukt" / "slecht.txt.reden.txt"));
  int copies = 0;
  for (const auto& e : fs::directory_iterator(new_dir)) {
    if (e.path().filename().string().find("(lokale wijziging ") != std::string::npos) {
      ++copies;
      EXPECT_EQ(ReadFile(e.path()), "lokaal bewerkt");
    }
  }
  EXPECT_EQ(copies, 1);
  EXPECT_NE(ReadFile(new_dir / "dossier.json").find("Nieuwe titel"), std::string::npos);
  int found = 0;
  for (const auto& d : RemoteDocuments(ids[0])) found += d["bestandsNaam"] == "nieuw.txt";
  EXPECT_EQ(found, 1);

  auto tree = Snapshot(Target());
  CliResult again = Swf(mirror);
  ASSERT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_EQ(again.Summary()["dossiersMoved"], 0);
  EXPECT_EQ(again.Summary()["published"], 0);
  EXPECT_EQ(Snapshot(Target()), tree);
}

}  // namespace
}  // namespace swfvault::testing
