// Parsing of SWF JSON into model.h types, with the limits of RELIABILITY rule 13.
//
// ParseBoundedJson checks size and nesting depth before building a DOM and names the JSON path
// of the first problem. The Parse* functions read one resource: missing or null fields become
// empty, unknown fields are ignored (the whole object is kept in raw_json), a field of the
// wrong type or a missing id is kCorruption naming `path.field`. Pure functions, thread-safe.
#ifndef SWFVAULT_SRC_API_SWF_JSON_H_
#define SWFVAULT_SRC_API_SWF_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "swfvault/model.h"
#include "swfvault/status.h"

namespace swfvault {

struct JsonLimits {
  size_t max_bytes = 8u << 20;
  int max_depth = 32;
};

// Errors (all kCorruption, message starts with `what`): body over max_bytes, nesting deeper
// than max_depth (names the path), syntax error (names the path and byte offset).
Result<nlohmann::json> ParseBoundedJson(std::string_view text, const JsonLimits& limits,
                                        std::string_view what);

Result<Samenwerking> ParseSamenwerking(const nlohmann::json& j, const std::string& path);
// `compact`: raw_json leaves out the fields the members hold exactly (see
// SwfClient::ListDocumentenCompact and RestoreKnownFields).
Result<Document> ParseDocument(const nlohmann::json& j, const std::string& path,
                               bool compact = false);
Result<Deelnemer> ParseDeelnemer(const nlohmann::json& j, const std::string& path);
Result<Actieverzoek> ParseActieverzoek(const nlohmann::json& j, const std::string& path);
Result<Bericht> ParseBericht(const nlohmann::json& j, const std::string& path);
Result<Notificatie> ParseNotificatie(const nlohmann::json& j, const std::string& path);

// Dispatch by type, for the templated list code.
inline Result<Samenwerking> ParseResource(const nlohmann::json& j, const std::string& p, Samenwerking*) {
  return ParseSamenwerking(j, p);
}
inline Result<Document> ParseResource(const nlohmann::json& j, const std::string& p, Document*) {
  return ParseDocument(j, p);
}
// A document parsed for a compact listing (ParseDocument's `compact`).
struct CompactDocument : Document {};
inline Result<CompactDocument> ParseResource(const nlohmann::json& j, const std::string& p,
                                             CompactDocument*) {
  Result<Document> d = ParseDocument(j, p, /*compact=*/true);
  if (!d.ok()) return d.status();
  return CompactDocument{std::move(*d)};
}
inline Result<Deelnemer> ParseResource(const nlohmann::json& j, const std::string& p, Deelnemer*) {
  return ParseDeelnemer(j, p);
}
inline Result<Actieverzoek> ParseResource(const nlohmann::json& j, const std::string& p, Actieverzoek*) {
  return ParseActieverzoek(j, p);
}
inline Result<Bericht> ParseResource(const nlohmann::json& j, const std::string& p, Bericht*) {
  return ParseBericht(j, p);
}
inline Result<Notificatie> ParseResource(const nlohmann::json& j, const std::string& p, Notificatie*) {
  return ParseNotificatie(j, p);
}

}  // namespace swfvault

#endif  // SWFVAULT_SRC_API_SWF_JSON_H_
