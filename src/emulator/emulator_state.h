// EmulatorState: the emulator's persistent world, one SQLite database (WAL) plus content files
// under a state directory, so a restart loses nothing.
//
// Every object is a JSON document stored under (kind, id) with an optional parent id (for
// example a document's samenwerkingId). Keys starting with '_' in a body are internal (file
// paths, seed markers) and never leave the emulator. Lists run as SQL over json_extract so a
// 100,000-document dossier does not have to fit in memory. Not thread-safe: the caller holds
// one lock around every use (see SwfApi).
#ifndef SWFVAULT_EMULATOR_EMULATOR_STATE_H_
#define SWFVAULT_EMULATOR_EMULATOR_STATE_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "swfvault/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace swfvault {

using SqlValue = std::variant<std::string, int64_t>;

// A WHERE fragment with '?' placeholders and their values, e.g. {"json_extract(body,?) = ?"}.
struct SqlCondition {
  std::string sql;
  std::vector<SqlValue> binds;
};

struct ListSpec {
  std::string kind;
  std::optional<std::string> parent;
  std::vector<SqlCondition> where;
  std::optional<SqlCondition> order_by;  // default: insertion order
  int64_t offset = 0;
  int64_t limit = -1;  // -1 = all
};

struct ListResult {
  std::vector<nlohmann::json> items;
  int64_t total = 0;  // matching rows before offset/limit
};

class EmulatorState {
 public:
  // Opens or creates `dir`/state.db and `dir`/content. kIoError when it cannot.
  static Result<std::unique_ptr<EmulatorState>> Open(const std::filesystem::path& dir);
  ~EmulatorState();
  EmulatorState(const EmulatorState&) = delete;
  EmulatorState& operator=(const EmulatorState&) = delete;

  // Inserts or replaces an object.
  Status Put(const std::string& kind, const std::string& id, const std::string& parent,
             const nlohmann::json& body);
  // Returns the body, or kNotFound naming kind and id.
  Result<nlohmann::json> Get(const std::string& kind, const std::string& id);
  // Removes an object; removing a missing one is not an error.
  Status Delete(const std::string& kind, const std::string& id);
  Result<ListResult> List(const ListSpec& spec);
  Result<int64_t> Count(const ListSpec& spec);

  // Named values (sequences, seed markers).
  Result<std::optional<std::string>> GetMeta(const std::string& key);
  Status SetMeta(const std::string& key, const std::string& value);
  // Returns the next value of a named counter, starting at `first`.
  Result<int64_t> NextSequence(const std::string& name, int64_t first);

  Status Begin();
  Status Commit();
  void Rollback();
  // Removes every object, meta value and content file.
  Status Wipe();

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path content_dir() const { return dir_ / "content"; }

 private:
  explicit EmulatorState(std::filesystem::path dir) : dir_(std::move(dir)) {}
  Status Exec(const std::string& sql);
  Status Prepare(const std::string& sql, const std::vector<SqlValue>& binds, sqlite3_stmt** stmt);
  std::string WhereClause(const ListSpec& spec, std::vector<SqlValue>* binds) const;

  std::filesystem::path dir_;
  sqlite3* db_ = nullptr;
};

}  // namespace swfvault

#endif  // SWFVAULT_EMULATOR_EMULATOR_STATE_H_
