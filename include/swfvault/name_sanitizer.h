// NameSanitizer: the ONE place where a remote name becomes a path component (RELIABILITY
// rule 11). The mirror tree and the audit archive both use it, so a name that is safe in one is
// safe in the other.
//
// SanitizeName turns any byte string into a single path component that is safe on POSIX,
// Windows (NTFS/SMB) and macOS: it splits on `/` and `\` and drops `.`, `..` and empty parts
// (the rest is joined with `_`), replaces invalid UTF-8, normalises to NFC, replaces control
// characters, NUL, the Windows-reserved `<>:"|?*`, bidi/zero-width format characters and
// slash look-alikes with `_`, strips trailing dots and spaces, prefixes `_` to Windows device
// names (CON, PRN, AUX, NUL, COM1-9, LPT1-9, CONIN$, CONOUT$, with any extension) and caps the
// result at kMaxNameBytes on a code-point boundary, keeping a short extension.
//
// NFC limit (no ICU): composition and decomposition are exact for Latin letters with combining
// marks (the precomposed letters of U+00C0-U+024F and U+1E00-U+1EFF, with canonical ordering
// of their marks) plus the canonical singletons below U+2400 (e.g. KELVIN SIGN -> K). Hangul,
// Greek/Cyrillic with marks and other scripts pass through unnormalised, so two differently
// encoded names there may stay distinct; they remain safe.
//
// ResolveNameCollisions makes a list of names unique case- and NFC-insensitively (full case
// folding for Latin, Greek and Cyrillic), so a tree written from them survives a
// case-insensitive file system. All functions are pure and thread-safe.
#ifndef SWFVAULT_NAME_SANITIZER_H_
#define SWFVAULT_NAME_SANITIZER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace swfvault {

// Largest sanitized name in bytes (UTF-8).
inline constexpr size_t kMaxNameBytes = 200;
// Used when a name sanitizes to nothing and the caller's fallback does too.
inline constexpr std::string_view kFallbackName = "naamloos";

// Returns a safe, non-empty single path component for `name`. When `name` sanitizes to the
// empty string, returns SanitizeName(fallback) (e.g. a document id), or kFallbackName.
// Idempotent: SanitizeName(SanitizeName(x)) == SanitizeName(x).
std::string SanitizeName(std::string_view name, std::string_view fallback = kFallbackName);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF): what JSON, the API and the state file can hold.
bool IsUtf8(std::string_view text);

// Length of the well-formed UTF-8 sequence that starts at text[i] (i < text.size()), with its
// code point in *code_point; 0 when the byte there starts none (IsUtf8's rules).
size_t Utf8SequenceAt(std::string_view text, size_t i, char32_t* code_point);

// Returns the NFC form of valid UTF-8 `utf8` within the limit described above; invalid
// sequences become `_`.
std::string NormalizeNfc(std::string_view utf8);

// Returns the key two names collide under: NFC, then full case folding, then NFC again.
std::string NameCollisionKey(std::string_view utf8);

// `text` with ASCII letters in lower case and every other byte as it is (UTF-8 stays valid, no
// length limit): a cheap case-blind match where full folding is not needed.
std::string FoldAscii(std::string_view text);

// One name to place: `id` is a stable identifier (e.g. a document UUID), unique in the list.
struct NameRequest {
  std::string id;
  std::string desired;  // the remote name, unsanitized
};

// Returns one sanitized name per request, in input order, pairwise distinct under
// NameCollisionKey. Every member of a colliding group gets ` (<first 8 chars of its id>)`
// before its extension (more of the id, then a counter, if that still collides). The output
// for each id does not depend on the order of `requests`.
std::vector<std::string> ResolveNameCollisions(const std::vector<NameRequest>& requests);

}  // namespace swfvault

#endif  // SWFVAULT_NAME_SANITIZER_H_
