#pragma once
// Valid associations shared by the association compile-fail tests. Each test includes this
// file (instead of models.hpp, whose DataSource and CsvFile it would redeclare) and adds its
// misuse, with the correct alternative under STITCH_COMPILE_FAIL_CONTROL.

#include <stitch/stitch.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct DataSource;
struct Field;
struct UniqueValue;
struct Comment;
struct Tag;

struct DataSourceColumns {
  std::string name;
};
struct CsvFileColumns {
  std::string path;
};
struct FieldColumns {
  std::int64_t data_source_id = 0;
  std::string name;
};
struct UniqueValueColumns {
  std::int64_t field_id = 0;
  std::string value;
};
struct CommentColumns {
  std::optional<std::string> commentable_type;
  std::optional<std::int64_t> commentable_id;
  std::string body;
};
struct TagColumns {
  std::string label;
};
struct ImportColumns {
  std::optional<std::int64_t> csv_file_id;
};

// DataSource > CsvFile, single table.
struct DataSource : stitch::model<DataSource, DataSourceColumns> {
  stitch::has_many<Field> fields;
  stitch::has_many<UniqueValue, stitch::through<&DataSource::fields>> unique_values;
  stitch::has_many<Comment, stitch::as<"commentable">> comments;
  stitch::has_and_belongs_to_many<Tag> tags;
  using associations = stitch::associations<&DataSource::fields, &DataSource::unique_values,
                                            &DataSource::comments, &DataSource::tags>;
};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {};
template <>
struct stitch::hierarchy<DataSource> : stitch::single_table<DataSource, CsvFile> {};

struct Field : stitch::model<Field, FieldColumns> {
  stitch::belongs_to<DataSource> data_source;   // data_source_id
  stitch::has_many<UniqueValue> unique_values;  // UniqueValue::field_id
  using associations = stitch::associations<&Field::data_source, &Field::unique_values>;
};

struct UniqueValue : stitch::model<UniqueValue, UniqueValueColumns> {
  stitch::belongs_to<Field> field;  // field_id
  using associations = stitch::associations<&UniqueValue::field>;
};

// commentable_type + commentable_id.
struct Comment : stitch::model<Comment, CommentColumns> {
  stitch::belongs_to<stitch::polymorphic<DataSource, Field>> commentable;
  using associations = stitch::associations<&Comment::commentable>;
};

// Join table data_sources_tags.
struct Tag : stitch::model<Tag, TagColumns> {
  stitch::has_and_belongs_to_many<DataSource> data_sources;
  using associations = stitch::associations<&Tag::data_sources>;
};

// A belongs_to to a class of a hierarchy: csv_file_id.
struct Import : stitch::model<Import, ImportColumns> {
  stitch::belongs_to<CsvFile> csv_file;
  using associations = stitch::associations<&Import::csv_file>;
};
