#include "swfvault/sync_planner.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_set>

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

// Views into SyncPlan::documents, which stay put while planning: no copies of ids and hashes.
using ViewSet = std::unordered_set<std::string_view>;

// Plans the listed document plan->documents[index]. `fetching` holds hashes already planned
// for download; `unneeded` collects documents that need no action.
void PlanListed(size_t index, const LocalDocument* local, const PlannerOptions& options,
                const std::set<std::string>& objects_present, ViewSet* fetching,
                std::vector<size_t>* unneeded, SyncPlan* plan) {
  const Document& doc = plan->documents[index];
  Confidentiality level = doc.vertrouwelijkheid;
  if (!AllowedUnder(level, options.ceiling)) {
    if (local != nullptr && local->state == State::kWithheld && local->level == level) {
      ++plan->unchanged;
      unneeded->push_back(index);
      return;
    }
    // The object held is the local one: should the content have changed with the label, the
    // listed hash names an object the vault never had.
    bool held = local != nullptr && local->state != State::kWithheld;
    plan->actions.push_back({Kind::kWithhold, index, held ? local->document_hash : std::string()});
    return;
  }
  const bool known_content = local != nullptr && local->state == State::kPresent &&
                             local->document_hash == doc.document_hash;
  const std::string& hash = doc.document_hash;
  if (known_content && objects_present.count(hash) != 0) {
    if (local->metadata_fingerprint == MetadataFingerprint(doc)) {
      ++plan->unchanged;
      unneeded->push_back(index);
    } else {
      plan->actions.push_back({Kind::kUpdateMetadata, index, {}});
    }
    return;
  }
  if (objects_present.count(hash) != 0 || fetching->count(hash) != 0) {
    plan->actions.push_back({Kind::kLink, index, {}});
    return;
  }
  fetching->insert(hash);
  plan->actions.push_back({Kind::kFetch, index, {}, /*repair=*/known_content});
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

SyncPlan PlanSync(std::vector<Document> remote, const std::vector<LocalDocument>& local,
                  const std::set<std::string>& objects_present, const PlannerOptions& options) {
  SyncPlan plan;
  std::map<std::string, const LocalDocument*> by_id;
  for (const LocalDocument& l : local) by_id[l.document_id] = &l;

  // The listing becomes the plan's documents (held once, however large the dossier) and is
  // walked in document id order through an index, which costs 4 bytes per document.
  plan.documents = std::move(remote);
  std::vector<uint32_t> order(plan.documents.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  std::stable_sort(order.begin(), order.end(), [&plan](uint32_t a, uint32_t b) {
    return plan.documents[a].document_id < plan.documents[b].document_id;
  });
  ViewSet seen;
  ViewSet fetching;
  std::vector<size_t> unneeded;
  seen.reserve(order.size());
  for (uint32_t i : order) {
    const std::string& id = plan.documents[i].document_id;
    if (!seen.insert(id).second) {  // a listing repeated across pages
      unneeded.push_back(i);
      continue;
    }
    auto it = by_id.find(id);
    PlanListed(i, it == by_id.end() ? nullptr : it->second, options, objects_present,
               &fetching, &unneeded, &plan);
  }

  // Collected first and added to plan.documents only once `seen` (views into them) is gone:
  // a push_back may move every document.
  std::vector<const LocalDocument*> removals;
  std::vector<const LocalDocument*> hidden_held;
  int present = 0;
  for (const auto& [id, l] : by_id) {
    const bool hidden =
        options.listing_hides_above_ceiling && !AllowedUnder(l->level, options.ceiling);
    // The guard's share is of what the listing could show: hidden documents neither vanish
    // nor count.
    if (l->state == State::kPresent && !hidden) ++present;
    if (seen.count(id) != 0 || l->state == State::kRemovedRemotely) continue;
    if (hidden) {
      // Not shown to this deelnemer, which proves nothing about the document.
      if (!options.hidden_kept_elsewhere && l->state != State::kWithheld) hidden_held.push_back(l);
      continue;
    }
    removals.push_back(l);
  }
  ViewSet().swap(seen);
  ViewSet().swap(fetching);
  for (const LocalDocument* l : hidden_held) {
    Document hidden;
    hidden.document_id = l->document_id;
    hidden.samenwerking_id = options.samenwerking_id;
    hidden.document_hash = l->document_hash;
    hidden.vertrouwelijkheid = l->level;
    plan.actions.push_back({Kind::kWithhold, plan.documents.size(), l->document_hash});
    plan.documents.push_back(std::move(hidden));
  }
  for (size_t i : unneeded) plan.documents[i] = Document{};  // only the actions' stay
  // A withheld document the vault never held: its going is recorded, and weighs nothing.
  int vanishing = 0;
  for (const LocalDocument* l : removals) vanishing += l->state != State::kWithheld;
  if (vanishing >= options.mass_delete_minimum &&
      vanishing * 100 > present * options.mass_delete_percent) {
    plan.blocked = true;
    plan.blocked_reason = std::to_string(vanishing) + " of " + std::to_string(present) +
                          " documents vanished from the listing (more than " +
                          std::to_string(options.mass_delete_percent) +
                          "%); nothing was marked removed";
  } else {
    for (const LocalDocument* l : removals) {
      Document gone;
      gone.document_id = l->document_id;
      gone.samenwerking_id = options.samenwerking_id;
      gone.document_hash = l->document_hash;
      plan.actions.push_back({Kind::kMarkRemoved, plan.documents.size(), {}});
      plan.documents.push_back(std::move(gone));
    }
  }
  std::stable_sort(plan.actions.begin(), plan.actions.end(),
                   [](const SyncAction& a, const SyncAction& b) { return Rank(a.kind) < Rank(b.kind); });
  return plan;
}

}  // namespace swfvault
