// Loading associations: lazily, eagerly with includes (one statement per level), with
// db.load, in batches while iterating; inverses, ownership, strict loading.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct DataSourceColumns {
  std::string name;
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
};

struct Field;
struct UniqueValue;

struct DataSource : stitch::model<DataSource, DataSourceColumns> {
  stitch::has_many<Field> fields;
  stitch::has_many<UniqueValue, stitch::through<&DataSource::fields>> unique_values;
  using associations = stitch::associations<&DataSource::fields, &DataSource::unique_values>;
};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {};
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {};
template <>
struct stitch::hierarchy<DataSource> : stitch::single_table<DataSource, CsvFile, Socrata> {};

struct Field : stitch::model<Field, FieldColumns> {
  stitch::belongs_to<DataSource> data_source;
  stitch::has_many<UniqueValue> unique_values;
  using associations = stitch::associations<&Field::data_source, &Field::unique_values>;
};
struct UniqueValue : stitch::model<UniqueValue, UniqueValueColumns> {
  stitch::belongs_to<Field> field;
  using associations = stitch::associations<&UniqueValue::field>;
};

// Error messages name the source file; keep its name only, so the output is the same anywhere.
std::string without_directories(std::string text) {
  const std::string_view file = __FILE__;
  const auto slash = file.rfind('/');
  if (slash == std::string_view::npos) return text;
  for (auto at = text.find(file); at != std::string::npos; at = text.find(file))
    text.erase(at, slash + 1);
  return text;
}

int main() {
  std::optional<stitch::database> open = stitch::sqlite::open(":memory:");
  auto& db = *open;
  db.create_schema<DataSource, Field, UniqueValue>();
  // 2500 sources (CSV files and Socrata datasets) with 2 fields each, 1 value per field.
  {
    std::vector<std::unique_ptr<DataSource>> sources;
    for (int i = 0; i < 2500; ++i) {
      std::unique_ptr<DataSource> ds;
      if (i % 2 == 0) {
        ds = std::make_unique<CsvFile>();
      } else {
        ds = std::make_unique<Socrata>();
      }
      ds->name = fmt::format("source {}", i + 1);
      for (const char* name : {"title", "twp"}) {
        auto& field = ds->fields.build();
        field.name = name;
        field.unique_values.build().value = "A";
      }
      sources.push_back(std::move(ds));
    }
    db.save_all(sources);
  }
  using stitch::col;
  const auto first_500 = col<&DataSource::id> <= 500;

  // N+1: touching an association that was not loaded loads it, one statement per owner.
  auto before = db.statements_executed();
  std::size_t fields = 0;
  for (auto& ds : db.all<DataSource>().where(first_500)) fields += ds->fields.size();
  fmt::print("lazily: {} fields, {} statements for 500 sources\n", fields,
             db.statements_executed() - before);

  // includes: one statement for the sources, one for the fields of all of them.
  before = db.statements_executed();
  fields = 0;
  for (auto& ds : db.all<DataSource>().where(first_500).includes(&DataSource::fields))
    fields += ds->fields.size();
  fmt::print("with includes: {} fields, {} statements for 500 sources\n", fields,
             db.statements_executed() - before);

  // A path loads each level with one statement; a has_many through a has_many joins the
  // intermediate table into one.
  before = db.statements_executed();
  auto nested = db.all<DataSource>()
                    .where(first_500)
                    .includes(&DataSource::fields, &Field::unique_values)
                    .to_vector();
  fmt::print("sources, fields, values: {} statements\n", db.statements_executed() - before);
  before = db.statements_executed();
  auto through =
      db.all<DataSource>().where(first_500).includes(&DataSource::unique_values).to_vector();
  fmt::print("sources and values through fields: {} statements; first source has {} values\n",
             db.statements_executed() - before, through[0]->unique_values.size());

  // Iterating with includes reads 1000 rows, loads their associations, and hands them out.
  before = db.statements_executed();
  fields = 0;
  for (auto& ds : db.all<DataSource>().includes(&DataSource::fields)) fields += ds->fields.size();
  fmt::print("iterating 2500 sources: {} fields, {} statements\n", fields,
             db.statements_executed() - before);

  // db.load: a path for one object or a range of them, or one association member again.
  auto socrata = db.find<Socrata>(2);
  before = db.statements_executed();
  db.load(socrata, &DataSource::fields, &Field::unique_values);
  fmt::print("db.load(object, path): {} statements\n", db.statements_executed() - before);
  auto ten = db.all<DataSource>().where(col<&DataSource::id> <= 10).to_vector();
  before = db.statements_executed();
  db.load(ten, &DataSource::fields);
  fmt::print("db.load(range, path): {} statement\n", db.statements_executed() - before);
  before = db.statements_executed();
  db.load(socrata.fields);
  fmt::print("db.load(member): {} statement\n", db.statements_executed() - before);

  // Inverse: a loaded field's data_source is the source it was loaded from, without a query.
  auto sources = db.all<DataSource>()
                     .where(col<&DataSource::id> <= 3)
                     .includes(&DataSource::fields)
                     .to_vector();
  auto& first = *sources[0];
  before = db.statements_executed();
  const bool same = first.fields.at(0).data_source.get() == &first;
  fmt::print("field's data_source is the loaded source: {}, {} statements\n", same,
             db.statements_executed() - before);
  // Moving the owner moves its fields; their data_source follows it.
  CsvFile moved = std::move(dynamic_cast<CsvFile&>(first));
  fmt::print("after a move: {}\n", moved.fields.at(0).data_source.get() == &moved);
  // Fields are shared_ptrs: one kept outlives its source. Its data_source is then unloaded,
  // and the next touch loads it.
  std::shared_ptr<Field> kept = moved.fields.shared().at(0);
  { CsvFile gone = std::move(moved); }
  fmt::print("owner gone: data_source loaded: {}\n", kept->data_source.loaded());
  before = db.statements_executed();
  const auto name = kept->data_source.get()->name;
  fmt::print("touched: {} ({} statement)\n", name, db.statements_executed() - before);
  // A copy shares the loaded objects.
  CsvFile copy = dynamic_cast<CsvFile&>(*sources[2]);
  fmt::print("copy shares its fields: {}\n", &copy.fields.at(0) == &sources[2]->fields.at(0));

  // Strict loading: touching an association that was not loaded throws, naming the place.
  auto strict = db.all<Field>().where(col<&Field::id> <= 2).strict_loading().to_vector();
  try {
    fmt::print("{} values\n", strict[0].unique_values.size());
  } catch (const stitch::strict_loading_violation& e) {
    fmt::print("{}\n", without_directories(e.what()));
    fmt::print("model {}, association {}, line {}\n", e.model(), e.association(), e.where().line());
  }
  // For a whole database: every object loaded from now on. db.load still loads.
  db.strict_loading();
  auto field = db.find<Field>(1);
  try {
    (void)field.data_source.get();
  } catch (const stitch::strict_loading_violation& e) {
    fmt::print("{}\n", without_directories(e.what()));
  }
  db.load(field, &Field::data_source);
  fmt::print("after db.load: {}\n", field.data_source.get()->name);
  db.strict_loading(false);

  // An object outlives its database, but cannot load through it any more.
  auto orphan = db.find<Field>(3);
  open.reset();
  try {
    (void)orphan.data_source.get();
  } catch (const stitch::usage_error& e) {
    fmt::print("{}\n", without_directories(e.what()));
  }
}
