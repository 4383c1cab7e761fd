#include "swfvault/archive_exporter.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "export/export_test_support.h"
#include "support/temp_dir.h"
#include "swfvault/archive_verifier.h"
#include "swfvault/faulty_file_system.h"
#include "swfvault/name_sanitizer.h"

namespace swfvault::testing {
namespace {

namespace fs = std::filesystem;

const ExportFormat kAllFormats[] = {ExportFormat::kTar, ExportFormat::kTarGz, ExportFormat::kTarZst,
                                    ExportFormat::kZip};

std::string FileNameFor(ExportFormat f) { return "dossier." + std::string(ExportFormatName(f)); }

class ArchiveExporterTest : public ::testing::TestWithParam<ExportFormat> {
 protected:
  Result<ExportSummary> Export(const std::string& name, const ExportOptions& o) {
    ArchiveExporter exporter(posix_, blobs_);
    return exporter.Export(snapshot_, o, (dir_ / name).string());
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  TempDir dir_;
  PosixFileSystem posix_;
  FakeBlobSource blobs_;
  DossierSnapshot snapshot_ = MakeSnapshot(blobs_);
};

TEST_P(ArchiveExporterTest, ExportedBagVerifiesClean) {
  auto summary = Export(FileNameFor(GetParam()), DefaultOptions());
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->documents_exported, 8u);
  EXPECT_EQ(summary->documents_withheld, 2u);
  auto report = VerifyArchive(posix_, Path(FileNameFor(GetParam())));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  for (const auto& f : report->findings) ADD_FAILURE() << f.path << ": " << f.problem;
  EXPECT_EQ(report->payload_files, summary->payload_files);
  EXPECT_EQ(report->payload_bytes, summary->payload_bytes);
  EXPECT_EQ(report->history_entries, 2u);
}

TEST_P(ArchiveExporterTest, EntriesAreSortedRootedAndCarryFixedAttributes) {
  ASSERT_TRUE(Export(FileNameFor(GetParam()), DefaultOptions()).ok());
  auto entries = ReadArchive(Path(FileNameFor(GetParam())));
  ASSERT_GT(entries.size(), 20u);
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    EXPECT_TRUE(e.path.starts_with("SAM-1001/")) << e.path;
    if (i > 0) {
      EXPECT_LT(entries[i - 1].path, e.path);
    }
    EXPECT_EQ(e.mtime, kSnapshotTime) << e.path;
    EXPECT_EQ(e.uid, 0) << e.path;
    EXPECT_EQ(e.gid, 0) << e.path;
    EXPECT_EQ(e.perm, e.type == AE_IFDIR ? 0755 : 0644) << e.path;
    EXPECT_EQ(e.uname, "");
  }
}

TEST_P(ArchiveExporterTest, RvExportHoldsNoSvByteNameOrTitle) {
  ASSERT_TRUE(Export(FileNameFor(GetParam()), DefaultOptions()).ok());
  size_t scanned = 0;
  for (const auto& e : ReadArchive(Path(FileNameFor(GetParam())))) {
    for (const char* canary : {kSvContent, kSvName, kSvTitle, "Geheim-Onderzoeksrapport", "ongelabeld-geheim"}) {
      EXPECT_EQ(e.path.find(canary), std::string::npos) << e.path;
      EXPECT_EQ(e.content.find(canary), std::string::npos) << canary << " in " << e.path;
    }
    scanned += e.path.size() + e.content.size();
  }
  EXPECT_GT(scanned, 1000u);
}

TEST_P(ArchiveExporterTest, SvCeilingExportsSvButNeverAnUnknownLabel) {
  ExportOptions o = DefaultOptions();
  o.ceiling = Confidentiality::kSV;
  auto summary = Export(FileNameFor(GetParam()), o);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->documents_exported, 9u);
  std::string all;
  for (const auto& e : ReadArchive(Path(FileNameFor(GetParam())))) all += e.path + "\n" + e.content;
  EXPECT_NE(all.find(kSvContent), std::string::npos);
  EXPECT_EQ(all.find(std::string(kSvContent) + "-2"), std::string::npos);
  EXPECT_NE(all.find("aaaaaaaa-0000-4000-8000-00000000000a,UNKNOWN"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, ArchiveExporterTest, ::testing::ValuesIn(kAllFormats),
                         [](const auto& info) {
                           std::string n(ExportFormatName(info.param));
                           std::replace(n.begin(), n.end(), '.', '_');
                           return n;
                         });

// Runs an export in a child process with its own TZ, locale and umask, as the CLI would.
void ExportInChild(const DossierSnapshot& snapshot, FakeBlobSource& blobs, const std::string& out,
                   const char* tz, const char* locale, mode_t mask) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setenv("TZ", tz, 1);
    setenv("LC_ALL", locale, 1);
    tzset();
    std::setlocale(LC_ALL, "");
    umask(mask);
    PosixFileSystem posix;
    ArchiveExporter exporter(posix, blobs);
    auto r = exporter.Export(snapshot, DefaultOptions(), out);
    if (!r.ok()) std::fprintf(stderr, "child: %s\n", r.status().ToString().c_str());
    _exit(r.ok() ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child export failed for " << out;
}

TEST(ArchiveExporterDeterminismTest, SameBytesUnderDifferentTzLocaleAndUmaskForEveryFormat) {
  TempDir dir;
  FakeBlobSource blobs;
  DossierSnapshot snapshot = MakeSnapshot(blobs);
  int compared = 0;
  for (ExportFormat f : kAllFormats) {
    const std::string a = (dir / ("a." + std::string(ExportFormatName(f)))).string();
    const std::string b = (dir / ("b." + std::string(ExportFormatName(f)))).string();
    ExportInChild(snapshot, blobs, a, "UTC", "C", 022);
    ExportInChild(snapshot, blobs, b, "Pacific/Kiritimati", "C.UTF-8", 077);
    EXPECT_EQ(DigestOf(ReadFile(a)).sha256, DigestOf(ReadFile(b)).sha256) << ExportFormatName(f) << " differs";
    ++compared;
  }
  // The input order of documents must not matter either.
  std::reverse(snapshot.documents.begin(), snapshot.documents.end());
  const std::string c = (dir / "c.tar").string();
  ExportInChild(snapshot, blobs, c, "America/St_Johns", "C", 002);
  EXPECT_EQ(DigestOf(ReadFile((dir / "a.tar").string())).sha256, DigestOf(ReadFile(c)).sha256);
  std::printf("[ determinism ] %d formats byte-compared across TZ/locale/umask\n", compared);
}

TEST(ArchiveExporterErrorsTest, CorruptObjectAbortsNamingItAndPublishesNothing) {
  TempDir dir;
  FakeBlobSource blobs;
  DossierSnapshot snapshot = MakeSnapshot(blobs);
  blobs.Corrupt(snapshot.documents[1].sha256, "rapport eex");  // same size, other bytes
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  auto r = exporter.Export(snapshot, DefaultOptions(), (dir / "out.tar").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find(snapshot.documents[1].sha256), std::string::npos);
  EXPECT_NE(r.status().message().find(snapshot.documents[1].document.document_id), std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir.path())) << "temp file or output left behind";
}

TEST(ArchiveExporterErrorsTest, ShortObjectAbortsAsCorruption) {
  TempDir dir;
  FakeBlobSource blobs;
  DossierSnapshot snapshot = MakeSnapshot(blobs);
  blobs.Corrupt(snapshot.documents[1].sha256, "rapport");
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  auto r = exporter.Export(snapshot, DefaultOptions(), (dir / "out.tar").string());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(ArchiveExporterErrorsTest, FailedWriteLeavesThePreviousArchiveUntouched) {
  TempDir dir;
  FakeBlobSource blobs;
  DossierSnapshot snapshot = MakeSnapshot(blobs);
  const std::string out = (dir / "out.tar").string();
  WriteFile(out, "previous archive");
  PosixFileSystem posix;
  for (FsOp op : {FsOp::kAppend, FsOp::kSync, FsOp::kRename}) {
    FaultyFileSystem faulty(&posix);
    faulty.FailNth(op, 1, ENOSPC);
    ArchiveExporter exporter(faulty, blobs);
    auto r = exporter.Export(snapshot, DefaultOptions(), out);
    EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << static_cast<int>(op);
    EXPECT_EQ(ReadFile(out), "previous archive");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
  }
}

TEST(ArchiveExporterErrorsTest, AFailedDirectorySyncAfterTheRenameSaysTheArchiveWasReplaced) {
  TempDir dir;
  FakeBlobSource blobs;
  const std::string out = (dir / "out.tar").string();
  WriteFile(out, "previous archive");
  PosixFileSystem posix;
  FaultyFileSystem faulty(&posix);
  faulty.FailNth(FsOp::kSyncDir, 1, EIO);
  ArchiveExporter exporter(faulty, blobs);
  auto r = exporter.Export(MakeSnapshot(blobs), DefaultOptions(), out);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is the new archive"), std::string::npos) << r.status().message();
  EXPECT_NE(ReadFile(out), "previous archive");  // what the message says is what happened
}

TEST(ArchiveExporterErrorsTest, AStoppedReadEndsTheExportAndLeavesNoFile) {
  // The CLI's source fails its reads with kCancelled once Ctrl-C was pressed.
  class StopsAtSecondOpen : public BlobSource {
   public:
    explicit StopsAtSecondOpen(FakeBlobSource& inner) : inner_(inner) {}
    Result<std::unique_ptr<ReadableFile>> Open(const std::string& sha256) override {
      if (++opens_ >= 2) return Cancelled("reading the vault: stopped on request (SIGINT/SIGTERM)");
      return inner_.Open(sha256);
    }
    FakeBlobSource& inner_;
    int opens_ = 0;
  };
  TempDir dir;
  FakeBlobSource blobs;
  DossierSnapshot snapshot = MakeSnapshot(blobs);
  ASSERT_GE(snapshot.documents.size(), 2u);
  StopsAtSecondOpen stopping(blobs);
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, stopping);
  auto r = exporter.Export(snapshot, DefaultOptions(), (dir / "out.tar").string());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled) << r.status().ToString();
  EXPECT_NE(r.status().message().find("stopped on request"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir.path())) << "temp file or output left behind";
}

TEST(ArchiveExporterErrorsTest, MissingObjectIsNotFound) {
  TempDir dir;
  FakeBlobSource blobs;
  DossierSnapshot snapshot = MakeSnapshot(blobs);
  snapshot.documents[0].sha256 = std::string(64, 'a');
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  EXPECT_EQ(exporter.Export(snapshot, DefaultOptions(), (dir / "o.tar").string()).status().code(),
            StatusCode::kNotFound);
}

TEST(ArchiveExporterOptionsTest, MissingMdtoValueIsAClearInvalidArgument) {
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  ExportOptions o = DefaultOptions();
  o.mdto.archiefvormer.clear();
  auto r = exporter.Export(MakeSnapshot(blobs), o, (dir / "o.tar").string());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("archiefvormer"), std::string::npos);
  EXPECT_EQ(blobs.opens(), 0);
}

TEST(ArchiveExporterOptionsTest, MalformedBewaartermijnIsRejected) {
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  // No weeks: xsd:duration (termijnLooptijd) has none, and xmllint refuses P2W.
  for (const char* bad : {"20 jaar", "P", "PT", "P20", "20Y", "P2W", "P1Y2W"}) {
    ExportOptions o = DefaultOptions();
    o.mdto.bewaartermijn = bad;
    EXPECT_EQ(exporter.Export(MakeSnapshot(blobs), o, (dir / "o.tar").string()).status().code(),
              StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ArchiveExporterOptionsTest, NoMdtoLeavesOutTheSidecars) {
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  ExportOptions o;
  o.no_mdto = true;
  ASSERT_TRUE(exporter.Export(MakeSnapshot(blobs), o, (dir / "o.tar").string()).ok());
  for (const auto& e : ReadArchive((dir / "o.tar").string())) EXPECT_EQ(e.path.find("/mdto"), std::string::npos);
  EXPECT_TRUE(VerifyArchive(posix, (dir / "o.tar").string())->ok());
}

TEST(ArchiveExporterOptionsTest, FormatComesFromTheFileNameUnlessGiven) {
  EXPECT_EQ(*ExportFormatFromPath("/x/a.tar.gz"), ExportFormat::kTarGz);
  EXPECT_EQ(*ExportFormatFromPath("a.tzst"), ExportFormat::kTarZst);
  EXPECT_EQ(*ExportFormatFromPath("a.zip"), ExportFormat::kZip);
  EXPECT_EQ(ExportFormatFromPath("a.rar").status().code(), StatusCode::kInvalidArgument);
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  ExportOptions o = DefaultOptions();
  o.format = ExportFormat::kZip;
  auto r = exporter.Export(MakeSnapshot(blobs), o, (dir / "export.bin").string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ReadFile((dir / "export.bin").string()).substr(0, 2), "PK");
}

TEST(ArchiveExporterOptionsTest, SnapshotBefore1980IsRejected) {
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  DossierSnapshot s = MakeSnapshot(blobs);
  s.as_of_unix = 0;
  EXPECT_EQ(exporter.Export(s, DefaultOptions(), (dir / "o.tar").string()).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ArchiveExporterContentTest, DossierTitleMentioningAWithheldDocumentIsRedacted) {
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  DossierSnapshot s = MakeSnapshot(blobs);
  s.samenwerking.titel = std::string("Dossier over ") + kSvTitle;
  s.samenwerking.raw_json = std::string(R"({"samenwerkingId":"SAM-1001","titel":"Dossier over )") + kSvTitle + "\"}";
  ASSERT_TRUE(exporter.Export(s, DefaultOptions(), (dir / "o.tar").string()).ok());
  bool stub_seen = false;
  for (const auto& e : ReadArchive((dir / "o.tar").string())) {
    EXPECT_EQ(e.content.find(kSvTitle), std::string::npos) << e.path;
    if (e.path.ends_with("samenwerking.json")) stub_seen = e.content.find("\"achtergehouden\": true") != std::string::npos;
  }
  EXPECT_TRUE(stub_seen);
}

TEST(ArchiveExporterContentTest, LeakThatRedactionCannotRemoveRefusesTheExport) {
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  DossierSnapshot s = MakeSnapshot(blobs);
  s.source_naam = std::string("Afdeling ") + kSvTitle;  // lands in bag-info.txt verbatim
  auto r = exporter.Export(s, DefaultOptions(), (dir / "o.tar").string());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_EQ(r.status().message().find(kSvTitle), std::string::npos) << "the error itself must not leak";
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(ArchiveExporterContentTest, AWithheldNameThatJsonOrXmlEscapesIsStillRedacted) {
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  DossierSnapshot s = MakeSnapshot(blobs);
  const std::string name = "Advies \"Project Zwaluw\" & \\co.pdf";
  s.documents.push_back(MakeDoc(blobs, "bbbbbbbb-0000-4000-8000-00000000000b", name, "SV", "zwaluw"));
  Notificatie n;
  n.notificatie_id = "N-3";
  n.raw_json = nlohmann::json({{"notificatieId", "N-3"}, {"properties", {{"documentNaam", name}}}}).dump();
  s.notificaties.push_back(n);
  auto r = exporter.Export(s, DefaultOptions(), (dir / "o.tar").string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const auto& e : ReadArchive((dir / "o.tar").string())) {
    EXPECT_EQ(e.content.find("Zwaluw"), std::string::npos) << e.path;
  }
}

// A partner writing a withheld name in other capitals is still talking about that document.
TEST(ArchiveExporterContentTest, AWithheldNameInOtherCapitalsIsStillRedacted) {
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  DossierSnapshot s = MakeSnapshot(blobs);
  s.documents.push_back(
      MakeDoc(blobs, "dddddddd-0000-4000-8000-00000000000d", "Project Kievit.pdf", "SV", "vogel"));
  Notificatie n;
  n.notificatie_id = "N-4";
  n.raw_json =
      nlohmann::json({{"notificatieId", "N-4"}, {"properties", {{"tekst", "zie PROJECT KIEVIT"}}}})
          .dump();
  s.notificaties.push_back(n);
  // Beyond ASCII: "É" for "é", and an "e" with a combining accent for the precomposed one.
  s.documents.push_back(MakeDoc(blobs, "dddddddd-0000-4000-8000-00000000000e",
                                "Plan \u00c9\u00e9nhoorn.pdf", "SV", "hoorn"));
  n.notificatie_id = "N-5";
  n.raw_json = nlohmann::json({{"notificatieId", "N-5"},
                               {"properties", {{"tekst", "over PLAN \u00c9\u00c9NHOORN"}}}})
                   .dump();
  s.notificaties.push_back(n);
  n.notificatie_id = "N-6";
  n.raw_json = nlohmann::json({{"notificatieId", "N-6"},
                               {"properties", {{"tekst", "over plan e\u0301e\u0301nhoorn"}}}})
                   .dump();
  s.notificaties.push_back(n);
  auto r = exporter.Export(s, DefaultOptions(), (dir / "o.tar").string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const auto& e : ReadArchive((dir / "o.tar").string())) {
    const std::string folded = NameCollisionKey(e.content);
    EXPECT_EQ(folded.find("kievit"), std::string::npos) << e.path;
    EXPECT_EQ(folded.find("nhoorn"), std::string::npos) << e.path;
  }
}

// An SV document described by an organisation's name does not make that name a secret: the
// export goes on, naming the organisation, and says nothing more of the document.
TEST(ArchiveExporterContentTest, AWithheldDescriptionThatIsADeelnemersNameDoesNotStopTheExport) {
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  DossierSnapshot s = MakeSnapshot(blobs);
  const std::string organisation = "Omgevingsdienst Noord";
  s.deelnemers.push_back({"00000001000000002000", organisation, "DEELNEMER", "BEPERKTE_TOEGANG",
                          "2025-01-02T00:00:00Z", ""});
  s.documents.push_back(MakeDoc(blobs, "eeeeeeee-0000-4000-8000-00000000000e", "Reactie Merel.pdf",
                                "SV", "merel", organisation));
  auto r = exporter.Export(s, DefaultOptions(), (dir / "o.tar").string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  bool named = false;
  for (const auto& e : ReadArchive((dir / "o.tar").string())) {
    EXPECT_EQ(e.content.find("Merel"), std::string::npos) << e.path;
    named |=
        e.path.ends_with("deelnemers.json") && e.content.find(organisation) != std::string::npos;
  }
  EXPECT_TRUE(named) << "the deelnemer's own record was redacted";
}

TEST(ArchiveExporterContentTest, AWithheldNameMadeOfTheExportersOwnWordsDoesNotStopTheExport) {
  for (const char* name : {"Dossier.pdf", "data.xlsx", "Documenten.zip", "Deelnemers.xlsx"}) {
    TempDir dir;
    FakeBlobSource blobs;
    PosixFileSystem posix;
    ArchiveExporter exporter(posix, blobs);
    DossierSnapshot s = MakeSnapshot(blobs);
    s.documents.push_back(MakeDoc(blobs, "cccccccc-0000-4000-8000-00000000000c", name, "SV", "woorden"));
    auto r = exporter.Export(s, DefaultOptions(), (dir / "o.tar").string());
    ASSERT_TRUE(r.ok()) << name << ": " << r.status().ToString();
    for (const auto& e : ReadArchive((dir / "o.tar").string())) {
      EXPECT_EQ(e.content.find(name), std::string::npos) << name << " in " << e.path;
    }
  }
}

TEST(ArchiveExporterContentTest, WithheldCsvListsIdAndLevelOnly) {
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  ASSERT_TRUE(exporter.Export(MakeSnapshot(blobs), DefaultOptions(), (dir / "o.tar").string()).ok());
  for (const auto& e : ReadArchive((dir / "o.tar").string())) {
    if (!e.path.ends_with("achtergehouden.csv")) continue;
    EXPECT_EQ(e.content,
              "documentId,vertrouwelijkheid\n"
              "99999999-0000-4000-8000-000000000009,SV\n"
              "aaaaaaaa-0000-4000-8000-00000000000a,UNKNOWN\n");
    return;
  }
  FAIL() << "no achtergehouden.csv";
}

TEST(ArchiveExporterContentTest, HostileNamesBecomeUniqueSafeEntries) {
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  ASSERT_TRUE(exporter.Export(MakeSnapshot(blobs), DefaultOptions(), (dir / "o.tar").string()).ok());
  std::vector<std::string> docs;
  for (const auto& e : ReadArchive((dir / "o.tar").string())) {
    if (e.path.starts_with("SAM-1001/data/documenten/") && e.type == AE_IFREG) {
      docs.push_back(e.path.substr(25));
    }
  }
  EXPECT_EQ(docs.size(), 8u);
  for (const char* want : {"etc_passwd", "Rapport (22222222).pdf", "RAPPORT (33333333).PDF", "_CON.txt",
                           "C__Windows_evil", "Caf\xC3\xA9 50%.txt", "nul_byte_.txt"}) {
    EXPECT_NE(std::find(docs.begin(), docs.end(), want), docs.end()) << want;
  }
}

TEST(ArchiveExporterContentTest, HistoryEntryOfAWithheldDocumentKeepsOnlyIdAndKind) {
  TempDir dir;
  FakeBlobSource blobs;
  PosixFileSystem posix;
  ArchiveExporter exporter(posix, blobs);
  DossierSnapshot s = MakeSnapshot(blobs);
  ASSERT_TRUE(exporter.Export(s, DefaultOptions(), (dir / "o.tar").string()).ok());
  for (const auto& e : ReadArchive((dir / "o.tar").string())) {
    if (!e.path.ends_with("geschiedenis.jsonl")) continue;
    EXPECT_NE(e.content.find("99999999-0000-4000-8000-000000000009"), std::string::npos);
    EXPECT_EQ(e.content.find(s.documents[8].sha256), std::string::npos);
    EXPECT_NE(e.content.find("[achtergehouden]"), std::string::npos);
    return;
  }
  FAIL() << "no history";
}

}  // namespace
}  // namespace swfvault::testing
