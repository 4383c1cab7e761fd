// CurlTransport against a small local mTLS server (cpp-httplib over OpenSSL) on 127.0.0.1,
// using the test PKI: the happy path, the TLS misconfiguration matrix, redirects, error
// mapping, streaming, parallel batches and the stall guard.
#include "api/curl_transport.h"

#include "api/client_certificate.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "support/temp_dir.h"

namespace swfvault::testing {
namespace {

const std::string kPki = SWFVAULT_TEST_PKI_DIR;

// An https server that demands a client certificate issued under the test root.
class TlsServer {
 public:
  explicit TlsServer(const std::string& name = "server")
      : server_([name](SSL_CTX& ctx) {
          SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
          bool ok = SSL_CTX_use_certificate_chain_file(&ctx, (kPki + "/" + name + ".crt").c_str()) == 1 &&
                    SSL_CTX_use_PrivateKey_file(&ctx, (kPki + "/" + name + ".key").c_str(), SSL_FILETYPE_PEM) == 1 &&
                    SSL_CTX_load_verify_locations(&ctx, (kPki + "/ca.crt").c_str(), nullptr) == 1;
          SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
          // Deliberately no SSL_CTX_set_session_id_context (like cpp-httplib's default): such a
          // server breaks resumed handshakes, and the transport must not depend on resumption.
          return ok;
        }) {}
  ~TlsServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::SSLServer& http() { return server_; }
  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::string Url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(port_) + path;
  }

 private:
  httplib::SSLServer server_;
  std::thread thread_;
  int port_ = 0;
};

CurlTransportOptions Options(const std::string& who = "gemeente-a") {
  CurlTransportOptions o;
  o.client_cert_file = kPki + "/" + who + ".crt";
  o.client_key_file = kPki + "/" + who + ".key";
  o.ca_bundle_file = kPki + "/ca.crt";
  o.oin = "00000001000000001000";
  o.connect_timeout = std::chrono::milliseconds(5000);
  return o;
}

std::unique_ptr<CurlTransport> Make(const CurlTransportOptions& options) {
  auto t = CurlTransport::Create(options);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(*t) : nullptr;
}

// One lane, stopped by `stop`.
std::unique_ptr<CurlTransport> MakeStoppable(StopFlag& stop) {
  auto options = Options();
  options.transfer_threads = 1;
  options.stop = &stop;
  return Make(options);
}

HttpRequest Get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

class CurlTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.http().Get("/oin", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.get_header_value("X-OIN") + "|" + req.get_header_value("X-Custom-OIN"), "text/plain");
    });
    server_.http().Get("/port", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::to_string(req.remote_port), "text/plain");
    });
    server_.http().Get("/busy", [](const httplib::Request&, httplib::Response& res) {
      res.status = 503;
      res.set_header("Retry-After", "7");
      res.set_content(R"({"status":503,"detail":"onderhoud tot 20:00"})", "application/problem+json");
    });
    server_.http().Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(1 << 20, 'b'), "application/octet-stream");
    });
    server_.http().Get("/counted-trickle", [this](const httplib::Request&, httplib::Response& res) {
      ++counted_;
      // 1 MiB in 64 KiB pieces, 20 ms apart: a transfer that is surely still in flight.
      res.set_chunked_content_provider("application/octet-stream",
                                       [](size_t offset, httplib::DataSink& sink) {
                                         if (offset >= (1u << 20)) {
                                           sink.done();
                                           return true;
                                         }
                                         std::this_thread::sleep_for(std::chrono::milliseconds(20));
                                         std::string piece(64 * 1024, 'c');
                                         return sink.write(piece.data(), piece.size());
                                       });
    });
    server_.http().Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      res.set_content("late", "text/plain");
    });
    server_.http().Get("/redirect-same", [this](const httplib::Request&, httplib::Response& res) {
      res.set_redirect(server_.Url("/oin"));
    });
    server_.http().Get("/redirect-other", [this](const httplib::Request&, httplib::Response& res) {
      res.set_redirect(server_.Url("/leak", "localhost"));
    });
    server_.http().Get("/leak", [this](const httplib::Request&, httplib::Response& res) {
      ++leaked_;
      res.set_content("leaked", "text/plain");
    });
    server_.http().Get("/parallel", [this](const httplib::Request&, httplib::Response& res) {
      int now = ++in_flight_;
      int seen = max_in_flight_.load();
      while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      --in_flight_;
      res.set_content("p", "text/plain");
    });
    server_.http().Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.method + "|" + req.get_header_value("Content-Type") + "|" + req.body, "text/plain");
    });
    server_.http().Patch("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.method + "|" + req.get_header_value("Content-Type") + "|" + req.body, "text/plain");
    });
    server_.http().Post("/upload", [](const httplib::Request& req, httplib::Response& res) {
      const auto& file = req.get_file_value("file");
      res.status = 201;
      res.set_content(file.filename + "|" + file.content_type + "|" + file.content + "|" +
                          req.get_param_value("kenmerkSysteem"),
                      "text/plain");
    });
    server_.Start();
  }

  TlsServer server_;
  std::atomic<int> leaked_{0};
  std::atomic<int> counted_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
};

TEST_F(CurlTransportTest, SendsTheOinHeaderOverMutualTls) {
  auto t = Make(Options());
  auto r = t->Send(Get(server_.Url("/oin")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "00000001000000001000|");
}

TEST_F(CurlTransportTest, OinHeaderNameIsConfigurable) {
  auto options = Options();
  options.oin_header = "X-Custom-OIN";
  auto r = Make(options)->Send(Get(server_.Url("/oin")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "|00000001000000001000");
}

TEST_F(CurlTransportTest, OinHeaderNameMustBeAnHttpTokenAndTheMessageNamesTheSetting) {
  for (std::string name : {"X OIN", "X-OIN:", "X\tOIN", "X-\xc3\x96IN", "X-OIN\r\nX-Evil", ""}) {
    auto options = Options();
    options.oin_header = name;
    auto t = CurlTransport::Create(options);
    ASSERT_EQ(t.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_NE(t.status().message().find("(--oin-header, oin_header)"), std::string::npos)
        << t.status().message();
  }
  auto options = Options();
  options.oin_header = "X-Org.OIN_2!";  // every token character is fine
  EXPECT_TRUE(CurlTransport::Create(options).ok());
}

TEST_F(CurlTransportTest, ReusesTheConnection) {
  auto t = Make(Options());
  auto first = t->Send(Get(server_.Url("/port")));
  auto second = t->Send(Get(server_.Url("/port")));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->body, second->body);  // same client port: same TCP connection
}

TEST_F(CurlTransportTest, MissingCaBundleIsRefusedAtCreation) {
  auto options = Options();
  options.ca_bundle_file = kPki + "/no-such-ca.crt";
  auto t = CurlTransport::Create(options);
  ASSERT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("no-such-ca.crt"), std::string::npos);
  options.ca_bundle_file = "";
  EXPECT_EQ(CurlTransport::Create(options).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CurlTransportTest, EmptyCaBundleIsRefusedAtCreation) {
  TempDir dir;
  WriteFile(dir / "empty.crt", "");
  auto options = Options();
  options.ca_bundle_file = (dir / "empty.crt").string();
  EXPECT_EQ(CurlTransport::Create(options).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CurlTransportTest, GroupReadableKeyIsRefusedNamingTheFile) {
  TempDir dir;
  std::filesystem::copy_file(kPki + "/gemeente-a.key", dir / "open.key");
  ASSERT_EQ(::chmod((dir / "open.key").c_str(), 0644), 0);
  auto options = Options();
  options.client_key_file = (dir / "open.key").string();
  auto t = CurlTransport::Create(options);
  ASSERT_EQ(t.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(t.status().message().find("open.key"), std::string::npos);
}

TEST_F(CurlTransportTest, MalformedOinIsRefusedAtCreation) {
  auto options = Options();
  options.oin = "0000000100000000100\r\nX-Evil: 1";
  EXPECT_EQ(CurlTransport::Create(options).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CurlTransportTest, HeaderInjectionIsRefused) {
  HttpRequest request = Get(server_.Url("/oin"));
  request.headers.push_back({"X-Note", "a\r\nX-OIN: 00000001000000002000"});
  EXPECT_EQ(Make(Options())->Send(request).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CurlTransportTest, PlainHttpIsRefused) {
  auto r = Make(Options())->Send(Get("http://127.0.0.1:1/oin"));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CurlTransportTest, ServerOutsideTheConfiguredCaIsUnauthenticated) {
  auto options = Options();
  options.ca_bundle_file = kPki + "/other-ca.crt";  // not the root that signed the server
  auto r = Make(options)->Send(Get(server_.Url("/oin")));
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << r.status().ToString();
}

TEST(CurlTransportTlsTest, ServerCertificateForAnotherNameIsUnauthenticated) {
  // wrong-usage.crt chains to the test root and allows serverAuth, but names no 127.0.0.1.
  TlsServer server("wrong-usage");
  server.http().Get("/oin", [](const httplib::Request&, httplib::Response& res) { res.set_content("x", "text/plain"); });
  server.Start();
  auto r = Make(Options())->Send(Get(server.Url("/oin")));
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << r.status().ToString();
  EXPECT_NE(r.status().message().find("127.0.0.1"), std::string::npos) << r.status().ToString();
}

TEST_F(CurlTransportTest, ExpiredOrWrongUsageCertificateIsRefusedBeforeConnecting) {
  for (std::string who : {"expired", "wrong-usage"}) {
    auto t = CurlTransport::Create(Options(who));
    EXPECT_EQ(t.status().code(), StatusCode::kUnauthenticated) << who;
    EXPECT_NE(t.status().message().find(who + ".crt"), std::string::npos) << t.status().message();
  }
}

TEST_F(CurlTransportTest, KeyOfAnotherCertificateIsRefused) {
  auto options = Options();
  options.client_key_file = kPki + "/gemeente-b.key";
  EXPECT_EQ(CurlTransport::Create(options).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(CurlTransportTest, CertificateTheServerDoesNotTrustIsUnauthenticated) {
  for (int i = 0; i < 3; ++i) {  // the server's refusal races with our first send; try a few
    auto r = Make(Options("other-ca"))->Send(Get(server_.Url("/oin")));
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << r.status().ToString();
  }
}

TEST_F(CurlTransportTest, FollowsARedirectToTheSameHost) {
  auto r = Make(Options())->Send(Get(server_.Url("/redirect-same")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "00000001000000001000|");
}

TEST_F(CurlTransportTest, RefusesARedirectToAnotherHost) {
  auto r = Make(Options())->Send(Get(server_.Url("/redirect-other")));
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied) << r.status().ToString();
  EXPECT_EQ(leaked_.load(), 0);
}

TEST_F(CurlTransportTest, ServiceUnavailableCarriesRetryAfterAndDetail) {
  auto r = Make(Options())->Send(Get(server_.Url("/busy")));
  ASSERT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.status().http_status(), 503);
  EXPECT_EQ(r.status().retry_after_seconds(), 7.0);
  EXPECT_NE(r.status().message().find("onderhoud tot 20:00"), std::string::npos);
}

TEST_F(CurlTransportTest, NotFoundIsMapped) {
  EXPECT_EQ(Make(Options())->Send(Get(server_.Url("/nope"))).status().code(), StatusCode::kNotFound);
}

TEST_F(CurlTransportTest, StreamsTheBodyToTheSinkAfterTheHead) {
  HttpRequest request = Get(server_.Url("/big"));
  bool head_first = false;
  int64_t streamed = 0;
  request.on_head = [&](const HttpResponseHead& head) {
    head_first = streamed == 0 && head.status == 200 && FindHeader(head.headers, "Content-Length") == "1048576";
    return Status::Ok();
  };
  request.on_body = [&](std::string_view chunk) {
    streamed += static_cast<int64_t>(chunk.size());
    return Status::Ok();
  };
  auto r = Make(Options())->Send(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(head_first);
  EXPECT_EQ(streamed, 1 << 20);
  EXPECT_TRUE(r->body.empty());
}

TEST_F(CurlTransportTest, SinkErrorAbortsTheTransfer) {
  HttpRequest request = Get(server_.Url("/big"));
  request.on_body = [](std::string_view) { return ResourceExhausted("disk full"); };
  auto r = Make(Options())->Send(request);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST_F(CurlTransportTest, BufferedBodyOverTheLimitIsCorruption) {
  HttpRequest request = Get(server_.Url("/big"));
  request.max_buffered_body = 1000;
  EXPECT_EQ(Make(Options())->Send(request).status().code(), StatusCode::kCorruption);
}

TEST_F(CurlTransportTest, TimeoutIsUnavailable) {
  HttpRequest request = Get(server_.Url("/slow"));
  request.timeout = std::chrono::milliseconds(300);
  auto r = Make(Options())->Send(request);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
  EXPECT_EQ(r.status().http_status(), 0);
}

TEST_F(CurlTransportTest, StallGuardAbortsASilentServer) {
  auto options = Options();
  options.low_speed_time = std::chrono::seconds(1);
  options.low_speed_bytes = 1024;
  auto r = Make(options)->Send(Get(server_.Url("/slow")));
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
}

TEST_F(CurlTransportTest, BatchRunsTransfersInParallelUpToTheLimit) {
  auto t = Make(Options());
  std::vector<HttpRequest> batch;
  for (int i = 0; i < 8; ++i) batch.push_back(Get(server_.Url("/parallel")));
  std::vector<size_t> done;
  auto start = std::chrono::steady_clock::now();
  auto results = t->RunBatch(batch, 4, [&](size_t i, const Result<HttpResponse>&) { done.push_back(i); });
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(results.size(), 8u);
  for (const auto& r : results) EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(done.size(), 8u);
  EXPECT_GE(max_in_flight_.load(), 2);
  EXPECT_LE(max_in_flight_.load(), 4);
  EXPECT_LT(elapsed, std::chrono::milliseconds(8 * 200));
}

TEST_F(CurlTransportTest, BatchSpreadsOverLanesAndCompletesOnTheCallingThread) {
  auto options = Options();
  options.transfer_threads = 3;
  auto t = Make(options);
  const std::thread::id caller = std::this_thread::get_id();
  std::mutex mu;
  std::set<std::thread::id> sink_threads;
  std::vector<int64_t> streamed(12, 0);
  std::vector<HttpRequest> batch;
  for (size_t i = 0; i < streamed.size(); ++i) {
    HttpRequest r = Get(server_.Url("/big"));
    r.on_body = [&, i](std::string_view chunk) {
      std::lock_guard<std::mutex> lock(mu);
      sink_threads.insert(std::this_thread::get_id());
      streamed[i] += static_cast<int64_t>(chunk.size());
      return Status::Ok();
    };
    batch.push_back(std::move(r));
  }
  std::vector<size_t> done;
  bool all_on_caller = true;
  auto results = t->RunBatch(batch, 6, [&](size_t i, const Result<HttpResponse>& r) {
    all_on_caller = all_on_caller && std::this_thread::get_id() == caller;
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    done.push_back(i);
  });
  ASSERT_EQ(results.size(), 12u);
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status().ToString();
    EXPECT_EQ(results[i]->body_bytes, streamed[i]) << "request " << i;
    EXPECT_GT(streamed[i], 0) << "request " << i;
  }
  std::sort(done.begin(), done.end());
  for (size_t i = 0; i < done.size(); ++i) EXPECT_EQ(done[i], i);  // each index exactly once
  EXPECT_EQ(done.size(), 12u);
  EXPECT_TRUE(all_on_caller);
  EXPECT_EQ(sink_threads.count(caller), 0u);  // bodies stream on the lanes
  EXPECT_GE(sink_threads.size(), 2u);
  EXPECT_LE(sink_threads.size(), 3u);
  // The lanes' connections are kept for the next batch and for single exchanges.
  EXPECT_TRUE(t->Send(Get(server_.Url("/oin"))).ok());
}

TEST_F(CurlTransportTest, AStopEndsTheBatchAndNoRequestStartsAfterIt) {
  StopFlag stop;
  auto t = MakeStoppable(stop);
  std::vector<HttpRequest> batch;
  for (int i = 0; i < 6; ++i) {
    HttpRequest r = Get(server_.Url("/counted-trickle"));
    r.on_body = [&stop](std::string_view) {
      stop.Request();  // the first bytes of either of the first two transfers
      return Status::Ok();
    };
    batch.push_back(std::move(r));
  }
  std::vector<size_t> done;
  auto results = t->RunBatch(batch, 2, [&](size_t i, const Result<HttpResponse>&) { done.push_back(i); });
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(done.size(), 6u);  // every outcome is still reported
  // Two were in flight when the stop came and end there; the other four never started and
  // never reached the server.
  EXPECT_EQ(counted_.load(), 2);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].status().code(), StatusCode::kCancelled) << i;
    EXPECT_NE(results[i].status().message().find("stopped on request"), std::string::npos);
  }

  // The transport stays stopped while the flag is up, and works again once it is reset.
  EXPECT_EQ(t->Send(Get(server_.Url("/oin"))).status().code(), StatusCode::kCancelled);
  EXPECT_EQ(counted_.load(), 2);
  stop.Reset();
  EXPECT_TRUE(t->Send(Get(server_.Url("/oin"))).ok());
}

// A change the server may already be carrying out is not broken off: it runs to its end, the
// rest of the batch stops as usual.
TEST_F(CurlTransportTest, AStopLetsARequestThatMustFinishRunToItsEnd) {
  StopFlag stop;
  auto t = MakeStoppable(stop);
  std::vector<HttpRequest> batch;
  std::vector<size_t> received(3, 0);
  for (size_t i = 0; i < 3; ++i) {
    HttpRequest r = Get(server_.Url("/counted-trickle"));
    r.finish_on_stop = i == 0;
    r.on_body = [&stop, &received, i](std::string_view piece) {
      received[i] += piece.size();
      stop.Request();
      return Status::Ok();
    };
    batch.push_back(std::move(r));
  }
  auto results = t->RunBatch(batch, 2, nullptr);
  ASSERT_EQ(results.size(), 3u);
  ASSERT_TRUE(results[0].ok()) << results[0].status().ToString();
  EXPECT_EQ(received[0], 1u << 20) << "the whole body arrived";
  EXPECT_EQ(results[1].status().code(), StatusCode::kCancelled);
  EXPECT_LT(received[1], 1u << 20);
  EXPECT_EQ(results[2].status().code(), StatusCode::kCancelled);
  EXPECT_EQ(received[2], 0u);
  EXPECT_EQ(counted_.load(), 2) << "the third never started";
}

TEST_F(CurlTransportTest, BatchReportsEachFailureInPlace) {
  auto t = Make(Options());
  std::vector<HttpRequest> batch = {Get(server_.Url("/oin")), Get(server_.Url("/nope")), Get("http://x/")};
  auto results = t->RunBatch(batch, 3, nullptr);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[1].status().code(), StatusCode::kNotFound);
  EXPECT_EQ(results[2].status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CurlTransportTest, UploadsAFileAsMultipart) {
  TempDir dir;
  WriteFile(dir / "plan.pdf", std::string(300000, 'p'));
  HttpRequest request;
  request.method = "POST";
  request.url = server_.Url("/upload?kenmerkSysteem=zaak-1");
  request.multipart.push_back(MultipartPart{"file", "", (dir / "plan.pdf").string(), "plan.pdf", "application/pdf"});
  auto r = Make(Options())->Send(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "plan.pdf|application/pdf|" + std::string(300000, 'p') + "|zaak-1");
}

TEST_F(CurlTransportTest, UploadOfAMissingFileIsNotFound) {
  HttpRequest request;
  request.method = "POST";
  request.url = server_.Url("/upload");
  request.multipart.push_back(MultipartPart{"file", "", "/nonexistent/plan.pdf", "", ""});
  EXPECT_EQ(Make(Options())->Send(request).status().code(), StatusCode::kNotFound);
}

TEST_F(CurlTransportTest, EmptyPostCarriesNoContentType) {
  HttpRequest request = Get(server_.Url("/echo"));
  request.method = "POST";
  auto r = Make(Options())->Send(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "POST||");
}

TEST_F(CurlTransportTest, PatchSendsItsBodyAndType) {
  HttpRequest request = Get(server_.Url("/echo"));
  request.method = "PATCH";
  request.body = R"({"status":"GESLOTEN"})";
  request.headers.push_back({"Content-Type", "application/merge-patch+json"});
  auto r = Make(Options())->Send(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, R"(PATCH|application/merge-patch+json|{"status":"GESLOTEN"})");
}

TEST_F(CurlTransportTest, StreamsARequestBodyFromASource) {
  HttpRequest request = Get(server_.Url("/echo"));
  request.method = "POST";
  request.headers.push_back({"Content-Type", "text/plain"});
  std::string payload(100000, 'z');
  size_t at = 0;
  request.body_size = static_cast<int64_t>(payload.size());
  request.body_source = [&](char* buffer, size_t capacity) -> Result<size_t> {
    size_t n = std::min(capacity, payload.size() - at);
    std::memcpy(buffer, payload.data() + at, n);
    at += n;
    return n;
  };
  auto r = Make(Options())->Send(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "POST|text/plain|" + payload);
}

TEST(ClientCertificateTest, AcceptsAValidPair) {
  EXPECT_TRUE(CheckClientCertificate(kPki + "/gemeente-a.crt", kPki + "/gemeente-a.key", std::time(nullptr)).ok());
}

TEST(ClientCertificateTest, NotYetValidIsUnauthenticated) {
  Status s = CheckClientCertificate(kPki + "/gemeente-a.crt", kPki + "/gemeente-a.key", /*now=*/1000);
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("not valid yet"), std::string::npos);
}

TEST(ClientCertificateTest, GarbageFilesAreInvalidArguments) {
  TempDir dir;
  WriteFile(dir / "junk.pem", "not a certificate");
  EXPECT_EQ(CheckClientCertificate((dir / "junk.pem").string(), kPki + "/gemeente-a.key", std::time(nullptr)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckClientCertificate(kPki + "/gemeente-a.crt", (dir / "junk.pem").string(), std::time(nullptr)).code(),
            StatusCode::kInvalidArgument);
}

TEST(CurlErrorStatusTest, MapsCurlCodes) {
  EXPECT_EQ(CurlErrorStatus(CURLE_PEER_FAILED_VERIFICATION, "", "GET x").code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(CurlErrorStatus(CURLE_SSL_CONNECT_ERROR, "", "GET x").code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(CurlErrorStatus(CURLE_RECV_ERROR, "sslv3 alert certificate expired", "GET x").code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(CurlErrorStatus(CURLE_RECV_ERROR, "Connection reset by peer", "GET x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(CurlErrorStatus(CURLE_OPERATION_TIMEDOUT, "", "GET x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(CurlErrorStatus(CURLE_COULDNT_CONNECT, "", "GET x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(CurlErrorStatus(CURLE_PARTIAL_FILE, "", "GET x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(CurlErrorStatus(CURLE_UNSUPPORTED_PROTOCOL, "", "GET x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CurlErrorStatus(CURLE_OUT_OF_MEMORY, "", "GET x").code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace swfvault::testing
