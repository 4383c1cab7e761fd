// HttpsClient: a small blocking libcurl client for tests, speaking mutual TLS with a test-PKI
// certificate (or none, or any cert/key pair for refusal tests). Plain http:// URLs work too
// (admin API). One easy handle per client, reused for keep-alive; not thread-safe.
#ifndef SWFVAULT_TESTS_SUPPORT_HTTPS_CLIENT_H_
#define SWFVAULT_TESTS_SUPPORT_HTTPS_CLIENT_H_

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace swfvault::testing {

struct HttpResponse {
  long status = 0;                             // 0 = transport failure (see error)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string error;                           // curl error text when status == 0
  // The body parsed as JSON (null when it is not JSON).
  nlohmann::json Json() const;
  std::string Header(const std::string& lower_name) const;
};

struct MultipartPart {
  std::string name;
  std::string data;
  std::string filename;      // set for file parts
  std::string content_type;  // e.g. application/pdf
};

class HttpsClient {
 public:
  // Uses <PkiDir()>/<org>.crt and .key; org "" = no client certificate.
  explicit HttpsClient(const std::string& org);
  // Custom files (any of them may be empty = not used); ca defaults to <PkiDir()>/ca.crt.
  HttpsClient(const std::string& cert, const std::string& key, const std::string& ca);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Sends the OIN header on every request: the certificate's own OIN (its subject
  // serialNumber) until set_oin names another (X-OIN unless `header` is given); "" = none.
  void set_oin(const std::string& oin, const std::string& header = "X-OIN");

  HttpResponse Get(const std::string& url, const std::map<std::string, std::string>& headers = {});
  HttpResponse Post(const std::string& url, const nlohmann::json& body);
  HttpResponse Patch(const std::string& url, const nlohmann::json& body);
  HttpResponse Put(const std::string& url, const nlohmann::json& body);
  HttpResponse Delete(const std::string& url);
  // Raw body with an explicit content type (for malformed-input tests).
  HttpResponse Send(const std::string& method, const std::string& url, const std::string& body,
                    const std::string& content_type,
                    const std::map<std::string, std::string>& headers = {});
  HttpResponse PostMultipart(const std::string& url, const std::vector<MultipartPart>& parts);

 private:
  HttpResponse Perform(const std::string& method, const std::string& url, const std::string* body,
                       const std::map<std::string, std::string>& headers, void* mime);
  void* curl_ = nullptr;
  std::string cert_, key_, ca_;
  std::string oin_, oin_header_ = "X-OIN";
};

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SUPPORT_HTTPS_CLIENT_H_
