// swfvault document list|add|delete|label|show|get: documents of a samenwerking, straight on
// SWF (no vault). `get` streams into a temp file beside the target, resumes a dropped transfer
// with Range/If-Range, and renames into place only when the SHA-256 matches documentHash.
#include <chrono>
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "cli/swf_commands.h"
#include "swfvault/exit_codes.h"
#include "swfvault/file_system.h"
#include "swfvault/hashing.h"
#include "swfvault/retry_policy.h"

namespace swfvault {
namespace {

int WithConnection(CommandContext& ctx, const std::function<int(Connection&)>& body) {
  Result<std::unique_ptr<Connection>> conn = ConnectAs(ctx);
  if (!conn.ok()) return Fail(ctx, conn.status());
  return body(**conn);
}

void ReportDocument(CommandContext& ctx, const std::string& command, const Document& d) {
  PrintDocumenten(ctx, {d});
  EmitSummary(ctx, command, {{"documentId", d.document_id},
                             {"samenwerkingId", d.samenwerking_id},
                             {"level", std::string(ConfidentialityName(d.vertrouwelijkheid))}});
}

int RunList(CommandContext& ctx, const std::string& sam) {
  return WithConnection(ctx, [&](Connection& conn) {
    Result<std::vector<Document>> docs = conn.client->ListDocumenten(sam);
    if (!docs.ok()) return Fail(ctx, docs.status());
    PrintDocumenten(ctx, *docs);
    EmitSummary(ctx, "document list", {{"samenwerkingId", sam}, {"count", docs->size()}});
    return static_cast<int>(kExitOk);
  });
}

struct AddFlags {
  std::string sam;
  DocumentUpload upload;
};

int RunAdd(CommandContext& ctx, const AddFlags& f) {
  return WithConnection(ctx, [&](Connection& conn) {
    Result<Document> d = conn.client->UploadDocument(f.sam, f.upload);
    if (!d.ok()) return Fail(ctx, d.status());
    ReportDocument(ctx, "document add", *d);
    return static_cast<int>(kExitOk);
  });
}

int RunDelete(CommandContext& ctx, const std::string& id) {
  return WithConnection(ctx, [&](Connection& conn) {
    Status st = conn.client->DeleteDocument(id);
    if (!st.ok()) return Fail(ctx, st);
    ctx.output().Line("deleted document " + id);
    EmitSummary(ctx, "document delete", {{"documentId", id}, {"deleted", true}});
    return static_cast<int>(kExitOk);
  });
}

struct LabelFlags {
  std::string id, level, omschrijving;
  const CLI::Option* omschrijving_option = nullptr;  // given: also "" (clears the description)
};

int RunLabel(CommandContext& ctx, const LabelFlags& f) {
  const bool omschrijving = f.omschrijving_option->count() > 0;
  if (f.level.empty() && !omschrijving) return UsageFail(ctx, "give --level and/or --omschrijving");
  DocumentChange change;
  if (!f.level.empty()) change.vertrouwelijkheids_aanduiding = f.level;
  if (omschrijving) change.document_omschrijving = f.omschrijving;
  return WithConnection(ctx, [&](Connection& conn) {
    Result<Document> d = conn.client->ChangeDocument(f.id, change);
    if (!d.ok()) return Fail(ctx, d.status());
    if (d->vertrouwelijkheid == Confidentiality::kSV && f.level == "SV") {
      // The notification feed tells an organisation only what others did: an incremental sync
      // would leave the document in RV targets until the next full reconciliation.
      ctx.output().Warn("document " + f.id +
                        " is SV now; a vault and RV mirror targets holding it "
                        "take that at the next `swfvault sync " +
                        d->samenwerking_id +
                        "` (an incremental sync does not see a change of your own): run it now");
    }
    ReportDocument(ctx, "document label", *d);
    return static_cast<int>(kExitOk);
  });
}

int RunShow(CommandContext& ctx, const std::string& id) {
  return WithConnection(ctx, [&](Connection& conn) {
    Result<Document> d = conn.client->GetDocument(id);
    if (!d.ok()) return Fail(ctx, d.status());
    nlohmann::json j = ItemJson("document", d->raw_json);
    ctx.output().Event(j);
    SwfTable table({"FIELD", "VALUE"});
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "type") continue;
      table.Row({it.key(), it->is_string() ? it->get<std::string>() : it->dump()});
    }
    table.Print(ctx.output());
    EmitSummary(ctx, "document show", {{"documentId", id}});
    return static_cast<int>(kExitOk);
  });
}

// --- get ---

// The temp file a download writes, restarted when the server sends the whole document again.
class DownloadTarget {
 public:
  DownloadTarget(FileSystem& fs, std::string out_path) : fs_(fs), out_path_(std::move(out_path)) {}
  ~DownloadTarget() {
    if (file_) (void)file_->Close();
    if (!temp_path_.empty()) (void)fs_.RemoveFile(temp_path_);
  }

  Status Restart() {
    if (file_) (void)file_->Close();
    if (!temp_path_.empty()) (void)fs_.RemoveFile(temp_path_);
    SWF_ASSIGN_OR_RETURN(TempFile temp, fs_.CreateTemp(DirName(out_path_), ".swfvault-get-"));
    temp_path_ = temp.path;
    file_ = std::move(temp.file);
    sha_ = Sha256Hasher();
    bytes_ = 0;
    return Status::Ok();
  }
  Status Append(std::string_view chunk) {
    sha_.Update(chunk);
    bytes_ += static_cast<int64_t>(chunk.size());
    return file_->Append(chunk);
  }
  // Checks the hash, syncs and renames into place.
  Status Publish(const std::string& expected_sha256) {
    std::string got = sha_.FinishHex();
    if (got != expected_sha256) {
      return Corruption("downloaded content has sha256 " + got + ", documentHash says " +
                        expected_sha256 + "; " + out_path_ + " not written");
    }
    SWF_RETURN_IF_ERROR(file_->Sync());
    SWF_RETURN_IF_ERROR(file_->Close());
    file_.reset();
    SWF_RETURN_IF_ERROR(fs_.Rename(temp_path_, out_path_));
    temp_path_.clear();
    sha256_ = got;
    return Status::Ok();
  }
  int64_t bytes() const { return bytes_; }
  const std::string& sha256() const { return sha256_; }

 private:
  FileSystem& fs_;
  std::string out_path_;
  std::string temp_path_;
  std::unique_ptr<WritableFile> file_;
  Sha256Hasher sha_;
  int64_t bytes_ = 0;
  std::string sha256_;
};

// One request from target.bytes(); a 200 answer restarts the file.
Status FetchOnce(Connection& conn, const std::string& id, const std::string& etag,
                 DownloadTarget& target, std::shared_ptr<DownloadResult>& result) {
  DownloadOptions options;
  options.offset = target.bytes();
  if (options.offset > 0) options.if_range = etag;
  result = std::make_shared<DownloadResult>();
  auto first = std::make_shared<bool>(true);
  std::shared_ptr<DownloadResult> seen = result;
  BodySink sink = [&target, first, seen](std::string_view chunk) -> Status {
    if (*first) {
      *first = false;
      if (seen->http_status == 200 && target.bytes() > 0) SWF_RETURN_IF_ERROR(target.Restart());
    }
    return target.Append(chunk);
  };
  Result<HttpResponse> r = conn.raw->Send(conn.client->MakeDownloadRequest(id, options, sink, result));
  if (!r.ok()) return r.status();
  if (result->http_status == 200 && result->bytes_received == 0 && target.bytes() > 0) {
    return target.Restart();  // an empty 200 replaces what we had
  }
  return Status::Ok();
}

// Fetches with retries (RetryPolicy), resuming from the bytes already in the temp file. A
// requested stop ends it (the transport breaks off the transfer; no retry wait starts).
Status Download(Connection& conn, const Document& doc, DownloadTarget& target, int* attempts,
                const StopFlag& stop) {
  SWF_RETURN_IF_ERROR(target.Restart());
  RetryPolicy policy;
  std::optional<std::chrono::steady_clock::time_point> first_failure;  // the budget counts from it
  std::string etag;
  for (*attempts = 1;; ++*attempts) {
    std::shared_ptr<DownloadResult> result;
    Status st = FetchOnce(conn, doc.document_id, etag, target, result);
    if (result && !result->etag.empty()) etag = result->etag;
    if (st.ok()) return st;
    if (st.http_status() == 416 && *attempts < policy.options().max_attempts) {
      // The kept bytes do not fit the document: start over, but not forever.
      SWF_RETURN_IF_ERROR(target.Restart());
      continue;
    }
    if (stop.requested()) return StoppedOnRequest("document get " + doc.document_id);
    const auto now = std::chrono::steady_clock::now();
    if (!first_failure) first_failure = now;
    double elapsed = std::chrono::duration<double>(now - *first_failure).count();
    RetryDecision decision = policy.Decide(st, *attempts, elapsed);
    if (!decision.retry) return st;
    // The connection's sleeper wakes on a stop: a Retry-After wait is cut short too.
    (conn.sleeper != nullptr ? *conn.sleeper : RealSleeper()).SleepFor(decision.delay_seconds);
  }
}

int RunGet(CommandContext& ctx, const std::string& id, const std::string& out) {
  if (out == "-") {
    return UsageFail(ctx, "--output -: document get checks the whole download before it writes, so it needs a "
                          "file or a directory");
  }
  // Ctrl-C or SIGTERM ends the download at once and leaves no temp file (exit 130).
  const StopFlag& stop = StopGracefullyOnSignals(ctx);
  Result<ConnectionProfile> profile = ctx.ResolveProfile();
  if (!profile.ok()) return Fail(ctx, profile.status());
  Result<std::unique_ptr<Connection>> connection = Connect(*profile, &stop);
  if (!connection.ok()) return Fail(ctx, connection.status());
  Connection& conn = **connection;
  Result<Document> doc = conn.client->GetDocument(id);
  if (!doc.ok()) return Fail(ctx, doc.status());
  if (doc->document_hash.empty()) {  // nothing to check the bytes against: write nothing
    return Fail(
        ctx, Corruption("document " + id + " has no documentHash to check the download against; " +
                        out + " not written"));
  }
  Result<std::string> resolved = OutputPathFor(out, doc->bestands_naam, id);
  if (!resolved.ok()) return Fail(ctx, resolved.status());
  const std::string& out_path = *resolved;
  DownloadTarget target(RealFileSystem(), out_path);
  int attempts = 0;
  Status st = Download(conn, *doc, target, &attempts, stop);
  if (st.ok()) st = target.Publish(doc->document_hash);
  if (!st.ok()) return Fail(ctx, st.WithContext("document " + id));
  ctx.output().Line(out_path + ": " + std::to_string(target.bytes()) + " bytes, sha256 " +
                    target.sha256());
  EmitSummary(ctx, "document get",
              {{"documentId", id},
               {"output", out_path},
               {"bytes", target.bytes()},
               {"sha256", target.sha256()},
               {"attempts", attempts}});
  return static_cast<int>(kExitOk);
}

void DefineIdCommand(SwfCommandGroup& group, const char* name, const char* summary,
                     const char* id_name,
                     std::function<int(CommandContext&, const std::string&)> run) {
  CLI::App* sub = group.Add(name, summary);
  auto id = std::make_shared<std::string>();
  sub->add_option(id_name, *id, id_name)->required();
  group.On(sub, [id, run](CommandContext& ctx) { return run(ctx, *id); });
}

void DefineAdd(SwfCommandGroup& group) {
  auto f = std::make_shared<AddFlags>();
  CLI::App* add = group.Add("add", "upload a file (streamed) into a samenwerking");
  add->add_option("SAM-ID", f->sam, "samenwerkingId")->required();
  add->add_option("FILE", f->upload.file_path, "file to upload")->required();
  add->add_option("--level", f->upload.vertrouwelijkheids_aanduiding, "RV or SV")
      ->transform(CLI::IsMember({"RV", "SV"}, CLI::ignore_case));
  add->add_option("--omschrijving", f->upload.document_omschrijving, "documentOmschrijving");
  add->add_option("--taal", f->upload.taal, "taal (e.g. nl)");
  add->add_option("--naam", f->upload.filename, "bestandsNaam (default: the file's name)");
  add->add_option("--formaat", f->upload.content_type, "MIME type");
  group.On(add, [f](CommandContext& ctx) { return RunAdd(ctx, *f); });
}

void DefineLabel(SwfCommandGroup& group) {
  auto f = std::make_shared<LabelFlags>();
  CLI::App* label = group.Add("label", "change a document's level and/or description");
  label->add_option("DOC-ID", f->id, "documentId")->required();
  label->add_option("--level", f->level, "RV or SV")
      ->transform(CLI::IsMember({"RV", "SV"}, CLI::ignore_case));
  f->omschrijving_option = AllowEmpty(label->add_option("--omschrijving", f->omschrijving,
                                                        "documentOmschrijving (\"\" clears it)"));
  group.On(label, [f](CommandContext& ctx) { return RunLabel(ctx, *f); });
}

void DefineGet(SwfCommandGroup& group) {
  auto id = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* get = group.Add("get", "download a document from SWF (resumed, hash-checked)");
  get->add_option("DOC-ID", *id, "documentId")->required();
  get->add_option("-o,--output", *out,
                  "output file, or an existing directory (the document's own name inside it)")
      ->required();
  group.On(get, [id, out](CommandContext& ctx) { return RunGet(ctx, *id, *out); });
}

}  // namespace

CommandSpec DocumentCommand() {
  return {"document", "list, add, delete, relabel, show or download documents on SWF",
          [](CLI::App* app) -> SwfRunner {
            SwfCommandGroup group(app);
            DefineIdCommand(group, "list", "the documents of a samenwerking", "SAM-ID", RunList);
            DefineAdd(group);
            DefineIdCommand(group, "delete", "delete a document", "DOC-ID", RunDelete);
            DefineLabel(group);
            DefineIdCommand(group, "show", "a document's metadata", "DOC-ID", RunShow);
            DefineGet(group);
            return group.Runner();
          }};
}

}  // namespace swfvault
