// `swfvault export` and `swfvault verify-archive` end to end: the real binary against a vault
// synced from the emulator's demo seed as gemeente-a (which holds SV documents).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "swfvault/exit_codes.h"
#include "swfvault/hashing.h"
#include "sync/sync_fixture.h"

namespace swfvault::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kMdto[] =
    "[mdto]\nwaardering = \"B\"\narchiefvormer = \"Gemeente A\"\nbewaartermijn = \"P20Y\"\n";
const std::vector<std::string> kFormats = {"tar", "tar.gz", "tar.zst", "zip"};

// What a shell command printed on stdout, and its exit status.
struct Shell {
  int status = -1;
  std::string out;
};

Shell RunShell(const std::string& command) {
  Shell r;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string Sha256Of(const std::string& bytes) {
  Sha256Hasher h;
  h.Update(bytes);
  return h.FinishHex();
}

// Every file of `dir` (relative path -> content).
std::map<std::string, std::string> Tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = ReadFile(e.path());
  }
  return out;
}

// Sets TZ, LC_ALL and the umask for its lifetime (children of RunCli inherit them).
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* tz, const char* lc_all, mode_t mask) : old_mask_(umask(mask)) {
    Save("TZ", tz);
    Save("LC_ALL", lc_all);
  }
  ~ScopedEnvironment() {
    umask(old_mask_);
    for (const auto& [name, value] : saved_) {
      if (value) setenv(name.c_str(), value->c_str(), 1);
      else unsetenv(name.c_str());
    }
  }

 private:
  void Save(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    setenv(name, value, 1);
  }
  mode_t old_mask_;
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

class ExportCliITest : public SyncFixture {
 protected:
  void SetUp() override {
    SyncFixture::SetUp();
    if (HasFatalFailure()) return;
    WriteConfig("gemeente-a", kGemeenteA, kMdto);
    ASSERT_EQ(Swf({"init"}).exit_code, kExitOk);
    CliResult sync = Swf({"sync", "--json"});
    ASSERT_EQ(sync.exit_code, kExitOk) << sync.err;
    for (const auto& e : Swf({"ls", "--json"}).Events()) {
      if (e["type"] == "samenwerking") ids_.push_back(e["samenwerkingId"].get<std::string>());
    }
    ASSERT_EQ(ids_.size(), 2u);
  }

  std::string Out(const std::string& name) const { return (dir_.path() / name).string(); }

  CliResult Export(const std::string& id, const std::string& out,
                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"export", id, "-o", out, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Swf(args);
  }

  // The demo documents at `level` (names, descriptions and content as the vault holds them).
  std::vector<std::string> Rows(const std::string& id, const std::string& level) {
    return Query("SELECT document_id, bestands_naam, document_omschrijving, blob_sha256 FROM documents"
                 " WHERE samenwerking_id='" + id + "' AND vertrouwelijkheid='" + level + "'");
  }
  std::string ObjectContent(const std::string& sha) const {
    return ReadFile(fs::path(VaultDir()) / "objects" / sha.substr(0, 2) / sha);
  }

  // Strings of the SV documents of `id` that an RV archive must not hold: names, stems and
  // content. Fails the test when the dossier has no SV document.
  std::vector<std::string> SvSecrets(const std::string& id) {
    std::vector<std::string> out;
    for (const std::string& row : Rows(id, "SV")) {
      std::vector<std::string> f;
      std::stringstream ss(row);
      for (std::string part; std::getline(ss, part, '|');) f.push_back(part);
      EXPECT_EQ(f.size(), 4u) << row;
      if (f.size() != 4) continue;
      out.push_back(f[1]);
      out.push_back(f[1].substr(0, f[1].rfind('.')));
      if (f[2].size() >= 4) out.push_back(f[2]);
      out.push_back(ObjectContent(f[3]));
    }
    EXPECT_FALSE(out.empty()) << "dossier " << id << " has no SV document";
    return out;
  }

  // Extracts `archive` with bsdtar into a fresh directory and returns every path and content
  // found there, concatenated.
  std::string ExtractedText(const std::string& archive, const std::string& into) {
    fs::create_directories(into);
    Shell x = RunShell("bsdtar -xf '" + archive + "' -C '" + into + "' 2>&1");
    EXPECT_EQ(x.status, 0) << x.out;
    std::string all;
    for (const auto& [path, content] : Tree(into)) all += path + "\n" + content + "\n";
    return all;
  }

  // Replaces gemeente-a's config by one with vault `vault`, [mdto], and `profile_keys` in
  // its profile table (WriteConfig cannot set profile keys).
  void WriteProfileConfig(const std::string& vault, const std::string& profile_keys) {
    std::string pki = PkiDir();
    WriteFile(configs_["gemeente-a"],
              "vault = \"" + vault + "\"\nbase_url = \"" + emulator_->base_url() + "\"\n" +
                  "ca = \"" + pki + "/ca.crt\"\n" + kMdto + "[profile.gemeente-a]\noin = \"" +
                  kGemeenteA + "\"\ncert = \"" + pki + "/gemeente-a.crt\"\nkey = \"" + pki +
                  "/gemeente-a.key\"\n" + profile_keys);
  }

  std::vector<std::string> ids_;
};

TEST_F(ExportCliITest, EveryFormatExportsAndVerifiesClean) {
  for (const std::string& id : ids_) {
    for (const std::string& format : kFormats) {
      std::string out = Out(id + "." + format);
      CliResult r = Export(id, out);
      ASSERT_EQ(r.exit_code, kExitOk) << format << ": " << r.err << r.out;
      nlohmann::json s = r.Summary();
      EXPECT_EQ(s["format"], format);
      EXPECT_EQ(s["path"], out);
      EXPECT_EQ(s["maxLevel"], "RV");
      EXPECT_GE(s["documents"].get<int>(), 2);
      EXPECT_GE(s["withheld"].get<int>(), 1);
      std::string bytes = ReadFile(out);
      EXPECT_EQ(s["bytes"].get<uint64_t>(), bytes.size());
      EXPECT_EQ(s["sha256"], Sha256Of(bytes));

      CliResult v = Swf({"verify-archive", out, "--json"});
      EXPECT_EQ(v.exit_code, kExitOk) << format << ": " << v.out << v.err;
      EXPECT_EQ(v.Summary()["valid"], true);
      EXPECT_EQ(v.Summary()["findings"], 0);
      EXPECT_EQ(v.Summary()["payloadFiles"], s["payloadFiles"]);
    }
  }
}

// The hash an export reports, given to verify-archive, pins the archive: in any case of hex
// digits; another hash is exit 5; anything but 64 hex digits is a usage error naming --sha256.
TEST_F(ExportCliITest, VerifyArchiveChecksTheSha256ThatExportReported) {
  const std::string out = Out("pinned.zip");
  CliResult r = Export(ids_[0], out);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  std::string sha = r.Summary()["sha256"].get<std::string>();
  std::string upper = sha;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CliResult v = Swf({"verify-archive", "--sha256", upper, out, "--json"});
  EXPECT_EQ(v.exit_code, kExitOk) << v.out << v.err;
  EXPECT_EQ(v.Summary()["sha256"], sha);
  CliResult human = Swf({"verify-archive", out, "--sha256", sha});
  EXPECT_NE(human.out.find(": valid, "), std::string::npos) << human.out;
  EXPECT_NE(human.out.find(", sha256 " + sha), std::string::npos) << human.out;

  std::string other = sha;
  other[63] = other[63] == 'a' ? 'b' : 'a';
  CliResult wrong = Swf({"verify-archive", out, "--sha256", other});
  EXPECT_EQ(wrong.exit_code, kExitIntegrity);
  EXPECT_NE(wrong.out.find("not the expected " + other), std::string::npos) << wrong.out;

  CliResult bad = Swf({"verify-archive", out, "--sha256", sha.substr(1)});
  EXPECT_EQ(bad.exit_code, kExitUsage);
  EXPECT_NE(bad.err.find("--sha256"), std::string::npos) << bad.err;
  EXPECT_EQ(Swf({"verify-archive", out, "--json"}).Summary()["sha256"], nullptr);
}

// Findings quote entry names and manifest lines of the archive, which may be hostile: the human
// output shows them on one line each, without their escape sequences.
TEST_F(ExportCliITest, VerifyArchiveShowsAHostileEntryNameHarmlessly) {
  const fs::path root = dir_.path() / "bag";
  fs::create_directories(root);
  WriteFile(root / "bagit.txt", "x");
  WriteFile(dir_.path() / "evil\x1b]0;pwned\x07\nswfvault: valid.txt", "x");
  const std::string tar = Out("hostile.tar");
  ASSERT_EQ(
      std::system(("cd '" + dir_.path().string() + "' && tar -cf '" + tar + "' bag evil*").c_str()),
      0);
  CliResult v = Swf({"verify-archive", tar});
  EXPECT_EQ(v.exit_code, kExitIntegrity);
  EXPECT_NE(v.out.find("evil?]0;pwned??swfvault: valid.txt: entry outside the bag root 'bag'"),
            std::string::npos)
      << v.out;
  EXPECT_EQ(v.out.find('\x1b'), std::string::npos);
}

// A document the last sync could not fetch is in neither the vault nor the archive: the
// export says so (warning, JSON, bag-info.txt) and exits 1, until a sync of the dossier
// finishes.
TEST_F(ExportCliITest, AnExportAfterASyncThatLeftADocumentOutSaysSoAndExitsPartial) {
  const std::string id = ids_[0];
  WriteFile(dir_.path() / "nieuw.txt", "een nieuw document");
  CliResult add = Swf({"document", "add", id, (dir_.path() / "nieuw.txt").string(), "--json"});
  ASSERT_EQ(add.exit_code, kExitOk) << add.err;
  const std::string doc = add.Summary()["documentId"].get<std::string>();
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "noHash"}, {"documentId", doc}}}}});
  ASSERT_EQ(Swf({"sync", id}).exit_code, kExitIntegrity);  // no documentHash: not stored

  const std::string out = Out("onvolledig.tar");
  CliResult r = Export(id, out);
  EXPECT_EQ(r.exit_code, kExitPartial) << r.err;
  EXPECT_NE(r.out.find("did not finish: 1 failure"), std::string::npos) << r.out;  // a JSON warning
  EXPECT_NE(r.out.find("swfvault --profile gemeente-a sync " + id), std::string::npos) << r.out;
  EXPECT_EQ(r.Events().back()["type"], "summary");
  ASSERT_EQ(r.Summary()["syncIncomplete"].size(), 1u) << r.out;
  EXPECT_EQ(r.Summary()["exitCode"], kExitPartial);
  const std::string bag = ExtractedText(out, Out("onvolledig"));
  EXPECT_NE(bag.find("Swfvault-Sync-Incomplete: the last sync by profile gemeente-a ("),
            std::string::npos);
  EXPECT_EQ(Swf({"verify-archive", out}).exit_code, kExitOk);

  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
  ASSERT_EQ(Swf({"sync", id}).exit_code, kExitOk);
  CliResult again = Export(id, Out("volledig.tar"));
  EXPECT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_TRUE(again.Summary()["syncIncomplete"].empty());
  EXPECT_EQ(ExtractedText(Out("volledig.tar"), Out("volledig")).find("Swfvault-Sync-Incomplete"),
            std::string::npos);
}

// Output into the vault would replace the catalog or an object: every command that writes a
// file or a tree there refuses it by its option (exit 2), and the vault stays whole.
TEST_F(ExportCliITest, OutputInsideTheVaultIsRefusedAndTheVaultStaysWhole) {
  const fs::path vault = VaultDir();
  const std::string catalog = (vault / "catalog.db").string();
  const std::string catalog_before = Sha256Of(ReadFile(catalog));
  const std::string doc = RemoteDocuments(ids_[0]).front()["documentId"];
  const std::string via_link = (dir_.path() / "link").string();
  fs::create_symlink(vault / "objects", via_link);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"export", ids_[0], "--format", "tar", "-o", catalog},
        std::vector<std::string>{"export", ids_[0], "-o", via_link + "/x.tar"},
        std::vector<std::string>{"get", doc, "-o", (vault / "objects").string()},
        std::vector<std::string>{"mirror", "--to", (vault / "tree").string()},
        std::vector<std::string>{"sync", "--metrics-file", (vault / "swfvault.prom").string()}}) {
    CliResult r = Swf(args);
    EXPECT_EQ(r.exit_code, kExitUsage) << args[0] << ": " << r.err << r.out;
    EXPECT_NE(r.err.find("is inside the vault"), std::string::npos) << args[0] << ": " << r.err;
  }
  EXPECT_EQ(Sha256Of(ReadFile(catalog)), catalog_before);
  EXPECT_FALSE(fs::exists(vault / "tree"));
  EXPECT_FALSE(fs::exists(vault / "objects" / "x.tar"));
  EXPECT_EQ(Swf({"verify"}).exit_code, kExitOk);
  // A folder outside the vault reached through a link is a folder all the same.
  fs::create_directory(dir_.path() / "real");
  fs::create_symlink(dir_.path() / "real", dir_.path() / "outside");
  CliResult through = Export(ids_[0], Out("outside/x.tar"));
  EXPECT_EQ(through.exit_code, kExitOk) << through.err;
  EXPECT_TRUE(fs::exists(dir_.path() / "real" / "x.tar"));
}

// An archive read from a pipe (`cat x.tar | verify-archive /dev/stdin`) is checked as it is: it
// was reported corrupt, its first bytes having gone to telling a zip. A zip from a pipe cannot
// be held to its central directory and says so.
TEST_F(ExportCliITest, AnArchiveFromAPipeIsVerified) {
  auto piped = [&](const std::string& file) {
    const std::string command = "cat '" + file + "' | " + std::string(SWFVAULT_CLI_BIN) +
                                " verify-archive /dev/stdin 2>&1; echo \"exit=$?\"";
    FILE* p = ::popen(command.c_str(), "r");
    std::string out;
    char buf[4096];
    for (size_t n; p != nullptr && (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    if (p != nullptr) ::pclose(p);
    return out;
  };
  for (const char* format : {"tar", "tar.gz"}) {
    const std::string out = Out(std::string("piped.") + format);
    ASSERT_EQ(Export(ids_[0], out).exit_code, kExitOk);
    const std::string said = piped(out);
    EXPECT_NE(said.find("exit=0"), std::string::npos) << format << ": " << said;
  }
  ASSERT_EQ(Export(ids_[0], Out("piped.zip")).exit_code, kExitOk);
  const std::string said = piped(Out("piped.zip"));
  EXPECT_NE(said.find("exit=5"), std::string::npos) << said;
  EXPECT_NE(said.find("check the file itself"), std::string::npos) << said;
}

TEST_F(ExportCliITest, ExportsUnderDifferentTimeZoneLocaleAndUmaskAreByteIdentical) {
  {
    ScopedEnvironment env("UTC0", "C", 022);
    for (const std::string& f : kFormats) ASSERT_EQ(Export(ids_[0], Out("a." + f)).exit_code, kExitOk);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a wall-clock time would differ
  {
    ScopedEnvironment env("NZST-12NZDT,M9.5.0,M4.1.0/3", "C.UTF-8", 077);
    for (const std::string& f : kFormats) ASSERT_EQ(Export(ids_[0], Out("b." + f)).exit_code, kExitOk);
  }
  for (const std::string& f : kFormats) {
    EXPECT_EQ(Sha256Of(ReadFile(Out("a." + f))), Sha256Of(ReadFile(Out("b." + f)))) << f;
  }
}

TEST_F(ExportCliITest, ReexportAfterASyncThatChangedNothingIsByteIdentical) {
  std::string a = Out("a.tar"), b = Out("b.tar");
  ASSERT_EQ(Export(ids_[0], a).exit_code, kExitOk);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the sync stamps a later time
  CliResult sync = Swf({"sync", "--json"});
  ASSERT_EQ(sync.exit_code, kExitOk) << sync.err;
  ASSERT_EQ(Export(ids_[0], b).exit_code, kExitOk);
  EXPECT_EQ(Sha256Of(ReadFile(a)), Sha256Of(ReadFile(b)));
}

TEST_F(ExportCliITest, RvExportHoldsNoSvContentNameOrTitleInAnyFormat) {
  for (const std::string& id : ids_) {
    std::vector<std::string> secrets = SvSecrets(id);
    for (const std::string& format : kFormats) {
      std::string out = Out(id + "-rv." + format);
      CliResult r = Export(id, out);  // no --max-level: the default fails closed to RV
      ASSERT_EQ(r.exit_code, kExitOk) << r.err;
      EXPECT_EQ(r.Summary()["maxLevel"], "RV");
      std::string text = ExtractedText(out, Out(id + "-rv-" + format + ".d"));
      for (const std::string& s : secrets) EXPECT_EQ(text.find(s), std::string::npos) << format << ": " << s;
      for (const std::string& row : Rows(id, "SV")) {
        std::string doc_id = row.substr(0, row.find('|'));
        EXPECT_NE(text.find(doc_id + ",SV"), std::string::npos) << "achtergehouden.csv lacks " << doc_id;
      }
    }
  }
}

TEST_F(ExportCliITest, SvExportHoldsTheSvDocumentsTheRvExportLeavesOut) {
  // The positive control of the scan above: with --max-level SV the same strings are found.
  std::string out = Out("sv.tar");
  CliResult r = Export(ids_[0], out, {"--max-level", "SV"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.Summary()["maxLevel"], "SV");
  EXPECT_EQ(r.Summary()["withheld"], 0);
  std::string text = ExtractedText(out, Out("sv.d"));
  for (const std::string& s : SvSecrets(ids_[0])) EXPECT_NE(text.find(s), std::string::npos) << s;
}

TEST_F(ExportCliITest, ProfileMaxLevelSvRaisesTheDefaultCeiling) {
  WriteProfileConfig(VaultDir(), "max_level = \"SV\"\n");
  CliResult r = Export(ids_[0], Out("profile-sv.tar"));
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.Summary()["maxLevel"], "SV");
  EXPECT_EQ(r.Summary()["withheld"], 0);
}

TEST_F(ExportCliITest, SvExportOfAVaultSyncedAtRvFallsBackToRvWithAWarning) {
  std::string rv_vault = (dir_.path() / "vault-rv").string();
  WriteProfileConfig(rv_vault, "max_level = \"RV\"\n");
  ASSERT_EQ(Swf({"init"}).exit_code, kExitOk);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  std::string out = Out("rv-vault.tar");
  CliResult r = Export(ids_[0], out, {"--max-level", "SV"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.out;
  EXPECT_EQ(r.Summary()["maxLevel"], "RV");
  EXPECT_GE(r.Summary()["withheld"].get<int>(), 1);
  EXPECT_NE(r.out.find("\"warning\""), std::string::npos) << r.out;
  EXPECT_EQ(Swf({"verify-archive", out}).exit_code, kExitOk);
}

TEST_F(ExportCliITest, FlippedBitInADocumentMakesVerifyArchiveExitWithIntegrity) {
  std::string out = Out("flip.tar");
  ASSERT_EQ(Export(ids_[0], out).exit_code, kExitOk);
  std::vector<std::string> rv = Rows(ids_[0], "RV");
  ASSERT_FALSE(rv.empty());
  std::string content = ObjectContent(rv[0].substr(rv[0].rfind('|') + 1));
  std::string bytes = ReadFile(out);
  size_t at = bytes.find(content);
  ASSERT_NE(at, std::string::npos);
  bytes[at + content.size() / 2] ^= 0x01;
  WriteFile(out, bytes);

  CliResult v = Swf({"verify-archive", out, "--json"});
  EXPECT_EQ(v.exit_code, kExitIntegrity) << v.out;
  EXPECT_EQ(v.Summary()["valid"], false);
  bool named = false;
  for (const auto& e : v.Events()) {
    if (e["type"] == "finding" && e["path"].get<std::string>().rfind("data/documenten/", 0) == 0) named = true;
  }
  EXPECT_TRUE(named) << v.out;
}

// The archive is written beside its target and renamed over it: a pipe or a device there is
// refused (it would become a plain file), a link to a file keeps its link.
TEST_F(ExportCliITest, ExportNeverReplacesAPipeAndWritesThroughALink) {
  WriteConfig("gemeente-a", kGemeenteA, kMdto);
  const std::string fifo = Out("pipe.tar");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  CliResult piped = Swf({"export", ids_[0], "-o", fifo});
  EXPECT_EQ(piped.exit_code, kExitUsage) << piped.err;
  EXPECT_NE(piped.err.find("cannot write " + fifo + ": it is a pipe (FIFO)"), std::string::npos)
      << piped.err;
  EXPECT_TRUE(fs::is_fifo(fifo));
  const std::string target = Out("real.tar"), link = Out("link.tar");
  fs::create_symlink(target, link);
  CliResult linked = Swf({"export", ids_[0], "-o", link});
  ASSERT_EQ(linked.exit_code, kExitOk) << linked.err;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(Swf({"verify-archive", target}).exit_code, kExitOk);
  CliResult nowhere = Swf({"export", ids_[0], "-o", Out("no-such-dir/a.tar")});
  EXPECT_EQ(nowhere.exit_code, kExitNotFound);
  EXPECT_NE(nowhere.err.find("no-such-dir is not an existing directory"), std::string::npos)
      << nowhere.err;
}

TEST_F(ExportCliITest, VerifyArchiveOfAMissingFileExitsNotFound) {
  CliResult v = Swf({"verify-archive", Out("nothing.tar")});
  EXPECT_EQ(v.exit_code, kExitNotFound) << v.err;
}

TEST_F(ExportCliITest, MissingMdtoSettingsAreAUsageErrorNamingTheKeys) {
  WriteConfig("gemeente-a", kGemeenteA);  // no [mdto]
  std::string out = Out("no-mdto.tar");
  CliResult r = Swf({"export", ids_[0], "-o", out});
  EXPECT_EQ(r.exit_code, kExitUsage);
  for (const char* key : {"[mdto]", "waardering", "archiefvormer", "bewaartermijn", "--no-mdto"}) {
    EXPECT_NE(r.err.find(key), std::string::npos) << key << " not in: " << r.err;
  }
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(ExportCliITest, NoMdtoExportsWithoutMdtoSettingsOrSidecars) {
  WriteConfig("gemeente-a", kGemeenteA);  // no [mdto]
  std::string out = Out("plain.tar");
  CliResult r = Export(ids_[0], out, {"--no-mdto"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  Shell list = RunShell("bsdtar -tf '" + out + "'");
  EXPECT_EQ(list.out.find("/data/mdto/"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("/data/documenten/"), std::string::npos) << list.out;
}

TEST_F(ExportCliITest, UnknownSamenwerkingExitsNotFound) {
  CliResult r = Export("SAM-999999999", Out("unknown.tar"));
  EXPECT_EQ(r.exit_code, kExitNotFound) << r.err;
  EXPECT_FALSE(fs::exists(Out("unknown.tar")));
}

TEST_F(ExportCliITest, UnknownFormatOrLevelIsAUsageError) {
  EXPECT_EQ(Export(ids_[0], Out("x.rar")).exit_code, kExitUsage);
  EXPECT_EQ(Export(ids_[0], Out("x.tar"), {"--format", "rar"}).exit_code, kExitUsage);
  EXPECT_EQ(Export(ids_[0], Out("x.tar"), {"--max-level", "GEHEIM"}).exit_code, kExitUsage);
  EXPECT_FALSE(fs::exists(Out("x.tar")));
}

TEST_F(ExportCliITest, DamagedObjectInTheVaultAbortsWithIntegrityNamingIt) {
  std::vector<std::string> rv = Rows(ids_[0], "RV");
  ASSERT_FALSE(rv.empty());
  std::string sha = rv[0].substr(rv[0].rfind('|') + 1);
  fs::path object = fs::path(VaultDir()) / "objects" / sha.substr(0, 2) / sha;
  std::string content = ReadFile(object);
  content[0] ^= 0x20;
  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
  WriteFile(object, content);
  std::string out = Out("damaged.tar");
  CliResult r = Export(ids_[0], out);
  EXPECT_EQ(r.exit_code, kExitIntegrity) << r.out;
  EXPECT_NE(r.out.find(sha), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(ExportCliITest, BsdtarListsEveryEntryUnderTheOneRoot) {
  for (const std::string& format : kFormats) {
    std::string out = Out("list." + format);
    ASSERT_EQ(Export(ids_[0], out).exit_code, kExitOk);
    Shell list = RunShell("bsdtar -tf '" + out + "'");
    ASSERT_EQ(list.status, 0) << format;
    std::stringstream lines(list.out);
    int n = 0;
    for (std::string line; std::getline(lines, line); ++n) {
      EXPECT_TRUE(line == ids_[0] || line.rfind(ids_[0] + "/", 0) == 0) << format << ": " << line;
    }
    EXPECT_GT(n, 10) << format;
  }
}

}  // namespace
}  // namespace swfvault::testing
