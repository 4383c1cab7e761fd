#include "api/curl_transport.h"

#include "api/client_certificate.h"
#include "swfvault/thread_name.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>

namespace swfvault {
namespace {

constexpr size_t kMaxErrorBody = 64 * 1024;

void LockShare(CURL*, curl_lock_data, curl_lock_access, void* mu) { static_cast<std::mutex*>(mu)->lock(); }
void UnlockShare(CURL*, curl_lock_data, void* mu) { static_cast<std::mutex*>(mu)->unlock(); }

bool IsHttps(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != kScheme[i]) return false;
  }
  return true;
}

bool HasLineBreak(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

// RFC 9110 token: what a header name may hold. A space or a non-ASCII byte would make a request
// line the server rejects or reads differently.
bool IsHeaderToken(std::string_view name) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kSymbols.find(c) != std::string_view::npos;
  });
}

Status CheckHeaders(const HttpRequest& request) {
  for (const auto& h : request.headers) {
    if (h.name.empty() || HasLineBreak(h.name) || HasLineBreak(h.value) || h.name.find(':') != std::string::npos) {
      return InvalidArgument(request.method + " " + request.url + ": malformed header " + h.name);
    }
  }
  return Status::Ok();
}

bool IsOin(std::string_view oin) {
  return oin.size() == 20 && std::all_of(oin.begin(), oin.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status CheckPemFile(const std::string& path, std::string_view role, bool is_private_key) {
  if (path.empty()) return InvalidArgument(std::string(role) + " file is not configured");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return InvalidArgument(std::string(role) + " file " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode) || st.st_size == 0) {
    return InvalidArgument(std::string(role) + " file " + path + " is empty or not a file");
  }
  if (is_private_key && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Unauthenticated(std::string(role) + " file " + path +
                           " is accessible by group or others; chmod 600 it");
  }
  return Status::Ok();
}

std::once_flag curl_init_once;

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
  return it != haystack.end();
}

// Origin = scheme://host:port, with the default port filled in; empty when unparsable.
std::string Origin(const std::string& url) {
  CURLU* u = curl_url();
  std::string origin;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char* scheme = nullptr;
    char* host = nullptr;
    char* port = nullptr;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
      origin = std::string(scheme) + "://" + host + ":" + port;
      for (char& c : origin) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(u);
  return origin;
}

}  // namespace

struct CurlTransport::Transfer {
  size_t index = 0;
  HttpRequest request;
  std::string url;
  int redirects = 0;
  CURLM* multi = nullptr;  // the lane's multi handle it runs on
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  curl_mime* mime = nullptr;
  HttpResponse response;
  bool head_seen = false;
  bool success = false;
  Status abort;  // set by a callback that stopped the transfer
  std::string error_body;
  char error_buffer[CURL_ERROR_SIZE] = {};

  std::string What() const { return request.method + " " + url; }
  Status OnHead();
};

Status CurlTransport::Transfer::OnHead() {
  head_seen = true;
  long code = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
  response.status = static_cast<int>(code);
  success = code >= 200 && code <= 299;
  if (success && request.on_head) return request.on_head(HttpResponseHead{response.status, response.headers});
  return Status::Ok();
}

namespace {

using Transfer = CurlTransport::Transfer;

size_t HeaderCallback(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();  // a new response (after 100 Continue or a redirect)
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    t->response.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
  }
  return size * count;
}

size_t WriteCallback(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (!t->head_seen) {
    t->abort = t->OnHead();
    if (!t->abort.ok()) return CURL_WRITEFUNC_ERROR;
  }
  if (!t->success) {
    size_t room = kMaxErrorBody - std::min(kMaxErrorBody, t->error_body.size());
    t->error_body.append(data, std::min(room, n));
    return n;
  }
  t->response.body_bytes += static_cast<int64_t>(n);
  if (t->request.on_body) {
    t->abort = t->request.on_body(std::string_view(data, n));
  } else if (t->response.body.size() + n > t->request.max_buffered_body) {
    t->abort = BodyOverLimit(t->What(), t->request.max_buffered_body);
  } else {
    t->response.body.append(data, n);
  }
  return t->abort.ok() ? n : CURL_WRITEFUNC_ERROR;
}

size_t ReadCallback(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  Result<size_t> got = t->request.body_source(buffer, size * count);
  if (!got.ok()) {
    t->abort = got.status();
    return CURL_READFUNC_ABORT;
  }
  return std::min(*got, size * count);
}

Status BuildMime(Transfer& t) {
  t.mime = curl_mime_init(t.easy);
  for (const auto& part : t.request.multipart) {
    curl_mimepart* p = curl_mime_addpart(t.mime);
    curl_mime_name(p, part.name.c_str());
    if (part.file_path.empty()) {
      curl_mime_data(p, part.value.data(), part.value.size());
    } else {
      std::error_code ec;
      if (!std::filesystem::is_regular_file(part.file_path, ec)) {
        return NotFound("upload file " + part.file_path + " does not exist or is not a file");
      }
      // Streams the file in chunks while sending; it is never read whole into memory.
      if (curl_mime_filedata(p, part.file_path.c_str()) != CURLE_OK) {
        return IoError("cannot read upload file " + part.file_path);
      }
      if (!part.filename.empty()) curl_mime_filename(p, part.filename.c_str());
      curl_mime_type(p, part.content_type.empty() ? "application/octet-stream" : part.content_type.c_str());
    }
    if (part.file_path.empty() && !part.content_type.empty()) curl_mime_type(p, part.content_type.c_str());
  }
  curl_easy_setopt(t.easy, CURLOPT_MIMEPOST, t.mime);
  return Status::Ok();
}

Status SetBody(Transfer& t) {
  const HttpRequest& r = t.request;
  if (!r.multipart.empty()) return BuildMime(t);
  if (r.body_source) {
    curl_easy_setopt(t.easy, CURLOPT_POST, 1L);
    curl_easy_setopt(t.easy, CURLOPT_READFUNCTION, &ReadCallback);
    curl_easy_setopt(t.easy, CURLOPT_READDATA, &t);
    curl_easy_setopt(t.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body_size));
    if (r.body_size < 0) t.header_list = curl_slist_append(t.header_list, "Transfer-Encoding: chunked");
    return Status::Ok();
  }
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
    curl_easy_setopt(t.easy, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(t.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    // libcurl would label any POST body as a form; an empty body gets no Content-Type at all.
    if (r.body.empty() && !FindHeader(r.headers, "Content-Type")) {
      t.header_list = curl_slist_append(t.header_list, "Content-Type:");
    }
  }
  return Status::Ok();
}

void SetMethod(Transfer& t) {
  const std::string& m = t.request.method;
  if (m == "GET") {
    curl_easy_setopt(t.easy, CURLOPT_HTTPGET, 1L);
  } else if (m == "HEAD") {
    curl_easy_setopt(t.easy, CURLOPT_NOBODY, 1L);
  } else if (m != "POST") {
    curl_easy_setopt(t.easy, CURLOPT_CUSTOMREQUEST, m.c_str());
  }
}

}  // namespace

Status CurlErrorStatus(CURLcode code, std::string_view detail, std::string_view what) {
  std::string message = std::string(what) + ": " + curl_easy_strerror(code);
  if (!detail.empty()) message += " (" + std::string(detail) + ")";
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return Unauthenticated(message);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      // The server rejecting our certificate surfaces as a TLS alert on the first read.
      if (ContainsIgnoreCase(detail, "alert")) return Unauthenticated(message);
      return Unavailable(message);
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_AGAIN:
      return Unavailable(message);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return InvalidArgument(message);
    case CURLE_READ_ERROR:
    case CURLE_FILE_COULDNT_READ_FILE:
      return IoError(message);
    default:
      return Internal(message);
  }
}

Result<std::unique_ptr<CurlTransport>> CurlTransport::Create(const CurlTransportOptions& options) {
  if (!options.oin.empty() && !IsOin(options.oin)) {
    return InvalidArgument("OIN " + options.oin + " is not 20 digits");
  }
  if (!IsHeaderToken(options.oin_header)) {
    return InvalidArgument("OIN header name '" + options.oin_header +
                           "' is not a valid HTTP header name (--oin-header, oin_header): letters, "
                           "digits and !#$%&'*+-.^_`|~ only");
  }
  SWF_RETURN_IF_ERROR(CheckPemFile(options.ca_bundle_file, "CA bundle", false));
  SWF_RETURN_IF_ERROR(CheckPemFile(options.client_cert_file, "client certificate", false));
  SWF_RETURN_IF_ERROR(CheckPemFile(options.client_key_file, "client private key", true));
  SWF_RETURN_IF_ERROR(CheckClientCertificate(options.client_cert_file, options.client_key_file, std::time(nullptr)));
  std::call_once(curl_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CurlTransport> transport(new CurlTransport(options));
  transport->share_ = curl_share_init();
  if (transport->share_ == nullptr) return Internal("libcurl could not be initialised");
  // Lanes on other threads use the share handle too: libcurl needs the locking done for it.
  curl_share_setopt(transport->share_, CURLSHOPT_LOCKFUNC, &LockShare);
  curl_share_setopt(transport->share_, CURLSHOPT_UNLOCKFUNC, &UnlockShare);
  curl_share_setopt(transport->share_, CURLSHOPT_USERDATA, &transport->share_mu_);
  curl_share_setopt(transport->share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  SWF_RETURN_IF_ERROR(transport->EnsureLanes(1));
  return transport;
}

Result<std::unique_ptr<Transport>> NewCurlTransport(const CurlTransportOptions& options) {
  SWF_ASSIGN_OR_RETURN(auto transport, CurlTransport::Create(options));
  return std::unique_ptr<Transport>(std::move(transport));
}

CurlTransport::CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {}

CurlTransport::~CurlTransport() {
  for (CURLM* multi : lanes_) curl_multi_cleanup(multi);
  if (share_ != nullptr) curl_share_cleanup(share_);
}

Status CurlTransport::EnsureLanes(size_t count) {
  while (lanes_.size() < count) {
    CURLM* multi = curl_multi_init();
    if (multi == nullptr) return Internal("libcurl could not be initialised");
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, options_.max_cached_connections);
    lanes_.push_back(multi);
  }
  return Status::Ok();
}

size_t CurlTransport::LaneCount(size_t requests, size_t max_parallel) const {
  size_t threads = options_.transfer_threads > 0
                       ? static_cast<size_t>(options_.transfer_threads)
                       : std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
  return std::max<size_t>(1, std::min({threads, max_parallel, requests}));
}

Status CurlTransport::Start(Transfer& t, CURLM* multi) {
  if (!IsHttps(t.url)) return InvalidArgument("only https URLs are allowed: " + t.url);
  if (HasLineBreak(t.url)) return InvalidArgument("malformed URL: " + t.url);
  SWF_RETURN_IF_ERROR(CheckHeaders(t.request));
  t.easy = curl_easy_init();
  if (t.easy == nullptr) return Internal("curl_easy_init failed");
  CURL* e = t.easy;
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_URL, t.url.c_str());
  curl_easy_setopt(e, CURLOPT_SHARE, share_);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_buffer);
  curl_easy_setopt(e, CURLOPT_SSLCERT, options_.client_cert_file.c_str());
  curl_easy_setopt(e, CURLOPT_SSLKEY, options_.client_key_file.c_str());
  curl_easy_setopt(e, CURLOPT_CAINFO, options_.ca_bundle_file.c_str());
  curl_easy_setopt(e, CURLOPT_CAPATH, nullptr);  // never the system store
  curl_easy_setopt(e, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  // No TLS session resumption: servers that verify client certificates but set no session id
  // context (cpp-httplib's default) fail resumed handshakes with "internal error". Connections
  // are reused instead, so the saving would be small anyway.
  curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  auto timeout = t.request.timeout.count() > 0 ? t.request.timeout : options_.request_timeout;
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time.count()));
  curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 128L * 1024);
  curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &HeaderCallback);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &WriteCallback);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  SetMethod(t);
  SWF_RETURN_IF_ERROR(SetBody(t));
  t.header_list = curl_slist_append(t.header_list, "Expect:");
  for (const auto& h : t.request.headers) {
    t.header_list = curl_slist_append(t.header_list, (h.name + ": " + h.value).c_str());
  }
  if (!options_.oin.empty() && !FindHeader(t.request.headers, options_.oin_header)) {
    t.header_list = curl_slist_append(t.header_list, (options_.oin_header + ": " + options_.oin).c_str());
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list);
  t.multi = multi;
  if (curl_multi_add_handle(multi, e) != CURLM_OK) return Internal("curl_multi_add_handle failed");
  return Status::Ok();
}

void CurlTransport::Detach(Transfer& t) {
  if (t.easy != nullptr) {
    curl_multi_remove_handle(t.multi, t.easy);
    curl_easy_cleanup(t.easy);
    t.easy = nullptr;
  }
  if (t.mime != nullptr) curl_mime_free(t.mime);
  if (t.header_list != nullptr) curl_slist_free_all(t.header_list);
  t.mime = nullptr;
  t.header_list = nullptr;
}

// With TLS 1.3 a server that refuses our certificate closes the connection right after the
// handshake, so the first send fails without a TLS alert in sight. A failure on a connection
// made for this transfer before a single request byte went out is reported as that refusal
// (kUnauthenticated, not retried) rather than as a transient reset.
static Status TransferError(const CurlTransport::Transfer& t, CURLcode code) {
  Status status = CurlErrorStatus(code, t.error_buffer, t.What());
  bool reset = code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR || code == CURLE_GOT_NOTHING;
  long new_connections = 0;
  long request_bytes = 0;
  long header_bytes = 0;
  curl_easy_getinfo(t.easy, CURLINFO_NUM_CONNECTS, &new_connections);
  curl_easy_getinfo(t.easy, CURLINFO_REQUEST_SIZE, &request_bytes);
  curl_easy_getinfo(t.easy, CURLINFO_HEADER_SIZE, &header_bytes);
  if (status.code() == StatusCode::kUnavailable && reset && new_connections > 0 && request_bytes == 0 &&
      header_bytes == 0) {
    return Unauthenticated(status.message() +
                           "; the server closed the new TLS connection before the request: it most "
                           "likely refused the client certificate");
  }
  return status;
}

std::optional<Result<HttpResponse>> CurlTransport::Complete(Transfer& t, CURLcode code) {
  if (!t.abort.ok()) return Result<HttpResponse>(t.abort);
  if (code != CURLE_OK) return Result<HttpResponse>(TransferError(t, code));
  if (!t.head_seen) {
    Status head = t.OnHead();  // empty body: the write callback never ran
    if (!head.ok()) return Result<HttpResponse>(head);
  }
  int status = t.response.status;
  if (t.success) return Result<HttpResponse>(std::move(t.response));
  if (status >= 300 && status <= 399 && FindHeader(t.response.headers, "Location")) {
    return FollowRedirect(t);
  }
  return Result<HttpResponse>(HttpErrorStatus(status, t.response.headers, t.error_body, t.What()));
}

std::optional<Result<HttpResponse>> CurlTransport::FollowRedirect(Transfer& t) {
  char* target_c = nullptr;
  curl_easy_getinfo(t.easy, CURLINFO_REDIRECT_URL, &target_c);
  std::string target = target_c != nullptr ? target_c : "";
  int status = t.response.status;
  if (target.empty() || Origin(target).empty() || Origin(target) != Origin(t.url)) {
    Status s = PermissionDenied(t.What() + ": refusing redirect to another host: " + target);
    return Result<HttpResponse>(s.set_http_status(status));
  }
  bool streamed = t.request.body_source || !t.request.multipart.empty();
  if (t.redirects >= options_.max_redirects || streamed) {
    Status s = InvalidArgument(t.What() + ": HTTP " + std::to_string(status) + " redirect to " +
                               target + " not followed");
    return Result<HttpResponse>(s.set_http_status(status));
  }
  Detach(t);
  t.url = target;
  ++t.redirects;
  if (status == 303) {
    t.request.method = "GET";
    t.request.body.clear();
  }
  t.response = HttpResponse{};
  t.head_seen = t.success = false;
  t.error_body.clear();
  Status started = Start(t, t.multi);
  if (!started.ok()) return Result<HttpResponse>(started);
  return std::nullopt;
}

Result<HttpResponse> CurlTransport::Send(HttpRequest request) {
  std::vector<HttpRequest> one;
  one.push_back(std::move(request));
  auto results = RunBatch(std::move(one), 1, nullptr);
  return std::move(results.front());
}

// One batch shared by its lanes: they take the next request from `next`, so a lane stuck
// with a few large downloads leaves the rest to the others.
struct CurlTransport::Batch {
  std::vector<HttpRequest>& requests;
  std::vector<std::optional<Result<HttpResponse>>> outcomes;
  std::atomic<size_t> next{0};
  // Threaded batches: finished indexes wait here for the calling thread.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<size_t> finished;

  explicit Batch(std::vector<HttpRequest>& r) : requests(r), outcomes(r.size()) {}
};

void CurlTransport::RunLane(Batch& batch, CURLM* multi, size_t max_parallel,
                            const std::function<void(size_t)>& finished) {
  std::vector<std::unique_ptr<Transfer>> active;
  auto finish = [&](Transfer& t, Result<HttpResponse> r) {
    Detach(t);
    batch.outcomes[t.index] = std::move(r);
    finished(t.index);
  };
  for (;;) {
    const bool stopping = options_.stop != nullptr && options_.stop->requested();
    if (stopping) {
      // What is in flight ends here, unless it must finish; what has not started never starts.
      std::erase_if(active, [&](const std::unique_ptr<Transfer>& t) {
        if (t->request.finish_on_stop) return false;
        finish(*t, StoppedOnRequest(t->What()));
        return true;
      });
      for (size_t index = batch.next.fetch_add(1); index < batch.requests.size();
           index = batch.next.fetch_add(1)) {
        Transfer t;
        t.index = index;
        t.request = std::move(batch.requests[index]);
        t.url = t.request.url;
        finish(t, StoppedOnRequest(t.What()));
      }
      if (active.empty()) return;
    }
    while (!stopping && active.size() < max_parallel) {
      size_t index = batch.next.fetch_add(1);
      if (index >= batch.requests.size()) break;
      auto t = std::make_unique<Transfer>();
      t->index = index;
      t->request = std::move(batch.requests[index]);
      t->url = t->request.url;
      Status started = Start(*t, multi);
      if (started.ok()) {
        active.push_back(std::move(t));
      } else {
        finish(*t, started);
      }
    }
    if (active.empty()) return;
    int running = 0;
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      auto outcome = Complete(*t, msg->data.result);
      if (!outcome) continue;  // restarted after a redirect; still active
      finish(*t, std::move(*outcome));
      auto it = std::find_if(active.begin(), active.end(), [t](const auto& a) { return a.get() == t; });
      std::swap(*it, active.back());
      active.pop_back();
    }
    if (!active.empty()) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  }
}

std::vector<Result<HttpResponse>> CurlTransport::RunBatch(std::vector<HttpRequest> requests,
                                                          size_t max_parallel,
                                                          const CompletionCallback& on_done) {
  std::lock_guard<std::mutex> lock(mu_);
  max_parallel = std::max<size_t>(1, max_parallel);
  Batch batch(requests);
  const size_t lanes = LaneCount(requests.size(), max_parallel);
  Status ready = EnsureLanes(lanes);
  if (lanes == 1 || !ready.ok()) {
    RunLane(batch, lanes_[0], max_parallel, [&](size_t index) {
      if (on_done) on_done(index, *batch.outcomes[index]);
    });
  } else {
    // Each lane runs its share of the parallel transfers on its own thread and multi handle;
    // completions come back here so that on_done runs on the calling thread, in order of
    // completion.
    std::vector<std::thread> threads;
    for (size_t k = 0; k < lanes; ++k) {
      size_t share = max_parallel / lanes + (k < max_parallel % lanes ? 1 : 0);
      threads.emplace_back([this, &batch, multi = lanes_[k], share, k] {
        NameThisThread("swf-lane-" + std::to_string(k));
        RunLane(batch, multi, share, [&batch](size_t index) {
          std::lock_guard<std::mutex> l(batch.mu);
          batch.finished.push_back(index);
          batch.cv.notify_one();
        });
      });
    }
    for (size_t seen = 0; seen < requests.size(); ++seen) {
      size_t index;
      {
        std::unique_lock<std::mutex> l(batch.mu);
        batch.cv.wait(l, [&] { return !batch.finished.empty(); });
        index = batch.finished.front();
        batch.finished.pop_front();
      }
      if (on_done) on_done(index, *batch.outcomes[index]);
    }
    for (std::thread& t : threads) t.join();
  }
  std::vector<Result<HttpResponse>> results;
  results.reserve(batch.outcomes.size());
  for (auto& o : batch.outcomes) results.push_back(std::move(*o));
  return results;
}

}  // namespace swfvault
