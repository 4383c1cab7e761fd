// The archives as real tools see them: bsdtar, GNU tar and unzip list and extract them
// cleanly, with hostile names, into a jail nothing escapes; xmllint validates the MDTO
// sidecars against the shipped XSD. A test is skipped (and says so) only when its tool is
// not installed.
#include <sys/wait.h>

#include <filesystem>
#include <set>

#include "export/export_test_support.h"
#include "support/temp_dir.h"

namespace swfvault::testing {
namespace {

namespace fs = std::filesystem;

bool HaveTool(const std::string& tool) {
  return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs `cmd` with stdout+stderr in `log`; returns the exit status.
int RunTool(const std::string& cmd, const fs::path& log) {
  int rc = std::system((cmd + " >" + log.string() + " 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

DossierSnapshot HostileSnapshot(FakeBlobSource& blobs) {
  DossierSnapshot s = MakeSnapshot(blobs);
  const char* names[] = {"../../../../tmp/escape.txt", "/etc/cron.d/evil", "..", ".", "", "a\\..\\..\\b.txt",
                         "aux.txt", "lpt1", "line\nbreak.txt", "rtl\xE2\x80\xAEtxt.exe", "trailing. . .",
                         "x:y|z?.txt", "-rf", "--checkpoint-action=exec=sh", "\xC3\xA9t\xC3\xA9.txt",
                         "E\xCC\x81T\xC3\x89.TXT", "%2e%2e%2fencoded", "~/.ssh/authorized_keys",
                         "PaxHeader/x", "data/../../up"};
  int i = 0;
  for (const char* name : names) {
    char id[40];
    std::snprintf(id, sizeof(id), "bbbbbbbb-0000-4000-8000-%012d", ++i);
    s.documents.push_back(MakeDoc(blobs, id, name, "RV", "hostile " + std::to_string(i)));
  }
  return s;
}

class ArchiveToolsTest : public ::testing::Test {
 protected:
  std::string Export(ExportFormat f) {
    const std::string out = (dir_ / ("hostile." + std::string(ExportFormatName(f)))).string();
    ArchiveExporter exporter(posix_, blobs_);
    ExportOptions o = DefaultOptions();
    auto r = exporter.Export(snapshot_, o, out);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    files_ = 0;
    for (const auto& e : ReadArchive(out)) files_ += e.type == AE_IFREG ? 1 : 0;
    return out;
  }

  // Extracts with `cmd` (containing {A} for the archive and {J} for the jail) and checks that
  // exactly the archive's files landed under jail/SAM-1001 and the canary beside it is intact.
  void ExtractCleanly(const std::string& tool, const std::string& cmd, const std::string& archive) {
    const fs::path jail = dir_ / ("jail-" + tool + "-" + fs::path(archive).filename().string());
    fs::create_directories(jail / "sub");
    WriteFile(dir_ / "canary", "canary");
    std::string c = cmd;
    c.replace(c.find("{A}"), 3, archive);
    c.replace(c.find("{J}"), 3, (jail / "sub").string());
    const fs::path log = dir_ / "log.txt";
    ASSERT_EQ(RunTool(c, log), 0) << c << "\n" << ReadFile(log);
    EXPECT_EQ(ReadFile(log), "") << tool << " complained";
    size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(jail)) {
      const std::string rel = fs::relative(e.path(), jail / "sub").string();
      if (rel == ".") continue;  // the jail's own extraction directory
      EXPECT_TRUE(rel.starts_with("SAM-1001")) << tool << " wrote " << e.path();
      EXPECT_FALSE(e.is_symlink());
      files += e.is_regular_file() ? 1 : 0;
    }
    EXPECT_EQ(files, files_) << tool;
    EXPECT_EQ(ReadFile(dir_ / "canary"), "canary");
    EXPECT_FALSE(fs::exists("/tmp/escape.txt") && ReadFile("/tmp/escape.txt").starts_with("hostile"));
  }

  TempDir dir_;
  PosixFileSystem posix_;
  FakeBlobSource blobs_;
  DossierSnapshot snapshot_ = HostileSnapshot(blobs_);
  size_t files_ = 0;
};

TEST_F(ArchiveToolsTest, BsdtarExtractsEveryFormatInsideTheRoot) {
  if (!HaveTool("bsdtar")) GTEST_SKIP() << "bsdtar is not installed";
  for (ExportFormat f : {ExportFormat::kTar, ExportFormat::kTarGz, ExportFormat::kTarZst, ExportFormat::kZip}) {
    ExtractCleanly("bsdtar", "bsdtar -xf {A} -C {J}", Export(f));
  }
}

TEST_F(ArchiveToolsTest, GnuTarExtractsTarFormatsInsideTheRoot) {
  if (!HaveTool("tar") || !HaveTool("zstd")) GTEST_SKIP() << "GNU tar or zstd is not installed";
  for (ExportFormat f : {ExportFormat::kTar, ExportFormat::kTarGz, ExportFormat::kTarZst}) {
    ExtractCleanly("gnutar", "tar -xf {A} -C {J}", Export(f));
  }
}

TEST_F(ArchiveToolsTest, UnzipExtractsTheZipInsideTheRoot) {
  if (!HaveTool("unzip")) GTEST_SKIP() << "unzip is not installed";
  ExtractCleanly("unzip", "unzip -q {A} -d {J}", Export(ExportFormat::kZip));
}

TEST_F(ArchiveToolsTest, ListingsShowOnlyEntriesUnderTheRoot) {
  if (!HaveTool("tar") || !HaveTool("unzip")) GTEST_SKIP() << "GNU tar or unzip is not installed";
  const fs::path log = dir_ / "list.txt";
  ASSERT_EQ(RunTool("tar -tf " + Export(ExportFormat::kTar), log), 0);
  std::string listing = ReadFile(log);
  ASSERT_EQ(RunTool("unzip -Z1 " + Export(ExportFormat::kZip), log), 0);
  listing += ReadFile(log);
  size_t lines = 0;
  for (size_t start = 0; start < listing.size();) {
    size_t end = listing.find('\n', start);
    EXPECT_TRUE(listing.substr(start, end - start).starts_with("SAM-1001/")) << listing.substr(start, end - start);
    start = end + 1;
    ++lines;
  }
  EXPECT_GT(lines, 60u);
}

TEST_F(ArchiveToolsTest, MdtoSidecarsValidateAgainstTheXsd) {
  if (!HaveTool("xmllint") || !HaveTool("bsdtar")) GTEST_SKIP() << "xmllint or bsdtar is not installed";
  const std::string archive = Export(ExportFormat::kTar);
  const fs::path out = dir_ / "x";
  fs::create_directories(out);
  ASSERT_EQ(RunTool("bsdtar -xf " + archive + " -C " + out.string(), dir_ / "log.txt"), 0);
  const std::string xsd = std::string(SWFVAULT_SOURCE_DIR) + "/fixtures/mdto/MDTO-XML1.0.1.xsd";
  int validated = 0;
  for (const auto& e : fs::directory_iterator(out / "SAM-1001" / "data" / "mdto")) {
    const fs::path log = dir_ / "xmllint.txt";
    EXPECT_EQ(RunTool("xmllint --noout --schema " + xsd + " '" + e.path().string() + "'", log), 0) << ReadFile(log);
    ++validated;
  }
  EXPECT_EQ(validated, 1 + 2 * 28);  // dossier + (informatieobject, bestand) per exported document
  std::printf("[ mdto ] %d sidecars validated with xmllint\n", validated);
}

}  // namespace
}  // namespace swfvault::testing
