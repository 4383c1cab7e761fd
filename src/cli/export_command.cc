// swfvault export | verify-archive: one samenwerkdossier from the vault as a deterministic
// BagIt + MDTO audit archive (docs/export.md), and the check of such an archive.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/vault_blob_source.h"
#include "cli/wiring.h"
#include "swfvault/archive_exporter.h"
#include "swfvault/archive_verifier.h"
#include "swfvault/exit_codes.h"
#include "swfvault/hashing.h"
#include "swfvault/name_sanitizer.h"
#include "swfvault_version.h"

namespace swfvault {
namespace {

using Runner = std::function<int(CommandContext&)>;

constexpr int64_t kArchiveEpoch = 315532800;  // 1980-01-01: the oldest time an archive can hold
// Stands in for the object of a document the vault holds no content for. Such documents are
// always above the export ceiling (see ChooseCeiling), so the exporter never opens it.
const std::string kNoObject(64, '0');

struct ExportFlags {
  std::string samenwerking_id;
  std::string output;
  std::string format;
  std::string max_level;
  bool no_mdto = false;
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]" (an offset-less time counts as
// UTC; a trailing "[zone-id]" is ignored). Fractions are dropped. nullopt when malformed.
std::optional<int64_t> IsoToUnix(std::string_view t) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, n = 0;
  std::string text(t);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 ||
      n != 19 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  size_t i = 19;
  while (i < text.size() && (text[i] == '.' || std::isdigit(static_cast<unsigned char>(text[i])))) ++i;
  int64_t offset = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(text.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset = (text[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
}

// --- ceiling ---

// Config gives a profile max_level SV when the key is absent (the sync default), but an export
// fails closed: only a max_level the config file sets (top level or in the profile) counts.
Confidentiality ConfiguredLevel(const ConnectionProfile& profile) {
  return profile.max_level_set ? profile.max_level : Confidentiality::kRV;
}

// The profile the export acts for, when one resolves. An explicit --profile must resolve.
Result<std::optional<ConnectionProfile>> OptionalProfile(CommandContext& ctx) {
  Result<ConnectionProfile> profile = ctx.ResolveProfile();
  if (profile.ok()) return std::optional<ConnectionProfile>(*profile);
  if (!ctx.options().profile.empty()) return profile.status();
  return std::optional<ConnectionProfile>();
}

Result<Confidentiality> RequestedCeiling(const ExportFlags& flags,
                                         const std::optional<ConnectionProfile>& profile) {
  if (!flags.max_level.empty()) return ParseLevelOption(flags.max_level, "--max-level");
  return profile ? ConfiguredLevel(*profile) : Confidentiality::kRV;
}

Status CheckMdto(const ExportFlags& flags, const Config& config) {
  if (flags.no_mdto || config.mdto.complete()) return Status::Ok();
  std::vector<std::string> missing;
  if (config.mdto.waardering.empty()) missing.push_back("waardering");
  if (config.mdto.archiefvormer.empty()) missing.push_back("archiefvormer");
  if (config.mdto.bewaartermijn.empty()) missing.push_back("bewaartermijn");
  std::string list;
  for (const std::string& k : missing) list += (list.empty() ? "" : ", ") + k;
  std::string where = config.path.empty() ? "the config (none given)" : config.path;
  return InvalidArgument("MDTO values missing from [mdto] in " + where + ": " + list +
                         " (set waardering, archiefvormer and bewaartermijn, or use --no-mdto)");
}

// --- snapshot ---

// What the catalog says about one dossier, read in one transaction.
// The line bag-info.txt, the summary and the warning give an incomplete last sync.
std::string IncompleteLine(const Catalog::IncompleteSync& i) {
  return "the last sync by profile " + i.profile + " (" + i.at + ") did not finish: " + i.detail;
}

struct CatalogView {
  Samenwerking samenwerking;
  std::vector<Deelnemer> deelnemers;
  std::vector<CatalogDocument> documents;
  std::vector<BlobRecord> blobs;  // parallel to documents; empty sha256 when none
  std::vector<Actieverzoek> actieverzoeken;
  std::vector<Bericht> berichten;
  std::vector<Notificatie> notificaties;
  std::vector<Event> events;  // about this dossier or its documents, oldest first
  std::vector<Catalog::IncompleteSync>
      incomplete;  // profiles whose last sync of it left work undone
};

Status ReadDocuments(Catalog& catalog, const std::string& id, CatalogView* v) {
  SWF_ASSIGN_OR_RETURN(v->documents, catalog.ListDocuments(id));
  for (const CatalogDocument& c : v->documents) {
    BlobRecord blob;
    if (c.state == DocumentState::kPresent) {
      Result<BlobRecord> got = catalog.GetBlob(c.blob_sha256);
      if (!got.ok()) {
        return Corruption("document " + c.document.document_id + ": object " + c.blob_sha256 +
                          " is not recorded in the catalog (run 'swfvault verify')");
      }
      blob = *got;
    }
    v->blobs.push_back(blob);
  }
  return Status::Ok();
}

Status ReadRecords(Catalog& catalog, const std::string& id, CatalogView* v) {
  SWF_ASSIGN_OR_RETURN(v->deelnemers, catalog.ListDeelnemers(id));
  SWF_ASSIGN_OR_RETURN(v->actieverzoeken, catalog.ListActieverzoeken(id));
  for (const Actieverzoek& a : v->actieverzoeken) {
    SWF_ASSIGN_OR_RETURN(std::vector<Bericht> b, catalog.ListBerichten(a.actieverzoek_id));
    v->berichten.insert(v->berichten.end(), b.begin(), b.end());
  }
  SWF_ASSIGN_OR_RETURN(v->notificaties, catalog.ListNotificaties(id));
  std::set<std::string> ids;
  for (const CatalogDocument& c : v->documents) ids.insert(c.document.document_id);
  SWF_ASSIGN_OR_RETURN(std::vector<Event> all, catalog.ListEvents(""));
  for (Event& e : all) {
    if (e.samenwerking_id == id || (!e.document_id.empty() && ids.count(e.document_id) > 0)) {
      v->events.push_back(std::move(e));
    }
  }
  return Status::Ok();
}

// Catalog::Begin is BEGIN IMMEDIATE: it holds the catalog's write lock for the few
// milliseconds the metadata takes to read, so every list below comes from one state even
// while a sync runs (which waits on its busy timeout). The transaction writes nothing.
Result<CatalogView> ReadCatalog(Catalog& catalog, const std::string& id) {
  // One snapshot: a sync running meanwhile cannot make the archive mix two vault states.
  SWF_ASSIGN_OR_RETURN(Catalog::Transaction tx, catalog.BeginRead());
  CatalogView v;
  Result<Samenwerking> sam = catalog.GetSamenwerking(id);
  if (!sam.ok()) {
    if (sam.status().code() != StatusCode::kNotFound) return sam.status();
    return NotFound("samenwerking " + id + " is not in this vault (run 'swfvault sync " + id + "')");
  }
  v.samenwerking = *sam;
  SWF_RETURN_IF_ERROR(ReadDocuments(catalog, id, &v));
  SWF_RETURN_IF_ERROR(ReadRecords(catalog, id, &v));
  SWF_ASSIGN_OR_RETURN(v.incomplete, catalog.IncompleteSyncs(id));
  return v;
}

// The vault's last change to the dossier: the newest of its events and document state
// changes (catalog times) and of the modification times the server reported for the
// dossier and its records. Never the wall clock, so the same vault state exports the same bytes.
int64_t AsOf(const CatalogView& v) {
  std::vector<std::string> times = {v.samenwerking.creatie_datum_tijd,
                                    v.samenwerking.laatst_aangepast_datum_tijd};
  for (const Event& e : v.events) times.push_back(e.at);
  for (const CatalogDocument& c : v.documents) {
    times.push_back(c.state_changed_at);
    times.push_back(c.document.laatst_aangepast_datum_tijd);
  }
  for (const Actieverzoek& a : v.actieverzoeken) times.push_back(a.laatst_aangepast_datum_tijd);
  for (const Bericht& b : v.berichten) times.push_back(b.creatie_datum_tijd);
  for (const Notificatie& n : v.notificaties) times.push_back(n.event_datum_tijd);
  int64_t latest = kArchiveEpoch;
  for (const std::string& t : times) latest = std::max(latest, IsoToUnix(t).value_or(0));
  return latest;
}

// The requested ceiling, lowered below any level the vault withheld: the vault has no
// content for those documents, so an archive claiming that ceiling would be incomplete.
Result<Confidentiality> ChooseCeiling(const CatalogView& v, Confidentiality requested, Output& out) {
  Confidentiality ceiling = requested;
  for (const CatalogDocument& c : v.documents) {
    if (c.state != DocumentState::kWithheld || !AllowedUnder(c.document.vertrouwelijkheid, ceiling)) continue;
    if (c.document.vertrouwelijkheid == Confidentiality::kRV) {
      return Conflict("document " + c.document.document_id + " is withheld at level RV; run 'swfvault sync'");
    }
    ceiling = Confidentiality::kRV;
  }
  if (ceiling != requested) {
    out.Warn("this vault withheld SV documents of the dossier (synced with ceiling RV), so the "
             "export ceiling is RV, not SV");
  }
  return ceiling;
}

struct Selected {
  std::vector<ExportDocument> documents;
  size_t left_out = 0;  // removed remotely or quarantined, within the ceiling: no content
};

// Present documents with their objects, plus every document above the ceiling (whatever its
// state) so the exporter lists it as withheld and redacts its name wherever it occurs.
Result<Selected> SelectDocuments(const CatalogView& v, Confidentiality ceiling, BlobStore& store) {
  Selected out;
  for (size_t i = 0; i < v.documents.size(); ++i) {
    const CatalogDocument& c = v.documents[i];
    bool allowed = AllowedUnder(c.document.vertrouwelijkheid, ceiling) &&
                   AllowedUnder(ParseConfidentiality(c.document.vertrouwelijkheid_label), ceiling);
    if (allowed && c.state != DocumentState::kPresent) {
      ++out.left_out;
      continue;
    }
    ExportDocument d{c.document, kNoObject, 0};
    if (allowed) {
      Result<bool> has = store.Has(v.blobs[i].sha256);
      if (!has.ok()) return has.status();
      if (!*has) {
        return Corruption("document " + c.document.document_id + ": object " + v.blobs[i].sha256 +
                          " is missing from the store; the next 'swfvault sync' fetches it again");
      }
      d.sha256 = v.blobs[i].sha256;
      d.size = v.blobs[i].size;
    }
    out.documents.push_back(std::move(d));
  }
  return out;
}

std::string NaamOf(const CatalogView& v, const std::string& oin) {
  for (const Deelnemer& d : v.deelnemers) {
    if (d.oin == oin && !d.naam.empty()) return d.naam;
  }
  return "";
}

DossierSnapshot MakeSnapshot(CatalogView v, std::vector<ExportDocument> docs,
                             const std::optional<ConnectionProfile>& profile) {
  DossierSnapshot s;
  s.as_of_unix = AsOf(v);
  s.source_oin = profile ? profile->oin : v.samenwerking.aangemaakt_door;
  s.source_naam = NaamOf(v, s.source_oin);
  if (s.source_naam.empty()) s.source_naam = profile ? profile->name : s.source_oin;
  for (const Event& e : v.events) {
    s.history.push_back({e.at, std::string(EventKindName(e.kind)), e.document_id, e.sha256, e.detail});
  }
  s.samenwerking = std::move(v.samenwerking);
  s.deelnemers = std::move(v.deelnemers);
  s.documents = std::move(docs);
  s.actieverzoeken = std::move(v.actieverzoeken);
  s.berichten = std::move(v.berichten);
  s.notificaties = std::move(v.notificaties);
  for (const Catalog::IncompleteSync& i : v.incomplete) s.sync_incomplete.push_back(IncompleteLine(i));
  return s;
}

// --- export ---

Result<std::string> FileSha256(FileSystem& fs, const std::string& path) {
  SWF_ASSIGN_OR_RETURN(std::unique_ptr<ReadableFile> in, fs.OpenForRead(path));
  Sha256Hasher sha;
  std::vector<char> buf(1 << 20);
  for (;;) {
    SWF_ASSIGN_OR_RETURN(size_t n, in->Read(buf.data(), buf.size()));
    if (n == 0) break;
    sha.Update(std::string_view(buf.data(), n));
  }
  return sha.FinishHex();
}

// Everything decided from the command line and the config, before the vault is opened.
struct ExportPlan {
  ExportOptions options;
  std::optional<ConnectionProfile> profile;
  std::string vault_dir;
  std::string output;  // the file the archive replaces (a link's target)
};

Result<ExportPlan> PlanExport(CommandContext& ctx, const ExportFlags& flags) {
  ExportPlan plan;
  SWF_ASSIGN_OR_RETURN(Config config, ctx.LoadEffectiveConfig());
  SWF_ASSIGN_OR_RETURN(plan.vault_dir, ctx.VaultDir());
  SWF_ASSIGN_OR_RETURN(plan.profile, OptionalProfile(ctx));
  SWF_ASSIGN_OR_RETURN(plan.output, ReplaceableOutput(flags.output));
  SWF_RETURN_IF_ERROR(CheckOutsideVault(plan.output, plan.vault_dir, "-o"));
  ExportOptions& o = plan.options;
  if (!flags.format.empty()) {
    SWF_ASSIGN_OR_RETURN(o.format, ParseExportFormat(flags.format));
  } else {
    SWF_ASSIGN_OR_RETURN(o.format, ExportFormatFromPath(flags.output));
  }
  SWF_ASSIGN_OR_RETURN(o.ceiling, RequestedCeiling(flags, plan.profile));
  SWF_RETURN_IF_ERROR(CheckMdto(flags, config));
  o.mdto = {config.mdto.waardering, config.mdto.archiefvormer, config.mdto.bewaartermijn};
  o.no_mdto = flags.no_mdto;
  o.software_version = SWFVAULT_VERSION_STRING;
  return plan;
}

// Exit 1 when the dossier's last sync did not finish: the archive may lack documents.
int ReportExport(CommandContext& ctx, const ExportFlags& flags, const ExportSummary& r,
                 Confidentiality ceiling, size_t left_out,
                 const std::vector<Catalog::IncompleteSync>& incomplete,
                 const std::string& sha256) {
  // Warnings first: the JSON output ends with the summary.
  if (left_out > 0) {
    ctx.output().Warn(std::to_string(left_out) +
                      " documents removed remotely or quarantined have no content in the archive");
  }
  std::vector<std::string> lines;
  for (const Catalog::IncompleteSync& i : incomplete) {
    lines.push_back(IncompleteLine(i));
    ctx.output().Warn(lines.back() +
                      "; the archive holds what the vault held, and may lack documents "
                      "(its bag-info.txt says so): run 'swfvault --profile " + i.profile +
                      " sync " + flags.samenwerking_id + "' and export again");
  }
  const int code = incomplete.empty() ? kExitOk : kExitPartial;
  const std::string format(ExportFormatName(r.format));
  ctx.output().Event({{"type", "summary"},
                      {"samenwerkingId", flags.samenwerking_id},
                      {"path", flags.output},
                      {"format", format},
                      {"maxLevel", std::string(ConfidentialityName(ceiling))},
                      {"documents", r.documents_exported},
                      {"withheld", r.documents_withheld},
                      {"leftOut", left_out},
                      {"payloadFiles", r.payload_files},
                      {"payloadBytes", r.payload_bytes},
                      {"bytes", r.archive_bytes},
                      {"syncIncomplete", lines},
                      {"sha256", sha256},
                      {"exitCode", code}});
  ctx.output().Line(flags.output + ": " + format + " archive of " + flags.samenwerking_id + ", " +
                    std::to_string(r.documents_exported) + " documents, " +
                    std::to_string(r.documents_withheld) + " withheld above " +
                    std::string(ConfidentialityName(ceiling)) + ", " +
                    std::to_string(r.archive_bytes) + " bytes, sha256 " + sha256);
  return code;
}

int RunExport(CommandContext& ctx, const ExportFlags& flags) {
  Result<ExportPlan> plan = PlanExport(ctx, flags);
  if (!plan.ok()) return Fail(ctx, plan.status());
  Result<std::unique_ptr<Vault>> vault = OpenVault(plan->vault_dir, Vault::Access::kReadOnly);
  if (!vault.ok()) return Fail(ctx, vault.status());
  Result<CatalogView> view = ReadCatalog((*vault)->catalog(), flags.samenwerking_id);
  if (!view.ok()) return Fail(ctx, view.status());
  Result<Confidentiality> ceiling = ChooseCeiling(*view, plan->options.ceiling, ctx.output());
  if (!ceiling.ok()) return Fail(ctx, ceiling.status());
  plan->options.ceiling = *ceiling;
  Result<Selected> docs = SelectDocuments(*view, *ceiling, (*vault)->store());
  if (!docs.ok()) return Fail(ctx, docs.status());
  const std::vector<Catalog::IncompleteSync> incomplete = view->incomplete;
  DossierSnapshot snapshot = MakeSnapshot(std::move(*view), std::move(docs->documents), plan->profile);
  // Ctrl-C: the export ends at its next read and leaves no temp file beside the target.
  VaultBlobSource blobs((*vault)->store(), &StopGracefullyOnSignals(ctx));
  ArchiveExporter exporter(RealFileSystem(), blobs);
  Result<ExportSummary> summary = exporter.Export(snapshot, plan->options, plan->output);
  if (!summary.ok()) return Fail(ctx, summary.status());  // the exporter names the dossier
  Result<std::string> sha = FileSha256(RealFileSystem(), plan->output);
  if (!sha.ok()) {
    return Fail(ctx, sha.status().WithContext("the archive was written to " + flags.output +
                                              " but could not be read back for its checksum"));
  }
  return ReportExport(ctx, flags, *summary, *ceiling, docs->left_out, incomplete, *sha);
}

// --- verify-archive ---

int RunVerifyArchive(CommandContext& ctx, const std::string& path, const std::string& sha256) {
  Result<ArchiveReport> report = VerifyArchive(RealFileSystem(), path, sha256);
  if (!report.ok()) return Fail(ctx, report.status());
  for (const ArchiveFinding& f : report->findings) {
    ctx.output().Event({{"type", "finding"}, {"path", f.path}, {"problem", f.problem}});
    // Entry names and manifest lines come from the archive, which may be hostile.
    ctx.output().Line(Printable((f.path.empty() ? path : f.path) + ": " + f.problem));
  }
  int code = report->ok() ? kExitOk : kExitIntegrity;
  ctx.output().Event(
      {{"type", "summary"},
       {"path", path},
       {"valid", report->ok()},
       {"findings", report->findings.size()},
       {"entries", report->entries},
       {"payloadFiles", report->payload_files},
       {"payloadBytes", report->payload_bytes},
       {"historyEntries", report->history_entries},
       {"sha256", sha256.empty() ? nlohmann::json() : nlohmann::json(report->archive_sha256)},
       {"exitCode", code}});
  ctx.output().Line(path +
                    (report->ok() ? ": valid, "
                                  : ": INVALID (" +
                                        Counted(static_cast<int64_t>(report->findings.size()),
                                                "finding", "findings") +
                                        "), ") +
                    Counted(report->entries, "entry", "entries") + ", " +
                    Counted(report->payload_files, "payload file", "payload files") + ", " +
                    std::to_string(report->payload_bytes) + " payload bytes" +
                    (sha256.empty() ? "" : ", sha256 " + report->archive_sha256));
  return code;
}

}  // namespace

CommandSpec ExportCommand() {
  return {"export", "write one samenwerkdossier as a verifiable BagIt + MDTO audit archive",
          [](CLI::App* app) -> Runner {
            auto flags = std::make_shared<ExportFlags>();
            app->add_option("samenwerking", flags->samenwerking_id, "samenwerkingId")->required();
            app->add_option("-o,--output", flags->output, "archive file to write (replaced atomically)")
                ->required();
            app->add_option("--format", flags->format,
                            "tar, tar.gz, tar.zst or zip (default: from the file name)");
            app->add_option("--max-level", flags->max_level,
                            "highest confidentiality to include, RV or SV. Default RV (fail "
                            "closed) unless the profile sets max_level = \"SV\" in the config; "
                            "documents above it are listed by id and level only");
            app->add_flag("--no-mdto", flags->no_mdto,
                          "leave out the MDTO sidecars (then [mdto] in the config is not needed)");
            return [flags](CommandContext& ctx) { return RunExport(ctx, *flags); };
          }};
}

CommandSpec VerifyArchiveCommand() {
  return {"verify-archive", "check an audit archive is complete and untouched (exit 5 if not)",
          [](CLI::App* app) -> Runner {
            auto path = std::make_shared<std::string>();
            auto sha256 = std::make_shared<std::string>();
            app->add_option("archive", *path, "archive file (tar, tar.gz, tar.zst or zip)")->required();
            app->add_option("--sha256", *sha256,
                            "the archive's SHA-256 as export reported it (sent apart from the "
                            "archive): another hash is a finding")
                ->transform(CLI::Validator(
                    [](std::string& input) -> std::string {
                      input = FoldAscii(input);
                      return IsSha256Hex(input) ? ""
                                                : "expected 64 hex digits, got '" + input + "'";
                    },
                    "HEX"));
            return [path, sha256](CommandContext& ctx) {
              return RunVerifyArchive(ctx, *path, *sha256);
            };
          }};
}

}  // namespace swfvault
