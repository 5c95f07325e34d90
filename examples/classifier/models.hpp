#pragma once
// The classifier's models on stitch. Data sources form a class hierarchy in one table
// (single-table inheritance): a CsvFile and a Socrata dataset are both DataSources, and
// each overrides how it is profiled and how the unique values of its columns are counted.
//
//   data_sources  1─* fields  1─* unique_values  *─1 categories
//        └───────── comments (polymorphic: a source, a field or a value) ─┘

#include <stitch/stitch.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "profile.hpp"
#include "socrata.hpp"

namespace classifier {

using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

/// What long work reports as it goes: units done and the total (0 when unknown).
using progress_fn = std::function<void(std::uint64_t done, std::uint64_t total)>;

/// What reading a source needs beyond the source itself.
struct read_context {
  progress_fn progress;
  /// Timeouts, retries and paging for Socrata sources (base_url and app_token are the
  /// source's own).
  socrata::client_options socrata;
};

struct DataSourceColumns {
  std::string name;
  std::optional<std::string> description;
  std::optional<std::int64_t> row_count;  ///< from the last profile
  std::optional<timestamp> profiled_at;
  std::optional<timestamp> extracted_at;
  timestamp created_at{};
  std::optional<timestamp> updated_at;
};
struct CsvFileColumns {
  std::string path;
  std::string delimiter = ",";
  bool skip_ragged = false;  ///< leave out rows whose field count differs from the header's
};
struct SocrataColumns {
  std::string domain;  ///< "data.sfgov.org", or a base URL with its scheme
  std::string dataset_id;
  std::optional<std::string> app_token;
};
struct FieldColumns {
  std::int64_t data_source_id = 0;
  std::int64_t position = 0;  ///< 1-based, in the source's order
  std::string name;           ///< as the source names it
  std::string detected_type;  ///< integer, decimal, boolean, timestamp, text or empty
  std::int64_t present = 0;   ///< values that are not missing
  std::int64_t distinct_count = 0;
  bool distinct_estimated = false;
  std::string examples;                ///< up to five values, one per line
  std::optional<std::string> maps_to;  ///< the common-schema target, once mapped
};
struct UniqueValueColumns {
  std::int64_t field_id = 0;
  std::string value;
  std::int64_t count = 0;
  std::optional<std::int64_t> category_id;   ///< empty while unclassified
  std::optional<std::string> classified_by;  ///< "rules.txt:3" or "by hand"
};
/// The classification vocabulary: a class a value of one target may be given.
struct CategoryColumns {
  std::string target;  ///< call_type, priority, ...
  std::string name;    ///< medical, fire, ...
};
struct CommentColumns {
  std::string commentable_type;
  std::int64_t commentable_id = 0;
  std::string body;
  timestamp created_at{};
};

struct DataSource;
struct Field;
struct UniqueValue;
struct Category;
struct Comment;

struct UniqueValue : stitch::model<UniqueValue, UniqueValueColumns> {
  stitch::belongs_to<Field> field;
  stitch::belongs_to<Category> category;
  stitch::has_many<Comment, stitch::as<"commentable">, stitch::dependent::delete_all> comments;
  using associations =
      stitch::associations<&UniqueValue::field, &UniqueValue::category, &UniqueValue::comments>;
};

struct Field : stitch::model<Field, FieldColumns> {
  stitch::belongs_to<DataSource> data_source;
  stitch::has_many<UniqueValue, stitch::dependent::destroy> unique_values;
  stitch::has_many<Comment, stitch::as<"commentable">, stitch::dependent::delete_all> comments;
  using associations =
      stitch::associations<&Field::data_source, &Field::unique_values, &Field::comments>;
};

/// A source of records. What it holds and how it is read is its subclass's business.
struct DataSource : stitch::model<DataSource, DataSourceColumns> {
  stitch::has_many<Field, stitch::dependent::destroy> fields;
  stitch::has_many<UniqueValue, stitch::through<&DataSource::fields>> unique_values;
  stitch::has_many<Comment, stitch::as<"commentable">, stitch::dependent::delete_all> comments;
  using associations =
      stitch::associations<&DataSource::fields, &DataSource::unique_values, &DataSource::comments>;

  /// Where the records are: a path or a URL.
  [[nodiscard]] virtual std::string location() const;
  /// Row count and, per column, present and distinct counts, examples and type.
  [[nodiscard]] virtual table_profile profile(const read_context& context) const;
  /// The distinct values of the named columns with their counts, most frequent first.
  [[nodiscard]] virtual std::vector<std::vector<value_count>> unique_values_of(
      std::span<const std::string> columns, const read_context& context) const;
};

/// A CSV file on disk, streamed: one pass to profile, one to count values.
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {
  [[nodiscard]] std::string location() const override;
  [[nodiscard]] table_profile profile(const read_context& context) const override;
  [[nodiscard]] std::vector<std::vector<value_count>> unique_values_of(
      std::span<const std::string> columns, const read_context& context) const override;
  [[nodiscard]] csv_options options(const read_context& context) const;
};

/// A dataset on a Socrata portal, read through the SODA API: metadata and aggregate queries,
/// never the rows themselves.
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {
  [[nodiscard]] std::string location() const override;
  [[nodiscard]] table_profile profile(const read_context& context) const override;
  [[nodiscard]] std::vector<std::vector<value_count>> unique_values_of(
      std::span<const std::string> columns, const read_context& context) const override;
  [[nodiscard]] socrata::client client(const read_context& context) const;
};

struct Category : stitch::model<Category, CategoryColumns> {
  stitch::has_many<UniqueValue, stitch::dependent::nullify> unique_values;
  using associations = stitch::associations<&Category::unique_values>;
};

/// A note on a source, a field or a value.
struct Comment : stitch::model<Comment, CommentColumns> {
  stitch::belongs_to<stitch::polymorphic<DataSource, Field, UniqueValue>> commentable;
  using associations = stitch::associations<&Comment::commentable>;
};

}  // namespace classifier

template <>
struct stitch::hierarchy<classifier::DataSource>
    : stitch::single_table<classifier::DataSource, classifier::CsvFile, classifier::Socrata> {};

namespace classifier {

/// Creates the classifier's tables where they are missing (and their indexes), and checks
/// the ones that exist.
void create_schema(stitch::database& db);

}  // namespace classifier
