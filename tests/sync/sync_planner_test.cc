#include "swfvault/sync_planner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace swfvault {
namespace {

using Kind = SyncAction::Kind;
using State = LocalDocument::State;

Document Doc(const std::string& id, const std::string& hash, const std::string& label = "RV") {
  Document d;
  d.document_id = id;
  d.samenwerking_id = "SAM-1";
  d.document_hash = hash;
  d.vertrouwelijkheid_label = label;
  d.vertrouwelijkheid = ParseConfidentiality(label);
  d.bestands_naam = id + ".pdf";
  return d;
}

LocalDocument Held(const Document& d, State state = State::kPresent) {
  return {d.document_id, d.document_hash, state, d.vertrouwelijkheid, MetadataFingerprint(d)};
}

std::vector<std::pair<Kind, std::string>> Summary(const SyncPlan& plan) {
  std::vector<std::pair<Kind, std::string>> out;
  for (const SyncAction& a : plan.actions) out.emplace_back(a.kind, plan.DocumentOf(a).document_id);
  return out;
}

struct Case {
  const char* name;
  std::vector<Document> remote;
  std::vector<LocalDocument> local;
  std::set<std::string> objects;
  Confidentiality ceiling;
  std::vector<std::pair<Kind, std::string>> expected;
  int unchanged;
};

TEST(SyncPlannerTest, Table) {
  Document a = Doc("a", "h1"), b = Doc("b", "h2"), s = Doc("s", "h3", "SV");
  Document a_renamed = a;
  a_renamed.document_omschrijving = "nieuw";
  Document a_raised = Doc("a", "h1", "SV");
  Document odd = Doc("x", "h4", "GEHEIM");
  Document twin = Doc("t", "h1");
  const std::vector<Case> cases = {
      {"empty vault fetches everything", {a, b}, {}, {}, Confidentiality::kSV,
       {{Kind::kFetch, "a"}, {Kind::kFetch, "b"}}, 0},
      {"unchanged documents do nothing", {a, b}, {Held(a), Held(b)}, {"h1", "h2"},
       Confidentiality::kSV, {}, 2},
      {"metadata change is recorded without refetch", {a_renamed}, {Held(a)}, {"h1"},
       Confidentiality::kSV, {{Kind::kUpdateMetadata, "a"}}, 0},
      {"SV above an RV ceiling is withheld", {a, s}, {}, {}, Confidentiality::kRV,
       {{Kind::kFetch, "a"}, {Kind::kWithhold, "s"}}, 0},
      {"withheld stays withheld without new action", {s}, {Held(s, State::kWithheld)}, {},
       Confidentiality::kRV, {}, 1},
      {"label raised to SV purges from an RV vault", {a_raised}, {Held(a)}, {"h1"},
       Confidentiality::kRV, {{Kind::kWithhold, "a"}}, 0},
      {"label lowered to RV fetches a withheld document", {a}, {Held(a_raised, State::kWithheld)},
       {}, Confidentiality::kRV, {{Kind::kFetch, "a"}}, 0},
      {"unknown label fails closed even under SV", {odd}, {}, {}, Confidentiality::kSV,
       {{Kind::kWithhold, "x"}}, 0},
      {"vanished document is marked removed", {a}, {Held(a), Held(b)}, {"h1", "h2"},
       Confidentiality::kSV, {{Kind::kMarkRemoved, "b"}}, 1},
      {"removed stays removed", {a}, {Held(a), Held(b, State::kRemovedRemotely)}, {"h1", "h2"},
       Confidentiality::kSV, {}, 1},
      {"object already stored is linked not fetched", {a}, {}, {"h1"}, Confidentiality::kSV,
       {{Kind::kLink, "a"}}, 0},
      {"same content twice is fetched once", {a, twin}, {}, {}, Confidentiality::kSV,
       {{Kind::kFetch, "a"}, {Kind::kLink, "t"}}, 0},
      {"quarantined document is fetched again", {a}, {Held(a, State::kQuarantined)}, {},
       Confidentiality::kSV, {{Kind::kFetch, "a"}}, 0},
      {"duplicate listing entries count once", {a, a}, {}, {}, Confidentiality::kSV,
       {{Kind::kFetch, "a"}}, 0},
  };
  for (const Case& c : cases) {
    PlannerOptions options;
    options.ceiling = c.ceiling;
    SyncPlan plan = PlanSync(c.remote, c.local, c.objects, options);
    EXPECT_EQ(Summary(plan), c.expected) << c.name;
    EXPECT_EQ(plan.unchanged, c.unchanged) << c.name;
    EXPECT_FALSE(plan.blocked) << c.name;
  }
}

// A document held as present whose object is gone from the store (deleted, or moved to
// quarantine by verify) is fetched again, marked as a repair; only it, and only once.
TEST(SyncPlannerTest, AHeldDocumentWhoseObjectIsGoneIsFetchedAgainAsARepair) {
  Document a = Doc("a", "h1"), b = Doc("b", "h2"), twin = Doc("t", "h1");
  Document a_renamed = a;
  a_renamed.document_omschrijving = "nieuw";
  PlannerOptions options;
  SyncPlan plan = PlanSync({a, b, twin}, {Held(a), Held(b), Held(twin)}, {"h2"}, options);
  EXPECT_EQ(Summary(plan),
            (std::vector<std::pair<Kind, std::string>>{{Kind::kFetch, "a"}, {Kind::kLink, "t"}}));
  EXPECT_EQ(plan.unchanged, 1);
  ASSERT_EQ(plan.actions.size(), 2u);
  EXPECT_TRUE(plan.actions[0].repair);
  EXPECT_FALSE(plan.actions[1].repair);
  // With its metadata changed too, the fetch records both.
  SyncPlan renamed = PlanSync({a_renamed}, {Held(a)}, {}, options);
  ASSERT_EQ(renamed.actions.size(), 1u);
  EXPECT_EQ(renamed.actions[0].kind, Kind::kFetch);
  EXPECT_TRUE(renamed.actions[0].repair);
  // A new document is no repair, nor is one held as removed or quarantined.
  SyncPlan fresh =
      PlanSync({a, b, twin}, {Held(b, State::kQuarantined), Held(twin, State::kRemovedRemotely)},
               {}, options);
  EXPECT_EQ(Summary(fresh), (std::vector<std::pair<Kind, std::string>>{
                                {Kind::kFetch, "a"}, {Kind::kFetch, "b"}, {Kind::kLink, "t"}}));
  for (const SyncAction& action : fresh.actions) EXPECT_FALSE(action.repair);
}

TEST(SyncPlannerTest, PurgeFlagOnlyWhenObjectWasHeld) {
  PlannerOptions rv;
  rv.ceiling = Confidentiality::kRV;
  Document raised = Doc("a", "h1", "SV");
  SyncPlan held = PlanSync({raised}, {Held(Doc("a", "h1"))}, {"h1"}, rv);
  ASSERT_EQ(held.actions.size(), 1u);
  EXPECT_EQ(held.actions[0].held_sha256, "h1");
  SyncPlan fresh = PlanSync({raised}, {}, {}, rv);
  ASSERT_EQ(fresh.actions.size(), 1u);
  EXPECT_EQ(fresh.actions[0].held_sha256, "");
}

TEST(SyncPlannerTest, TheObjectToPurgeIsTheOneHeldNotTheOneListed) {
  PlannerOptions rv;
  rv.ceiling = Confidentiality::kRV;
  SyncPlan plan = PlanSync({Doc("a", "h2", "SV")}, {Held(Doc("a", "h1"))}, {"h1"}, rv);
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].kind, SyncAction::Kind::kWithhold);
  EXPECT_EQ(plan.actions[0].held_sha256, "h1");
}

TEST(SyncPlannerTest, MassDeleteGuardBlocksRemovalsButNotFetches) {
  std::vector<LocalDocument> local;
  for (int i = 0; i < 20; ++i) local.push_back(Held(Doc("d" + std::to_string(i), "h")));
  Document fresh = Doc("new", "hn");
  SyncPlan plan = PlanSync({fresh}, local, {"h"}, PlannerOptions{});
  EXPECT_TRUE(plan.blocked);
  EXPECT_NE(plan.blocked_reason.find("20 of 20"), std::string::npos) << plan.blocked_reason;
  EXPECT_EQ(plan.Count(Kind::kMarkRemoved), 0);
  EXPECT_EQ(plan.Count(Kind::kFetch), 1);
}

TEST(SyncPlannerTest, FewRemovalsPassTheGuard) {
  std::vector<Document> remote;
  std::vector<LocalDocument> local;
  for (int i = 0; i < 20; ++i) {
    Document d = Doc("d" + std::to_string(i), "h" + std::to_string(i));
    local.push_back(Held(d));
    if (i >= 3) remote.push_back(d);
  }
  SyncPlan plan = PlanSync(remote, local, {}, PlannerOptions{});
  EXPECT_FALSE(plan.blocked);
  EXPECT_EQ(plan.Count(Kind::kMarkRemoved), 3);
}

// A beperkte-toegang deelnemer's listing leaves SV out: an SV document the vault holds and the
// listing lacks was not removed. Kept as it is when another profile of the vault is cleared for
// it there; else withheld, its object purged. An RV document missing is removed as ever, and
// hidden SV documents count nothing toward the mass-delete guard.
TEST(SyncPlannerTest, WhatALimitedListingCannotShowIsNotRemoved) {
  std::vector<LocalDocument> local;
  std::vector<Document> remote;
  for (int i = 0; i < 12; ++i)
    local.push_back(Held(Doc("s" + std::to_string(i), "hs" + std::to_string(i), "SV")));
  Document kept = Doc("r", "hr"), gone = Doc("g", "hg");
  local.push_back(Held(kept));
  local.push_back(Held(gone));
  local.push_back(Held(Doc("w", "", "SV"), State::kWithheld));
  PlannerOptions limited;
  limited.samenwerking_id = "SAM-1";
  limited.ceiling = Confidentiality::kRV;
  limited.listing_hides_above_ceiling = true;
  limited.hidden_kept_elsewhere = true;
  SyncPlan elsewhere = PlanSync({kept}, local, {"hr", "hg", "hs0"}, limited);
  EXPECT_FALSE(elsewhere.blocked) << elsewhere.blocked_reason;
  EXPECT_EQ(Summary(elsewhere),
            (std::vector<std::pair<Kind, std::string>>{{Kind::kMarkRemoved, "g"}}));
  EXPECT_EQ(elsewhere.DocumentOf(elsewhere.actions[0]).samenwerking_id, "SAM-1");

  limited.hidden_kept_elsewhere = false;
  SyncPlan nobody = PlanSync({kept}, local, {"hr", "hg", "hs0"}, limited);
  EXPECT_FALSE(nobody.blocked) << nobody.blocked_reason;
  EXPECT_EQ(nobody.Count(Kind::kWithhold), 12);
  EXPECT_EQ(nobody.Count(Kind::kMarkRemoved), 1);
  for (const SyncAction& a : nobody.actions) {
    if (a.kind != Kind::kWithhold) continue;
    const Document& d = nobody.DocumentOf(a);
    EXPECT_EQ(d.vertrouwelijkheid, Confidentiality::kSV) << d.document_id;
    EXPECT_EQ(d.samenwerking_id, "SAM-1");
    EXPECT_EQ(a.held_sha256, "h" + d.document_id) << "the object to purge";
  }

  // The guard's share counts only what the listing could show: 10 RV documents of 10 vanishing
  // is all of them, however many hidden SV documents there are beside them.
  std::vector<LocalDocument> mostly_hidden;
  for (int i = 0; i < 30; ++i) {
    const std::string n = std::to_string(i);
    mostly_hidden.push_back(Held(Doc((i < 20 ? "s" : "r") + n, "h" + n, i < 20 ? "SV" : "RV")));
  }
  limited.hidden_kept_elsewhere = true;
  SyncPlan vanished = PlanSync({}, mostly_hidden, {}, limited);
  EXPECT_TRUE(vanished.blocked);
  EXPECT_NE(vanished.blocked_reason.find("10 of 10"), std::string::npos) << vanished.blocked_reason;

  // A listing that shows everything the profile may see: missing SV documents were removed.
  PlannerOptions full;
  SyncPlan all = PlanSync({kept}, local, {}, full);
  EXPECT_TRUE(all.blocked);
  EXPECT_NE(all.blocked_reason.find("13 of 14"), std::string::npos) << all.blocked_reason;
}

// A withheld document (the vault never held it) that the listing no longer shows is recorded
// as removed, and weighs nothing in the mass-delete guard: a dossier of many such documents
// would otherwise be blocked on every run.
TEST(SyncPlannerTest, WithheldDocumentsThatVanishAreRemovedWithoutTrippingTheGuard) {
  std::vector<Document> remote;
  std::vector<LocalDocument> local;
  for (int i = 0; i < 12; ++i)
    local.push_back(Held(Doc("w" + std::to_string(i), "", "SV"), State::kWithheld));
  for (int i = 0; i < 8; ++i) {
    Document d = Doc("r" + std::to_string(i), "h" + std::to_string(i));
    local.push_back(Held(d));
    remote.push_back(d);
  }
  PlannerOptions rv;
  rv.ceiling = Confidentiality::kRV;
  SyncPlan plan = PlanSync(remote, local, {}, rv);
  EXPECT_FALSE(plan.blocked) << plan.blocked_reason;
  EXPECT_EQ(plan.Count(Kind::kMarkRemoved), 12);
}

TEST(SyncPlannerTest, PlanIsIndependentOfListingOrder) {
  Document a = Doc("a", "h1"), b = Doc("b", "h1"), c = Doc("c", "h2");
  SyncPlan one = PlanSync({a, b, c}, {}, {}, PlannerOptions{});
  SyncPlan two = PlanSync({c, b, a}, {}, {}, PlannerOptions{});
  EXPECT_EQ(Summary(one), Summary(two));
}

}  // namespace
}  // namespace swfvault
