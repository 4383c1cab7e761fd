// dossier.json and documenten.csv: what a person opening the folder needs to know.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "mirror/mirror_run.h"

namespace swfvault {
namespace {

// Excel reads a leading = + - @ as a formula (CSV injection): such text gets a quote prefix.
std::string CsvField(const std::string& value) {
  std::string v = value;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += "\"\"";
    else out.push_back(c);
  }
  return out + "\"";
}

std::string RelativeInDossier(const MirrorDossier& d, const PlacedDocument& p) {
  return p.rel_path.substr(d.dir_name.size() + 1);
}

Result<bool> SameContent(const TreeDir& dir, const std::string& name, const std::string& content) {
  Result<Fd> fd = dir.OpenRead(name);
  if (!fd.ok()) return false;
  std::string existing(content.size() + 1, '\0');
  size_t got = 0;
  while (got < existing.size()) {
    ssize_t r = ::read(fd->get(), existing.data() + got, existing.size() - got);
    if (r < 0) return ErrnoStatus(errno, "read " + JoinPath(dir.path(), name));
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got == content.size() && existing.compare(0, got, content) == 0;
}

Status WriteIfChanged(const TreeDir& dir, const std::string& name, const std::string& content) {
  SWF_ASSIGN_OR_RETURN(bool same, SameContent(dir, name, content));
  if (same) return Status::Ok();
  return dir.WriteAtomically(name, content, 0444);
}

}  // namespace

std::string DossierJson(const MirrorDossier& d) {
  nlohmann::json docs = nlohmann::json::array();
  for (const PlacedDocument& p : d.documents) {
    docs.push_back({{"documentId", p.document.document_id},
                    {"bestand", RelativeInDossier(d, p)},
                    {"bestandsNaam", p.document.bestands_naam},
                    {"documentOmschrijving", p.document.document_omschrijving},
                    {"vertrouwelijkheidsAanduiding", std::string(ConfidentialityName(p.document.vertrouwelijkheid))},
                    {"taal", p.document.taal},
                    {"formaat", p.document.formaat},
                    {"documentHash", p.sha256},
                    {"grootte", p.size},
                    {"aangemaaktDoor", p.document.aangemaakt_door},
                    {"creatieDatumTijd", p.document.creatie_datum_tijd},
                    {"status", p.removed_remotely ? "verwijderd" : "aanwezig"}});
  }
  nlohmann::json j = {{"samenwerkingId", d.samenwerking.samenwerking_id},
                      {"titel", d.samenwerking.titel},
                      {"status", d.samenwerking.status},
                      {"verzoeknummer", d.samenwerking.verzoeknummer},
                      {"documenten", docs}};
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string DocumentenCsv(const MirrorDossier& d) {
  std::string out = "\xEF\xBB\xBF";
  out += "bestand;documentId;vertrouwelijkheid;omschrijving;taal;formaat;grootte;documentHash;"
         "aangemaaktDoor;creatieDatumTijd;status\r\n";
  for (const PlacedDocument& p : d.documents) {
    const Document& doc = p.document;
    std::vector<std::string> fields = {RelativeInDossier(d, p), doc.document_id,
                                       std::string(ConfidentialityName(doc.vertrouwelijkheid)),
                                       doc.document_omschrijving, doc.taal, doc.formaat,
                                       std::to_string(p.size), p.sha256, doc.aangemaakt_door,
                                       doc.creatie_datum_tijd,
                                       p.removed_remotely ? "verwijderd" : "aanwezig"};
    for (size_t i = 0; i < fields.size(); ++i) out += (i ? ";" : "") + CsvField(fields[i]);
    out += "\r\n";
  }
  return out;
}

// Temp files of a run that was killed: the vault lock says no other run is writing here. Only
// the exact temp pattern (".swfvault-<16 hex>.tmp"): held local edits share the prefix.
void RemoveStaleTemps(const TreeDir& dir) {
  constexpr size_t kPrefix = sizeof(".swfvault-") - 1, kHex = 16;
  Result<std::vector<std::string>> names = dir.List();
  if (!names.ok()) return;
  for (const std::string& n : *names) {
    if (n.size() != kPrefix + kHex + 4 || n.rfind(".swfvault-", 0) != 0 ||
        n.compare(kPrefix + kHex, 4, ".tmp") != 0 ||
        n.find_first_not_of("0123456789abcdef", kPrefix) != kPrefix + kHex) {
      continue;
    }
    (void)dir.Remove(n);
  }
}

// Stale temps and orphaned held edits of one folder of a dossier.
void Tidy(MirrorRun& run, const TreeDir& dir, const std::string& rel_dir) {
  RemoveStaleTemps(dir);
  RecoverOrphanEdits(run, dir, rel_dir);
  RecoverAside(run, dir, rel_dir);  // emptied by the actions; a stop may leave one behind
}

Status WriteMetadataFiles(MirrorRun& run, const MirrorPlan& plan) {
  RemoveStaleTemps(run.root);
  for (const MirrorDossier& d : plan.dossiers) {
    SWF_ASSIGN_OR_RETURN(TreeDir dir, run.root.OpenSub(d.dir_name, true));
    Tidy(run, dir, d.dir_name);
    if (Result<TreeDir> removed = dir.OpenSub(kRemovedDir, false); removed.ok()) {
      Tidy(run, *removed, d.dir_name + "/" + kRemovedDir);
    }
    // Made for the user to drop files in. One in the way (a file, a link) is a warning (the
    // drop scan's, in a run that uploads), not a reason to leave this dossier's files stale.
    if (Status drop = dir.OpenSub(kDropDir, true).status(); !drop.ok()) {
      if (EndsTheRun(run, drop)) return drop;
      if (run.uploader == nullptr) run.observer.OnWarning(drop.message());
    }
    SWF_RETURN_IF_ERROR(WriteIfChanged(dir, kDossierJson, DossierJson(d)));
    SWF_RETURN_IF_ERROR(WriteIfChanged(dir, kDocumentenCsv, DocumentenCsv(d)));
  }
  return Status::Ok();
}

}  // namespace swfvault
