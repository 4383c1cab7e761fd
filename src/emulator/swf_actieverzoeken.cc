// Actieverzoeken, berichten and notificaties.
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "emulator/actieverzoek_machine.h"
#include "emulator/swf_api.h"
#include "emulator/tls_identity.h"

namespace swfvault {
namespace {

const std::set<std::string> kActieverzoekFields = {
    "actieverzoekId", "samenwerkingId", "status", "zender", "ontvanger", "productId",
    "creatieDatumTijd", "laatstAangepastDatumTijd", "aantalBerichten"};
const std::set<std::string> kNotificatieFields = {"notificatieType", "samenwerkingId",
                                                  "eventDatumTijd", "eventInitiator"};

std::string HttpDateIn(int seconds) {
  std::time_t t = std::time(nullptr) + seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

bool HasBody(const httplib::Request& req) {
  return req.has_header("Transfer-Encoding") ||
         std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > 0;
}

bool IsParty(const nlohmann::json& av, const std::string& oin) {
  return av["zender"] == oin || av["ontvanger"] == oin;
}

}  // namespace

// A notification about an SV document is made only for deelnemers with full access (Notify).
// It stays visible while the deelnemer keeps that access; a deelnemer whose access was
// lowered, or who was removed, no longer sees it. Once the samenwerking is deleted it is
// visible as it was then: DeleteSamenwerking drops the hidden ones and keeps the rest (its
// own DOCUMENT_VERWIJDERD notices go out as the deelnemer rows go).
SqlCondition SwfApi::VisibleNotificaties(const std::string& oin) {
  return {
      "json_extract(body,'$._sv') = 0 OR parent IN (SELECT d.parent FROM objects d WHERE "
      "d.kind='deelnemer' AND json_extract(d.body,'$.oin') = ? AND "
      "(json_extract(d.body,'$.rol') = 'INITIATOR' OR json_extract(d.body,'$.privilege') = "
      "'VOLLEDIGE_TOEGANG'))"
      " OR NOT EXISTS (SELECT 1 FROM objects s WHERE s.kind='samenwerking' AND s.id = "
      "objects.parent)",
      {oin}};
}

Result<nlohmann::json> SwfApi::PartyActieverzoek(const Caller& caller, const std::string& id) {
  Result<nlohmann::json> av = state_->Get("actieverzoek", id);
  if (!av.ok() || !IsParty(*av, caller.oin) || !Member(caller, (*av)["samenwerkingId"]).ok()) {
    return NotFound("actieverzoek " + id + " not found");
  }
  return av;
}

nlohmann::json SwfApi::RenderActieverzoek(const httplib::Request& req, const Caller& caller,
                                          const nlohmann::json& av) {
  nlohmann::json out = PublicView(av);
  Result<Membership> m = Member(caller, av["samenwerkingId"]);
  // Rule 2: the ids of SV documents only for a caller with full access (the ontvanger may
  // have beperkte toegang, or have been lowered since); a deleted document's level is
  // unknown, so its id goes too.
  if (!m.ok() || !m->full_access()) {
    nlohmann::json visible = nlohmann::json::array();
    for (const auto& id : av.value("documenten", nlohmann::json::array())) {
      Result<nlohmann::json> doc = id.is_string() ? state_->Get("document", id) : NotFound("");
      if (m.ok() && doc.ok() && !IsSv(*doc)) visible.push_back(id);
    }
    out["documenten"] = std::move(visible);
  }
  const std::string self = Base(req) + "/actieverzoeken/" + av["actieverzoekId"].get<std::string>();
  out["_links"] = {{"self", {{"href", self}}}, {"berichten", {{"href", self + "/berichten"}}}};
  // Only moves that can be made: none once the samenwerking is closed.
  if (!m.ok() || m->samenwerking["status"] == "GESLOTEN") return out;
  const std::string status = av["status"];
  for (const auto& t : ActieverzoekTransitions()) {
    bool mine = t.party == ActieverzoekParty::kZender ? av["zender"] == caller.oin
                                                     : av["ontvanger"] == caller.oin;
    if (t.from == status && mine) out["_links"][t.link] = {{"href", self}};
  }
  if (!IsFinalActieverzoekStatus(status) && IsParty(av, caller.oin)) {
    out["_links"]["berichtVerzenden"] = {{"href", self + "/berichten"}};
  }
  return out;
}

Status SwfApi::ListActieverzoeken(Call& c) {
  ListSpec spec{"actieverzoek", std::nullopt, {}, {}, 0, -1};
  spec.where.push_back({"json_extract(body,'$.zender') = ? OR json_extract(body,'$.ontvanger') = ?",
                        {c.caller.oin, c.caller.oin}});
  spec.where.push_back({"parent IN (SELECT d.parent FROM objects d WHERE d.kind='deelnemer' AND "
                        "json_extract(d.body,'$.oin') = ?)",
                        {c.caller.oin}});
  if (c.req.has_param("organisatie")) {
    std::string org = c.req.get_param_value("organisatie");
    if (!IsOin(org)) return InvalidArgument("organisatie: must be a 20-digit OIN");
    spec.where.push_back({"json_extract(body,'$.zender') = ? OR json_extract(body,'$.ontvanger') = ?",
                          {org, org}});
  }
  return SendPage(c, "actieverzoeken", spec, kActieverzoekFields, {"organisatie"},
                  [&](const nlohmann::json& av) { return RenderActieverzoek(c.req, c.caller, av); });
}

Status SwfApi::CreateActieverzoek(Call& c) {
  SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, c.arg(1)));
  SWF_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(c.req.body));
  for (const char* f : {"titel", "omschrijving", "ontvanger", "productId"}) {
    if (body.contains(f) && !body[f].is_null() && !body[f].is_string()) {
      return InvalidArgument(std::string(f) + ": must be a string");
    }
  }
  std::string titel = body.value("titel", ""), ontvanger = body.value("ontvanger", "");
  if (titel.empty()) return InvalidArgument("titel: is required");
  if (!IsOin(ontvanger)) return InvalidArgument("ontvanger: must be a 20-digit OIN");
  if (ontvanger == c.caller.oin) return InvalidArgument("ontvanger: cannot be the sender");
  Result<nlohmann::json> receiver = state_->Get("deelnemer", c.arg(1) + "/" + ontvanger);
  if (!receiver.ok()) return InvalidArgument("ontvanger: is not a deelnemer of " + c.arg(1));
  nlohmann::json documenten = body.value("documenten", nlohmann::json::array());
  if (!documenten.is_array()) return InvalidArgument("documenten: must be an array of document ids");
  for (size_t i = 0; i < documenten.size(); ++i) {
    const nlohmann::json& d = documenten[i];
    if (!d.is_string()) {
      return InvalidArgument("documenten: element " + std::to_string(i) +
                             " must be a document id (string), not " + d.type_name());
    }
    Membership ignored;
    if (!VisibleDocument(c.caller, d, &ignored).ok() ||
        state_->Get("document", d)->value("samenwerkingId", "") != c.arg(1)) {
      return InvalidArgument("documenten: element " + std::to_string(i) + " is an unknown document '" +
                             Excerpt(d.get<std::string>()) + "'");
    }
  }
  if (m.samenwerking["status"] != "OPEN") return Conflict("samenwerking " + c.arg(1) + " is not OPEN");
  const std::string id = NewUuid(), now = NowTimestamp();
  nlohmann::json av = {
      {"actieverzoekId", id}, {"samenwerkingId", c.arg(1)}, {"titel", titel},
      {"omschrijving", body.value("omschrijving", "")}, {"melding", nullptr},
      {"productId", body.value("productId", "")}, {"status", "OPEN"}, {"zender", c.caller.oin},
      {"zenderNaam", c.caller.naam}, {"ontvanger", ontvanger},
      {"ontvangerNaam", receiver->value("naam", ontvanger)}, {"aantalBerichten", 0},
      {"documenten", documenten}, {"creatieDatumTijd", now}, {"laatstAangepastDatumTijd", now},
      {"laatstAangepastDoor", c.caller.oin}, {"laatstAangepastDoorNaam", c.caller.naam}};
  SWF_RETURN_IF_ERROR(state_->Put("actieverzoek", id, c.arg(1), av));
  SWF_RETURN_IF_ERROR(Notify(c.caller, m.samenwerking, "ACTIEVERZOEK_ONTVANGEN", "Actieverzoek ontvangen",
                             false, {{"actieverzoekId", id}}, ontvanger));
  SWF_RETURN_IF_ERROR(Touch(m.samenwerking, c.caller));
  c.res.set_header("Location", Base(c.req) + "/actieverzoeken/" + id);
  SendJson(c.res, 201, RenderActieverzoek(c.req, c.caller, av));
  return Status::Ok();
}

Status SwfApi::GetActieverzoek(Call& c) {
  SWF_ASSIGN_OR_RETURN(nlohmann::json av, PartyActieverzoek(c.caller, c.arg(1)));
  SendJson(c.res, 200, RenderActieverzoek(c.req, c.caller, av));
  return Status::Ok();
}

Status SwfApi::PatchActieverzoek(Call& c) {
  SWF_ASSIGN_OR_RETURN(nlohmann::json av, PartyActieverzoek(c.caller, c.arg(1)));
  SWF_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(c.req.body));
  if (!body.contains("status") || !body["status"].is_string()) return InvalidArgument("status: is required");
  const std::string to = body["status"], from = av["status"];
  if (!IsActieverzoekStatus(to)) return InvalidArgument("status: unknown value '" + Excerpt(to) + "'");
  if (body.contains("melding") && !body["melding"].is_string() && !body["melding"].is_null()) {
    return InvalidArgument("melding: must be a string");
  }
  // Other fields cannot change (as in a PATCH of a samenwerking); the real UI sends titel,
  // omschrijving and productId along unchanged, so a field with its current value is taken.
  const nlohmann::json current = PublicView(av);
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() == "status" || it.key() == "melding") continue;
    const bool unchanged =
        current.contains(it.key()) ? current[it.key()] == it.value() : it.value().is_null();
    if (!unchanged) return InvalidArgument(Excerpt(it.key()) + ": cannot be changed");
  }
  SWF_ASSIGN_OR_RETURN(nlohmann::json sam, state_->Get("samenwerking", av["samenwerkingId"]));
  if (sam["status"] == "GESLOTEN") return Conflict("samenwerking is closed");
  auto party = av["zender"] == c.caller.oin ? ActieverzoekParty::kZender : ActieverzoekParty::kOntvanger;
  if (!MayTransition(from, to, party)) return Conflict("actieverzoek cannot go from " + from + " to " + to + " by this party");
  av["status"] = to;
  if (body.contains("melding")) av["melding"] = body["melding"];
  av["laatstAangepastDatumTijd"] = NowTimestamp();
  av["laatstAangepastDoor"] = c.caller.oin;
  av["laatstAangepastDoorNaam"] = c.caller.naam;
  SWF_RETURN_IF_ERROR(state_->Put("actieverzoek", c.arg(1), av["samenwerkingId"], av));
  const std::string other = party == ActieverzoekParty::kZender ? av["ontvanger"] : av["zender"];
  SWF_RETURN_IF_ERROR(Notify(c.caller, sam, "STATUS_ACTIEVERZOEK_GEWIJZIGD", "Status actieverzoek gewijzigd", false,
                             {{"actieverzoekId", c.arg(1)}, {"actieverzoekStatusOud", from},
                              {"actieverzoekStatusNieuw", to}}, other));
  SWF_RETURN_IF_ERROR(Touch(sam, c.caller));
  SendJson(c.res, 200, RenderActieverzoek(c.req, c.caller, av));
  return Status::Ok();
}

nlohmann::json SwfApi::RenderBericht(const httplib::Request& req, const nlohmann::json& b) {
  const std::string av = Base(req) + "/actieverzoeken/" + b.value("actieverzoekId", "");
  nlohmann::json out = PublicView(b);
  out["_links"] = {{"actieverzoek", {{"href", av}}}, {"berichten", {{"href", av + "/berichten"}}}};
  return out;
}

Status SwfApi::ListBerichten(Call& c) {
  SWF_RETURN_IF_ERROR(PartyActieverzoek(c.caller, c.arg(1)).status());
  return SendPage(c, "berichten", {"bericht", c.arg(1), {}, {}, 0, -1},
                  {"creatieDatumTijd", "zender"}, {},
                  [&](const nlohmann::json& b) { return RenderBericht(c.req, b); });
}

Status SwfApi::PostBericht(Call& c) {
  SWF_ASSIGN_OR_RETURN(nlohmann::json av, PartyActieverzoek(c.caller, c.arg(1)));
  SWF_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(c.req.body));
  if (!body.contains("bericht") || !body["bericht"].is_string() || body["bericht"].get<std::string>().empty()) {
    return InvalidArgument("bericht: is required (non-empty string)");
  }
  if (IsFinalActieverzoekStatus(av["status"])) return Conflict("actieverzoek is " + av["status"].get<std::string>());
  SWF_ASSIGN_OR_RETURN(nlohmann::json sam, state_->Get("samenwerking", av["samenwerkingId"]));
  if (sam["status"] == "GESLOTEN") return Conflict("samenwerking is closed");
  const bool zender = av["zender"] == c.caller.oin;
  const std::string other = zender ? av["ontvanger"] : av["zender"];
  const std::string id = NewUuid();
  nlohmann::json b = {{"berichtId", id}, {"actieverzoekId", c.arg(1)}, {"samenwerkingId", av["samenwerkingId"]},
                      {"inhoud", body["bericht"]}, {"zender", c.caller.oin}, {"zenderNaam", c.caller.naam},
                      {"ontvanger", other}, {"ontvangerNaam", zender ? av["ontvangerNaam"] : av["zenderNaam"]},
                      {"creatieDatumTijd", NowTimestamp()}};
  SWF_RETURN_IF_ERROR(state_->Put("bericht", id, c.arg(1), b));
  av["aantalBerichten"] = av.value("aantalBerichten", 0) + 1;
  av["laatstAangepastDatumTijd"] = b["creatieDatumTijd"];
  SWF_RETURN_IF_ERROR(state_->Put("actieverzoek", c.arg(1), av["samenwerkingId"], av));
  SWF_RETURN_IF_ERROR(Notify(c.caller, sam, "NIEUW_BERICHT", "Nieuw bericht", false,
                             {{"actieverzoekId", c.arg(1)}, {"berichtId", id}}, other));
  c.res.set_header("Location", Base(c.req) + "/actieverzoeken/" + c.arg(1) + "/berichten");
  SendJson(c.res, 201, RenderBericht(c.req, b));
  return Status::Ok();
}

Status SwfApi::ListNotificaties(Call& c, bool one_samenwerking) {
  ListSpec spec{"notificatie", std::nullopt, {}, {}, 0, -1};
  if (one_samenwerking) {
    SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, c.arg(1)));
    spec.parent = c.arg(1);
  }
  spec.where.push_back({"json_extract(body,'$.deelnemer') = ?", {c.caller.oin}});
  spec.where.push_back(VisibleNotificaties(c.caller.oin));
  const std::string base = Base(c.req) + "/notificaties/";
  return SendPage(c, "notificaties", spec, kNotificatieFields, {}, [&](const nlohmann::json& n) {
    nlohmann::json out = PublicView(n);
    out["_links"]["self"]["href"] = base + n["notificatieId"].get<std::string>();
    return out;
  });
}

// One of the caller's notifications, as the caller may see it now (VisibleNotificaties): one
// about an SV document is gone for a deelnemer whose access was lowered since (404, as for any
// other id).
Result<nlohmann::json> SwfApi::VisibleNotificatie(Call& c) {
  Result<nlohmann::json> n = state_->Get("notificatie", c.arg(1));
  if (!n.ok() || (*n)["deelnemer"] != c.caller.oin) return NotFound("notificatie " + c.arg(1) + " not found");
  if ((*n).value("_sv", false) && state_->Get("samenwerking", (*n)["samenwerkingId"]).ok()) {
    Result<Membership> m = Member(c.caller, (*n)["samenwerkingId"]);
    if (!m.ok() || !m->full_access()) return NotFound("notificatie " + c.arg(1) + " not found");
  }
  return n;
}

Status SwfApi::GetNotificatie(Call& c) {
  SWF_ASSIGN_OR_RETURN(nlohmann::json n, VisibleNotificatie(c));
  nlohmann::json out = PublicView(n);
  out["_links"]["self"]["href"] = Base(c.req) + "/notificaties/" + c.arg(1);
  SendJson(c.res, 200, out);
  return Status::Ok();
}

Status SwfApi::DeleteNotificatie(Call& c) {
  SWF_RETURN_IF_ERROR(VisibleNotificatie(c).status());
  SWF_RETURN_IF_ERROR(state_->Delete("notificatie", c.arg(1)));
  c.res.status = 204;
  return Status::Ok();
}

void SwfApi::RegisterHooks(httplib::Server& server) {
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (std::optional<Fault> slow = faults_->Take({FaultKind::kLatency}, req.path, "")) {
      std::this_thread::sleep_for(std::chrono::milliseconds(slow->ms));
    }
    std::optional<Fault> f = faults_->Take(
        {FaultKind::kStatus, FaultKind::kRetryAfter, FaultKind::kMalformedBody}, req.path, "");
    if (!f) return httplib::Server::HandlerResponse::Unhandled;
    // httplib would apply a Range of the request to this answer and, its body being shorter,
    // turn the injected status into a 416.
    const_cast<httplib::Request&>(req).ranges.clear();
    if (f->kind == FaultKind::kMalformedBody) {
      res.status = 200;
      res.set_content("{\"_embedded\": {\"items\": [{\"id\": ", "application/hal+json");
    } else if (f->kind == FaultKind::kRetryAfter) {
      std::string value = f->retry_after;
      if (value == "date") value = HttpDateIn(2);
      res.set_header("Retry-After", value);
      WriteProblem(req, res, Status(StatusCode::kUnavailable, "throttled (injected)").set_http_status(429));
    } else {
      WriteProblem(req, res, Status(StatusCode::kUnavailable, "injected fault").set_http_status(f->status));
    }
    // Answered before the body was read: left on the connection, it would be parsed as the
    // next request.
    if (HasBody(req)) CloseAfterAnswer(res);
    return httplib::Server::HandlerResponse::Handled;
  });
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        return ProblemForEmptyError(req, res, AllowedMethods(req.path));
      }));
  server.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    // An error body with a provider went out through CloseAfterAnswer; content is counted apart.
    const size_t sent = res.status >= 400 && res.content_provider_ ? res.content_length_ : res.body.size();
    stats_->Record(TrafficStats::RouteTemplate(req.path, options_.prefix), res.status, sent, req.body.size());
  });
}

}  // namespace swfvault
