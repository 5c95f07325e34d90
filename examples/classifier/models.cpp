#include "models.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace classifier {
namespace {

// The Socrata profile: the metadata's column statistics where the portal computed them, the
// row count from one aggregate query.
column_profile column_of(const socrata::column& c, std::int64_t rows) {
  column_profile out;
  out.name = c.field_name;
  if (c.non_null) {
    out.present = static_cast<std::size_t>(*c.non_null);
  } else if (c.nulls) {
    // Statistics may be older than the row count: never below zero.
    out.present = static_cast<std::size_t>(std::max<std::int64_t>(0, rows - *c.nulls));
  }
  out.distinct = static_cast<std::size_t>(c.cardinality.value_or(0));
  out.counts_known = (c.non_null || c.nulls) && c.cardinality;
  for (const auto& top : c.top) {
    if (out.examples.size() == profiler::default_examples) break;
    out.examples.push_back(top.value);
  }
  out.type =
      out.present == 0 && c.non_null ? value_type::empty : socrata::type_of_data_type(c.data_type);
  return out;
}

// A row whose type is NULL loads as a plain DataSource: it names nothing to read.
[[noreturn]] void unreadable(const DataSource& s) {
  throw std::runtime_error("data source " + std::to_string(s.id) + " (" + s.name +
                           ") is neither a CSV file nor a Socrata dataset: nothing to read");
}

}  // namespace

std::string DataSource::location() const { return {}; }

table_profile DataSource::profile(const read_context& /*context*/) const { unreadable(*this); }

std::vector<std::vector<value_count>> DataSource::unique_values_of(
    std::span<const std::string> /*columns*/, const read_context& /*context*/) const {
  unreadable(*this);
}

std::string CsvFile::location() const { return path; }

csv_options CsvFile::options(const read_context& context) const {
  csv_options out;
  out.delimiter = delimiter.empty() ? ',' : delimiter.front();
  out.ragged = skip_ragged ? ragged_rows::skip : ragged_rows::error;
  out.progress = context.progress;
  return out;
}

table_profile CsvFile::profile(const read_context& context) const {
  return profile_csv(path, options(context));
}

std::vector<std::vector<value_count>> CsvFile::unique_values_of(
    std::span<const std::string> columns, const read_context& context) const {
  return count_values(path, columns, options(context));
}

std::string Socrata::location() const {
  return socrata::base_url(domain) + "/resource/" + dataset_id + ".json";
}

socrata::client Socrata::client(const read_context& context) const {
  auto options = context.socrata;
  options.base_url = socrata::base_url(domain);
  options.app_token = app_token;
  // A token kept out of the database: the environment's, for every source without its own.
  if (!options.app_token) {
    if (const char* token = std::getenv("SOCRATA_APP_TOKEN"); token != nullptr && *token != '\0')
      options.app_token = token;
  }
  return socrata::client(std::move(options));
}

table_profile Socrata::profile(const read_context& context) const {
  auto api = client(context);
  const auto meta = api.metadata(dataset_id);
  if (context.progress) context.progress(1, 2);
  table_profile out;
  const auto rows = api.row_count(dataset_id);
  if (context.progress) context.progress(2, 2);
  out.rows = static_cast<std::size_t>(rows);
  for (const auto& c : meta.columns) out.columns.push_back(column_of(c, rows));
  return out;
}

std::vector<std::vector<value_count>> Socrata::unique_values_of(
    std::span<const std::string> columns, const read_context& context) const {
  auto api = client(context);
  std::vector<std::vector<value_count>> out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    out.push_back(api.unique_values(dataset_id, columns[i], [&](std::int64_t read) {
      if (context.progress) context.progress(static_cast<std::uint64_t>(read), 0);
    }));
  }
  return out;
}

void create_schema(stitch::database& db) {
  db.create_schema<DataSource, Field, UniqueValue, Category, Comment>();
  // What the commands look values up by, and what must not repeat.
  db.execute(R"(CREATE UNIQUE INDEX IF NOT EXISTS "index_unique_values_on_field_id_and_value" )"
             R"(ON "unique_values" ("field_id", "value"))");
  db.execute(R"(CREATE UNIQUE INDEX IF NOT EXISTS "index_categories_on_target_and_name" )"
             R"(ON "categories" ("target", "name"))");
  db.execute(R"(CREATE UNIQUE INDEX IF NOT EXISTS "index_fields_on_data_source_id_and_name" )"
             R"(ON "fields" ("data_source_id", "name"))");
}

}  // namespace classifier
