// AdminApi: the emulator's plain-HTTP control plane under /_emulator (add verzoeken, generate
// a benchmark corpus, inject faults, read stats, reset). It is served only on the separate
// --admin-listen address, which must be loopback, never on the SWF port. Thread-safe once
// registered; state access goes through the shared lock.
#ifndef SWFVAULT_EMULATOR_ADMIN_API_H_
#define SWFVAULT_EMULATOR_ADMIN_API_H_

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "emulator/emulator_state.h"
#include "emulator/fault_injector.h"
#include "swfvault/status.h"

namespace swfvault {

// Parameters of POST /_emulator/generate (see docs/emulator.md).
struct CorpusSpec {
  int64_t dossiers = 1;
  int64_t documents_per_dossier = 10;
  uint64_t min_size = 4096;
  uint64_t max_size = 65536;
  double pareto_alpha = 0;  // > 0: sizes follow a Pareto law from min_size, capped at max_size
  double sv_share = 0.0;
  uint64_t seed = 1;
  std::string owner = "00000001000000001000";
  nlohmann::json deelnemers = nlohmann::json::array();
};

// Parses the request body; kInvalidArgument "<field>: <reason>". `total`, when given, is
// spread over the dossiers and overrides documentsPerDossier.
Result<CorpusSpec> ParseCorpusSpec(const nlohmann::json& body);
// The seed document (verzoeken + samenwerkingen with generated content) for `spec`; document
// sizes are log-uniform in [min_size, max_size] (or Pareto with `pareto_alpha`: many small
// documents and a few large ones) and deterministic for a seed.
nlohmann::json CorpusSeed(const CorpusSpec& spec);

class AdminApi {
 public:
  // All pointers must outlive this object. `seed_file` may be empty.
  AdminApi(EmulatorState* state, std::recursive_mutex* mu, FaultInjector* faults,
           TrafficStats* stats, std::filesystem::path seed_file)
      : state_(state), mu_(mu), faults_(faults), stats_(stats), seed_file_(std::move(seed_file)) {}

  void Register(httplib::Server& server);

 private:
  Status AddVerzoek(const httplib::Request& req, httplib::Response& res);
  Status Generate(const httplib::Request& req, httplib::Response& res);
  Status Reset(const httplib::Request& req, httplib::Response& res);

  EmulatorState* state_;
  std::recursive_mutex* mu_;
  FaultInjector* faults_;
  TrafficStats* stats_;
  std::filesystem::path seed_file_;
};

}  // namespace swfvault

#endif  // SWFVAULT_EMULATOR_ADMIN_API_H_
