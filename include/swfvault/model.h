// The SWF data model as swfvault uses it (field names follow ../shared/spec/swf-api.md
// section 4). Plain value types, safe to copy and to share read-only between threads.
//
// Every record keeps `raw_json`: the resource exactly as the server sent it (minus nothing),
// so fields this version does not know survive into the catalog and the archive. Enumerations
// the server may extend are kept as strings; only confidentiality is interpreted, and it fails
// closed (RELIABILITY rule 12).
#ifndef SWFVAULT_MODEL_H_
#define SWFVAULT_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace swfvault {

// Confidentiality levels in increasing order. kUnknown is any label we do not recognise and
// ranks above SV: it is never released to a target with a lower ceiling.
enum class Confidentiality { kRV = 0, kSV = 1, kUnknown = 2 };

// null/empty -> kRV (the API says so), "RV" -> kRV, "SV" -> kSV, anything else -> kUnknown.
Confidentiality ParseConfidentiality(std::string_view label);
std::string_view ConfidentialityName(Confidentiality level);  // "RV", "SV", "UNKNOWN"
// True when a document at `level` may be held by a target whose ceiling is `ceiling`.
inline bool AllowedUnder(Confidentiality level, Confidentiality ceiling) {
  return static_cast<int>(level) <= static_cast<int>(ceiling);
}

struct Samenwerking {
  std::string samenwerking_id;  // "SAM-<digits>"
  std::string titel;
  std::string beschrijving;
  std::string status;  // INITIALISATIE, OPEN, GESLOTEN, or a value we do not know
  std::string verzoeknummer;
  std::string aangemaakt_door;  // OIN
  std::string creatie_datum_tijd;
  std::string laatst_aangepast_datum_tijd;
  std::string raw_json;
};

struct Document {
  std::string document_id;  // UUID
  std::string samenwerking_id;
  std::string bestands_naam;
  std::string document_omschrijving;
  std::string vertrouwelijkheid_label;  // as sent ("" when null)
  Confidentiality vertrouwelijkheid = Confidentiality::kRV;
  std::string taal;
  std::string formaat;          // MIME type
  std::string document_hash;    // lowercase hex SHA-256 of the content
  std::optional<int64_t> bestands_grootte;  // emulator extension; may be absent
  std::string kenmerk_systeem;
  std::string nummer_binnen_systeem;
  std::string aangemaakt_door;  // OIN
  std::string aangemaakt_door_naam;
  std::string creatie_datum_tijd;
  std::string laatst_aangepast_datum_tijd;
  std::string raw_json;
};

struct Deelnemer {
  std::string oin;
  std::string naam;
  std::string rol;        // INITIATOR, DEELNEMER
  std::string privilege;  // BEPERKTE_TOEGANG, VOLLEDIGE_TOEGANG
  std::string uitgenodigd_datum_tijd;
  std::string raw_json;
};

struct Actieverzoek {
  std::string actieverzoek_id;
  std::string samenwerking_id;
  std::string titel;
  std::string omschrijving;
  std::string melding;
  std::string product_id;
  std::string status;  // OPEN, IN_BEHANDELING, GEWEIGERD, GEREEDGEMELD, GEREED, INGETROKKEN
  std::string zender;
  std::string ontvanger;
  std::vector<std::string> documenten;
  std::string creatie_datum_tijd;
  std::string laatst_aangepast_datum_tijd;
  std::string raw_json;
};

struct Bericht {
  std::string bericht_id;
  std::string actieverzoek_id;
  std::string samenwerking_id;
  std::string inhoud;
  std::string zender;
  std::string ontvanger;
  std::string creatie_datum_tijd;
  std::string raw_json;
};

struct Notificatie {
  std::string notificatie_id;
  std::string notificatie_type;
  std::string samenwerking_id;
  std::string notificatie_titel;
  std::string notificatie_tekst;
  std::string event_initiator;
  std::string deelnemer;
  std::string event_datum_tijd;
  std::map<std::string, std::string> properties;
  std::string raw_json;
};

}  // namespace swfvault

#endif  // SWFVAULT_MODEL_H_
