// Shared pieces of the export tests: an in-memory BlobSource, a dossier with hostile names and
// SV documents, and a libarchive reader that lists an archive's entries. Not thread-safe.
#ifndef SWFVAULT_TESTS_EXPORT_EXPORT_TEST_SUPPORT_H_
#define SWFVAULT_TESTS_EXPORT_EXPORT_TEST_SUPPORT_H_

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "export/bag_digest.h"
#include "export/utf8_locale.h"
#include "swfvault/archive_exporter.h"

namespace swfvault::testing {

class StringReader : public ReadableFile {
 public:
  explicit StringReader(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

// Objects by SHA-256; `Corrupt` swaps in other bytes under the same name.
class FakeBlobSource : public BlobSource {
 public:
  std::string Put(const std::string& content) {
    std::string sha = DigestOf(content).sha256;
    objects_[sha] = content;
    return sha;
  }
  void Corrupt(const std::string& sha, const std::string& content) { objects_[sha] = content; }
  Result<std::unique_ptr<ReadableFile>> Open(const std::string& sha256) override {
    ++opens_;
    auto it = objects_.find(sha256);
    if (it == objects_.end()) return NotFound("object " + sha256);
    return std::unique_ptr<ReadableFile>(std::make_unique<StringReader>(it->second));
  }
  int opens() const { return opens_; }

 private:
  std::map<std::string, std::string> objects_;
  int opens_ = 0;
};

// Canaries that must never appear in an RV export.
inline constexpr const char* kSvContent = "SV-CANARY-CONTENT-7d1f";
inline constexpr const char* kSvName = "Geheim-Onderzoeksrapport-SVNAME.pdf";
inline constexpr const char* kSvTitle = "Strikt-vertrouwelijke-omschrijving-SVTITLE";
inline constexpr int64_t kSnapshotTime = 1764331200;  // 2025-11-28T12:00:00Z

inline ExportDocument MakeDoc(FakeBlobSource& blobs, const std::string& id, const std::string& name,
                              const std::string& label, const std::string& content,
                              const std::string& omschrijving = "") {
  ExportDocument d;
  d.document.document_id = id;
  d.document.samenwerking_id = "SAM-1001";
  d.document.bestands_naam = name;
  d.document.document_omschrijving = omschrijving;
  d.document.vertrouwelijkheid_label = label;
  d.document.vertrouwelijkheid = ParseConfidentiality(label);
  d.document.formaat = "application/pdf";
  d.document.taal = "nl";
  d.sha256 = blobs.Put(content);
  d.document.document_hash = d.sha256;
  d.size = content.size();
  return d;
}

// A dossier with hostile names, a case collision, and two SV documents whose name, title
// and content are canaries; the notifications and history mention them too.
inline DossierSnapshot MakeSnapshot(FakeBlobSource& blobs) {
  DossierSnapshot s;
  s.samenwerking.samenwerking_id = "SAM-1001";
  s.samenwerking.titel = "Omgevingsvergunning Dorpsstraat 1";
  s.samenwerking.status = "OPEN";
  s.samenwerking.raw_json = R"({"samenwerkingId":"SAM-1001","titel":"Omgevingsvergunning Dorpsstraat 1","status":"OPEN"})";
  s.deelnemers = {{"00000001000000001000", "Gemeente A", "INITIATOR", "VOLLEDIGE_TOEGANG", "2025-01-01T00:00:00Z", ""}};
  s.documents.push_back(MakeDoc(blobs, "11111111-0000-4000-8000-000000000001", "../../etc/passwd", "RV", "root:x:0:0\n"));
  s.documents.push_back(MakeDoc(blobs, "22222222-0000-4000-8000-000000000002", "Rapport.pdf", "", "rapport een"));
  s.documents.push_back(MakeDoc(blobs, "33333333-0000-4000-8000-000000000003", "RAPPORT.PDF", "RV", "rapport twee"));
  s.documents.push_back(MakeDoc(blobs, "44444444-0000-4000-8000-000000000004", "CON.txt", "RV", "device"));
  s.documents.push_back(MakeDoc(blobs, "55555555-0000-4000-8000-000000000005", "C:\\Windows\\evil .", "RV", "evil"));
  s.documents.push_back(MakeDoc(blobs, "66666666-0000-4000-8000-000000000006", "Cafe\xCC\x81 50%.txt", "RV", "cafe"));
  s.documents.push_back(MakeDoc(blobs, "77777777-0000-4000-8000-000000000007", std::string("nul\0byte\n.txt", 13), "RV", "nul"));
  s.documents.push_back(MakeDoc(blobs, "88888888-0000-4000-8000-000000000008", std::string(300, 'x') + ".pdf", "RV", "long"));
  s.documents.push_back(MakeDoc(blobs, "99999999-0000-4000-8000-000000000009", kSvName, "SV", kSvContent, kSvTitle));
  s.documents.push_back(MakeDoc(blobs, "aaaaaaaa-0000-4000-8000-00000000000a", "ongelabeld-geheim.pdf", "GEHEIM",
                                std::string(kSvContent) + "-2"));
  Notificatie n;
  n.notificatie_id = "N-1";
  n.notificatie_type = "DOCUMENT_TOEGEVOEGD";
  n.raw_json = std::string(R"({"notificatieId":"N-1","properties":{"documentNaam":")") + kSvName + "\"}}";
  s.notificaties.push_back(n);
  Notificatie ok;
  ok.notificatie_id = "N-2";
  ok.raw_json = R"({"notificatieId":"N-2","notificatieTitel":"Rapport.pdf toegevoegd"})";
  s.notificaties.push_back(ok);
  s.history.push_back({"2025-11-01T10:00:00Z", "document_added", "22222222-0000-4000-8000-000000000002",
                       s.documents[1].sha256, "added"});
  s.history.push_back({"2025-11-02T10:00:00Z", "document_added", "99999999-0000-4000-8000-000000000009",
                       s.documents[8].sha256, std::string("added ") + kSvName});
  s.source_oin = "00000001000000001000";
  s.source_naam = "Gemeente A";
  s.as_of_unix = kSnapshotTime;
  return s;
}

inline ExportOptions DefaultOptions() {
  ExportOptions o;
  o.mdto = {"B", "Gemeente A", "P20Y"};
  o.software_version = "0.1.0-test";
  return o;
}

struct ArchiveEntry {
  std::string path;
  std::string content;
  int type = 0;
  int perm = 0;
  int64_t uid = -1, gid = -1;
  int64_t mtime = 0;
  std::string uname, gname;
  bool sparse = false;  // WriteTar: the content, then a hole of 1 MiB
};

// Every entry of the archive at `path` (any format libarchive reads), with content.
inline std::vector<ArchiveEntry> ReadArchive(const std::string& path) {
  std::vector<ArchiveEntry> out;
  ScopedUtf8Locale utf8;
  struct archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_all(a);
  archive_read_set_options(a, "hdrcharset=UTF-8");
  EXPECT_EQ(archive_read_open_filename(a, path.c_str(), 1 << 16), ARCHIVE_OK) << archive_error_string(a);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    ArchiveEntry entry;
    const char* name = archive_entry_pathname_utf8(e);
    entry.path = name ? name : archive_entry_pathname(e);
    entry.type = archive_entry_filetype(e);
    entry.perm = archive_entry_perm(e);
    entry.uid = archive_entry_uid(e);
    entry.gid = archive_entry_gid(e);
    entry.mtime = archive_entry_mtime(e);
    entry.uname = archive_entry_uname(e) ? archive_entry_uname(e) : "";
    entry.gname = archive_entry_gname(e) ? archive_entry_gname(e) : "";
    char buf[65536];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) entry.content.append(buf, static_cast<size_t>(n));
    out.push_back(std::move(entry));
  }
  archive_read_free(a);
  return out;
}

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_EXPORT_EXPORT_TEST_SUPPORT_H_
