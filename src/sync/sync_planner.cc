#include "swfvault/sync_planner.h"

#include <algorithm>
#include <map>

namespace swfvault {
namespace {

using Kind = SyncAction::Kind;
using State = LocalDocument::State;

int Rank(Kind kind) {
  switch (kind) {
    case Kind::kFetch: return 0;
    case Kind::kLink: return 1;
    case Kind::kUpdateMetadata: return 2;
    case Kind::kWithhold: return 3;
    case Kind::kMarkRemoved: return 4;
  }
  return 5;
}

// Plans a document the listing shows. `fetching` holds hashes already planned for download.
void PlanListed(const Document& doc, const LocalDocument* local, const PlannerOptions& options,
                const std::set<std::string>& objects_present, std::set<std::string>* fetching,
                SyncPlan* plan) {
  Confidentiality level = doc.vertrouwelijkheid;
  if (!AllowedUnder(level, options.ceiling)) {
    bool held = local != nullptr && local->state != State::kWithheld &&
                !local->document_hash.empty();
    if (local != nullptr && local->state == State::kWithheld && local->level == level) {
      ++plan->unchanged;
      return;
    }
    plan->actions.push_back({Kind::kWithhold, doc, held});
    return;
  }
  bool known_content = local != nullptr && local->state == State::kPresent &&
                       local->document_hash == doc.document_hash;
  if (known_content) {
    if (local->metadata_fingerprint == MetadataFingerprint(doc)) {
      ++plan->unchanged;
    } else {
      plan->actions.push_back({Kind::kUpdateMetadata, doc, false});
    }
    return;
  }
  const std::string& hash = doc.document_hash;
  if (objects_present.count(hash) != 0 || fetching->count(hash) != 0) {
    plan->actions.push_back({Kind::kLink, doc, false});
    return;
  }
  fetching->insert(hash);
  plan->actions.push_back({Kind::kFetch, doc, false});
}

}  // namespace

int SyncPlan::Count(SyncAction::Kind kind) const {
  return static_cast<int>(std::count_if(actions.begin(), actions.end(),
                                        [kind](const SyncAction& a) { return a.kind == kind; }));
}

std::string MetadataFingerprint(const Document& d) {
  // Unit separators keep fields from running into each other.
  std::string out;
  for (const std::string* field :
       {&d.bestands_naam, &d.document_omschrijving, &d.vertrouwelijkheid_label, &d.taal,
        &d.formaat, &d.kenmerk_systeem, &d.nummer_binnen_systeem, &d.laatst_aangepast_datum_tijd}) {
    out += *field;
    out += '\x1f';
  }
  return out;
}

SyncPlan PlanSync(const std::vector<Document>& remote, const std::vector<LocalDocument>& local,
                  const std::set<std::string>& objects_present, const PlannerOptions& options) {
  SyncPlan plan;
  std::map<std::string, const LocalDocument*> by_id;
  for (const LocalDocument& l : local) by_id[l.document_id] = &l;

  std::vector<const Document*> listed;
  for (const Document& d : remote) listed.push_back(&d);
  std::sort(listed.begin(), listed.end(),
            [](const Document* a, const Document* b) { return a->document_id < b->document_id; });

  std::set<std::string> seen;
  std::set<std::string> fetching;
  for (const Document* d : listed) {
    if (!seen.insert(d->document_id).second) continue;  // a listing repeated across pages
    auto it = by_id.find(d->document_id);
    PlanListed(*d, it == by_id.end() ? nullptr : it->second, options, objects_present,
               &fetching, &plan);
  }

  std::vector<SyncAction> removals;
  int present = 0;
  for (const auto& [id, l] : by_id) {
    if (l->state == State::kPresent) ++present;
    if (seen.count(id) != 0 || l->state == State::kRemovedRemotely) continue;
    SyncAction a{Kind::kMarkRemoved, Document{}, false};
    a.document.document_id = id;
    a.document.document_hash = l->document_hash;
    removals.push_back(std::move(a));
  }
  int vanishing = static_cast<int>(removals.size());
  if (vanishing >= options.mass_delete_minimum &&
      vanishing * 100 > present * options.mass_delete_percent) {
    plan.blocked = true;
    plan.blocked_reason = std::to_string(vanishing) + " of " + std::to_string(present) +
                          " documents vanished from the listing (more than " +
                          std::to_string(options.mass_delete_percent) +
                          "%); nothing was marked removed";
  } else {
    for (SyncAction& a : removals) plan.actions.push_back(std::move(a));
  }
  std::stable_sort(plan.actions.begin(), plan.actions.end(),
                   [](const SyncAction& a, const SyncAction& b) { return Rank(a.kind) < Rank(b.kind); });
  return plan;
}

}  // namespace swfvault
