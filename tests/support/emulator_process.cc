#include "support/emulator_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "support/https_client.h"

extern char** environ;

namespace swfvault::testing {
namespace {

int ReadPort(const std::filesystem::path& path) {
  std::ifstream in(path);
  int port = 0;
  if (in >> port) return port;
  return 0;
}

std::filesystem::path MakeWorkDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/swfvault-emu-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << tmpl;
  return tmpl;
}

}  // namespace

std::string DemoSeedPath() { return std::string(SWFVAULT_SOURCE_DIR) + "/fixtures/emulator/demo-seed.json"; }
std::string PkiDir() { return SWFVAULT_TEST_PKI_DIR; }

std::unique_ptr<EmulatorProcess> EmulatorProcess::Start(const EmulatorOptions& options) {
  std::unique_ptr<EmulatorProcess> p(new EmulatorProcess());
  p->options_ = options;
  p->work_dir_ = MakeWorkDir();
  if (!p->Launch()) return nullptr;
  return p;
}

bool EmulatorProcess::Launch() {
  std::error_code ec;
  std::filesystem::remove(work_dir_ / "port", ec);
  std::filesystem::remove(work_dir_ / "admin-port", ec);
  std::vector<std::string> args = {SWFVAULT_EMULATOR_BIN,
                                   "--listen", "127.0.0.1:0",
                                   "--port-file", (work_dir_ / "port").string(),
                                   "--tls-dir", PkiDir(),
                                   "--state", state_dir().string(),
                                   "--admin-listen", "127.0.0.1:0",
                                   "--admin-port-file", (work_dir_ / "admin-port").string()};
  if (!options_.seed_file.empty()) {
    args.push_back("--seed");
    args.push_back(options_.seed_file);
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    ADD_FAILURE() << "cannot start " << argv[0];
    pid_ = -1;
    return false;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    port_ = ReadPort(work_dir_ / "port");
    admin_port_ = ReadPort(work_dir_ / "admin-port");
    if (port_ > 0 && admin_port_ > 0) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      ADD_FAILURE() << "swfvault-emulator exited early with status " << status;
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "swfvault-emulator did not write its port files within 20 s";
  Stop();
  return false;
}

void EmulatorProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
}

EmulatorProcess::~EmulatorProcess() {
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(work_dir_, ec);
}

bool EmulatorProcess::Restart() {
  Stop();
  return Launch();
}

std::string EmulatorProcess::root_url() const { return "https://127.0.0.1:" + std::to_string(port_); }
std::string EmulatorProcess::base_url() const { return root_url() + kDefaultApiPrefix; }
std::string EmulatorProcess::admin_url() const { return "http://127.0.0.1:" + std::to_string(admin_port_); }

long EmulatorProcess::AdminStatus(const std::string& method, const std::string& path,
                                  const nlohmann::json& body) {
  HttpsClient client("");
  const std::string payload = body.is_null() ? std::string() : body.dump();
  return client.Send(method, admin_url() + path, payload, "application/json").status;
}

nlohmann::json EmulatorProcess::Admin(const std::string& method, const std::string& path,
                                      const nlohmann::json& body) {
  HttpsClient client("");
  const std::string payload = body.is_null() ? std::string() : body.dump();
  HttpResponse r = client.Send(method, admin_url() + path, payload, "application/json");
  if (r.status == 0 || r.status >= 400) {
    ADD_FAILURE() << method << " " << path << " -> " << r.status << " " << r.error << r.body;
  }
  return r.Json();
}

}  // namespace swfvault::testing
