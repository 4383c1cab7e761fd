#include "emulator/admin_api.h"

#include <cmath>

#include "emulator/seed_loader.h"
#include "emulator/swf_api.h"
#include "emulator/tls_identity.h"

namespace swfvault {
namespace {

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

double Unit(uint64_t x) { return static_cast<double>(Mix(x) >> 11) / 9007199254740992.0; }

template <typename T>
Status ReadField(const nlohmann::json& j, const char* key, T* out) {
  if (!j.contains(key)) return Status::Ok();
  if (!j[key].is_number()) return InvalidArgument(std::string(key) + ": must be a number");
  *out = j[key].get<T>();
  return Status::Ok();
}

// Runs `fn` inside one transaction under the state lock.
Status InTransaction(EmulatorState* state, std::recursive_mutex* mu, const std::function<Status()>& fn) {
  std::lock_guard<std::recursive_mutex> lock(*mu);
  SWF_RETURN_IF_ERROR(state->Begin());
  Status s = Guarded(fn);
  if (s.ok()) return state->Commit();
  state->Rollback();
  return s;
}

}  // namespace

Result<CorpusSpec> ParseCorpusSpec(const nlohmann::json& body) {
  CorpusSpec spec;
  SWF_RETURN_IF_ERROR(ReadField(body, "dossiers", &spec.dossiers));
  SWF_RETURN_IF_ERROR(ReadField(body, "documentsPerDossier", &spec.documents_per_dossier));
  SWF_RETURN_IF_ERROR(ReadField(body, "minSize", &spec.min_size));
  SWF_RETURN_IF_ERROR(ReadField(body, "maxSize", &spec.max_size));
  SWF_RETURN_IF_ERROR(ReadField(body, "paretoAlpha", &spec.pareto_alpha));
  SWF_RETURN_IF_ERROR(ReadField(body, "svShare", &spec.sv_share));
  SWF_RETURN_IF_ERROR(ReadField(body, "seed", &spec.seed));
  if (spec.dossiers < 1) return InvalidArgument("dossiers: must be >= 1");
  if (body.contains("total")) {
    int64_t total = 0;
    SWF_RETURN_IF_ERROR(ReadField(body, "total", &total));
    if (total < 1) return InvalidArgument("total: must be >= 1");
    spec.documents_per_dossier = (total + spec.dossiers - 1) / spec.dossiers;
  }
  if (spec.documents_per_dossier < 0) return InvalidArgument("documentsPerDossier: must be >= 0");
  if (spec.min_size < 1 || spec.max_size < spec.min_size) return InvalidArgument("maxSize: must be >= minSize >= 1");
  if (!(spec.pareto_alpha >= 0 && spec.pareto_alpha <= 100)) return InvalidArgument("paretoAlpha: must be in (0, 100], or 0 for log-uniform sizes");
  if (spec.sv_share < 0 || spec.sv_share > 1) return InvalidArgument("svShare: must be in [0, 1]");
  if (body.contains("owner")) {
    if (!body["owner"].is_string() || !IsOin(body["owner"].get<std::string>())) {
      return InvalidArgument("owner: must be a 20-digit OIN");
    }
    spec.owner = body["owner"];
  }
  if (body.contains("deelnemers")) {
    if (!body["deelnemers"].is_array()) return InvalidArgument("deelnemers: must be an array");
    spec.deelnemers = body["deelnemers"];
  }
  return spec;
}

nlohmann::json CorpusSeed(const CorpusSpec& spec) {
  nlohmann::json seed = {{"verzoeken", nlohmann::json::array()}, {"samenwerkingen", nlohmann::json::array()}};
  const double lo = std::log(static_cast<double>(spec.min_size));
  const double hi = std::log(static_cast<double>(spec.max_size));
  for (int64_t d = 0; d < spec.dossiers; ++d) {
    const std::string tag = "GEN-" + std::to_string(spec.seed) + "-" + std::to_string(d);
    seed["verzoeken"].push_back({{"verzoeknummer", tag}, {"bevoegdGezag", spec.owner}});
    nlohmann::json docs = nlohmann::json::array();
    for (int64_t i = 0; i < spec.documents_per_dossier; ++i) {
      uint64_t key = Mix(spec.seed) ^ Mix(static_cast<uint64_t>(d) << 32 | static_cast<uint64_t>(i));
      double u = Unit(key);
      double x = spec.pareto_alpha > 0
                     ? static_cast<double>(spec.min_size) * std::pow(1.0 - u, -1.0 / spec.pareto_alpha)
                     : std::exp(lo + (hi - lo) * u);
      auto size = static_cast<uint64_t>(std::llround(std::min(x, static_cast<double>(spec.max_size))));
      docs.push_back({{"bestandsNaam", tag + "-doc-" + std::to_string(i) + ".bin"},
                      {"formaat", "application/octet-stream"},
                      {"vertrouwelijkheidsAanduiding", Unit(key + 1) < spec.sv_share ? "SV" : "RV"},
                      {"grootte", std::clamp(size, spec.min_size, spec.max_size)},
                      {"seed", key}});
    }
    seed["samenwerkingen"].push_back({{"seedId", tag}, {"titel", "Gegenereerd dossier " + tag},
                                      {"verzoeknummer", tag}, {"initiator", spec.owner},
                                      {"deelnemers", spec.deelnemers}, {"documenten", docs}});
  }
  return seed;
}

void AdminApi::Register(httplib::Server& server) {
  auto wrap = [this](Status (AdminApi::*m)(const httplib::Request&, httplib::Response&)) {
    return [this, m](const httplib::Request& req, httplib::Response& res) {
      Status s = Guarded([&] { return (this->*m)(req, res); });
      if (!s.ok()) SwfApi::WriteProblem(req, res, s);
    };
  };
  server.Post("/_emulator/verzoeken", wrap(&AdminApi::AddVerzoek));
  server.Post("/_emulator/generate", wrap(&AdminApi::Generate));
  server.Post("/_emulator/reset", wrap(&AdminApi::Reset));
  server.Put("/_emulator/faults", [this](const httplib::Request& req, httplib::Response& res) {
    Result<nlohmann::json> body = ParseJson(req.body);
    Status s = !body.ok() ? body.status() : Guarded([&] { return faults_->Set(*body); });
    if (!s.ok()) return SwfApi::WriteProblem(req, res, s);
    res.set_content(faults_->ToJson().dump(), "application/json");
  });
  server.Get("/_emulator/faults", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(faults_->ToJson().dump(), "application/json");
  });
  server.Get("/_emulator/stats", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(stats_->ToJson().dump(), "application/json");
  });
  server.Get("/_emulator/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& req, httplib::Response& res) { return ProblemForEmptyError(req, res, {}); }));
}

Status AdminApi::AddVerzoek(const httplib::Request& req, httplib::Response& res) {
  SWF_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(req.body));
  Status s = InTransaction(state_, mu_, [&] { return swfvault::AddVerzoek(*state_, body, "."); });
  if (s.code() == StatusCode::kAlreadyExists) return Conflict(s.message());
  SWF_RETURN_IF_ERROR(s);
  std::lock_guard<std::recursive_mutex> lock(*mu_);
  SWF_ASSIGN_OR_RETURN(nlohmann::json v, state_->Get("verzoek", body["verzoeknummer"]));
  SendJson(res, 201, PublicView(v));
  return Status::Ok();
}

Status AdminApi::Generate(const httplib::Request& req, httplib::Response& res) {
  SWF_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(req.body));
  SWF_ASSIGN_OR_RETURN(CorpusSpec spec, ParseCorpusSpec(body));
  nlohmann::json seed = CorpusSeed(spec);
  SWF_RETURN_IF_ERROR(InTransaction(state_, mu_, [&] { return ApplySeed(*state_, seed, "."); }));
  std::lock_guard<std::recursive_mutex> lock(*mu_);
  nlohmann::json ids = nlohmann::json::array();
  uint64_t documents = 0, bytes = 0;
  for (const auto& s : seed["samenwerkingen"]) {
    SWF_ASSIGN_OR_RETURN(std::optional<std::string> id, state_->GetMeta("seed:samenwerking:" + s["seedId"].get<std::string>()));
    if (id) ids.push_back(*id);
    for (const auto& d : s["documenten"]) bytes += d["grootte"].get<uint64_t>();
    documents += s["documenten"].size();
  }
  SendJson(res, 201, {{"samenwerkingen", ids}, {"documenten", documents}, {"bytes", bytes}});
  return Status::Ok();
}

Status AdminApi::Reset(const httplib::Request& req, httplib::Response& res) {
  bool wipe = false;
  if (!req.body.empty()) {
    SWF_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(req.body));
    wipe = body.value("state", false);
  }
  faults_->Clear();
  stats_->Clear();
  if (wipe) {
    std::lock_guard<std::recursive_mutex> lock(*mu_);
    SWF_RETURN_IF_ERROR(state_->Wipe());
    if (!seed_file_.empty()) SWF_RETURN_IF_ERROR(LoadSeedFile(*state_, seed_file_));
  }
  SendJson(res, 200, {{"reset", true}, {"state", wipe}});
  return Status::Ok();
}

}  // namespace swfvault
