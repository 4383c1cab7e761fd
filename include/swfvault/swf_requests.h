// Value types of SwfClient calls: options, list queries and pages, the bodies of create and
// change calls, download options and results. Plain values, safe to copy; no behaviour beyond
// small builders. Field names follow ../shared/spec/swf-api.md.
#ifndef SWFVAULT_SWF_REQUESTS_H_
#define SWFVAULT_SWF_REQUESTS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace swfvault {

struct SwfClientOptions {
  std::string base_url{};         // e.g. https://host/overheid/samenwerken/api/behandelen/v5
  int page_size = 100;          // `aantal` (the API's maximum)
  size_t max_json_bytes = 8u << 20;  // a listing page over it comes again in smaller pages
  int max_json_depth = 32;
  int max_pages = 100000;       // a server that never ends a listing is kCorruption
  // Once the first page gives the page count, the next pages are fetched this many at a time
  // (still handed over in order); 1 = one page after the other.
  int parallel_pages = 4;
  bool upload_metadata_as_parts = false;  // default: metadata as query parameters
  std::chrono::milliseconds json_timeout{120000};  // per JSON exchange
};

// Filters of a list call, sent as given: {"status", "OPEN"}, {"laatstAangepastDatumTijd[gt]",
// "2026-06-04T10:45:01.933+02:00"}; `sort` becomes `_sort` ("-creatieDatumTijd").
struct ListQuery {
  std::vector<std::pair<std::string, std::string>> filters{};
  std::string sort{};
  ListQuery& Where(std::string field, std::string value) {
    filters.emplace_back(std::move(field), std::move(value));
    return *this;
  }
};

struct PageInfo {
  int64_t number = 0;
  int64_t size = 0;
  int64_t total_elements = -1;  // -1 when the server sent no `page` object
  int64_t total_pages = -1;
  bool has_next = false;
  size_t body_bytes = 0;  // of the answer this page came in
};

template <typename T>
struct Page {
  std::vector<T> items{};
  PageInfo page;
};

struct NewSamenwerking {
  std::string titel{};
  std::string beschrijving{};
  std::string verzoeknummer{};  // required by the API
  std::string samenwerk_vorm = "SAMENWERKEN_AAN_BEHANDELEN";
  std::string samenwerk_doel = "BEHANDELEN";
  std::string kenmerk_systeem{};
  std::string nummer_binnen_systeem{};
  bool documenten_uit_verzoek_laden = false;
};

struct NewDeelnemer {
  std::string oin{};
  std::string naam{};
  std::string privilege{};  // BEPERKTE_TOEGANG or VOLLEDIGE_TOEGANG
};

// A document to upload; the file is streamed, never read whole into memory.
struct DocumentUpload {
  std::string file_path{};
  std::string filename{};      // default: base name of file_path
  std::string content_type{};  // default: application/octet-stream
  std::string document_omschrijving{};
  std::string kenmerk_systeem{};
  std::string nummer_binnen_systeem{};
  std::string vertrouwelijkheids_aanduiding{};  // "RV", "SV" or empty (server default)
  std::string taal{};
};

// Fields of a document merge-patch; unset fields are left alone.
struct DocumentChange {
  std::optional<std::string> vertrouwelijkheids_aanduiding{};
  std::optional<std::string> document_omschrijving{};
};

struct NewActieverzoek {
  std::string titel{};
  std::string omschrijving{};
  std::string ontvanger{};  // OIN of a deelnemer
  std::string product_id{};
  std::vector<std::string> documenten{};  // document ids
};

enum class ActieverzoekTransition { kBehandelen, kWeigeren, kGereedmelden, kAccepteren, kIntrekken };
// The status a transition patches in: IN_BEHANDELING, GEWEIGERD, GEREEDGEMELD, GEREED, INGETROKKEN.
std::string_view TargetStatus(ActieverzoekTransition transition);

// Resume support (RELIABILITY rule 6): offset > 0 sends `Range: bytes=offset-`, and
// `if_range` (a strong ETag) sends `If-Range`.
struct DownloadOptions {
  int64_t offset = 0;
  std::string if_range{};
  std::chrono::milliseconds timeout{0};  // 0 = the transport default
};

// What a content response said, filled before the first body byte reaches the sink.
struct DownloadResult {
  int http_status = 0;              // 200 (whole document) or 206 (from `offset`)
  std::string etag{};
  int64_t content_range_start = -1;  // 206 only
  int64_t content_range_total = -1;  // 206 only, -1 when the server sent "*"
  int64_t content_length = -1;       // bytes in this response; -1 when unknown
  std::string content_type{};
  std::string content_disposition{};
  int64_t bytes_received = 0;
};

// The `eventDatumTijd` window of the global notification feed; empty bounds are not sent.
struct NotificatieWindow {
  std::string after{};  // eventDatumTijd[gt]
  std::string up_to{};  // eventDatumTijd[lte]
};

}  // namespace swfvault

#endif  // SWFVAULT_SWF_REQUESTS_H_
