#include "graph.hpp"

#include <stitch/postgres.hpp>
#include <stitch/sqlite.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <vector>

#include "models.hpp"

namespace rails {
namespace {

using json = nlohmann::ordered_json;
using stitch::col;

// Times as Rails writes them into JSON here: UTC, microseconds.
json value(const timestamp& t) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  return fmt::format("{:%Y-%m-%d %H:%M:%S}.{:06}", seconds, (t - seconds).count());
}
template <class T>
json value(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

// The class actually instantiated and the id; null for a missing target.
json ref(const stitch::record* r) {
  if (r == nullptr) return nullptr;
  return json{{"class", std::string(r->type_name())}, {"id", r->id}};
}

// The sorted ids of a collection.
template <class Collection>
json ids(const Collection& items) {
  std::vector<std::int64_t> out;
  for (const auto& item : items) out.push_back(item.id);
  std::sort(out.begin(), out.end());
  return out;
}

// The stored `type` of a row: its class's name for a subclass; for a row that loaded as the
// root, whatever the column holds (NULL, or the root's name).
json stored_type(stitch::database& db, const DataSource& ds) {
  if (typeid(ds) != typeid(DataSource)) return std::string(ds.type_name());
  return value(db.query_value<std::optional<std::string>>(
      fmt::format(R"(SELECT "type" FROM "{}" WHERE "id" = ?)", db.table_name<DataSource>()),
      ds.id));
}

json data_source(stitch::database& db, const DataSource& ds) {
  const auto* csv = dynamic_cast<const CsvFile*>(&ds);
  const auto* socrata = dynamic_cast<const Socrata*>(&ds);
  json attributes = {
      {"id", ds.id},
      {"type", stored_type(db, ds)},
      {"name", value(ds.name)},
      {"description", value(ds.description)},
      {"created_at", value(ds.created_at)},
      {"updated_at", value(ds.updated_at)},
      {"path", csv ? value(csv->path) : nullptr},
      {"delimiter", csv ? value(csv->delimiter) : nullptr},
      {"row_count", csv ? value(csv->row_count) : nullptr},
      {"domain", socrata ? value(socrata->domain) : nullptr},
      {"dataset_id", socrata ? value(socrata->dataset_id) : nullptr},
      {"app_token", socrata ? value(socrata->app_token) : nullptr},
  };
  return json{{"class", std::string(ds.type_name())},
              {"attributes", std::move(attributes)},
              {"fields", ids(ds.fields)},
              {"unique_values", ids(ds.unique_values)},
              {"comments", ids(ds.comments)}};
}

json field(const Field& f) {
  return json{{"class", std::string(f.type_name())},
              {"attributes",
               {{"id", f.id},
                {"data_source_id", f.data_source_id},
                {"name", value(f.name)},
                {"data_type", value(f.data_type)}}},
              {"data_source", ref(f.data_source.get())},
              {"unique_values", ids(f.unique_values)},
              {"comments", ids(f.comments)}};
}

json unique_value(const UniqueValue& u) {
  return json{{"class", std::string(u.type_name())},
              {"attributes",
               {{"id", u.id},
                {"field_id", u.field_id},
                {"value", value(u.value)},
                {"count", value(u.count)},
                {"classification", value(u.classification)}}},
              {"field", ref(u.field.get())}};
}

json comment(const Comment& c) {
  return json{{"class", std::string(c.type_name())},
              {"attributes",
               {{"id", c.id},
                {"commentable_type", c.commentable_type},
                {"commentable_id", c.commentable_id},
                {"body", value(c.body)},
                {"created_at", value(c.created_at)},
                {"updated_at", value(c.updated_at)}}},
              {"commentable", ref(c.commentable.get())}};
}

// The ids a query on class C returns, in id order.
template <class C>
json query_ids(stitch::database& db) {
  return db.all<C>().order_by(col<&DataSource::id>).pluck(col<&DataSource::id>);
}

// A new object of class C with the id and every column of `from` (Cols: C's aggregates):
// inserted, it becomes the same row in another database.
template <class C, class... Cols>
C new_copy(const C& from) {
  C to;
  ((static_cast<Cols&>(to) = static_cast<const Cols&>(from)), ...);
  to.id = from.id;
  to.store_null_type(from.stores_null_type());
  return to;
}

std::unique_ptr<DataSource> new_source_copy(const DataSource& from) {
  if (const auto* csv = dynamic_cast<const CsvFile*>(&from))
    return std::make_unique<CsvFile>(new_copy<CsvFile, DataSourceColumns, CsvFileColumns>(*csv));
  if (const auto* socrata = dynamic_cast<const Socrata*>(&from))
    return std::make_unique<Socrata>(
        new_copy<Socrata, DataSourceColumns, SocrataColumns>(*socrata));
  return std::make_unique<DataSource>(new_copy<DataSource, DataSourceColumns>(from));
}

// Copies every row of a model without subclasses, in id order.
template <class M, class Cols>
std::size_t copy_rows(stitch::database& from, stitch::database& to) {
  std::vector<M> copies;
  for (const auto& row : from.all<M>().order_by(col<&M::id>))
    copies.push_back(new_copy<M, Cols>(row));
  to.save_all(copies);
  return copies.size();
}

}  // namespace

stitch::database open_database(const std::string& location, bool read_only) {
  if (location.starts_with("postgresql://") || location.starts_with("postgres://"))
    return stitch::postgres::connect(location);
  if (read_only && !std::filesystem::exists(location))
    throw stitch::usage_error("no SQLite database at " + location);
  stitch::sqlite::options opts;
  opts.read_only = read_only;
  return stitch::sqlite::open(location, opts);
}

json object_graph(stitch::database& db) {
  json sources = json::array();
  for (const auto& ds : db.all<DataSource>()
                            .order_by(col<&DataSource::id>)
                            .includes(&DataSource::fields)
                            .includes(&DataSource::unique_values)
                            .includes(&DataSource::comments)
                            .to_vector())
    sources.push_back(data_source(db, *ds));
  json fields = json::array();
  for (const auto& f : db.all<Field>()
                           .order_by(col<&Field::id>)
                           .includes(&Field::data_source)
                           .includes(&Field::unique_values)
                           .includes(&Field::comments)
                           .to_vector())
    fields.push_back(field(f));
  json values = json::array();
  for (const auto& u : db.all<UniqueValue>()
                           .order_by(col<&UniqueValue::id>)
                           .includes(&UniqueValue::field)
                           .to_vector())
    values.push_back(unique_value(u));
  json comments = json::array();
  for (const auto& c :
       db.all<Comment>().order_by(col<&Comment::id>).includes(&Comment::commentable).to_vector())
    comments.push_back(comment(c));
  return json{{"data_sources", std::move(sources)},
              {"fields", std::move(fields)},
              {"unique_values", std::move(values)},
              {"comments", std::move(comments)},
              {"queries",
               {{"DataSource.all", query_ids<DataSource>(db)},
                {"CsvFile.all", query_ids<CsvFile>(db)},
                {"Socrata.all", query_ids<Socrata>(db)}}}};
}

std::size_t copy_objects(stitch::database& from, stitch::database& to) {
  to.create_schema<DataSource, Field, UniqueValue, Comment>();
  auto tx = to.transaction(stitch::intent::write);
  std::vector<std::unique_ptr<DataSource>> sources;
  for (const auto& ds : from.all<DataSource>().order_by(col<&DataSource::id>))
    sources.push_back(new_source_copy(*ds));
  to.save_all(sources);
  std::size_t copied = sources.size();
  copied += copy_rows<Field, FieldColumns>(from, to);
  copied += copy_rows<UniqueValue, UniqueValueColumns>(from, to);
  copied += copy_rows<Comment, CommentColumns>(from, to);
  tx.commit();
  return copied;
}

}  // namespace rails
