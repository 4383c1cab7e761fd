#include "support/https_client.h"

#include <curl/curl.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "support/emulator_process.h"

namespace swfvault::testing {
namespace {

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
  }
  return size * n;
}

// The subject serialNumber of a PEM certificate (the OIN in a PKIoverheid one), or "".
std::string CertificateSerialNumber(const std::string& cert_file) {
  if (cert_file.empty()) return "";
  FILE* f = std::fopen(cert_file.c_str(), "r");
  if (f == nullptr) return "";
  X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (x == nullptr) return "";
  char buf[64] = {};
  const int n =
      X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_serialNumber, buf, sizeof buf);
  X509_free(x);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

}  // namespace

nlohmann::json HttpResponse::Json() const { 
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpsClient::HttpsClient(const std::string& org)
    : HttpsClient(org.empty() ? "" : PkiDir() + "/" + org + ".crt",
                  org.empty() ? "" : PkiDir() + "/" + org + ".key", "") {}

HttpsClient::HttpsClient(const std::string& cert, const std::string& key, const std::string& ca)
    : curl_(curl_easy_init()),
      cert_(cert),
      key_(key),
      ca_(ca.empty() ? PkiDir() + "/ca.crt" : ca),
      oin_(CertificateSerialNumber(cert)) {}

HttpsClient::~HttpsClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

void HttpsClient::set_oin(const std::string& oin, const std::string& header) {
  oin_ = oin;
  oin_header_ = header;
}

HttpResponse HttpsClient::Perform(const std::string& method, const std::string& url,
                                  const std::string* body,
                                  const std::map<std::string, std::string>& headers, void* mime) {
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  HttpResponse r;
  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(c, CURLOPT_CAINFO, ca_.c_str());
  if (!cert_.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, cert_.c_str());
  if (!key_.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, key_.c_str());
  curl_easy_setopt(c, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  curl_slist* list = nullptr;
  if (!oin_.empty()) list = curl_slist_append(list, (oin_header_ + ": " + oin_).c_str());
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  if (mime != nullptr) {
    curl_easy_setopt(c, CURLOPT_MIMEPOST, static_cast<curl_mime*>(mime));
  } else if (body != nullptr) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  if (method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (method != "GET" || body != nullptr) {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  } else {
    r.error = err[0] ? err : curl_easy_strerror(rc);
  }
  curl_slist_free_all(list);
  return r;
}

HttpResponse HttpsClient::Get(const std::string& url, const std::map<std::string, std::string>& headers) {
  return Perform("GET", url, nullptr, headers, nullptr);
}

HttpResponse HttpsClient::Send(const std::string& method, const std::string& url, const std::string& body,
                               const std::string& content_type,
                               const std::map<std::string, std::string>& headers) {
  auto h = headers;
  if (!content_type.empty()) h["Content-Type"] = content_type;
  if (method == "GET" || method == "DELETE") {
    if (body.empty()) return Perform(method, url, nullptr, h, nullptr);
  }
  return Perform(method, url, &body, h, nullptr);
}

HttpResponse HttpsClient::Post(const std::string& url, const nlohmann::json& body) {
  return Send("POST", url, body.dump(), "application/json");
}
HttpResponse HttpsClient::Patch(const std::string& url, const nlohmann::json& body) {
  return Send("PATCH", url, body.dump(), "application/merge-patch+json");
}
HttpResponse HttpsClient::Put(const std::string& url, const nlohmann::json& body) {
  return Send("PUT", url, body.dump(), "application/json");
}
HttpResponse HttpsClient::Delete(const std::string& url) { return Send("DELETE", url, "", ""); }

HttpResponse HttpsClient::PostMultipart(const std::string& url, const std::vector<MultipartPart>& parts) {
  curl_mime* mime = curl_mime_init(static_cast<CURL*>(curl_));
  for (const MultipartPart& p : parts) {
    curl_mimepart* part = curl_mime_addpart(mime);
    curl_mime_name(part, p.name.c_str());
    curl_mime_data(part, p.data.data(), p.data.size());
    if (!p.filename.empty()) curl_mime_filename(part, p.filename.c_str());
    if (!p.content_type.empty()) curl_mime_type(part, p.content_type.c_str());
  }
  HttpResponse r = Perform("POST", url, nullptr, {}, mime);
  curl_mime_free(mime);
  return r;
}

}  // namespace swfvault::testing
