// swfvault sync: mirror samenwerkdossiers into the vault.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>

#include "api/client_certificate.h"
#include "cli/commands.h"
#include "cli/mirror_hook.h"
#include "cli/wiring.h"
#include "swfvault/atomic_file.h"
#include "swfvault/exit_codes.h"
#include "swfvault/sync_executor.h"

namespace swfvault {
namespace {

struct SyncFlags {
  std::vector<std::string> ids;
  std::string max_level;
  int transfers = 0;
  int transfer_threads = 0;
  bool dry_run = false;
  bool allow_mass_delete = false;
  bool all = false;
  bool full = false;
  bool incremental = false;
  std::string metrics_file;
  std::string max_duration;
};

// --max-duration: when the time is up, stops the run as a signal would (at a safe point,
// downloads in flight kept as resumable partials) and remembers that it did, so the run exits
// with kExitTimeLimit instead of 130 and says why.
class Deadline {
 public:
  Deadline(std::optional<double> seconds, StopFlag& stop) {
    if (!seconds) return;
    watcher_ = std::thread([this, seconds, &stop] {
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, std::chrono::duration<double>(*seconds), [this] { return done_; })) {
        return;
      }
      if (stop.requested()) return;  // a signal came first: that is the run's reason
      reached_.store(true);
      stop.Request();
    });
  }
  ~Deadline() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (watcher_.joinable()) watcher_.join();
  }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  bool reached() const { return reached_.load(); }
  // The exit code of a run that ended with `code`: a stop the deadline made is its own code.
  int Code(int code) const { return code == kExitInterrupted && reached() ? kExitTimeLimit : code; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::atomic<bool> reached_{false};
  std::thread watcher_;
};

std::string HumanBytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

// Turns executor callbacks into JSON lines, human lines and a progress bar.
class CliSyncObserver : public SyncObserver {
 public:
  CliSyncObserver(Output& out, int verbose) : out_(out), verbose_(verbose) {}

  void OnPlan(const Samenwerking& s, const SyncPlan& plan) override {
    out_.Event({{"type", "plan"},
                {"samenwerkingId", s.samenwerking_id},
                {"fetch", plan.Count(SyncAction::Kind::kFetch)},
                {"link", plan.Count(SyncAction::Kind::kLink)},
                {"metadata", plan.Count(SyncAction::Kind::kUpdateMetadata)},
                {"withhold", plan.Count(SyncAction::Kind::kWithhold)},
                {"remove", plan.Count(SyncAction::Kind::kMarkRemoved)},
                {"unchanged", plan.unchanged},
                {"blocked", plan.blocked}});
  }

  void OnDocument(std::string_view action, const Document& d, int64_t bytes,
                  const Status& status) override {
    nlohmann::json j = {{"type", "document"},
                        {"action", std::string(action)},
                        {"documentId", d.document_id},
                        {"samenwerkingId", d.samenwerking_id},
                        {"level", std::string(ConfidentialityName(d.vertrouwelijkheid))},
                        {"sha256", d.document_hash},
                        {"bytes", bytes}};
    if (!status.ok()) j["error"] = status.ToString();
    out_.Event(j);
    if (!status.ok()) {
      out_.Warn(std::string(action) + " " + d.document_id + ": " + status.message());
    } else if (verbose_ > 0 || action.rfind("planned-", 0) == 0) {
      out_.Line(std::string(action) + "\t" + d.samenwerking_id + "\t" + d.document_id);
    }
  }

  void OnProgress(int64_t done, int64_t total, int docs_done, int docs_total) override {
    std::string line = "  " + std::to_string(docs_done) + "/" + std::to_string(docs_total) +
                       " documents, " + HumanBytes(done);
    if (total > 0) line += " of " + HumanBytes(total);
    out_.Progress(line);
  }

  void OnWarning(const std::string& message) override { out_.Warn(message); }

 private:
  Output& out_;
  int verbose_;
};

int ExitFor(const SyncReport& r) {
  if (!r.fatal.ok()) return ExitCodeFor(r.fatal);
  if (r.counts.quarantined > 0) return kExitIntegrity;
  for (const Status& f : r.failures) {
    if (f.code() == StatusCode::kCorruption) return kExitIntegrity;  // e.g. a malformed listing
  }
  if (!r.failures.empty()) {
    bool all_retryable = true;
    for (const Status& f : r.failures) {
      if (f.code() != StatusCode::kUnavailable) all_retryable = false;
    }
    return all_retryable ? kExitRetryable : kExitPartial;
  }
  if (!r.blocked.empty()) return kExitPartial;
  return kExitOk;
}

// {"unavailable": 2, ...}: the report's failures by kind, the fatal one included.
nlohmann::json FailureKinds(const SyncReport& r) {
  nlohmann::json kinds = nlohmann::json::object();
  for (const Status& f : r.failures) {
    std::string kind(StatusCodeName(f.code()));
    kinds[kind] = kinds.value(kind, 0) + 1;
  }
  if (!r.fatal.ok()) kinds[std::string(StatusCodeName(r.fatal.code()))] = 1;
  return kinds;
}

nlohmann::json SummaryJson(const SyncReport& r, const std::string& profile, double seconds,
                           int exit_code) {
  return {{"type", "summary"},
          {"profile", profile},
          {"runId", r.run_id},
          {"samenwerkingen", r.samenwerkingen},
          {"fetched", r.counts.fetched},
          {"repaired", r.repaired},
          {"linked", r.counts.linked},
          {"metadataUpdated", r.counts.metadata_updated},
          {"withheld", r.counts.withheld},
          {"removed", r.counts.removed},
          {"quarantined", r.counts.quarantined},
          {"failed", r.counts.failed},
          {"unchanged", r.unchanged},
          {"bytesDownloaded", r.counts.bytes},
          {"bytesResumed", r.resumed_bytes},
          {"interrupted", r.interrupted},
          {"stalePartialsRemoved", r.stale_partials},
          {"stalePartialBytesRemoved", r.stale_partial_bytes},
          {"blocked", r.blocked},
          {"retryNextRun", r.retry_samenwerkingen},
          {"unknown", r.unknown},
          {"mode", r.mode},
          {"notifications", r.notifications},
          {"notificationsDeleted", r.notifications_deleted},
          {"highWater", r.high_water},
          {"seconds", seconds},
          {"exitCode", exit_code},
          {"failureKinds", FailureKinds(r)}};
}

// The summary with the end of the profile's certificate (Unix seconds), for the metrics file:
// an alert weeks ahead instead of a night of exit 4.
nlohmann::json WithCertificateEnd(nlohmann::json summary, const ConnectionProfile& profile) {
  if (Result<int64_t> end = CertificateNotAfter(profile.cert); end.ok()) {
    summary["certificateNotAfter"] = *end;
  }
  return summary;
}

int SyncProfile(CommandContext& ctx, const SyncFlags& flags, const ConnectionProfile& profile,
                Vault& vault, const Config& config, const StopFlag& stop, const Deadline& deadline,
                std::vector<nlohmann::json>* summaries) {
  auto started = std::chrono::steady_clock::now();
  // A profile that fails before its run (credentials refused while connecting, a bad level)
  // still gets its series in the metrics file, with the exit code it ended with.
  // Printed as an error (Fail), or as a usage error (UsageFail) when `usage`.
  // Under --all every error names its profile.
  auto named = [&](const Status& st) {
    return flags.all ? st.WithContext("profile " + profile.name) : st;
  };
  auto failed_before_run = [&](const Status& why, bool usage = false) {
    const int code =
        deadline.Code(usage ? UsageFail(ctx, named(why).message()) : Fail(ctx, named(why)));
    SyncReport none;
    none.fatal = why;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    summaries->push_back(
        WithCertificateEnd(SummaryJson(none, profile.name, seconds, code), profile));
    if (flags.all) ctx.output().Event(summaries->back());
    return code;
  };
  ConnectionProfile connect = profile;
  if (flags.transfer_threads > 0) connect.transfer_threads = flags.transfer_threads;
  if (flags.transfers > 0) connect.transfers = flags.transfers;  // also bounds listing pages
  Result<std::unique_ptr<Connection>> connection = Connect(connect, &stop);
  if (!connection.ok()) return failed_before_run(connection.status());
  SyncOptions options;
  options.profile_name = profile.name;
  options.oin = profile.oin;
  options.base_url = profile.base_url;
  options.ceiling = profile.max_level;
  if (!flags.max_level.empty()) {
    Result<Confidentiality> level = ParseLevelOption(flags.max_level, "--max-level");
    if (!level.ok()) return failed_before_run(level.status());
    options.ceiling = *level;
  }
  // The vault's own ceiling (init --max-level) bounds every sync into it: a run started
  // without the flag, or with a profile that allows SV, still stores nothing above it.
  Result<std::optional<Confidentiality>> vault_ceiling = vault.catalog().GetVaultCeiling();
  if (!vault_ceiling.ok()) return failed_before_run(vault_ceiling.status());
  if (vault_ceiling->has_value() && **vault_ceiling == Confidentiality::kRV) {
    if (options.ceiling != Confidentiality::kRV && !flags.max_level.empty()) {
      return failed_before_run(
          InvalidArgument(
              "--max-level SV: this vault holds at most RV (set by `init --max-level RV`); "
              "raise it with `swfvault init --max-level SV` first"),
          /*usage=*/true);
    }
    options.ceiling = Confidentiality::kRV;
  }
  options.transfers = connect.transfers;
  options.dry_run = flags.dry_run;
  options.samenwerking_ids = flags.ids;
  options.mass_delete_percent = config.mass_delete_percent;
  options.allow_mass_delete = flags.allow_mass_delete;
  options.mode = flags.full ? SyncMode::kFull
                 : flags.incremental ? SyncMode::kIncremental
                                     : SyncMode::kAuto;
  options.now_unix_micros = RealClock().NowUnixMicros();
  options.full_reconcile_seconds = config.full_reconcile_hours * 3600;
  options.notification_lag_seconds = config.notification_lag_seconds;
  options.delete_notifications = config.delete_notifications;
  options.stop = &stop;
  CliSyncObserver observer(ctx.output(), ctx.options().verbose);
  SyncExecutor executor(*(*connection)->client, *(*connection)->raw, vault.store(),
                        vault.catalog(), *(*connection)->sleeper, observer);
  SyncReport report = executor.Run(options);
  // HOOK after-sync: mirror targets and drop folders are brought up to date here.
  int mirror_code = kExitOk;
  if (report.fatal.ok() && !flags.dry_run && !config.mirrors.empty() && !stop.requested()) {
    mirror_code =
        MirrorAfterSync(ctx, vault, config, profile, options.ceiling, *(*connection)->client, stop);
  }
  ctx.output().EndProgress();
  int code = deadline.Code(ExitFor(report));
  if (code == kExitOk) code = deadline.Code(mirror_code);
  const bool timed_out = code == kExitTimeLimit;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const std::string& id : report.unknown) {
    ctx.output().Error(NotFound("samenwerking " + id + " is unknown to the server (or not visible to " +
                                profile.oin + "); not synced"));
  }
  if (!report.fatal.ok() && !timed_out) ctx.output().Error(named(report.fatal));
  nlohmann::json summary =
      WithCertificateEnd(SummaryJson(report, profile.name, seconds, code), profile);
  if (timed_out) summary["timeLimitReached"] = true;
  summaries->push_back(summary);
  // Warnings first: in JSON mode the summary is the run's last line.
  for (const std::string& b : report.blocked) {
    ctx.output().Warn("mass-delete guard: " + b +
                      "; if they were really removed, run `sync --full --allow-mass-delete` once "
                      "(or raise mass_delete_percent in the config)");
  }
  if (report.fatal.code() == StatusCode::kCancelled) {
    ctx.output().Warn((timed_out ? "time limit (--max-duration " + flags.max_duration +
                                       ") reached, stopped at a safe point: "
                                 : std::string("stopped at a safe point: ")) +
                      Counted(report.interrupted, "planned download", "planned downloads") +
                      " left for the next sync, which resumes the partial ones");
  }
  // One profile: RunSync prints the summary last, after the metrics file, with the run's code.
  if (flags.all) ctx.output().Event(summary);
  char line[320];
  std::string fetched_bytes = HumanBytes(report.counts.bytes);
  if (report.repaired > 0)
    fetched_bytes += "; " + std::to_string(report.repaired) + " repairing the store";
  std::snprintf(line, sizeof line,
                "%s (%s): %s, %lld fetched (%s), %lld linked, %lld metadata, "
                "%lld withheld, %lld removed, %d unchanged, %lld quarantined, %lld failed "
                "in %.1f s",
                profile.name.c_str(), report.mode.c_str(),
                Counted(report.samenwerkingen, "samenwerking", "samenwerkingen").c_str(),
                static_cast<long long>(report.counts.fetched), fetched_bytes.c_str(),
                static_cast<long long>(report.counts.linked),
                static_cast<long long>(report.counts.metadata_updated),
                static_cast<long long>(report.counts.withheld),
                static_cast<long long>(report.counts.removed), report.unchanged,
                static_cast<long long>(report.counts.quarantined),
                static_cast<long long>(report.counts.failed), seconds);
  if (!ctx.options().quiet) ctx.output().Line(line);
  return code;
}

// Prometheus text exposition for node_exporter's textfile collector, written atomically.
Status WriteMetrics(const std::string& path, const std::vector<nlohmann::json>& summaries,
                    Catalog& catalog) {
  std::string out =
      "# HELP swfvault_last_run_timestamp_seconds End of the last sync run.\n"
      "# TYPE swfvault_last_run_timestamp_seconds gauge\n"
      "# HELP swfvault_last_success_timestamp_seconds Start of the last successful sync run.\n"
      "# TYPE swfvault_last_success_timestamp_seconds gauge\n"
      "# HELP swfvault_run_documents Documents handled by the last run, by action.\n"
      "# TYPE swfvault_run_documents gauge\n"
      "# HELP swfvault_run_bytes Content bytes moved by the last run, by direction.\n"
      "# TYPE swfvault_run_bytes gauge\n"
      "# HELP swfvault_run_failures Failures of the last run, by kind.\n"
      "# TYPE swfvault_run_failures gauge\n"
      "# HELP swfvault_run_duration_seconds Wall time of the last run.\n"
      "# TYPE swfvault_run_duration_seconds gauge\n"
      "# HELP swfvault_run_exit_code Exit code of the last run (see README).\n"
      "# TYPE swfvault_run_exit_code gauge\n"
      "# HELP swfvault_certificate_expiry_timestamp_seconds End of the profile's client "
      "certificate.\n"
      "# TYPE swfvault_certificate_expiry_timestamp_seconds gauge\n";
  int64_t now = RealClock().NowUnixSeconds();
  Result<std::vector<SyncRun>> runs = catalog.ListSyncRuns();
  for (const nlohmann::json& s : summaries) {
    std::string name = s.value("profile", "");
    std::string label = "{profile=\"" + name + "\"";
    auto metric = [&](const std::string& metric_name, const std::string& extra, double value) {
      char number[64];
      std::snprintf(number, sizeof number, "%.17g", value);
      out += metric_name + label + extra + "} " + number + "\n";
    };
    const bool reached = !s.value("notReached", false);
    if (reached) metric("swfvault_last_run_timestamp_seconds", "", static_cast<double>(now));
    Result<Profile> record = catalog.GetProfile(name);
    if (runs.ok() && record.ok()) {
      for (auto it = runs->rbegin(); it != runs->rend(); ++it) {
        if (it->profile_id != record->profile_id || it->outcome != "success") continue;
        std::tm tm{};
        if (strptime(it->started_at.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) != nullptr) {
          metric("swfvault_last_success_timestamp_seconds", "", static_cast<double>(timegm(&tm)));
        }
        break;
      }
    }
    metric("swfvault_run_exit_code", "", s.value("exitCode", 0.0));
    if (s.contains("certificateNotAfter")) {
      metric("swfvault_certificate_expiry_timestamp_seconds", "",
             s["certificateNotAfter"].get<double>());
    }
    if (!reached) continue;  // a stopped `sync --all` never got to it: no counts of this run
    for (const char* action : {"fetched", "repaired", "linked", "metadataUpdated", "withheld",
                               "removed", "quarantined", "failed", "unchanged"}) {
      metric("swfvault_run_documents", ",action=\"" + std::string(action) + "\"",
             s.value(action, 0.0));
    }
    metric("swfvault_run_bytes", ",direction=\"download\"", s.value("bytesDownloaded", 0.0));
    for (const auto& [kind, n] : s["failureKinds"].items()) {
      metric("swfvault_run_failures", ",kind=\"" + kind + "\"", n.get<double>());
    }
    metric("swfvault_run_duration_seconds", "", s.value("seconds", 0.0));
  }
  return WriteFileAtomically(RealFileSystem(), path, out);
}

int RunSync(CommandContext& ctx, const SyncFlags& flags) {
  Result<Config> config = ctx.LoadEffectiveConfig();
  if (!config.ok()) return Fail(ctx, config.status());
  Result<std::string> dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(ctx, dir.status());
  std::vector<ConnectionProfile> profiles;
  if (flags.all) {
    Result<std::vector<ConnectionProfile>> all = ctx.ResolveAllProfiles();
    if (!all.ok()) return Fail(ctx, all.status());
    profiles = std::move(*all);
  } else {
    Result<ConnectionProfile> one = ctx.ResolveProfile();
    if (!one.ok()) return Fail(ctx, one.status());
    profiles.push_back(std::move(*one));
  }
  std::string metrics_path;  // the file --metrics-file names (a link: the file it points to)
  if (!flags.metrics_file.empty()) {
    // Checked before the run, not found out after it.
    Result<std::string> metrics = ReplaceableOutput(flags.metrics_file);
    if (!metrics.ok()) return UsageFail(ctx, "--metrics-file: " + metrics.status().message());
    if (Status inside = CheckOutsideVault(*metrics, *dir, "--metrics-file"); !inside.ok()) {
      return UsageFail(ctx, inside.message());
    }
    metrics_path = *metrics;
  }
  for (const MirrorTarget& t : config->mirrors) {
    if (Status inside = CheckOutsideVault(t.path, *dir, "[[mirror]] path"); !inside.ok()) {
      return UsageFail(ctx, inside.message());
    }
  }
  Result<std::unique_ptr<Vault>> vault = OpenVault(*dir, Vault::Access::kExclusive, &ctx.output());
  if (!vault.ok()) return Fail(ctx, vault.status());
  // Profiles of one vault with different ceilings work against each other: a run of the lower
  // one withholds and purges what the higher one fetched, which fetches it again next time.
  // Not when one ceiling holds for every run: --max-level, or the vault's own RV.
  Result<std::optional<Confidentiality>> vault_ceiling = (*vault)->catalog().GetVaultCeiling();
  const bool one_ceiling =
      !flags.max_level.empty() ||
      (vault_ceiling.ok() && vault_ceiling->has_value() && **vault_ceiling == Confidentiality::kRV);
  const auto other = std::find_if(config->profiles.begin(), config->profiles.end(),
                                  [&](const ConnectionProfile& p) {
                                    return p.max_level != config->profiles.front().max_level;
                                  });
  if (!one_ceiling && other != config->profiles.end()) {
    const ConnectionProfile& first = config->profiles.front();
    ctx.output().Warn("profiles '" + first.name + "' (max_level " +
                      std::string(ConfidentialityName(first.max_level)) + ") and '" + other->name +
                      "' (max_level " + std::string(ConfidentialityName(other->max_level)) +
                      ") share this vault: a run of the lower one purges what the other "
                      "fetched above it, again and again; give them one max_level (or fix the "
                      "vault's own with `init --max-level RV`)");
  }
  // Ctrl-C or a scheduler's SIGTERM: the run stops at a safe point and says so (exit 130);
  // a second signal ends it at once.
  StopFlag& stop = StopGracefullyOnSignals(ctx);
  const Deadline deadline(
      flags.max_duration.empty() ? std::nullopt : ParseDurationSeconds(flags.max_duration), stop);
  int worst = kExitOk;
  std::vector<nlohmann::json> summaries;
  for (const ConnectionProfile& p : profiles) {
    if (stop.requested()) {
      // Not reached: in the run's summary and the metrics file all the same, with the code
      // of a stopped run, so a monitor sees the profile was skipped instead of losing it.
      summaries.push_back(WithCertificateEnd({{"type", "summary"},
                                              {"profile", p.name},
                                              {"notReached", true},
                                              {"exitCode", deadline.Code(kExitInterrupted)}},
                                             p));
      if (flags.all) ctx.output().Event(summaries.back());
      worst = MoreUrgentExitCode(worst, deadline.Code(kExitInterrupted));
      continue;
    }
    int code = SyncProfile(ctx, flags, p, **vault, *config, stop, deadline, &summaries);
    worst = MoreUrgentExitCode(worst, code);
  }
  if (!flags.metrics_file.empty()) {
    // Monitoring that silently stops is worse than a failed run: a file not written is an
    // error, with its own exit code.
    Status st = WriteMetrics(metrics_path, summaries, (*vault)->catalog());
    if (!st.ok()) {
      ctx.output().Error(Status(
          st.code(), "metrics file " + flags.metrics_file + " not written: " + st.message()));
      worst = MoreUrgentExitCode(worst, ExitCodeFor(st));
    }
  }
  if (!flags.all && !summaries.empty()) {
    nlohmann::json summary = summaries.back();
    summary["exitCode"] = worst;  // a metrics file not written included
    ctx.output().Event(summary);
  }
  if (flags.all) {
    // The run's own last line: every profile's exit code, and the one the run exits with.
    nlohmann::json codes = nlohmann::json::object();
    for (const nlohmann::json& one : summaries)
      codes[one.value("profile", "")] = one.value("exitCode", 0);
    ctx.output().Event(
        {{"type", "summary"}, {"command", "sync --all"}, {"profiles", codes}, {"exitCode", worst}});
    int64_t not_reached = 0;
    for (const nlohmann::json& one : summaries) not_reached += one.value("notReached", false);
    ctx.output().Line(
        "sync --all: " + Counted(static_cast<int64_t>(codes.size()), "profile", "profiles") +
        (not_reached > 0 ? " (" + std::to_string(not_reached) + " not reached)" : "") +
        ", exit code " + std::to_string(worst));
  }
  return worst;
}

}  // namespace

CommandSpec SyncCommand() {
  return {"sync", "mirror samenwerkdossiers into the vault",
          [](CLI::App* app) -> std::function<int(CommandContext&)> {
            auto flags = std::make_shared<SyncFlags>();
            app->footer(
                std::string("Ctrl-C or SIGTERM stops the run at a safe point (partial downloads "
                            "kept, exit\n130); a second one ends it at once. --max-duration "
                            "stops it the same way (exit 11).\nThe next sync resumes either "
                            "way.\n\n") +
                kExitCodesHelp);
            app->add_option("samenwerking", flags->ids,
                            "samenwerkingIds to sync (default: every one the profile takes part in)");
            app->add_option("--max-level", flags->max_level,
                            "highest confidentiality the vault may hold: RV or SV")
                ->transform(CLI::IsMember({"RV", "SV"}, CLI::ignore_case));
            app->add_option("--transfers", flags->transfers, "parallel downloads")
                ->transform(Between(1, 64));
            app->add_option(
                   "--transfer-threads", flags->transfer_threads,
                   "threads sharing the parallel downloads (default: one per core, at most 4)")
                ->transform(Between(1, 16));
            app->add_flag("--dry-run", flags->dry_run, "show the plan, change nothing");
            app->add_flag("--allow-mass-delete", flags->allow_mass_delete,
                          "mark removed what vanished from a listing even when the mass-delete "
                          "guard would stop it (once, after checking the removals are real)");
            app->add_flag("--all", flags->all, "every profile in the config");
            auto* full = app->add_flag("--full", flags->full,
                                       "reconcile every samenwerking, not only notified changes");
            app->add_flag("--incremental", flags->incremental,
                          "only samenwerkingen named by new notifications")
                ->excludes(full);
            app->add_option("--max-duration", flags->max_duration,
                            "stop at a safe point after this long (3600, 45m, 2h, 1h30m), exit 11; "
                            "the next sync goes on where this one stopped")
                ->check(Duration());
            app->add_option("--metrics-file", flags->metrics_file,
                            "write Prometheus text metrics here (node_exporter textfile)");
            return [flags](CommandContext& ctx) { return RunSync(ctx, *flags); };
          }};
}

}  // namespace swfvault
