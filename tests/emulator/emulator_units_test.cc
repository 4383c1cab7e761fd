// Unit tests for the emulator's state store, fault table, seed content and JSON bodies.
#include <gtest/gtest.h>

#include <algorithm>

#include "emulator/admin_api.h"
#include "emulator/emulator_state.h"
#include "emulator/fault_injector.h"
#include "emulator/list_query.h"
#include "emulator/seed_loader.h"
#include "emulator/swf_api.h"
#include "support/temp_dir.h"

namespace swfvault::testing {
namespace {

std::string Drain(const ContentProducer& p) {
  std::string out;
  char buf[4096];
  for (size_t n; (n = p(buf, sizeof(buf))) > 0;) out.append(buf, n);
  return out;
}

TEST(DeterministicBytesTest, SameSeedSameBytes) {
  EXPECT_EQ(Drain(DeterministicBytes(7, 10007)), Drain(DeterministicBytes(7, 10007)));
  EXPECT_NE(Drain(DeterministicBytes(7, 100)), Drain(DeterministicBytes(8, 100)));
}

TEST(DeterministicBytesTest, ExactSizeIncludingOddTail) {
  EXPECT_EQ(Drain(DeterministicBytes(1, 13)).size(), 13u);
  EXPECT_EQ(Drain(DeterministicBytes(1, 0)).size(), 0u);
}

TEST(SmallDocumentTest, PdfHasHeaderAndTrailer) {
  std::string pdf = SmallDocument("application/pdf", "Aanvraag (concept)");
  EXPECT_EQ(pdf.rfind("%PDF-1.4", 0), 0u);
  EXPECT_NE(pdf.find("%%EOF"), std::string::npos);
  EXPECT_NE(pdf.find("Aanvraag concept"), std::string::npos);
}

TEST(EmulatorStateTest, PutGetDeleteRoundTrip) {
  TempDir dir;
  auto state = EmulatorState::Open(dir.path());
  ASSERT_TRUE(state.ok());
  ASSERT_TRUE((*state)->Put("document", "d1", "SAM-1", {{"x", 1}}).ok());
  EXPECT_EQ((*state)->Get("document", "d1").value()["x"], 1);
  ASSERT_TRUE((*state)->Delete("document", "d1").ok());
  EXPECT_EQ((*state)->Get("document", "d1").status().code(), StatusCode::kNotFound);
}

TEST(EmulatorStateTest, ListFiltersSortsAndPages) {
  TempDir dir;
  auto state = std::move(EmulatorState::Open(dir.path()).value());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(state->Put("document", "d" + std::to_string(i), "SAM-1", {{"bestandsGrootte", i * 10}}).ok());
  }
  ASSERT_TRUE(state->Put("document", "other", "SAM-2", {{"bestandsGrootte", 1}}).ok());
  ListSpec spec{"document", "SAM-1", {FilterCondition({"bestandsGrootte", FilterOp::kGte, "20"})},
                SortCondition({"bestandsGrootte", true}), 1, 1};
  Result<ListResult> r = state->List(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 3);
  ASSERT_EQ(r->items.size(), 1u);
  EXPECT_EQ(r->items[0]["bestandsGrootte"], 30);
}

TEST(EmulatorStateTest, InstantFiltersMatchTheSameInstantInAnyOffset) {
  TempDir dir;
  auto state = std::move(EmulatorState::Open(dir.path()).value());
  ASSERT_TRUE(state->Put("document", "d1", "SAM-1", {{"creatieDatumTijd", "2026-11-30T05:34:07.004+00:00"}}).ok());
  auto count = [&](FilterOp op, const std::string& value) {
    return state->List({"document", "SAM-1", {FilterCondition({"creatieDatumTijd", op, value})}, {}, 0, -1})->total;
  };
  EXPECT_EQ(count(FilterOp::kEq, "2026-11-30T07:34:07.004+02:00"), 1);
  EXPECT_EQ(count(FilterOp::kEq, "2026-11-30T05:34:07.004Z"), 1);
  EXPECT_EQ(count(FilterOp::kEq, "2026-11-30T06:34:07.004+01:00[Europe/Amsterdam]"), 1);
  EXPECT_EQ(count(FilterOp::kEq, "2026-11-30T07:34:07.005+02:00"), 0);
  EXPECT_EQ(count(FilterOp::kNot, "2026-11-30T07:34:07.004+02:00"), 0);
  EXPECT_EQ(count(FilterOp::kNot, "2026-11-30T07:34:07.005+02:00"), 1);
  EXPECT_EQ(count(FilterOp::kGte, "2026-11-30T07:34:07.004+02:00"), 1);
  EXPECT_EQ(count(FilterOp::kLt, "2026-11-30T07:34:07.004+02:00"), 0);
}

TEST(EmulatorStateTest, DataSurvivesReopen) {
  TempDir dir;
  {
    auto state = std::move(EmulatorState::Open(dir.path()).value());
    ASSERT_TRUE(state->Put("organisatie", "1", "", {{"naam", "A"}}).ok());
    ASSERT_EQ(state->NextSequence("s", 100).value(), 100);
  }
  auto state = std::move(EmulatorState::Open(dir.path()).value());
  EXPECT_EQ(state->Get("organisatie", "1").value()["naam"], "A");
  EXPECT_EQ(state->NextSequence("s", 100).value(), 101);
}

TEST(EmulatorStateTest, RolledBackWritesDisappear) {
  TempDir dir;
  auto state = std::move(EmulatorState::Open(dir.path()).value());
  ASSERT_TRUE(state->Begin().ok());
  ASSERT_TRUE(state->Put("x", "1", "", {{"a", 1}}).ok());
  state->Rollback();
  EXPECT_FALSE(state->Get("x", "1").ok());
}

TEST(CorpusSeedTest, ParetoSizesStayInRangeAndLeanSmall) {
  auto spec = ParseCorpusSpec({{"documentsPerDossier", 2000}, {"minSize", 4096},
                               {"maxSize", 67108864}, {"paretoAlpha", 0.52}, {"seed", 42}});
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  nlohmann::json seed = CorpusSeed(*spec);
  std::vector<uint64_t> sizes;
  uint64_t total = 0;
  for (const auto& d : seed["samenwerkingen"][0]["documenten"]) {
    sizes.push_back(d["grootte"].get<uint64_t>());
    total += sizes.back();
  }
  ASSERT_EQ(sizes.size(), 2000u);
  std::sort(sizes.begin(), sizes.end());
  EXPECT_GE(sizes.front(), 4096u);
  EXPECT_EQ(sizes.back(), 67108864u);         // the cap is reached by the tail
  EXPECT_LT(sizes[1000], 64u * 1024);          // median: small documents dominate
  EXPECT_GT(total, uint64_t{1} << 30);         // yet the corpus is about 1.5 GiB
  EXPECT_LT(total, uint64_t{5} << 29);
  EXPECT_EQ(ParseCorpusSpec({{"paretoAlpha", -1}}).status().code(), StatusCode::kInvalidArgument);
}

TEST(FaultInjectorTest, CountsDownAndMatchesRoute) {
  FaultInjector f;
  ASSERT_TRUE(f.Set({{"faults", {{{"type", "status"}, {"status", 502}, {"count", 2}, {"route", "^/a"}}}}}).ok());
  EXPECT_FALSE(f.Take({FaultKind::kStatus}, "/b", ""));
  EXPECT_EQ(f.Take({FaultKind::kStatus}, "/a/x", "")->status, 502);
  EXPECT_TRUE(f.Take({FaultKind::kStatus}, "/a", ""));
  EXPECT_FALSE(f.Take({FaultKind::kStatus}, "/a", ""));
}

TEST(FaultInjectorTest, DocumentScopedFaultSkipsOtherDocuments) {
  FaultInjector f;
  ASSERT_TRUE(f.Set({{"faults", {{{"type", "ignoreRange"}, {"documentId", "d1"}}}}}).ok());
  EXPECT_FALSE(f.Take({FaultKind::kIgnoreRange}, "/documenten/d2/content", "d2"));
  EXPECT_TRUE(f.Take({FaultKind::kIgnoreRange}, "/documenten/d1/content", "d1"));
}

TEST(FaultInjectorTest, RejectsUnknownTypeAndBadRegex) {
  FaultInjector f;
  EXPECT_EQ(f.Set({{"faults", {{{"type", "x"}}}}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.Set({{"faults", {{{"type", "status"}, {"route", "("}}}}}).message().rfind("route:", 0), 0u);
  EXPECT_EQ(f.Set({{"faults", {{{"type", "latency"}, {"ms", -1}}}}}).message().rfind("ms:", 0), 0u);
  ASSERT_TRUE(f.Set({{"faults", {{{"type", "latency"}, {"ms", 25}}}}}).ok());
  EXPECT_EQ(f.Take({FaultKind::kLatency}, "/any", "")->ms, 25);
}

// {"a": [[...]]} with `depth` levels of nesting in all (the object is the first).
std::string NestedBody(int depth) {
  return "{\"a\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
}

TEST(ParseJsonObjectTest, AcceptsSixtyFourLevels) {
  EXPECT_TRUE(ParseJsonObject(NestedBody(64)).ok());
}

TEST(ParseJsonObjectTest, RefusesDeeperBodiesNamingTheLimit) {
  for (int depth : {65, 300000}) {
    Result<nlohmann::json> r = ParseJsonObject(NestedBody(depth));
    ASSERT_FALSE(r.ok()) << depth;
    EXPECT_EQ(r.status().message(), "body: nested deeper than 64 levels");
  }
}

TEST(ExcerptTest, CapsLongTextAtACharacterBoundary) {
  EXPECT_EQ(Excerpt("kort"), "kort");
  std::string long_text = std::string(63, 'x') + "\xc3\xa9" + std::string(100, 'y');  // U+00E9 straddles the cap
  std::string cut = Excerpt(long_text);
  EXPECT_EQ(cut, std::string(63, 'x') + "...");
  EXPECT_NO_THROW(nlohmann::json(cut).dump());
}

TEST(TrafficStatsTest, RouteTemplateFoldsIds) {
  EXPECT_EQ(TrafficStats::RouteTemplate("/p/samenwerkingen/SAM-123/deelnemers/00000001000000001000", "/p"),
            "/samenwerkingen/{id}/deelnemers/{oin}");
  EXPECT_EQ(TrafficStats::RouteTemplate("/documenten/0b6f3c1e-1111-4222-8333-444455556666/content", "/p"),
            "/documenten/{id}/content");
}

}  // namespace
}  // namespace swfvault::testing
