// SyncFixture: an emulator with the demo seed, a config acting as one organisation, and
// helpers to run `swfvault` against both and to look inside the vault afterwards.
#ifndef SWFVAULT_TESTS_SYNC_SYNC_FIXTURE_H_
#define SWFVAULT_TESTS_SYNC_SYNC_FIXTURE_H_

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "support/cli_process.h"
#include "support/emulator_process.h"
#include "support/https_client.h"
#include "support/temp_dir.h"

namespace swfvault::testing {

inline constexpr char kGemeenteA[] = "00000001000000001000";
inline constexpr char kAdviesbureau[] = "00000009000000004000";

class SyncFixture : public ::testing::Test {
 protected:
  void SetUp() override;

  // Writes <dir>/<org>.toml acting as `org` with vault <dir>/vault-<org> and returns its path.
  std::string WriteConfig(const std::string& org, const std::string& oin,
                          const std::string& extra = "");
  // Writes <dir>/<name>.toml for the vault `vault` with one profile per entry, registers it as
  // `name` (for Swf) and returns its path. `cert` names a key pair of the test PKI.
  struct ProfileSpec {
    std::string profile, oin, cert;
    std::string max_level = "";  // "" leaves it out
  };
  std::string WriteProfilesConfig(const std::string& name, const std::string& vault,
                                  const std::vector<ProfileSpec>& profiles);
  // swfvault --config <config of org> args...
  CliResult Swf(const std::vector<std::string>& args, const std::string& org = "gemeente-a");
  std::string VaultDir(const std::string& org = "gemeente-a") const;
  // POST /_emulator/generate; returns the samenwerkingIds.
  std::vector<std::string> Generate(const nlohmann::json& spec);
  // Every document of a samenwerking as `org` sees it through the API.
  std::vector<nlohmann::json> RemoteDocuments(const std::string& samenwerking_id,
                                              const std::string& org = "gemeente-a");
  // SHA-256 names of every object file under the vault's objects/.
  std::set<std::string> ObjectNames(const std::string& org = "gemeente-a") const;
  // Rows of `sql` on the vault's catalog, each row's columns joined by '|'.
  std::vector<std::string> Query(const std::string& sql, const std::string& org = "gemeente-a") const;
  int64_t ContentBytesSent();

  // Runs `swfvault --config <gemeente-a's> args...` in the background, polls `ready` every
  // `poll` until it holds (at most `limit`), then sends `signal` if the child still runs and
  // waits for it. `was_running` says whether the signal found it running; the exit code is
  // -signal when the signal killed it. The child's output so far is in ChildOutput().
  struct Signalled {
    bool was_running = false;
    CliResult result;
  };
  Signalled SignalWhen(std::vector<std::string> args, const std::function<bool()>& ready,
                       int signal, std::chrono::milliseconds poll, std::chrono::seconds limit);
  std::string ChildOutput() const;

  TempDir dir_;
  std::unique_ptr<EmulatorProcess> emulator_;
  std::map<std::string, std::string> configs_;
};

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_SYNC_SYNC_FIXTURE_H_
