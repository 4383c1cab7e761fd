#include "sync/sync_fixture.h"

#include <sqlite3.h>

#include <filesystem>
#include <thread>

namespace swfvault::testing {

void SyncFixture::SetUp() {
  emulator_ = EmulatorProcess::Start({DemoSeedPath(), {}});
  ASSERT_NE(emulator_, nullptr);
  WriteConfig("gemeente-a", kGemeenteA);
}

std::string SyncFixture::VaultDir(const std::string& org) const {
  return (dir_.path() / ("vault-" + org)).string();
}

std::string SyncFixture::WriteConfig(const std::string& org, const std::string& oin,
                                     const std::string& extra) {
  std::string pki = PkiDir();
  std::string path = (dir_.path() / (org + ".toml")).string();
  WriteFile(path, "vault = \"" + VaultDir(org) + "\"\n" +
                      "base_url = \"" + emulator_->base_url() + "\"\n" +
                      "ca = \"" + pki + "/ca.crt\"\n" + extra + "\n[profile." + org + "]\n" +
                      "oin = \"" + oin + "\"\n" + "cert = \"" + pki + "/" + org + ".crt\"\n" +
                      "key = \"" + pki + "/" + org + ".key\"\n");
  configs_[org] = path;
  return path;
}

std::string SyncFixture::WriteProfilesConfig(const std::string& name, const std::string& vault,
                                             const std::vector<ProfileSpec>& profiles) {
  const std::string pki = PkiDir();
  std::string text = "vault = \"" + vault + "\"\nbase_url = \"" + emulator_->base_url() +
                     "\"\nca = \"" + pki + "/ca.crt\"\n";
  for (const ProfileSpec& p : profiles) {
    text += "\n[profile." + p.profile + "]\noin = \"" + p.oin + "\"\ncert = \"" + pki + "/" +
            p.cert + ".crt\"\nkey = \"" + pki + "/" + p.cert + ".key\"\n";
    if (!p.max_level.empty()) text += "max_level = \"" + p.max_level + "\"\n";
  }
  const std::string path = (dir_.path() / (name + ".toml")).string();
  WriteFile(path, text);
  configs_[name] = path;
  return path;
}

CliResult SyncFixture::Swf(const std::vector<std::string>& args, const std::string& org) {
  std::vector<std::string> full = {"--config", configs_.at(org)};
  full.insert(full.end(), args.begin(), args.end());
  return RunCli(full);
}

std::vector<std::string> SyncFixture::Generate(const nlohmann::json& spec) {
  nlohmann::json out = emulator_->Admin("POST", "/_emulator/generate", spec);
  std::vector<std::string> ids;
  for (const auto& id : out["samenwerkingen"]) ids.push_back(id.get<std::string>());
  return ids;
}

std::vector<nlohmann::json> SyncFixture::RemoteDocuments(const std::string& id,
                                                         const std::string& org) {
  HttpsClient client(org);
  std::vector<nlohmann::json> docs;
  for (int page = 0;; ++page) {
    auto r = client.Get(emulator_->base_url() + "/samenwerkingen/" + id +
                        "/documenten?aantal=100&pagina=" + std::to_string(page));
    EXPECT_EQ(r.status, 200) << r.body;
    nlohmann::json j = r.Json();
    if (j.contains("_embedded")) {
      for (const auto& d : j["_embedded"]["documenten"]) docs.push_back(d);
    }
    if (r.status != 200 || page + 1 >= j["page"]["totalPages"].get<int>()) break;
  }
  return docs;
}

std::set<std::string> SyncFixture::ObjectNames(const std::string& org) const {
  std::set<std::string> names;
  std::filesystem::path objects = std::filesystem::path(VaultDir(org)) / "objects";
  if (!std::filesystem::exists(objects)) return names;
  for (const auto& e : std::filesystem::recursive_directory_iterator(objects)) {
    if (e.is_regular_file()) names.insert(e.path().filename().string());
  }
  return names;
}

std::vector<std::string> SyncFixture::Query(const std::string& sql, const std::string& org) const {
  std::vector<std::string> rows;
  sqlite3* db = nullptr;
  std::string path = VaultDir(org) + "/catalog.db";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return rows;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* text = sqlite3_column_text(stmt, i);
        if (i > 0) row += "|";
        row += text ? reinterpret_cast<const char*>(text) : "";
      }
      rows.push_back(row);
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

int64_t SyncFixture::ContentBytesSent() {
  return emulator_->Admin("GET", "/_emulator/stats")["contentBytesSent"].get<int64_t>();
}

SyncFixture::Signalled SyncFixture::SignalWhen(std::vector<std::string> args,
                                               const std::function<bool()>& ready, int signal,
                                               std::chrono::milliseconds poll,
                                               std::chrono::seconds limit) {
  args.insert(args.begin(), {"--config", configs_.at("gemeente-a")});
  Signalled out;
  CliChild child(args, dir_.path().string());
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ready() && child.Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(poll);
  }
  out.was_running = child.Running();
  if (out.was_running) child.Kill(signal);
  out.result = {child.Wait(), ChildOutput(), ReadFile(dir_ / "child.err")};
  return out;
}

std::string SyncFixture::ChildOutput() const {
  std::error_code ec;
  return std::filesystem::exists(dir_ / "child.out", ec) ? ReadFile(dir_ / "child.out") : "";
}

}  // namespace swfvault::testing
