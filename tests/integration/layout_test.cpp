// The two layouts of a hierarchy: what the joined tables look like and how they are queried
// and written (tagged [joined]: run where the test models are declared with joined_tables),
// and what happens when a database holds a hierarchy in the other layout than the one
// declared (run everywhere: it declares its own models).
#include <catch2/catch.hpp>
#include <stitch/stitch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using Catch::Matchers::Contains;
using stitch::col;

namespace {

std::vector<std::string> columns_of(stitch::database& db, const std::string& table) {
  auto out = db.connection().table_columns(table);
  std::sort(out.begin(), out.end());
  return out;
}

std::int64_t rows_in(stitch::database& db, const std::string& table) {
  return db.query_value<std::int64_t>("SELECT count(*) FROM " + table);
}

}  // namespace

TEST_CASE("joined tables: the root's table holds id, type and the root's columns; each subclass "
          "has its own",
          "[joined]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CHECK(columns_of(*db, "data_sources") ==
        std::vector<std::string>{"created_at", "description", "id", "name", "type", "updated_at"});
  CHECK(columns_of(*db, "csv_files") ==
        std::vector<std::string>{"delimiter", "id", "path", "row_count"});
  CHECK(columns_of(*db, "compressed_csv_files") == std::vector<std::string>{"compression", "id"});
  CHECK(columns_of(*db, "socrata") ==
        std::vector<std::string>{"app_token", "dataset_id", "domain", "id"});
  // A subclass's columns keep their nullability in a table of their own.
  db->execute(
      "INSERT INTO data_sources (type, name, created_at, updated_at) VALUES ('CsvFile', 'x', "
      "'2024-01-01 00:00:00', '2024-01-01 00:00:00')");
  const auto id = db->query_value<std::int64_t>("SELECT max(id) FROM data_sources");
  CHECK_THROWS_AS(
      db->execute("INSERT INTO csv_files (id, path, delimiter, row_count) VALUES (" +
                  std::to_string(id) + ", NULL, ',', 0)"),
      stitch::not_null_violation);
  // The id of a subclass's row is its parent's row's: no orphan.
  CHECK_THROWS_AS(db->execute("INSERT INTO compressed_csv_files (id, compression) VALUES (999, "
                              "'zip')"),
                  stitch::foreign_key_violation);
}

TEST_CASE("joined tables: loading the root is one statement with a LEFT JOIN per subclass "
          "table; a subclass inner-joins its ancestors",
          "[joined]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  const auto root = db->all<DataSource>().to_sql();
  CHECK_THAT(root, Contains(R"(FROM "data_sources" LEFT JOIN "csv_files" ON "csv_files"."id" = "data_sources"."id")"));
  CHECK_THAT(root, Contains(R"(LEFT JOIN "compressed_csv_files")"));
  CHECK_THAT(root, Contains(R"(LEFT JOIN "socrata")"));  // Rails leaves "socrata" as it is
  const auto sub = db->all<CompressedCsvFile>().where(col<&CsvFile::row_count> > 3).to_sql();
  CHECK_THAT(sub, Contains(R"(INNER JOIN "csv_files")") &&
                      Contains(R"(INNER JOIN "compressed_csv_files")") &&
                      !Contains("LEFT JOIN") && Contains(R"("csv_files"."row_count" >)"));

  CsvFile csv;
  csv.name = "csv";
  csv.path = "a.csv";
  db->save(csv);
  CompressedCsvFile gz;
  gz.name = "gz";
  gz.path = "b.csv.gz";
  db->save(gz);
  Socrata soda;
  soda.name = "soda";
  soda.domain = "data.example.org";
  soda.dataset_id = "abcd-1234";
  db->save(soda);
  DataSource plain;
  plain.name = "plain";
  db->save(plain);

  const auto before = db->statements_executed();
  const auto all = db->all<DataSource>().order_by(col<&DataSource::id>).to_vector();
  CHECK(db->statements_executed() - before == 1);
  REQUIRE(all.size() == 4);
  CHECK(all[0]->describe() == "a CSV file at a.csv");
  CHECK(all[1]->describe() == "a gzip CSV file at b.csv.gz");
  CHECK(all[2]->describe() == "Socrata dataset abcd-1234 on data.example.org");
  CHECK(all[3]->describe() == "a data source");
  CHECK(db->all<CsvFile>().count() == 2);
  CHECK(db->all<CsvFile>().where(col<&CsvFile::path> == "b.csv.gz").first()->name == "gz");
  CHECK(db->all<DataSource>().where(col<&DataSource::id> == gz.id).pluck(col<&DataSource::name>) ==
        std::vector<std::string>{"gz"});
}

TEST_CASE("joined tables: an object is written to each table of its class in one transaction, "
          "and destroyed from all",
          "[joined]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CompressedCsvFile gz;
  gz.name = "gz";
  gz.path = "b.csv.gz";
  gz.compression = "zstd";
  db->save(gz);
  CHECK(rows_in(*db, "data_sources") == 1);
  CHECK(rows_in(*db, "csv_files") == 1);
  CHECK(rows_in(*db, "compressed_csv_files") == 1);
  CHECK(db->query_value<std::string>("SELECT compression FROM compressed_csv_files WHERE id = " +
                                     std::to_string(gz.id)) == "zstd");

  gz.row_count = 12;
  gz.name = "renamed";
  db->save(gz);
  const auto loaded = db->find<CompressedCsvFile>(gz.id);
  CHECK(loaded.row_count == 12);
  CHECK(loaded.name == "renamed");

  // A write that fails in a subclass's table leaves no row in the root's.
  db->execute("CREATE UNIQUE INDEX unique_paths ON csv_files (path)");
  CsvFile twin;
  twin.name = "twin";
  twin.path = "b.csv.gz";
  CHECK_THROWS_AS(db->save(twin), stitch::unique_violation);
  CHECK_FALSE(twin.persisted());
  CHECK(rows_in(*db, "data_sources") == 1);

  CHECK(db->destroy(gz));
  CHECK(rows_in(*db, "data_sources") == 0);
  CHECK(rows_in(*db, "csv_files") == 0);
  CHECK(rows_in(*db, "compressed_csv_files") == 0);
}

// One hierarchy declared in each layout over the same table names, as an application would
// see it before and after changing its declaration.
namespace layout_switch {
struct VehicleColumns {
  std::string name;
};
struct TruckColumns {
  std::int64_t axles = 0;
};
namespace single {
struct Vehicle : stitch::model<Vehicle, VehicleColumns> {
  static constexpr std::string_view table_name = "switch_vehicles";
};
struct Truck : stitch::subclass<Truck, Vehicle, TruckColumns> {};
}  // namespace single
namespace joined {
struct Vehicle : stitch::model<Vehicle, VehicleColumns> {
  static constexpr std::string_view table_name = "switch_vehicles";
};
struct Truck : stitch::subclass<Truck, Vehicle, TruckColumns> {};
}  // namespace joined
}  // namespace layout_switch

template <>
struct stitch::hierarchy<layout_switch::single::Vehicle>
    : stitch::single_table<layout_switch::single::Vehicle, layout_switch::single::Truck> {};
template <>
struct stitch::hierarchy<layout_switch::joined::Vehicle>
    : stitch::joined_tables<layout_switch::joined::Vehicle, layout_switch::joined::Truck> {};

TEST_CASE("a hierarchy declared in the other layout than its tables is a schema_error that "
          "names the layout, and nothing is written",
          "[layout][errors]") {
  {
    stitch::test::test_database db;
    db->create_schema<layout_switch::single::Vehicle>();
    layout_switch::single::Truck t;
    t.name = "t";
    t.axles = 3;
    db->save(t);
    CHECK_THROWS_WITH(db->create_schema<layout_switch::joined::Vehicle>(),
                      Contains("[stitch.schema_error]") &&
                          Contains("table switch_vehicles has the single-table layout") &&
                          Contains("axles") && Contains("stitch::joined_tables"));
    CHECK(db->connection().table_columns("trucks").empty());  // nothing created beside it
    CHECK_THROWS_WITH(db->check_schema<layout_switch::joined::Vehicle>(),
                      Contains("has the single-table layout"));
    CHECK(db->all<layout_switch::single::Truck>().first()->axles == 3);
  }
  {
    stitch::test::test_database db;
    db->create_schema<layout_switch::joined::Vehicle>();
    layout_switch::joined::Truck t;
    t.name = "t";
    t.axles = 3;
    db->save(t);
    CHECK_THROWS_WITH(db->create_schema<layout_switch::single::Vehicle>(),
                      Contains("[stitch.schema_error]") &&
                          Contains("table switch_vehicles has the joined layout") &&
                          Contains("trucks") && Contains("stitch::single_table"));
    CHECK(db->all<layout_switch::joined::Truck>().first()->axles == 3);
  }
}
