// EmulatorProcess: a real swfvault-emulator child process for integration tests, listening on
// 127.0.0.1 free ports with the test PKI, a fresh state directory and an admin port. It stops
// itself when the object goes away (SIGTERM, then SIGKILL after 5 s). Not thread-safe; use one
// object from one test thread.
#ifndef SWFVAULT_TESTS_SUPPORT_EMULATOR_PROCESS_H_
#define SWFVAULT_TESTS_SUPPORT_EMULATOR_PROCESS_H_

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace swfvault::testing {

struct EmulatorOptions {
  std::string seed_file;                // "" = no seed; e.g. DemoSeedPath()
  std::vector<std::string> extra_args;  // passed through (e.g. "--max-upload-bytes", "1000")
};

class EmulatorProcess {
 public:
  // Starts SWFVAULT_EMULATOR_BIN on 127.0.0.1:0 and waits (up to 20 s) for both port files.
  // Returns nullptr after ADD_FAILURE when it does not come up.
  static std::unique_ptr<EmulatorProcess> Start(const EmulatorOptions& options = {});
  ~EmulatorProcess();
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  std::string base_url() const;   // https://127.0.0.1:PORT/overheid/samenwerken/api/behandelen/v5
  std::string root_url() const;   // https://127.0.0.1:PORT
  std::string admin_url() const;  // http://127.0.0.1:APORT
  int port() const { return port_; }
  std::filesystem::path state_dir() const { return work_dir_ / "state"; }
  pid_t pid() const { return pid_; }

  // Stops the process and starts it again on the same state directory (new ports).
  // Returns false (after ADD_FAILURE) when it does not come back.
  bool Restart();
  // Calls the admin API; returns the parsed JSON body (null when empty or not JSON).
  // Fails the test (ADD_FAILURE) on a transport error or a status >= 400.
  nlohmann::json Admin(const std::string& method, const std::string& path,
                       const nlohmann::json& body = {});
  // Like Admin but returns the status code instead of failing on >= 400.
  long AdminStatus(const std::string& method, const std::string& path, const nlohmann::json& body = {});

 private:
  EmulatorProcess() = default;
  bool Launch();
  void Stop();

  EmulatorOptions options_;
  std::filesystem::path work_dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int admin_port_ = 0;
};

// fixtures/emulator/demo-seed.json in the source tree.
std::string DemoSeedPath();
// SWFVAULT_TEST_PKI_DIR: ca.crt, server.*, <org>.crt/.key.
std::string PkiDir();
// The API prefix the emulator uses by default.
inline constexpr const char* kDefaultApiPrefix = "/overheid/samenwerken/api/behandelen/v5";

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SUPPORT_EMULATOR_PROCESS_H_
