#include "export/metadata_json.h"

#include <nlohmann/json.hpp>

#include "swfvault/name_sanitizer.h"

namespace swfvault {
namespace {

using Json = nlohmann::json;

std::string Dump(const Json& j) { return j.dump(2, ' ', false, Json::error_handler_t::replace); }

// The server's object when raw_json holds one, else `fallback`.
Json RecordOr(const std::string& raw_json, Json fallback) {
  Json parsed = Json::parse(raw_json, nullptr, false);
  return !parsed.is_discarded() && parsed.is_object() ? parsed : fallback;
}

Json Redacted(Json record, std::string_view id_key, const std::string& id, const Secrets& secrets) {
  if (!MentionsAny(Dump(record), secrets)) return record;
  Json stub;
  stub[std::string(id_key)] = id;
  stub["achtergehouden"] = true;
  return stub;
}

Json ToJson(const Samenwerking& s) {
  return RecordOr(s.raw_json, {{"samenwerkingId", s.samenwerking_id},
                               {"titel", s.titel},
                               {"beschrijving", s.beschrijving},
                               {"status", s.status},
                               {"verzoeknummer", s.verzoeknummer},
                               {"aangemaaktDoor", s.aangemaakt_door},
                               {"creatieDatumTijd", s.creatie_datum_tijd},
                               {"laatstAangepastDatumTijd", s.laatst_aangepast_datum_tijd}});
}

Json ToJson(const Deelnemer& d) {
  return RecordOr(d.raw_json, {{"oin", d.oin},
                               {"naam", d.naam},
                               {"rol", d.rol},
                               {"privilege", d.privilege},
                               {"uitgenodigdDatumTijd", d.uitgenodigd_datum_tijd}});
}

Json ToJson(const Actieverzoek& a) {
  return RecordOr(a.raw_json, {{"actieverzoekId", a.actieverzoek_id},
                               {"samenwerkingId", a.samenwerking_id},
                               {"titel", a.titel},
                               {"omschrijving", a.omschrijving},
                               {"melding", a.melding},
                               {"productId", a.product_id},
                               {"status", a.status},
                               {"zender", a.zender},
                               {"ontvanger", a.ontvanger},
                               {"documenten", a.documenten},
                               {"creatieDatumTijd", a.creatie_datum_tijd},
                               {"laatstAangepastDatumTijd", a.laatst_aangepast_datum_tijd}});
}

Json ToJson(const Bericht& b) {
  return RecordOr(b.raw_json, {{"berichtId", b.bericht_id},
                               {"actieverzoekId", b.actieverzoek_id},
                               {"samenwerkingId", b.samenwerking_id},
                               {"inhoud", b.inhoud},
                               {"zender", b.zender},
                               {"ontvanger", b.ontvanger},
                               {"creatieDatumTijd", b.creatie_datum_tijd}});
}

Json ToJson(const Notificatie& n) {
  return RecordOr(n.raw_json, {{"notificatieId", n.notificatie_id},
                               {"notificatieType", n.notificatie_type},
                               {"samenwerkingId", n.samenwerking_id},
                               {"notificatieTitel", n.notificatie_titel},
                               {"notificatieTekst", n.notificatie_tekst},
                               {"eventInitiator", n.event_initiator},
                               {"deelnemer", n.deelnemer},
                               {"eventDatumTijd", n.event_datum_tijd},
                               {"properties", n.properties}});
}

Json ToJson(const Document& d) {
  Json fallback = {{"documentId", d.document_id},
                   {"samenwerkingId", d.samenwerking_id},
                   {"bestandsNaam", d.bestands_naam},
                   {"documentOmschrijving", d.document_omschrijving},
                   {"vertrouwelijkheidsAanduiding", d.vertrouwelijkheid_label},
                   {"taal", d.taal},
                   {"formaat", d.formaat},
                   {"documentHash", d.document_hash},
                   {"kenmerkSysteem", d.kenmerk_systeem},
                   {"nummerBinnenSysteem", d.nummer_binnen_systeem},
                   {"aangemaaktDoor", d.aangemaakt_door},
                   {"creatieDatumTijd", d.creatie_datum_tijd},
                   {"laatstAangepastDatumTijd", d.laatst_aangepast_datum_tijd}};
  return RecordOr(d.raw_json, fallback);
}

template <typename T, typename IdOf>
std::string ListJson(const std::vector<T>& list, std::string_view id_key, IdOf id_of,
                     const Secrets& secrets) {
  Json out = Json::array();
  for (const auto& item : list) out.push_back(Redacted(ToJson(item), id_key, id_of(item), secrets));
  return Dump(out) + "\n";
}

}  // namespace

std::string JsonEscaped(const std::string& text) {
  std::string quoted = Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

bool MentionsAny(std::string_view text, const Secrets& secrets) {
  if (secrets.empty()) return false;
  const std::string folded = NameCollisionKey(text);
  for (const auto& s : secrets) {
    if (!s.empty() && folded.find(s) != std::string::npos) return true;
  }
  return false;
}

std::string SamenwerkingJson(const Samenwerking& s, const Secrets& secrets) {
  return Dump(Redacted(ToJson(s), "samenwerkingId", s.samenwerking_id, secrets)) + "\n";
}

std::string DeelnemersJson(const std::vector<Deelnemer>& list, const Secrets& secrets) {
  return ListJson(list, "oin", [](const Deelnemer& d) { return d.oin; }, secrets);
}

std::string ActieverzoekenJson(const std::vector<Actieverzoek>& list, const Secrets& secrets) {
  return ListJson(list, "actieverzoekId", [](const Actieverzoek& a) { return a.actieverzoek_id; },
                  secrets);
}

std::string BerichtenJson(const std::vector<Bericht>& list, const Secrets& secrets) {
  return ListJson(list, "berichtId", [](const Bericht& b) { return b.bericht_id; }, secrets);
}

std::string NotificatiesJson(const std::vector<Notificatie>& list, const Secrets& secrets) {
  return ListJson(list, "notificatieId", [](const Notificatie& n) { return n.notificatie_id; },
                  secrets);
}

std::string DocumentenJson(const std::vector<DocumentEntry>& list) {
  Json out = Json::array();
  for (const auto& e : list) {
    Json j = ToJson(e.doc->document);
    j["swfvault"] = {{"archiefPad", e.archive_path}, {"sha256", e.doc->sha256}, {"grootte", e.doc->size}};
    out.push_back(std::move(j));
  }
  return Dump(out) + "\n";
}

}  // namespace swfvault
