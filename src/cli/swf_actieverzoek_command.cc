// swfvault actieverzoek list|create|show|<transition>, bericht list|send and notificatie
// list|delete: the workflow between deelnemers, straight on SWF.
#include "cli/commands.h"
#include "cli/swf_commands.h"
#include "swfvault/exit_codes.h"

namespace swfvault {
namespace {

int WithClient(CommandContext& ctx, const std::function<int(SwfClient&)>& body) {
  Result<std::unique_ptr<Connection>> conn = ConnectAs(ctx);
  if (!conn.ok()) return Fail(ctx, conn.status());
  return body(*(*conn)->client);
}

void ReportActieverzoek(CommandContext& ctx, const std::string& command, const Actieverzoek& a) {
  PrintActieverzoeken(ctx, {a});
  EmitSummary(ctx, command, {{"actieverzoekId", a.actieverzoek_id}, {"status", a.status},
                             {"samenwerkingId", a.samenwerking_id}});
}

// --- actieverzoek ---

struct ListFlags {
  std::string sam, organisatie;
};

int RunAvList(CommandContext& ctx, const ListFlags& f) {
  return WithClient(ctx, [&](SwfClient& client) {
    if (!f.sam.empty()) {
      // The filter alone answers an unknown id with an empty list; say it is unknown instead,
      // as `deelnemer list` and `document list` do.
      Result<Samenwerking> known = client.GetSamenwerking(f.sam);
      if (!known.ok()) return Fail(ctx, known.status());
    }
    Result<std::vector<Actieverzoek>> list = client.ListActieverzoeken(f.sam, f.organisatie);
    if (!list.ok()) return Fail(ctx, list.status());
    PrintActieverzoeken(ctx, *list);
    EmitSummary(ctx, "actieverzoek list", {{"samenwerkingId", f.sam}, {"count", list->size()}});
    return static_cast<int>(kExitOk);
  });
}

struct CreateFlags {
  std::string sam;
  NewActieverzoek request;
};

int RunAvCreate(CommandContext& ctx, const CreateFlags& f) {
  return WithClient(ctx, [&](SwfClient& client) {
    Result<Actieverzoek> a = client.CreateActieverzoek(f.sam, f.request);
    if (!a.ok()) return Fail(ctx, a.status());
    ReportActieverzoek(ctx, "actieverzoek create", *a);
    return static_cast<int>(kExitOk);
  });
}

int RunAvShow(CommandContext& ctx, const std::string& id) {
  return WithClient(ctx, [&](SwfClient& client) {
    Result<Actieverzoek> a = client.GetActieverzoek(id);
    if (!a.ok()) return Fail(ctx, a.status());
    ReportActieverzoek(ctx, "actieverzoek show", *a);
    if (!a->melding.empty()) ctx.output().Line("melding: " + a->melding);
    for (const std::string& doc : a->documenten) ctx.output().Line("document: " + doc);
    return static_cast<int>(kExitOk);
  });
}

struct TransitionFlags {
  std::string id, melding;
};

int RunAvTransition(CommandContext& ctx, ActieverzoekTransition t, const std::string& name,
                    const TransitionFlags& f) {
  return WithClient(ctx, [&](SwfClient& client) {
    Result<Actieverzoek> a = client.TransitionActieverzoek(f.id, t, f.melding);
    if (!a.ok()) return Fail(ctx, a.status());
    ReportActieverzoek(ctx, "actieverzoek " + name, *a);
    return static_cast<int>(kExitOk);
  });
}

void DefineAvList(SwfCommandGroup& group) {
  auto f = std::make_shared<ListFlags>();
  CLI::App* list = group.Add("list", "actieverzoeken from or for an organisation");
  list->add_option("SAM-ID", f->sam, "only this samenwerking");
  list->add_option("--organisatie", f->organisatie, "OIN as zender or ontvanger");
  group.On(list, [f](CommandContext& ctx) { return RunAvList(ctx, *f); });
}

void DefineAvCreate(SwfCommandGroup& group) {
  auto f = std::make_shared<CreateFlags>();
  CLI::App* create = group.Add("create", "issue an actieverzoek to a deelnemer");
  create->add_option("SAM-ID", f->sam, "samenwerkingId")->required();
  create->add_option("--ontvanger", f->request.ontvanger, "OIN of the receiving deelnemer")->required();
  create->add_option("--titel", f->request.titel, "title")->required();
  create->add_option("--omschrijving", f->request.omschrijving, "what is asked");
  create->add_option("--product", f->request.product_id, "productId");
  create->add_option("--document", f->request.documenten, "documentId (repeatable)");
  group.On(create, [f](CommandContext& ctx) { return RunAvCreate(ctx, *f); });
}

void DefineAvTransition(SwfCommandGroup& group, const char* name, const char* summary,
                        ActieverzoekTransition t) {
  auto f = std::make_shared<TransitionFlags>();
  CLI::App* sub = group.Add(name, summary);
  sub->add_option("ACTIEVERZOEK-ID", f->id, "actieverzoekId")->required();
  sub->add_option("--melding", f->melding, "melding sent with the status change");
  std::string command = name;
  group.On(sub, [f, t, command](CommandContext& ctx) { return RunAvTransition(ctx, t, command, *f); });
}

// --- bericht ---

int RunBerichtList(CommandContext& ctx, const std::string& id) {
  return WithClient(ctx, [&](SwfClient& client) {
    Result<std::vector<Bericht>> list = client.ListBerichten(id);
    if (!list.ok()) return Fail(ctx, list.status());
    SwfTable table({"ID", "ZENDER", "DATUM", "INHOUD"});
    for (const Bericht& b : *list) {
      ctx.output().Event(ItemJson("bericht", b.raw_json));
      table.Row({b.bericht_id, b.zender, b.creatie_datum_tijd, b.inhoud});
    }
    table.Print(ctx.output());
    EmitSummary(ctx, "bericht list", {{"actieverzoekId", id}, {"count", list->size()}});
    return static_cast<int>(kExitOk);
  });
}

int RunBerichtSend(CommandContext& ctx, const std::string& id, const std::string& text) {
  if (text.empty()) return UsageFail(ctx, "TEXT: a bericht needs text");
  return WithClient(ctx, [&](SwfClient& client) {
    Result<Bericht> b = client.SendBericht(id, text);
    if (!b.ok()) return Fail(ctx, b.status());
    ctx.output().Event(ItemJson("bericht", b->raw_json));
    ctx.output().Line("sent bericht " + b->bericht_id + " on " + id);
    EmitSummary(ctx, "bericht send", {{"actieverzoekId", id}, {"berichtId", b->bericht_id}});
    return static_cast<int>(kExitOk);
  });
}

// --- notificatie ---

struct NotificatieFlags {
  std::string sam, sinds, tot;
  std::vector<std::string> ids;
  bool alle = false;
};

// Per samenwerking without a window: that feed; otherwise the global feed by window,
// narrowed to the samenwerking when one is given. A samenwerking the caller no longer sees
// (removed as deelnemer, or the samenwerking deleted) keeps its notifications in the caller's
// feed (DEELNEMER_VERWIJDERD among them): they are found there. An id neither knows is unknown.
Result<std::vector<Notificatie>> ListNotificaties(SwfClient& client, const NotificatieFlags& f) {
  Status gone;  // why the samenwerking itself is not there
  if (!f.sam.empty() && f.sinds.empty() && f.tot.empty()) {
    Result<std::vector<Notificatie>> feed = client.ListNotificaties(f.sam);
    if (feed.ok() || feed.status().code() != StatusCode::kNotFound) return feed;
    gone = feed.status();
  } else if (!f.sam.empty()) {
    gone = client.GetSamenwerking(f.sam).status();
    if (!gone.ok() && gone.code() != StatusCode::kNotFound) return gone;
  }
  SWF_ASSIGN_OR_RETURN(std::vector<Notificatie> all, client.ListAllNotificaties({f.sinds, f.tot}));
  if (f.sam.empty()) return all;
  std::vector<Notificatie> mine;
  for (Notificatie& n : all) {
    if (n.samenwerking_id == f.sam) mine.push_back(std::move(n));
  }
  if (mine.empty() && !gone.ok()) return gone;
  return mine;
}

// --sinds after --tot selects nothing, which says more about the command line than about the
// notificaties: a usage error, before anything is sent. "" when the window is fine.
std::string EmptyWindow(const NotificatieFlags& f) {
  if (f.sinds.empty() || f.tot.empty()) return {};
  std::optional<double> from = IsoInstantSeconds(f.sinds), to = IsoInstantSeconds(f.tot);
  if (!from || !to || *from < *to) return {};
  return "--sinds " + f.sinds + " is not before --tot " + f.tot + ": the window holds no instant";
}

int RunNotificatieList(CommandContext& ctx, const NotificatieFlags& f) {
  if (std::string empty = EmptyWindow(f); !empty.empty()) return UsageFail(ctx, empty);
  return WithClient(ctx, [&](SwfClient& client) {
    Result<std::vector<Notificatie>> list = ListNotificaties(client, f);
    if (!list.ok()) return Fail(ctx, list.status());
    SwfTable table({"ID", "TYPE", "SAMENWERKING", "INITIATOR", "DATUM", "TEKST"});
    for (const Notificatie& n : *list) {
      ctx.output().Event(ItemJson("notificatie", n.raw_json));
      table.Row({n.notificatie_id, n.notificatie_type, n.samenwerking_id, n.event_initiator,
                 n.event_datum_tijd, n.notificatie_tekst});
    }
    table.Print(ctx.output());
    EmitSummary(ctx, "notificatie list", {{"count", list->size()}});
    return static_cast<int>(kExitOk);
  });
}

int RunNotificatieDelete(CommandContext& ctx, const NotificatieFlags& f) {
  if (f.alle == !f.ids.empty()) {
    return UsageFail(ctx, "give NOTIFICATIE-ID... or --alle (not both)");
  }
  if (std::string empty = EmptyWindow(f); !empty.empty()) return UsageFail(ctx, empty);
  return WithClient(ctx, [&](SwfClient& client) {
    std::vector<std::string> ids = f.ids;
    if (f.alle) {
      Result<std::vector<Notificatie>> list = ListNotificaties(client, f);
      if (!list.ok()) return Fail(ctx, list.status());
      for (const Notificatie& n : *list) ids.push_back(n.notificatie_id);
    }
    Status first;
    int deleted = 0;
    for (const std::string& id : ids) {
      Status st = client.DeleteNotificatie(id);
      ctx.output().Event({{"type", "notificatie"}, {"notificatieId", id}, {"deleted", st.ok()}});
      if (st.ok()) ++deleted;
      else ctx.output().Error(st.WithContext("notificatie " + id));
      if (!st.ok() && first.ok()) first = st;
    }
    ctx.output().Line("deleted " + std::to_string(deleted) + " of " + std::to_string(ids.size()) +
                      " notificaties");
    const int code = first.ok()    ? static_cast<int>(kExitOk)
                     : deleted > 0 ? static_cast<int>(kExitPartial)
                                   : static_cast<int>(ExitCodeFor(first));
    EmitSummary(ctx, "notificatie delete",
                {{"deleted", deleted}, {"failed", ids.size() - deleted}, {"exitCode", code}});
    return code;
  });
}

void AddWindow(CLI::App* sub, NotificatieFlags* f) {
  sub->add_option("--samenwerking", f->sam, "only this samenwerking");
  sub->add_option("--sinds", f->sinds, "eventDatumTijd after this instant (ISO 8601)")->check(IsoInstant());
  sub->add_option("--tot", f->tot, "eventDatumTijd up to this instant (ISO 8601)")->check(IsoInstant());
}

}  // namespace

CommandSpec ActieverzoekCommand() {
  return {"actieverzoek", "list, create, show and move actieverzoeken through their states",
          [](CLI::App* app) -> SwfRunner {
            SwfCommandGroup group(app);
            DefineAvList(group);
            DefineAvCreate(group);
            auto id = std::make_shared<std::string>();
            CLI::App* show = group.Add("show", "one actieverzoek");
            show->add_option("ACTIEVERZOEK-ID", *id, "actieverzoekId")->required();
            group.On(show, [id](CommandContext& ctx) { return RunAvShow(ctx, *id); });
            using T = ActieverzoekTransition;
            DefineAvTransition(group, "behandelen", "take it in behandeling (ontvanger)", T::kBehandelen);
            DefineAvTransition(group, "weigeren", "refuse it (ontvanger)", T::kWeigeren);
            DefineAvTransition(group, "gereedmelden", "report it done (ontvanger)", T::kGereedmelden);
            DefineAvTransition(group, "accepteren", "accept the result (zender)", T::kAccepteren);
            DefineAvTransition(group, "intrekken", "withdraw it (zender)", T::kIntrekken);
            return group.Runner();
          }};
}

CommandSpec BerichtCommand() {
  return {"bericht", "list or send berichten on an actieverzoek",
          [](CLI::App* app) -> SwfRunner {
            SwfCommandGroup group(app);
            auto list_id = std::make_shared<std::string>();
            CLI::App* list = group.Add("list", "the berichten of an actieverzoek");
            list->add_option("ACTIEVERZOEK-ID", *list_id, "actieverzoekId")->required();
            group.On(list, [list_id](CommandContext& ctx) { return RunBerichtList(ctx, *list_id); });
            auto send_id = std::make_shared<std::string>();
            auto text = std::make_shared<std::string>();
            CLI::App* send = group.Add("send", "send a bericht on an actieverzoek");
            send->add_option("ACTIEVERZOEK-ID", *send_id, "actieverzoekId")->required();
            send->add_option("TEXT", *text, "inhoud")->required();
            group.On(send, [send_id, text](CommandContext& ctx) {
              return RunBerichtSend(ctx, *send_id, *text);
            });
            return group.Runner();
          }};
}

CommandSpec NotificatieCommand() {
  return {"notificatie", "list or delete notificaties",
          [](CLI::App* app) -> SwfRunner {
            SwfCommandGroup group(app);
            auto lf = std::make_shared<NotificatieFlags>();
            CLI::App* list = group.Add("list", "notificaties, overall or of one samenwerking");
            list->add_option("SAM-ID", lf->sam, "only this samenwerking");
            list->add_option("--sinds", lf->sinds, "eventDatumTijd after this instant (ISO 8601)")
                ->check(IsoInstant());
            list->add_option("--tot", lf->tot, "eventDatumTijd up to this instant (ISO 8601)")
                ->check(IsoInstant());
            group.On(list, [lf](CommandContext& ctx) { return RunNotificatieList(ctx, *lf); });
            auto df = std::make_shared<NotificatieFlags>();
            CLI::App* del = group.Add("delete", "delete notificaties by id, or --alle that list shows");
            CLI::Option* ids = del->add_option("ID", df->ids, "notificatieId (one or more)");
            del->add_flag("--alle", df->alle, "delete every notificatie the filters select");
            AddWindow(del, df.get());
            // Ids name exactly what goes; a filter beside them would be silently ignored.
            for (const char* filter : {"--alle", "--samenwerking", "--sinds", "--tot"}) {
              ids->excludes(del->get_option(filter));
            }
            group.On(del, [df](CommandContext& ctx) { return RunNotificatieDelete(ctx, *df); });
            return group.Runner();
          }};
}

}  // namespace swfvault
