#include "export/bag_plan.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "export/bag_files.h"
#include "export/index_html.h"
#include "export/mdto_xml.h"
#include "export/metadata_json.h"
#include "swfvault/hashing.h"
#include "swfvault/name_sanitizer.h"

namespace swfvault {
namespace {

constexpr int64_t kMinTime = 315532800;   // 1980-01-01, the zip DOS epoch
constexpr int64_t kMaxTime = 4354819199;  // 2107-12-31, the zip DOS end
constexpr size_t kMinSecretBytes = 4;     // shorter strings cannot be redacted meaningfully

Status CheckSnapshot(const DossierSnapshot& s, const ExportOptions& o) {
  if (o.ceiling == Confidentiality::kUnknown) return InvalidArgument("export ceiling must be RV or SV");
  if (s.samenwerking.samenwerking_id.empty()) return InvalidArgument("snapshot has no samenwerkingId");
  if (s.as_of_unix < kMinTime || s.as_of_unix > kMaxTime) {
    return InvalidArgument("snapshot time " + std::to_string(s.as_of_unix) + " is outside 1980..2107");
  }
  std::set<std::string> ids;
  for (const auto& d : s.documents) {
    if (!ids.insert(d.document.document_id).second) {
      return InvalidArgument("document " + d.document.document_id + " appears twice in the snapshot");
    }
    if (!IsSha256Hex(d.sha256)) {
      return InvalidArgument("document " + d.document.document_id + " has a malformed sha256");
    }
  }
  return o.no_mdto ? Status::Ok() : CheckMdtoValues(o.mdto);
}

// Names and descriptions of withheld documents (as NameCollisionKey gives them: redaction
// ignores case, "É" as well as "E", and how a letter with an accent is encoded)
// that occur in no exported document's own name or description (those are not secret, and
// redacting them would gut the export) and are not the name of an organisation in the dossier
// (an SV document described as "Gemeente A" does not make that deelnemer's name a secret).
Secrets SecretsOf(const DossierSnapshot& snapshot,
                  const std::vector<const ExportDocument*>& withheld,
                  const std::vector<const ExportDocument*>& exported) {
  std::string public_text;
  for (const auto* e : exported) {
    public_text += e->document.bestands_naam + "\n" + e->document.document_omschrijving + "\n";
  }
  public_text = NameCollisionKey(public_text);
  std::set<std::string> organisations = {NameCollisionKey(snapshot.source_naam)};
  for (const Deelnemer& d : snapshot.deelnemers) organisations.insert(NameCollisionKey(d.naam));
  Secrets out;
  for (const auto* w : withheld) {
    const Document& d = w->document;
    const std::string& name = d.bestands_naam;
    for (const std::string& s : {name, name.substr(0, name.rfind('.')), d.document_omschrijving,
                                 SanitizeName(name, "")}) {
      const std::string folded = NameCollisionKey(s);
      if (s.size() < kMinSecretBytes || public_text.find(folded) != std::string::npos ||
          organisations.count(folded) > 0) {
        continue;
      }
      // Also as the written files spell it: a name with a quote, a backslash, an ampersand or
      // a newline reads differently inside JSON, HTML and XML.
      for (const std::string& form : {s, JsonEscaped(s), XmlText(s)})
        out.push_back(NameCollisionKey(form));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string WithheldCsv(std::vector<const ExportDocument*> withheld) {
  std::sort(withheld.begin(), withheld.end(), [](auto* a, auto* b) {
    return a->document.document_id < b->document.document_id;
  });
  std::string out = "documentId,vertrouwelijkheid\n";
  for (const auto* w : withheld) {
    out += CsvField(w->document.document_id) + "," +
           std::string(ConfidentialityName(EffectiveLevel(w->document))) + "\n";
  }
  return out;
}

std::vector<HistoryEvent> RedactedHistory(const DossierSnapshot& s, const std::set<std::string>& withheld_ids,
                                          const Secrets& secrets) {
  std::vector<HistoryEvent> out = s.history;
  for (auto& e : out) {
    if (withheld_ids.count(e.document_id) > 0) {
      e.sha256.clear();
      e.detail = "[achtergehouden]";
    }
    if (MentionsAny(e.detail, secrets) || MentionsAny(e.kind, secrets)) e.detail = "[achtergehouden]";
    if (MentionsAny(e.kind, secrets)) e.kind = "[achtergehouden]";
  }
  return out;
}

struct Selection {
  std::vector<const ExportDocument*> exported;
  std::vector<const ExportDocument*> withheld;
};

Selection Select(const DossierSnapshot& s, Confidentiality ceiling) {
  Selection sel;
  for (const auto& d : s.documents) {
    (AllowedUnder(EffectiveLevel(d.document), ceiling) ? sel.exported : sel.withheld).push_back(&d);
  }
  return sel;
}

std::vector<MdtoDocument> NameDocuments(const Selection& sel, BagPlan* plan) {
  std::vector<NameRequest> requests;
  for (const auto* e : sel.exported) requests.push_back({e->document.document_id, e->document.bestands_naam});
  const std::vector<std::string> names = ResolveNameCollisions(requests);
  for (size_t i = 0; i < names.size(); ++i) plan->documents.push_back({sel.exported[i], "data/documenten/" + names[i]});
  std::sort(plan->documents.begin(), plan->documents.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  std::vector<MdtoDocument> docs;
  const size_t prefix = std::string("data/documenten/").size();
  for (const auto& p : plan->documents) docs.push_back({&p.doc->document, p.path.substr(prefix), p.doc->sha256, p.doc->size});
  return docs;
}

void AddMdto(const DossierSnapshot& s, const ExportOptions& o, const std::string& naam,
             const std::vector<MdtoDocument>& docs, BagPlan* plan, std::vector<std::string>* index_links) {
  plan->generated.push_back({"data/mdto/dossier.mdto.xml", DossierMdto(s.samenwerking, naam, docs, o.mdto, o.ceiling)});
  std::vector<NameRequest> ids;
  for (const auto& d : docs) ids.push_back({d.document->document_id, d.document->document_id});
  const std::vector<std::string> stems = ResolveNameCollisions(ids);
  for (size_t i = 0; i < docs.size(); ++i) {
    const std::string base = "data/mdto/" + stems[i];
    plan->generated.push_back({base + ".informatieobject.mdto.xml", DocumentMdto(s.samenwerking, docs[i], o.mdto)});
    plan->generated.push_back({base + ".bestand.mdto.xml", BestandMdto(docs[i], s.as_of_unix)});
    index_links->push_back(base + ".informatieobject.mdto.xml");
  }
}

void AddMetadata(const DossierSnapshot& s, const Selection& sel, const Secrets& secrets, BagPlan* plan) {
  std::vector<DocumentEntry> entries;
  for (const auto& p : plan->documents) entries.push_back({p.doc, p.path});
  std::set<std::string> withheld_ids;
  for (const auto* w : sel.withheld) withheld_ids.insert(w->document.document_id);
  const std::string m = "data/metadata/";
  plan->generated.push_back({m + "achtergehouden.csv", WithheldCsv(sel.withheld)});
  plan->generated.push_back({m + "actieverzoeken.json", ActieverzoekenJson(s.actieverzoeken, secrets)});
  plan->generated.push_back({m + "berichten.json", BerichtenJson(s.berichten, secrets)});
  plan->generated.push_back({m + "deelnemers.json", DeelnemersJson(s.deelnemers, secrets)});
  plan->generated.push_back({m + "documenten.json", DocumentenJson(entries)});
  plan->generated.push_back({std::string(kHistoryPath), HistoryChainText(RedactedHistory(s, withheld_ids, secrets))});
  plan->generated.push_back({m + "notificaties.json", NotificatiesJson(s.notificaties, secrets)});
  plan->generated.push_back({m + "samenwerking.json", SamenwerkingJson(s.samenwerking, secrets)});
}

IndexPage MakeIndexPage(const DossierSnapshot& s, const ExportOptions& o, const std::string& naam,
                        const Selection& sel, const BagPlan& plan, const std::vector<std::string>& mdto_links) {
  IndexPage page{s.samenwerking.samenwerking_id, naam, s.samenwerking.status,
                 s.source_naam + " (OIN " + s.source_oin + ")", std::string(ConfidentialityName(o.ceiling)),
                 FormatUtcDateTime(s.as_of_unix), s.deelnemers, {}, {}};
  for (size_t i = 0; i < plan.documents.size(); ++i) {
    const auto& p = plan.documents[i];
    page.documents.push_back({p.doc, p.path.substr(std::string("data/documenten/").size()),
                              i < mdto_links.size() ? mdto_links[i] : ""});
  }
  for (const auto* w : sel.withheld) {
    page.withheld.push_back({w->document.document_id, std::string(ConfidentialityName(EffectiveLevel(w->document)))});
  }
  std::sort(page.withheld.begin(), page.withheld.end(),
            [](const auto& a, const auto& b) { return a.document_id < b.document_id; });
  return page;
}

Status CheckNoLeak(const BagPlan& plan, const Secrets& secrets) {
  auto leak = [&](const std::string& where, const std::string& text) -> Status {
    if (!MentionsAny(text, secrets)) return Status::Ok();
    return Internal("export would leak a withheld document's name or description in " + where);
  };
  for (const auto& f : plan.generated) SWF_RETURN_IF_ERROR(leak(f.path, f.content));
  for (const auto& d : plan.documents) SWF_RETURN_IF_ERROR(leak("a document path", d.path));
  SWF_RETURN_IF_ERROR(leak("bag-info.txt", plan.bag_info));
  SWF_RETURN_IF_ERROR(leak("index.html", plan.index_html));
  return leak("the root directory", plan.root);
}

}  // namespace

Confidentiality EffectiveLevel(const Document& d) {
  return std::max(d.vertrouwelijkheid, ParseConfidentiality(d.vertrouwelijkheid_label));
}

DossierSnapshot CanonicalSnapshot(const DossierSnapshot& in) {
  DossierSnapshot s = in;
  auto by = [](auto key) { return [key](const auto& a, const auto& b) { return key(a) < key(b); }; };
  std::sort(s.documents.begin(), s.documents.end(), by([](const ExportDocument& d) { return d.document.document_id; }));
  std::sort(s.deelnemers.begin(), s.deelnemers.end(), by([](const Deelnemer& d) { return std::tie(d.oin, d.raw_json); }));
  std::sort(s.actieverzoeken.begin(), s.actieverzoeken.end(),
            by([](const Actieverzoek& a) { return std::tie(a.actieverzoek_id, a.raw_json); }));
  std::sort(s.berichten.begin(), s.berichten.end(), by([](const Bericht& b) { return std::tie(b.bericht_id, b.raw_json); }));
  std::sort(s.notificaties.begin(), s.notificaties.end(),
            by([](const Notificatie& n) { return std::tie(n.notificatie_id, n.raw_json); }));
  return s;
}

namespace {

Result<BagPlan> Plan(const DossierSnapshot& s, const ExportOptions& o, bool spare_fixed_text);

// What the exporter writes whatever the dossier holds: headings, labels, file and folder
// names, as the bag of a dossier with one neutral document exported and one withheld shows
// them.
std::string FixedText(const DossierSnapshot& s, const ExportOptions& o) {
  DossierSnapshot skeleton;
  skeleton.samenwerking.samenwerking_id = s.samenwerking.samenwerking_id;
  skeleton.as_of_unix = s.as_of_unix;
  // Nothing else of the dossier: text that comes from its data stays under the check.
  skeleton.source_naam = "x";
  skeleton.source_oin = std::string(20, '0');
  // The words of a Swfvault-Sync-Incomplete line; its profile name and time stay checked.
  skeleton.sync_incomplete = {
      "the last sync by profile x (x) did not finish: 2 failures, then stopped before the end",
      "the last sync by profile x (x) did not finish: 1 failure, then ended by an error (x)"};
  for (Confidentiality level : {Confidentiality::kRV, Confidentiality::kSV}) {
    ExportDocument d;
    d.document.document_id = level == Confidentiality::kRV ? "00000000-0000-4000-8000-000000000000"
                                                           : "00000000-0000-4000-8000-000000000001";
    d.document.samenwerking_id = s.samenwerking.samenwerking_id;
    d.document.bestands_naam = "x";
    d.document.vertrouwelijkheid = level;
    d.sha256 = std::string(64, '0');
    skeleton.documents.push_back(d);
  }
  Result<BagPlan> plan = Plan(skeleton, o, /*spare_fixed_text=*/false);
  if (!plan.ok()) return "";
  std::string text = plan->root + "\n" + plan->bag_info + plan->index_html;
  for (const auto& f : plan->generated) text += f.path + "\n" + f.content;
  for (const auto& d : plan->documents) text += d.path + "\n";
  return text;
}

Result<BagPlan> Plan(const DossierSnapshot& s, const ExportOptions& o, bool spare_fixed_text) {
  SWF_RETURN_IF_ERROR(CheckSnapshot(s, o));
  const Selection sel = Select(s, o.ceiling);
  Secrets secrets = SecretsOf(s, sel.withheld, sel.exported);
  if (spare_fixed_text && !secrets.empty()) {
    // A withheld "Dossier.pdf" or "data.xlsx" must not stop every export because the bag
    // itself says "Dossier" and "data/": the exporter's own words give nothing away.
    const std::string fixed = NameCollisionKey(FixedText(s, o));
    std::erase_if(secrets, [&](const std::string& secret) { return fixed.find(secret) != std::string::npos; });
  }
  BagPlan plan;
  plan.root = SanitizeName(s.samenwerking.samenwerking_id, "dossier");
  plan.withheld = sel.withheld.size();
  const std::vector<MdtoDocument> docs = NameDocuments(sel, &plan);
  const std::string& titel = s.samenwerking.titel;
  const std::string naam = titel.empty() || MentionsAny(titel, secrets) ? s.samenwerking.samenwerking_id : titel;
  std::vector<std::string> mdto_links;
  if (!o.no_mdto) AddMdto(s, o, naam, docs, &plan, &mdto_links);
  AddMetadata(s, sel, secrets, &plan);
  std::sort(plan.generated.begin(), plan.generated.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  for (const auto& p : plan.documents) plan.payload_bytes += p.doc->size;
  for (const auto& f : plan.generated) plan.payload_bytes += f.content.size();
  plan.payload_files = plan.documents.size() + plan.generated.size();
  plan.index_html = IndexHtml(MakeIndexPage(s, o, naam, sel, plan, mdto_links));
  plan.bag_info = BagInfoTxt({s.source_naam + " (OIN " + s.source_oin + ")",
                              s.samenwerking.samenwerking_id, s.as_of_unix, plan.payload_bytes,
                              plan.payload_files, std::string(ConfidentialityName(o.ceiling)),
                              o.software_version, plan.withheld, s.sync_incomplete});
  SWF_RETURN_IF_ERROR(CheckNoLeak(plan, secrets));
  return plan;
}

}  // namespace

Result<BagPlan> PlanBag(const DossierSnapshot& s, const ExportOptions& o) {
  return Plan(s, o, /*spare_fixed_text=*/true);
}

}  // namespace swfvault
