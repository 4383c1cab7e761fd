// SwfClient: typed calls for every SWF operation (docs/spec swf-api.md section 3) over a
// Transport. Each call builds the request, sends it once through the Transport (wrap it in a
// RetryingTransport for retries), and parses the HAL JSON answer into model.h types.
//
// Lists follow HAL paging to the end (by page number, never by a server-supplied href, so the
// OIN header cannot be steered to another host); Document lists also come page by page.
// JSON bodies are size- and depth-limited; unknown fields and enum values are tolerated and
// kept in raw_json; a field of the wrong type or a missing id is kCorruption naming the JSON
// path. Server refusals carry the server's problem `detail` (see HttpErrorStatus).
// Not thread-safe beyond what the Transport allows; the Transport is not owned.
#ifndef SWFVAULT_SWF_CLIENT_H_
#define SWFVAULT_SWF_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "swfvault/http.h"
#include "swfvault/model.h"
#include "swfvault/status.h"
#include "swfvault/transport.h"

namespace swfvault {

struct SwfClientOptions {
  std::string base_url{};         // e.g. https://host/overheid/samenwerken/api/behandelen/v5
  int page_size = 100;          // `aantal` (the API's maximum)
  size_t max_json_bytes = 8u << 20;
  int max_json_depth = 32;
  int max_pages = 100000;       // a server that never ends a listing is kCorruption
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

class SwfClient {
 public:
  SwfClient(Transport& transport, SwfClientOptions options);

  // --- samenwerkingen ---
  Result<std::vector<Samenwerking>> ListSamenwerkingen(const ListQuery& query = {});
  Result<Samenwerking> GetSamenwerking(const std::string& samenwerking_id);
  // POST /samenwerkingen; kInvalidArgument locally when verzoeknummer is empty.
  Result<Samenwerking> StartSamenwerking(const NewSamenwerking& request);
  Result<Samenwerking> CloseSamenwerking(const std::string& samenwerking_id);  // status GESLOTEN
  Status DeleteSamenwerking(const std::string& samenwerking_id);
  Status LoadVerzoekdocumenten(const std::string& samenwerking_id);  // 202: done later

  // --- deelnemers ---
  Result<std::vector<Deelnemer>> ListDeelnemers(const std::string& samenwerking_id);
  Result<Deelnemer> InviteDeelnemer(const std::string& samenwerking_id, const NewDeelnemer& who);
  Result<Deelnemer> ChangePrivilege(const std::string& samenwerking_id, const std::string& oin,
                                    const std::string& privilege);
  Status RemoveDeelnemer(const std::string& samenwerking_id, const std::string& oin);

  // --- documenten ---
  Result<std::vector<Document>> ListDocumenten(const std::string& samenwerking_id,
                                               const ListQuery& query = {});
  // Calls `on_page` for each page in order; its error stops the walk and is returned.
  Status ForEachDocumentenPage(const std::string& samenwerking_id, const ListQuery& query,
                               const std::function<Status(Page<Document>&)>& on_page);
  Result<Page<Document>> GetDocumentenPage(const std::string& samenwerking_id,
                                           const ListQuery& query, int64_t pagina);
  Result<Document> GetDocument(const std::string& document_id);
  Result<Document> ChangeDocument(const std::string& document_id, const DocumentChange& change);
  Status DeleteDocument(const std::string& document_id);
  // Streams the file as multipart part `file`. kNotFound when the file does not exist.
  Result<Document> UploadDocument(const std::string& samenwerking_id, const DocumentUpload& upload);
  // Streams the content to `sink`. A 206 whose Content-Range does not start at `offset` is
  // refused with kCorruption before any byte reaches the sink. A 416 is kInvalidArgument with
  // http_status() 416 (discard the partial). The sink's error aborts and is returned.
  Result<DownloadResult> DownloadContent(const std::string& document_id,
                                         const DownloadOptions& options, BodySink sink);
  // The same download as a request for Transport::RunBatch: `*result` (shared, owned by the
  // caller too) is filled as the response arrives.
  HttpRequest MakeDownloadRequest(const std::string& document_id, const DownloadOptions& options,
                                  BodySink sink, std::shared_ptr<DownloadResult> result) const;

  // --- actieverzoeken and berichten ---
  // Either filter may be empty (not sent); `organisatie` = OIN as zender or ontvanger.
  Result<std::vector<Actieverzoek>> ListActieverzoeken(const std::string& samenwerking_id,
                                                       const std::string& organisatie = "");
  Result<Actieverzoek> CreateActieverzoek(const std::string& samenwerking_id,
                                          const NewActieverzoek& request);
  Result<Actieverzoek> GetActieverzoek(const std::string& actieverzoek_id);
  // Merge-patch `status` (and `melding` when non-empty). Illegal transitions: kConflict.
  Result<Actieverzoek> TransitionActieverzoek(const std::string& actieverzoek_id,
                                              ActieverzoekTransition transition,
                                              const std::string& melding = "");
  Result<std::vector<Bericht>> ListBerichten(const std::string& actieverzoek_id);
  Result<Bericht> SendBericht(const std::string& actieverzoek_id, const std::string& inhoud);

  // --- notificaties ---
  Result<std::vector<Notificatie>> ListNotificaties(const std::string& samenwerking_id);
  Result<std::vector<Notificatie>> ListAllNotificaties(const NotificatieWindow& window = {});
  Status DeleteNotificatie(const std::string& notificatie_id);

  const SwfClientOptions& options() const { return options_; }

 private:
  struct Call;
  Result<std::string> Exchange(Call call);
  template <typename T>
  Status WalkPages(const std::string& path, const ListQuery& query, const char* plural,
                   const std::function<Status(Page<T>&)>& on_page);
  template <typename T>
  Result<std::vector<T>> ListAll(const std::string& path, const ListQuery& query, const char* plural);
  template <typename T>
  Result<Page<T>> FetchPage(const std::string& path, const ListQuery& query, const char* plural,
                            int64_t pagina);
  template <typename T>
  Result<T> SendAndParse(Call call, const char* what);
  std::string Url(const std::string& path) const;

  Transport& transport_;
  SwfClientOptions options_;
};

}  // namespace swfvault

#endif  // SWFVAULT_SWF_CLIENT_H_
