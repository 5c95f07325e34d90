#pragma once
// Models for the association tests: the classifier's data sources (an STI hierarchy) with their
// fields, unique values, comments and tags, plus models for the less common declarations
// (a custom foreign key, a belongs_to named apart from its target, has_one, dependent::restrict,
// a polymorphic belongs_to that stores the concrete class).
//
// They live in namespace assoc with their own table names, so that a test binary can also hold
// the models of models.hpp (whose DataSource has other columns). Stored class names (STI
// `type`, polymorphic `_type`) are unqualified: "DataSource", "CsvFile", "Field".
//
// Tables: a_agencies, a_data_sources (STI), a_fields, a_unique_values, a_comments, a_tags,
// a_data_sources_a_tags (habtm join table: data_source_id, tag_id), a_notes, a_schedules,
// a_field_stats, a_attachments.

#include <stitch/stitch.hpp>

#include "integration/support.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace assoc {

struct AgencyColumns {
  std::string name;
};
struct DataSourceColumns {
  std::string name;
  std::optional<std::int64_t> agency_id;
};
struct CsvFileColumns {
  std::string path;
};
struct SocrataColumns {
  std::string domain;
};
struct FieldColumns {
  std::int64_t data_source_id = 0;
  std::string name;
};
struct UniqueValueColumns {
  std::int64_t field_id = 0;
  std::string value;
  std::int64_t count = 0;
};
struct CommentColumns {
  std::optional<std::string> commentable_type;
  std::optional<std::int64_t> commentable_id;
  std::string body;
};
struct TagColumns {
  std::string label;
};
/// Note::source is a belongs_to<DataSource> under another name: its key is source_id.
struct NoteColumns {
  std::optional<std::int64_t> source_id;
  std::string text;
};
/// A custom foreign key on both sides: Schedule::owner and DataSource::schedule use owner_ref.
struct ScheduleColumns {
  std::optional<std::int64_t> owner_ref;
  std::string cron;
};
struct FieldStatsColumns {
  std::int64_t field_id = 0;
  std::int64_t distinct_count = 0;
};
/// Attachment::attachable stores the concrete class (CsvFile), not the root (DataSource).
struct AttachmentColumns {
  std::optional<std::string> attachable_type;
  std::optional<std::int64_t> attachable_id;
  std::string filename;
};

struct Agency;
struct DataSource;
struct Field;
struct UniqueValue;
struct Comment;
struct Tag;
struct Note;
struct Schedule;
struct FieldStats;
struct Attachment;

struct Field : stitch::model<Field, FieldColumns> {
  static constexpr std::string_view table_name = "a_fields";
  stitch::belongs_to<DataSource> data_source;
  stitch::has_many<UniqueValue, stitch::dependent::destroy> unique_values;
  stitch::has_many<Comment, stitch::as<"commentable">, stitch::dependent::delete_all> comments;
  stitch::has_one<FieldStats, stitch::dependent::delete_all> stats;
  stitch::has_many<Attachment, stitch::as<"attachable">> attachments;
  using associations = stitch::associations<&Field::data_source, &Field::unique_values,
                                            &Field::comments, &Field::stats, &Field::attachments>;
};

struct DataSource : stitch::model<DataSource, DataSourceColumns> {
  static constexpr std::string_view table_name = "a_data_sources";
  virtual std::string kind() const { return "generic"; }

  stitch::belongs_to<Agency> agency;
  stitch::has_many<Field, stitch::dependent::destroy> fields;
  stitch::has_many<UniqueValue, stitch::through<&DataSource::fields>> unique_values;
  stitch::has_many<Comment, stitch::as<"commentable">, stitch::dependent::nullify> comments;
  stitch::has_and_belongs_to_many<Tag> tags;
  stitch::has_many<Note, stitch::foreign_key<&NoteColumns::source_id>, stitch::dependent::nullify>
      notes;
  stitch::has_one<Schedule, stitch::foreign_key<&ScheduleColumns::owner_ref>,
                  stitch::dependent::destroy>
      schedule;
  stitch::has_many<Attachment, stitch::as<"attachable">, stitch::dependent::destroy> attachments;
  using associations =
      stitch::associations<&DataSource::agency, &DataSource::fields, &DataSource::unique_values,
                           &DataSource::comments, &DataSource::tags, &DataSource::notes,
                           &DataSource::schedule, &DataSource::attachments>;
};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {
  std::string kind() const override { return "csv:" + path; }
};
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {
  std::string kind() const override { return "socrata:" + domain; }
};

struct Agency : stitch::model<Agency, AgencyColumns> {
  static constexpr std::string_view table_name = "a_agencies";
  stitch::has_many<DataSource, stitch::dependent::restrict> data_sources;
  stitch::has_many<Field, stitch::through<&Agency::data_sources>> fields;
  using associations = stitch::associations<&Agency::data_sources, &Agency::fields>;
};

struct UniqueValue : stitch::model<UniqueValue, UniqueValueColumns> {
  static constexpr std::string_view table_name = "a_unique_values";
  stitch::belongs_to<Field> field;
  stitch::has_one<DataSource, stitch::through<&UniqueValue::field>> data_source;
  using associations = stitch::associations<&UniqueValue::field, &UniqueValue::data_source>;
};

struct Comment : stitch::model<Comment, CommentColumns> {
  static constexpr std::string_view table_name = "a_comments";
  stitch::belongs_to<stitch::polymorphic<DataSource, Field, UniqueValue>> commentable;
  using associations = stitch::associations<&Comment::commentable>;
};

struct Tag : stitch::model<Tag, TagColumns> {
  static constexpr std::string_view table_name = "a_tags";
  stitch::has_and_belongs_to_many<DataSource> data_sources;
  using associations = stitch::associations<&Tag::data_sources>;
};

struct Note : stitch::model<Note, NoteColumns> {
  static constexpr std::string_view table_name = "a_notes";
  stitch::belongs_to<DataSource> source;
  using associations = stitch::associations<&Note::source>;
};

struct Schedule : stitch::model<Schedule, ScheduleColumns> {
  static constexpr std::string_view table_name = "a_schedules";
  stitch::belongs_to<DataSource, stitch::foreign_key<&ScheduleColumns::owner_ref>> owner;
  using associations = stitch::associations<&Schedule::owner>;
};

struct FieldStats : stitch::model<FieldStats, FieldStatsColumns> {
  static constexpr std::string_view table_name = "a_field_stats";
  stitch::belongs_to<Field> field;
  stitch::has_one<DataSource, stitch::through<&FieldStats::field>> data_source;
  using associations = stitch::associations<&FieldStats::field, &FieldStats::data_source>;
};

struct Attachment : stitch::model<Attachment, AttachmentColumns> {
  static constexpr std::string_view table_name = "a_attachments";
  stitch::belongs_to<stitch::polymorphic<DataSource, Field>, stitch::store_concrete_class>
      attachable;
  using associations = stitch::associations<&Attachment::attachable>;
};

}  // namespace assoc

template <>
struct stitch::hierarchy<assoc::DataSource>
    : stitch::test::layout<assoc::DataSource, assoc::CsvFile, assoc::Socrata> {};

namespace assoc {

/// Creates every table of these models (with foreign keys between them).
inline void create_association_schema(stitch::database& db) {
  db.create_schema<Agency, DataSource, Field, UniqueValue, Comment, Tag, Note, Schedule, FieldStats,
                   Attachment>();
}

}  // namespace assoc
