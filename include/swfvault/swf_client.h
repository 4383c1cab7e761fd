// SwfClient: typed calls for every SWF operation (docs/spec swf-api.md section 3) over a
// Transport. Each call builds the request, sends it once through the Transport (wrap it in a
// RetryingTransport for retries), and parses the HAL JSON answer into model.h types.
//
// Lists follow HAL paging to the end (by page number, never by a server-supplied href, so the
// OIN header cannot be steered to another host); Document lists also come page by page.
// JSON bodies are size- and depth-limited; unknown fields and enum values are tolerated and
// kept in raw_json; a field of the wrong type or a missing id is kCorruption naming the JSON
// path. Server refusals carry the server's problem `detail` (see HttpErrorStatus). A 403 is
// kPermissionDenied (this action is not allowed: role, privilege, not the initiator) unless
// the certificate may not act for the OIN at all (no mandate): then kUnauthenticated with
// http_status 403. The answer does not say which, so after a 403 the client asks for one page
// of its own samenwerkingen, which every organisation may list: refused too, it is the identity.
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
#include "swfvault/swf_requests.h"
#include "swfvault/transport.h"

namespace swfvault {

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
  // The listing as a sync holds it in memory: each raw_json without the fields the
  // members already hold exactly (for a typical document "{}"); RestoreKnownFields gives
  // the whole raw_json back. In a dossier of tens of thousands of documents, raw_json
  // would otherwise be most of the memory.
  Result<std::vector<Document>> ListDocumentenCompact(const std::string& samenwerking_id);
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
  // The global feed page by page (for a high-water-mark poller); `on_page`'s error stops it.
  Status ForEachNotificatiesPage(const NotificatieWindow& window,
                                 const std::function<Status(Page<Notificatie>&)>& on_page);
  Status DeleteNotificatie(const std::string& notificatie_id);

  const SwfClientOptions& options() const { return options_; }

 private:
  struct Call;
  HttpRequest MakeRequest(Call call) const;
  // The answer's body; *location gets its Location header ("" when none).
  Result<std::string> Exchange(Call call, std::string* location = nullptr);
  // `failed` itself, unless it is a 403 that refuses the identity rather than the action: then
  // kUnauthenticated (http_status 403). `own_list` says the refused call was GET /samenwerkingen.
  Status ClassifyRefusal(Status failed, bool own_list);
  // `oin`'s row in the deelnemers of samenwerking `id`; kNotFound when absent.
  Result<Deelnemer> FindDeelnemer(const std::string& id, const std::string& oin);
  template <typename T>
  Status WalkPages(const std::string& path, const ListQuery& query, const char* plural,
                   const std::function<Status(Page<T>&)>& on_page);
  // Every page's items, parsed as T and kept as Out (a base of T, or T itself).
  template <typename T, typename Out = T>
  Result<std::vector<Out>> ListAll(const std::string& path, const ListQuery& query,
                                   const char* plural);
  template <typename T>
  Result<Page<T>> FetchPage(const std::string& path, const ListQuery& query, const char* plural,
                            int64_t pagina, int64_t size);
  // FetchPage, asking for smaller pages while the answer is over max_json_bytes (a few very
  // large berichten): `*pagina` and `*size` become the page and size that were fetched.
  template <typename T>
  Result<Page<T>> FetchPageShrinking(const std::string& path, const ListQuery& query,
                                     const char* plural, int64_t* pagina, int64_t* size);
  template <typename T>
  Result<Page<T>> ParsePage(const std::string& body, const std::string& label, const char* plural,
                            int64_t pagina, int64_t size);
  std::string PagePath(const std::string& path, const ListQuery& query, int64_t pagina,
                       int64_t size) const;
  // A change answered without a body (204, or a 201 with only a Location) is read back with
  // `reread(location)` when given: the change was made, so it must not look like a failure.
  template <typename T>
  Result<T> SendAndParse(Call call, const char* what,
                         const std::function<Result<T>(const std::string& location)>& reread = nullptr);
  std::string Url(const std::string& path) const;

  Transport& transport_;
  SwfClientOptions options_;
};

// The whole raw_json of a document from ListDocumentenCompact, byte for byte as
// ListDocumenten would have it. A raw_json that is not a JSON object is returned unchanged.
std::string RestoreKnownFields(const Document& d);

}  // namespace swfvault

#endif  // SWFVAULT_SWF_CLIENT_H_
