#include "emulator/seed_loader.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "emulator/swf_api.h"
#include "emulator/tls_identity.h"

namespace swfvault {
namespace {

uint64_t SplitMix(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Result<std::string> Str(const nlohmann::json& j, const char* field, bool required) {
  if (!j.contains(field) || j[field].is_null()) {
    if (required) return InvalidArgument(std::string(field) + ": is required");
    return std::string();
  }
  if (!j[field].is_string()) return InvalidArgument(std::string(field) + ": must be a string");
  return j[field].get<std::string>();
}

// Content for a seed document: "inhoud" text, "bestand" file, or "grootte"+"seed" bytes.
Result<ContentFile> SeedContent(EmulatorState& state, const nlohmann::json& d, const std::string& name,
                                const std::filesystem::path& base_dir) {
  if (d.contains("bestand")) {
    auto path = base_dir / d["bestand"].get<std::string>();
    auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
    if (!in->good()) return InvalidArgument("bestand: cannot read " + path.string());
    return WriteContentFile(state, name, [in](char* buf, size_t cap) {
      in->read(buf, static_cast<std::streamsize>(cap));
      return static_cast<size_t>(in->gcount());
    });
  }
  if (d.contains("grootte")) {
    return WriteContentFile(state, name, DeterministicBytes(d.value("seed", uint64_t{1}), d["grootte"].get<uint64_t>()));
  }
  auto text = std::make_shared<std::string>(
      SmallDocument(d.value("formaat", "text/plain"), d.value("inhoud", d.value("bestandsNaam", name))));
  auto pos = std::make_shared<size_t>(0);
  return WriteContentFile(state, name, [text, pos](char* buf, size_t cap) {
    size_t n = std::min(cap, text->size() - *pos);
    std::memcpy(buf, text->data() + *pos, n);
    *pos += n;
    return n;
  });
}

Status PutIfAbsent(EmulatorState& state, const std::string& kind, const std::string& id,
                   const std::string& parent, const nlohmann::json& body) {
  if (state.Get(kind, id).ok()) return Status::Ok();
  return state.Put(kind, id, parent, body);
}

std::string NaamOf(EmulatorState& state, const std::string& oin) {
  Result<nlohmann::json> org = state.Get("organisatie", oin);
  return org.ok() ? org->value("naam", oin) : "Organisatie " + oin;
}

Status SeedOrganisations(EmulatorState& state, const nlohmann::json& seed) {
  for (const auto& o : seed.value("organisaties", nlohmann::json::array())) {
    SWF_ASSIGN_OR_RETURN(std::string oin, Str(o, "oin", true));
    if (!IsOin(oin)) return InvalidArgument("organisaties.oin: '" + oin + "' is not a 20-digit OIN");
    SWF_ASSIGN_OR_RETURN(std::string rol, Str(o, "rol", true));
    if (rol != "BEVOEGD_GEZAG" && rol != "BEHANDELDIENST" && rol != "KETENPARTNER" && rol != "LEVERANCIER") {
      return InvalidArgument("organisaties.rol: unknown value '" + rol + "'");
    }
    SWF_RETURN_IF_ERROR(PutIfAbsent(state, "organisatie", oin, "",
                                    {{"oin", oin}, {"naam", o.value("naam", oin)}, {"rol", rol}}));
  }
  for (const auto& m : seed.value("mandaten", nlohmann::json::array())) {
    SWF_ASSIGN_OR_RETURN(std::string lev, Str(m, "leverancier", true));
    SWF_ASSIGN_OR_RETURN(std::string org, Str(m, "organisatie", true));
    SWF_RETURN_IF_ERROR(PutIfAbsent(state, "mandaat", lev + ":" + org, "",
                                    {{"leverancier", lev}, {"organisatie", org}}));
  }
  return Status::Ok();
}

Status SeedSamenwerking(EmulatorState& state, const nlohmann::json& s, const std::filesystem::path& base_dir) {
  SWF_ASSIGN_OR_RETURN(std::string key, Str(s, "seedId", true));
  SWF_ASSIGN_OR_RETURN(std::optional<std::string> done, state.GetMeta("seed:samenwerking:" + key));
  if (done) return Status::Ok();
  SWF_ASSIGN_OR_RETURN(std::string initiator, Str(s, "initiator", true));
  SWF_ASSIGN_OR_RETURN(std::string verzoeknummer, Str(s, "verzoeknummer", true));
  SWF_ASSIGN_OR_RETURN(int64_t seq, state.NextSequence("samenwerking", 100001));
  const std::string id = "SAM-" + std::to_string(seq), now = NowTimestamp(), naam = NaamOf(state, initiator);
  nlohmann::json sam = {
      {"samenwerkingId", id}, {"titel", s.value("titel", "Samenwerking " + verzoeknummer)},
      {"beschrijving", s.value("beschrijving", "")}, {"status", s.value("status", "OPEN")},
      {"samenwerkVorm", "SAMENWERKEN_AAN_BEHANDELEN"}, {"samenwerkDoel", "BEHANDELEN"},
      {"bronVerzoek", "DSO_LV"}, {"verzoeknummer", verzoeknummer}, {"typeVerzoek", "AANVRAAG"},
      {"globaleLocatie", s.value("globaleLocatie", "")}, {"kenmerkSysteem", s.value("kenmerkSysteem", "")},
      {"nummerBinnenSysteem", s.value("nummerBinnenSysteem", "")}, {"taal", "nl"},
      {"aangemaaktDoor", initiator}, {"aangemaaktDoorNaam", naam}, {"creatieDatumTijd", now},
      {"eindDatumTijd", nullptr}, {"laatstAangepastDoor", initiator},
      {"laatstAangepastDoorNaam", naam}, {"laatstAangepastDatumTijd", now}};
  SWF_RETURN_IF_ERROR(state.Put("samenwerking", id, "", sam));
  SWF_RETURN_IF_ERROR(state.Put("deelnemer", id + "/" + initiator, id,
                                {{"oin", initiator}, {"naam", naam}, {"rol", "INITIATOR"},
                                 {"privilege", "VOLLEDIGE_TOEGANG"}, {"samenwerkingId", id},
                                 {"uitgenodigdDatumTijd", now}}));
  for (const auto& d : s.value("deelnemers", nlohmann::json::array())) {
    SWF_ASSIGN_OR_RETURN(std::string oin, Str(d, "oin", true));
    SWF_RETURN_IF_ERROR(state.Put("deelnemer", id + "/" + oin, id,
                                  {{"oin", oin}, {"naam", NaamOf(state, oin)}, {"rol", "DEELNEMER"},
                                   {"privilege", d.value("privilege", "BEPERKTE_TOEGANG")},
                                   {"samenwerkingId", id}, {"uitgenodigdDatumTijd", now}}));
  }
  for (const auto& d : s.value("documenten", nlohmann::json::array())) {
    const std::string doc_id = NewUuid();
    SWF_ASSIGN_OR_RETURN(ContentFile f, SeedContent(state, d, doc_id, base_dir));
    std::string by = d.value("aangemaaktDoor", initiator);
    nlohmann::json doc = {
        {"documentId", doc_id}, {"samenwerkingId", id}, {"bestandsNaam", d.value("bestandsNaam", doc_id)},
        {"documentOmschrijving", d.value("documentOmschrijving", "")},
        {"vertrouwelijkheidsAanduiding", d.value("vertrouwelijkheidsAanduiding", "RV")}, {"taal", "nl"},
        {"formaat", d.value("formaat", "application/octet-stream")}, {"documentHash", f.hash},
        {"bestandsGrootte", f.size}, {"kenmerkSysteem", d.value("kenmerkSysteem", "")},
        {"nummerBinnenSysteem", d.value("nummerBinnenSysteem", "")}, {"aangemaaktDoor", by},
        {"aangemaaktDoorNaam", NaamOf(state, by)}, {"creatieDatumTijd", now}, {"laatstAangepastDoor", by},
        {"laatstAangepastDoorNaam", NaamOf(state, by)}, {"laatstAangepastDatumTijd", now}, {"_file", f.file}};
    SWF_RETURN_IF_ERROR(state.Put("document", doc_id, id, doc));
  }
  return state.SetMeta("seed:samenwerking:" + key, id);
}

}  // namespace

Result<ContentFile> WriteContentFile(EmulatorState& state, const std::string& name,
                                     const ContentProducer& producer) {
  auto final_path = state.content_dir() / name;
  auto temp = state.content_dir() / (".tmp-" + name);
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, temp.string());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr);
  thread_local std::vector<char> buf(1 << 20);  // reused: corpora have 100,000 files
  ContentFile out{name, "", 0};
  for (size_t n; (n = producer(buf.data(), buf.size())) > 0;) {
    EVP_DigestUpdate(md.get(), buf.data(), n);
    if (write(fd, buf.data(), n) != static_cast<ssize_t>(n)) {
      Status s = ErrnoStatus(errno, temp.string());
      close(fd);
      return s;
    }
    out.size += n;
  }
  close(fd);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(md.get(), digest, &len);
  static const char* kHex = "0123456789abcdef";
  for (unsigned i = 0; i < len; ++i) {
    out.hash += kHex[digest[i] >> 4];
    out.hash += kHex[digest[i] & 15];
  }
  if (std::rename(temp.c_str(), final_path.c_str()) != 0) return ErrnoStatus(errno, final_path.string());
  return out;
}

ContentProducer DeterministicBytes(uint64_t seed, uint64_t size) {
  auto state = std::make_shared<std::pair<uint64_t, uint64_t>>(seed * 0x2545F4914F6CDD1DULL + 1, size);
  return [state](char* buf, size_t cap) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(cap, state->second)) & ~size_t{7};
    if (n == 0 && state->second > 0) n = static_cast<size_t>(state->second);  // tail < 8 bytes
    for (size_t i = 0; i + 8 <= n; i += 8) {
      uint64_t v = SplitMix(state->first);
      std::memcpy(buf + i, &v, 8);
    }
    for (size_t i = n & ~size_t{7}; i < n; ++i) buf[i] = static_cast<char>(SplitMix(state->first));
    state->second -= n;
    return n;
  };
}

std::string SmallDocument(const std::string& formaat, const std::string& text) {
  if (formaat != "application/pdf") return text + "\n";
  std::string safe;
  for (char c : text) {
    if (c != '(' && c != ')' && c != '\\' && static_cast<unsigned char>(c) < 0x80) safe += c;
  }
  std::string stream = "BT /F1 12 Tf 72 720 Td (" + safe + ") Tj ET";
  std::vector<std::string> objs = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objs.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objs.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[32];
    std::snprintf(line, sizeof(line), "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objs.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

Status AddVerzoek(EmulatorState& state, const nlohmann::json& v, const std::filesystem::path& base_dir) {
  if (!v.is_object()) return InvalidArgument("verzoek: must be an object");
  SWF_ASSIGN_OR_RETURN(std::string nummer, Str(v, "verzoeknummer", true));
  SWF_ASSIGN_OR_RETURN(std::string bg, Str(v, "bevoegdGezag", true));
  if (!IsOin(bg)) return InvalidArgument("bevoegdGezag: must be a 20-digit OIN");
  if (state.Get("verzoek", nummer).ok()) return AlreadyExists("verzoek " + nummer + " exists");
  nlohmann::json werkmap = nlohmann::json::array();
  for (const auto& d : v.value("werkmap", nlohmann::json::array())) {
    const std::string werkmap_id = NewUuid();
    SWF_ASSIGN_OR_RETURN(ContentFile f, SeedContent(state, d, "werkmap-" + werkmap_id, base_dir));
    werkmap.push_back({{"werkmapId", werkmap_id}, {"bestandsNaam", d.value("bestandsNaam", werkmap_id)},
                       {"formaat", d.value("formaat", "application/octet-stream")},
                       {"documentOmschrijving", d.value("documentOmschrijving", "")},
                       {"vertrouwelijkheidsAanduiding", d.value("vertrouwelijkheidsAanduiding", "RV")},
                       {"documentHash", f.hash}, {"bestandsGrootte", f.size}, {"_file", f.file}});
  }
  nlohmann::json body = {{"verzoeknummer", nummer}, {"bevoegdGezag", bg},
                         {"typeVerzoek", v.value("typeVerzoek", "AANVRAAG")},
                         {"omschrijving", v.value("omschrijving", "")},
                         {"globaleLocatie", v.value("globaleLocatie", "")}, {"werkmap", werkmap}};
  return state.Put("verzoek", nummer, bg, body);
}

Status ApplySeed(EmulatorState& state, const nlohmann::json& seed, const std::filesystem::path& base_dir) {
  if (!seed.is_object()) return InvalidArgument("seed: must be a JSON object");
  SWF_RETURN_IF_ERROR(SeedOrganisations(state, seed));
  for (const auto& v : seed.value("verzoeken", nlohmann::json::array())) {
    Status s = AddVerzoek(state, v, base_dir);
    if (!s.ok() && s.code() != StatusCode::kAlreadyExists) return s;
  }
  for (const auto& s : seed.value("samenwerkingen", nlohmann::json::array())) {
    SWF_RETURN_IF_ERROR(SeedSamenwerking(state, s, base_dir));
  }
  return Status::Ok();
}

Status LoadSeedFile(EmulatorState& state, const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in.good()) return InvalidArgument("cannot read seed file " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json seed = nlohmann::json::parse(ss.str(), nullptr, false);
  if (seed.is_discarded()) return InvalidArgument("seed file " + path.string() + " is not valid JSON");
  SWF_RETURN_IF_ERROR(state.Begin());
  Status s = Guarded([&] { return ApplySeed(state, seed, path.parent_path()); });
  if (s.ok()) return state.Commit();
  state.Rollback();
  return s.WithContext(path.string());
}

}  // namespace swfvault
