// MDTO 1.0.1 XML sidecars (Nationaal Archief, namespace https://www.nationaalarchief.nl/mdto):
// one informatieobject for the dossier, one informatieobject per document and one bestand per
// file. Elements follow the schema's sequence order so the output validates against
// fixtures/mdto/MDTO-XML1.0.1.xsd. Pure functions, thread-safe.
#ifndef SWFVAULT_EXPORT_MDTO_XML_H_
#define SWFVAULT_EXPORT_MDTO_XML_H_

#include <string>
#include <string_view>
#include <vector>

#include "swfvault/archive_exporter.h"
#include "swfvault/status.h"

namespace swfvault {

// Ok when all three values are present and bewaartermijn is an xsd:duration such as "P20Y";
// otherwise kInvalidArgument naming the missing or malformed value.
Status CheckMdtoValues(const MdtoValues& values);

// Text safe inside an XML element: escapes &<>"', drops characters XML 1.0 forbids and turns
// invalid UTF-8 into '?'.
std::string XmlText(std::string_view text);

struct MdtoDocument {
  const Document* document;
  std::string archive_name;  // file name under data/documenten/
  std::string sha256;
  uint64_t size = 0;
};

std::string DossierMdto(const Samenwerking& s, std::string_view naam,
                        const std::vector<MdtoDocument>& documents, const MdtoValues& values,
                        Confidentiality ceiling);
std::string DocumentMdto(const Samenwerking& s, const MdtoDocument& doc, const MdtoValues& values);
std::string BestandMdto(const MdtoDocument& doc, int64_t checksum_unix);

}  // namespace swfvault

#endif  // SWFVAULT_EXPORT_MDTO_XML_H_
