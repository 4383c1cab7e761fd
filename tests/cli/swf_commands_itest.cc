// End-to-end tests of the SWF operation commands (samenwerking, deelnemer, document,
// actieverzoek, bericht, notificatie): the real `swfvault` binary against swfvault-emulator
// with the demo seed, acting as each test-PKI organisation.
#include <filesystem>

#include "swfvault/exit_codes.h"
#include "sync/sync_fixture.h"

namespace swfvault::testing {
namespace {

constexpr char kGemeenteB[] = "00000001000000002000";
constexpr char kOmgevingsdienst[] = "00000001000000003000";
constexpr char kLeverancier[] = "00000009000000005000";

class SwfCommandsITest : public SyncFixture {
 protected:
  void SetUp() override {
    SyncFixture::SetUp();
    WriteConfig("gemeente-b", kGemeenteB);
    WriteConfig("omgevingsdienst", kOmgevingsdienst);
    WriteConfig("adviesbureau", kAdviesbureau);
    WriteConfig("leverancier", kLeverancier);
  }

  // `swfvault --json args...` as `org`.
  CliResult Json(std::vector<std::string> args, const std::string& org = "gemeente-a") {
    args.insert(args.begin(), "--json");
    return Swf(args, org);
  }

  // Starts a samenwerking as gemeente-a on `verzoek` and returns its id.
  std::string Start(const std::string& verzoek = "12026001", bool with_docs = false) {
    std::vector<std::string> args = {"samenwerking", "start", "--verzoek", verzoek, "--titel",
                                     "Test " + verzoek};
    if (with_docs) args.push_back("--met-documenten");
    CliResult r = Json(args);
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return r.Summary().value("samenwerkingId", "");
  }

  void Invite(const std::string& sam, const std::string& oin, const std::string& privilege) {
    CliResult r = Json({"deelnemer", "invite", sam, oin, "--naam", "Org " + oin, "--privilege", privilege});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  }

  // Writes a local file and uploads it as `org`; returns the documentId.
  std::string Upload(const std::string& sam, const std::string& name, const std::string& content,
                     const std::string& level, const std::string& org = "gemeente-a") {
    std::string path = (dir_.path() / name).string();
    WriteFile(path, content);
    CliResult r = Json({"document", "add", sam, path, "--level", level, "--omschrijving", name}, org);
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return r.Summary().value("documentId", "");
  }

  // Items of `type` in a command's JSON output.
  static std::vector<nlohmann::json> Items(const CliResult& r, const std::string& type) {
    std::vector<nlohmann::json> out;
    for (const auto& e : r.Events()) {
      if (e.value("type", "") == type) out.push_back(e);
    }
    return out;
  }

  // notificatieTypes `org` sees on `sam`.
  std::multiset<std::string> NotificatieTypes(const std::string& sam, const std::string& org) {
    CliResult r = Json({"notificatie", "list", sam}, org);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::multiset<std::string> types;
    for (const auto& n : Items(r, "notificatie")) types.insert(n.value("notificatieType", ""));
    return types;
  }

  std::string CreateActieverzoek(const std::string& sam) {
    CliResult r = Json({"actieverzoek", "create", sam, "--ontvanger", kAdviesbureau, "--titel",
                        "Advies geluid", "--omschrijving", "Graag advies"});
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return r.Summary().value("actieverzoekId", "");
  }
};

// --- command line shape ---

TEST_F(SwfCommandsITest, HelpWorksOnGroupAndNestedSubcommand) {
  CliResult group = RunCli({"document", "--help"});
  EXPECT_EQ(group.exit_code, 0);
  EXPECT_NE(group.out.find("label"), std::string::npos) << group.out;
  CliResult nested = RunCli({"deelnemer", "invite", "--help"});
  EXPECT_EQ(nested.exit_code, 0);
  EXPECT_NE(nested.out.find("--privilege"), std::string::npos) << nested.out;
}

TEST_F(SwfCommandsITest, GroupWithoutSubcommandIsUsageError) {
  CliResult r = Swf({"samenwerking"});
  EXPECT_EQ(r.exit_code, kExitUsage) << r.err;
}

TEST_F(SwfCommandsITest, MissingRequiredOptionIsUsageErrorNamingIt) {
  CliResult r = Swf({"samenwerking", "start", "--verzoek", "12026001"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_NE(r.err.find("--titel"), std::string::npos) << r.err;
}

TEST_F(SwfCommandsITest, UnknownPrivilegeIsUsageErrorNamingOption) {
  std::string sam = Start();
  CliResult r = Swf({"deelnemer", "invite", sam, kAdviesbureau, "--naam", "A", "--privilege", "alles"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.err.rfind("swfvault: usage error: --privilege", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("Run 'swfvault deelnemer invite --help'"), std::string::npos) << r.err;
}

// --- samenwerking ---

TEST_F(SwfCommandsITest, StartWithDocumentsLoadsTheWerkmap) {
  std::string sam = Start("12026001", /*with_docs=*/true);
  ASSERT_FALSE(sam.empty());
  CliResult docs = Json({"document", "list", sam});
  ASSERT_EQ(docs.exit_code, 0) << docs.err;
  EXPECT_EQ(docs.Summary()["count"], 4);  // the werkmap of verzoek 12026001
  EXPECT_EQ(Items(docs, "document").size(), 4u);
}

TEST_F(SwfCommandsITest, StartWithoutDocumentsLeavesItEmpty) {
  std::string sam = Start("12026001");
  CliResult docs = Json({"document", "list", sam});
  ASSERT_EQ(docs.exit_code, 0) << docs.err;
  EXPECT_EQ(docs.Summary()["count"], 0);
}

TEST_F(SwfCommandsITest, ListShowsTheStartedSamenwerkingAsTable) {
  std::string sam = Start();
  CliResult human = Swf({"samenwerking", "list"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_EQ(human.out.rfind("ID", 0), 0u) << human.out;  // header row first
  EXPECT_NE(human.out.find(sam), std::string::npos);
  CliResult json = Json({"samenwerking", "list"});
  bool found = false;
  for (const auto& s : Items(json, "samenwerking")) found |= s["samenwerkingId"] == sam;
  EXPECT_TRUE(found);
  EXPECT_EQ(json.Summary()["count"], Items(json, "samenwerking").size());
}

TEST_F(SwfCommandsITest, ShowIncludesDeelnemers) {
  std::string sam = Start();
  Invite(sam, kOmgevingsdienst, "volledig");
  CliResult r = Json({"samenwerking", "show", sam});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto items = Items(r, "samenwerking");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["deelnemers"].size(), 2u);
  EXPECT_EQ(r.Summary()["deelnemers"], 2);
}

TEST_F(SwfCommandsITest, StopThenDeleteRemovesIt) {
  std::string sam = Start();
  CliResult stop = Json({"samenwerking", "stop", sam});
  ASSERT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(stop.Summary()["status"], "GESLOTEN");
  CliResult del = Json({"samenwerking", "delete", sam});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  CliResult show = Swf({"samenwerking", "show", sam});
  EXPECT_EQ(show.exit_code, kExitNotFound) << show.err;
}

TEST_F(SwfCommandsITest, DeleteOfOpenSamenwerkingIsRefusedWithReason) {
  std::string sam = Start();
  CliResult r = Swf({"samenwerking", "delete", sam});
  EXPECT_EQ(r.exit_code, kExitRefused);
  EXPECT_NE(r.err.find("GESLOTEN"), std::string::npos) << r.err;
}

TEST_F(SwfCommandsITest, AdviesbureauStartingSamenwerkingIsRefusedWrongRole) {
  CliResult r = Json({"samenwerking", "start", "--verzoek", "12026001", "--titel", "x"}, "adviesbureau");
  EXPECT_EQ(r.exit_code, kExitRefused);
  auto errors = Items(r, "error");
  ASSERT_EQ(errors.size(), 1u) << r.out;
  EXPECT_EQ(errors[0]["httpStatus"], 403);
  EXPECT_NE(errors[0]["message"].get<std::string>().find("bevoegd gezag"), std::string::npos)
      << errors[0].dump();
}

// --- deelnemer ---

TEST_F(SwfCommandsITest, InviteAcceptsShortAndLongPrivilegeNames) {
  std::string sam = Start();
  Invite(sam, kOmgevingsdienst, "VOLLEDIGE_TOEGANG");
  Invite(sam, kAdviesbureau, "beperkt");
  CliResult r = Json({"deelnemer", "list", sam});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> privileges;
  for (const auto& d : Items(r, "deelnemer")) privileges[d["oin"]] = d["privilege"];
  EXPECT_EQ(privileges[kOmgevingsdienst], "VOLLEDIGE_TOEGANG");
  EXPECT_EQ(privileges[kAdviesbureau], "BEPERKTE_TOEGANG");
  EXPECT_EQ(privileges[kGemeenteA], "VOLLEDIGE_TOEGANG");
}

TEST_F(SwfCommandsITest, OmgevingsdienstInvitingIsRefusedNotInitiator) {
  std::string sam = Start();
  Invite(sam, kOmgevingsdienst, "volledig");
  CliResult r = Swf({"deelnemer", "invite", sam, kAdviesbureau, "--naam", "A", "--privilege",
                     "beperkt"}, "omgevingsdienst");
  EXPECT_EQ(r.exit_code, kExitRefused);
  EXPECT_NE(r.err.find("initiator"), std::string::npos) << r.err;
}

TEST_F(SwfCommandsITest, PrivilegeChangeAndRemove) {
  std::string sam = Start();
  Invite(sam, kAdviesbureau, "beperkt");
  CliResult up = Json({"deelnemer", "privilege", sam, kAdviesbureau, "volledig"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(up.Summary()["privilege"], "VOLLEDIGE_TOEGANG");
  CliResult rm = Json({"deelnemer", "remove", sam, kAdviesbureau});
  ASSERT_EQ(rm.exit_code, 0) << rm.err;
  CliResult list = Json({"deelnemer", "list", sam});
  EXPECT_EQ(list.Summary()["count"], 1);
  CliResult gone = Swf({"document", "list", sam}, "adviesbureau");
  EXPECT_NE(gone.exit_code, 0);
}

// A server may answer a change without a body (204, or 201 with only a Location): the change
// was made, so the command reads it back and succeeds instead of failing (exit 5) after the
// fact, which would invite running it again.
TEST_F(SwfCommandsITest, ChangesAnsweredWithoutABodyAreReadBackNotFailed) {
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", {{{"type", "emptyAnswer"}, {"count", -1}}}}});
  const std::string sam = Start();
  ASSERT_FALSE(sam.empty());
  Invite(sam, kAdviesbureau, "beperkt");
  CliResult up = Json({"deelnemer", "privilege", sam, kAdviesbureau, "volledig"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(up.Summary()["privilege"], "VOLLEDIGE_TOEGANG");
  const std::string doc = Upload(sam, "leeg-antwoord.txt", "inhoud", "RV");
  EXPECT_FALSE(doc.empty());
  const std::string av = CreateActieverzoek(sam);
  ASSERT_FALSE(av.empty());
  CliResult sent = Json({"bericht", "send", av, "Zonder antwoord verstuurd"}, "adviesbureau");
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", nlohmann::json::array()}});
  EXPECT_EQ(Items(Json({"bericht", "list", av}), "bericht").size(), 1u) << "sent once";
  nlohmann::json stats = emulator_->Admin("GET", "/_emulator/stats")["requests"];
  EXPECT_EQ(stats["/samenwerkingen/{id}/deelnemers/{oin}"]["204"], 1) << stats.dump();
}

TEST_F(SwfCommandsITest, RemovingTheInitiatorIsRefused) {
  std::string sam = Start();
  CliResult r = Swf({"deelnemer", "remove", sam, kGemeenteA});
  EXPECT_EQ(r.exit_code, kExitRefused);
  EXPECT_NE(r.err.find("initiator"), std::string::npos) << r.err;
}

// --- document ---

TEST_F(SwfCommandsITest, AddShowLabelDelete) {
  std::string sam = Start();
  std::string id = Upload(sam, "rapport.txt", "inhoud van het rapport", "RV");
  ASSERT_FALSE(id.empty());
  CliResult show = Json({"document", "show", id});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto docs = Items(show, "document");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["bestandsNaam"], "rapport.txt");
  // Either case: the option is taken as the API writes it ("sv" would be a 400).
  CliResult label = Json({"document", "label", id, "--level", "sv", "--omschrijving", "geheim"});
  ASSERT_EQ(label.exit_code, 0) << label.err;
  EXPECT_EQ(label.Summary()["level"], "SV");
  EXPECT_NE((label.out + label.err).find("is SV now"), std::string::npos) << label.out << label.err;
  CliResult again = Json({"document", "show", id});
  EXPECT_EQ(Items(again, "document")[0]["documentOmschrijving"], "geheim");
  // An empty description is a change too: it clears the one there is.
  CliResult cleared = Json({"document", "label", id, "--omschrijving", ""});
  ASSERT_EQ(cleared.exit_code, 0) << cleared.err;
  EXPECT_EQ(Items(Json({"document", "show", id}), "document")[0].value("documentOmschrijving", "-"),
            "");
  CliResult del = Json({"document", "delete", id});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  EXPECT_EQ(Swf({"document", "show", id}).exit_code, kExitNotFound);
}

TEST_F(SwfCommandsITest, ADeleteWhoseAnswerWasLostIsReportedDone) {
  std::string sam = Start();
  std::string id = Upload(sam, "weg.txt", "wordt verwijderd", "RV");
  ASSERT_FALSE(id.empty());
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "lostAnswer"}, {"status", 504}, {"route", "/documenten/" + id + "$"}}}}});
  CliResult del = Json({"document", "delete", id});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  nlohmann::json stats = emulator_->Admin("GET", "/_emulator/stats")["requests"]["/documenten/{id}"];
  EXPECT_EQ(stats["504"], 1) << stats.dump();  // the first DELETE did the work,
  EXPECT_EQ(stats["404"], 1) << stats.dump();  // the repeat found it gone
  EXPECT_EQ(Swf({"document", "show", id}).exit_code, kExitNotFound);
}

// A change whose answer was lost is not sent again (it could be made twice), and the error
// says the change may have been made, so nobody simply runs it again.
TEST_F(SwfCommandsITest, AnUploadWhoseAnswerWasLostSaysItMayHaveBeenMade) {
  std::string sam = Start();
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "lostAnswer"}, {"status", 502}, {"route", "/documenten$"}}}}});
  WriteFile(dir_.path() / "s.txt", "antwoord zoek");
  CliResult r = Swf({"document", "add", sam, (dir_.path() / "s.txt").string()});
  EXPECT_EQ(r.exit_code, kExitRetryable) << r.err;
  EXPECT_NE(r.err.find("may have made this change"), std::string::npos) << r.err;
  nlohmann::json stats = emulator_->Admin("GET", "/_emulator/stats")["requests"]["/samenwerkingen/{id}/documenten"];
  EXPECT_EQ(stats["502"], 1) << stats.dump();
  EXPECT_FALSE(stats.contains("201")) << "sent a second time: " << stats.dump();
}

// Text that is not UTF-8 (typed in a Latin-1 terminal, a file name from an old share) cannot go
// into the API's JSON or metadata: a usage error naming the field, with the JSON summary, and
// nothing sent; not an abort of the JSON library or a server's 400.
TEST_F(SwfCommandsITest, TextThatIsNotUtf8IsAUsageErrorNamingItsField) {
  std::string sam = Start();
  const std::string latin1 = "caf\xe9";
  CliResult start = Json({"samenwerking", "start", "--verzoek", "12026002", "--titel", latin1});
  EXPECT_EQ(start.exit_code, kExitUsage) << start.err << start.out;
  EXPECT_EQ(start.Summary()["exitCode"], kExitUsage) << start.out;
  EXPECT_EQ(start.Summary()["command"], "samenwerking start") << "as a success names it";
  EXPECT_NE(start.out.find("titel: the text is not UTF-8"), std::string::npos) << start.out;

  const std::string path = (dir_.path() / "a.txt").string();
  WriteFile(path, "a");
  CliResult add = Json({"document", "add", sam, path, "--omschrijving", latin1});
  EXPECT_EQ(add.exit_code, kExitUsage) << add.err << add.out;
  EXPECT_NE(add.out.find("documentOmschrijving: the text is not UTF-8"), std::string::npos)
      << add.out;
  nlohmann::json stats = emulator_->Admin("GET", "/_emulator/stats")["requests"];
  EXPECT_FALSE(stats["/samenwerkingen/{id}/documenten"].contains("400")) << stats.dump();
  EXPECT_EQ(Json({"samenwerking", "list"}).exit_code, kExitOk);
}

TEST_F(SwfCommandsITest, LabelWithoutChangeIsUsageError) {
  std::string sam = Start();
  std::string id = Upload(sam, "a.txt", "a", "RV");
  CliResult r = Swf({"document", "label", id});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.err.rfind("swfvault: usage error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("--level"), std::string::npos) << r.err;
}

TEST_F(SwfCommandsITest, AddOfMissingFileIsNotFound) {
  std::string sam = Start();
  CliResult r = Swf({"document", "add", sam, (dir_.path() / "nope.pdf").string()});
  EXPECT_EQ(r.exit_code, kExitNotFound) << r.err;
}

TEST_F(SwfCommandsITest, BeperkteToegangNeverListsOrShowsSvDocument) {
  std::string sam = Start();
  Invite(sam, kAdviesbureau, "beperkt");
  std::string rv = Upload(sam, "open.txt", "open", "RV");
  std::string sv = Upload(sam, "geheim.txt", "geheim", "SV");
  CliResult list = Json({"document", "list", sam}, "adviesbureau");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto docs = Items(list, "document");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["documentId"], rv);
  EXPECT_EQ(Swf({"document", "show", sv}, "adviesbureau").exit_code, kExitNotFound);
  std::string out = (dir_.path() / "sv.out").string();
  EXPECT_EQ(Swf({"document", "get", sv, "-o", out}, "adviesbureau").exit_code, kExitNotFound);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(SwfCommandsITest, UploadToGeslotenSamenwerkingIsRefused) {
  std::string sam = Start();
  ASSERT_EQ(Swf({"samenwerking", "stop", sam}).exit_code, 0);
  std::string path = (dir_.path() / "late.txt").string();
  WriteFile(path, "te laat");
  CliResult r = Swf({"document", "add", sam, path});
  EXPECT_EQ(r.exit_code, kExitRefused) << r.err;
  EXPECT_NE(r.err.find(sam), std::string::npos) << r.err;
}

TEST_F(SwfCommandsITest, GetDownloadsContentWithMatchingHash) {
  std::string sam = Start();
  std::string content(300000, 'x');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + i % 26);
  std::string id = Upload(sam, "groot.bin", content, "RV");
  std::string out = (dir_.path() / "groot.out").string();
  CliResult r = Json({"document", "get", id, "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(out), content);
  EXPECT_EQ(r.Summary()["bytes"], 300000);
  EXPECT_EQ(r.Summary()["attempts"], 1);

  // Into an existing directory: under the document's own name.
  std::filesystem::create_directory(dir_.path() / "into");
  CliResult into = Json({"document", "get", id, "-o", (dir_.path() / "into").string()});
  ASSERT_EQ(into.exit_code, 0) << into.err;
  EXPECT_EQ(into.Summary()["output"], (dir_.path() / "into" / "groot.bin").string());
  EXPECT_EQ(ReadFile(dir_.path() / "into" / "groot.bin"), content);
  // Not to stdout: the whole download is checked before anything is written.
  CliResult dash = Swf({"document", "get", id, "-o", "-"});
  EXPECT_EQ(dash.exit_code, kExitUsage);
  EXPECT_NE(dash.err.find("--output -"), std::string::npos) << dash.err;
  // Nor into a pipe or a device, which the rename into place would replace by a plain file.
  const std::filesystem::path fifo = dir_.path() / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  CliResult piped = Swf({"document", "get", id, "-o", fifo.string()});
  EXPECT_EQ(piped.exit_code, kExitUsage) << piped.err;
  EXPECT_NE(piped.err.find("it is a pipe (FIFO)"), std::string::npos) << piped.err;
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
}

// Ctrl-C during a download ends it at once (exit 130) and leaves no temp file beside the target.
TEST_F(SwfCommandsITest, GetStoppedBySigintLeavesNoTempFile) {
  std::string sam = Start();
  std::string id = Upload(sam, "traag.bin", std::string(2 << 20, 't'), "RV");
  emulator_->Admin(
      "PUT", "/_emulator/faults",
      {{"faults", {{{"type", "slowBody"}, {"bytesPerSecond", 100000}, {"count", -1}}}}});
  const std::filesystem::path out_dir = dir_.path() / "uit";
  std::filesystem::create_directory(out_dir);
  auto temp_started = [&] {
    for (const auto& e : std::filesystem::directory_iterator(out_dir)) {
      if (e.path().filename().string().rfind(".swfvault-get-", 0) == 0 && e.file_size() > 0) {
        return true;
      }
    }
    return false;
  };
  Signalled r =
      SignalWhen({"document", "get", id, "-o", (out_dir / "traag.bin").string()}, temp_started,
                 SIGINT, std::chrono::milliseconds(20), std::chrono::seconds(20));
  ASSERT_TRUE(r.was_running) << r.result.err;
  EXPECT_EQ(r.result.exit_code, kExitInterrupted) << r.result.err;
  EXPECT_TRUE(std::filesystem::is_empty(out_dir)) << "a temp file was left behind";
}

TEST_F(SwfCommandsITest, GetResumesADroppedTransferWithRange) {
  std::string sam = Start();
  std::string content(400000, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7 % 251);
  std::string id = Upload(sam, "resume.bin", content, "RV");
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "dropAfterBytes"}, {"afterBytes", 100000}, {"documentId", id}}}}});
  std::string out = (dir_.path() / "resume.out").string();
  CliResult r = Json({"document", "get", id, "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(ReadFile(out), content);
  EXPECT_EQ(r.Summary()["attempts"], 2);
  nlohmann::json stats = emulator_->Admin("GET", "/_emulator/stats");
  EXPECT_EQ(stats["requests"]["/documenten/{id}/content"].value("206", 0), 1) << stats.dump();
}

TEST_F(SwfCommandsITest, GetRestartsFromZeroWhenTheRetryIsAnsweredWhole) {
  std::string sam = Start();
  std::string content(300000, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 13 % 241);
  std::string id = Upload(sam, "whole.bin", content, "RV");
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "dropAfterBytes"}, {"afterBytes", 50000}, {"documentId", id}},
                                {{"type", "ignoreRange"}, {"count", -1}}}}});
  std::string out = (dir_.path() / "whole.out").string();
  CliResult r = Json({"document", "get", id, "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(ReadFile(out), content);  // not 50000 stale bytes followed by the whole document
  EXPECT_EQ(r.Summary()["bytes"], 300000);
  EXPECT_EQ(r.Summary()["attempts"], 2);
}

TEST_F(SwfCommandsITest, GetWithWrongHashWritesNothingAndExitsIntegrity) {
  std::string sam = Start();
  std::string id = Upload(sam, "hash.txt", "echte inhoud", "RV");
  emulator_->Admin("PUT", "/_emulator/faults",
                   {{"faults", {{{"type", "wrongHash"}, {"documentId", id}, {"count", -1}}}}});
  std::string out = (dir_.path() / "hash.out").string();
  CliResult r = Swf({"document", "get", id, "-o", out});
  EXPECT_EQ(r.exit_code, kExitIntegrity) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(e.path().filename().string().rfind(".swfvault-get-", 0), std::string::npos) << e.path();
  }
}

TEST_F(SwfCommandsITest, GetOfADocumentWithoutAHashWritesNothingAndExitsIntegrity) {
  std::string sam = Start();
  std::string id = Upload(sam, "zonder.txt", "niet te controleren", "RV");
  emulator_->Admin("PUT", "/_emulator/faults", {{"faults", {{{"type", "noHash"}, {"documentId", id}, {"count", -1}}}}});
  std::string out = (dir_.path() / "zonder.out").string();
  CliResult r = Swf({"document", "get", id, "-o", out});
  EXPECT_EQ(r.exit_code, kExitIntegrity) << r.err;
  EXPECT_NE(r.err.find("no documentHash"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

// --- actieverzoek and bericht ---

TEST_F(SwfCommandsITest, ActieverzoekFullFlowToGereed) {
  std::string sam = Start();
  Invite(sam, kAdviesbureau, "beperkt");
  std::string av = CreateActieverzoek(sam);
  ASSERT_FALSE(av.empty());
  CliResult mine = Json({"actieverzoek", "list", sam}, "adviesbureau");
  ASSERT_EQ(Items(mine, "actieverzoek").size(), 1u);
  EXPECT_EQ(Json({"actieverzoek", "list", "SAM-999999"}).exit_code, kExitNotFound) << "an unknown id listed as empty";
  EXPECT_EQ(Json({"actieverzoek", "behandelen", av}, "adviesbureau").Summary()["status"], "IN_BEHANDELING");
  CliResult sent = Json({"bericht", "send", av, "Wij zijn gestart"}, "adviesbureau");
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  CliResult berichten = Json({"bericht", "list", av});
  ASSERT_EQ(Items(berichten, "bericht").size(), 1u);
  EXPECT_EQ(Items(berichten, "bericht")[0]["inhoud"], "Wij zijn gestart");
  CliResult gereed = Json({"actieverzoek", "gereedmelden", av, "--melding", "klaar"}, "adviesbureau");
  EXPECT_EQ(gereed.Summary()["status"], "GEREEDGEMELD");
  CliResult accept = Json({"actieverzoek", "accepteren", av});
  ASSERT_EQ(accept.exit_code, 0) << accept.err;
  EXPECT_EQ(accept.Summary()["status"], "GEREED");
  CliResult show = Json({"actieverzoek", "show", av});
  EXPECT_EQ(Items(show, "actieverzoek")[0]["melding"], "klaar");
}

// Berichten of 120 KiB each: a page of 70 of them is over the client's 8 MiB JSON limit, so the
// listing (and the sync that keeps them) asks for smaller pages instead of failing with exit 5.
TEST_F(SwfCommandsITest, BerichtenTooLongForOnePageAreListedInSmallerPages) {
  std::string sam = Start();
  Invite(sam, kAdviesbureau, "beperkt");
  std::string av = CreateActieverzoek(sam);
  const std::string text(120 * 1024, 'b');
  for (int i = 0; i < 70; ++i) {
    ASSERT_EQ(Swf({"bericht", "send", av, std::to_string(i) + text}).exit_code, kExitOk) << i;
  }
  CliResult berichten = Json({"bericht", "list", av});
  ASSERT_EQ(berichten.exit_code, kExitOk) << berichten.err;
  ASSERT_GT(berichten.out.size(), size_t{8} << 20);
  EXPECT_EQ(Items(berichten, "bericht").size(), 70u);
  ASSERT_EQ(Swf({"init"}).exit_code, kExitOk);
  CliResult sync = Swf({"sync", sam});
  EXPECT_EQ(sync.exit_code, kExitOk) << sync.err;
}

TEST_F(SwfCommandsITest, CreateWithDocumentsKeepsThem) {
  std::string sam = Start();
  Invite(sam, kOmgevingsdienst, "volledig");
  std::string doc = Upload(sam, "bijlage.txt", "bijlage", "RV");
  CliResult r = Json({"actieverzoek", "create", sam, "--ontvanger", kOmgevingsdienst, "--titel",
                      "Toets", "--document", doc, "--product", "P-1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto items = Items(r, "actieverzoek");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["documenten"], nlohmann::json::array({doc}));
}

TEST_F(SwfCommandsITest, AccepterenOfOpenActieverzoekIsRefusedIllegalTransition) {
  std::string sam = Start();
  Invite(sam, kAdviesbureau, "beperkt");
  std::string av = CreateActieverzoek(sam);
  CliResult r = Swf({"actieverzoek", "accepteren", av});
  EXPECT_EQ(r.exit_code, kExitRefused);
  EXPECT_NE(r.err.find("OPEN"), std::string::npos) << r.err;
}

TEST_F(SwfCommandsITest, WeigerenAndIntrekken) {
  std::string sam = Start();
  Invite(sam, kAdviesbureau, "beperkt");
  std::string first = CreateActieverzoek(sam);
  EXPECT_EQ(Json({"actieverzoek", "weigeren", first, "--melding", "geen tijd"}, "adviesbureau")
                .Summary()["status"], "GEWEIGERD");
  std::string second = CreateActieverzoek(sam);
  EXPECT_EQ(Json({"actieverzoek", "intrekken", second}).Summary()["status"], "INGETROKKEN");
  CliResult late = Swf({"bericht", "send", second, "toch nog"}, "adviesbureau");
  EXPECT_EQ(late.exit_code, kExitRefused) << late.err;
}

TEST_F(SwfCommandsITest, UnknownActieverzoekIsNotFound) {
  CliResult r = Swf({"actieverzoek", "show", "00000000-0000-0000-0000-000000000000"});
  EXPECT_EQ(r.exit_code, kExitNotFound) << r.err;
}

// --- notificatie ---

TEST_F(SwfCommandsITest, NotificatieListShowsWhatTheStepCausedAndDeleteAlleEmptiesIt) {
  std::string sam = Start();
  Invite(sam, kAdviesbureau, "beperkt");
  Upload(sam, "rv.txt", "rv", "RV");
  Upload(sam, "sv.txt", "sv", "SV");
  EXPECT_EQ(NotificatieTypes(sam, "adviesbureau"),
            (std::multiset<std::string>{"UITNODIGING_KETENPARTNER", "DOCUMENT_TOEGEVOEGD"}));
  CliResult del = Json({"notificatie", "delete", "--alle", "--samenwerking", sam}, "adviesbureau");
  ASSERT_EQ(del.exit_code, 0) << del.err;
  EXPECT_EQ(del.Summary()["deleted"], 2);
  EXPECT_TRUE(NotificatieTypes(sam, "adviesbureau").empty());
}

// A deelnemer removed from a samenwerking no longer sees it, but its notifications (the
// removal among them) stay in its feed: they are listed and deleted by the samenwerking's id.
TEST_F(SwfCommandsITest, NotificatiesOfASamenwerkingNoLongerSeenAreFoundInTheFeed) {
  std::string sam = Start();
  Invite(sam, kAdviesbureau, "beperkt");
  ASSERT_EQ(Json({"deelnemer", "remove", sam, kAdviesbureau}).exit_code, kExitOk);
  ASSERT_EQ(Swf({"samenwerking", "show", sam}, "adviesbureau").exit_code, kExitNotFound);
  EXPECT_EQ(NotificatieTypes(sam, "adviesbureau"),
            (std::multiset<std::string>{"UITNODIGING_KETENPARTNER", "DEELNEMER_VERWIJDERD"}));
  CliResult windowed =
      Json({"notificatie", "list", sam, "--tot", "2100-01-01T00:00:00Z"}, "adviesbureau");
  EXPECT_EQ(windowed.Summary()["count"], 2) << windowed.out << windowed.err;
  CliResult del = Json({"notificatie", "delete", "--alle", "--samenwerking", sam}, "adviesbureau");
  ASSERT_EQ(del.exit_code, kExitOk) << del.err;
  EXPECT_EQ(del.Summary()["deleted"], 2);
  EXPECT_EQ(Swf({"notificatie", "list", sam}, "adviesbureau").exit_code, kExitNotFound);
}

TEST_F(SwfCommandsITest, NotificatieDeleteById) {
  std::string sam = Start();
  Invite(sam, kOmgevingsdienst, "volledig");
  CliResult list = Json({"notificatie", "list"}, "omgevingsdienst");
  auto items = Items(list, "notificatie");
  ASSERT_FALSE(items.empty());
  std::string id = items[0]["notificatieId"];
  CliResult del = Json({"notificatie", "delete", id}, "omgevingsdienst");
  ASSERT_EQ(del.exit_code, 0) << del.err;
  CliResult after = Json({"notificatie", "list"}, "omgevingsdienst");
  EXPECT_EQ(Items(after, "notificatie").size(), items.size() - 1);
}

TEST_F(SwfCommandsITest, NotificatieWindowExcludesLaterEvents) {
  std::string sam = Start();
  Invite(sam, kOmgevingsdienst, "volledig");
  CliResult first = Json({"notificatie", "list", sam}, "omgevingsdienst");
  auto items = Items(first, "notificatie");
  ASSERT_EQ(items.size(), 1u);
  std::string at = items[0]["eventDatumTijd"];
  Upload(sam, "later.txt", "later", "RV");
  CliResult upto = Json({"notificatie", "list", sam, "--tot", at}, "omgevingsdienst");
  EXPECT_EQ(upto.Summary()["count"], 1) << upto.out;
  CliResult after = Json({"notificatie", "list", sam, "--sinds", at}, "omgevingsdienst");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  auto later = Items(after, "notificatie");
  ASSERT_EQ(later.size(), 1u) << after.out;
  EXPECT_EQ(later[0]["notificatieType"], "DOCUMENT_TOEGEVOEGD");
}

TEST_F(SwfCommandsITest, NotificatiesOfAnUnknownSamenwerkingAreNotFoundAlsoWithATimeWindow) {
  EXPECT_EQ(Swf({"notificatie", "list", "SAM-999999"}).exit_code, kExitNotFound);
  EXPECT_EQ(Swf({"notificatie", "list", "SAM-999999", "--sinds", "2020-01-01T00:00:00Z"}).exit_code, kExitNotFound);
  EXPECT_EQ(Swf({"notificatie", "delete", "--alle", "--samenwerking", "SAM-999999", "--tot", "2030-01-01T00:00:00Z"}).exit_code,
            kExitNotFound);
}

TEST_F(SwfCommandsITest, NotificatieDeleteNeedsIdsOrAlle) {
  CliResult r = Swf({"notificatie", "delete"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.err.rfind("swfvault: usage error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("--alle"), std::string::npos) << r.err;
  CliResult empty = Swf({"bericht", "send", "00000000-0000-4000-8000-000000000000", ""});
  EXPECT_EQ(empty.exit_code, kExitUsage);
  EXPECT_NE(empty.err.find("usage error: TEXT"), std::string::npos) << empty.err;
}

// --- mandates ---

TEST_F(SwfCommandsITest, LeverancierActsForMandatingGemeenteB) {
  CliResult r = Json({"--oin", kGemeenteB, "samenwerking", "start", "--verzoek", "22026000",
                      "--titel", "Namens B"}, "leverancier");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  std::string sam = r.Summary()["samenwerkingId"];
  CliResult show = Json({"samenwerking", "show", sam}, "gemeente-b");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(Items(show, "samenwerking")[0]["aangemaaktDoor"], kGemeenteB);
}

// No mandate is a credentials problem for a human (exit 4), whatever the command; a refusal of
// one action (wrong role) stays exit 8.
TEST_F(SwfCommandsITest, LeverancierForOmgevingsdienstIsRefusedNoMandateAsAuthFailure) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--oin", kOmgevingsdienst, "samenwerking", "list"},
        std::vector<std::string>{"--oin", kOmgevingsdienst, "samenwerking", "start", "--verzoek", "32026000",
                                 "--titel", "x"},
        std::vector<std::string>{"--oin", kOmgevingsdienst, "samenwerking", "show", "SAM-1"}}) {
    CliResult r = Swf(args, "leverancier");
    EXPECT_EQ(r.exit_code, kExitAuth) << args[3] << ": " << r.err;
    EXPECT_NE(r.err.find("no mandate to act for"), std::string::npos) << r.err;
  }
  CliResult itself = Swf({"samenwerking", "start", "--verzoek", "22026002", "--titel", "x"}, "leverancier");
  EXPECT_EQ(itself.exit_code, kExitRefused) << itself.err;
}

TEST_F(SwfCommandsITest, SyncWithoutMandateExitsWithAuthCode) {
  ASSERT_EQ(Swf({"init"}, "leverancier").exit_code, kExitOk);
  CliResult r = Swf({"--oin", kOmgevingsdienst, "sync"}, "leverancier");
  EXPECT_EQ(r.exit_code, kExitAuth) << r.err << r.out;
  EXPECT_NE(r.err.find("no mandate"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace swfvault::testing
