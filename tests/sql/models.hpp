#pragma once
// Models for the expected-SQL tests: a three-level single-table hierarchy holding every
// column type, a plain model, a model without columns, and awkward names.

#include <stitch/stitch.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sqlm {

using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// DataSource > CsvFile > CompressedCsvFile, DataSource > Socrata.
struct DataSourceColumns {
  std::string name;
  std::optional<std::string> description;
  std::int32_t priority = 0;
  std::int64_t size = 0;
  double score = 0;
  bool active = true;
  std::vector<std::byte> payload;
  timestamp created_at{};
  std::optional<timestamp> checked_at;
};
struct CsvFileColumns {
  std::string path;
  std::int64_t row_count = 0;
};
struct CompressedCsvFileColumns {
  std::string compression;
};
struct SocrataColumns {
  std::string domain;
  std::optional<std::string> app_token;
};

struct DataSource : stitch::model<DataSource, DataSourceColumns> {};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {};
struct CompressedCsvFile : stitch::subclass<CompressedCsvFile, CsvFile, CompressedCsvFileColumns> {
};
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {};

// A plain model: no type column, no type filter.
struct TagColumns {
  std::string label;
  std::optional<std::int32_t> weight;
};
struct Tag : stitch::model<Tag, TagColumns> {};

// A model without columns.
struct MarkerColumns {};
struct Marker : stitch::model<Marker, MarkerColumns> {};

// A table name holding a double quote.
struct OddColumns {
  std::string value;
};
struct Odd : stitch::model<Odd, OddColumns> {
  static constexpr std::string_view table_name = "odd\"table";
};

// Rails' t.text: the root lists a member of its own, one subclass one of its own, the other
// none (it inherits the root's list, which names none of its members).
struct NoteColumns {
  std::string title;
  std::optional<std::string> body;
};
struct LongNoteColumns {
  std::optional<std::string> appendix;
  std::optional<std::string> summary;
};
struct ShortNoteColumns {
  std::optional<std::string> tag;
};
struct Note : stitch::model<Note, NoteColumns> {
  using text_columns = stitch::text_columns<&NoteColumns::body>;
};
struct LongNote : stitch::subclass<LongNote, Note, LongNoteColumns> {
  using text_columns = stitch::text_columns<&LongNoteColumns::appendix>;
};
struct ShortNote : stitch::subclass<ShortNote, Note, ShortNoteColumns> {};

// The joined layout: a subclass's own table, with a text column of its own.
struct VehicleColumns {
  std::string maker;
};
struct CarColumns {
  std::int32_t doors = 4;
  std::optional<std::string> notes;
};
struct Vehicle : stitch::model<Vehicle, VehicleColumns> {};
struct Car : stitch::subclass<Car, Vehicle, CarColumns> {
  using text_columns = stitch::text_columns<&CarColumns::notes>;
};

}  // namespace sqlm

template <>
struct stitch::hierarchy<sqlm::Vehicle> : stitch::joined_tables<sqlm::Vehicle, sqlm::Car> {};

template <>
struct stitch::hierarchy<sqlm::Note>
    : stitch::single_table<sqlm::Note, sqlm::LongNote, sqlm::ShortNote> {};

template <>
struct stitch::hierarchy<sqlm::DataSource>
    : stitch::single_table<sqlm::DataSource, sqlm::CsvFile, sqlm::CompressedCsvFile,
                           sqlm::Socrata> {};

namespace sqlm {

// Numbers placeholders ($1, $2, ...) and reports inserted ids with RETURNING, as PostgreSQL
// does; everything else is the base class's default.
class numbered_dialect final : public stitch::dialect {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "numbered"; }
  void placeholder(std::string& out, int n) const override {
    out += '$';
    out += std::to_string(n);
  }
  [[nodiscard]] std::string_view column_type(stitch::column_kind kind) const noexcept override {
    switch (kind) {
      case stitch::column_kind::integer:
        return "integer";
      case stitch::column_kind::big_integer:
        return "bigint";
      case stitch::column_kind::real:
        return "double precision";
      case stitch::column_kind::boolean:
        return "boolean";
      case stitch::column_kind::text:
        return "character varying";
      case stitch::column_kind::long_text:
        return "text";
      case stitch::column_kind::blob:
        return "bytea";
      case stitch::column_kind::timestamp:
        return "timestamp(6) without time zone";
    }
    return "bytea";
  }
  [[nodiscard]] std::string_view id_column() const noexcept override {
    return "bigserial primary key";
  }
  [[nodiscard]] bool returns_inserted_id() const noexcept override { return true; }
  [[nodiscard]] std::string_view begin_transaction(bool) const noexcept override { return "BEGIN"; }
};

// The SELECT list every query on each class starts with.
inline const std::string select_data_sources =
    R"(SELECT "id", "type", "name", "description", "priority", "size", "score", "active", )"
    R"("payload", "created_at", "checked_at", "path", "row_count", "compression", "domain", )"
    R"("app_token" FROM "data_sources")";
inline const std::string select_csv_files =
    R"(SELECT "id", "type", "name", "description", "priority", "size", "score", "active", )"
    R"("payload", "created_at", "checked_at", "path", "row_count", "compression" )"
    R"(FROM "data_sources")";
inline const std::string select_compressed =
    R"(SELECT "id", "type", "name", "description", "priority", "size", "score", "active", )"
    R"("payload", "created_at", "checked_at", "path", "row_count", "compression" )"
    R"(FROM "data_sources")";
inline const std::string select_socrata =
    R"(SELECT "id", "type", "name", "description", "priority", "size", "score", "active", )"
    R"("payload", "created_at", "checked_at", "domain", "app_token" FROM "data_sources")";
inline const std::string select_tags = R"(SELECT "id", "label", "weight" FROM "tags")";

}  // namespace sqlm
