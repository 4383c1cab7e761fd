// FakeTransport: a scripted Transport for unit tests. Responses are queued per "METHOD url"
// (exact URL, query included) or on a catch-all queue; every request is recorded. 2xx bodies
// reach on_head/on_body in chunks like a real transfer; other statuses become Status through
// the same HttpErrorStatus the real transport uses. Not thread-safe.
#ifndef SWFVAULT_TESTS_API_FAKE_TRANSPORT_H_
#define SWFVAULT_TESTS_API_FAKE_TRANSPORT_H_

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "swfvault/transport.h"

namespace swfvault::testing {

struct FakeResponse {
  int status = 200;
  HttpHeaders headers{};
  std::string body{};
  Status failure{};  // non-ok: a transport failure (timeout, TLS) instead of a response
};

class FakeTransport : public Transport {
 public:
  void Expect(const std::string& method, const std::string& url, FakeResponse response) {
    routes_[method + " " + url].push_back(std::move(response));
  }
  void Enqueue(FakeResponse response) { any_.push_back(std::move(response)); }

  Result<HttpResponse> Send(HttpRequest request) override {
    if (on_send) on_send(request);
    requests.push_back(request);
    auto it = routes_.find(request.method + " " + request.url);
    std::deque<FakeResponse>* queue = nullptr;
    if (it != routes_.end() && !it->second.empty()) {
      queue = &it->second;
    } else if (!any_.empty()) {
      queue = &any_;
    }
    if (queue == nullptr) return Internal("FakeTransport: nothing scripted for " + request.method + " " + request.url);
    FakeResponse r = std::move(queue->front());
    queue->pop_front();
    return Deliver(request, r);
  }

  std::vector<Result<HttpResponse>> RunBatch(std::vector<HttpRequest> requests_in, size_t,
                                             const CompletionCallback& on_done) override {
    batch_sizes.push_back(requests_in.size());
    std::vector<Result<HttpResponse>> out{};
    for (size_t i = 0; i < requests_in.size(); ++i) {
      out.push_back(Send(std::move(requests_in[i])));
      if (on_done) on_done(i, out.back());
    }
    return out;
  }

  size_t chunk_size = 7;  // small, so sinks see several chunks
  std::function<void(const HttpRequest&)> on_send{};  // called first (a fake clock may advance)
  std::vector<HttpRequest> requests{};
  std::vector<size_t> batch_sizes{};  // one entry per RunBatch call

 private:
  Result<HttpResponse> Deliver(const HttpRequest& request, const FakeResponse& r) {
    if (!r.failure.ok()) return r.failure;
    if (r.status < 200 || r.status > 299) {
      return HttpErrorStatus(r.status, r.headers, r.body, request.method + " " + request.url);
    }
    HttpResponse response{r.status, r.headers, "", 0};
    if (request.on_head) SWF_RETURN_IF_ERROR(request.on_head(HttpResponseHead{r.status, r.headers}));
    for (size_t at = 0; at < r.body.size(); at += chunk_size) {
      std::string_view chunk = std::string_view(r.body).substr(at, chunk_size);
      response.body_bytes += static_cast<int64_t>(chunk.size());
      if (request.on_body) {
        SWF_RETURN_IF_ERROR(request.on_body(chunk));
      } else if (response.body.size() + chunk.size() > request.max_buffered_body) {
        return BodyOverLimit(request.url, request.max_buffered_body);
      } else {
        response.body.append(chunk);
      }
    }
    return response;
  }

  std::map<std::string, std::deque<FakeResponse>> routes_;
  std::deque<FakeResponse> any_;
};

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_API_FAKE_TRANSPORT_H_
