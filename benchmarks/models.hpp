#pragma once
// The benchmark's models on stitch: ../shared/bench/activerecord/models.rb, with the columns
// of ../shared/bench/schema.sql (std::optional where the column is nullable).
//
//   data_sources (DataSource < CsvFile, Socrata)  1─*  fields  1─*  unique_values
//        └──────── comments (polymorphic: a data source or a field) ────────┘
//
// The hierarchy's declaration is the only difference between the layouts: this header is
// compiled once as is (single_table, namespace bench::sti) and once with
// STITCH_BENCH_LAYOUT_JOINED=1 (joined_tables, namespace bench::mti).

#include <stitch/stitch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#if STITCH_BENCH_LAYOUT_JOINED
#define STITCH_BENCH_LAYOUT mti
#else
#define STITCH_BENCH_LAYOUT sti
#endif

namespace bench::STITCH_BENCH_LAYOUT {

using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

struct DataSourceColumns {
  std::optional<std::string> name;
  std::optional<std::string> description;
  timestamp created_at{};  // set by save
  timestamp updated_at{};
};
struct CsvFileColumns {
  std::optional<std::string> path;
  std::optional<std::string> delimiter;
  std::optional<std::int32_t> row_count;  // t.integer: integer on PostgreSQL
};
struct SocrataColumns {
  std::optional<std::string> domain;
  std::optional<std::string> dataset_id;
  std::optional<std::string> app_token;
};
struct FieldColumns {
  std::int64_t data_source_id = 0;
  std::optional<std::string> name;
  std::optional<std::string> data_type;
};
struct UniqueValueColumns {
  std::int64_t field_id = 0;
  std::optional<std::string> value;
  std::optional<std::int32_t> count;
  std::optional<std::string> classification;
};
struct CommentColumns {
  std::string commentable_type;
  std::int64_t commentable_id = 0;
  std::optional<std::string> body;
  timestamp created_at{};
  timestamp updated_at{};
};

struct DataSource;
struct Field;
struct Comment;

struct UniqueValue : stitch::model<UniqueValue, UniqueValueColumns> {
  using text_columns = stitch::text_columns<&UniqueValueColumns::value,
                                            &UniqueValueColumns::classification>;  // t.text
  stitch::belongs_to<Field> field;
  using associations = stitch::associations<&UniqueValue::field>;
};

struct Field : stitch::model<Field, FieldColumns> {
  stitch::belongs_to<DataSource> data_source;
  stitch::has_many<UniqueValue, stitch::dependent::destroy> unique_values;
  stitch::has_many<Comment, stitch::as<"commentable">, stitch::dependent::destroy> comments;
  using associations =
      stitch::associations<&Field::data_source, &Field::unique_values, &Field::comments>;
};

struct DataSource : stitch::model<DataSource, DataSourceColumns> {
  using text_columns = stitch::text_columns<&DataSourceColumns::description>;  // t.text
  stitch::has_many<Field, stitch::dependent::destroy> fields;
  stitch::has_many<UniqueValue, stitch::through<&DataSource::fields>> unique_values;
  stitch::has_many<Comment, stitch::as<"commentable">, stitch::dependent::destroy> comments;
  using associations =
      stitch::associations<&DataSource::fields, &DataSource::unique_values, &DataSource::comments>;
};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {};
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {};

struct Comment : stitch::model<Comment, CommentColumns> {
  using text_columns = stitch::text_columns<&CommentColumns::body>;  // t.text
  stitch::belongs_to<stitch::polymorphic<DataSource, Field>> commentable;
  using associations = stitch::associations<&Comment::commentable>;
};

}  // namespace bench::STITCH_BENCH_LAYOUT

#if STITCH_BENCH_LAYOUT_JOINED
template <>
struct stitch::hierarchy<bench::mti::DataSource>
    : stitch::joined_tables<bench::mti::DataSource, bench::mti::CsvFile, bench::mti::Socrata> {};
#else
template <>
struct stitch::hierarchy<bench::sti::DataSource>
    : stitch::single_table<bench::sti::DataSource, bench::sti::CsvFile, bench::sti::Socrata> {};
#endif
