// Single-table inheritance: a hierarchy three levels deep in one table, saved through base
// pointers, loaded as its own classes, queried per class, and visited exhaustively.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

struct DataSourceColumns {
  std::string name;
  std::optional<std::string> description;
};
struct CsvFileColumns {
  std::string path;
  std::string delimiter = ",";
};
struct CompressedCsvFileColumns {
  std::string compression = "gzip";
};
struct SocrataColumns {
  std::string domain;
  std::string dataset_id;
};

struct DataSource : stitch::model<DataSource, DataSourceColumns> {
  virtual std::string profile() const { return "nothing to profile"; }
};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {
  std::string profile() const override { return "stream " + path; }
};
struct CompressedCsvFile : stitch::subclass<CompressedCsvFile, CsvFile, CompressedCsvFileColumns> {
  std::string profile() const override {
    return "decompress (" + compression + ") and stream " + path;
  }
};
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {
  static constexpr std::string_view sti_name = "Sources::Socrata";  // what `type` holds
  std::string profile() const override { return "ask " + domain + " about " + dataset_id; }
};

// The root first, then every class below it, at any depth.
template <>
struct stitch::hierarchy<DataSource>
    : stitch::single_table<DataSource, CsvFile, CompressedCsvFile, Socrata> {};

// A query on a class with subclasses yields std::unique_ptr; on a leaf, the class itself.
static_assert(std::is_same_v<stitch::loaded_t<DataSource>, std::unique_ptr<DataSource>>);
static_assert(std::is_same_v<stitch::loaded_t<CsvFile>, std::unique_ptr<CsvFile>>);
static_assert(std::is_same_v<stitch::loaded_t<CompressedCsvFile>, CompressedCsvFile>);
static_assert(std::is_same_v<stitch::maybe_t<Socrata>, std::optional<Socrata>>);

// One overload per class; CompressedCsvFile is handled by the CsvFile overload.
struct locate {
  std::string operator()(const DataSource&) const { return "unknown"; }
  std::string operator()(const CsvFile& f) const { return "file " + f.path; }
  std::string operator()(const Socrata& s) const {
    return "https://" + s.domain + "/resource/" + s.dataset_id + ".json";
  }
};

int main() {
  auto db = stitch::sqlite::open(":memory:");
  for (const auto& statement : stitch::schema_sql<DataSource>(db.sql_dialect()))
    fmt::print("{}\n", statement);
  db.create_schema<DataSource>();

  std::vector<std::unique_ptr<DataSource>> sources;
  auto csv = std::make_unique<CsvFile>();
  csv->name = "Montgomery County 911";
  csv->path = "montgomery_911.csv";
  sources.push_back(std::move(csv));
  auto gz = std::make_unique<CompressedCsvFile>();
  gz->name = "Montgomery County 911, 2019";
  gz->path = "montgomery_911_2019.csv.gz";
  sources.push_back(std::move(gz));
  auto socrata = std::make_unique<Socrata>();
  socrata->name = "San Francisco fire calls";
  socrata->domain = "data.sfgov.org";
  socrata->dataset_id = "nuek-vuh3";
  sources.push_back(std::move(socrata));
  db.save_all(sources);  // each object is written as its dynamic class

  // A row written by another program without a type loads as the root class.
  db.execute(R"(INSERT INTO "data_sources" ("name") VALUES ('Imported by hand'))");

  using stitch::col;
  fmt::print("-- all data sources\n");
  for (const auto& source : db.all<DataSource>())  // std::unique_ptr<DataSource>
    fmt::print("{} {} ({}): {}\n", source->id, source->name, source->type_name(),
               source->profile());

  fmt::print("-- CSV files, with their subclasses\n");
  auto csv_files = db.all<CsvFile>().order_by(col<&CsvFile::name>);
  fmt::print("{}\n", csv_files.to_sql());
  for (const auto& file : csv_files)  // std::unique_ptr<CsvFile>: a CompressedCsvFile is a CsvFile
    fmt::print("{} {}\n", file->type_name(), file->path);

  fmt::print("-- compressed files only\n");
  for (const auto& file : db.all<CompressedCsvFile>())  // a leaf: CompressedCsvFile by value
    fmt::print("{} ({})\n", file.path, file.compression);

  try {
    (void)db.find<CsvFile>(3);  // row 3 is a Socrata dataset
  } catch (const stitch::record_not_found& e) {
    fmt::print("{}\n", e.what());
  }

  // A root query may name subclass columns; other classes' rows hold NULL there.
  fmt::print("on data.sfgov.org: {}\n",
             db.all<DataSource>().where(col<&Socrata::domain> == "data.sfgov.org").count());

  // Plucked on a root query, a subclass column is a std::optional: empty in other classes' rows.
  const std::vector<std::optional<std::string>> domains =
      db.all<DataSource>().order_by(col<&DataSource::id>).pluck(col<&Socrata::domain>);
  fmt::print("domains:");
  for (const auto& domain : domains) fmt::print(" {}", domain.value_or("-"));
  fmt::print("\n");

  // Saving through a base reference updates the row as its dynamic class.
  auto loaded = db.find<DataSource>(2);
  loaded->name = "Montgomery County 911 (2019)";
  DataSource& base = *loaded;
  db.save(base);
  fmt::print("reloaded: {}\n", db.find<CompressedCsvFile>(2).name);

  // stitch::visit calls f with the object as its own class. f must accept every concrete
  // class of the hierarchy, or the program does not compile.
  for (const auto& source : db.all<DataSource>().order_by(col<&DataSource::id>))
    fmt::print("{}: {}\n", source->name, stitch::visit(*source, locate{}));
}
