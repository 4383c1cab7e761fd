#include "export/index_html.h"

#include "export/bag_files.h"
#include "export/mdto_xml.h"

namespace swfvault {
namespace {

std::string Cell(std::string_view text) { return "<td>" + XmlText(text) + "</td>"; }

std::string Link(std::string_view path, std::string_view text) {
  return "<a href=\"" + UrlPath(path) + "\">" + XmlText(text) + "</a>";
}

std::string DeelnemersTable(const std::vector<Deelnemer>& list) {
  std::string h = "<h2>Deelnemers</h2>\n<table>\n<tr><th>OIN</th><th>Naam</th><th>Rol</th><th>Privilege</th></tr>\n";
  for (const auto& d : list) {
    h += "<tr>" + Cell(d.oin) + Cell(d.naam) + Cell(d.rol) + Cell(d.privilege) + "</tr>\n";
  }
  return h + "</table>\n";
}

std::string DocumentsTable(const std::vector<IndexDocument>& list) {
  std::string h = "<h2>Documenten (" + std::to_string(list.size()) + ")</h2>\n<table>\n"
                  "<tr><th>Bestand</th><th>Grootte (bytes)</th><th>Vertrouwelijkheid</th>"
                  "<th>SHA-256</th><th>Document-id</th><th>MDTO</th></tr>\n";
  for (const auto& d : list) {
    const std::string path = "data/documenten/" + d.archive_name;
    h += "<tr><td>" + Link(path, d.archive_name) + "</td>" + Cell(std::to_string(d.doc->size)) +
         Cell(ConfidentialityName(d.doc->document.vertrouwelijkheid)) + "<td><code>" +
         XmlText(d.doc->sha256) + "</code></td>" + Cell(d.doc->document.document_id) + "<td>" +
         (d.mdto_path.empty() ? std::string("-") : Link(d.mdto_path, "xml")) + "</td></tr>\n";
  }
  return h + "</table>\n";
}

std::string WithheldTable(const std::vector<IndexWithheld>& list) {
  std::string h = "<h2>Achtergehouden (" + std::to_string(list.size()) + ")</h2>\n"
                  "<p>Documenten boven het maximale niveau van deze export; alleen id en niveau.</p>\n"
                  "<table>\n<tr><th>Document-id</th><th>Niveau</th></tr>\n";
  for (const auto& w : list) h += "<tr>" + Cell(w.document_id) + Cell(w.level) + "</tr>\n";
  return h + "</table>\n";
}

}  // namespace

std::string UrlPath(std::string_view path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out.push_back(ch);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string IndexHtml(const IndexPage& p) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>Samenwerkdossier " + XmlText(p.dossier_id) + "</title>\n"
      "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
      "td,th{border:1px solid #999;padding:2px 6px;text-align:left}</style>\n</head>\n<body>\n";
  h += "<h1>Samenwerkdossier " + XmlText(p.dossier_id) + "</h1>\n<table>\n";
  h += "<tr><th>Naam</th>" + Cell(p.dossier_naam) + "</tr>\n";
  h += "<tr><th>Status</th>" + Cell(p.dossier_status) + "</tr>\n";
  h += "<tr><th>Bron</th>" + Cell(p.source) + "</tr>\n";
  h += "<tr><th>Maximaal niveau</th>" + Cell(p.ceiling) + "</tr>\n";
  h += "<tr><th>Stand van</th>" + Cell(p.snapshot_time) + "</tr>\n</table>\n";
  h += DeelnemersTable(p.deelnemers) + DocumentsTable(p.documents) + WithheldTable(p.withheld);
  h += "<h2>Controle</h2>\n<p>Dit is een BagIt-bag (RFC 8493): zie " + Link("bag-info.txt", "bag-info.txt") +
       ", " + Link("manifest-sha256.txt", "manifest-sha256.txt") + " en " +
       Link("manifest-sha512.txt", "manifest-sha512.txt") + ". Metadata: " +
       Link("data/metadata/", "data/metadata/") + "; geschiedenis (hash-keten): " +
       Link(kHistoryPath, "geschiedenis.jsonl") + ".</p>\n</body>\n</html>\n";
  return h;
}

}  // namespace swfvault
