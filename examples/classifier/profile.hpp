#pragma once
// Profiling a table of text values, column by column: how many values are present, how many
// distinct, a few examples, and the narrowest type every present value fits. Fed a row at a
// time, so a CSV file is profiled in the same single pass that reads it.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "csv_reader.hpp"

namespace classifier {

/// The narrowest type that every present value of a column fits, from the most to the
/// least specific: integer ⊂ decimal; boolean, timestamp and text stand alone.
enum class value_type { empty, integer, decimal, boolean, timestamp, text };

[[nodiscard]] std::string_view to_string(value_type type) noexcept;

/// The type of one present value: "-12" integer, "2.95" and "1e3" decimal, "true"/"F"
/// boolean, "2015-12-10 17:40:00", "2002-01-11" and "01/11/2002 01:51:44 AM" timestamp.
[[nodiscard]] value_type type_of(std::string_view value) noexcept;

/// True for a value that stands for a missing one: empty, or `null` / `NULL` / `Null`.
[[nodiscard]] bool is_missing(std::string_view value) noexcept;

struct column_profile {
  std::string name;
  std::size_t present = 0;   ///< values that are not missing
  std::size_t distinct = 0;  ///< distinct present values (see distinct_estimated)
  /// False when the source could not tell present and distinct counts (a Socrata column
  /// without statistics): they read 0 then.
  bool counts_known = true;
  /// True when the column had more distinct values than the profiler counts exactly;
  /// `distinct` is then a HyperLogLog estimate (typically within 2%), so that memory stays
  /// bounded on a file of any size.
  bool distinct_estimated = false;
  std::vector<std::string> examples;    ///< the first distinct present values, in order
  value_type type = value_type::empty;  ///< empty when no value is present
};

struct table_profile {
  std::size_t rows = 0;
  std::size_t skipped = 0;  ///< ragged rows left out (ragged_rows::skip)
  std::vector<column_profile> columns;
};

/// Builds a table_profile from rows fed one at a time.
class profiler {
 public:
  static constexpr std::size_t default_examples = 5;
  /// Distinct values kept per column for an exact count; beyond it the count is estimated.
  static constexpr std::size_t default_exact_distinct = 10'000;

  explicit profiler(std::span<const std::string> header, std::size_t examples = default_examples,
                    std::size_t exact_distinct = default_exact_distinct);
  profiler(profiler&&) noexcept;
  profiler& operator=(profiler&&) noexcept;
  profiler(const profiler&) = delete;
  profiler& operator=(const profiler&) = delete;
  ~profiler();

  /// One row; as many fields as the header.
  void add(std::span<const std::string> fields);
  [[nodiscard]] table_profile result() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// A distinct value of a column and the rows that hold it.
struct value_count {
  std::string value;
  std::size_t count = 0;
  bool operator==(const value_count&) const = default;
};

/// The order values are listed in: most frequent first, ties in value order.
inline bool more_frequent(const value_count& a, const value_count& b) noexcept {
  return a.count != b.count ? a.count > b.count : a.value < b.value;
}

/// The distinct present values of the named columns of a CSV file with their counts, in one
/// pass: for each column in the order given, most frequent first, ties in value order.
/// Throws csv_error, also for a column name the header does not have.
[[nodiscard]] std::vector<std::vector<value_count>> count_values(
    const std::filesystem::path& file, std::span<const std::string> columns,
    const csv_options& options = {});

/// Profiles a CSV file in one pass (see read_csv for its errors).
[[nodiscard]] table_profile profile_csv(const std::filesystem::path& file,
                                        const csv_options& options = {});

}  // namespace classifier
