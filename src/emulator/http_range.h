// Byte ranges and Content-Disposition for document content (RFC 9110, RFC 6266).
// Pure functions; thread-safe.
#ifndef SWFVAULT_EMULATOR_HTTP_RANGE_H_
#define SWFVAULT_EMULATOR_HTTP_RANGE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace swfvault {

enum class RangeOutcome {
  kFull,           // no Range, an ignored Range (malformed, multi-range) or If-Range mismatch
  kPartial,        // serve [first, last] with 206
  kUnsatisfiable,  // 416 with Content-Range: bytes */size
};

struct RangeDecision {
  RangeOutcome outcome = RangeOutcome::kFull;
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
};

// Decides how to answer a GET of a `size`-byte entity with strong `etag` (quoted) given the
// request's Range and If-Range header values (empty when absent). Accepts `bytes=a-b`,
// `bytes=a-` and `bytes=-n`; an If-Range that is not exactly `etag` yields kFull.
RangeDecision DecideRange(std::string_view range, std::string_view if_range,
                          std::string_view etag, uint64_t size);

// `attachment; filename="..."` with a quoted ASCII fallback, plus `filename*=UTF-8''...`
// (percent-encoded) when the name has non-ASCII bytes, quotes, backslashes or controls.
std::string ContentDisposition(std::string_view filename);

}  // namespace swfvault

#endif  // SWFVAULT_EMULATOR_HTTP_RANGE_H_
