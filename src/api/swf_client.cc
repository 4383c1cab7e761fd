#include "swfvault/swf_client.h"

#include <cctype>
#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/swf_json.h"
#include "swfvault/name_sanitizer.h"
#include "swfvault/retry_policy.h"

namespace swfvault {
namespace {

using json = nlohmann::json;

constexpr char kAcceptJson[] = "application/hal+json, application/json, application/problem+json";

// An id becomes one path segment: everything but unreserved characters is escaped, and dots
// too, so "." or ".." can never walk the path.
std::string Seg(const std::string& id) {
  std::string out;
  for (char c : UrlEncode(id)) {
    if (c == '.') {
      out += "%2E";
    } else {
      out += c;
    }
  }
  return out;
}

Status CheckId(const std::string& id, const char* what) {
  if (id.empty()) return InvalidArgument(std::string(what) + " must not be empty");
  return Status::Ok();
}

// A filter key's operator brackets are percent-encoded like any other reserved character
// ("laatstAangepastDatumTijd%5Bgt%5D"), as the real client sends them: a servlet container
// refuses them raw.
void AddParam(std::string& query, std::string_view key, std::string_view value) {
  query += query.empty() ? "?" : "&";
  query += UrlEncode(key) + "=" + UrlEncode(value);
}

std::string QueryString(const ListQuery& q) {
  std::string query;
  for (const auto& [k, v] : q.filters) AddParam(query, k, v);
  if (!q.sort.empty()) AddParam(query, "_sort", q.sort);
  return query;
}

void PutIfSet(json& body, const char* key, const std::string& value) {
  if (!value.empty()) body[key] = value;
}

int64_t IntOr(const json& obj, const char* key, int64_t fallback) {
  auto it = obj.find(key);
  return (it != obj.end() && it->is_number_integer()) ? it->get<int64_t>() : fallback;
}

// Whole of `s` as a non-negative number.
bool ParseCount(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty() && *out >= 0;
}

// "bytes 100-999/1000" -> start 100, end 999, total 1000 ("*" total -> -1). A range that ends
// before it starts, or at or past a known total, is not valid.
bool ParseContentRange(std::string_view v, int64_t* start, int64_t* end, int64_t* total) {
  if (v.rfind("bytes ", 0) != 0) return false;
  v.remove_prefix(6);
  size_t dash = v.find('-');
  size_t slash = v.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || dash > slash) return false;
  if (!ParseCount(v.substr(0, dash), start) || !ParseCount(v.substr(dash + 1, slash - dash - 1), end)) {
    return false;
  }
  if (*end < *start) return false;
  std::string_view t = v.substr(slash + 1);
  if (t == "*") {
    *total = -1;
    return true;
  }
  return ParseCount(t, total) && *end < *total;
}

int64_t HeaderInt(const HttpHeaders& headers, std::string_view name) {
  auto v = FindHeader(headers, name);
  int64_t n = -1;
  if (!v || std::from_chars(v->data(), v->data() + v->size(), n).ec != std::errc()) return -1;
  return n;
}

Status OnDownloadHead(const HttpResponseHead& head, int64_t offset, const std::string& what,
                      DownloadResult& r) {
  r.http_status = head.status;
  r.etag = std::string(FindHeader(head.headers, "ETag").value_or(""));
  r.content_type = std::string(FindHeader(head.headers, "Content-Type").value_or(""));
  r.content_disposition = std::string(FindHeader(head.headers, "Content-Disposition").value_or(""));
  r.content_length = HeaderInt(head.headers, "Content-Length");
  if (head.status == 200) return Status::Ok();
  if (head.status != 206) return Corruption(what + ": unexpected HTTP " + std::to_string(head.status));
  auto range = FindHeader(head.headers, "Content-Range");
  int64_t end = -1;
  if (!range || !ParseContentRange(*range, &r.content_range_start, &end, &r.content_range_total)) {
    return Corruption(what + ": 206 without a valid Content-Range");
  }
  if (r.content_range_start != offset) {
    return Corruption(what + ": 206 starts at " + std::to_string(r.content_range_start) +
                      ", asked for " + std::to_string(offset));
  }
  // We ask for the rest ("bytes=N-"): a range that stops short of the end would leave a
  // truncated file to be hash-checked, and then quarantined, instead of resumed.
  if (r.content_range_total >= 0 && end != r.content_range_total - 1) {
    return Corruption(what + ": 206 ends at " + std::to_string(end) + " of " +
                      std::to_string(r.content_range_total) + " bytes, asked for the rest");
  }
  return Status::Ok();
}

// The id a Location header names after `collection` ("/documenten/"), for reading back a
// resource created without a body in the answer.
Result<std::string> IdInLocation(const std::string& location, std::string_view collection, const char* what) {
  const size_t at = location.rfind(collection);
  if (at == std::string::npos || at + collection.size() >= location.size()) {
    return Corruption(std::string("the answer names no new ") + what + " (no Location)");
  }
  return location.substr(at + collection.size());
}

}  // namespace

std::string_view TargetStatus(ActieverzoekTransition transition) {
  switch (transition) {
    case ActieverzoekTransition::kBehandelen: return "IN_BEHANDELING";
    case ActieverzoekTransition::kWeigeren: return "GEWEIGERD";
    case ActieverzoekTransition::kGereedmelden: return "GEREEDGEMELD";
    case ActieverzoekTransition::kAccepteren: return "GEREED";
    case ActieverzoekTransition::kIntrekken: return "INGETROKKEN";
  }
  return "";
}

struct SwfClient::Call {
  Call(std::string m, std::string p, std::string b = "", std::string type = "application/json",
       std::string refetch = "")
      : method(std::move(m)), path(std::move(p)), body(std::move(b)), content_type(std::move(type)),
        refetch_path(std::move(refetch)) {}
  std::string method;
  std::string path;  // relative to base_url, with query
  std::string body;  // JSON
  std::string content_type;
  std::vector<MultipartPart> parts;
  std::string refetch_path;  // GET this when a mutation answers without a body
};

SwfClient::SwfClient(Transport& transport, SwfClientOptions options)
    : transport_(transport), options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
  if (options_.page_size < 1) options_.page_size = 1;
}

std::string SwfClient::Url(const std::string& path) const { return options_.base_url + path; }

HttpRequest SwfClient::MakeRequest(Call call) const {
  HttpRequest request;
  request.method = call.method;
  request.url = Url(call.path);
  request.headers.push_back({"Accept", kAcceptJson});
  request.max_buffered_body = options_.max_json_bytes;
  request.timeout = call.parts.empty() ? options_.json_timeout : std::chrono::milliseconds(0);
  request.finish_on_stop = call.method != "GET";  // a change is never left half-known
  if (!call.parts.empty()) {
    request.multipart = std::move(call.parts);
  } else if (!call.body.empty()) {
    request.body = std::move(call.body);
    request.headers.push_back({"Content-Type", call.content_type});
  }
  return request;
}

Status SwfClient::ClassifyRefusal(Status failed, bool own_list) {
  if (failed.code() != StatusCode::kPermissionDenied || failed.http_status() != 403) return failed;
  if (!own_list) {
    Result<HttpResponse> probe = transport_.Send(MakeRequest(Call{"GET", "/samenwerkingen?aantal=1", "", ""}));
    // The identity is refused when even this is: 403, or 401 / a refused handshake.
    const bool refused = !probe.ok() && (probe.status().http_status() == 403 ||
                                         probe.status().code() == StatusCode::kUnauthenticated);
    if (!refused) return failed;
  }
  Status identity = Unauthenticated(failed.message() +
                                    " (the server refuses this certificate for this OIN: no mandate?)");
  identity.set_http_status(403);
  return identity;
}

Result<std::string> SwfClient::Exchange(Call call, std::string* location) {
  std::string refetch_path = call.refetch_path;
  const bool change = call.method != "GET";
  const bool own_list = !change && (call.path == "/samenwerkingen" || call.path.starts_with("/samenwerkingen?"));
  Result<HttpResponse> sent = transport_.Send(MakeRequest(std::move(call)));
  if (!sent.ok() && change && sent.status().code() == StatusCode::kUnavailable &&
      RetryPolicy::MayHaveActed(sent.status())) {
    // Not sent again (RetryPolicy::MayRepeat), and no answer says whether it was made.
    Status unknown(sent.status().code(), sent.status().message() +
                                             " (the server may have made this change: look before trying again)");
    unknown.set_http_status(sent.status().http_status());
    return unknown;
  }
  if (!sent.ok()) return ClassifyRefusal(sent.status(), own_list);
  HttpResponse response = std::move(sent).value();
  if (location != nullptr) *location = std::string(response.Header("Location").value_or(""));
  if (response.body.empty() && !refetch_path.empty()) {
    return Exchange(Call{"GET", refetch_path, "", ""});
  }
  return std::move(response.body);
}

template <typename T>
Result<T> SwfClient::SendAndParse(Call call, const char* what,
                                  const std::function<Result<T>(const std::string& location)>& reread) {
  std::string label = call.method + " " + call.path;
  std::string location;
  SWF_ASSIGN_OR_RETURN(std::string body, Exchange(std::move(call), &location));
  if (body.empty() && reread) {
    Result<T> again = reread(location);
    if (!again.ok()) return again.status().WithContext(label + " was answered without a body; reading it back");
    return again;
  }
  JsonLimits limits{options_.max_json_bytes, options_.max_json_depth};
  SWF_ASSIGN_OR_RETURN(json doc, ParseBoundedJson(body, limits, label));
  Result<T> parsed = ParseResource(doc, what, static_cast<T*>(nullptr));
  if (!parsed.ok()) return parsed.status().WithContext(label);
  return parsed;
}

std::string SwfClient::PagePath(const std::string& path, const ListQuery& query, int64_t pagina,
                                int64_t size) const {
  std::string q = QueryString(query);
  AddParam(q, "pagina", std::to_string(pagina));
  AddParam(q, "aantal", std::to_string(size));
  if (path == "/notificaties") AddParam(q, "page", std::to_string(pagina));  // see docs/api.md
  return path + q;
}

template <typename T>
Result<Page<T>> SwfClient::FetchPage(const std::string& path, const ListQuery& query,
                                     const char* plural, int64_t pagina, int64_t size) {
  std::string page_path = PagePath(path, query, pagina, size);
  SWF_ASSIGN_OR_RETURN(std::string body, Exchange(Call{"GET", page_path, "", ""}));
  return ParsePage<T>(body, "GET " + page_path, plural, pagina, size);
}

namespace {

// The next smaller page size whose pages tile the current one (20 -> 10 -> 5 -> 1), so that
// page p of `size` items starts where page p * (size / smaller) does.
int64_t SmallerPageSize(int64_t size) {
  for (int64_t f = 2; f * f <= size; ++f) {
    if (size % f == 0) return size / f;
  }
  return 1;
}

}  // namespace

template <typename T>
Result<Page<T>> SwfClient::FetchPageShrinking(const std::string& path, const ListQuery& query,
                                              const char* plural, int64_t* pagina, int64_t* size) {
  for (;;) {
    Result<Page<T>> page = FetchPage<T>(path, query, plural, *pagina, *size);
    if (page.ok() || *size == 1 || !IsBodyOverLimit(page.status())) return page;
    const int64_t smaller = SmallerPageSize(*size);
    *pagina *= *size / smaller;
    *size = smaller;
  }
}

template <typename T>
Result<Page<T>> SwfClient::ParsePage(const std::string& body, const std::string& label,
                                     const char* plural, int64_t pagina, int64_t size) {
  SWF_ASSIGN_OR_RETURN(json doc, ParseBoundedJson(body, {options_.max_json_bytes, options_.max_json_depth}, label));
  const json* items = nullptr;
  std::string items_path = std::string("$._embedded.") + plural;
  if (doc.is_array()) {
    items = &doc;
    items_path = "$";
  } else if (!doc.is_object()) {
    return Corruption(label + ": $: expected a HAL collection, got " + doc.type_name());
  } else if (auto emb = doc.find("_embedded"); emb != doc.end() && !emb->is_null()) {
    if (!emb->is_object()) return Corruption(label + ": $._embedded: expected an object");
    if (auto it = emb->find(plural); it != emb->end()) items = &*it;
    if (items != nullptr && !items->is_array()) return Corruption(label + ": " + items_path + ": expected an array");
  }
  Page<T> page;
  if (items != nullptr) {
    for (size_t i = 0; i < items->size(); ++i) {
      auto parsed = ParseResource((*items)[i], items_path + "[" + std::to_string(i) + "]", static_cast<T*>(nullptr));
      if (!parsed.ok()) return parsed.status().WithContext(label);
      page.items.push_back(std::move(*parsed));
    }
  }
  page.page.number = pagina;
  page.page.size = static_cast<int64_t>(page.items.size());
  page.page.body_bytes = body.size();
  auto info = doc.is_object() ? doc.find("page") : doc.end();
  if (doc.is_object() && info != doc.end() && info->is_object()) {
    page.page.number = IntOr(*info, "number", pagina);
    page.page.size = IntOr(*info, "size", page.page.size);
    page.page.total_elements = IntOr(*info, "totalElements", -1);
    page.page.total_pages = IntOr(*info, "totalPages", -1);
    if (page.page.number != pagina) {
      return Corruption(label + ": $.page.number is " + std::to_string(page.page.number) +
                        ", asked for page " + std::to_string(pagina));
    }
    // A server that ignored `aantal` numbers its pages in another size: the next pagina asked
    // for would skip or repeat items.
    if (static_cast<int64_t>(page.items.size()) > size) {
      return Corruption(label + ": " + std::to_string(page.items.size()) +
                        " items on a page, asked for at most " + std::to_string(size));
    }
    page.page.has_next = page.page.number + 1 < page.page.total_pages;
  } else if (doc.is_object()) {
    auto links = doc.find("_links");
    page.page.has_next = links != doc.end() && links->is_object() && links->contains("next");
  }
  return page;
}

template <typename T>
Status SwfClient::WalkPages(const std::string& path, const ListQuery& query, const char* plural,
                            const std::function<Status(Page<T>&)>& on_page) {
  // Hands one page to the caller; `more` says whether the listing goes on after it.
  bool more = false;
  auto hand_over = [&](Page<T>& page) {
    more = page.page.has_next && !page.items.empty();
    return on_page(page);
  };
  // Pages too large for max_json_bytes are asked for again in smaller sizes: pagina counts
  // pages of `size` items.
  int64_t size = options_.page_size;
  int64_t pagina = 0;
  SWF_ASSIGN_OR_RETURN(Page<T> first, FetchPageShrinking<T>(path, query, plural, &pagina, &size));
  const int64_t known_pages = first.page.total_pages;
  SWF_RETURN_IF_ERROR(hand_over(first));
  ++pagina;
  auto max_pages = [&] { return options_.max_pages * (options_.page_size / size); };
  // The page count is known: fetch the next pages a window at a time (a listing of 20,000
  // documents is 200 round trips), and hand them over in order.
  const int64_t window = std::max(1, options_.parallel_pages);
  bool windows = size == options_.page_size;  // known_pages counts pages of that size
  while (more && windows && window > 1 && pagina < known_pages && pagina < options_.max_pages) {
    int64_t end = std::min({known_pages, pagina + window, static_cast<int64_t>(options_.max_pages)});
    std::vector<std::string> paths;
    std::vector<HttpRequest> requests;
    for (int64_t p = pagina; p < end; ++p) {
      paths.push_back(PagePath(path, query, p, size));
      requests.push_back(MakeRequest(Call{"GET", paths.back(), "", ""}));
    }
    size_t n = requests.size();
    // Each page is parsed as soon as it arrives, while the rest of the window is in flight.
    std::vector<std::optional<Result<Page<T>>>> parsed(n);
    std::vector<Result<HttpResponse>> results =
        transport_.RunBatch(std::move(requests), n, [&](size_t i, const Result<HttpResponse>& r) {
          if (r.ok())
            parsed[i] = ParsePage<T>(r->body, "GET " + paths[i], plural, pagina + i, size);
        });
    for (size_t i = 0; i < n && more; ++i, ++pagina) {
      if (!results[i].ok() && IsBodyOverLimit(results[i].status()) && size > 1) {
        const int64_t smaller = SmallerPageSize(size);  // this page again, smaller, and the
        pagina *= size / smaller;                       // rest one at a time
        size = smaller;
        windows = false;
        break;
      }
      if (!results[i].ok()) return results[i].status();
      if (!parsed[i].has_value()) return Internal("GET " + paths[i] + ": completion not reported");
      if (!parsed[i]->ok()) return parsed[i]->status();
      SWF_RETURN_IF_ERROR(hand_over(**parsed[i]));
    }
  }
  // Page count unknown (only `_links.next`), or the listing grew meanwhile: one at a time.
  // A listing that shrank meanwhile has ended above (`more` false; later answers ignored).
  for (; more; ++pagina) {
    if (pagina >= max_pages()) {
      return Corruption("GET " + path + ": listing did not end within " +
                        std::to_string(options_.max_pages) + " pages");
    }
    SWF_ASSIGN_OR_RETURN(Page<T> page, FetchPageShrinking<T>(path, query, plural, &pagina, &size));
    SWF_RETURN_IF_ERROR(hand_over(page));
    // Pages in a smaller size go back to the full one at its next boundary, once a full page
    // of items like the last ones would take less than half the limit.
    const int64_t factor = options_.page_size / size;
    if (factor > 1 && ((pagina + 1) * size) % options_.page_size == 0 &&
        page.page.body_bytes * static_cast<size_t>(factor) < options_.max_json_bytes / 2) {
      pagina = (pagina + 1) / factor - 1;  // the loop's ++pagina then names the next full page
      size = options_.page_size;
    }
  }
  return Status::Ok();
}

template <typename T, typename Out>
Result<std::vector<Out>> SwfClient::ListAll(const std::string& path, const ListQuery& query,
                                            const char* plural) {
  std::vector<Out> all;
  std::function<Status(Page<T>&)> collect = [&all](Page<T>& page) {
    if (all.empty() && page.page.total_elements > 0 && page.page.total_elements <= (1 << 20)) {
      all.reserve(static_cast<size_t>(page.page.total_elements));  // no doubling of a long listing
    }
    for (T& item : page.items) all.push_back(std::move(static_cast<Out&>(item)));
    return Status::Ok();
  };
  SWF_RETURN_IF_ERROR(WalkPages<T>(path, query, plural, collect));
  return all;
}

// --- samenwerkingen ---

Result<std::vector<Samenwerking>> SwfClient::ListSamenwerkingen(const ListQuery& query) {
  return ListAll<Samenwerking>("/samenwerkingen", query, "samenwerkingen");
}

namespace {

Status NotUtf8(const std::string& field) {
  return InvalidArgument(field +
                         ": the text is not UTF-8 (convert it first, e.g. with iconv -f latin1 -t "
                         "utf-8)");
}

// A request's JSON body. Text that is not UTF-8 (a title typed in a Latin-1 terminal) would make
// the JSON library throw: it is a usage error naming the field instead.
Result<std::string> BodyText(const json& body) {
  try {
    return body.dump();
  } catch (const json::type_error&) {
  }
  for (const auto& item : body.items()) {
    try {
      (void)item.value().dump();
    } catch (const json::type_error&) {
      return NotUtf8(item.key());
    }
  }
  return InvalidArgument("the request holds text that is not UTF-8");
}

}  // namespace

Result<Samenwerking> SwfClient::GetSamenwerking(const std::string& id) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  return SendAndParse<Samenwerking>(Call{"GET", "/samenwerkingen/" + Seg(id)}, "samenwerking");
}

Result<Samenwerking> SwfClient::StartSamenwerking(const NewSamenwerking& r) {
  if (r.verzoeknummer.empty()) return InvalidArgument("a samenwerking needs a verzoeknummer");
  json body = json::object();
  PutIfSet(body, "titel", r.titel);
  PutIfSet(body, "beschrijving", r.beschrijving);
  PutIfSet(body, "verzoeknummer", r.verzoeknummer);
  PutIfSet(body, "samenwerkVorm", r.samenwerk_vorm);
  PutIfSet(body, "samenwerkDoel", r.samenwerk_doel);
  PutIfSet(body, "kenmerkSysteem", r.kenmerk_systeem);
  PutIfSet(body, "nummerBinnenSysteem", r.nummer_binnen_systeem);
  body["documentenUitVerzoekLaden"] = r.documenten_uit_verzoek_laden;
  SWF_ASSIGN_OR_RETURN(std::string text, BodyText(body));
  return SendAndParse<Samenwerking>(Call{"POST", "/samenwerkingen", std::move(text)},
                                    "samenwerking",
                                    [&](const std::string& location) -> Result<Samenwerking> {
                                      SWF_ASSIGN_OR_RETURN(std::string created,
                                                           IdInLocation(location, "/samenwerkingen/", "samenwerking"));
                                      return GetSamenwerking(created);
                                    });
}

Result<Samenwerking> SwfClient::CloseSamenwerking(const std::string& id) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  std::string path = "/samenwerkingen/" + Seg(id);
  return SendAndParse<Samenwerking>(
      Call{"PATCH", path, R"({"status":"GESLOTEN"})", "application/merge-patch+json", path},
      "samenwerking");
}

Status SwfClient::DeleteSamenwerking(const std::string& id) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  return Exchange(Call{"DELETE", "/samenwerkingen/" + Seg(id)}).status();
}

Status SwfClient::LoadVerzoekdocumenten(const std::string& id) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  return Exchange(Call{"POST", "/samenwerkingen/" + Seg(id) + "/verzoekdocumenten"}).status();
}

// --- deelnemers ---

Result<std::vector<Deelnemer>> SwfClient::ListDeelnemers(const std::string& id) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  return ListAll<Deelnemer>("/samenwerkingen/" + Seg(id) + "/deelnemers", {}, "deelnemers");
}

Result<Deelnemer> SwfClient::InviteDeelnemer(const std::string& id, const NewDeelnemer& who) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  SWF_RETURN_IF_ERROR(CheckId(who.oin, "oin"));
  json body = {{"oin", who.oin}, {"privilege", who.privilege}};
  PutIfSet(body, "naam", who.naam);
  SWF_ASSIGN_OR_RETURN(std::string text, BodyText(body));
  return SendAndParse<Deelnemer>(
      Call{"POST", "/samenwerkingen/" + Seg(id) + "/deelnemers", std::move(text)}, "deelnemer",
      [&](const std::string&) { return FindDeelnemer(id, who.oin); });
}

Result<Deelnemer> SwfClient::FindDeelnemer(const std::string& id, const std::string& oin) {
  SWF_ASSIGN_OR_RETURN(std::vector<Deelnemer> all, ListDeelnemers(id));
  for (Deelnemer& d : all) {
    if (d.oin == oin) return std::move(d);
  }
  return NotFound(oin + " is not a deelnemer of " + id);
}

Result<Deelnemer> SwfClient::ChangePrivilege(const std::string& id, const std::string& oin,
                                             const std::string& privilege) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  SWF_RETURN_IF_ERROR(CheckId(oin, "oin"));
  std::string path = "/samenwerkingen/" + Seg(id) + "/deelnemers/" + Seg(oin);
  json body = {{"privilege", privilege}};
  SWF_ASSIGN_OR_RETURN(std::string text, BodyText(body));
  return SendAndParse<Deelnemer>(
      Call{"PATCH", path, std::move(text), "application/merge-patch+json"}, "deelnemer",
      [&](const std::string&) { return FindDeelnemer(id, oin); });
}

Status SwfClient::RemoveDeelnemer(const std::string& id, const std::string& oin) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  SWF_RETURN_IF_ERROR(CheckId(oin, "oin"));
  return Exchange(Call{"DELETE", "/samenwerkingen/" + Seg(id) + "/deelnemers/" + Seg(oin)}).status();
}

// --- documenten ---

Result<std::vector<Document>> SwfClient::ListDocumenten(const std::string& id, const ListQuery& query) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  return ListAll<Document>("/samenwerkingen/" + Seg(id) + "/documenten", query, "documenten");
}

Result<std::vector<Document>> SwfClient::ListDocumentenCompact(const std::string& id) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  return ListAll<CompactDocument, Document>("/samenwerkingen/" + Seg(id) + "/documenten", {},
                                            "documenten");
}

Status SwfClient::ForEachDocumentenPage(const std::string& id, const ListQuery& query,
                                        const std::function<Status(Page<Document>&)>& on_page) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  return WalkPages<Document>("/samenwerkingen/" + Seg(id) + "/documenten", query, "documenten", on_page);
}

Result<Page<Document>> SwfClient::GetDocumentenPage(const std::string& id, const ListQuery& query,
                                                    int64_t pagina) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  return FetchPage<Document>("/samenwerkingen/" + Seg(id) + "/documenten", query, "documenten",
                             pagina, options_.page_size);
}

Result<Document> SwfClient::GetDocument(const std::string& id) {
  SWF_RETURN_IF_ERROR(CheckId(id, "documentId"));
  return SendAndParse<Document>(Call{"GET", "/documenten/" + Seg(id)}, "document");
}

Result<Document> SwfClient::ChangeDocument(const std::string& id, const DocumentChange& change) {
  SWF_RETURN_IF_ERROR(CheckId(id, "documentId"));
  json body = json::object();
  if (change.vertrouwelijkheids_aanduiding) body["vertrouwelijkheidsAanduiding"] = *change.vertrouwelijkheids_aanduiding;
  if (change.document_omschrijving) body["documentOmschrijving"] = *change.document_omschrijving;
  if (body.empty()) return InvalidArgument("document " + id + ": nothing to change");
  std::string path = "/documenten/" + Seg(id);
  SWF_ASSIGN_OR_RETURN(std::string text, BodyText(body));
  return SendAndParse<Document>(
      Call{"PATCH", path, std::move(text), "application/merge-patch+json", path}, "document");
}

Status SwfClient::DeleteDocument(const std::string& id) {
  SWF_RETURN_IF_ERROR(CheckId(id, "documentId"));
  return Exchange(Call{"DELETE", "/documenten/" + Seg(id)}).status();
}

Result<Document> SwfClient::UploadDocument(const std::string& id, const DocumentUpload& up) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(up.file_path, ec)) {
    return NotFound("upload file " + up.file_path + " does not exist or is not a file");
  }
  MultipartPart file{"file", "", up.file_path, up.filename, up.content_type};
  if (file.filename.empty()) file.filename = std::filesystem::path(up.file_path).filename().string();
  const std::pair<const char*, const std::string*> metadata[] = {
      {"documentOmschrijving", &up.document_omschrijving},
      {"nummerBinnenSysteem", &up.nummer_binnen_systeem},
      {"kenmerkSysteem", &up.kenmerk_systeem},
      {"vertrouwelijkheidsAanduiding", &up.vertrouwelijkheids_aanduiding},
      {"taal", &up.taal}};
  if (!IsUtf8(file.filename)) return NotUtf8("file name");
  Call call{"POST", "/samenwerkingen/" + Seg(id) + "/documenten"};
  std::string query;
  for (const auto& [key, value] : metadata) {
    if (value->empty()) continue;
    if (!IsUtf8(*value)) return NotUtf8(key);
    if (options_.upload_metadata_as_parts) {
      call.parts.push_back(MultipartPart{key, *value, "", "", ""});
    } else {
      AddParam(query, key, *value);
    }
  }
  call.path += query;
  call.parts.insert(call.parts.begin(), std::move(file));
  Result<Document> sent =
      SendAndParse<Document>(std::move(call), "document", [&](const std::string& location) -> Result<Document> {
        SWF_ASSIGN_OR_RETURN(std::string created, IdInLocation(location, "/documenten/", "document"));
        return GetDocument(created);
      });
  if (sent.ok() || query.empty()) return sent;
  // The URL in the message carries the metadata, and a documentOmschrijving may describe an SV
  // document (RELIABILITY rule 12: logs never name one): the message shows the URL without it.
  std::string message = sent.status().message();
  for (size_t at = message.find(query); at != std::string::npos; at = message.find(query, at)) {
    message.erase(at, query.size());
  }
  Status without(sent.status().code(), std::move(message));
  without.set_http_status(sent.status().http_status());
  if (auto wait = sent.status().retry_after_seconds()) without.set_retry_after_seconds(*wait);
  return without;
}

HttpRequest SwfClient::MakeDownloadRequest(const std::string& id, const DownloadOptions& options,
                                           BodySink sink, std::shared_ptr<DownloadResult> result) const {
  HttpRequest request;
  request.url = Url("/documenten/" + Seg(id) + "/content");
  request.headers.push_back({"Accept", "*/*"});
  if (options.offset > 0) request.headers.push_back({"Range", "bytes=" + std::to_string(options.offset) + "-"});
  if (!options.if_range.empty()) request.headers.push_back({"If-Range", options.if_range});
  request.timeout = options.timeout;
  std::string what = "GET /documenten/" + id + "/content";
  request.on_head = [result, offset = options.offset, what](const HttpResponseHead& head) {
    return OnDownloadHead(head, offset, what, *result);
  };
  request.on_body = [result, sink = std::move(sink)](std::string_view chunk) {
    result->bytes_received += static_cast<int64_t>(chunk.size());
    return sink(chunk);
  };
  return request;
}

Result<DownloadResult> SwfClient::DownloadContent(const std::string& id, const DownloadOptions& options,
                                                  BodySink sink) {
  SWF_RETURN_IF_ERROR(CheckId(id, "documentId"));
  if (options.offset < 0) return InvalidArgument("download offset must not be negative");
  auto result = std::make_shared<DownloadResult>();
  Status sent = transport_.Send(MakeDownloadRequest(id, options, std::move(sink), result)).status();
  if (!sent.ok()) return ClassifyRefusal(sent, false);
  return *result;
}

// --- actieverzoeken and berichten ---

Result<std::vector<Actieverzoek>> SwfClient::ListActieverzoeken(const std::string& samenwerking_id,
                                                                const std::string& organisatie) {
  ListQuery query;
  if (!samenwerking_id.empty()) query.Where("samenwerkingId", samenwerking_id);
  if (!organisatie.empty()) query.Where("organisatie", organisatie);
  return ListAll<Actieverzoek>("/actieverzoeken", query, "actieverzoeken");
}

Result<Actieverzoek> SwfClient::CreateActieverzoek(const std::string& id, const NewActieverzoek& r) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  SWF_RETURN_IF_ERROR(CheckId(r.ontvanger, "ontvanger"));
  json body = {{"ontvanger", r.ontvanger}, {"documenten", r.documenten}};
  PutIfSet(body, "titel", r.titel);
  PutIfSet(body, "omschrijving", r.omschrijving);
  PutIfSet(body, "productId", r.product_id);
  SWF_ASSIGN_OR_RETURN(std::string text, BodyText(body));
  return SendAndParse<Actieverzoek>(
      Call{"POST", "/samenwerkingen/" + Seg(id) + "/actieverzoeken", std::move(text)},
      "actieverzoek", [&](const std::string& location) -> Result<Actieverzoek> {
        SWF_ASSIGN_OR_RETURN(std::string created, IdInLocation(location, "/actieverzoeken/", "actieverzoek"));
        return GetActieverzoek(created);
      });
}

Result<Actieverzoek> SwfClient::GetActieverzoek(const std::string& id) {
  SWF_RETURN_IF_ERROR(CheckId(id, "actieverzoekId"));
  return SendAndParse<Actieverzoek>(Call{"GET", "/actieverzoeken/" + Seg(id)}, "actieverzoek");
}

Result<Actieverzoek> SwfClient::TransitionActieverzoek(const std::string& id,
                                                       ActieverzoekTransition transition,
                                                       const std::string& melding) {
  SWF_RETURN_IF_ERROR(CheckId(id, "actieverzoekId"));
  json body = {{"status", std::string(TargetStatus(transition))}};
  PutIfSet(body, "melding", melding);
  std::string path = "/actieverzoeken/" + Seg(id);
  SWF_ASSIGN_OR_RETURN(std::string text, BodyText(body));
  return SendAndParse<Actieverzoek>(
      Call{"PATCH", path, std::move(text), "application/merge-patch+json", path}, "actieverzoek");
}

Result<std::vector<Bericht>> SwfClient::ListBerichten(const std::string& id) {
  SWF_RETURN_IF_ERROR(CheckId(id, "actieverzoekId"));
  return ListAll<Bericht>("/actieverzoeken/" + Seg(id) + "/berichten", {}, "berichten");
}

Result<Bericht> SwfClient::SendBericht(const std::string& id, const std::string& inhoud) {
  SWF_RETURN_IF_ERROR(CheckId(id, "actieverzoekId"));
  if (inhoud.empty()) return InvalidArgument("a bericht needs text");
  json body = {{"bericht", inhoud}};
  SWF_ASSIGN_OR_RETURN(std::string text, BodyText(body));
  return SendAndParse<Bericht>(
      Call{"POST", "/actieverzoeken/" + Seg(id) + "/berichten", std::move(text)}, "bericht",
      [&](const std::string&) -> Result<Bericht> {
        SWF_ASSIGN_OR_RETURN(std::vector<Bericht> all, ListBerichten(id));
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
          if (it->inhoud == inhoud) return std::move(*it);
        }
        return NotFound("the new bericht is not listed under actieverzoek " + id);
      });
}

// --- notificaties ---

Result<std::vector<Notificatie>> SwfClient::ListNotificaties(const std::string& id) {
  SWF_RETURN_IF_ERROR(CheckId(id, "samenwerkingId"));
  return ListAll<Notificatie>("/samenwerkingen/" + Seg(id) + "/notificaties", {}, "notificaties");
}

Result<std::vector<Notificatie>> SwfClient::ListAllNotificaties(const NotificatieWindow& window) {
  ListQuery query;
  if (!window.after.empty()) query.Where("eventDatumTijd[gt]", window.after);
  if (!window.up_to.empty()) query.Where("eventDatumTijd[lte]", window.up_to);
  return ListAll<Notificatie>("/notificaties", query, "notificaties");
}

Status SwfClient::ForEachNotificatiesPage(const NotificatieWindow& window,
                                          const std::function<Status(Page<Notificatie>&)>& on_page) {
  ListQuery query;
  if (!window.after.empty()) query.Where("eventDatumTijd[gt]", window.after);
  if (!window.up_to.empty()) query.Where("eventDatumTijd[lte]", window.up_to);
  return WalkPages<Notificatie>("/notificaties", query, "notificaties", on_page);
}

Status SwfClient::DeleteNotificatie(const std::string& id) {
  SWF_RETURN_IF_ERROR(CheckId(id, "notificatieId"));
  return Exchange(Call{"DELETE", "/notificaties/" + Seg(id)}).status();
}

}  // namespace swfvault
