#pragma once
// The hand-written baselines' rows, as ../shared/bench/raw/bench.cpp declares them: plain
// structs, with virtual subclasses for single-table inheritance so that polymorphic loads
// cost what an ORM's would. Shared by the SQLiteCpp and the libpqxx versions.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench.hpp"

namespace bench::handwritten {

using opt_text = std::optional<std::string>;
using opt_int = std::optional<i64>;

struct UniqueValue {
  i64 id = 0;
  i64 field_id = 0;
  opt_text value;
  opt_int count;
  opt_text classification;
};
/// What a polymorphic `commentable` can point at.
struct Named {
  Named() = default;
  Named(const Named&) = delete;
  Named& operator=(const Named&) = delete;
  virtual ~Named() = default;
  i64 id = 0;
  std::string name;
};
struct Field : Named {
  i64 data_source_id = 0;
  opt_text data_type;
  std::vector<std::unique_ptr<UniqueValue>> unique_values;
};
struct DataSource : Named {
  opt_text type;
  opt_text description;
  std::string created_at;
  std::string updated_at;
  std::vector<std::unique_ptr<Field>> fields;               // has_many
  std::vector<std::unique_ptr<UniqueValue>> unique_values;  // has_many :through
  [[nodiscard]] virtual const char* class_name() const { return "DataSource"; }
};
struct CsvFile : DataSource {
  opt_text path;
  opt_text delimiter;
  opt_int row_count;
  [[nodiscard]] const char* class_name() const override { return "CsvFile"; }
};
struct Socrata : DataSource {
  opt_text domain;
  opt_text dataset_id;
  opt_text app_token;
  [[nodiscard]] const char* class_name() const override { return "Socrata"; }
};
struct Comment {
  i64 id = 0;
  i64 commentable_id = 0;
  std::string commentable_type;
  opt_text body;
  std::string created_at;
  std::string updated_at;
  Named* commentable = nullptr;
};
using source_list = std::vector<std::unique_ptr<DataSource>>;

/// Data source number i, as raw/bench.cpp makes it.
inline std::unique_ptr<DataSource> make_source(i64 i, const std::string& now) {
  std::unique_ptr<DataSource> ds;
  if (is_csv(i)) {
    auto c = std::make_unique<CsvFile>();
    c->type = "CsvFile";
    c->path = csv_path(i);
    c->delimiter = std::string(csv_delimiter);
    c->row_count = csv_row_count(i);
    ds = std::move(c);
  } else {
    auto s = std::make_unique<Socrata>();
    s->type = "Socrata";
    s->domain = std::string(socrata_domain);
    s->dataset_id = socrata_dataset_id(i);
    s->app_token = socrata_app_token(i);
    ds = std::move(s);
  }
  ds->name = source_name(i);
  ds->description = source_description(i);
  ds->created_at = ds->updated_at = now;
  return ds;
}

/// The INSERT of data sources, without its VALUES rows, and one row of 11 parameters.
inline constexpr std::string_view source_insert =
    "INSERT INTO data_sources (type, name, description, created_at, updated_at, path, "
    "delimiter, row_count, domain, dataset_id, app_token) VALUES ";
inline constexpr int source_params = 11;
inline constexpr std::string_view source_select =
    "SELECT id, type, name, description, created_at, updated_at, path, delimiter, row_count, "
    "domain, dataset_id, app_token FROM data_sources";
inline constexpr std::string_view field_select =
    "SELECT id, data_source_id, name, data_type FROM fields";

}  // namespace bench::handwritten
