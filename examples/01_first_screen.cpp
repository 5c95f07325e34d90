// The first screen: a class hierarchy stored in one table, loaded back as its subclasses.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>

#include <optional>
#include <string>

struct DataSourceColumns {
  std::string name;
  std::optional<std::string> description;
};
struct CsvFileColumns {
  std::string path;
  std::string delimiter = ",";
  std::int64_t row_count = 0;
};
struct SocrataColumns {
  std::string domain;
  std::string dataset_id;
  std::optional<std::string> app_token;
};
struct FieldColumns {
  std::int64_t data_source_id = 0;
  std::string name;
  std::optional<std::string> maps_to;
};

struct Field;
struct DataSource : stitch::model<DataSource, DataSourceColumns> {
  virtual std::string profile() const { return "nothing to profile"; }  // each subclass overrides
  stitch::has_many<Field> fields;                                       // Field's data_source_id
  using associations = stitch::associations<&DataSource::fields>;
};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {
  std::string profile() const override {
    return fmt::format("stream {} split on '{}'", path, delimiter);
  }
};
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {
  std::string profile() const override {
    return fmt::format("ask https://{}/api/views/{}.json", domain, dataset_id);
  }
};
struct Field : stitch::model<Field, FieldColumns> {
  stitch::belongs_to<DataSource> data_source;  // loads as a CsvFile or a Socrata
  using associations = stitch::associations<&Field::data_source>;
};

// One line picks the layout: every class in the data_sources table, told apart by `type`.
template <>
struct stitch::hierarchy<DataSource> : stitch::single_table<DataSource, CsvFile, Socrata> {};

int main() {
  auto db = stitch::sqlite::open("classifier.sqlite3");
  db.create_schema<DataSource, Field>();

  CsvFile csv;
  csv.name = "Montgomery County 911";
  csv.path = "montgomery_911_sample.csv";
  db.save(csv);  // INSERT ... type = 'CsvFile'

  Socrata socrata;
  socrata.name = "San Francisco fire calls";
  socrata.domain = "data.sfgov.org";
  socrata.dataset_id = "nuek-vuh3";
  db.save(socrata);

  for (const char* name : {"title", "timeStamp", "lat", "lng"}) csv.fields.build().name = name;
  db.save(csv);  // inserts the four fields with data_source_id = csv.id

  using stitch::col;
  const auto before = db.statements_executed();
  for (auto& ds :
       db.all<DataSource>().order_by(col<&DataSource::name>).includes(&DataSource::fields))
    fmt::print("{} {}: {} fields; profile: {}\n", ds->type_name(), ds->name, ds->fields.size(),
               ds->profile());  // ds is a std::unique_ptr<DataSource>
  fmt::print("{} statements for the sources and their fields\n", db.statements_executed() - before);
  for (auto& csv_file : db.all<CsvFile>())  // a CsvFile query filters on type and yields CsvFile
    fmt::print("CSV file {} at {}\n", csv_file.id, csv_file.path);
}
