#include "profile.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace classifier {
namespace {

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool equals_ignoring_case(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != lower[i]) return false;
  }
  return true;
}

bool is_integer(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return digits(s);
}

bool is_decimal(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  const auto e = s.find_first_of("eE");
  std::string_view mantissa = s.substr(0, e);
  if (e != std::string_view::npos && !is_integer(s.substr(e + 1))) return false;
  const auto dot = mantissa.find('.');
  if (dot == std::string_view::npos) return digits(mantissa);
  const auto whole = mantissa.substr(0, dot);
  const auto fraction = mantissa.substr(dot + 1);
  return (digits(whole) || whole.empty()) && (digits(fraction) || fraction.empty()) &&
         !(whole.empty() && fraction.empty());
}

bool is_boolean(std::string_view s) {
  for (std::string_view word : {"true", "false", "t", "f", "yes", "no"})
    if (equals_ignoring_case(s, word)) return true;
  return false;
}

// "HH:MM" or "HH:MM:SS" with an optional ".fraction".
bool is_time(std::string_view s) {
  if (s.size() < 5 || !digits(s.substr(0, 2)) || s[2] != ':' || !digits(s.substr(3, 2)))
    return false;
  s.remove_prefix(5);
  if (s.empty()) return true;
  if (s.size() < 3 || s[0] != ':' || !digits(s.substr(1, 2))) return false;
  s.remove_prefix(3);
  return s.empty() || (s[0] == '.' && digits(s.substr(1)));
}

bool is_timestamp(std::string_view s) {
  // ISO: YYYY-MM-DD, then optionally ' ' or 'T' and a time, and 'Z'.
  if (s.size() >= 10 && digits(s.substr(0, 4)) && s[4] == '-' && digits(s.substr(5, 2)) &&
      s[7] == '-' && digits(s.substr(8, 2))) {
    s.remove_prefix(10);
    if (s.empty()) return true;
    if (s[0] != ' ' && s[0] != 'T') return false;
    s.remove_prefix(1);
    if (!s.empty() && s.back() == 'Z') s.remove_suffix(1);
    return is_time(s);
  }
  // US: MM/DD/YYYY, then optionally a time and AM or PM.
  if (s.size() >= 10 && digits(s.substr(0, 2)) && s[2] == '/' && digits(s.substr(3, 2)) &&
      s[5] == '/' && digits(s.substr(6, 4))) {
    s.remove_prefix(10);
    if (s.empty()) return true;
    if (s[0] != ' ') return false;
    s.remove_prefix(1);
    if (s.size() > 3 && (s.substr(s.size() - 3) == " AM" || s.substr(s.size() - 3) == " PM"))
      s.remove_suffix(3);
    return is_time(s);
  }
  return false;
}

// The narrowest type holding both.
value_type widen(value_type a, value_type b) {
  if (a == value_type::empty) return b;
  if (b == value_type::empty || a == b) return a;
  const auto numeric = [](value_type t) {
    return t == value_type::integer || t == value_type::decimal;
  };
  if (numeric(a) && numeric(b)) return value_type::decimal;
  return value_type::text;
}

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

}  // namespace

std::string_view to_string(value_type type) noexcept {
  switch (type) {
    case value_type::empty:
      return "empty";
    case value_type::integer:
      return "integer";
    case value_type::decimal:
      return "decimal";
    case value_type::boolean:
      return "boolean";
    case value_type::timestamp:
      return "timestamp";
    case value_type::text:
      return "text";
  }
  return "text";
}

value_type type_of(std::string_view value) noexcept {
  if (is_integer(value)) return value_type::integer;
  if (is_decimal(value)) return value_type::decimal;
  if (is_boolean(value)) return value_type::boolean;
  if (is_timestamp(value)) return value_type::timestamp;
  return value_type::text;
}

bool is_missing(std::string_view value) noexcept {
  return value.empty() || equals_ignoring_case(value, "null");
}

namespace {

// HyperLogLog with 2^14 one-byte registers (16 KiB a column, standard error about 0.8%).
class distinct_estimate {
 public:
  void add(std::uint64_t hash) noexcept {
    const auto index = static_cast<std::size_t>(hash >> (64 - precision));
    const std::uint64_t rest = hash << precision;
    const auto rank =
        static_cast<std::uint8_t>(rest == 0 ? 64 - precision + 1 : std::countl_zero(rest) + 1);
    if (rank > registers_[index]) registers_[index] = rank;
  }
  [[nodiscard]] std::size_t value() const noexcept {
    constexpr double m = 1 << precision;
    double sum = 0;
    std::size_t zeros = 0;
    for (const auto r : registers_) {
      sum += std::ldexp(1.0, -r);
      if (r == 0) ++zeros;
    }
    const double raw = (0.7213 / (1 + 1.079 / m)) * m * m / sum;
    // Small ranges are better served by linear counting.
    if (raw <= 2.5 * m && zeros != 0)
      return static_cast<std::size_t>(m * std::log(m / static_cast<double>(zeros)) + 0.5);
    return static_cast<std::size_t>(raw + 0.5);
  }

 private:
  static constexpr int precision = 14;
  std::vector<std::uint8_t> registers_ = std::vector<std::uint8_t>(std::size_t{1} << precision);
};

// std::hash of a string is 64 bits of MurmurHash on libstdc++; mixed once more so that the
// register index (the top bits) is well spread.
std::uint64_t hash_of(std::string_view value) noexcept {
  std::uint64_t h = std::hash<std::string_view>{}(value);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

struct profiler::state {
  std::size_t examples;
  std::size_t exact_distinct;
  std::size_t rows = 0;
  std::vector<column_profile> columns;
  // Exact sets while a column has few distinct values; an estimate once it has more.
  std::vector<std::unordered_set<std::string, string_hash, std::equal_to<>>> seen;
  std::vector<std::optional<distinct_estimate>> estimates;
};

profiler::profiler(std::span<const std::string> header, std::size_t examples,
                   std::size_t exact_distinct)
    : state_(std::make_unique<state>()) {
  state_->examples = examples;
  state_->exact_distinct = exact_distinct;
  for (const auto& name : header) {
    column_profile c;
    c.name = name;
    state_->columns.push_back(std::move(c));
  }
  state_->seen.resize(header.size());
  state_->estimates.resize(header.size());
}
profiler::profiler(profiler&&) noexcept = default;
profiler& profiler::operator=(profiler&&) noexcept = default;
profiler::~profiler() = default;

void profiler::add(std::span<const std::string> fields) {
  auto& s = *state_;
  ++s.rows;
  const std::size_t n = std::min(fields.size(), s.columns.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& value = fields[i];
    if (is_missing(value)) continue;
    auto& column = s.columns[i];
    ++column.present;
    column.type = widen(column.type, type_of(value));
    if (auto& estimate = s.estimates[i]) {
      estimate->add(hash_of(value));
      continue;
    }
    auto& seen = s.seen[i];
    if (seen.find(std::string_view(value)) != seen.end()) continue;
    if (column.examples.size() < s.examples) column.examples.push_back(value);
    if (seen.size() < s.exact_distinct) {
      seen.insert(value);
      continue;
    }
    // One value too many to count exactly: the values seen so far seed the estimate.
    auto& e = s.estimates[i].emplace();
    for (const auto& v : seen) e.add(hash_of(v));
    e.add(hash_of(value));
    seen = {};
  }
}

table_profile profiler::result() const {
  table_profile out;
  out.rows = state_->rows;
  out.columns = state_->columns;
  for (std::size_t i = 0; i < out.columns.size(); ++i) {
    const auto& estimate = state_->estimates[i];
    out.columns[i].distinct = estimate ? estimate->value() : state_->seen[i].size();
    out.columns[i].distinct_estimated = estimate.has_value();
  }
  return out;
}

table_profile profile_csv(const std::filesystem::path& file, const csv_options& options) {
  std::optional<profiler> p;
  const auto stats = read_csv(
      file, options, [&](std::span<const std::string> header) { p.emplace(header); },
      [&](const csv_row& row) { p->add(row.fields); });
  auto out = p->result();
  out.skipped = stats.skipped;
  return out;
}

std::vector<std::vector<value_count>> count_values(const std::filesystem::path& file,
                                                   std::span<const std::string> columns,
                                                   const csv_options& options) {
  std::vector<std::size_t> positions;
  std::vector<std::unordered_map<std::string, std::size_t, string_hash, std::equal_to<>>> counts(
      columns.size());
  (void)read_csv(
      file, options,
      [&](std::span<const std::string> header) {
        for (const auto& name : columns) {
          const auto at = std::find(header.begin(), header.end(), name);
          if (at == header.end())
            throw csv_error(file, 1, "the header has no column \"" + name + "\"");
          positions.push_back(static_cast<std::size_t>(at - header.begin()));
        }
      },
      [&](const csv_row& row) {
        for (std::size_t i = 0; i < positions.size(); ++i) {
          const std::string& value = row.fields[positions[i]];
          if (is_missing(value)) continue;
          auto found = counts[i].find(std::string_view(value));
          if (found == counts[i].end()) found = counts[i].emplace(value, 0).first;
          ++found->second;
        }
      });
  std::vector<std::vector<value_count>> out(columns.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    out[i].reserve(counts[i].size());
    for (auto& [value, count] : counts[i]) out[i].push_back({value, count});
    std::sort(out[i].begin(), out[i].end(), more_frequent);
  }
  return out;
}

}  // namespace classifier
