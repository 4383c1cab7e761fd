// GCC 12 reports false -Wmaybe-uninitialized inside libstdc++'s <regex> at -O2 with
// sanitizers (GCC bug 105562); the pragma covers the instantiations in this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "export/mdto_xml.h"

#include <regex>

#include "export/bag_files.h"

namespace swfvault {
namespace {

constexpr std::string_view kHeader =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<MDTO xmlns=\"https://www.nationaalarchief.nl/mdto\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xsi:schemaLocation=\"https://www.nationaalarchief.nl/mdto "
    "https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.1.xsd\">\n";
constexpr std::string_view kFooter = "</MDTO>\n";
constexpr std::string_view kBron = "DSO Samenwerkfunctionaliteit";

// Length of a valid UTF-8 sequence at s[i], or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t len = b < 0x80 ? 1 : b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  const auto b1 = static_cast<unsigned char>(len > 1 ? s[i + 1] : 0);
  if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0) || (b == 0xF0 && b1 < 0x90) ||
      (b == 0xF4 && b1 >= 0x90)) {
    return 0;
  }
  if (b == 0xEF && b1 == 0xBF && static_cast<unsigned char>(s[i + 2]) >= 0xBE) return 0;  // U+FFFE/F
  return len;
}

std::string Element(std::string_view name, std::string_view text) {
  return "<" + std::string(name) + ">" + XmlText(text) + "</" + std::string(name) + ">";
}

std::string Begrip(std::string_view element, std::string_view label, std::string_view lijst) {
  return "<" + std::string(element) + ">" + Element("begripLabel", label) +
         "<begripBegrippenlijst>" + Element("verwijzingNaam", lijst) + "</begripBegrippenlijst></" +
         std::string(element) + ">\n";
}

std::string Identificatie(std::string_view kenmerk, std::string_view bron) {
  return "<identificatie>" + Element("identificatieKenmerk", kenmerk) +
         Element("identificatieBron", bron) + "</identificatie>\n";
}

std::string Verwijzing(std::string_view element, std::string_view naam, std::string_view id) {
  std::string out = "<" + std::string(element) + ">" + Element("verwijzingNaam", naam);
  if (!id.empty()) {
    out += "<verwijzingIdentificatie>" + Element("identificatieKenmerk", id) +
           Element("identificatieBron", kBron) + "</verwijzingIdentificatie>";
  }
  return out + "</" + std::string(element) + ">\n";
}

std::string Waardering(const MdtoValues& v) {
  return Begrip("waardering", v.waardering, "Begrippenlijst Waarderingen MDTO") +
         "<bewaartermijn>" + Element("termijnLooptijd", v.bewaartermijn) + "</bewaartermijn>\n";
}

std::string BeperkingGebruik(Confidentiality level) {
  std::string_view label = level == Confidentiality::kRV   ? "Regulier vertrouwelijk (RV)"
                           : level == Confidentiality::kSV ? "Strikt vertrouwelijk (SV)"
                                                           : "Onbekende vertrouwelijkheid";
  return "<beperkingGebruik>" + Begrip("beperkingGebruikType", label,
                                       "DSO Samenwerkfunctionaliteit vertrouwelijkheidsaanduiding") +
         "</beperkingGebruik>\n";
}

bool IsXsdLanguage(std::string_view s) {
  static const std::regex kLanguage("[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*");
  return std::regex_match(s.begin(), s.end(), kLanguage);
}

}  // namespace

Status CheckMdtoValues(const MdtoValues& v) {
  if (v.waardering.empty()) return InvalidArgument("MDTO value 'waardering' is missing (or use --no-mdto)");
  if (v.archiefvormer.empty()) {
    return InvalidArgument("MDTO value 'archiefvormer' is missing (or use --no-mdto)");
  }
  if (v.bewaartermijn.empty()) {
    return InvalidArgument("MDTO value 'bewaartermijn' is missing (or use --no-mdto)");
  }
  static const std::regex kDuration("P(?=\\d|T\\d)(\\d+Y)?(\\d+M)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?");
  if (!std::regex_match(v.bewaartermijn, kDuration) || v.bewaartermijn.back() == 'T') {
    return InvalidArgument("MDTO value 'bewaartermijn' must be an ISO-8601 duration such as P20Y, got '" +
                           v.bewaartermijn + "'");
  }
  return Status::Ok();
}

std::string XmlText(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    size_t len = Utf8SequenceLength(text, i);
    if (len == 0) {
      out.push_back('?');
      ++i;
      continue;
    }
    if (len == 1 && static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      ++i;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string DossierMdto(const Samenwerking& s, std::string_view naam,
                        const std::vector<MdtoDocument>& documents, const MdtoValues& values,
                        Confidentiality ceiling) {
  std::string x(kHeader);
  x += "<informatieobject>\n" + Identificatie(s.samenwerking_id, kBron);
  x += Element("naam", naam) + "\n";
  x += Begrip("aggregatieniveau", "Dossier", "Begrippenlijst Aggregatieniveau MDTO");
  x += Waardering(values);
  for (const auto& d : documents) {
    x += Verwijzing("bevatOnderdeel", d.archive_name, d.document->document_id);
  }
  x += Verwijzing("archiefvormer", values.archiefvormer, "");
  x += BeperkingGebruik(ceiling);
  return x + "</informatieobject>\n" + std::string(kFooter);
}

std::string DocumentMdto(const Samenwerking& s, const MdtoDocument& doc, const MdtoValues& values) {
  const Document& d = *doc.document;
  std::string x(kHeader);
  x += "<informatieobject>\n" + Identificatie(d.document_id, kBron);
  x += Element("naam", doc.archive_name) + "\n";
  x += Begrip("aggregatieniveau", "Archiefstuk", "Begrippenlijst Aggregatieniveau MDTO");
  if (!d.document_omschrijving.empty()) x += Element("omschrijving", d.document_omschrijving) + "\n";
  if (IsXsdLanguage(d.taal)) x += Element("taal", d.taal) + "\n";
  x += Waardering(values);
  x += Verwijzing("isOnderdeelVan", s.samenwerking_id, s.samenwerking_id);
  x += Verwijzing("heeftRepresentatie", "data/documenten/" + doc.archive_name, "");
  x += Verwijzing("archiefvormer", values.archiefvormer, "");
  x += BeperkingGebruik(d.vertrouwelijkheid);
  return x + "</informatieobject>\n" + std::string(kFooter);
}

std::string BestandMdto(const MdtoDocument& doc, int64_t checksum_unix) {
  const Document& d = *doc.document;
  std::string x(kHeader);
  x += "<bestand>\n" + Identificatie("data/documenten/" + doc.archive_name, "swfvault archief");
  x += Element("naam", doc.archive_name) + "\n";
  x += Element("omvang", std::to_string(doc.size)) + "\n";
  x += Begrip("bestandsformaat", d.formaat.empty() ? "application/octet-stream" : d.formaat,
              "IANA Media Types");
  x += "<checksum>" + Begrip("checksumAlgoritme", "SHA256", "Begrippenlijst ChecksumAlgoritme MDTO");
  x += Element("checksumWaarde", doc.sha256) + Element("checksumDatum", FormatUtcDateTime(checksum_unix));
  x += "</checksum>\n";
  x += Verwijzing("isRepresentatieVan", doc.archive_name, d.document_id);
  return x + "</bestand>\n" + std::string(kFooter);
}

}  // namespace swfvault
