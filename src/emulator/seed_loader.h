// Seeding the emulator: organisations, mandates, verzoeken with werkmap documents and ready
// samenwerkingen from a JSON seed file (format in docs/emulator.md), plus the deterministic
// content files that seeds and the admin corpus generator need.
//
// Seeding is idempotent: objects that already exist are left alone, so a state directory that
// already holds data can be seeded again. Callers hold the state lock; not thread-safe.
#ifndef SWFVAULT_EMULATOR_SEED_LOADER_H_
#define SWFVAULT_EMULATOR_SEED_LOADER_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/emulator_state.h"
#include "swfvault/status.h"

namespace swfvault {

struct ContentFile {
  std::string file;  // name under state.content_dir()
  std::string hash;  // lowercase hex SHA-256
  uint64_t size = 0;
};

// Produces content: called with a buffer to fill, returns bytes written (0 = done).
using ContentProducer = std::function<size_t(char* buf, size_t cap)>;

// Streams `producer` into content_dir()/name via a temp file, hashing it. kIoError on failure.
Result<ContentFile> WriteContentFile(EmulatorState& state, const std::string& name,
                                     const ContentProducer& producer);
// `size` deterministic pseudo-random bytes from `seed` (same seed, same bytes).
ContentProducer DeterministicBytes(uint64_t seed, uint64_t size);
// A small valid one-page PDF showing `text`, or `text` itself for other formats.
std::string SmallDocument(const std::string& formaat, const std::string& text);

// Applies a parsed seed; relative "bestand" paths resolve against `base_dir`.
// kInvalidArgument "<field>: <reason>" for a malformed seed.
Status ApplySeed(EmulatorState& state, const nlohmann::json& seed, const std::filesystem::path& base_dir);
// Reads and applies a seed file inside one transaction.
Status LoadSeedFile(EmulatorState& state, const std::filesystem::path& path);
// Adds one verzoek with its werkmap (replacing none); kAlreadyExists when it exists.
Status AddVerzoek(EmulatorState& state, const nlohmann::json& verzoek, const std::filesystem::path& base_dir);

}  // namespace swfvault

#endif  // SWFVAULT_EMULATOR_SEED_LOADER_H_
