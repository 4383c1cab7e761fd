#include "emulator/swf_api.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include "emulator/tls_identity.h"

namespace swfvault {
namespace {

const char* kSamenwerkVormen[] = {"SAMENWERKEN_AAN_BEHANDELEN"};
const char* kSamenwerkDoelen[] = {"BEHANDELEN"};

int HttpStatusFor(const Status& s) {
  if (s.http_status() != 0) return s.http_status();
  switch (s.code()) {
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kConflict: return 409;
    case StatusCode::kResourceExhausted: return 413;
    case StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

const char* StatusTitle(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

std::string EscapeRegex(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string UrlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Status OptionalString(const nlohmann::json& body, const char* field, std::string* out) {
  if (!body.contains(field) || body[field].is_null()) return Status::Ok();
  if (!body[field].is_string()) return InvalidArgument(std::string(field) + ": must be a string");
  *out = body[field].get<std::string>();
  return Status::Ok();
}

template <size_t N>
Status CheckEnum(const std::string& field, const std::string& value, const char* (&allowed)[N]) {
  for (const char* a : allowed) {
    if (value == a) return Status::Ok();
  }
  return InvalidArgument(field + ": unknown value '" + Excerpt(value) + "'");
}

const char* kPrivileges[] = {"BEPERKTE_TOEGANG", "VOLLEDIGE_TOEGANG"};

}  // namespace

std::string NowTimestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03d+00:00", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string NewUuid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof(b));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

nlohmann::json PublicView(const nlohmann::json& body) {
  nlohmann::json out = nlohmann::json::object();
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key().empty() || it.key()[0] != '_') out[it.key()] = it.value();
  }
  return out;
}

Result<nlohmann::json> ParseJson(const std::string& body) {
  using Event = nlohmann::json::parse_event_t;
  bool too_deep = false;
  // `depth` counts the containers around the one being opened; one that is too deep is left
  // out of the result, so nothing deeper is ever built.
  nlohmann::json::parser_callback_t limit = [&too_deep](int depth, Event event, nlohmann::json&) {
    if ((event == Event::object_start || event == Event::array_start) && depth >= kMaxJsonDepth) {
      too_deep = true;
      return false;
    }
    return true;
  };
  nlohmann::json j = nlohmann::json::parse(body, limit, false);
  if (too_deep) return InvalidArgument("body: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  if (j.is_discarded()) return InvalidArgument("body: malformed JSON");
  return j;
}

Result<nlohmann::json> ParseJsonObject(const std::string& body) {
  SWF_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(body));
  if (!j.is_object()) return InvalidArgument("body: must be a JSON object");
  return j;
}

std::string Excerpt(const std::string& text) {
  constexpr size_t kMaxBytes = 64;
  if (text.size() <= kMaxBytes) return text;
  size_t end = kMaxBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "...";
}

Status Guarded(const std::function<Status()>& fn) {
  try {
    return fn();
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(std::string("body: unexpected value (") + e.what() + ")");
  } catch (const std::exception& e) {
    return Internal(std::string("unexpected error: ") + e.what());
  }
}

void SendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/hal+json");
}

httplib::Server::HandlerResponse ProblemForEmptyError(const httplib::Request& req, httplib::Response& res,
                                                      const std::set<std::string>& allowed) {
  if (!res.body.empty() || res.content_provider_) return httplib::Server::HandlerResponse::Unhandled;
  std::string detail = res.status == 400 ? "request: malformed or unreadable" : StatusTitle(res.status);
  if ((res.status == 400 || res.status == 404) && !allowed.empty() && !allowed.count(req.method)) {
    std::string list;
    for (const std::string& m : allowed) list += (list.empty() ? "" : ", ") + m;
    res.status = 405;
    res.set_header("Allow", list);
    detail = req.method + " is not supported here; allowed: " + list;
  } else if (res.status == 404) {
    detail = "no resource at this path";
  }
  SwfApi::WriteProblem(req, res, Status(StatusCode::kInvalidArgument, detail).set_http_status(res.status));
  // httplib applies the request's Range to a body written here; a problem goes out whole.
  const_cast<httplib::Request&>(req).ranges.clear();
  return httplib::Server::HandlerResponse::Handled;
}

void CloseAfterAnswer(httplib::Response& res) {
  // httplib 0.11 keeps the connection whatever the Connection header says; it closes one only
  // when a content provider fails. So the body goes out through a provider that writes all of
  // it and then reports failure.
  res.set_header("Connection", "close");
  auto body = std::make_shared<const std::string>(std::move(res.body));
  res.body.clear();
  const std::string type = res.get_header_value("Content-Type");
  res.headers.erase("Content-Type");
  res.set_content_provider(body->size(), type, [body](size_t offset, size_t length, httplib::DataSink& sink) {
    sink.write(body->data() + offset, length);
    return false;
  });
}

void SwfApi::WriteProblem(const httplib::Request& req, httplib::Response& res, const Status& s) {
  int status = HttpStatusFor(s);
  nlohmann::json p = {{"type", "about:blank"},
                      {"title", StatusTitle(status)},
                      {"status", status},
                      {"detail", s.message()},
                      {"instance", req.path}};
  if (status == 400) {
    auto colon = s.message().find(": ");
    std::string name = colon == std::string::npos ? "body" : s.message().substr(0, colon);
    std::string reason = colon == std::string::npos ? s.message() : s.message().substr(colon + 2);
    p["invalidParams"] = {{{"name", name}, {"code", "invalid"}, {"reason", reason}}};
  }
  if (s.retry_after_seconds()) {
    res.set_header("Retry-After", std::to_string(static_cast<int>(*s.retry_after_seconds())));
  }
  res.status = status;
  // A message may quote a query parameter, which need not be UTF-8; dump() would throw on it.
  res.set_content(p.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/problem+json");
}

std::string SwfApi::Base(const httplib::Request& req) const {
  std::string host = req.get_header_value("Host");
  return "https://" + (host.empty() ? std::string("localhost") : host) + options_.prefix;
}

Status SwfApi::CheckRequestTarget(const httplib::Request& req) {
  if (req.target.find_first_of("[]") == std::string::npos) return Status::Ok();
  return InvalidArgument("request target: '[' and ']' must be percent-encoded (%5B, %5D)");
}

Result<Caller> SwfApi::Authenticate(const httplib::Request& req) {
  Caller c;
  SWF_ASSIGN_OR_RETURN(c.cert_oin, ClientCertificateOin(req.ssl));
  // The acting organisation travels in the OIN header on every call (contract section 1); a
  // call without it is 401, so a client that names the header wrongly learns it here, not in
  // production.
  const char* header = options_.oin_header.c_str();
  if (!req.has_header(header)) {
    return Unauthenticated(options_.oin_header +
                           " header missing: every call names the OIN it acts for");
  }
  std::string claimed = req.get_header_value(header);
  if (!IsOin(claimed))
    return Unauthenticated(options_.oin_header + " header is not a 20-digit OIN");
  if (claimed != c.cert_oin && !state_->Get("mandaat", c.cert_oin + ":" + claimed).ok()) {
    return PermissionDenied("certificate of " + c.cert_oin + " has no mandate to act for " +
                            claimed);
  }
  c.oin = claimed;
  Result<nlohmann::json> org = state_->Get("organisatie", c.oin);
  c.naam = org.ok() ? org->value("naam", c.oin) : "Organisatie " + c.oin;
  c.rol = org.ok() ? org->value("rol", "KETENPARTNER") : "KETENPARTNER";
  return c;
}

namespace {

// A body sent to a JSON route must say it is JSON (application/json, or any application/*+json
// such as merge-patch+json); anything else is 415, as a Spring service answers.
Status CheckJsonBody(const httplib::Request& req) {
  if (req.body.empty()) return Status::Ok();
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (type == "application/json" || (type.rfind("application/", 0) == 0 && type.ends_with("+json"))) {
    return Status::Ok();
  }
  return Status(StatusCode::kInvalidArgument,
                "Content-Type: must be application/json or application/merge-patch+json, not '" +
                    Excerpt(req.get_header_value("Content-Type")) + "'")
      .set_http_status(415);
}

}  // namespace

void SwfApi::LoseAnswerIfAsked(const httplib::Request& req, httplib::Response& res) {
  if (faults_->Take({FaultKind::kEmptyAnswer}, req.path, "")) {
    // Done, and answered the lean way some servers do: 204, or 201 with only a Location.
    res.body.clear();
    res.headers.erase("Content-Type");
    if (res.status == 200) res.status = 204;
    return;
  }
  std::optional<Fault> lost = faults_->Take({FaultKind::kLostAnswer}, req.path, "");
  if (!lost) return;
  // Done, but the answer is an error: what a gateway sends when its backend did the work and
  // then timed out or broke off.
  res.body.clear();
  res.headers.erase("Location");
  WriteProblem(req, res, Status(StatusCode::kUnavailable, "answer lost (injected)").set_http_status(lost->status));
}

void SwfApi::Route(httplib::Server& s, const std::string& method, const std::string& pattern,
                   Handler handler, Lock lock) {
  std::string re = "(?:" + EscapeRegex(options_.prefix) + ")?" + pattern;
  routes_.emplace_back(method, pattern);
  auto fn = [this, handler, lock](const httplib::Request& req, httplib::Response& res) {
    if (Status target = CheckRequestTarget(req); !target.ok())
      return WriteProblem(req, res, target);
    std::unique_lock<std::recursive_mutex> guard(*mu_);
    Result<Caller> caller = Authenticate(req);
    if (!caller.ok()) return WriteProblem(req, res, caller.status());
    if (Status media = CheckJsonBody(req); !media.ok()) return WriteProblem(req, res, media);
    Call call{req, res, *caller};
    if (lock == Lock::kNone) {
      guard.unlock();
      Status s = Guarded([&] { return handler(call); });
      if (!s.ok()) WriteProblem(req, res, s);
      return;
    }
    Status s = state_->Begin();
    if (s.ok()) s = Guarded([&] { return handler(call); });
    if (s.ok()) s = state_->Commit();
    if (!s.ok()) {
      state_->Rollback();
      res.headers.erase("Location");
      WriteProblem(req, res, s);
    } else if (req.method != "GET") {
      LoseAnswerIfAsked(req, res);
    }
  };
  if (method == "GET") s.Get(re, fn);
  if (method == "POST") s.Post(re, fn);
  if (method == "PATCH") s.Patch(re, fn);
  if (method == "DELETE") s.Delete(re, fn);
}

void SwfApi::Register(httplib::Server& server) {
  const std::string id = "/([^/]+)";
  auto bind = [this](Status (SwfApi::*m)(Call&)) { return [this, m](Call& c) { return (this->*m)(c); }; };
  Route(server, "GET", "/samenwerkingen", bind(&SwfApi::ListSamenwerkingen));
  Route(server, "POST", "/samenwerkingen", bind(&SwfApi::CreateSamenwerking));
  Route(server, "GET", "/samenwerkingen" + id, bind(&SwfApi::GetSamenwerking));
  Route(server, "PATCH", "/samenwerkingen" + id, bind(&SwfApi::PatchSamenwerking));
  Route(server, "DELETE", "/samenwerkingen" + id, bind(&SwfApi::DeleteSamenwerking));
  Route(server, "POST", "/samenwerkingen" + id + "/verzoekdocumenten", bind(&SwfApi::PostVerzoekDocumenten));
  Route(server, "GET", "/samenwerkingen" + id + "/deelnemers", bind(&SwfApi::ListDeelnemers));
  Route(server, "POST", "/samenwerkingen" + id + "/deelnemers", bind(&SwfApi::InviteDeelnemer));
  Route(server, "GET", "/samenwerkingen" + id + "/deelnemers" + id, bind(&SwfApi::GetDeelnemer));
  Route(server, "PATCH", "/samenwerkingen" + id + "/deelnemers" + id, bind(&SwfApi::PatchDeelnemer));
  Route(server, "DELETE", "/samenwerkingen" + id + "/deelnemers" + id, bind(&SwfApi::RemoveDeelnemer));
  Route(server, "GET", "/samenwerkingen" + id + "/documenten", bind(&SwfApi::ListDocumenten));
  Route(server, "GET", "/documenten" + id, bind(&SwfApi::GetDocument));
  Route(server, "PATCH", "/documenten" + id, bind(&SwfApi::PatchDocument));
  Route(server, "DELETE", "/documenten" + id, bind(&SwfApi::DeleteDocument));
  Route(server, "GET", "/documenten" + id + "/content", bind(&SwfApi::GetContent), Lock::kNone);
  Route(server, "GET", "/actieverzoeken", bind(&SwfApi::ListActieverzoeken));
  Route(server, "POST", "/samenwerkingen" + id + "/actieverzoeken", bind(&SwfApi::CreateActieverzoek));
  Route(server, "GET", "/actieverzoeken" + id, bind(&SwfApi::GetActieverzoek));
  Route(server, "PATCH", "/actieverzoeken" + id, bind(&SwfApi::PatchActieverzoek));
  Route(server, "GET", "/actieverzoeken" + id + "/berichten", bind(&SwfApi::ListBerichten));
  Route(server, "POST", "/actieverzoeken" + id + "/berichten", bind(&SwfApi::PostBericht));
  Route(server, "GET", "/samenwerkingen" + id + "/notificaties",
        [this](Call& c) { return ListNotificaties(c, true); });
  Route(server, "GET", "/notificaties", [this](Call& c) { return ListNotificaties(c, false); });
  Route(server, "GET", "/notificaties" + id, bind(&SwfApi::GetNotificatie));
  Route(server, "DELETE", "/notificaties" + id, bind(&SwfApi::DeleteNotificatie));
  RegisterUpload(server);
  RegisterHooks(server);
}

namespace {

// Whether `path`, with or without `prefix`, is a path of `pattern`, in which a "([^/]+)"
// segment stands for any one non-empty segment (the patterns Route takes). Matched by hand:
// GCC 12 fails the sanitizer build on <regex> (a false -Wmaybe-uninitialized, bug 105562).
bool PathMatches(std::string_view path, std::string_view prefix, std::string_view pattern) {
  if (!prefix.empty() && path.starts_with(prefix)) path.remove_prefix(prefix.size());
  while (!path.empty() || !pattern.empty()) {
    if (path.empty() || pattern.empty() || path[0] != '/' || pattern[0] != '/') return false;
    path.remove_prefix(1);
    pattern.remove_prefix(1);
    constexpr std::string_view kAny = "([^/]+)";  // holds a '/' itself
    const std::string_view segment = path.substr(0, path.find('/'));
    const bool any = pattern.starts_with(kAny);
    const std::string_view want = any ? kAny : pattern.substr(0, pattern.find('/'));
    if (any ? segment.empty() : segment != want) return false;
    path.remove_prefix(segment.size());
    pattern.remove_prefix(want.size());
  }
  return true;
}

}  // namespace

std::set<std::string> SwfApi::AllowedMethods(const std::string& path) const {
  std::set<std::string> allowed;
  for (const auto& [method, pattern] : routes_) {
    if (!PathMatches(path, options_.prefix, pattern)) continue;
    allowed.insert(method);
    if (method == "GET") allowed.insert("HEAD");  // httplib serves HEAD with the GET handler
  }
  return allowed;
}

bool SwfApi::HasFullAccess(const nlohmann::json& deelnemer) {
  return deelnemer.value("rol", "") == "INITIATOR" ||
         deelnemer.value("privilege", "") == "VOLLEDIGE_TOEGANG";
}

bool SwfApi::Membership::full_access() const { return HasFullAccess(deelnemer); }

Result<SwfApi::Membership> SwfApi::Member(const Caller& caller, const std::string& sam_id) {
  Membership m;
  Result<nlohmann::json> sam = state_->Get("samenwerking", sam_id);
  Result<nlohmann::json> d = state_->Get("deelnemer", sam_id + "/" + caller.oin);
  if (!sam.ok() || !d.ok()) return NotFound("samenwerking " + sam_id + " not found");
  m.samenwerking = std::move(*sam);
  m.deelnemer = std::move(*d);
  return m;
}

Result<std::string> SwfApi::NaamVan(const std::string& oin) {
  Result<nlohmann::json> org = state_->Get("organisatie", oin);
  return org.ok() ? org->value("naam", oin) : "Organisatie " + oin;
}

Status SwfApi::Touch(nlohmann::json& sam, const Caller& caller) {
  sam["laatstAangepastDoor"] = caller.oin;
  sam["laatstAangepastDoorNaam"] = caller.naam;
  sam["laatstAangepastDatumTijd"] = NowTimestamp();
  return state_->Put("samenwerking", sam["samenwerkingId"], "", sam);
}

Status SwfApi::Notify(const Caller& caller, const nlohmann::json& sam, const std::string& type,
                      const std::string& titel, bool sv_subject, const nlohmann::json& properties,
                      const std::string& only_oin) {
  const std::string sam_id = sam["samenwerkingId"];
  SWF_ASSIGN_OR_RETURN(ListResult deelnemers, state_->List({"deelnemer", sam_id, {}, {}, 0, -1}));
  for (const nlohmann::json& d : deelnemers.items) {
    const std::string oin = d["oin"];
    if (only_oin.empty() ? oin == caller.oin : oin != only_oin) continue;
    if (sv_subject && !HasFullAccess(d)) continue;
    nlohmann::json n = {{"notificatieId", NewUuid()},
                        {"notificatieType", type},
                        {"samenwerkingId", sam_id},
                        {"samenwerkVorm", sam.value("samenwerkVorm", "SAMENWERKEN_AAN_BEHANDELEN")},
                        {"notificatieTitel", titel},
                        {"notificatieTekst", titel + " (" + sam.value("titel", "") + ")"},
                        {"eventInitiator", caller.oin},
                        {"eventInitiatorNaam", caller.naam},
                        {"deelnemer", oin},
                        {"deelnemerNaam", d.value("naam", oin)},
                        {"eventDatumTijd", NowTimestamp()},
                        {"properties", properties},
                        {"_sv", sv_subject}};
    SWF_RETURN_IF_ERROR(state_->Put("notificatie", n["notificatieId"], sam_id, n));
  }
  return Status::Ok();
}

Status SwfApi::SendPage(Call& c, const std::string& rel, const ListSpec& base_spec,
                        const std::set<std::string>& fields, const std::set<std::string>& ignored,
                        const std::function<nlohmann::json(const nlohmann::json&)>& render) {
  SWF_ASSIGN_OR_RETURN(ListQuery q, ParseListQuery(c.req.params, fields, ignored));
  ListSpec spec = base_spec;
  for (const Filter& f : q.filters) spec.where.push_back(FilterCondition(f));
  if (q.sort) spec.order_by = SortCondition(*q.sort);
  spec.offset = q.page * q.size;
  spec.limit = q.size;
  SWF_ASSIGN_OR_RETURN(ListResult result, state_->List(spec));
  std::vector<nlohmann::json> items;
  for (const nlohmann::json& item : result.items) {
    nlohmann::json rendered = render(item);
    if (!rendered.is_null()) items.push_back(std::move(rendered));  // null: a fault left it out
  }
  std::string kept;
  for (const auto& [k, v] : c.req.params) {
    if (k == "pagina" || k == "page" || k == "aantal") continue;
    kept += (kept.empty() ? "" : "&") + UrlEncode(k) + "=" + UrlEncode(v);
  }
  std::string path = c.req.path;
  if (path.rfind(options_.prefix, 0) == 0) path = path.substr(options_.prefix.size());
  SendJson(c.res, 200, HalPage(rel, std::move(items), result.total, q, Base(c.req) + path, kept));
  return Status::Ok();
}

nlohmann::json SwfApi::RenderSamenwerking(const httplib::Request& req, const Caller& caller,
                                          const nlohmann::json& sam) {
  nlohmann::json out = PublicView(sam);
  const std::string id = sam["samenwerkingId"];
  SqlCondition party{"json_extract(body,'$.zender') = ? OR json_extract(body,'$.ontvanger') = ?",
                     {caller.oin, caller.oin}};
  SqlCondition mine{"json_extract(body,'$.deelnemer') = ?", {caller.oin}};
  out["aantalActieverzoeken"] = state_->Count({"actieverzoek", id, {party}, {}, 0, -1}).value();
  out["aantalNotificaties"] =
      state_->Count({"notificatie", id, {mine, VisibleNotificaties(caller.oin)}, {}, 0, -1}).value();
  const std::string self = Base(req) + "/samenwerkingen/" + id;
  out["_links"] = {{"self", {{"href", self}}},
                   {"deelnemers", {{"href", self + "/deelnemers"}}},
                   {"documenten", {{"href", self + "/documenten"}}},
                   {"documentToevoegen", {{"href", self + "/documenten"}}},
                   {"actieverzoekOpstellen", {{"href", self + "/actieverzoeken"}}},
                   {"actieverzoeken", {{"href", Base(req) + "/actieverzoeken?samenwerkingId=" + id}}},
                   {"notificaties", {{"href", self + "/notificaties"}}}};
  return out;
}

Status SwfApi::ListSamenwerkingen(Call& c) {
  ListSpec spec{"samenwerking", std::nullopt, {}, {}, 0, -1};
  spec.where.push_back({"id IN (SELECT d.parent FROM objects d WHERE d.kind='deelnemer' AND "
                        "json_extract(d.body,'$.oin') = ?)",
                        {c.caller.oin}});
  static const std::set<std::string> kFields = {
      "samenwerkingId", "status", "aangemaaktDoor", "titel", "verzoeknummer",
      "creatieDatumTijd", "laatstAangepastDatumTijd", "eindDatumTijd", "samenwerkVorm"};
  return SendPage(c, "samenwerkingen", spec, kFields, {},
                  [&](const nlohmann::json& s) { return RenderSamenwerking(c.req, c.caller, s); });
}

Status SwfApi::CreateSamenwerking(Call& c) {
  if (c.caller.rol != "BEVOEGD_GEZAG" && c.caller.rol != "BEHANDELDIENST") {
    return PermissionDenied("only a bevoegd gezag or behandeldienst may start a samenwerking");
  }
  SWF_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(c.req.body));
  std::string verzoeknummer, titel, beschrijving, kenmerk, nummer;
  std::string vorm = "SAMENWERKEN_AAN_BEHANDELEN", doel = "BEHANDELEN";
  SWF_RETURN_IF_ERROR(OptionalString(body, "verzoeknummer", &verzoeknummer));
  if (verzoeknummer.empty()) return InvalidArgument("verzoeknummer: is required");
  SWF_RETURN_IF_ERROR(OptionalString(body, "titel", &titel));
  SWF_RETURN_IF_ERROR(OptionalString(body, "beschrijving", &beschrijving));
  SWF_RETURN_IF_ERROR(OptionalString(body, "kenmerkSysteem", &kenmerk));
  SWF_RETURN_IF_ERROR(OptionalString(body, "nummerBinnenSysteem", &nummer));
  SWF_RETURN_IF_ERROR(OptionalString(body, "samenwerkVorm", &vorm));
  SWF_RETURN_IF_ERROR(OptionalString(body, "samenwerkDoel", &doel));
  SWF_RETURN_IF_ERROR(CheckEnum("samenwerkVorm", vorm, kSamenwerkVormen));
  SWF_RETURN_IF_ERROR(CheckEnum("samenwerkDoel", doel, kSamenwerkDoelen));
  bool load = false;
  if (body.contains("documentenUitVerzoekLaden") && !body["documentenUitVerzoekLaden"].is_null()) {
    if (!body["documentenUitVerzoekLaden"].is_boolean()) {
      return InvalidArgument("documentenUitVerzoekLaden: must be true or false");
    }
    load = body["documentenUitVerzoekLaden"].get<bool>();
  }
  Result<nlohmann::json> verzoek = state_->Get("verzoek", verzoeknummer);
  if (!verzoek.ok()) return InvalidArgument("verzoeknummer: unknown verzoek '" + Excerpt(verzoeknummer) + "'");
  if (c.caller.rol == "BEVOEGD_GEZAG" && verzoek->value("bevoegdGezag", "") != c.caller.oin) {
    return PermissionDenied("verzoek " + verzoeknummer + " belongs to another bevoegd gezag");
  }
  SWF_ASSIGN_OR_RETURN(int64_t seq, state_->NextSequence("samenwerking", 100001));
  const std::string id = "SAM-" + std::to_string(seq);
  const std::string now = NowTimestamp();
  nlohmann::json sam = {
      {"samenwerkingId", id}, {"titel", titel.empty() ? "Samenwerking " + verzoeknummer : titel},
      {"beschrijving", beschrijving}, {"status", "OPEN"}, {"samenwerkVorm", vorm},
      {"samenwerkDoel", doel}, {"bronVerzoek", "DSO_LV"}, {"verzoeknummer", verzoeknummer},
      {"typeVerzoek", verzoek->value("typeVerzoek", "AANVRAAG")},
      {"globaleLocatie", verzoek->value("globaleLocatie", "")}, {"kenmerkSysteem", kenmerk},
      {"nummerBinnenSysteem", nummer}, {"taal", "nl"}, {"aangemaaktDoor", c.caller.oin},
      {"aangemaaktDoorNaam", c.caller.naam}, {"creatieDatumTijd", now},
      {"eindDatumTijd", nullptr}, {"laatstAangepastDoor", c.caller.oin},
      {"laatstAangepastDoorNaam", c.caller.naam}, {"laatstAangepastDatumTijd", now}};
  SWF_RETURN_IF_ERROR(state_->Put("samenwerking", id, "", sam));
  nlohmann::json initiator = {{"oin", c.caller.oin}, {"naam", c.caller.naam},
                              {"rol", "INITIATOR"}, {"privilege", "VOLLEDIGE_TOEGANG"},
                              {"samenwerkingId", id}, {"uitgenodigdDatumTijd", now}};
  SWF_RETURN_IF_ERROR(state_->Put("deelnemer", id + "/" + c.caller.oin, id, initiator));
  if (load) SWF_RETURN_IF_ERROR(LoadVerzoekDocuments(c.caller, id).status());
  c.res.set_header("Location", Base(c.req) + "/samenwerkingen/" + id);
  SWF_ASSIGN_OR_RETURN(sam, state_->Get("samenwerking", id));
  SendJson(c.res, 201, RenderSamenwerking(c.req, c.caller, sam));
  return Status::Ok();
}

Status SwfApi::GetSamenwerking(Call& c) {
  SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, c.arg(1)));
  SendJson(c.res, 200, RenderSamenwerking(c.req, c.caller, m.samenwerking));
  return Status::Ok();
}

Status SwfApi::PatchSamenwerking(Call& c) {
  SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, c.arg(1)));
  SWF_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(c.req.body));
  if (!m.initiator()) return PermissionDenied("only the initiator may change a samenwerking");
  nlohmann::json& sam = m.samenwerking;
  if (sam["status"] == "GESLOTEN") return Conflict("samenwerking " + c.arg(1) + " is closed");
  for (const char* field : {"titel", "beschrijving", "status"}) {
    std::string value;
    SWF_RETURN_IF_ERROR(OptionalString(body, field, &value));
    if (body.contains(field) && std::string(field) != "status") sam[field] = value;
  }
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "titel" && it.key() != "beschrijving" && it.key() != "status") {
      return InvalidArgument(Excerpt(it.key()) + ": cannot be changed");
    }
  }
  bool closing = false;
  if (body.contains("status") && !body["status"].is_null()) {
    const std::string status = body["status"];
    if (status != "GESLOTEN" && status != "OPEN" && status != "INITIALISATIE") {
      return InvalidArgument("status: unknown value '" + Excerpt(status) + "'");
    }
    if (status != "GESLOTEN" && status != sam["status"]) {
      return Conflict("samenwerking cannot go from " + sam["status"].get<std::string>() + " to " + status);
    }
    closing = status == "GESLOTEN";
  }
  if (closing) {
    sam["status"] = "GESLOTEN";
    sam["eindDatumTijd"] = NowTimestamp();
    SWF_RETURN_IF_ERROR(Notify(c.caller, sam, "SAMENWERKING_GESLOTEN", "Samenwerking gesloten", false,
                               nlohmann::json::object()));
  }
  SWF_RETURN_IF_ERROR(Touch(sam, c.caller));
  SendJson(c.res, 200, RenderSamenwerking(c.req, c.caller, sam));
  return Status::Ok();
}

Status SwfApi::DeleteSamenwerking(Call& c) {
  SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, c.arg(1)));
  if (!m.initiator()) return PermissionDenied("only the initiator may remove a samenwerking");
  if (m.samenwerking["status"] != "GESLOTEN") {
    return Conflict("samenwerking " + c.arg(1) + " must be GESLOTEN before it is removed");
  }
  const std::string id = c.arg(1);
  SWF_ASSIGN_OR_RETURN(ListResult docs, state_->List({"document", id, {}, {}, 0, -1}));
  std::vector<std::filesystem::path> files;
  for (const auto& d : docs.items) files.push_back(state_->content_dir() / d.value("_file", "-"));
  // Rule 6: every document that goes tells the deelnemers who could see it (while they are
  // still listed). Their notifications stay: they are the deelnemers' inboxes, not part of
  // the dossier, and a poller that has not yet read SAMENWERKING_GESLOTEN still learns of it.
  for (const auto& d : docs.items) {
    SWF_RETURN_IF_ERROR(Notify(c.caller, m.samenwerking, "DOCUMENT_VERWIJDERD", "Document verwijderd", IsSv(d),
                               {{"documentId", d["documentId"]}, {"documentNaam", d["bestandsNaam"]}}));
  }
  // The notifications stay, as each deelnemer may see them now: one about an SV document that
  // is hidden from its deelnemer (access lowered, or removed, since) goes, so that it does not
  // come back once the deelnemer rows that hide it are gone (VisibleNotificaties).
  SWF_ASSIGN_OR_RETURN(ListResult notes, state_->List({"notificatie", id, {}, {}, 0, -1}));
  for (const auto& n : notes.items) {
    if (!n.value("_sv", false)) continue;
    Result<nlohmann::json> d =
        state_->Get("deelnemer", id + "/" + n["deelnemer"].get<std::string>());
    if (!d.ok() || !HasFullAccess(*d))
      SWF_RETURN_IF_ERROR(state_->Delete("notificatie", n["notificatieId"]));
  }
  SWF_ASSIGN_OR_RETURN(ListResult avs, state_->List({"actieverzoek", id, {}, {}, 0, -1}));
  for (const auto& av : avs.items) {
    SWF_ASSIGN_OR_RETURN(ListResult b, state_->List({"bericht", av["actieverzoekId"], {}, {}, 0, -1}));
    for (const auto& x : b.items) SWF_RETURN_IF_ERROR(state_->Delete("bericht", x["berichtId"]));
  }
  for (const char* kind : {"document", "actieverzoek", "deelnemer"}) {
    SWF_ASSIGN_OR_RETURN(ListResult all, state_->List({kind, id, {}, {}, 0, -1}));
    for (const auto& x : all.items) {
      std::string key = std::string(kind) == "deelnemer" ? id + "/" + x["oin"].get<std::string>()
                        : x.value(std::string(kind) + "Id", x.value("documentId", ""));
      SWF_RETURN_IF_ERROR(state_->Delete(kind, key));
    }
  }
  SWF_RETURN_IF_ERROR(state_->Delete("samenwerking", id));
  for (const auto& f : files) {
    std::error_code ec;
    std::filesystem::remove(f, ec);
  }
  c.res.status = 204;
  return Status::Ok();
}

Status SwfApi::PostVerzoekDocumenten(Call& c) {
  SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, c.arg(1)));
  if (!m.initiator()) return PermissionDenied("only the initiator may load verzoek documents");
  if (m.samenwerking["status"] != "OPEN") return Conflict("samenwerking " + c.arg(1) + " is not OPEN");
  SWF_ASSIGN_OR_RETURN(int copied, LoadVerzoekDocuments(c.caller, c.arg(1)));
  SendJson(c.res, 202, {{"samenwerkingId", c.arg(1)}, {"aantalDocumenten", copied},
                        {"status", "GESLAAGD"}});
  return Status::Ok();
}

Result<int> SwfApi::LoadVerzoekDocuments(const Caller& caller, const std::string& sam_id) {
  SWF_ASSIGN_OR_RETURN(nlohmann::json sam, state_->Get("samenwerking", sam_id));
  SWF_ASSIGN_OR_RETURN(nlohmann::json verzoek, state_->Get("verzoek", sam["verzoeknummer"]));
  int copied = 0;
  for (const nlohmann::json& werkdoc : verzoek.value("werkmap", nlohmann::json::array())) {
    SqlCondition same{"json_extract(body,'$._werkmapId') = ?", {werkdoc.value("werkmapId", "")}};
    SWF_ASSIGN_OR_RETURN(int64_t present, state_->Count({"document", sam_id, {same}, {}, 0, -1}));
    if (present > 0) continue;
    SWF_ASSIGN_OR_RETURN(nlohmann::json doc, CopyWerkmapDocument(caller, sam, werkdoc));
    SWF_RETURN_IF_ERROR(Notify(caller, sam, "DOCUMENT_TOEGEVOEGD", "Document toegevoegd",
                               doc.value("vertrouwelijkheidsAanduiding", "RV") == "SV",
                               {{"documentId", doc["documentId"]}, {"documentNaam", doc["bestandsNaam"]}}));
    ++copied;
  }
  nlohmann::json props = {{"verzoeknummer", sam["verzoeknummer"]}, {"aantalDocumenten", std::to_string(copied)}};
  SWF_RETURN_IF_ERROR(Notify(caller, sam, "VERZOEK_OPHALEN_GESLAAGD", "Verzoekdocumenten opgehaald",
                             false, props, caller.oin));
  SWF_RETURN_IF_ERROR(Touch(sam, caller));
  return copied;
}

nlohmann::json SwfApi::RenderDeelnemer(const httplib::Request& req, const nlohmann::json& d) {
  const std::string sam = Base(req) + "/samenwerkingen/" + d.value("samenwerkingId", "");
  nlohmann::json out = PublicView(d);
  out["_links"] = {{"self", {{"href", sam + "/deelnemers/" + d.value("oin", "")}}},
                   {"samenwerking", {{"href", sam}}}};
  return out;
}

Status SwfApi::ListDeelnemers(Call& c) {
  SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, c.arg(1)));
  static const std::set<std::string> kFields = {"oin", "rol", "privilege", "uitgenodigdDatumTijd"};
  return SendPage(c, "deelnemers", {"deelnemer", c.arg(1), {}, {}, 0, -1}, kFields, {},
                  [&](const nlohmann::json& d) { return RenderDeelnemer(c.req, d); });
}

// The resource a deelnemer's self link names (the contract lists only PATCH and DELETE there;
// a HAL self link is there to be read, as a Spring HATEOAS service serves it).
Status SwfApi::GetDeelnemer(Call& c) {
  SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, c.arg(1)));
  Result<nlohmann::json> d = state_->Get("deelnemer", c.arg(1) + "/" + c.arg(2));
  if (!d.ok()) return NotFound("deelnemer " + c.arg(2) + " not found in " + c.arg(1));
  SendJson(c.res, 200, RenderDeelnemer(c.req, *d));
  return Status::Ok();
}

Status SwfApi::InviteDeelnemer(Call& c) {
  SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, c.arg(1)));
  SWF_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(c.req.body));
  if (!m.initiator()) return PermissionDenied("only the initiator may invite");
  std::string oin, naam, privilege = "BEPERKTE_TOEGANG";
  SWF_RETURN_IF_ERROR(OptionalString(body, "oin", &oin));
  SWF_RETURN_IF_ERROR(OptionalString(body, "naam", &naam));
  SWF_RETURN_IF_ERROR(OptionalString(body, "privilege", &privilege));
  if (!IsOin(oin)) return InvalidArgument("oin: must be a 20-digit OIN");
  SWF_RETURN_IF_ERROR(CheckEnum("privilege", privilege, kPrivileges));
  if (m.samenwerking["status"] == "GESLOTEN") return Conflict("samenwerking " + c.arg(1) + " is closed");
  const std::string key = c.arg(1) + "/" + oin;
  if (state_->Get("deelnemer", key).ok()) return Conflict(oin + " already takes part");
  if (naam.empty()) {
    SWF_ASSIGN_OR_RETURN(naam, NaamVan(oin));
  }
  nlohmann::json d = {{"oin", oin}, {"naam", naam}, {"rol", "DEELNEMER"}, {"privilege", privilege},
                      {"samenwerkingId", c.arg(1)}, {"uitgenodigdDatumTijd", NowTimestamp()}};
  SWF_RETURN_IF_ERROR(state_->Put("deelnemer", key, c.arg(1), d));
  SWF_RETURN_IF_ERROR(Notify(c.caller, m.samenwerking, "UITNODIGING_KETENPARTNER", "Uitnodiging",
                             false, {{"oin", oin}, {"privilege", privilege}}));
  SWF_RETURN_IF_ERROR(Touch(m.samenwerking, c.caller));
  c.res.set_header("Location", Base(c.req) + "/samenwerkingen/" + key.substr(0, key.find('/')) + "/deelnemers/" + oin);
  SendJson(c.res, 201, RenderDeelnemer(c.req, d));
  return Status::Ok();
}

Status SwfApi::PatchDeelnemer(Call& c) {
  SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, c.arg(1)));
  SWF_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(c.req.body));
  if (!m.initiator()) return PermissionDenied("only the initiator may change privileges");
  SWF_ASSIGN_OR_RETURN(nlohmann::json d, state_->Get("deelnemer", c.arg(1) + "/" + c.arg(2)));
  std::string privilege;
  SWF_RETURN_IF_ERROR(OptionalString(body, "privilege", &privilege));
  if (privilege.empty()) return InvalidArgument("privilege: is required");
  SWF_RETURN_IF_ERROR(CheckEnum("privilege", privilege, kPrivileges));
  if (d["rol"] == "INITIATOR") return Conflict("the initiator always has full access");
  if (m.samenwerking["status"] == "GESLOTEN") return Conflict("samenwerking " + c.arg(1) + " is closed");
  d["privilege"] = privilege;
  SWF_RETURN_IF_ERROR(state_->Put("deelnemer", c.arg(1) + "/" + c.arg(2), c.arg(1), d));
  SWF_RETURN_IF_ERROR(Notify(c.caller, m.samenwerking, "PRIVILEGE_GEWIJZIGD", "Privilege gewijzigd",
                             false, {{"oin", c.arg(2)}, {"privilege", privilege}}));
  SWF_RETURN_IF_ERROR(Touch(m.samenwerking, c.caller));
  SendJson(c.res, 200, RenderDeelnemer(c.req, d));
  return Status::Ok();
}

Status SwfApi::RemoveDeelnemer(Call& c) {
  SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, c.arg(1)));
  if (!m.initiator()) return PermissionDenied("only the initiator may remove a deelnemer");
  SWF_ASSIGN_OR_RETURN(nlohmann::json d, state_->Get("deelnemer", c.arg(1) + "/" + c.arg(2)));
  if (d["rol"] == "INITIATOR") return Conflict("the initiator cannot be removed");
  if (m.samenwerking["status"] == "GESLOTEN") return Conflict("samenwerking " + c.arg(1) + " is closed");
  SWF_RETURN_IF_ERROR(Notify(c.caller, m.samenwerking, "DEELNEMER_VERWIJDERD", "Deelnemer verwijderd",
                             false, {{"oin", c.arg(2)}}));
  SWF_RETURN_IF_ERROR(state_->Delete("deelnemer", c.arg(1) + "/" + c.arg(2)));
  SWF_RETURN_IF_ERROR(Touch(m.samenwerking, c.caller));
  c.res.status = 204;
  return Status::Ok();
}

}  // namespace swfvault
