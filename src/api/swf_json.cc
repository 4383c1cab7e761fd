#include "api/swf_json.h"

#include <cctype>
#include <vector>

#include "swfvault/hashing.h"
#include "swfvault/swf_client.h"

namespace swfvault {
namespace {

using json = nlohmann::json;

// SAX pass that tracks the JSON path so depth and syntax errors can name where they are.
class PathChecker : public nlohmann::json_sax<json> {
 public:
  explicit PathChecker(int max_depth) : max_depth_(max_depth) {}

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override { return Open(false); }
  bool start_array(std::size_t) override { return Open(true); }
  bool key(string_t& k) override {
    frames_.back().key = k;
    return true;
  }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    error_ = "malformed JSON at " + Path() + " (byte " + std::to_string(position) + "): " + e.what();
    return false;
  }

  const std::string& error() const { return error_; }

  std::string Path() const {
    std::string path = "$";
    for (const auto& f : frames_) {
      if (f.is_array) {
        path += "[" + std::to_string(f.index < 0 ? 0 : f.index) + "]";
      } else if (!f.key.empty()) {
        path += "." + f.key;
      }
    }
    return path;
  }

 private:
  struct Frame {
    bool is_array = false;
    long index = -1;
    std::string key;
  };

  // A value (scalar or container) starts at the current position of its parent.
  void Advance() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }
  bool Value() {
    Advance();
    return true;
  }
  bool Open(bool is_array) {
    Advance();
    if (static_cast<int>(frames_.size()) >= max_depth_) {
      error_ = "JSON nested deeper than " + std::to_string(max_depth_) + " levels at " + Path();
      return false;
    }
    frames_.push_back(Frame{is_array, -1, ""});
    return true;
  }
  bool Close() {
    frames_.pop_back();
    return true;
  }

  int max_depth_;
  std::vector<Frame> frames_;
  std::string error_;
};

// Reads typed fields of one object, remembering the first error with its path.
class FieldReader {
 public:
  FieldReader(const json& obj, const std::string& path) : obj_(obj), path_(path) {
    if (!obj.is_object()) status_ = Corruption(path + ": expected an object, got " + obj.type_name());
  }

  std::string Str(const char* key) {
    const json* v = Find(key);
    if (v == nullptr) return "";
    if (v->is_string()) return v->get<std::string>();
    if (v->is_number() || v->is_boolean()) return v->dump();  // tolerate a number where text is meant
    Fail(key, "a string", *v);
    return "";
  }
  std::string Required(const char* key) {
    std::string value = Str(key);
    if (status_.ok() && value.empty()) status_ = Corruption(path_ + "." + key + ": required field is missing");
    return value;
  }
  std::optional<int64_t> Int(const char* key) {
    const json* v = Find(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_number_integer()) return v->get<int64_t>();
    Fail(key, "an integer", *v);
    return std::nullopt;
  }
  std::vector<std::string> IdList(const char* key, const char* id_field) {
    std::vector<std::string> out;
    const json* v = Find(key);
    if (v == nullptr) return out;
    if (!v->is_array()) {
      Fail(key, "an array", *v);
      return out;
    }
    for (const auto& item : *v) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      } else if (item.is_object() && item.contains(id_field) && item[id_field].is_string()) {
        out.push_back(item[id_field].get<std::string>());
      } else {
        Fail(key, "an array of ids", item);
      }
    }
    return out;
  }
  std::map<std::string, std::string> StringMap(const char* key) {
    std::map<std::string, std::string> out;
    const json* v = Find(key);
    if (v == nullptr) return out;
    if (!v->is_object()) {
      Fail(key, "an object", *v);
      return out;
    }
    for (const auto& [k, value] : v->items()) {
      out[k] = value.is_string() ? value.get<std::string>() : value.dump();
    }
    return out;
  }
  const Status& status() const { return status_; }

 private:
  const json* Find(const char* key) const {
    if (!obj_.is_object()) return nullptr;
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  void Fail(const char* key, const char* expected, const json& got) {
    if (status_.ok()) {
      status_ = Corruption(path_ + "." + key + ": expected " + expected + ", got " + got.type_name());
    }
  }

  const json& obj_;
  const std::string& path_;
  Status status_;
};

// raw_json keeps every field the server sent, known or not, except the HAL `_links`: those
// are navigation, name the server's host and port (so an export would depend on the URL it
// was synced from) and are the largest part of a listed document.
// `held`, when given, names the fields to leave out because a member of `value` holds them.
template <typename T>
Result<T> Finish(const FieldReader& r, T value, const json& j,
                 bool (*held)(const T&, const std::string&, const json&) = nullptr) {
  if (!r.status().ok()) return r.status();
  if (j.is_object() && (held || j.contains("_links"))) {
    json kept = json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() != "_links" && !(held && held(value, it.key(), it.value()))) {
        kept[it.key()] = it.value();
      }
    }
    value.raw_json = kept.dump();
  } else {
    value.raw_json = j.dump();
  }
  value.raw_json.shrink_to_fit();  // dump() grows by doubling; a listing holds thousands
  return value;
}

}  // namespace

Result<json> ParseBoundedJson(std::string_view text, const JsonLimits& limits, std::string_view what) {
  if (text.size() > limits.max_bytes) {
    return Corruption(std::string(what) + ": JSON body of " + std::to_string(text.size()) +
                      " bytes exceeds the limit of " + std::to_string(limits.max_bytes));
  }
  PathChecker checker(limits.max_depth);
  if (!json::sax_parse(text, &checker)) {
    return Corruption(std::string(what) + ": " + checker.error());
  }
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

Result<Samenwerking> ParseSamenwerking(const json& j, const std::string& path) {
  FieldReader r(j, path);
  Samenwerking s;
  s.samenwerking_id = r.Required("samenwerkingId");
  s.titel = r.Str("titel");
  s.beschrijving = r.Str("beschrijving");
  s.status = r.Str("status");
  s.verzoeknummer = r.Str("verzoeknummer");
  s.aangemaakt_door = r.Str("aangemaaktDoor");
  s.creatie_datum_tijd = r.Str("creatieDatumTijd");
  s.laatst_aangepast_datum_tijd = r.Str("laatstAangepastDatumTijd");
  return Finish(r, std::move(s), j);
}

namespace {

// A document's text fields and the members that hold them; documentId is also required.
struct DocumentTextField {
  const char* key;
  std::string Document::*member;
};
constexpr DocumentTextField kDocumentTextFields[] = {
    {"documentId", &Document::document_id},
    {"samenwerkingId", &Document::samenwerking_id},
    {"bestandsNaam", &Document::bestands_naam},
    {"documentOmschrijving", &Document::document_omschrijving},
    {"vertrouwelijkheidsAanduiding", &Document::vertrouwelijkheid_label},
    {"taal", &Document::taal},
    {"formaat", &Document::formaat},
    {"documentHash", &Document::document_hash},
    {"kenmerkSysteem", &Document::kenmerk_systeem},
    {"nummerBinnenSysteem", &Document::nummer_binnen_systeem},
    {"aangemaaktDoor", &Document::aangemaakt_door},
    {"aangemaaktDoorNaam", &Document::aangemaakt_door_naam},
    {"creatieDatumTijd", &Document::creatie_datum_tijd},
    {"laatstAangepastDatumTijd", &Document::laatst_aangepast_datum_tijd},
};
constexpr const char* kSizeField = "bestandsGrootte";

// Whether `value` under `key` is exactly what a member of `d` holds, so that putting the
// member back prints the same: an empty member (absent, null or "") and a number read as
// text do not count.
bool HeldByMember(const Document& d, const std::string& key, const json& value) {
  if (key == kSizeField) return d.bestands_grootte && value.dump() == json(*d.bestands_grootte).dump();
  for (const DocumentTextField& f : kDocumentTextFields) {
    if (key != f.key) continue;
    const std::string& member = d.*f.member;
    return !member.empty() && value.is_string() && value.get_ref<const std::string&>() == member;
  }
  return false;
}

}  // namespace

Result<Document> ParseDocument(const json& j, const std::string& path, bool compact) {
  FieldReader r(j, path);
  Document d;
  d.document_id = r.Required("documentId");
  for (const DocumentTextField& f : kDocumentTextFields) {
    if (f.member != &Document::document_id) d.*f.member = r.Str(f.key);
  }
  d.vertrouwelijkheid = ParseConfidentiality(d.vertrouwelijkheid_label);
  // The contract says lowercase; uppercase hex names the same hash (the answer as it came stays
  // in raw_json).
  if (d.document_hash.size() == 64) {
    std::string lower = d.document_hash;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (IsSha256Hex(lower)) d.document_hash = std::move(lower);
  }
  d.bestands_grootte = r.Int(kSizeField);
  if (d.bestands_grootte && *d.bestands_grootte < 0) {
    return Corruption(path + ".bestandsGrootte: negative size");
  }
  return Finish(r, std::move(d), j, compact ? &HeldByMember : nullptr);
}

std::string RestoreKnownFields(const Document& d) {
  json j = json::parse(d.raw_json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return d.raw_json;
  for (const DocumentTextField& f : kDocumentTextFields) {
    const std::string& value = d.*f.member;
    if (!value.empty() && !j.contains(f.key)) j[f.key] = value;
  }
  if (d.bestands_grootte && !j.contains(kSizeField)) j[kSizeField] = *d.bestands_grootte;
  return j.dump();
}

Result<Deelnemer> ParseDeelnemer(const json& j, const std::string& path) {
  FieldReader r(j, path);
  Deelnemer d;
  d.oin = r.Required("oin");
  d.naam = r.Str("naam");
  d.rol = r.Str("rol");
  d.privilege = r.Str("privilege");
  d.uitgenodigd_datum_tijd = r.Str("uitgenodigdDatumTijd");
  return Finish(r, std::move(d), j);
}

Result<Actieverzoek> ParseActieverzoek(const json& j, const std::string& path) {
  FieldReader r(j, path);
  Actieverzoek a;
  a.actieverzoek_id = r.Required("actieverzoekId");
  a.samenwerking_id = r.Str("samenwerkingId");
  a.titel = r.Str("titel");
  a.omschrijving = r.Str("omschrijving");
  a.melding = r.Str("melding");
  a.product_id = r.Str("productId");
  a.status = r.Str("status");
  a.zender = r.Str("zender");
  a.ontvanger = r.Str("ontvanger");
  a.documenten = r.IdList("documenten", "documentId");
  a.creatie_datum_tijd = r.Str("creatieDatumTijd");
  a.laatst_aangepast_datum_tijd = r.Str("laatstAangepastDatumTijd");
  return Finish(r, std::move(a), j);
}

Result<Bericht> ParseBericht(const json& j, const std::string& path) {
  FieldReader r(j, path);
  Bericht b;
  b.bericht_id = r.Required("berichtId");
  b.actieverzoek_id = r.Str("actieverzoekId");
  b.samenwerking_id = r.Str("samenwerkingId");
  b.inhoud = r.Str("inhoud");
  b.zender = r.Str("zender");
  b.ontvanger = r.Str("ontvanger");
  b.creatie_datum_tijd = r.Str("creatieDatumTijd");
  return Finish(r, std::move(b), j);
}

Result<Notificatie> ParseNotificatie(const json& j, const std::string& path) {
  FieldReader r(j, path);
  Notificatie n;
  n.notificatie_id = r.Required("notificatieId");
  n.notificatie_type = r.Str("notificatieType");
  n.samenwerking_id = r.Str("samenwerkingId");
  n.notificatie_titel = r.Str("notificatieTitel");
  n.notificatie_tekst = r.Str("notificatieTekst");
  n.event_initiator = r.Str("eventInitiator");
  n.deelnemer = r.Str("deelnemer");
  n.event_datum_tijd = r.Str("eventDatumTijd");
  n.properties = r.StringMap("properties");
  return Finish(r, std::move(n), j);
}

}  // namespace swfvault
