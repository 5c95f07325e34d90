#pragma once
// The classifier's models as a Rails application declares them (the schema of
// ../shared/bench/activerecord/models.rb and ../shared/bench/schema.sql), in stitch: std::optional
// where Rails' column is nullable, timestamps where `t.timestamps` put them.
//
//   data_sources (DataSource < CsvFile, Socrata)  1─*  fields  1─*  unique_values
//        └──────── comments (polymorphic: a data source or a field) ────────┘

#include <stitch/stitch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace rails {

using timestamp = std::chrono::sys_time<std::chrono::microseconds>;
using text = std::optional<std::string>;

struct DataSourceColumns {
  text name;
  text description;
  timestamp created_at{};
  timestamp updated_at{};
};
struct CsvFileColumns {
  text path;
  text delimiter;
  std::optional<std::int64_t> row_count;
};
struct SocrataColumns {
  text domain;
  text dataset_id;
  text app_token;
};
struct FieldColumns {
  std::int64_t data_source_id = 0;
  text name;
  text data_type;
};
struct UniqueValueColumns {
  std::int64_t field_id = 0;
  text value;
  std::optional<std::int64_t> count;
  text classification;
};
struct CommentColumns {
  std::string commentable_type;
  std::int64_t commentable_id = 0;
  text body;
  timestamp created_at{};
  timestamp updated_at{};
};

struct DataSource;
struct Field;
struct Comment;

struct UniqueValue : stitch::model<UniqueValue, UniqueValueColumns> {
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
  stitch::has_many<Field, stitch::dependent::destroy> fields;
  stitch::has_many<UniqueValue, stitch::through<&DataSource::fields>> unique_values;
  stitch::has_many<Comment, stitch::as<"commentable">, stitch::dependent::destroy> comments;
  using associations =
      stitch::associations<&DataSource::fields, &DataSource::unique_values, &DataSource::comments>;
};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {};
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {};

struct Comment : stitch::model<Comment, CommentColumns> {
  stitch::belongs_to<stitch::polymorphic<DataSource, Field>> commentable;
  using associations = stitch::associations<&Comment::commentable>;
};

}  // namespace rails

template <>
struct stitch::hierarchy<rails::DataSource>
    : stitch::single_table<rails::DataSource, rails::CsvFile, rails::Socrata> {};
