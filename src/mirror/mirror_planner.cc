#include "swfvault/mirror_planner.h"

#include <algorithm>
#include <set>

#include "swfvault/name_sanitizer.h"

namespace swfvault {
namespace {

// Documents must never take the name of a folder or file the mirror itself owns.
std::string AvoidReserved(const std::string& desired) {
  static const std::set<std::string> kReserved = {
      NameCollisionKey(kDropDir), NameCollisionKey(kFailedDir), NameCollisionKey(kRemovedDir),
      NameCollisionKey(kDossierJson), NameCollisionKey(kDocumentenCsv)};
  std::string clean = SanitizeName(desired);
  // Case-folded: on a case-insensitive share ".SWFVAULT-WEG" is the mirror's ".swfvault-weg".
  static const std::string kOwnPrefix = NameCollisionKey(".swfvault-");
  if (kReserved.count(NameCollisionKey(clean)) > 0 || NameCollisionKey(clean).rfind(kOwnPrefix, 0) == 0) {
    return "_" + clean;
  }
  return desired;
}

bool Placeable(const CatalogDocument& d, const MirrorPlanInput& in) {
  if (d.state != DocumentState::kPresent && d.state != DocumentState::kRemovedRemotely) return false;
  if (!AllowedUnder(d.document.vertrouwelijkheid, in.ceiling)) return false;
  return !d.blob_sha256.empty() && in.blob_sizes.count(d.blob_sha256) > 0;
}

void PlaceGroup(const std::vector<const CatalogDocument*>& docs, const MirrorPlanInput& in,
                const std::string& folder, bool removed, MirrorDossier* out) {
  std::vector<NameRequest> requests;
  for (const CatalogDocument* d : docs) {
    requests.push_back({d->document.document_id, AvoidReserved(d->document.bestands_naam)});
  }
  std::vector<std::string> names = ResolveNameCollisions(requests);
  std::vector<PlacedDocument> placed;
  for (size_t i = 0; i < docs.size(); ++i) {
    PlacedDocument p;
    p.document = docs[i]->document;
    p.sha256 = docs[i]->blob_sha256;
    p.size = in.blob_sizes.at(p.sha256);
    p.name = names[i];
    p.rel_path = folder + "/" + names[i];
    p.removed_remotely = removed;
    placed.push_back(std::move(p));
  }
  std::sort(placed.begin(), placed.end(),
            [](const PlacedDocument& a, const PlacedDocument& b) { return a.name < b.name; });
  for (auto& p : placed) out->documents.push_back(std::move(p));
}

MirrorDossier PlaceDossier(const Samenwerking& s, const MirrorPlanInput& in) {
  MirrorDossier dossier{s, DossierDirName(s), {}};
  std::vector<const CatalogDocument*> present, removed;
  for (const CatalogDocument& d : in.documents) {
    if (d.document.samenwerking_id != s.samenwerking_id || !Placeable(d, in)) continue;
    (d.state == DocumentState::kPresent ? present : removed).push_back(&d);
  }
  PlaceGroup(present, in, dossier.dir_name, false, &dossier);
  PlaceGroup(removed, in, dossier.dir_name + "/" + kRemovedDir, true, &dossier);
  return dossier;
}

// True when the document the state remembers may still be shown: only then may a locally
// edited copy of it survive as a conflict copy.
// Whether a document may no longer show here for its confidentiality (label raised, withheld,
// privilege lowered: then even a user's edit of it goes), rather than for a passing reason
// (quarantined, object missing: an edit is kept as a copy). Unknown here: no chances taken.
bool AboveCeiling(const std::string& document_id, const MirrorPlanInput& in) {
  for (const CatalogDocument& d : in.documents) {
    if (d.document.document_id == document_id) {
      return d.state == DocumentState::kWithheld || !AllowedUnder(d.document.vertrouwelijkheid, in.ceiling);
    }
  }
  return true;
}

}  // namespace

std::string DossierDirName(const Samenwerking& s) {
  return SanitizeName(s.samenwerking_id + " - " + s.titel, s.samenwerking_id);
}

int MirrorPlan::Count(MirrorAction::Kind kind) const {
  return static_cast<int>(std::count_if(actions.begin(), actions.end(),
                                        [kind](const MirrorAction& a) { return a.kind == kind; }));
}

MirrorPlan PlanMirror(const MirrorPlanInput& in) {
  MirrorPlan plan;
  std::vector<Samenwerking> dossiers = in.samenwerkingen;
  std::sort(dossiers.begin(), dossiers.end(), [](const Samenwerking& a, const Samenwerking& b) {
    return a.samenwerking_id < b.samenwerking_id;
  });
  std::map<std::string, const PlacedDocument*> wanted;
  for (const Samenwerking& s : dossiers) plan.dossiers.push_back(PlaceDossier(s, in));
  for (const MirrorDossier& d : plan.dossiers) {
    for (const PlacedDocument& p : d.documents) wanted[p.rel_path] = &p;
  }
  for (const auto& [path, p] : wanted) {
    auto it = in.state.find(path);
    bool same = it != in.state.end() && it->second.sha256 == p->sha256 &&
                it->second.document_id == p->document.document_id;
    plan.actions.push_back({same ? MirrorAction::Kind::kKeep : MirrorAction::Kind::kPublish, path,
                            p->document.document_id, p->sha256, p->size, false});
  }
  for (const auto& [path, file] : in.state) {
    if (wanted.count(path) > 0 || in.untouched_documents.count(file.document_id) > 0) continue;
    plan.actions.push_back({MirrorAction::Kind::kRemove, path, file.document_id, file.sha256,
                            file.size, AboveCeiling(file.document_id, in)});
  }
  return plan;
}

}  // namespace swfvault
