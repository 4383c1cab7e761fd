#include "swfvault/archive_verifier.h"

#include <algorithm>

#include "export/export_test_support.h"
#include "support/temp_dir.h"
#include "swfvault/hashing.h"

namespace swfvault::testing {
namespace {

ArchiveEntry FileEntry(const std::string& path, const std::string& content) {
  ArchiveEntry e;
  e.path = path;
  e.content = content;
  e.type = AE_IFREG;
  e.perm = 0644;
  return e;
}

// Writes `entries` as a pax tar (the way a tamperer would repack an archive).
void WriteTar(const std::string& path, const std::vector<ArchiveEntry>& entries) {
  ScopedUtf8Locale utf8;
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname_utf8(entry, e.path.c_str());
    archive_entry_set_filetype(entry, static_cast<unsigned>(e.type));
    archive_entry_set_perm(entry, static_cast<mode_t>(e.perm));
    archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
    if (e.sparse) {  // all data, then a hole to the end: a reader fills it with zeros
      archive_entry_sparse_add_entry(entry, 0, static_cast<la_int64_t>(e.content.size()));
      archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()) + (1 << 20));
    }
    ASSERT_EQ(archive_write_header(a, entry), ARCHIVE_OK) << e.path;
    if (!e.content.empty()) archive_write_data(a, e.content.data(), e.content.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
}

class ArchiveVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override { Export("good.tar", ExportFormat::kTar); }

  void Export(const std::string& name, ExportFormat format) {
    ArchiveExporter exporter(posix_, blobs_);
    ExportOptions o = DefaultOptions();
    o.format = format;
    ASSERT_TRUE(exporter.Export(snapshot_, o, Path(name)).ok());
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::vector<ArchiveFinding> Verify(const std::string& name) {
    auto report = VerifyArchive(posix_, Path(name));
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? report->findings : std::vector<ArchiveFinding>{};
  }

  // Repacks good.tar as bad.tar after `edit` changed its entries, and verifies it.
  std::vector<ArchiveFinding> VerifyEdited(const std::function<void(std::vector<ArchiveEntry>&)>& edit) {
    auto entries = ReadArchive(Path("good.tar"));
    edit(entries);
    WriteTar(Path("bad.tar"), entries);
    return Verify("bad.tar");
  }

  ArchiveEntry& Find(std::vector<ArchiveEntry>& entries, const std::string& suffix) {
    auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.path.ends_with(suffix); });
    EXPECT_NE(it, entries.end()) << suffix;
    return *it;
  }

  static bool Has(const std::vector<ArchiveFinding>& findings, const std::string& path, const std::string& problem) {
    return std::any_of(findings.begin(), findings.end(), [&](const ArchiveFinding& f) {
      return f.path == path && f.problem.find(problem) != std::string::npos;
    });
  }

  TempDir dir_;
  PosixFileSystem posix_;
  FakeBlobSource blobs_;
  DossierSnapshot snapshot_ = MakeSnapshot(blobs_);
};

TEST_F(ArchiveVerifierTest, FreshExportHasNoFindings) { EXPECT_TRUE(Verify("good.tar").empty()); }

TEST_F(ArchiveVerifierTest, UnchangedRepackIsStillValid) {
  EXPECT_TRUE(VerifyEdited([](auto&) {}).empty());
}

TEST_F(ArchiveVerifierTest, FlippedBitInADocumentIsFound) {
  std::string bytes = ReadFile(Path("good.tar"));
  size_t at = bytes.find("rapport twee");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 3] ^= 0x01;
  WriteFile(Path("flipped.tar"), bytes);
  auto findings = Verify("flipped.tar");
  EXPECT_TRUE(Has(findings, "data/documenten/RAPPORT (33333333).PDF", "SHA-256 does not match"));
  EXPECT_TRUE(Has(findings, "data/documenten/RAPPORT (33333333).PDF", "SHA-512 does not match"));
}

TEST_F(ArchiveVerifierTest, FlippedBitInEveryCompressedFormatIsFound) {
  for (ExportFormat f : {ExportFormat::kTarGz, ExportFormat::kTarZst, ExportFormat::kZip}) {
    const std::string name = "c." + std::string(ExportFormatName(f));
    Export(name, f);
    std::string bytes = ReadFile(Path(name));
    bytes[bytes.size() / 2] ^= 0x10;
    WriteFile(Path(name), bytes);
    EXPECT_FALSE(Verify(name).empty()) << ExportFormatName(f);
  }
}

// A zip is judged by its central directory, as unzip and desktop tools read it.
TEST_F(ArchiveVerifierTest, AZipIsCheckedAgainstItsCentralDirectory) {
  Export("good.zip", ExportFormat::kZip);
  ASSERT_TRUE(Verify("good.zip").empty());
  const std::string bytes = ReadFile(Path("good.zip"));
  for (size_t cut : {1, 10, 40}) {  // into the end record and the central directory
    WriteFile(Path("cut.zip"), bytes.substr(0, bytes.size() - cut));
    EXPECT_FALSE(Verify("cut.zip").empty()) << "cut by " << cut;
  }
  // The first central-directory entry renamed to an absolute path of the same length: the
  // local headers still read as before.
  std::string renamed = bytes;
  size_t cd = renamed.find(std::string("PK\x01\x02", 4));
  ASSERT_NE(cd, std::string::npos);
  size_t name_len = static_cast<unsigned char>(renamed[cd + 28]) | static_cast<unsigned char>(renamed[cd + 29]) << 8;
  ASSERT_GE(name_len, 2u);
  renamed.replace(cd + 46, name_len, "/" + std::string(name_len - 1, 'x'));
  WriteFile(Path("renamed.zip"), renamed);
  EXPECT_TRUE(Has(Verify("renamed.zip"), "", "names another path"));
  // ... or marked, in the central directory only, as a symbolic link made on Unix.
  std::string linked = bytes;
  linked[cd + 5] = 3;
  linked[cd + 40] = static_cast<char>(0xFF);  // external attributes' high half: mode 0120777
  linked[cd + 41] = static_cast<char>(0xA1);
  WriteFile(Path("linked.zip"), linked);
  std::vector<ArchiveFinding> findings = Verify("linked.zip");
  EXPECT_TRUE(std::any_of(findings.begin(), findings.end(), [](const ArchiveFinding& f) {
    return f.problem.find("neither a file nor a directory") != std::string::npos;
  })) << findings.size();
}

// unzip goes by the central directory, a front-to-back reader by the local headers: bytes
// between the last entry and the directory (where a forger hides a second copy of an entry,
// pointed at by the directory) or a Unicode path naming another file must not pass as valid.
TEST_F(ArchiveVerifierTest, AZipWithBytesBeforeItsDirectoryOrAnotherUnicodePathIsInvalid) {
  Export("good.zip", ExportFormat::kZip);
  const std::string bytes = ReadFile(Path("good.zip"));
  const size_t cd = bytes.find(std::string("PK\x01\x02", 4));
  const size_t eocd = bytes.rfind(std::string("PK\x05\x06", 4));
  ASSERT_NE(cd, std::string::npos);
  ASSERT_NE(eocd, std::string::npos);
  auto put32 = [](std::string& b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + static_cast<size_t>(i)] = static_cast<char>(v >> (8 * i));
  };
  std::string hidden = bytes;
  const std::string junk = std::string("PK\x03\x04", 4) + std::string(60, 'h');
  hidden.insert(cd, junk);
  put32(hidden, eocd + junk.size() + 16, static_cast<uint32_t>(cd + junk.size()));
  WriteFile(Path("hidden.zip"), hidden);
  EXPECT_TRUE(
      Has(Verify("hidden.zip"), "", "bytes between the last entry and the central directory"));

  // A Unicode path extra field (0x7075) in the first directory entry, naming another file.
  const size_t name_len =
      static_cast<unsigned char>(bytes[cd + 28]) | static_cast<unsigned char>(bytes[cd + 29]) << 8;
  const size_t extra_len =
      static_cast<unsigned char>(bytes[cd + 30]) | static_cast<unsigned char>(bytes[cd + 31]) << 8;
  const std::string other = "../evil.pdf";
  std::string field = std::string("\x75\x70", 2);
  field.push_back(static_cast<char>(5 + other.size()));
  field.push_back('\0');
  field += std::string("\x01\0\0\0\0", 5) + other;
  std::string upath = bytes;
  upath.insert(cd + 46 + name_len + extra_len, field);
  const size_t new_extra = extra_len + field.size();
  upath[cd + 30] = static_cast<char>(new_extra & 0xFF);
  upath[cd + 31] = static_cast<char>(new_extra >> 8);
  const size_t cd_size = static_cast<unsigned char>(bytes[eocd + 12]) |
                         static_cast<unsigned char>(bytes[eocd + 13]) << 8 |
                         static_cast<unsigned char>(bytes[eocd + 14]) << 16;
  put32(upath, eocd + field.size() + 12, static_cast<uint32_t>(cd_size + field.size()));
  WriteFile(Path("upath.zip"), upath);
  EXPECT_TRUE(Has(Verify("upath.zip"), "", "another Unicode path"));
}

// A tar with a zip appended reads as a valid bag to a tar reader and as the zip to unzip.
TEST_F(ArchiveVerifierTest, ATarThatAlsoReadsAsAZipIsInvalid) {
  Export("good.tar", ExportFormat::kTar);
  Export("other.zip", ExportFormat::kZip);
  ASSERT_TRUE(Verify("good.tar").empty());
  WriteFile(Path("both.tar"), ReadFile(Path("good.tar")) + ReadFile(Path("other.zip")));
  EXPECT_TRUE(Has(Verify("both.tar"), "", "also reads as a zip"));
}

// unzip writes as many bytes as the central directory gives: another size there than was
// read is a finding.
TEST_F(ArchiveVerifierTest, AZipWhoseDirectoryGivesAnotherSizeIsInvalid) {
  Export("good.zip", ExportFormat::kZip);
  std::string bytes = ReadFile(Path("good.zip"));
  size_t cd = 0;
  std::string name;
  while (name.empty() || name.back() == '/') {  // the first file, not a directory
    cd = bytes.find(std::string("PK\x01\x02", 4), cd + 1);
    ASSERT_NE(cd, std::string::npos);
    const size_t name_len = static_cast<unsigned char>(bytes[cd + 28]) |
                            static_cast<unsigned char>(bytes[cd + 29]) << 8;
    name = bytes.substr(cd + 46, name_len);
  }
  bytes[cd + 24] = static_cast<char>(bytes[cd + 24] + 1);
  WriteFile(Path("size.zip"), bytes);
  EXPECT_TRUE(Has(Verify("size.zip"), name, "zip central directory gives")) << name;
}

// A validator must check every manifest (RFC 8493 3). A tag manifest in SHA-512 is checked
// too; a manifest in an algorithm verify-archive does not compute is a finding, not a pass.
TEST_F(ArchiveVerifierTest, EveryManifestIsCheckedOrAFinding) {
  auto with_tag_sha512 = [this](bool tamper) {
    return VerifyEdited([this, tamper](auto& entries) {
      std::string text;
      for (const ArchiveEntry& e : entries) {
        const std::string rel = e.path.substr(e.path.find('/') + 1);
        if (e.type != AE_IFREG || rel.starts_with("data/") || rel.starts_with("tagmanifest-"))
          continue;
        text += Sha512HexOf(tamper && rel == "bagit.txt" ? e.content + " " : e.content) + "  " +
                rel + "\n";
      }
      entries.push_back(FileEntry("SAM-1001/tagmanifest-sha512.txt", text));
    });
  };
  EXPECT_TRUE(with_tag_sha512(false).empty());
  EXPECT_TRUE(
      Has(with_tag_sha512(true), "bagit.txt", "SHA-512 does not match tagmanifest-sha512.txt"));

  auto findings = VerifyEdited([](auto& entries) {
    entries.push_back(FileEntry("SAM-1001/manifest-md5.txt", "0123  data/documenten/_CON.txt\n"));
    entries.push_back(FileEntry("SAM-1001/tagmanifest-sha1.txt", "0123  bagit.txt\n"));
  });
  EXPECT_TRUE(Has(findings, "manifest-md5.txt",
                  "is a manifest of 'md5', which verify-archive cannot check"));
  EXPECT_TRUE(Has(findings, "tagmanifest-sha1.txt", "is a manifest of 'sha1'"));
}

// The hash export reported, given apart from the archive, pins it: any other file is a
// finding, even a valid bag. The whole file counts, a zip's central directory included.
TEST_F(ArchiveVerifierTest, AnExpectedSha256PinsTheWholeFile) {
  Export("good.zip", ExportFormat::kZip);
  for (const std::string name : {"good.tar", "good.zip"}) {
    const std::string sha = Sha256Hex(ReadFile(Path(name)));
    Result<ArchiveReport> pinned = VerifyArchive(posix_, Path(name), sha);
    ASSERT_TRUE(pinned.ok()) << pinned.status().ToString();
    EXPECT_TRUE(pinned->ok()) << name;
    EXPECT_EQ(pinned->archive_sha256, sha);
    std::string other = sha;
    other[0] = other[0] == '0' ? '1' : '0';
    Result<ArchiveReport> wrong = VerifyArchive(posix_, Path(name), other);
    ASSERT_TRUE(wrong.ok());
    EXPECT_TRUE(
        Has(wrong->findings, "", "the archive's SHA-256 is " + sha + ", not the expected " + other))
        << name;
  }
  // A file that is no archive at all still gets its hash.
  WriteFile(Path("garbage.tar"), "no archive");
  Result<ArchiveReport> garbage =
      VerifyArchive(posix_, Path("garbage.tar"), Sha256Hex("no archive"));
  ASSERT_TRUE(garbage.ok());
  EXPECT_EQ(garbage->archive_sha256, Sha256Hex("no archive"));
  EXPECT_EQ(garbage->findings.size(), 1u);  // not readable; the hash is the one expected
  // Bytes after a tar's end, which no tar reader looks at, are in the hash too.
  const std::string tar = ReadFile(Path("good.tar"));
  WriteFile(Path("padded.tar"), tar + std::string(3 << 20, '\0'));
  Result<ArchiveReport> whole =
      VerifyArchive(posix_, Path("padded.tar"), Sha256Hex(ReadFile(Path("padded.tar"))));
  ASSERT_TRUE(whole.ok());
  EXPECT_TRUE(whole->ok()) << whole->findings[0].problem;
  Result<ArchiveReport> padded = VerifyArchive(posix_, Path("padded.tar"), Sha256Hex(tar));
  ASSERT_TRUE(padded.ok());
  EXPECT_TRUE(Has(padded->findings, "", "not the expected " + Sha256Hex(tar)));
  EXPECT_EQ(padded->findings.size(), 1u);
  // A zip's comment is in no entry, and changes nothing a front-to-back reader checks.
  std::string bytes = ReadFile(Path("good.zip"));
  const std::string sha = Sha256Hex(bytes);
  bytes[bytes.size() - 2] = 4;  // comment length 4
  bytes += "note";
  WriteFile(Path("commented.zip"), bytes);
  Result<ArchiveReport> commented = VerifyArchive(posix_, Path("commented.zip"), sha);
  ASSERT_TRUE(commented.ok());
  EXPECT_TRUE(Has(commented->findings, "", "not the expected " + sha));
  EXPECT_EQ(commented->findings.size(), 1u) << commented->findings[0].problem;
}

TEST_F(ArchiveVerifierTest, RemovedPayloadFileIsFound) {
  auto findings = VerifyEdited([](auto& entries) {
    entries.erase(std::find_if(entries.begin(), entries.end(),
                               [](const auto& e) { return e.path.ends_with("_CON.txt"); }));
  });
  EXPECT_TRUE(Has(findings, "data/documenten/_CON.txt", "listed in manifest-sha256.txt but missing"));
  EXPECT_TRUE(Has(findings, "bag-info.txt", "Payload-Oxum does not match"));
}

TEST_F(ArchiveVerifierTest, AddedPayloadFileIsFound) {
  auto findings = VerifyEdited([](auto& entries) {
    entries.push_back(FileEntry("SAM-1001/data/documenten/extra.pdf", "smuggled"));
  });
  EXPECT_TRUE(Has(findings, "data/documenten/extra.pdf", "payload file not listed in manifest-sha256.txt"));
  EXPECT_TRUE(Has(findings, "data/documenten/extra.pdf", "payload file not listed in manifest-sha512.txt"));
}

// The Payload-Oxum line itself is read, not found as a substring anywhere in bag-info.txt.
TEST_F(ArchiveVerifierTest, PayloadOxumIsReadFromItsOwnLine) {
  auto entries = ReadArchive(Path("good.tar"));
  const std::string info = Find(entries, "/bag-info.txt").content;
  const size_t at = info.find("Payload-Oxum: ");
  ASSERT_NE(at, std::string::npos);
  const std::string line = info.substr(at, info.find('\n', at) + 1 - at);
  auto twice = VerifyEdited([&](auto& e) { Find(e, "/bag-info.txt").content += line; });
  EXPECT_TRUE(Has(twice, "bag-info.txt", "has 2 Payload-Oxum lines"));
  auto hidden = VerifyEdited([&](auto& e) {
    std::string& text = Find(e, "/bag-info.txt").content;
    text.replace(text.find("Payload-Oxum: "), 14, "Payload-Oxum: 9");  // wrong, and the right one
    text += "X-" + line;                                               // only inside another label
  });
  EXPECT_TRUE(Has(hidden, "bag-info.txt", "Payload-Oxum does not match"));
  // A continuation line of nothing but blanks is no text: read, not a crash.
  auto blank = VerifyEdited([&](auto& e) {
    std::string& text = Find(e, "/bag-info.txt").content;
    text.insert(text.find('\n', text.find("Payload-Oxum: ")) + 1, " \t\n");
  });
  EXPECT_FALSE(Has(blank, "bag-info.txt", "Payload-Oxum"));
}

TEST_F(ArchiveVerifierTest, ASparseEntryIsAFindingAndNotRead) {
  auto findings = VerifyEdited([this](auto& entries) { Find(entries, "_CON.txt").sparse = true; });
  EXPECT_TRUE(Has(findings, "data/documenten/_CON.txt", "is a sparse entry; not read"));
}

TEST_F(ArchiveVerifierTest, AddedTagFileIsFound) {
  auto findings = VerifyEdited([](auto& entries) {
    entries.push_back(FileEntry("SAM-1001/readme.txt", "hello"));
  });
  EXPECT_TRUE(Has(findings, "readme.txt", "tag file not listed"));
}

TEST_F(ArchiveVerifierTest, EditedManifestIsFound) {
  auto findings = VerifyEdited([this](auto& entries) {
    std::string& m = Find(entries, "/manifest-sha256.txt").content;
    size_t at = m.find("  data/documenten/etc_passwd");
    ASSERT_NE(at, std::string::npos);
    m[at - 1] = m[at - 1] == '0' ? '1' : '0';
  });
  EXPECT_TRUE(Has(findings, "data/documenten/etc_passwd", "SHA-256 does not match manifest-sha256.txt"));
  EXPECT_TRUE(Has(findings, "manifest-sha256.txt", "SHA-256 does not match tagmanifest-sha256.txt"));
}

TEST_F(ArchiveVerifierTest, ManifestLineRemovedLeavesPayloadUnlisted) {
  auto findings = VerifyEdited([this](auto& entries) {
    std::string& m = Find(entries, "/manifest-sha512.txt").content;
    size_t at = m.find("  data/documenten/etc_passwd\n");
    size_t start = m.rfind('\n', at);
    m.erase(start + 1, at + 28 - start);
  });
  EXPECT_TRUE(Has(findings, "data/documenten/etc_passwd", "payload file not listed in manifest-sha512.txt"));
}

TEST_F(ArchiveVerifierTest, EditedHistoryBreaksTheChain) {
  auto findings = VerifyEdited([this](auto& entries) {
    std::string& h = Find(entries, "geschiedenis.jsonl").content;
    size_t at = h.find("\"added\"");
    ASSERT_NE(at, std::string::npos);
    h.replace(at, 7, "\"adder\"");
  });
  EXPECT_TRUE(Has(findings, "data/metadata/geschiedenis.jsonl", "line 2 does not chain to line 1"));
}

TEST_F(ArchiveVerifierTest, AHistoryOfMoreThan64MiBIsCheckedWhole) {
  // Manifests and the history are read line by line: their size has no limit. (Held whole,
  // a history above 64 MiB was cut short and reported as broken.)
  const size_t before = snapshot_.history.size();
  const std::string detail(1000, 'x');
  while (snapshot_.history.size() < before + 70000) {
    snapshot_.history.push_back({"2025-11-03T10:00:00Z", "metadata_changed", "", "", detail});
  }
  Export("big-history.tar", ExportFormat::kTar);
  auto report = VerifyArchive(posix_, Path("big-history.tar"));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  for (const auto& f : report->findings) ADD_FAILURE() << f.path << ": " << f.problem;
  EXPECT_GE(report->history_entries, before + 70000);
  EXPECT_GT(std::filesystem::file_size(Path("big-history.tar")), 70u << 20);

  // A line longer than the limit is named, not taken for a broken chain.
  auto findings = VerifyEdited([this](auto& entries) {
    Find(entries, "geschiedenis.jsonl").content = std::string(65u << 20, 'y') + "\n";
  });
  EXPECT_TRUE(Has(findings, "data/metadata/geschiedenis.jsonl", "has a line longer than 64 MiB"));
}

TEST_F(ArchiveVerifierTest, MalformedMdtoXmlIsFound) {
  auto findings = VerifyEdited([this](auto& entries) {
    std::string& x = Find(entries, "dossier.mdto.xml").content;
    x.resize(x.size() - 9);  // cut "</MDTO>\n" and one more byte
  });
  EXPECT_TRUE(Has(findings, "data/mdto/dossier.mdto.xml", "not well-formed"));
}

TEST_F(ArchiveVerifierTest, EntryOutsideTheRootIsFound) {
  auto findings = VerifyEdited([](auto& entries) {
    entries.push_back(FileEntry("SAM-1001/../escape.txt", "x"));
    entries.push_back(FileEntry("other/file.txt", "x"));
  });
  EXPECT_TRUE(Has(findings, "SAM-1001/../escape.txt", "'..'"));
  EXPECT_TRUE(Has(findings, "other/file.txt", "outside the bag root"));
}

TEST_F(ArchiveVerifierTest, BagitDeclarationIsChecked) {
  auto findings = VerifyEdited([this](auto& entries) { Find(entries, "/bagit.txt").content = "BagIt-Version: 0.97\n"; });
  EXPECT_TRUE(Has(findings, "bagit.txt", "not a BagIt 1.0 declaration"));
}

TEST_F(ArchiveVerifierTest, GarbageIsAFindingNotAnError) {
  WriteFile(Path("garbage.tar"), std::string(5000, 'z'));
  EXPECT_FALSE(Verify("garbage.tar").empty());
}

TEST_F(ArchiveVerifierTest, MissingArchiveIsNotFound) {
  EXPECT_EQ(VerifyArchive(posix_, Path("nope.tar")).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace swfvault::testing
