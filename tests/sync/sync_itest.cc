// End-to-end sync against the real emulator over mTLS, through the `swfvault` binary.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "store/blob_store_test_util.h"
#include "swfvault/exit_codes.h"
#include "swfvault/hashing.h"
#include "swfvault/name_sanitizer.h"
#include "sync/sync_fixture.h"

namespace swfvault::testing {
namespace {

std::set<std::string> HashesWithLevel(const std::vector<nlohmann::json>& docs,
                                      const std::string& level) {
  std::set<std::string> out;
  for (const auto& d : docs) {
    const nlohmann::json& label = d["vertrouwelijkheidsAanduiding"];
    if ((label.is_string() ? label.get<std::string>() : "RV") == level) out.insert(d["documentHash"].get<std::string>());
  }
  return out;
}

class SyncITest : public SyncFixture {
 protected:
  // Hashes of the samenwerkingen's SV documents whose bytes no RV document also has.
  std::set<std::string> SvOnlyHashes(const std::vector<std::string>& ids) {
    std::set<std::string> sv, rv, out;
    for (const std::string& id : ids) {
      auto docs = RemoteDocuments(id);
      auto s = HashesWithLevel(docs, "SV"), r = HashesWithLevel(docs, "RV");
      sv.insert(s.begin(), s.end());
      rv.insert(r.begin(), r.end());
    }
    for (const std::string& h : sv) {
      if (rv.count(h) == 0) out.insert(h);
    }
    return out;
  }
  size_t SvOnlyHashesHeld(const std::vector<std::string>& ids) {
    std::set<std::string> objects = ObjectNames();
    size_t held = 0;
    for (const std::string& h : SvOnlyHashes(ids)) held += objects.count(h);
    return held;
  }
  // Scans every object and catalog row: nothing of an SV document, and some withheld.
  void ExpectNoSvHeld(const std::vector<std::string>& ids) {
    ASSERT_FALSE(SvOnlyHashes(ids).empty()) << "no SV document to test with";
    EXPECT_EQ(SvOnlyHashesHeld(ids), 0u) << "SV object in an RV vault";
    EXPECT_TRUE(Query("SELECT document_id FROM documents WHERE vertrouwelijkheid <> 'RV' AND "
                      "(blob_sha256 IS NOT NULL OR bestands_naam IS NOT NULL OR raw_json IS NOT NULL)")
                    .empty());
    EXPECT_FALSE(Query("SELECT document_id FROM documents WHERE state='withheld'").empty());
  }
};

TEST_F(SyncITest, FullMirrorVerifiesAndSecondSyncTransfersNoContent) {
  std::vector<std::string> ids = Generate({{"dossiers", 3}, {"documentsPerDossier", 40},
                                           {"minSize", 1024}, {"maxSize", 262144},
                                           {"svShare", 0.2}, {"seed", 7}});
  ASSERT_EQ(ids.size(), 3u);
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  CliResult first = Swf({"sync", "--json", "--transfers", "8"});
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  nlohmann::json s1 = first.Summary();
  int64_t expected = 0;
  for (const std::string& id : ids) expected += static_cast<int64_t>(RemoteDocuments(id).size());
  EXPECT_GE(s1["fetched"].get<int64_t>() + s1["linked"].get<int64_t>(), expected);

  CliResult verify = Swf({"verify", "--json"});
  EXPECT_EQ(verify.exit_code, kExitOk) << verify.err;
  EXPECT_EQ(verify.Summary()["bad"], 0);
  EXPECT_EQ(verify.Summary()["good"], verify.Summary()["objects"]);

  emulator_->Admin("POST", "/_emulator/reset");
  CliResult second = Swf({"sync", "--full", "--json"});
  ASSERT_EQ(second.exit_code, kExitOk) << second.err;
  EXPECT_EQ(second.Summary()["fetched"], 0);
  EXPECT_EQ(ContentBytesSent(), 0);
  // Every listed document of the generated dossiers is present with the promised hash.
  for (const std::string& id : ids) {
    for (const auto& d : RemoteDocuments(id)) {
      std::vector<std::string> rows = Query("SELECT state, blob_sha256 FROM documents WHERE document_id='" +
                                            d["documentId"].get<std::string>() + "'");
      ASSERT_EQ(rows.size(), 1u);
      EXPECT_EQ(rows[0], "present|" + d["documentHash"].get<std::string>());
      // The sync holds the listing compact; the catalog still gets the server's whole object.
      nlohmann::json sent = d;
      sent.erase("_links");
      EXPECT_EQ(Query("SELECT raw_json FROM documents WHERE document_id='" +
                      d["documentId"].get<std::string>() + "'"),
                std::vector<std::string>{sent.dump()});
    }
  }
}

TEST_F(SyncITest, OneLaneOrFourGiveTheSameVerifiedMirror) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 60},
                                           {"minSize", 1024}, {"maxSize", 1 << 20}, {"seed", 21}});
  ASSERT_EQ(ids.size(), 1u);
  std::set<std::string> expected;
  for (const auto& d : RemoteDocuments(ids[0])) expected.insert(d["documentHash"].get<std::string>());
  ASSERT_GT(expected.size(), 50u);
  for (const std::string lanes : {"1", "4"}) {
    const std::filesystem::path vault = dir_.path() / ("vault-lanes-" + lanes);
    ASSERT_EQ(Swf({"--vault", vault.string(), "init"}).exit_code, 0);
    CliResult r = Swf({"--vault", vault.string(), "sync", ids[0], "--json", "--transfers", "8",
                       "--transfer-threads", lanes});
    ASSERT_EQ(r.exit_code, kExitOk) << lanes << " lanes: " << r.err;
    EXPECT_EQ(r.Summary()["failed"], 0) << lanes << " lanes";
    CliResult verify = Swf({"--vault", vault.string(), "verify", "--json"});
    EXPECT_EQ(verify.exit_code, kExitOk) << lanes << " lanes: " << verify.err;
    EXPECT_EQ(verify.Summary()["bad"], 0) << lanes << " lanes";
    std::set<std::string> objects;
    for (const auto& e : std::filesystem::recursive_directory_iterator(vault / "objects")) {
      if (e.is_regular_file()) objects.insert(e.path().filename().string());
    }
    EXPECT_EQ(objects, expected) << lanes << " lanes";
  }
}

TEST_F(SyncITest, RvCeilingVaultNeverHoldsAnSvDocument) {
  std::vector<std::string> ids = Generate({{"dossiers", 2}, {"documentsPerDossier", 25},
                                           {"svShare", 0.5}, {"seed", 11}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  CliResult r = Swf({"sync", "--max-level", "RV", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ExpectNoSvHeld(ids);
}

// The vault's own ceiling (init --max-level RV) holds whatever a sync asks: a sync without the
// flag, under a profile that allows SV, stores no SV; one asking for SV is a usage error.
// Raising it takes another init; lowering it purges SV at the next sync.
TEST_F(SyncITest, AVaultInitialisedWithMaxLevelRvHoldsNoSvWhateverTheSyncAsks) {
  std::vector<std::string> ids = Generate({{"dossiers", 2}, {"documentsPerDossier", 20},
                                           {"svShare", 0.5}, {"seed", 15}});
  ASSERT_EQ(Swf({"init", "--max-level", "RV"}).exit_code, 0);
  EXPECT_EQ(Swf({"status", "--json"}).Summary()["maxLevel"], "RV");
  CliResult asked = Swf({"sync", "--max-level", "SV"});
  EXPECT_EQ(asked.exit_code, kExitUsage);
  EXPECT_NE(asked.err.find("--max-level"), std::string::npos) << asked.err;
  EXPECT_TRUE(ObjectNames().empty());

  CliResult plain = Swf({"sync", "--json"});
  ASSERT_EQ(plain.exit_code, kExitOk) << plain.err;
  ExpectNoSvHeld(ids);

  ASSERT_EQ(Swf({"init", "--max-level", "SV"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync", "--json"}).exit_code, kExitOk);
  EXPECT_GT(SvOnlyHashesHeld(ids), 0u) << "raised: SV documents are fetched now";
  // An SV document removed remotely keeps its object (as removed documents do) ...
  std::string gone_hash = *SvOnlyHashes(ids).begin();
  std::string gone_id;
  for (const auto& d : RemoteDocuments(ids[0]))
    if (d["documentHash"] == gone_hash) gone_id = d["documentId"];
  for (const auto& d : RemoteDocuments(ids[1]))
    if (gone_id.empty() && d["documentHash"] == gone_hash) gone_id = d["documentId"];
  ASSERT_FALSE(gone_id.empty());
  HttpsClient a("gemeente-a");
  ASSERT_EQ(a.Delete(emulator_->base_url() + "/documenten/" + gone_id).status, 204);
  ASSERT_EQ(Swf({"sync", "--full"}).exit_code, kExitOk);
  ASSERT_EQ(ObjectNames().count(gone_hash), 1u);

  // ... until the ceiling is lowered: then nothing above it stays, listed or not.
  ASSERT_EQ(Swf({"init", "--max-level", "RV"}).exit_code, 0);
  CliResult lowered = Swf({"sync", "--json"});
  ASSERT_EQ(lowered.exit_code, kExitOk) << lowered.err;
  EXPECT_GT(lowered.Summary()["withheld"].get<int>(), 0);
  ExpectNoSvHeld(ids);
  EXPECT_EQ(ObjectNames().count(gone_hash), 0u) << "the SV document removed remotely stays in an RV vault";
  EXPECT_EQ(Swf({"verify"}).exit_code, kExitOk);
}

TEST_F(SyncITest, BeperkteToegangProfileNeverHoldsAnSvDocument) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 30},
                                           {"svShare", 0.5}, {"seed", 12}});
  HttpsClient a("gemeente-a");
  auto invite = a.Post(emulator_->base_url() + "/samenwerkingen/" + ids[0] + "/deelnemers",
                       {{"oin", kAdviesbureau}, {"naam", "Adviesbureau BV"},
                        {"privilege", "BEPERKTE_TOEGANG"}});
  ASSERT_EQ(invite.status, 201) << invite.body;
  WriteConfig("adviesbureau", kAdviesbureau);
  ASSERT_EQ(Swf({"init"}, "adviesbureau").exit_code, 0);
  CliResult r = Swf({"sync", ids[0]}, "adviesbureau");
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  auto all = RemoteDocuments(ids[0]);  // as the initiator: RV and SV
  std::set<std::string> sv = HashesWithLevel(all, "SV"), rv = HashesWithLevel(all, "RV");
  ASSERT_FALSE(sv.empty());
  std::set<std::string> objects = ObjectNames("adviesbureau");
  EXPECT_FALSE(objects.empty());
  for (const std::string& h : sv) {
    if (rv.count(h) == 0) {
      EXPECT_EQ(objects.count(h), 0u) << h;
    }
  }
  EXPECT_TRUE(Query("SELECT document_id FROM documents WHERE vertrouwelijkheid <> 'RV'", "adviesbureau").empty());
}

// A beperkte-toegang deelnemer is not shown SV, which says nothing of those documents. In a
// vault of its own, once its privilege is lowered, they are withheld and their objects purged
// (they were kept, marked removed). In a vault shared with a profile that has volledige toegang
// they stay as they are (they were marked removed by one profile and linked again by the other
// at every full run).
TEST_F(SyncITest, WhatALimitedListingCannotShowIsNeitherMarkedRemovedNorKeptAboveItsClearance) {
  std::vector<std::string> ids =
      Generate({{"dossiers", 1}, {"documentsPerDossier", 8}, {"svShare", 0.5}, {"seed", 14}});
  ASSERT_EQ(Swf({"deelnemer", "invite", ids[0], kAdviesbureau, "--naam", "Adviesbureau BV",
                 "--privilege", "VOLLEDIGE_TOEGANG"})
                .exit_code,
            kExitOk);
  std::set<std::string> sv_ids;
  for (const auto& d : RemoteDocuments(ids[0])) {
    if (d["vertrouwelijkheidsAanduiding"] == "SV") sv_ids.insert(d["documentId"]);
  }
  ASSERT_FALSE(sv_ids.empty());
  auto states = [&](const std::string& org) {
    std::set<std::string> out;
    for (const std::string& id : sv_ids) {
      for (const std::string& row :
           Query("SELECT state FROM documents WHERE document_id='" + id + "'", org)) {
        out.insert(row);
      }
    }
    return out;
  };
  WriteConfig("adviesbureau", kAdviesbureau);
  ASSERT_EQ(Swf({"init"}, "adviesbureau").exit_code, kExitOk);
  ASSERT_EQ(Swf({"sync"}, "adviesbureau").exit_code, kExitOk);
  EXPECT_EQ(states("adviesbureau"), std::set<std::string>{"present"});

  ASSERT_EQ(Swf({"deelnemer", "privilege", ids[0], kAdviesbureau, "BEPERKTE_TOEGANG"}).exit_code,
            kExitOk);
  CliResult lowered = Swf({"sync", "--full", "--json"}, "adviesbureau");
  ASSERT_EQ(lowered.exit_code, kExitOk) << lowered.err;
  EXPECT_EQ(lowered.Summary()["withheld"], static_cast<int>(sv_ids.size()));
  EXPECT_EQ(states("adviesbureau"), std::set<std::string>{"withheld"});
  EXPECT_TRUE(Query("SELECT d.document_id FROM documents d JOIN blobs b ON b.sha256 = "
                    "d.blob_sha256 WHERE d.vertrouwelijkheid <> 'RV'",
                    "adviesbureau")
                  .empty());
  EXPECT_EQ(Swf({"verify"}, "adviesbureau").exit_code, kExitOk);

  // One vault, both organisations (as a supplier acting for both keeps it).
  WriteProfilesConfig(
      "shared", VaultDir("shared"),
      {{"gemeente-a", kGemeenteA, "gemeente-a"}, {"adviesbureau", kAdviesbureau, "adviesbureau"}});
  ASSERT_EQ(Swf({"init"}, "shared").exit_code, kExitOk);
  for (int run = 0; run < 2; ++run) {
    CliResult r = Swf({"sync", "--all", "--full"}, "shared");
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    EXPECT_EQ(r.err.find("share this vault"), std::string::npos) << r.err;
  }
  // Profiles of one vault with different ceilings would purge each other's documents: said.
  WriteProfilesConfig("mixed", VaultDir("shared"),
                      {{"gemeente-a", kGemeenteA, "gemeente-a", "SV"},
                       {"adviesbureau", kAdviesbureau, "adviesbureau", "RV"}});
  CliResult mixed = Swf({"sync", "--all", "--dry-run"}, "mixed");
  EXPECT_NE(mixed.err.find("profiles 'adviesbureau' (max_level RV) and 'gemeente-a' (max_level "
                           "SV) share this vault"),
            std::string::npos)
      << mixed.err;
  // Not when one ceiling holds for every run of this one.
  CliResult one = Swf({"sync", "--all", "--dry-run", "--max-level", "RV"}, "mixed");
  EXPECT_EQ(one.err.find("share this vault"), std::string::npos) << one.err;
  EXPECT_EQ(states("shared"), std::set<std::string>{"present"});
  EXPECT_EQ(
      Query("SELECT count(*) FROM events WHERE kind IN ('removed_remotely', 'withheld')", "shared"),
      std::vector<std::string>{"0"});
}

// Profiles of one vault share its [[mirror]] targets. A document one profile is cleared for
// stays in an SV target after the sync of a profile with beperkte toegang in that dossier: the
// vault keeps it (AnotherProfileClearedHere), and so does the tree, instead of removing it
// after the one profile's sync and writing it again after the other's, at every `sync --all`.
TEST_F(SyncITest, ASharedMirrorTargetKeepsWhatAnotherProfileOfTheVaultIsClearedFor) {
  std::vector<std::string> ids =
      Generate({{"dossiers", 1}, {"documentsPerDossier", 4}, {"svShare", 0.5}, {"seed", 21}});
  ASSERT_EQ(Swf({"deelnemer", "invite", ids[0], kAdviesbureau, "--naam", "Adviesbureau BV",
                 "--privilege", "BEPERKTE_TOEGANG"})
                .exit_code,
            kExitOk);
  const std::string config = WriteProfilesConfig(
      "shared", VaultDir("shared"),
      {{"gemeente-a", kGemeenteA, "gemeente-a"}, {"adviesbureau", kAdviesbureau, "adviesbureau"}});
  const std::filesystem::path target = dir_.path() / "share";
  WriteFile(config, ReadFile(config) + "\n[[mirror]]\npath = \"" + target.string() +
                        "\"\nmax_level = \"SV\"\n");
  ASSERT_EQ(Swf({"init"}, "shared").exit_code, kExitOk);
  auto tree = [&] {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::recursive_directory_iterator(target)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && !name.starts_with(".swfvault")) names.insert(name);
    }
    return names;
  };
  std::set<std::string> first;
  for (int run = 0; run < 3; ++run) {
    CliResult r = Swf({"sync", "--all", "--json"}, "shared");
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    EXPECT_EQ(r.out.find("\"action\":\"removed\""), std::string::npos)
        << "run " << run << ": " << r.out;
    if (run == 0) first = tree();
    EXPECT_EQ(tree(), first) << "run " << run;
  }
  size_t sv = 0;
  for (const nlohmann::json& d : RemoteDocuments(ids[0])) {
    if (d["vertrouwelijkheidsAanduiding"] != "SV") continue;
    ++sv;
    EXPECT_EQ(first.count(SanitizeName(d["bestandsNaam"].get<std::string>(), "")), 1u)
        << d["bestandsNaam"];
  }
  EXPECT_GT(sv, 0u);

  // A profile the config no longer has keeps nothing in the tree, though the catalog still
  // knows it: the beperkte profile alone shows RV only (also without uploads).
  const std::string alone = WriteProfilesConfig("alone", VaultDir("shared"),
                                                {{"adviesbureau", kAdviesbureau, "adviesbureau"}});
  WriteFile(alone, ReadFile(alone) + "\n[[mirror]]\npath = \"" + target.string() +
                       "\"\nmax_level = \"SV\"\n");
  CliResult m = Swf({"mirror", "--no-upload"}, "alone");
  ASSERT_EQ(m.exit_code, kExitOk) << m.err;
  const std::set<std::string> limited = tree();
  for (const nlohmann::json& d : RemoteDocuments(ids[0])) {
    const std::string name = SanitizeName(d["bestandsNaam"].get<std::string>(), "");
    EXPECT_EQ(limited.count(name), d["vertrouwelijkheidsAanduiding"] == "SV" ? 0u : 1u) << name;
  }
}

// An SV document the vault only quarantined (its download did not match its documentHash)
// holds no object, only the rejected download in quarantine/. When a lowered privilege hides
// it, that copy goes too: it is found by the documentHash the catalog kept.
TEST_F(SyncITest, AQuarantinedDownloadGoesWhenALimitedListingHidesItsDocument) {
  std::vector<std::string> ids =
      Generate({{"dossiers", 1}, {"documentsPerDossier", 2}, {"svShare", 1.0}, {"seed", 15}});
  ASSERT_EQ(Swf({"deelnemer", "invite", ids[0], kAdviesbureau, "--naam", "Adviesbureau BV",
                 "--privilege", "VOLLEDIGE_TOEGANG"})
                .exit_code,
            kExitOk);
  const std::vector<nlohmann::json> docs = RemoteDocuments(ids[0]);
  ASSERT_EQ(docs.size(), 2u);
  ASSERT_EQ(docs[0]["vertrouwelijkheidsAanduiding"], "SV");
  const std::string liar = docs[0]["documentId"];
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "wrongHash"}, {"documentId", liar}, {"count", -1}}}}});
  WriteConfig("adviesbureau", kAdviesbureau);
  ASSERT_EQ(Swf({"init"}, "adviesbureau").exit_code, kExitOk);
  ASSERT_EQ(Swf({"sync"}, "adviesbureau").exit_code, kExitIntegrity);
  const std::filesystem::path quarantine =
      std::filesystem::path(VaultDir("adviesbureau")) / "quarantine";
  ASSERT_EQ(FilesUnder(quarantine).size(), 1u) << "the rejected download is kept to look at";
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});

  ASSERT_EQ(Swf({"deelnemer", "privilege", ids[0], kAdviesbureau, "BEPERKTE_TOEGANG"}).exit_code,
            kExitOk);
  CliResult lowered = Swf({"sync", "--full", "--json"}, "adviesbureau");
  ASSERT_EQ(lowered.exit_code, kExitOk) << lowered.err;
  EXPECT_EQ(lowered.Summary()["withheld"], 2) << lowered.out;
  EXPECT_TRUE(FilesUnder(quarantine).empty()) << "SV bytes stay in a vault cleared for RV";
  for (const nlohmann::json& d : docs) {
    EXPECT_EQ(ObjectNames("adviesbureau").count(d["documentHash"]), 0u) << d["documentId"];
  }
}

// An SV document an RV vault withheld, then deleted remotely: recorded as removed once, and
// from then on left alone (it held nothing to purge), not withheld and removed again each run.
TEST_F(SyncITest, AWithheldDocumentDeletedRemotelyIsRemovedOnce) {
  std::vector<std::string> ids =
      Generate({{"dossiers", 1}, {"documentsPerDossier", 3}, {"svShare", 1.0}, {"seed", 16}});
  ASSERT_EQ(Swf({"init", "--max-level", "RV"}).exit_code, 0);
  CliResult first = Swf({"sync", "--json", ids[0]});
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  ASSERT_EQ(first.Summary()["withheld"], 3);
  const std::string id = RemoteDocuments(ids[0]).front()["documentId"];
  HttpsClient a("gemeente-a");
  ASSERT_EQ(a.Delete(emulator_->base_url() + "/documenten/" + id).status, 204);
  const std::string state = "SELECT state FROM documents WHERE document_id='" + id + "'";
  CliResult gone = Swf({"sync", "--json", ids[0]});
  ASSERT_EQ(gone.exit_code, kExitOk) << gone.err;
  EXPECT_EQ(gone.Summary()["removed"], 1) << gone.out;
  EXPECT_EQ(Query(state), std::vector<std::string>{"removed_remotely"});
  for (int run = 0; run < 2; ++run) {
    CliResult again = Swf({"sync", "--json", ids[0]});
    ASSERT_EQ(again.exit_code, kExitOk) << again.err;
    EXPECT_EQ(again.Summary()["removed"], 0) << again.out;
    EXPECT_EQ(again.Summary()["withheld"], 0) << again.out;
    EXPECT_EQ(Query(state), std::vector<std::string>{"removed_remotely"});
  }
}

TEST_F(SyncITest, LabelRaisedToSvIsPurgedFromAnRvVault) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 5},
                                           {"svShare", 0.0}, {"seed", 13}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync", "--max-level", "RV", ids[0]}).exit_code, kExitOk);
  nlohmann::json doc = RemoteDocuments(ids[0]).front();
  std::string id = doc["documentId"], hash = doc["documentHash"];
  ASSERT_EQ(ObjectNames().count(hash), 1u);
  // Copies of that content in quarantine/ (an object verify moved aside, a rejected download
  // received as it) go with it; another's stays.
  const std::filesystem::path quarantine = std::filesystem::path(VaultDir()) / "quarantine";
  const std::string other(64, 'e');
  for (const std::string& name :
       {hash + "-1780000000000000-verify.bad", std::string(64, 'f') + "-" + hash + ".bad",
        other + "-1780000000000000-verify.bad"}) {
    WriteFile(quarantine / name, "bytes");
  }
  HttpsClient a("gemeente-a");
  auto patch = a.Send("PATCH", emulator_->base_url() + "/documenten/" + id,
                      R"({"vertrouwelijkheidsAanduiding":"SV"})", "application/merge-patch+json");
  ASSERT_EQ(patch.status, 200) << patch.body;
  CliResult r = Swf({"sync", "--max-level", "RV", "--json", ids[0]});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.Summary()["withheld"], 1);
  EXPECT_EQ(ObjectNames().count(hash), 0u);
  EXPECT_EQ(Query("SELECT state, vertrouwelijkheid FROM documents WHERE document_id='" + id + "'"),
            std::vector<std::string>{"withheld|SV"});
  EXPECT_EQ(Swf({"verify"}).exit_code, kExitOk);
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(quarantine)) {
    left.push_back(e.path().filename().string());
  }
  EXPECT_EQ(left, std::vector<std::string>{other + "-1780000000000000-verify.bad"});
}

TEST_F(SyncITest, DocumentRemovedRemotelyKeepsObjectAndHistory) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 12}, {"seed", 14}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync", ids[0]}).exit_code, kExitOk);
  nlohmann::json doc = RemoteDocuments(ids[0]).front();
  std::string id = doc["documentId"], hash = doc["documentHash"];
  HttpsClient a("gemeente-a");
  ASSERT_EQ(a.Delete(emulator_->base_url() + "/documenten/" + id).status, 204);
  CliResult r = Swf({"sync", "--json", ids[0]});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.Summary()["removed"], 1);
  EXPECT_EQ(Query("SELECT state, blob_sha256 FROM documents WHERE document_id='" + id + "'"),
            std::vector<std::string>{"removed_remotely|" + hash});
  EXPECT_EQ(ObjectNames().count(hash), 1u);
  EXPECT_GE(Query("SELECT kind FROM events WHERE document_id='" + id + "'").size(), 2u);
  EXPECT_EQ(Query("SELECT samenwerking_id FROM events WHERE document_id='" + id +
                  "' AND kind = 'removed_remotely'"),
            std::vector<std::string>{ids[0]});
}

// A listing that skipped a document still there (paged while a deletion shifted it onto a page
// already read) removes nothing: a second listing shows it, so it stays present, and the
// dossier is listed again by the next run (the shift may have hidden other changes too).
TEST_F(SyncITest, ADocumentMissingFromTheListingButStillThereIsNotMarkedRemoved) {
  std::vector<std::string> ids =
      Generate({{"dossiers", 1}, {"documentsPerDossier", 12}, {"seed", 15}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync", ids[0]}).exit_code, kExitOk);
  const std::string id = RemoteDocuments(ids[0]).front()["documentId"];
  emulator_->Admin(
      "PUT", "/_emulator/faults",
      {{"faults", {{{"type", "missingFromListing"}, {"documentId", id}, {"count", 1}}}}});
  CliResult r = Swf({"sync", "--full", "--json", ids[0]});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.Summary()["removed"], 0) << r.out;
  EXPECT_NE(
      r.out.find("1 document missing from the listing of " + ids[0] + " came back in a second one"),
      std::string::npos)
      << r.out;
  EXPECT_EQ(r.Summary()["retryNextRun"], nlohmann::json::array({ids[0]})) << r.out;
  EXPECT_EQ(Query("SELECT state FROM documents WHERE document_id='" + id + "'"),
            std::vector<std::string>{"present"});
  EXPECT_TRUE(Query("SELECT kind FROM events WHERE kind = 'removed_remotely'").empty());
}

// verify moves a damaged object to quarantine/; the next sync, incremental as scheduled runs
// are, fetches it again, and one deleted by hand too: the vault repairs itself from the server.
TEST_F(SyncITest, ADamagedOrLostObjectIsMovedAsideByVerifyAndFetchedAgainByTheNextSync) {
  std::vector<std::string> ids = Generate({{"dossiers", 2},
                                           {"documentsPerDossier", 8},
                                           {"minSize", 1024},
                                           {"maxSize", 16384},
                                           {"seed", 31}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  nlohmann::json damaged = RemoteDocuments(ids[0]).front();
  nlohmann::json lost = RemoteDocuments(ids[1]).front();
  const std::string damaged_hash = damaged["documentHash"], lost_hash = lost["documentHash"];
  auto object = [&](const std::string& hash) {
    return std::filesystem::path(VaultDir()) / "objects" / hash.substr(0, 2) / hash;
  };
  std::filesystem::permissions(object(damaged_hash), std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::string bytes = ReadFile(object(damaged_hash));
  bytes[bytes.size() / 2] ^= 1;
  WriteFile(object(damaged_hash), bytes);
  std::filesystem::remove(object(lost_hash));

  CliResult verify = Swf({"verify", "--json"});
  EXPECT_EQ(verify.exit_code, kExitIntegrity) << verify.out;
  EXPECT_EQ(verify.Summary()["bad"], 1) << verify.out;
  EXPECT_EQ(verify.Summary()["missingObjects"], 1) << verify.out;
  EXPECT_EQ(verify.FirstEvent("object")["sha256"], damaged_hash);
  EXPECT_NE(verify.FirstEvent("object").value("action", "").find("fetches it again"),
            std::string::npos)
      << verify.out;
  EXPECT_FALSE(std::filesystem::exists(object(damaged_hash)));
  std::vector<std::string> kept;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(VaultDir()) / "quarantine")) {
    kept.push_back(e.path().filename().string());
  }
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].rfind(damaged_hash + "-", 0), 0u) << kept[0];
  EXPECT_EQ(ReadFile(std::filesystem::path(VaultDir()) / "quarantine" / kept[0]), bytes);

  // Meanwhile the documents are known and their content is not there: an integrity error.
  for (const nlohmann::json* d : {&damaged, &lost}) {
    CliResult get = Swf({"get", d->at("documentId"), "-o", (dir_ / "out.bin").string()});
    EXPECT_EQ(get.exit_code, kExitIntegrity) << get.err;
    EXPECT_NE(get.err.find("is missing from the store; the next 'swfvault sync' fetches it again"),
              std::string::npos)
        << get.err;
  }

  emulator_->Admin("POST", "/_emulator/reset");
  CliResult repair = Swf({"sync", "--json"});
  ASSERT_EQ(repair.exit_code, kExitOk) << repair.err;
  EXPECT_EQ(repair.Summary()["mode"], "incremental");
  EXPECT_EQ(repair.Summary()["fetched"], 2);
  EXPECT_EQ(repair.Summary()["repaired"], 2);
  EXPECT_EQ(ContentBytesSent(),
            damaged["bestandsGrootte"].get<int64_t>() + lost["bestandsGrootte"].get<int64_t>());
  for (const nlohmann::json* d : {&damaged, &lost}) {
    EXPECT_EQ(Query("SELECT count(*) FROM events WHERE kind='repaired' AND document_id='" +
                    d->at("documentId").get<std::string>() + "'"),
              std::vector<std::string>{"1"});
  }
  CliResult clean = Swf({"verify", "--json"});
  EXPECT_EQ(clean.exit_code, kExitOk) << clean.out;
  EXPECT_EQ(clean.Summary()["bad"], 0);
  EXPECT_EQ(clean.Summary()["missingObjects"], 0);
  CliResult again = Swf({"sync", "--json"});
  ASSERT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_EQ(again.Summary()["fetched"], 0);
}

TEST_F(SyncITest, ShowAndGetReadTheVaultCheckTheHashAndNameWhatIsNotInIt) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 3},
                                           {"minSize", 2048}, {"maxSize", 8192}, {"seed", 21}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync", ids[0]}).exit_code, kExitOk);
  nlohmann::json doc = RemoteDocuments(ids[0]).front();
  std::string id = doc["documentId"], hash = doc["documentHash"];

  CliResult show = Swf({"show", "--json", id});
  ASSERT_EQ(show.exit_code, kExitOk) << show.err;
  nlohmann::json shown = show.Events().at(0);
  EXPECT_EQ(shown["state"], "present");
  EXPECT_EQ(shown["sha256"], hash);
  ASSERT_EQ(shown["history"].size(), 1u);
  EXPECT_EQ(shown["history"][0]["kind"], "fetched");
  EXPECT_EQ(show.Summary()["state"], "present");  // --json ends with a summary line
  CliResult text = Swf({"show", id});
  EXPECT_NE(text.out.find("\nhistory:\n  "), std::string::npos) << text.out;

  std::string out = (dir_ / "copy.bin").string();
  CliResult get = Swf({"get", id, "-o", out});
  ASSERT_EQ(get.exit_code, kExitOk) << get.err;
  EXPECT_EQ(Sha256Hex(ReadFile(out)), hash);
  // Into a directory: under the document's own name, as cp does.
  std::filesystem::create_directory(dir_ / "into");
  CliResult into = Swf({"get", "--json", id, "-o", (dir_ / "into").string()});
  ASSERT_EQ(into.exit_code, kExitOk) << into.err;
  std::string named = (dir_ / "into" / SanitizeName(doc["bestandsNaam"].get<std::string>(), id)).string();
  EXPECT_EQ(into.Summary()["output"], named);
  EXPECT_EQ(Sha256Hex(ReadFile(named)), hash);
  CliResult nowhere = Swf({"get", id, "-o", (dir_ / "no-such-dir" / "x").string()});
  EXPECT_EQ(nowhere.exit_code, kExitNotFound);
  EXPECT_NE(nowhere.err.find("no-such-dir is not an existing directory"), std::string::npos) << nowhere.err;
  CliResult to_stdout = Swf({"get", id, "-o", "-"});
  ASSERT_EQ(to_stdout.exit_code, kExitOk) << to_stdout.err;
  EXPECT_EQ(Sha256Hex(to_stdout.out), hash);
  // /dev/stdout is stdout: the document and nothing else (and the file stdout goes to is not
  // replaced by one renamed over it).
  CliResult dev_stdout = Swf({"get", id, "-o", "/dev/stdout"});
  ASSERT_EQ(dev_stdout.exit_code, kExitOk) << dev_stdout.err;
  EXPECT_EQ(Sha256Hex(dev_stdout.out), hash);
  // Stdout on a full disk (/dev/full: every write fails with ENOSPC): a short copy is an error
  // with the disk-full code, never exit 0.
  if (std::filesystem::exists("/dev/full")) {
    const int full =
        std::system((std::string(SWFVAULT_CLI_BIN) + " --config " + configs_.at("gemeente-a") +
                     " get " + id + " -o - > /dev/full 2> /dev/null")
                        .c_str());
    EXPECT_TRUE(WIFEXITED(full) && WEXITSTATUS(full) == kExitDiskFull) << full;
  }
  CliResult to_stdout_json = Swf({"get", "--json", id, "-o", "-"});  // no summary mixed into the bytes
  ASSERT_EQ(to_stdout_json.exit_code, kExitOk) << to_stdout_json.err;
  EXPECT_EQ(Sha256Hex(to_stdout_json.out), hash);
  // A pipe (or a device such as /dev/null) is written into, never replaced by a plain file.
  const std::filesystem::path fifo = dir_ / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string piped;
  std::thread reader([&] { piped = ReadFile(fifo); });
  CliResult to_pipe = Swf({"get", id, "-o", fifo.string()});
  int unblock = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);  // a reader still waiting sees EOF
  if (unblock >= 0) ::close(unblock);
  reader.join();
  EXPECT_EQ(to_pipe.exit_code, kExitOk) << to_pipe.err;
  EXPECT_EQ(Sha256Hex(piped), hash);
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  // A symbolic link to a file: the file gets the content, the link stays.
  WriteFile(dir_ / "target.bin", "old");
  std::filesystem::create_symlink(dir_ / "target.bin", dir_ / "link.bin");
  CliResult via_link = Swf({"get", id, "-o", (dir_ / "link.bin").string()});
  ASSERT_EQ(via_link.exit_code, kExitOk) << via_link.err;
  EXPECT_TRUE(std::filesystem::is_symlink(dir_ / "link.bin"));
  EXPECT_EQ(Sha256Hex(ReadFile(dir_ / "target.bin")), hash);
  // A link to a file yet to be made (relative to the link's folder): that file is made.
  std::filesystem::create_directory(dir_ / "links");
  std::filesystem::create_symlink("../made.bin", dir_ / "links" / "ahead.bin");
  CliResult ahead = Swf({"get", id, "-o", (dir_ / "links" / "ahead.bin").string()});
  ASSERT_EQ(ahead.exit_code, kExitOk) << ahead.err;
  EXPECT_TRUE(std::filesystem::is_symlink(dir_ / "links" / "ahead.bin"));
  EXPECT_EQ(Sha256Hex(ReadFile(dir_ / "made.bin")), hash);

  // A damaged object is never copied out: exit 5, and the output file is left as it was.
  std::filesystem::path object = std::filesystem::path(VaultDir()) / "objects" / hash.substr(0, 2) / hash;
  std::filesystem::permissions(object, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::string damaged = ReadFile(object);
  damaged[damaged.size() / 2] ^= 1;
  WriteFile(object, damaged);
  std::string fresh = (dir_ / "fresh.bin").string();
  CliResult bad = Swf({"get", id, "-o", fresh});
  EXPECT_EQ(bad.exit_code, kExitIntegrity) << bad.err;
  EXPECT_NE(bad.err.find("does not match its hash"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(fresh));
  EXPECT_EQ(Swf({"get", id, "-o", out}).exit_code, kExitIntegrity);
  EXPECT_EQ(Sha256Hex(ReadFile(out)), hash);
  CliResult bad_stdout = Swf({"get", id, "-o", "-"});  // checked before the first byte goes out
  EXPECT_EQ(bad_stdout.exit_code, kExitIntegrity) << bad_stdout.err;
  EXPECT_EQ(bad_stdout.out, "");
  EXPECT_NE(bad_stdout.err.find("nothing written"), std::string::npos) << bad_stdout.err;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().rfind(".swfvault-get-", 0), std::string::npos) << entry.path();
  }

  CliResult no_dossier = Swf({"ls", "SAM-999999"});
  EXPECT_EQ(no_dossier.exit_code, kExitNotFound);
  EXPECT_NE(no_dossier.err.find("error: samenwerking SAM-999999 is not in the vault"), std::string::npos)
      << no_dossier.err;
  for (std::string command : {"show", "get"}) {
    std::vector<std::string> args = {command, "no-such-document"};
    if (command == "get") args.insert(args.end(), {"-o", fresh});
    CliResult unknown = Swf(args);
    EXPECT_EQ(unknown.exit_code, kExitNotFound) << command;
    EXPECT_NE(unknown.err.find("document no-such-document is not in the vault"), std::string::npos) << unknown.err;
  }
}

TEST_F(SyncITest, MassDeleteGuardStopsRemovalsAndSaysWhy) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 20}, {"seed", 15}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  ASSERT_EQ(Swf({"sync", ids[0]}).exit_code, kExitOk);
  HttpsClient a("gemeente-a");
  auto docs = RemoteDocuments(ids[0]);
  for (size_t i = 0; i < 15; ++i) {
    ASSERT_EQ(a.Delete(emulator_->base_url() + "/documenten/" + docs[i]["documentId"].get<std::string>()).status, 204);
  }
  CliResult r = Swf({"sync", "--json", ids[0]});
  EXPECT_EQ(r.exit_code, kExitPartial) << r.err;
  EXPECT_EQ(r.Summary()["removed"], 0);
  EXPECT_NE(r.out.find("vanished"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--allow-mass-delete"), std::string::npos) << "the way out is named";
  EXPECT_TRUE(Query("SELECT 1 FROM documents WHERE state='removed_remotely'").empty());
  // Once the removals are known to be real: one run that lets them through, and the guard
  // stands again for the next.
  CliResult allowed = Swf({"sync", "--json", "--allow-mass-delete", ids[0]});
  EXPECT_EQ(allowed.exit_code, kExitOk) << allowed.out;
  EXPECT_EQ(allowed.Summary()["removed"], 15);
  EXPECT_EQ(Query("SELECT count(*) FROM documents WHERE state='removed_remotely'"),
            std::vector<std::string>{"15"});
}

TEST_F(SyncITest, SecondRunnerIsRefusedWithLockedCode) {
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  Generate({{"dossiers", 1}, {"documentsPerDossier", 5}, {"seed", 16}});
  emulator_->Admin("POST", "/_emulator/reset");  // clears the stats (and the faults)
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "slowBody"}, {"bytesPerSecond", 20000}, {"count", -1}}}}});
  CliChild slow({"--config", configs_.at("gemeente-a"), "sync", "--full"}, dir_.path().string());
  // The runner takes the vault lock before its first request: once the emulator has seen a
  // request, a second runner must be refused.
  for (int i = 0; i < 400 && emulator_->Admin("GET", "/_emulator/stats")["totalRequests"] == 0; ++i) {
    usleep(25 * 1000);
  }
  ASSERT_TRUE(slow.Running()) << "the first runner ended before the second could start";
  CliResult second = Swf({"sync"});
  EXPECT_EQ(second.exit_code, kExitLocked) << second.err;
  EXPECT_NE(second.err.find("in use"), std::string::npos) << second.err;
  slow.Kill(SIGKILL);
  slow.Wait();
  emulator_->Admin("POST", "/_emulator/reset");
  EXPECT_EQ(Swf({"sync"}).exit_code, kExitOk);  // the kernel dropped the dead runner's lock
}

TEST_F(SyncITest, DryRunChangesNothing) {
  Generate({{"dossiers", 1}, {"documentsPerDossier", 6}, {"seed", 17}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  CliResult r = Swf({"sync", "--dry-run", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  std::vector<nlohmann::json> events = r.Events();
  EXPECT_GT(std::count_if(events.begin(), events.end(),
                          [](const nlohmann::json& e) { return e.value("action", "") == "planned-fetch"; }),
            0);
  EXPECT_TRUE(ObjectNames().empty());
  EXPECT_TRUE(Query("SELECT 1 FROM documents").empty());
  // Nor the profile the run acts as, or a run record.
  EXPECT_TRUE(Query("SELECT 1 FROM profiles").empty());
  EXPECT_TRUE(Query("SELECT 1 FROM sync_runs").empty());

  // A dry run with another base URL (the same server by another name) leaves the profile
  // recorded by a real run as it was.
  ASSERT_EQ(Swf({"sync"}).exit_code, kExitOk);
  std::vector<std::string> recorded = Query("SELECT name, oin, base_url FROM profiles");
  ASSERT_EQ(recorded.size(), 1u);
  std::string other = emulator_->base_url();
  other.replace(other.find("127.0.0.1"), 9, "localhost");
  CliResult again = Swf({"sync", "--dry-run", "--base-url", other});
  ASSERT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_EQ(Query("SELECT name, oin, base_url FROM profiles"), recorded);
}

TEST_F(SyncITest, WrongCertificateExitsWithAuthCode) {
  std::string pki = PkiDir();
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  CliResult r = Swf({"sync", "--cert", pki + "/other-ca.crt", "--key", pki + "/other-ca.key"});
  EXPECT_EQ(r.exit_code, kExitAuth) << r.err;
}

TEST_F(SyncITest, UnknownSamenwerkingIsNotFound) {
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  CliResult r = Swf({"sync", "SAM-999999"});
  EXPECT_EQ(r.exit_code, kExitNotFound) << r.err;
  EXPECT_NE(r.err.find("SAM-999999"), std::string::npos) << r.err;
}

TEST_F(SyncITest, KnownIdsAreSyncedOnceAndEachUnknownOneIsReported) {
  std::vector<std::string> ids = Generate({{"dossiers", 1}, {"documentsPerDossier", 3}, {"seed", 21}});
  ASSERT_EQ(Swf({"init"}).exit_code, 0);
  CliResult r = Swf({"sync", "--json", ids[0], "SAM-999998", ids[0], "SAM-999999", "SAM-999998"});
  EXPECT_EQ(r.exit_code, kExitPartial) << r.err << r.out;
  int plans = 0;
  std::vector<std::string> errors;
  for (const nlohmann::json& e : r.Events()) {
    if (e.value("type", "") == "plan") ++plans;
    if (e.value("type", "") == "error") errors.push_back(e.value("message", ""));
  }
  EXPECT_EQ(plans, 1) << r.out;
  ASSERT_EQ(errors.size(), 2u) << r.out;
  EXPECT_NE(errors[0].find("SAM-999998"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("SAM-999999"), std::string::npos) << errors[1];
  EXPECT_EQ(r.Summary()["unknown"], (nlohmann::json{"SAM-999998", "SAM-999999"})) << r.out;
  EXPECT_EQ(r.Summary()["samenwerkingen"], 1) << r.out;
  EXPECT_EQ(r.Summary()["fetched"], 3) << r.out;
  EXPECT_EQ(Query("SELECT COUNT(*) FROM documents"), std::vector<std::string>{"3"});

  CliResult none = Swf({"sync", "SAM-999998", "SAM-999999"});
  EXPECT_EQ(none.exit_code, kExitNotFound) << none.err;
  EXPECT_NE(none.err.find("error: samenwerking SAM-999998 is unknown"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find("error: samenwerking SAM-999999 is unknown"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace swfvault::testing
