// swfvault config: shows the effective profiles (config file + flags) and checks them.
#include <sys/stat.h>

#include <ctime>
#include <optional>

#include "api/client_certificate.h"
#include "cli/commands.h"
#include "swfvault/exit_codes.h"

namespace swfvault {
namespace {

nlohmann::json ProfileJson(const ConnectionProfile& p) {
  return {{"name", p.name},
          {"oin", p.oin},
          {"base_url", p.base_url},
          {"cert", p.cert},
          {"key", p.key},
          {"ca", p.ca},
          {"oin_header", p.oin_header},
          {"max_level", std::string(ConfidentialityName(p.max_level))},
          {"transfers", p.transfers},
          {"transfer_threads", p.transfer_threads}};
}

// Files a profile names must exist; the key must not be readable by group or others.
Status CheckFiles(const ConnectionProfile& p) {
  for (const std::string* path : {&p.cert, &p.key, &p.ca}) {
    struct stat st {};
    if (::stat(path->c_str(), &st) != 0) return ErrnoStatus(errno, "profile '" + p.name + "': " + *path);
  }
  struct stat st {};
  if (::stat(p.key.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return Unauthenticated("profile '" + p.name + "': private key " + p.key +
                           " is readable by group or others (chmod 600 it)");
  }
  // What every connecting command checks first: expired, not yet valid, not for TLS clients,
  // or a key of another certificate.
  Status cert = CheckClientCertificate(p.cert, p.key, std::time(nullptr));
  return cert.ok() ? cert : cert.WithContext("profile '" + p.name + "'");
}

// Days left until the profile's certificate expires, for the report (PKIoverheid certificates
// run for a few years; the renewal should not come as a failed night).
std::optional<int64_t> DaysLeft(const ConnectionProfile& p) {
  Result<int64_t> end = CertificateNotAfter(p.cert);
  if (!end.ok()) return std::nullopt;
  return (*end - static_cast<int64_t>(std::time(nullptr))) / 86400;
}

// Every profile of the config, or, with --profile or --oin, the one a command would act as.
Result<std::vector<ConnectionProfile>> EffectiveProfiles(const CommandContext& ctx) {
  if (ctx.options().profile.empty() && ctx.options().oin.empty()) return ctx.ResolveAllProfiles();
  SWF_ASSIGN_OR_RETURN(ConnectionProfile one, ctx.ResolveProfile());
  return std::vector<ConnectionProfile>{one};
}

int RunConfig(CommandContext& ctx) {
  Result<std::vector<ConnectionProfile>> profiles = EffectiveProfiles(ctx);
  if (!profiles.ok()) return Fail(ctx, profiles.status());
  Result<std::string> vault = ctx.VaultDir();
  int code = kExitOk;  // every profile is shown and checked; the run exits with the most urgent
  int problems = 0;
  for (const ConnectionProfile& p : *profiles) {
    Status files = CheckFiles(p);
    nlohmann::json j = ProfileJson(p);
    j["type"] = "profile";
    j["filesOk"] = files.ok();
    if (!files.ok()) j["problem"] = files.message();
    const std::optional<int64_t> days = DaysLeft(p);
    if (days) j["certificateDaysLeft"] = *days;
    ctx.output().Event(j);
    if (files.ok() && days && *days < 30) {
      ctx.output().Warn("profile '" + p.name + "': certificate " + p.cert + " expires in " +
                        Counted(*days, "day", "days") + "; renew it before then");
    }
    ctx.output().Line(p.name + "\t" + p.oin + "\t" + p.base_url + "\tmax " +
                      std::string(ConfidentialityName(p.max_level)) +
                      (files.ok() ? "" : "\tPROBLEM: " + files.message()));
    if (!files.ok()) {
      ctx.output().Error(files);
      code = MoreUrgentExitCode(code, ExitCodeFor(files));
      ++problems;
    }
  }
  ctx.output().Event({{"type", "summary"},
                      {"profiles", profiles->size()},
                      {"problems", problems},
                      {"vault", vault.ok() ? *vault : ""},
                      {"exitCode", code}});
  if (vault.ok()) ctx.output().Line("vault\t" + *vault);
  return code;
}

}  // namespace

CommandSpec ConfigCommand() {
  return {"config", "show and check the effective connection profiles",
          [](CLI::App*) -> std::function<int(CommandContext&)> { return RunConfig; }};
}

}  // namespace swfvault
