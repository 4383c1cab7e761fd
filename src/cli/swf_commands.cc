// swfvault samenwerking | deelnemer, and the helpers every SWF operation command shares.
#include "cli/swf_commands.h"

#include <algorithm>
#include <cctype>

#include "cli/commands.h"
#include "swfvault/exit_codes.h"

namespace swfvault {

// --- shared helpers ---

SwfCommandGroup::SwfCommandGroup(CLI::App* app)
    : app_(app), runners_(std::make_shared<std::vector<std::pair<CLI::App*, SwfRunner>>>()) {
  app_->require_subcommand(1);
}

CLI::App* SwfCommandGroup::Add(const std::string& name, const std::string& summary) {
  CLI::App* sub = app_->add_subcommand(name, summary);
  sub->fallthrough();
  return sub;
}

void SwfCommandGroup::On(CLI::App* sub, SwfRunner run) {
  runners_->emplace_back(sub, std::move(run));
}

SwfRunner SwfCommandGroup::Runner() const {
  auto runners = runners_;
  return [runners](CommandContext& ctx) {
    for (const auto& [sub, run] : *runners) {
      if (sub->parsed()) return run(ctx);
    }
    return Fail(ctx, InvalidArgument("a subcommand is required"));
  };
}

Result<std::unique_ptr<Connection>> ConnectAs(CommandContext& ctx) {
  SWF_ASSIGN_OR_RETURN(ConnectionProfile profile, ctx.ResolveProfile());
  return Connect(profile);
}

namespace {

// Columns as a terminal counts them: code points, not bytes ("–" is one).
size_t Width(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

void SwfTable::Print(Output& output) const {
  if (output.json()) return;
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : rows_) {
    rows.emplace_back();
    for (const std::string& cell : row) rows.back().push_back(Printable(cell));
  }
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - Width(row[i]) + 2, ' ');
    }
    output.Line(line);
  }
}

nlohmann::json ItemJson(const std::string& type, const std::string& raw_json) {
  nlohmann::json j = nlohmann::json::parse(raw_json, nullptr, false);
  if (!j.is_object()) j = nlohmann::json::object();
  j.erase("_links");
  j["type"] = type;
  return j;
}

void EmitSummary(CommandContext& ctx, const std::string& command, nlohmann::json fields) {
  nlohmann::json j = {{"type", "summary"}, {"command", command}};
  for (auto it = fields.begin(); it != fields.end(); ++it) j[it.key()] = it.value();
  ctx.output().Event(j);
}

Result<std::string> NormalizePrivilege(const std::string& value, const std::string& option) {
  std::string upper = value;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "BEPERKT" || upper == "BEPERKTE_TOEGANG") return std::string("BEPERKTE_TOEGANG");
  if (upper == "VOLLEDIG" || upper == "VOLLEDIGE_TOEGANG") return std::string("VOLLEDIGE_TOEGANG");
  return InvalidArgument(option + ": '" + value +
                         "' is not BEPERKTE_TOEGANG|VOLLEDIGE_TOEGANG|beperkt|volledig");
}

void PrintSamenwerkingen(CommandContext& ctx, const std::vector<Samenwerking>& items) {
  SwfTable table({"ID", "STATUS", "VERZOEK", "INITIATOR", "TITEL"});
  for (const Samenwerking& s : items) {
    ctx.output().Event(ItemJson("samenwerking", s.raw_json));
    table.Row({s.samenwerking_id, s.status, s.verzoeknummer, s.aangemaakt_door, s.titel});
  }
  table.Print(ctx.output());
}

void PrintDocumenten(CommandContext& ctx, const std::vector<Document>& items) {
  SwfTable table({"ID", "LEVEL", "SIZE", "NAME", "OMSCHRIJVING"});
  for (const Document& d : items) {
    ctx.output().Event(ItemJson("document", d.raw_json));
    std::string size = d.bestands_grootte ? std::to_string(*d.bestands_grootte) : "-";
    table.Row({d.document_id, std::string(ConfidentialityName(d.vertrouwelijkheid)), size,
               d.bestands_naam, d.document_omschrijving});
  }
  table.Print(ctx.output());
}

void PrintActieverzoeken(CommandContext& ctx, const std::vector<Actieverzoek>& items) {
  SwfTable table({"ID", "STATUS", "ZENDER", "ONTVANGER", "TITEL"});
  for (const Actieverzoek& a : items) {
    ctx.output().Event(ItemJson("actieverzoek", a.raw_json));
    table.Row({a.actieverzoek_id, a.status, a.zender, a.ontvanger, a.titel});
  }
  table.Print(ctx.output());
}

namespace {

// Runs `body` with a live client, or reports why there is none.
int WithClient(CommandContext& ctx, const std::function<int(SwfClient&)>& body) {
  Result<std::unique_ptr<Connection>> conn = ConnectAs(ctx);
  if (!conn.ok()) return Fail(ctx, conn.status());
  return body(*(*conn)->client);
}

// --- samenwerking ---

int RunSamStart(CommandContext& ctx, const NewSamenwerking& request) {
  return WithClient(ctx, [&](SwfClient& client) {
    Result<Samenwerking> sam = client.StartSamenwerking(request);
    if (!sam.ok()) return Fail(ctx, sam.status());
    PrintSamenwerkingen(ctx, {*sam});
    EmitSummary(ctx, "samenwerking start", {{"samenwerkingId", sam->samenwerking_id},
                                            {"status", sam->status}});
    return static_cast<int>(kExitOk);
  });
}

int RunSamList(CommandContext& ctx, const std::string& status) {
  return WithClient(ctx, [&](SwfClient& client) {
    ListQuery query;
    if (!status.empty()) query.Where("status", status);
    Result<std::vector<Samenwerking>> sams = client.ListSamenwerkingen(query);
    if (!sams.ok()) return Fail(ctx, sams.status());
    PrintSamenwerkingen(ctx, *sams);
    EmitSummary(ctx, "samenwerking list", {{"count", sams->size()}});
    return static_cast<int>(kExitOk);
  });
}

int RunSamShow(CommandContext& ctx, const std::string& id) {
  return WithClient(ctx, [&](SwfClient& client) {
    Result<Samenwerking> sam = client.GetSamenwerking(id);
    if (!sam.ok()) return Fail(ctx, sam.status());
    Result<std::vector<Deelnemer>> deelnemers = client.ListDeelnemers(id);
    if (!deelnemers.ok()) return Fail(ctx, deelnemers.status());
    nlohmann::json j = ItemJson("samenwerking", sam->raw_json);
    nlohmann::json list = nlohmann::json::array();
    for (const Deelnemer& d : *deelnemers) list.push_back(ItemJson("deelnemer", d.raw_json));
    j["deelnemers"] = list;
    ctx.output().Event(j);
    SwfTable table({"FIELD", "VALUE"});
    for (const char* key : {"samenwerkingId", "titel", "beschrijving", "status", "verzoeknummer",
                            "aangemaaktDoor", "creatieDatumTijd", "laatstAangepastDatumTijd"}) {
      if (j.contains(key)) table.Row({key, j[key].is_string() ? j[key].get<std::string>() : j[key].dump()});
    }
    for (const Deelnemer& d : *deelnemers) table.Row({"deelnemer", d.oin + " " + d.rol + " " + d.privilege + " " + d.naam});
    table.Print(ctx.output());
    EmitSummary(ctx, "samenwerking show", {{"samenwerkingId", id}, {"deelnemers", deelnemers->size()}});
    return static_cast<int>(kExitOk);
  });
}

int RunSamStop(CommandContext& ctx, const std::string& id) {
  return WithClient(ctx, [&](SwfClient& client) {
    Result<Samenwerking> sam = client.CloseSamenwerking(id);
    if (!sam.ok()) return Fail(ctx, sam.status());
    PrintSamenwerkingen(ctx, {*sam});
    EmitSummary(ctx, "samenwerking stop", {{"samenwerkingId", id}, {"status", sam->status}});
    return static_cast<int>(kExitOk);
  });
}

int RunSamDelete(CommandContext& ctx, const std::string& id) {
  return WithClient(ctx, [&](SwfClient& client) {
    Status st = client.DeleteSamenwerking(id);
    if (!st.ok()) return Fail(ctx, st);
    ctx.output().Line("deleted samenwerking " + id);
    EmitSummary(ctx, "samenwerking delete", {{"samenwerkingId", id}, {"deleted", true}});
    return static_cast<int>(kExitOk);
  });
}

void DefineSamStart(SwfCommandGroup& group) {
  CLI::App* sub = group.Add("start", "start a samenwerking from a verzoek");
  auto req = std::make_shared<NewSamenwerking>();
  sub->add_option("--verzoek", req->verzoeknummer, "verzoeknummer")->required();
  sub->add_option("--titel", req->titel, "title")->required();
  sub->add_option("--beschrijving", req->beschrijving, "description");
  sub->add_flag("--met-documenten", req->documenten_uit_verzoek_laden,
                "load the verzoek's werkmap documents (documentenUitVerzoekLaden)");
  sub->add_option("--kenmerk", req->kenmerk_systeem, "kenmerkSysteem");
  sub->add_option("--nummer", req->nummer_binnen_systeem, "nummerBinnenSysteem");
  group.On(sub, [req](CommandContext& ctx) { return RunSamStart(ctx, *req); });
}

// Adds a subcommand taking one required positional id, run by `run`.
void DefineWithId(SwfCommandGroup& group, const char* name, const char* summary,
                  const char* id_name, std::function<int(CommandContext&, const std::string&)> run) {
  CLI::App* sub = group.Add(name, summary);
  auto id = std::make_shared<std::string>();
  sub->add_option(id_name, *id, id_name)->required();
  group.On(sub, [id, run](CommandContext& ctx) { return run(ctx, *id); });
}

// --- deelnemer ---

int RunDeelnemerList(CommandContext& ctx, const std::string& sam) {
  return WithClient(ctx, [&](SwfClient& client) {
    Result<std::vector<Deelnemer>> list = client.ListDeelnemers(sam);
    if (!list.ok()) return Fail(ctx, list.status());
    SwfTable table({"OIN", "ROL", "PRIVILEGE", "NAAM"});
    for (const Deelnemer& d : *list) {
      ctx.output().Event(ItemJson("deelnemer", d.raw_json));
      table.Row({d.oin, d.rol, d.privilege, d.naam});
    }
    table.Print(ctx.output());
    EmitSummary(ctx, "deelnemer list", {{"samenwerkingId", sam}, {"count", list->size()}});
    return static_cast<int>(kExitOk);
  });
}

void PrintDeelnemer(CommandContext& ctx, const Deelnemer& d) {
  ctx.output().Event(ItemJson("deelnemer", d.raw_json));
  SwfTable table({"OIN", "ROL", "PRIVILEGE", "NAAM"});
  table.Row({d.oin, d.rol, d.privilege, d.naam});
  table.Print(ctx.output());
}

struct InviteFlags {
  std::string sam, oin, naam, privilege;
};

int RunDeelnemerInvite(CommandContext& ctx, const InviteFlags& f) {
  Result<std::string> privilege = NormalizePrivilege(f.privilege, "--privilege");
  if (!privilege.ok()) return UsageFail(ctx, privilege.status().message());
  return WithClient(ctx, [&](SwfClient& client) {
    Result<Deelnemer> d = client.InviteDeelnemer(f.sam, {f.oin, f.naam, *privilege});
    if (!d.ok()) return Fail(ctx, d.status());
    PrintDeelnemer(ctx, *d);
    EmitSummary(ctx, "deelnemer invite", {{"samenwerkingId", f.sam}, {"oin", d->oin},
                                          {"privilege", d->privilege}});
    return static_cast<int>(kExitOk);
  });
}

int RunDeelnemerPrivilege(CommandContext& ctx, const InviteFlags& f) {
  Result<std::string> privilege = NormalizePrivilege(f.privilege, "PRIVILEGE");
  if (!privilege.ok()) return UsageFail(ctx, privilege.status().message());
  return WithClient(ctx, [&](SwfClient& client) {
    Result<Deelnemer> d = client.ChangePrivilege(f.sam, f.oin, *privilege);
    if (!d.ok()) return Fail(ctx, d.status());
    PrintDeelnemer(ctx, *d);
    EmitSummary(ctx, "deelnemer privilege", {{"samenwerkingId", f.sam}, {"oin", d->oin},
                                             {"privilege", d->privilege}});
    return static_cast<int>(kExitOk);
  });
}

int RunDeelnemerRemove(CommandContext& ctx, const InviteFlags& f) {
  return WithClient(ctx, [&](SwfClient& client) {
    Status st = client.RemoveDeelnemer(f.sam, f.oin);
    if (!st.ok()) return Fail(ctx, st);
    ctx.output().Line("removed " + f.oin + " from " + f.sam);
    EmitSummary(ctx, "deelnemer remove", {{"samenwerkingId", f.sam}, {"oin", f.oin},
                                          {"removed", true}});
    return static_cast<int>(kExitOk);
  });
}

void DefineDeelnemer(SwfCommandGroup& group) {
  DefineWithId(group, "list", "the deelnemers of a samenwerking", "SAM-ID", RunDeelnemerList);
  auto inv = std::make_shared<InviteFlags>();
  CLI::App* invite = group.Add("invite", "invite an organisation (initiator only)");
  invite->add_option("SAM-ID", inv->sam, "samenwerkingId")->required();
  invite->add_option("OIN", inv->oin, "OIN of the organisation")->required();
  invite->add_option("--naam", inv->naam, "name of the organisation")->required();
  invite->add_option("--privilege", inv->privilege,
                     "BEPERKTE_TOEGANG|VOLLEDIGE_TOEGANG (or beperkt|volledig)")->required();
  group.On(invite, [inv](CommandContext& ctx) { return RunDeelnemerInvite(ctx, *inv); });
  auto chg = std::make_shared<InviteFlags>();
  CLI::App* priv = group.Add("privilege", "change a deelnemer's privilege (initiator only)");
  priv->add_option("SAM-ID", chg->sam, "samenwerkingId")->required();
  priv->add_option("OIN", chg->oin, "OIN of the deelnemer")->required();
  priv->add_option("PRIVILEGE", chg->privilege,
                   "BEPERKTE_TOEGANG|VOLLEDIGE_TOEGANG (or beperkt|volledig)")->required();
  group.On(priv, [chg](CommandContext& ctx) { return RunDeelnemerPrivilege(ctx, *chg); });
  auto rem = std::make_shared<InviteFlags>();
  CLI::App* remove = group.Add("remove", "remove a deelnemer (initiator only)");
  remove->add_option("SAM-ID", rem->sam, "samenwerkingId")->required();
  remove->add_option("OIN", rem->oin, "OIN of the deelnemer")->required();
  group.On(remove, [rem](CommandContext& ctx) { return RunDeelnemerRemove(ctx, *rem); });
}

}  // namespace

CommandSpec SamenwerkingCommand() {
  return {"samenwerking", "start, list, show, stop or delete samenwerkingen on SWF",
          [](CLI::App* app) -> SwfRunner {
            SwfCommandGroup group(app);
            DefineSamStart(group);
            CLI::App* list = group.Add("list", "the samenwerkingen this organisation takes part in");
            auto status = std::make_shared<std::string>();
            list->add_option("--status", *status, "only this status: INITIALISATIE, OPEN or GESLOTEN")
                ->transform(CLI::IsMember({"INITIALISATIE", "OPEN", "GESLOTEN"}, CLI::ignore_case));
            group.On(list, [status](CommandContext& ctx) { return RunSamList(ctx, *status); });
            DefineWithId(group, "show", "a samenwerking and its deelnemers", "SAM-ID", RunSamShow);
            DefineWithId(group, "stop", "close a samenwerking (GESLOTEN)", "SAM-ID", RunSamStop);
            DefineWithId(group, "delete", "remove a closed samenwerking", "SAM-ID", RunSamDelete);
            return group.Runner();
          }};
}

CommandSpec DeelnemerCommand() {
  return {"deelnemer", "list, invite, change or remove deelnemers of a samenwerking",
          [](CLI::App* app) -> SwfRunner {
            SwfCommandGroup group(app);
            DefineDeelnemer(group);
            return group.Runner();
          }};
}

}  // namespace swfvault
