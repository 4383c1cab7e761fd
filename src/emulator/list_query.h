// ListQuery: the paging, filter and sort parameters of an SWF collection request, parsed from
// the query string (swf-api.md section 2), their SQL form, and the HAL page built from a result.
// Pure functions; thread-safe.
#ifndef SWFVAULT_EMULATOR_LIST_QUERY_H_
#define SWFVAULT_EMULATOR_LIST_QUERY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/emulator_state.h"
#include "swfvault/status.h"

namespace swfvault {

enum class FilterOp { kEq, kNot, kGt, kGte, kLt, kLte };

struct Filter {
  std::string field;
  FilterOp op = FilterOp::kEq;
  std::string value;
};

struct SortKey {
  std::string field;
  bool descending = false;
};

struct ListQuery {
  std::vector<Filter> filters;
  std::optional<SortKey> sort;
  int64_t page = 0;  // 0-based
  int64_t size = 20;  // 1..100
};

inline constexpr int64_t kDefaultPageSize = 20;
inline constexpr int64_t kMaxPageSize = 100;

// Parses `params` (decoded query parameters). `fields` are the resource's filterable and
// sortable fields; parameters named in `ignored` are handled by the caller; other plain names
// are ignored. Returns kInvalidArgument "<param>: <reason>" for a bad page number or size
// (also a page whose offset, page x size, would overflow), an unknown operator, a filter/sort
// on a field not in `fields`, or a filter value of the wrong kind: not an ISO-8601 date-time
// for a field ending in "DatumTijd", not a whole number for a numeric field.
Result<ListQuery> ParseListQuery(const std::multimap<std::string, std::string>& params,
                                 const std::set<std::string>& fields,
                                 const std::set<std::string>& ignored = {});

// SQL over objects.body for one filter. Fields ending in "DatumTijd" compare as instants under
// every operator (julianday, offsets honoured, a "[zone id]" suffix dropped); numeric fields
// (bestandsGrootte, aantalBerichten) compare as integers.
SqlCondition FilterCondition(const Filter& filter);
SqlCondition SortCondition(const SortKey& sort);

// {"_embedded": {rel: items}, "_links": {self, first, prev, next, last}, "page": {...}};
// `_embedded` is omitted when items is empty. `base` is the absolute URL without query;
// `kept` is the query string (without paging) to carry into each link, may be empty. `next`
// only while a later page exists; `prev` on any page > 0, pointing at the last page (page 0
// when empty) from beyond the end.
nlohmann::json HalPage(const std::string& rel, std::vector<nlohmann::json> items, int64_t total,
                       const ListQuery& query, const std::string& base, const std::string& kept);

}  // namespace swfvault

#endif  // SWFVAULT_EMULATOR_LIST_QUERY_H_
