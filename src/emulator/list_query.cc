#include "emulator/list_query.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace swfvault {
namespace {

// Numbers stored in an object's body. (A samenwerking's aantalActieverzoeken and
// aantalNotificaties are worked out per caller when rendered, so no query can filter on them.)
const std::set<std::string> kNumericFields = {"bestandsGrootte", "aantalBerichten"};

bool ParseInt(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::optional<FilterOp> OpFromName(const std::string& name) {
  static const std::map<std::string, FilterOp> kOps = {
      {"not", FilterOp::kNot}, {"gt", FilterOp::kGt},   {"gte", FilterOp::kGte},
      {"lt", FilterOp::kLt},   {"lte", FilterOp::kLte}};
  auto it = kOps.find(name);
  if (it == kOps.end()) return std::nullopt;
  return it->second;
}

Status ParsePaging(const std::string& key, const std::string& value, ListQuery* q) {
  int64_t n = 0;
  if (key == "aantal") {
    if (!ParseInt(value, &n) || n < 1 || n > kMaxPageSize) {
      return InvalidArgument("aantal: must be a whole number from 1 to 100");
    }
    q->size = n;
    return Status::Ok();
  }
  if (!ParseInt(value, &n) || n < 0) return InvalidArgument(key + ": must be a whole number >= 0");
  q->page = n;
  return Status::Ok();
}

Status ParseSort(const std::string& value, const std::set<std::string>& fields, ListQuery* q) {
  SortKey key;
  key.descending = !value.empty() && value[0] == '-';
  key.field = key.descending ? value.substr(1) : value;
  if (!fields.count(key.field)) return InvalidArgument("_sort: cannot sort on '" + key.field + "'");
  q->sort = key;
  return Status::Ok();
}

std::string Column(const std::string&) { return "json_extract(body, ?)"; }

bool IsInstant(const std::string& field) {
  return field.size() >= 9 && field.compare(field.size() - 9, 9, "DatumTijd") == 0;
}

// Java's ZonedDateTime.toString() may append a zone id: 2026-08-06T12:00+02:00[Europe/Amsterdam].
std::string WithoutZoneId(const std::string& value) { return value.substr(0, value.find('[')); }

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// The `n` digits of `s` at `at` as a number in *out; false when they are not all there.
bool Digits(const std::string& s, size_t at, size_t n, int* out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// The ISO-8601 forms clients send, all of which SQLite's julianday() reads the same way:
// YYYY-MM-DD, optionally THH:MM[:SS[.fraction]] and then Z or +-HH:MM (none = UTC). Checked by
// hand: GCC 12 fails the sanitizer build on <regex> (a false -Wmaybe-uninitialized, bug 105562).
bool IsInstantValue(const std::string& v) {
  int year = 0, month = 0, day = 0;
  if (v.size() < 10 || !Digits(v, 0, 4, &year) || v[4] != '-' || !Digits(v, 5, 2, &month) || v[7] != '-' ||
      !Digits(v, 8, 2, &day)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return false;
  size_t at = 10;
  if (at == v.size()) return true;
  int hours = 0, minutes = 0, seconds = 0;
  if (v[at] != 'T' || v.size() < at + 6 || !Digits(v, at + 1, 2, &hours) || v[at + 3] != ':' ||
      !Digits(v, at + 4, 2, &minutes)) {
    return false;
  }
  at += 6;
  if (at < v.size() && v[at] == ':') {
    if (!Digits(v, at + 1, 2, &seconds)) return false;
    at += 3;
    if (at < v.size() && v[at] == '.') {
      const size_t start = ++at;
      while (at < v.size() && v[at] >= '0' && v[at] <= '9') ++at;
      if (at == start) return false;
    }
  }
  if (hours > 23 || minutes > 59 || seconds > 59) return false;
  if (at == v.size()) return true;
  if (v[at] == 'Z') return at + 1 == v.size();
  int offset_hours = 0, offset_minutes = 0;
  if ((v[at] != '+' && v[at] != '-') || at + 6 != v.size() || !Digits(v, at + 1, 2, &offset_hours) ||
      v[at + 3] != ':' || !Digits(v, at + 4, 2, &offset_minutes)) {
    return false;
  }
  return offset_hours <= 14 && offset_minutes <= 59;
}

// Compared as instants or numbers, a value of the wrong kind would silently match nothing (or,
// under [not], everything).
Status CheckFilterValue(const std::string& param, const std::string& field, const std::string& value) {
  int64_t n = 0;
  if (IsInstant(field) && !IsInstantValue(WithoutZoneId(value))) {
    return InvalidArgument(param + ": must be an ISO-8601 date-time such as 2026-06-04T10:45:01.933+02:00");
  }
  if (kNumericFields.count(field) && !ParseInt(value, &n)) {
    return InvalidArgument(param + ": must be a whole number");
  }
  return Status::Ok();
}

std::string PageLink(const std::string& base, const std::string& kept, int64_t page,
                     int64_t size) {
  std::string url = base + "?";
  if (!kept.empty()) url += kept + "&";
  return url + "pagina=" + std::to_string(page) + "&aantal=" + std::to_string(size);
}

}  // namespace

Result<ListQuery> ParseListQuery(const std::multimap<std::string, std::string>& params,
                                 const std::set<std::string>& fields,
                                 const std::set<std::string>& ignored) {
  ListQuery q;
  std::string page_key = "pagina";
  for (const auto& [key, value] : params) {
    if (key == "pagina" || key == "page" || key == "aantal") {
      SWF_RETURN_IF_ERROR(ParsePaging(key, value, &q));
      if (key != "aantal") page_key = key;
    } else if (key == "_sort") {
      SWF_RETURN_IF_ERROR(ParseSort(value, fields, &q));
    } else if (ignored.count(key)) {
      continue;
    } else if (auto open = key.find('['); open != std::string::npos && key.back() == ']') {
      std::string field = key.substr(0, open);
      auto op = OpFromName(key.substr(open + 1, key.size() - open - 2));
      if (!op) return InvalidArgument(key + ": unknown filter operator");
      if (!fields.count(field)) return InvalidArgument(key + ": cannot filter on '" + field + "'");
      SWF_RETURN_IF_ERROR(CheckFilterValue(key, field, value));
      q.filters.push_back({field, *op, value});
    } else if (fields.count(key)) {
      SWF_RETURN_IF_ERROR(CheckFilterValue(key, key, value));
      q.filters.push_back({key, FilterOp::kEq, value});
    }
  }
  // The offset just past the page must fit, so neither the offset nor a next page overflows.
  if (q.page > (std::numeric_limits<int64_t>::max() - q.size) / q.size) {
    return InvalidArgument(page_key + ": page " + std::to_string(q.page) + " of " + std::to_string(q.size) +
                           " would start past the largest offset");
  }
  return q;
}

SqlCondition FilterCondition(const Filter& f) {
  static const std::map<FilterOp, std::string> kSql = {
      {FilterOp::kEq, "="}, {FilterOp::kNot, "IS NOT"}, {FilterOp::kGt, ">"},
      {FilterOp::kGte, ">="}, {FilterOp::kLt, "<"},     {FilterOp::kLte, "<="}};
  const std::string path = "$." + f.field;
  const std::string& op = kSql.at(f.op);
  int64_t n = 0;
  if (kNumericFields.count(f.field) && ParseInt(f.value, &n)) {
    return {Column(f.field) + " " + op + " ?", {path, n}};
  }
  if (IsInstant(f.field)) {
    // Every operator, = and IS NOT included: the same instant has many spellings.
    return {"julianday(" + Column(f.field) + ") " + op + " julianday(?)", {path, WithoutZoneId(f.value)}};
  }
  return {Column(f.field) + " " + op + " ?", {path, f.value}};
}

SqlCondition SortCondition(const SortKey& sort) {
  const std::string dir = sort.descending ? " DESC" : " ASC";
  if (IsInstant(sort.field)) return {"julianday(json_extract(body, ?))" + dir, {"$." + sort.field}};
  return {"json_extract(body, ?)" + dir, {"$." + sort.field}};
}

nlohmann::json HalPage(const std::string& rel, std::vector<nlohmann::json> items, int64_t total,
                       const ListQuery& q, const std::string& base, const std::string& kept) {
  nlohmann::json page = nlohmann::json::object();
  int64_t pages = (total + q.size - 1) / q.size;
  if (!items.empty()) page["_embedded"][rel] = std::move(items);
  nlohmann::json links;
  links["self"]["href"] = PageLink(base, kept, q.page, q.size);
  links["first"]["href"] = PageLink(base, kept, 0, q.size);
  // Page 0 exists even in an empty collection; from beyond the end, prev leads back to the last.
  const int64_t last = std::max<int64_t>(pages, 1) - 1;
  if (pages > 0) links["last"]["href"] = PageLink(base, kept, last, q.size);
  if (q.page > 0) links["prev"]["href"] = PageLink(base, kept, std::min(q.page - 1, last), q.size);
  if (q.page < pages - 1) links["next"]["href"] = PageLink(base, kept, q.page + 1, q.size);
  page["_links"] = std::move(links);
  page["page"] = {{"number", q.page}, {"size", q.size}, {"totalElements", total},
                  {"totalPages", pages}};
  return page;
}

}  // namespace swfvault
