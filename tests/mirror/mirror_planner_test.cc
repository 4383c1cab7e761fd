// MirrorPlanner: table tests of the pure plan (catalog state + target state -> actions).
#include "swfvault/mirror_planner.h"

#include <gtest/gtest.h>

#include <set>

namespace swfvault::testing {
namespace {

const std::string kShaA(64, 'a');
const std::string kShaB(64, 'b');

CatalogDocument Doc(const std::string& id, const std::string& name, Confidentiality level,
                    DocumentState state = DocumentState::kPresent, const std::string& sha = kShaA,
                    const std::string& sam = "SAM-1") {
  CatalogDocument d;
  d.document.document_id = id;
  d.document.samenwerking_id = sam;
  d.document.bestands_naam = name;
  d.document.vertrouwelijkheid = level;
  d.state = state;
  d.blob_sha256 = state == DocumentState::kWithheld ? "" : sha;
  return d;
}

MirrorPlanInput Input(Confidentiality ceiling, std::vector<CatalogDocument> docs,
                      std::map<std::string, MirroredFile> state = {}) {
  MirrorPlanInput in;
  in.ceiling = ceiling;
  Samenwerking s;
  s.samenwerking_id = "SAM-1";
  s.titel = "Dakkapel";
  in.samenwerkingen = {s};
  in.documents = std::move(docs);
  in.blob_sizes = {{kShaA, 10}, {kShaB, 20}};
  in.state = std::move(state);
  return in;
}

// "<kind>:<path>" for each action, "!" marking a ceiling removal.
std::vector<std::string> Describe(const MirrorPlan& plan) {
  std::vector<std::string> out;
  for (const MirrorAction& a : plan.actions) {
    const char* k = a.kind == MirrorAction::Kind::kPublish ? "publish"
                    : a.kind == MirrorAction::Kind::kKeep  ? "keep"
                                                           : (a.for_ceiling ? "remove!" : "remove");
    out.push_back(std::string(k) + ":" + a.rel_path);
  }
  return out;
}

struct Case {
  const char* name;
  MirrorPlanInput input;
  std::vector<std::string> expected;
};

const std::string kDir = "SAM-1 - Dakkapel";

std::vector<Case> Cases() {
  using C = Confidentiality;
  using S = DocumentState;
  MirroredFile old_a{"d1", kShaA, 10, 5, {}};
  return {
      {"RvDocumentIsPublishedInRvTarget", Input(C::kRV, {Doc("d1", "a.pdf", C::kRV)}),
       {"publish:" + kDir + "/a.pdf"}},
      {"SvDocumentIsNotPlacedInRvTarget", Input(C::kRV, {Doc("d1", "a.pdf", C::kSV)}), {}},
      {"SvDocumentIsPlacedInSvTarget", Input(C::kSV, {Doc("d1", "a.pdf", C::kSV)}),
       {"publish:" + kDir + "/a.pdf"}},
      {"UnknownLabelIsNotPlacedEvenInSvTarget", Input(C::kSV, {Doc("d1", "a.pdf", C::kUnknown)}), {}},
      {"WithheldDocumentIsNotPlaced", Input(C::kSV, {Doc("d1", "a.pdf", C::kRV, S::kWithheld)}), {}},
      {"QuarantinedDocumentIsNotPlaced", Input(C::kSV, {Doc("d1", "a.pdf", C::kRV, S::kQuarantined)}), {}},
      {"DocumentWithoutStoredObjectIsNotPlaced",
       Input(C::kRV, {Doc("d1", "a.pdf", C::kRV, S::kPresent, std::string(64, 'c'))}), {}},
      {"RemovedRemotelyGoesToVerwijderd", Input(C::kRV, {Doc("d1", "a.pdf", C::kRV, S::kRemovedRemotely)}),
       {"publish:" + kDir + "/_verwijderd/a.pdf"}},
      {"RemovedRemotelySvStaysOutOfRvTarget",
       Input(C::kRV, {Doc("d1", "a.pdf", C::kSV, S::kRemovedRemotely)}), {}},
      {"SameVersionAlreadyWrittenIsKept",
       Input(C::kRV, {Doc("d1", "a.pdf", C::kRV)}, {{kDir + "/a.pdf", old_a}}), {"keep:" + kDir + "/a.pdf"}},
      {"NewVersionIsPublishedOverOld",
       Input(C::kRV, {Doc("d1", "a.pdf", C::kRV, S::kPresent, kShaB)}, {{kDir + "/a.pdf", old_a}}),
       {"publish:" + kDir + "/a.pdf"}},
      {"LabelRaisedToSvIsRemovedForCeiling",
       Input(C::kRV, {Doc("d1", "a.pdf", C::kSV)}, {{kDir + "/a.pdf", old_a}}), {"remove!:" + kDir + "/a.pdf"}},
      {"WithheldAfterwardsIsRemovedForCeiling",
       Input(C::kRV, {Doc("d1", "a.pdf", C::kSV, S::kWithheld)}, {{kDir + "/a.pdf", old_a}}),
       {"remove!:" + kDir + "/a.pdf"}},
      {"VanishedDocumentIsRemovedForCeiling", Input(C::kRV, {}, {{kDir + "/a.pdf", old_a}}),
       {"remove!:" + kDir + "/a.pdf"}},
      {"RenamedDocumentMovesWithoutCeilingRemoval",
       Input(C::kRV, {Doc("d1", "b.pdf", C::kRV)}, {{kDir + "/a.pdf", old_a}}),
       {"publish:" + kDir + "/b.pdf", "remove:" + kDir + "/a.pdf"}},
      {"RemovedRemotelyMovesToVerwijderd",
       Input(C::kRV, {Doc("d1", "a.pdf", C::kRV, S::kRemovedRemotely)}, {{kDir + "/a.pdf", old_a}}),
       {"publish:" + kDir + "/_verwijderd/a.pdf", "remove:" + kDir + "/a.pdf"}},
      {"ReservedNamesAreNotTaken",
       Input(C::kRV, {Doc("d1", "dossier.json", C::kRV), Doc("d2", "_UPLOADEN", C::kRV),
                      Doc("d3", ".SWFVAULT-WEG", C::kRV)}),  // the aside folder, on a case-insensitive share
       {"publish:" + kDir + "/_.SWFVAULT-WEG", "publish:" + kDir + "/__UPLOADEN", "publish:" + kDir + "/_dossier.json"}},
      {"TraversalStaysInsideTheDossierFolder", Input(C::kRV, {Doc("d1", "../../etc/passwd", C::kRV)}),
       {"publish:" + kDir + "/etc_passwd"}},
  };
}

TEST(MirrorPlannerTest, TableOfScenarios) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Describe(PlanMirror(c.input)), c.expected);
  }
}

TEST(MirrorPlannerTest, CaseCollisionsGetDistinctDeterministicNames) {
  MirrorPlanInput in = Input(Confidentiality::kRV, {Doc("11111111-x", "Rapport.pdf", Confidentiality::kRV),
                                                    Doc("22222222-y", "rapport.PDF", Confidentiality::kRV)});
  MirrorPlan plan = PlanMirror(in);
  ASSERT_EQ(plan.actions.size(), 2u);
  std::set<std::string> paths = {plan.actions[0].rel_path, plan.actions[1].rel_path};
  EXPECT_EQ(paths.size(), 2u);
  std::reverse(in.documents.begin(), in.documents.end());
  EXPECT_EQ(Describe(PlanMirror(in)), Describe(plan));
}

TEST(MirrorPlannerTest, HostileDossierTitleStaysOneFolder) {
  MirrorPlanInput in = Input(Confidentiality::kRV, {Doc("d1", "a.pdf", Confidentiality::kRV)});
  in.samenwerkingen[0].titel = "../../../root/.ssh";
  MirrorPlan plan = PlanMirror(in);
  ASSERT_EQ(plan.dossiers.size(), 1u);
  EXPECT_EQ(plan.dossiers[0].dir_name.find('/'), std::string::npos);
  EXPECT_EQ(plan.dossiers[0].dir_name.rfind("SAM-1", 0), 0u);
}

TEST(MirrorPlannerTest, DocumentsOfUnselectedDossiersAreIgnored) {
  MirrorPlanInput in = Input(Confidentiality::kRV, {Doc("d9", "x.pdf", Confidentiality::kRV,
                                                        DocumentState::kPresent, kShaA, "SAM-2")});
  EXPECT_TRUE(PlanMirror(in).actions.empty());
}

}  // namespace
}  // namespace swfvault::testing
