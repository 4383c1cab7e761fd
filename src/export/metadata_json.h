// The data/metadata/*.json files: each record as the server sent it (raw_json), or rebuilt
// from the model's fields when raw_json is missing or not a JSON object, with keys sorted.
// A record whose text mentions any of `secrets` (names and descriptions of withheld
// documents) is replaced by a stub holding only its id and "achtergehouden": true.
// Pure functions, thread-safe.
#ifndef SWFVAULT_EXPORT_METADATA_JSON_H_
#define SWFVAULT_EXPORT_METADATA_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "swfvault/archive_exporter.h"
#include "swfvault/model.h"

namespace swfvault {

using Secrets = std::vector<std::string>;

// True when `text` contains any of `secrets` as a substring, compared as NameCollisionKey gives
// them ("Geheim.pdf" is found in "zie GEHEIM.PDF", "Éénhoorn" in "EE\u0301NHOORN"; the limits of
// name_sanitizer.h apply: Latin normalised, Latin/Greek/Cyrillic case-folded). Secrets are kept
// in that form.
bool MentionsAny(std::string_view text, const Secrets& secrets);
// `text` as it appears inside a JSON string these files write (quotes, backslashes and control
// characters escaped), so that a secret can be found in the written JSON too.
std::string JsonEscaped(const std::string& text);

std::string SamenwerkingJson(const Samenwerking& s, const Secrets& secrets);
std::string DeelnemersJson(const std::vector<Deelnemer>& list, const Secrets& secrets);
std::string ActieverzoekenJson(const std::vector<Actieverzoek>& list, const Secrets& secrets);
std::string BerichtenJson(const std::vector<Bericht>& list, const Secrets& secrets);
std::string NotificatiesJson(const std::vector<Notificatie>& list, const Secrets& secrets);

// An exported document with where the archive put it.
struct DocumentEntry {
  const ExportDocument* doc;
  std::string archive_path;  // relative to the bag root, "data/documenten/<name>"
};
// Each document's record plus "swfvault": {archiefPad, sha256, grootte}.
std::string DocumentenJson(const std::vector<DocumentEntry>& list);

}  // namespace swfvault

#endif  // SWFVAULT_EXPORT_METADATA_JSON_H_
