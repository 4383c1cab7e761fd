// RunEmulator: flags, wiring and lifetime of swfvault-emulator (see docs/emulator.md).
#include "swfvault/emulator.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

#include "emulator/admin_api.h"
#include "emulator/emulator_state.h"
#include "emulator/fault_injector.h"
#include "emulator/seed_loader.h"
#include "emulator/swf_api.h"
#include "emulator/tls_identity.h"

namespace swfvault {
namespace {

struct EmulatorFlags {
  std::string listen = "127.0.0.1:8443";
  std::string port_file;
  std::string tls_dir;
  std::string state_dir;
  std::string seed;
  std::string admin_listen;
  std::string admin_port_file;
  SwfApiOptions api;
};

bool SplitHostPort(const std::string& s, std::string* host, int* port) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  *host = s.substr(0, colon);
  if (host->size() > 2 && host->front() == '[') *host = host->substr(1, host->size() - 2);
  try {
    *port = std::stoi(s.substr(colon + 1));
  } catch (...) {
    return false;
  }
  return !host->empty() && *port >= 0 && *port < 65536;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// Written to a temp name and renamed, so a reader never sees a half-written port.
bool WritePortFile(const std::string& path, int port) {
  if (path.empty()) return true;
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << port << "\n";
    if (!out.good()) return false;
  }
  return std::rename(temp.c_str(), path.c_str()) == 0;
}

int Bind(httplib::Server& server, const std::string& host, int port) {
  // Accepted sockets inherit TCP_NODELAY; without it small responses wait on delayed ACKs.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  });
  if (port == 0) return server.bind_to_any_port(host);
  return server.bind_to_port(host, port) ? port : -1;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "swfvault-emulator: %s\n", message.c_str());
  return 1;
}

int ParseFlags(int argc, char** argv, EmulatorFlags* f, bool* exit_now) {
  CLI::App app{"swfvault-emulator: an offline DSO SWF server over mutual TLS"};
  app.add_option("--listen", f->listen, "HOST:PORT for the SWF API (port 0 = any free port)");
  app.add_option("--port-file", f->port_file, "write the bound SWF port here once listening");
  app.add_option("--tls-dir", f->tls_dir, "directory with ca.crt, server.crt, server.key")->required();
  app.add_option("--state", f->state_dir, "state directory (SQLite + content files)")->required();
  app.add_option("--prefix", f->api.prefix, "path prefix of the API (paths without it work too)");
  app.add_option("--oin-header", f->api.oin_header, "HTTP header carrying the acting OIN");
  app.add_option("--seed", f->seed, "seed JSON (organisations, mandates, verzoeken, ...)");
  app.add_option("--admin-listen", f->admin_listen, "loopback HOST:PORT for the plain-HTTP admin API");
  app.add_option("--admin-port-file", f->admin_port_file, "write the bound admin port here");
  app.add_option("--max-upload-bytes", f->api.max_upload_bytes, "largest accepted upload (413 above)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    *exit_now = true;
    return app.exit(e);
  }
  return 0;
}

}  // namespace

int RunEmulator(int argc, char** argv) {
  EmulatorFlags flags;
  bool exit_now = false;
  int rc = ParseFlags(argc, argv, &flags, &exit_now);
  if (exit_now) return rc;
  std::string host, admin_host;
  int port = 0, admin_port = 0;
  if (!SplitHostPort(flags.listen, &host, &port)) return Fail("--listen must be HOST:PORT");
  if (!flags.admin_listen.empty() &&
      (!SplitHostPort(flags.admin_listen, &admin_host, &admin_port) || !IsLoopback(admin_host))) {
    return Fail("--admin-listen must be a loopback HOST:PORT");
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
  signal(SIGPIPE, SIG_IGN);

  auto state = EmulatorState::Open(flags.state_dir);
  if (!state.ok()) return Fail(state.status().ToString());
  if (!flags.seed.empty()) {
    Status s = LoadSeedFile(**state, flags.seed);
    if (!s.ok()) return Fail(s.ToString());
  }
  std::recursive_mutex mu;
  FaultInjector faults;
  TrafficStats stats;
  SwfApi api(state->get(), &mu, &faults, &stats, flags.api);
  Status tls = Status::Ok();
  httplib::SSLServer server([&](SSL_CTX& ctx) {
    tls = ConfigureServerTls(ctx, flags.tls_dir);
    return tls.ok();
  });
  if (!server.is_valid()) return Fail(tls.ToString());
  api.Register(server);
  // httplib parks one pool thread per open keep-alive connection; the default pool of 8 would
  // stall a client that opens more parallel connections than that.
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };
  server.set_keep_alive_max_count(100000);
  server.set_keep_alive_timeout(10);
  server.set_read_timeout(30);
  server.set_write_timeout(60);
  int bound = Bind(server, host, port);
  if (bound < 0) return Fail("cannot listen on " + flags.listen);

  httplib::Server admin;
  AdminApi admin_api(state->get(), &mu, &faults, &stats, flags.seed);
  int admin_bound = -1;
  if (!flags.admin_listen.empty()) {
    admin_api.Register(admin);
    admin_bound = Bind(admin, admin_host, admin_port);
    if (admin_bound < 0) return Fail("cannot listen on " + flags.admin_listen);
  }
  std::thread swf_thread([&] { server.listen_after_bind(); });
  std::thread admin_thread([&] { if (admin_bound >= 0) admin.listen_after_bind(); });
  if (!WritePortFile(flags.admin_port_file, admin_bound) || !WritePortFile(flags.port_file, bound)) {
    std::fprintf(stderr, "swfvault-emulator: cannot write port file\n");
  }
  std::fprintf(stderr, "swfvault-emulator: https://%s:%d%s (admin %s:%d)\n", host.c_str(), bound,
               flags.api.prefix.c_str(), admin_host.c_str(), admin_bound);
  int sig = 0;
  sigwait(&signals, &sig);
  server.stop();
  if (admin_bound >= 0) admin.stop();
  swf_thread.join();
  admin_thread.join();
  std::fprintf(stderr, "swfvault-emulator: stopped on signal %d\n", sig);
  return 0;
}

}  // namespace swfvault
