// SwfApi: the SWF resources of swf-api.md section 3 with the rules of section 5, served on an
// httplib server over mutual TLS.
//
// Every request is authenticated from the client certificate (tls_identity.h) plus the OIN
// header and the mandate table; errors are problem+json. Object state lives in EmulatorState;
// all state access is serialised by one mutex owned by the caller (content streaming and upload
// bodies run outside it). Thread-safe once registered.
#ifndef SWFVAULT_EMULATOR_SWF_API_H_
#define SWFVAULT_EMULATOR_SWF_API_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "emulator/emulator_state.h"
#include "emulator/fault_injector.h"
#include "emulator/list_query.h"
#include "swfvault/status.h"

namespace swfvault {

struct SwfApiOptions {
  std::string prefix = "/overheid/samenwerken/api/behandelen/v5";
  std::string oin_header = "X-OIN";
  uint64_t max_upload_bytes = uint64_t{1} << 31;
};

// The acting organisation of one request.
struct Caller {
  std::string oin;       // acting OIN (header or certificate)
  std::string cert_oin;  // OIN in the client certificate
  std::string naam;
  std::string rol;  // BEVOEGD_GEZAG | BEHANDELDIENST | KETENPARTNER | LEVERANCIER
};

// What a route handler sees.
struct Call {
  const httplib::Request& req;
  httplib::Response& res;
  Caller caller;
  std::string arg(size_t i) const { return req.matches[i]; }
};

class SwfApi {
 public:
  // `state`, `mu`, `faults` and `stats` must outlive this object.
  SwfApi(EmulatorState* state, std::recursive_mutex* mu, FaultInjector* faults,
         TrafficStats* stats, SwfApiOptions options)
      : state_(state), mu_(mu), faults_(faults), stats_(stats), options_(std::move(options)) {}

  // Installs every route, the fault pre-routing hook and the stats logger on `server`.
  void Register(httplib::Server& server);

  // Writes a problem+json response for a non-ok status. Messages of kInvalidArgument shaped
  // "<field>: <reason>" become invalidParams[{name: field, reason}].
  static void WriteProblem(const httplib::Request& req, httplib::Response& res, const Status& s);
  // Turns the answer to a change that was made into the error of a `lostAnswer` fault, or
  // strips its body for an `emptyAnswer` fault, if one matches the request's path.
  void LoseAnswerIfAsked(const httplib::Request& req, httplib::Response& res);

  // Copies the verzoek's werkmap documents into samenwerking `sam_id` as `caller` (skips ones
  // already copied) and notifies. Caller holds the lock. Returns the number copied.
  Result<int> LoadVerzoekDocuments(const Caller& caller, const std::string& sam_id);

 private:
  using Handler = std::function<Status(Call&)>;
  enum class Lock { kHeld, kNone };
  void Route(httplib::Server& s, const std::string& method, const std::string& pattern,
             Handler handler, Lock lock = Lock::kHeld);
  void RegisterUpload(httplib::Server& s);
  // Fault pre-routing (status/429 faults), the error handler and the stats logger.
  void RegisterHooks(httplib::Server& s);
  // The methods some route serves `path` with (HEAD with GET); empty for an unknown path.
  std::set<std::string> AllowedMethods(const std::string& path) const;
  Result<Caller> Authenticate(const httplib::Request& req);
  // 400 for '[' or ']' sent raw in the request target: the servlet container of a Spring
  // service (Tomcat) refuses them unless percent-encoded, as the real client sends filter
  // operators ("eventDatumTijd%5Bgt%5D"); a client that sends them raw fails here too.
  static Status CheckRequestTarget(const httplib::Request& req);
  std::string Base(const httplib::Request& req) const;

  // samenwerkingen and deelnemers (swf_api.cc)
  Status ListSamenwerkingen(Call& c);
  Status CreateSamenwerking(Call& c);
  Status GetSamenwerking(Call& c);
  Status PatchSamenwerking(Call& c);
  Status DeleteSamenwerking(Call& c);
  Status PostVerzoekDocumenten(Call& c);
  Status ListDeelnemers(Call& c);
  Status GetDeelnemer(Call& c);
  Status InviteDeelnemer(Call& c);
  Status PatchDeelnemer(Call& c);
  Status RemoveDeelnemer(Call& c);
  // documenten (swf_documents.cc)
  Status ListDocumenten(Call& c);
  // *body_read is set once the body is being read (a refusal before that leaves it unread).
  Status UploadDocument(Call& c, const httplib::ContentReader& reader, bool* body_read);
  Status GetDocument(Call& c);
  Status PatchDocument(Call& c);
  Status DeleteDocument(Call& c);
  Status GetContent(Call& c);
  // actieverzoeken, berichten, notificaties (swf_actieverzoeken.cc)
  Status ListActieverzoeken(Call& c);
  Status CreateActieverzoek(Call& c);
  Status GetActieverzoek(Call& c);
  Status PatchActieverzoek(Call& c);
  Status ListBerichten(Call& c);
  Status PostBericht(Call& c);
  Status ListNotificaties(Call& c, bool one_samenwerking);
  Status GetNotificatie(Call& c);
  Status DeleteNotificatie(Call& c);
  Result<nlohmann::json> VisibleNotificatie(Call& c);

  // Shared helpers (swf_api.cc).
  // A deelnemer row with full access: the initiator, or VOLLEDIGE_TOEGANG.
  static bool HasFullAccess(const nlohmann::json& deelnemer);
  struct Membership {
    nlohmann::json samenwerking;
    nlohmann::json deelnemer;
    bool initiator() const { return deelnemer.value("rol", "") == "INITIATOR"; }
    bool full_access() const;
  };
  // The samenwerking and the caller's deelnemer row; kNotFound when either is missing.
  Result<Membership> Member(const Caller& caller, const std::string& sam_id);
  nlohmann::json RenderSamenwerking(const httplib::Request& req, const Caller& caller,
                                    const nlohmann::json& sam);
  nlohmann::json RenderDocument(const httplib::Request& req, const nlohmann::json& doc);
  // A deelnemer with its self link (GET, PATCH, DELETE) and its samenwerking.
  nlohmann::json RenderDeelnemer(const httplib::Request& req, const nlohmann::json& d);
  // A bericht with links to its actieverzoek and the berichten beside it (no GET of one bericht).
  nlohmann::json RenderBericht(const httplib::Request& req, const nlohmann::json& b);
  nlohmann::json RenderActieverzoek(const httplib::Request& req, const Caller& caller,
                                    const nlohmann::json& av);
  // The document if `caller` may see it (deelnemer, and SV only with full access), with the
  // caller's membership in `m`; kNotFound otherwise.
  Result<nlohmann::json> VisibleDocument(const Caller& caller, const std::string& id, Membership* m);
  // The actieverzoek if `caller` is its zender or ontvanger and still a deelnemer of its
  // samenwerking (rule 1: a removed partner sees nothing under it); kNotFound otherwise.
  Result<nlohmann::json> PartyActieverzoek(const Caller& caller, const std::string& id);
  // The notifications of `oin` it may still see: an SV subject only while it has full access
  // (a privilege lowered after the event hides it). For ListSpec::where.
  static SqlCondition VisibleNotificaties(const std::string& oin);
  // One notification per deelnemer other than `caller` (only `only_oin` when set) allowed to
  // see the subject (SV subjects skip BEPERKTE_TOEGANG).
  Status Notify(const Caller& caller, const nlohmann::json& sam, const std::string& type,
                const std::string& titel, bool sv_subject, const nlohmann::json& properties,
                const std::string& only_oin = "");
  Status Touch(nlohmann::json& sam, const Caller& caller);
  Result<std::string> NaamVan(const std::string& oin);
  Status SendPage(Call& c, const std::string& rel, const ListSpec& base_spec,
                  const std::set<std::string>& fields, const std::set<std::string>& ignored,
                  const std::function<nlohmann::json(const nlohmann::json&)>& render);
  Result<nlohmann::json> CopyWerkmapDocument(const Caller& caller, const nlohmann::json& sam,
                                             const nlohmann::json& werkdoc);

  std::vector<std::pair<std::string, std::string>> routes_;  // method, path pattern (see Route)
  EmulatorState* state_;
  std::recursive_mutex* mu_;
  FaultInjector* faults_;
  TrafficStats* stats_;
  SwfApiOptions options_;
};

// Helpers shared by the emulator's .cc files.
std::string NowTimestamp();          // 2026-06-04T08:45:01.933+00:00
std::string NewUuid();               // random v4 UUID, lowercase
nlohmann::json PublicView(const nlohmann::json& body);  // drops keys starting with '_'
bool IsSv(const nlohmann::json& doc);                    // labelled strikt vertrouwelijk
// How deeply a request body may nest. Parsing is iterative, but copying, comparing and dumping
// a JSON value recurse once per level, so a deeper body could overflow a handler's stack.
inline constexpr int kMaxJsonDepth = 64;
// Parses a JSON body of any shape; kInvalidArgument "body: ..." when malformed or nested
// deeper than kMaxJsonDepth levels.
Result<nlohmann::json> ParseJson(const std::string& body);
// Like ParseJson; also kInvalidArgument when the body is not an object.
Result<nlohmann::json> ParseJsonObject(const std::string& body);
// Client input quoted in an error message: at most 64 bytes, cut before a UTF-8 character that
// would not fit, with "..." marking the cut.
std::string Excerpt(const std::string& text);
void SendJson(httplib::Response& res, int status, const nlohmann::json& body);
// For httplib's error handler: gives an error response that has no body (httplib's own 400,
// 404, 413, ... and empty handler answers) a problem+json body with its status. When `allowed`
// (the methods the path is served with) is not empty and lacks the request's method, the
// answer becomes 405 with an Allow header. Returns Unhandled for a response left as it was.
httplib::Server::HandlerResponse ProblemForEmptyError(const httplib::Request& req, httplib::Response& res,
                                                      const std::set<std::string>& allowed);
// Sends `res` as prepared and then closes the connection: for an answer given before the
// request body was read, whose unread rest would otherwise be parsed as the next request.
// `res` must have a non-empty body.
void CloseAfterAnswer(httplib::Response& res);
// Runs `fn`; a JSON type error that slipped past validation becomes kInvalidArgument
// "body: ...", any other exception kInternal, so no exception leaves a handler.
Status Guarded(const std::function<Status()>& fn);

}  // namespace swfvault

#endif  // SWFVAULT_EMULATOR_SWF_API_H_
