// Documents: list, metadata, merge-patch, delete, streamed content with ranges, uploads.
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <memory>
#include <thread>

#include "emulator/http_range.h"
#include "emulator/swf_api.h"
#include "swfvault/name_sanitizer.h"

namespace swfvault {
namespace {

constexpr size_t kChunk = 256 * 1024;

// Reads and drops an unread request body of at most 64 MiB (declared by Content-Length), as
// a server's lingering close would; false when it is larger, or could not be read to its end.
bool DrainSmallBody(const httplib::Request& req, const httplib::ContentReader& reader) {
  constexpr uint64_t kDrainCap = uint64_t{64} << 20;
  if (!req.has_header("Content-Length")) return false;
  const uint64_t declared = std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
  if (declared > kDrainCap) return false;
  auto drop = [](const char*, size_t) { return true; };
  if (req.is_multipart_form_data()) {
    return reader([](const httplib::MultipartFormData&) { return true; }, drop);
  }
  return reader(drop);
}
const std::set<std::string> kDocumentFields = {
    "documentId", "bestandsNaam", "aangemaaktDoor", "aangemaaktDoorNaam", "vertrouwelijkheidsAanduiding",
    "creatieDatumTijd", "laatstAangepastDatumTijd", "bestandsGrootte", "formaat",
    "kenmerkSysteem", "nummerBinnenSysteem", "documentHash", "taal", "laatstAangepastDoor"};
const std::set<std::string> kUploadMeta = {"documentOmschrijving", "nummerBinnenSysteem",
                                           "kenmerkSysteem", "vertrouwelijkheidsAanduiding", "taal"};

std::string Hex(const unsigned char* d, unsigned n) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += kHex[d[i] >> 4];
    out += kHex[d[i] & 15];
  }
  return out;
}

// An upload being streamed to a temp file and hashed.
struct UploadSink {
  int fd = -1;
  std::filesystem::path temp;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  uint64_t size = 0;
  bool failed = false;
  ~UploadSink() {
    EVP_MD_CTX_free(md);
    if (fd >= 0) close(fd);
    std::error_code ec;
    if (!temp.empty()) std::filesystem::remove(temp, ec);
  }
  bool Write(const char* data, size_t len) {
    EVP_DigestUpdate(md, data, len);
    size += len;
    while (len > 0) {
      ssize_t n = write(fd, data, len);
      if (n <= 0) return !(failed = true);
      data += n;
      len -= static_cast<size_t>(n);
    }
    return true;
  }
  std::string Finish() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_DigestFinal_ex(md, digest, &n);
    return Hex(digest, n);
  }
};

}  // namespace

bool IsSv(const nlohmann::json& doc) {
  return doc.contains("vertrouwelijkheidsAanduiding") && doc["vertrouwelijkheidsAanduiding"] == "SV";
}

Result<nlohmann::json> SwfApi::VisibleDocument(const Caller& caller, const std::string& id,
                                               Membership* m) {
  Result<nlohmann::json> doc = state_->Get("document", id);
  if (!doc.ok()) return NotFound("document " + id + " not found");
  Result<Membership> member = Member(caller, (*doc)["samenwerkingId"]);
  if (!member.ok() || (IsSv(*doc) && !member->full_access())) {
    return NotFound("document " + id + " not found");
  }
  *m = std::move(*member);
  return doc;
}

nlohmann::json SwfApi::RenderDocument(const httplib::Request& req, const nlohmann::json& doc) {
  nlohmann::json out = PublicView(doc);
  const std::string id = doc["documentId"];
  if (faults_->Take({FaultKind::kWrongHash}, req.path, id)) out["documentHash"] = std::string(64, '0');
  if (faults_->Take({FaultKind::kNoHash}, req.path, id)) out.erase("documentHash");
  if (std::optional<Fault> f = faults_->Take({FaultKind::kWrongSize}, req.path, id)) {
    const int64_t size = out.value("bestandsGrootte", int64_t{0});
    out["bestandsGrootte"] = std::max<int64_t>(0, size - static_cast<int64_t>(f->extra_bytes));
  }
  const std::string self = Base(req) + "/documenten/" + id;
  out["_links"] = {{"self", {{"href", self}}}, {"content", {{"href", self + "/content"}}},
                   {"samenwerking", {{"href", Base(req) + "/samenwerkingen/" + doc["samenwerkingId"].get<std::string>()}}}};
  return out;
}

Status SwfApi::ListDocumenten(Call& c) {
  SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, c.arg(1)));
  ListSpec spec{"document", c.arg(1), {}, {}, 0, -1};
  if (!m.full_access()) {
    spec.where.push_back({"json_extract(body,'$.vertrouwelijkheidsAanduiding') IS NOT 'SV'", {}});
  }
  return SendPage(c, "documenten", spec, kDocumentFields, {}, [&](const nlohmann::json& d) {
    if (faults_->Take({FaultKind::kMissingFromListing}, c.req.path, d["documentId"])) {
      return nlohmann::json();  // left out of the page, as when the listing shifted under it
    }
    return RenderDocument(c.req, d);
  });
}

Status SwfApi::GetDocument(Call& c) {
  Membership m;
  SWF_ASSIGN_OR_RETURN(nlohmann::json doc, VisibleDocument(c.caller, c.arg(1), &m));
  nlohmann::json out = RenderDocument(c.req, doc);
  if (auto gen = faults_->EtagGeneration(c.req.path, c.arg(1))) {
    c.res.set_header("ETag", "\"" + doc["documentHash"].get<std::string>() + "-g" + std::to_string(*gen) + "\"");
  }
  SendJson(c.res, 200, out);
  return Status::Ok();
}

Status SwfApi::PatchDocument(Call& c) {
  Membership m;
  SWF_ASSIGN_OR_RETURN(nlohmann::json doc, VisibleDocument(c.caller, c.arg(1), &m));
  SWF_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(c.req.body));
  if (doc["aangemaaktDoor"] != c.caller.oin) return PermissionDenied("only the uploader may change a document");
  if (m.samenwerking["status"] == "GESLOTEN") return Conflict("samenwerking is closed");
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() == "documentOmschrijving") {
      if (!it->is_string() && !it->is_null()) return InvalidArgument("documentOmschrijving: must be a string");
      doc["documentOmschrijving"] = *it;
    } else if (it.key() == "vertrouwelijkheidsAanduiding") {
      if (!it->is_null() && *it != "RV" && *it != "SV") {
        return InvalidArgument("vertrouwelijkheidsAanduiding: must be RV or SV");
      }
      doc["vertrouwelijkheidsAanduiding"] = it->is_null() ? nlohmann::json("RV") : *it;
    } else {
      return InvalidArgument(Excerpt(it.key()) + ": cannot be changed");
    }
  }
  if (IsSv(doc) && !m.full_access()) return PermissionDenied("BEPERKTE_TOEGANG cannot label a document SV");
  doc["laatstAangepastDoor"] = c.caller.oin;
  doc["laatstAangepastDoorNaam"] = c.caller.naam;
  doc["laatstAangepastDatumTijd"] = NowTimestamp();
  SWF_RETURN_IF_ERROR(state_->Put("document", c.arg(1), doc["samenwerkingId"], doc));
  SWF_RETURN_IF_ERROR(Notify(c.caller, m.samenwerking, "DOCUMENT_GEWIJZIGD", "Document gewijzigd", IsSv(doc),
                             {{"documentId", c.arg(1)}, {"documentNaam", doc["bestandsNaam"]}}));
  SWF_RETURN_IF_ERROR(Touch(m.samenwerking, c.caller));
  SendJson(c.res, 200, RenderDocument(c.req, doc));
  return Status::Ok();
}

Status SwfApi::DeleteDocument(Call& c) {
  Membership m;
  SWF_ASSIGN_OR_RETURN(nlohmann::json doc, VisibleDocument(c.caller, c.arg(1), &m));
  if (doc["aangemaaktDoor"] != c.caller.oin && !m.initiator()) {
    return PermissionDenied("only the uploader or the initiator may delete a document");
  }
  if (m.samenwerking["status"] == "GESLOTEN") return Conflict("samenwerking is closed");
  SWF_RETURN_IF_ERROR(state_->Delete("document", c.arg(1)));
  SWF_RETURN_IF_ERROR(Notify(c.caller, m.samenwerking, "DOCUMENT_VERWIJDERD", "Document verwijderd", IsSv(doc),
                             {{"documentId", c.arg(1)}, {"documentNaam", doc["bestandsNaam"]}}));
  SWF_RETURN_IF_ERROR(Touch(m.samenwerking, c.caller));
  std::error_code ec;
  std::filesystem::remove(state_->content_dir() / doc.value("_file", "-"), ec);
  c.res.status = 204;
  return Status::Ok();
}

Status SwfApi::GetContent(Call& c) {
  nlohmann::json doc;
  {
    std::lock_guard<std::recursive_mutex> lock(*mu_);
    Membership m;
    SWF_ASSIGN_OR_RETURN(doc, VisibleDocument(c.caller, c.arg(1), &m));
  }
  const std::string id = c.arg(1);
  const std::string path = (state_->content_dir() / doc.value("_file", "-")).string();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "content of document " + id);
  auto file = std::shared_ptr<int>(new int(fd), [](int* p) { close(*p); delete p; });
  const uint64_t size = doc.value("bestandsGrootte", uint64_t{0});
  std::string etag = "\"" + doc["documentHash"].get<std::string>() + "\"";
  if (auto gen = faults_->EtagGeneration(c.req.path, id)) {
    etag = "\"" + doc["documentHash"].get<std::string>() + "-g" + std::to_string(*gen) + "\"";
  }
  c.res.set_header("ETag", etag);
  c.res.set_header("Accept-Ranges", "bytes");
  c.res.set_header("Content-Disposition", ContentDisposition(doc.value("bestandsNaam", id)));
  RangeDecision d = DecideRange(c.req.get_header_value("Range"), c.req.get_header_value("If-Range"), etag, size);
  if (faults_->Take({FaultKind::kIgnoreRange}, c.req.path, id)) d = RangeDecision{};
  // httplib would apply the Range again on top of ours; the decision here is the only one.
  const_cast<httplib::Request&>(c.req).ranges.clear();
  if (d.outcome == RangeOutcome::kUnsatisfiable) {
    c.res.set_header("Content-Range", "bytes */" + std::to_string(size));
    WriteProblem(c.req, c.res, Status(StatusCode::kInvalidArgument, "Range: not satisfiable for " +
                                                                        std::to_string(size) + " bytes")
                                   .set_http_status(416));
    return Status::Ok();
  }
  uint64_t first = d.outcome == RangeOutcome::kPartial ? d.first : 0;
  uint64_t length = d.outcome == RangeOutcome::kPartial ? d.last - d.first + 1 : size;
  c.res.status = d.outcome == RangeOutcome::kPartial ? 206 : 200;
  if (d.outcome == RangeOutcome::kPartial) {
    c.res.set_header("Content-Range", "bytes " + std::to_string(d.first) + "-" +
                                          std::to_string(d.last) + "/" + std::to_string(size));
  }
  std::optional<Fault> drop = faults_->Take({FaultKind::kDropAfterBytes}, c.req.path, id);
  std::optional<Fault> slow = faults_->Take({FaultKind::kSlowBody}, c.req.path, id);
  std::optional<Fault> wrong_len = faults_->Take({FaultKind::kWrongContentLength}, c.req.path, id);
  uint64_t declared = length + (wrong_len ? wrong_len->extra_bytes : 0);
  TrafficStats* stats = stats_;
  auto provider = [file, first, length, drop, slow, stats](size_t offset, size_t want, httplib::DataSink& sink) {
    if (offset >= length) return false;  // only with a wrong Content-Length fault
    size_t n = std::min<size_t>({want, kChunk, static_cast<size_t>(length - offset)});
    if (drop) {
      if (offset >= drop->after_bytes) return false;
      n = std::min<size_t>(n, drop->after_bytes - offset);
    }
    if (slow) {
      n = std::min<size_t>(n, std::max<uint64_t>(1, slow->bytes_per_second / 10));
      std::this_thread::sleep_for(std::chrono::microseconds(n * 1000000 / slow->bytes_per_second));
    }
    thread_local std::vector<char> buf(kChunk);
    ssize_t got = pread(*file, buf.data(), n, static_cast<off_t>(first + offset));
    if (got <= 0) return false;
    // Counted once the socket took them: a write to a client that died is not "sent".
    if (!sink.write(buf.data(), static_cast<size_t>(got))) return false;
    stats->AddContentBytes(static_cast<uint64_t>(got));
    return true;
  };
  if (faults_->Take({FaultKind::kChunked}, c.req.path, id)) {
    c.res.set_chunked_content_provider(doc.value("formaat", "application/octet-stream"),
                                       [provider, length](size_t offset, httplib::DataSink& sink) {
                                         if (offset < length) return provider(offset, kChunk, sink);
                                         sink.done();
                                         return true;
                                       });
    return Status::Ok();
  }
  c.res.set_content_provider(declared, doc.value("formaat", "application/octet-stream"), provider);
  return Status::Ok();
}

Result<nlohmann::json> SwfApi::CopyWerkmapDocument(const Caller& caller, const nlohmann::json& sam,
                                                   const nlohmann::json& werkdoc) {
  const std::string id = NewUuid();
  const std::string sam_id = sam["samenwerkingId"];
  std::error_code ec;
  auto from = state_->content_dir() / werkdoc.value("_file", "-");
  auto to = state_->content_dir() / id;
  std::filesystem::create_hard_link(from, to, ec);
  if (ec) std::filesystem::copy_file(from, to, ec);
  if (ec) return IoError("cannot copy werkmap document " + from.string() + ": " + ec.message());
  const std::string now = NowTimestamp();
  nlohmann::json doc = {
      {"documentId", id}, {"samenwerkingId", sam_id},
      {"bestandsNaam", werkdoc.value("bestandsNaam", id)},
      {"documentOmschrijving", werkdoc.value("documentOmschrijving", "")},
      {"vertrouwelijkheidsAanduiding", werkdoc.value("vertrouwelijkheidsAanduiding", "RV")},
      {"taal", "nl"}, {"formaat", werkdoc.value("formaat", "application/octet-stream")},
      {"documentHash", werkdoc["documentHash"]}, {"bestandsGrootte", werkdoc["bestandsGrootte"]},
      {"kenmerkSysteem", "DSO_LV"}, {"nummerBinnenSysteem", werkdoc.value("werkmapId", "")},
      {"aangemaaktDoor", caller.oin}, {"aangemaaktDoorNaam", caller.naam},
      {"creatieDatumTijd", now}, {"laatstAangepastDoor", caller.oin},
      {"laatstAangepastDoorNaam", caller.naam}, {"laatstAangepastDatumTijd", now},
      {"_file", id}, {"_werkmapId", werkdoc.value("werkmapId", "")}};
  SWF_RETURN_IF_ERROR(state_->Put("document", id, sam_id, doc));
  return doc;
}

void SwfApi::RegisterUpload(httplib::Server& server) {
  std::string re = "(?:";
  for (char ch : options_.prefix) {
    if (std::string_view(".^$|()[]{}*+?\\").find(ch) != std::string_view::npos) re += '\\';
    re += ch;
  }
  re += ")?/samenwerkingen/([^/]+)/documenten";
  routes_.emplace_back("POST", "/samenwerkingen/([^/]+)/documenten");
  server.Post(re, [this](const httplib::Request& req, httplib::Response& res,
                         const httplib::ContentReader& reader) {
    // A refused body is read to its end when it is small, so the answer goes out on a
    // connection that stays usable; otherwise the connection closes after the answer (closing
    // with unread bytes makes the kernel reset it, which can destroy the answer in flight).
    auto refuse = [&](const Status& why, bool body_read) {
      WriteProblem(req, res, why);
      if (body_read || !DrainSmallBody(req, reader)) CloseAfterAnswer(res);
    };
    if (Status target = CheckRequestTarget(req); !target.ok()) return refuse(target, false);
    Caller caller;
    {
      std::lock_guard<std::recursive_mutex> lock(*mu_);
      Result<Caller> auth = Authenticate(req);
      if (!auth.ok()) return refuse(auth.status(), false);
      caller = *auth;
    }
    Call call{req, res, caller};
    bool body_read = false;
    Status s = Guarded([&] { return UploadDocument(call, reader, &body_read); });
    if (!s.ok()) {
      refuse(s, body_read);  // a body cut short mid-read cannot be drained
    } else if (std::optional<Fault> slow = faults_->Take({FaultKind::kSlowAnswer}, req.path, "")) {
      // Stored, not yet confirmed: a client that gives up now leaves a document it never hears of.
      std::this_thread::sleep_for(std::chrono::milliseconds(slow->ms));
    } else {
      LoseAnswerIfAsked(req, res);
    }
  });
}

Status SwfApi::UploadDocument(Call& c, const httplib::ContentReader& reader, bool* body_read) {
  const std::string sam_id = c.arg(1);
  {
    std::lock_guard<std::recursive_mutex> lock(*mu_);
    SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, sam_id));
    if (m.samenwerking["status"] != "OPEN") return Conflict("samenwerking " + sam_id + " is not OPEN");
  }
  if (c.req.get_header_value("Content-Type").rfind("multipart/form-data", 0) != 0) {
    return Status(StatusCode::kInvalidArgument, "Content-Type: must be multipart/form-data").set_http_status(415);
  }
  const uint64_t declared = std::strtoull(c.req.get_header_value("Content-Length").c_str(), nullptr, 10);
  if (declared > options_.max_upload_bytes + 64 * 1024) {
    return ResourceExhausted("file: upload larger than " + std::to_string(options_.max_upload_bytes) + " bytes");
  }
  UploadSink sink;
  sink.temp = state_->content_dir() / (".upload-" + NewUuid());
  sink.fd = open(sink.temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (sink.fd < 0) return ErrnoStatus(errno, "upload temp file");
  EVP_DigestInit_ex(sink.md, EVP_sha256(), nullptr);
  std::string part, filename, part_type;
  std::map<std::string, std::string> text;
  bool has_file = false, too_big = false;
  *body_read = true;
  bool read_ok = reader(
      [&](const httplib::MultipartFormData& header) {
        part = header.name;
        if (part == "file") {
          has_file = true;
          filename = header.filename;
          part_type = header.content_type;
        }
        return true;
      },
      [&](const char* data, size_t len) {
        if (part != "file") {
          if (text[part].size() + len > 64 * 1024) return false;
          text[part].append(data, len);
          return true;
        }
        if (sink.size + len > options_.max_upload_bytes) return !(too_big = true);
        return sink.Write(data, len);
      });
  stats_->AddUploadBytes(sink.size);
  if (too_big) return ResourceExhausted("file: upload larger than " + std::to_string(options_.max_upload_bytes) + " bytes");
  if (sink.failed) return IoError("cannot write upload to disk");
  if (!read_ok) return InvalidArgument("body: incomplete or malformed multipart body");
  if (!has_file) return InvalidArgument("file: the multipart part 'file' is missing");
  for (const std::string& key : kUploadMeta) {
    if (c.req.has_param(key.c_str())) text[key] = c.req.get_param_value(key.c_str());
  }
  // The API's text is UTF-8: a parameter that is not is refused by name (JSON cannot hold it).
  if (!IsUtf8(filename)) return InvalidArgument("file: the file name is not UTF-8");
  for (const auto& [key, value] : text) {
    if (!IsUtf8(value)) return InvalidArgument(key + ": not UTF-8");
  }
  std::string label = text.count("vertrouwelijkheidsAanduiding") ? text["vertrouwelijkheidsAanduiding"] : "RV";
  if (label != "RV" && label != "SV") return InvalidArgument("vertrouwelijkheidsAanduiding: must be RV or SV");
  if (fsync(sink.fd) != 0) return ErrnoStatus(errno, "upload temp file");
  const std::string hash = sink.Finish();
  const std::string id = NewUuid();
  std::lock_guard<std::recursive_mutex> lock(*mu_);
  SWF_ASSIGN_OR_RETURN(Membership m, Member(c.caller, sam_id));
  if (m.samenwerking["status"] != "OPEN") return Conflict("samenwerking " + sam_id + " is not OPEN");
  if (label == "SV" && !m.full_access()) return PermissionDenied("BEPERKTE_TOEGANG cannot upload SV documents");
  const std::string now = NowTimestamp();
  nlohmann::json doc = {
      {"documentId", id}, {"samenwerkingId", sam_id},
      {"bestandsNaam", filename.empty() ? id : filename},
      {"documentOmschrijving", text["documentOmschrijving"]}, {"vertrouwelijkheidsAanduiding", label},
      {"taal", text.count("taal") ? text["taal"] : "nl"},
      {"formaat", part_type.empty() ? "application/octet-stream" : part_type},
      {"documentHash", hash}, {"bestandsGrootte", sink.size},
      {"kenmerkSysteem", text["kenmerkSysteem"]}, {"nummerBinnenSysteem", text["nummerBinnenSysteem"]},
      {"aangemaaktDoor", c.caller.oin}, {"aangemaaktDoorNaam", c.caller.naam},
      {"creatieDatumTijd", now}, {"laatstAangepastDoor", c.caller.oin},
      {"laatstAangepastDoorNaam", c.caller.naam}, {"laatstAangepastDatumTijd", now}, {"_file", id}};
  std::error_code ec;
  std::filesystem::rename(sink.temp, state_->content_dir() / id, ec);
  if (ec) return IoError("cannot publish upload: " + ec.message());
  sink.temp.clear();
  Status s = state_->Begin();
  if (s.ok()) s = state_->Put("document", id, sam_id, doc);
  if (s.ok()) s = Notify(c.caller, m.samenwerking, "DOCUMENT_TOEGEVOEGD", "Document toegevoegd", label == "SV",
                         {{"documentId", id}, {"documentNaam", doc["bestandsNaam"]}});
  if (s.ok()) s = Touch(m.samenwerking, c.caller);
  if (s.ok()) s = state_->Commit();
  if (!s.ok()) {
    state_->Rollback();
    std::filesystem::remove(state_->content_dir() / id, ec);
    return s;
  }
  c.res.set_header("Location", Base(c.req) + "/documenten/" + id);
  SendJson(c.res, 201, RenderDocument(c.req, doc));
  return Status::Ok();
}

}  // namespace swfvault
