#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;

namespace {

// Leaf classes load as values, classes with subclasses as std::unique_ptr.
static_assert(std::is_same_v<stitch::loaded_t<Socrata>, Socrata>);
static_assert(std::is_same_v<stitch::loaded_t<CompressedCsvFile>, CompressedCsvFile>);
static_assert(std::is_same_v<stitch::loaded_t<CsvFile>, std::unique_ptr<CsvFile>>);
static_assert(std::is_same_v<stitch::loaded_t<DataSource>, std::unique_ptr<DataSource>>);
static_assert(std::is_same_v<stitch::loaded_t<Vehicle>, std::unique_ptr<Vehicle>>);
static_assert(std::is_same_v<stitch::loaded_t<Car>, Car>);
static_assert(std::is_same_v<stitch::loaded_t<Shape>, std::unique_ptr<Shape>>);
static_assert(std::is_same_v<stitch::loaded_t<Tag>, Tag>);
static_assert(std::is_same_v<stitch::maybe_t<Socrata>, std::optional<Socrata>>);
static_assert(std::is_same_v<stitch::maybe_t<DataSource>, std::unique_ptr<DataSource>>);

// Rows whose stored discriminator is `type`, counted in SQL.
template <class Root>
std::int64_t rows_typed(stitch::database& db, const std::string& type) {
  return db.all<Root>().where("\"type\" = ?", type).count();
}

const std::string a_time = "'2024-01-01 00:00:00.000000'";

// Inserts a data_sources row by hand (type_sql is an SQL literal such as NULL or 'Bogus').
std::int64_t insert_source_row(stitch::database& db, const std::string& type_sql,
                               const std::string& name) {
  db.execute("INSERT INTO data_sources (type, name, created_at, updated_at) VALUES (" + type_sql +
             ", '" + name + "', " + a_time + ", " + a_time + ")");
  const auto ids =
      db.all<DataSource>().where(col<&DataSource::name> == name).pluck(col<&DataSource::id>);
  REQUIRE(ids.size() == 1);
  return ids[0];
}

std::int64_t insert_fleet_row(stitch::database& db, const std::string& type_sql,
                              const std::string& label) {
  db.execute("INSERT INTO fleet (type, label) VALUES (" + type_sql + ", '" + label + "')");
  const auto ids = db.all<Vehicle>().where(col<&Vehicle::label> == label).pluck(col<&Vehicle::id>);
  REQUIRE(ids.size() == 1);
  return ids[0];
}

struct seeded_sources {
  CsvFile csv;
  Socrata socrata;
  CompressedCsvFile gz;
  DataSource plain;
};

seeded_sources seed_sources(stitch::database& db) {
  db.create_schema<DataSource>();
  seeded_sources s;
  s.csv.name = "Montgomery County 911";
  s.csv.path = "calls.csv";
  s.csv.row_count = 663522;
  db.save(s.csv);
  s.socrata.name = "SF fire calls";
  s.socrata.domain = "data.sfgov.org";
  s.socrata.dataset_id = "nuek-vuh3";
  s.socrata.app_token = "token";
  db.save(s.socrata);
  s.gz.name = "archive";
  s.gz.path = "old.csv.gz";
  s.gz.delimiter = ";";
  s.gz.compression = "zstd";
  db.save(s.gz);
  s.plain.name = "plain";
  db.save(s.plain);
  return s;
}

}  // namespace

TEST_CASE("loading the root returns each row as its own subclass", "[sti]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CsvFile csv;
  csv.name = "Montgomery County 911";
  csv.path = "calls.csv";
  db->save(csv);
  Socrata socrata;
  socrata.name = "SF fire calls";
  socrata.domain = "data.sfgov.org";
  socrata.dataset_id = "nuek-vuh3";
  db->save(socrata);
  CompressedCsvFile gz;
  gz.name = "archive";
  gz.path = "old.csv.gz";
  db->save(gz);
  DataSource plain;
  plain.name = "plain";
  db->save(plain);

  auto all = db->all<DataSource>().order_by(col<&DataSource::id>).to_vector();
  REQUIRE(all.size() == 4);
  CHECK(dynamic_cast<CsvFile*>(all[0].get()) != nullptr);
  CHECK(all[0]->describe() == "a CSV file at calls.csv");
  CHECK(all[1]->describe() == "Socrata dataset nuek-vuh3 on data.sfgov.org");
  CHECK(all[2]->describe() == "a gzip CSV file at old.csv.gz");
  CHECK(all[3]->describe() == "a data source");
  CHECK(all[3]->type_name() == "DataSource");
}

TEST_CASE("each loaded subclass object carries the members of its whole lineage", "[sti]") {
  stitch::test::test_database db;
  const auto s = seed_sources(*db);

  auto all = db->all<DataSource>().order_by(col<&DataSource::id>).to_vector();
  REQUIRE(all.size() == 4);

  auto* csv = dynamic_cast<CsvFile*>(all[0].get());
  REQUIRE(csv != nullptr);
  CHECK(typeid(*csv) == typeid(CsvFile));
  CHECK(csv->id == s.csv.id);
  CHECK(csv->name == "Montgomery County 911");
  CHECK(csv->path == "calls.csv");
  CHECK(csv->delimiter == ",");
  CHECK(csv->row_count == 663522);
  CHECK(csv->persisted());

  auto* socrata = dynamic_cast<Socrata*>(all[1].get());
  REQUIRE(socrata != nullptr);
  CHECK(socrata->domain == "data.sfgov.org");
  CHECK(socrata->dataset_id == "nuek-vuh3");
  CHECK(socrata->app_token == std::optional<std::string>("token"));

  auto* gz = dynamic_cast<CompressedCsvFile*>(all[2].get());
  REQUIRE(gz != nullptr);
  CHECK(typeid(*gz) == typeid(CompressedCsvFile));
  CHECK(gz->name == "archive");
  CHECK(gz->path == "old.csv.gz");
  CHECK(gz->delimiter == ";");
  CHECK(gz->compression == "zstd");
  CHECK(gz->type_name() == "CompressedCsvFile");
  CHECK(gz->describe() == "a zstd CSV file at old.csv.gz");

  CHECK(typeid(*all[3]) == typeid(DataSource));
}

TEST_CASE("a query on a subclass returns rows of that class and its descendants only",
          "[sti][query]") {
  stitch::test::test_database db;
  const auto s = seed_sources(*db);

  auto csvs = db->all<CsvFile>().order_by(col<&CsvFile::id>).to_vector();
  REQUIRE(csvs.size() == 2);
  CHECK(csvs[0]->id == s.csv.id);
  CHECK(typeid(*csvs[0]) == typeid(CsvFile));
  CHECK(csvs[1]->id == s.gz.id);
  CHECK(typeid(*csvs[1]) == typeid(CompressedCsvFile));
  CHECK(csvs[1]->describe() == "a zstd CSV file at old.csv.gz");

  CHECK(db->all<CsvFile>().count() == 2);
  CHECK(db->all<CompressedCsvFile>().count() == 1);
  CHECK(db->all<Socrata>().count() == 1);
  CHECK(db->all<DataSource>().count() == 4);
  CHECK(db->all<CsvFile>().pluck(col<&CsvFile::name>).size() == 2);
  CHECK(db->all<CsvFile>().where(col<&CsvFile::name> == "SF fire calls").count() == 0);
  CHECK_FALSE(db->all<CompressedCsvFile>().where(col<&CsvFile::path> == "calls.csv").exists());
}

TEST_CASE("a query on a leaf class yields values of that class", "[sti][query]") {
  stitch::test::test_database db;
  const auto s = seed_sources(*db);

  std::vector<Socrata> socratas = db->all<Socrata>().to_vector();
  REQUIRE(socratas.size() == 1);
  CHECK(socratas[0].id == s.socrata.id);
  CHECK(socratas[0].dataset_id == "nuek-vuh3");
  CHECK(socratas[0].persisted());

  int seen = 0;
  for (Socrata& row : db->all<Socrata>()) {
    CHECK(row.domain == "data.sfgov.org");
    ++seen;
  }
  CHECK(seen == 1);

  std::vector<CompressedCsvFile> gzs = db->all<CompressedCsvFile>().to_vector();
  REQUIRE(gzs.size() == 1);
  CHECK(gzs[0].compression == "zstd");
  CHECK(gzs[0].path == "old.csv.gz");
}

TEST_CASE("saving through a base reference writes the object's own class", "[sti][persistence]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CsvFile csv;
  csv.name = "through a base";
  csv.path = "base.csv";
  csv.row_count = 12;
  DataSource& ref = csv;
  db->save(ref);
  REQUIRE(csv.persisted());

  CHECK(db->all<DataSource>().where("\"type\" = ?", "CsvFile").count() == 1);
  CHECK(db->all<DataSource>().where("\"type\" = ?", "DataSource").count() == 0);
  const auto found = db->find<CsvFile>(csv.id);
  CHECK(typeid(*found) == typeid(CsvFile));
  CHECK(found->path == "base.csv");
  CHECK(found->row_count == 12);

  CompressedCsvFile gz;
  gz.name = "deeper";
  gz.path = "deep.csv.gz";
  gz.compression = "xz";
  CsvFile& mid = gz;
  db->save(mid);
  CHECK(rows_typed<DataSource>(*db, "CompressedCsvFile") == 1);
  CHECK(db->find<CompressedCsvFile>(gz.id).compression == "xz");

  // An update through the base reference writes the subclass's members too.
  csv.path = "moved.csv";
  db->save(ref);
  CHECK(db->find<CsvFile>(csv.id)->path == "moved.csv");
}

TEST_CASE("the stored type defaults to the class name and can be overridden, as can the table",
          "[sti]") {
  stitch::test::test_database db;
  db->create_schema<Vehicle>();
  CHECK(db->table_name<Vehicle>() == "fleet");
  CHECK(db->table_name<Car>() == "fleet");
  CHECK(db->table_name<DataSource>() == "data_sources");
  CHECK(db->table_name<CompressedCsvFile>() == "data_sources");

  Car car;
  car.label = "red";
  car.doors = 2;
  CHECK(car.type_name() == "car");
  db->save(car);
  Vehicle bike;
  bike.label = "bike";
  CHECK(bike.type_name() == "Vehicle");
  db->save(bike);

  CHECK(rows_typed<Vehicle>(*db, "car") == 1);
  CHECK(rows_typed<Vehicle>(*db, "Car") == 0);
  CHECK(rows_typed<Vehicle>(*db, "Vehicle") == 1);

  std::vector<Car> cars = db->all<Car>().to_vector();
  REQUIRE(cars.size() == 1);
  CHECK(cars[0].id == car.id);
  CHECK(cars[0].doors == 2);
  CHECK(cars[0].label == "red");

  auto vehicles = db->all<Vehicle>().order_by(col<&Vehicle::id>).to_vector();
  REQUIRE(vehicles.size() == 2);
  CHECK(typeid(*vehicles[0]) == typeid(Car));
  CHECK(typeid(*vehicles[1]) == typeid(Vehicle));
}

TEST_CASE("a row whose type is NULL or the root's name loads as the root", "[sti]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  const auto null_id = insert_source_row(*db, "NULL", "untyped");
  const auto root_id = insert_source_row(*db, "'DataSource'", "rooted");

  const auto untyped = db->find<DataSource>(null_id);
  REQUIRE(untyped);
  CHECK(typeid(*untyped) == typeid(DataSource));
  CHECK(untyped->name == "untyped");
  CHECK(untyped->type_name() == "DataSource");
  CHECK(untyped->created_at ==
        models::timestamp(std::chrono::sys_days(std::chrono::year(2024) / 1 / 1)));

  const auto rooted = db->find<DataSource>(root_id);
  CHECK(typeid(*rooted) == typeid(DataSource));
  CHECK(rooted->name == "rooted");

  auto all = db->all<DataSource>().to_vector();
  REQUIRE(all.size() == 2);
  CHECK(typeid(*all[0]) == typeid(DataSource));
  CHECK(typeid(*all[1]) == typeid(DataSource));

  // Neither is a CsvFile.
  CHECK(db->all<CsvFile>().count() == 0);
  CHECK_FALSE(db->find_optional<CsvFile>(null_id));
}

TEST_CASE("a root object keeps a NULL type when copied, as Rails stores its base class's rows",
          "[sti]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  const auto null_id = insert_source_row(*db, "NULL", "untyped");
  const auto empty_id = insert_source_row(*db, "''", "empty");
  const auto root_id = insert_source_row(*db, "'DataSource'", "rooted");
  const auto stored_type = [&](std::int64_t id) {
    return db->query_value<std::optional<std::string>>(
        "SELECT \"type\" FROM data_sources WHERE id = ?", id);
  };

  auto all = db->all<DataSource>().order_by(col<&DataSource::id>).to_vector();
  REQUIRE(all.size() == 3);
  CHECK(all[0]->stores_null_type());
  CHECK(all[1]->stores_null_type());  // empty reads as Rails reads it: the base class
  CHECK_FALSE(all[2]->stores_null_type());
  CHECK_FALSE(db->find<DataSource>(root_id)->stores_null_type());
  CHECK(db->find<DataSource>(null_id)->stores_null_type());

  // An update leaves `type` as it is.
  all[0]->description = "updated";
  db->save(*all[0]);
  CHECK_FALSE(stored_type(null_id).has_value());
  CHECK(stored_type(empty_id) == "");

  // Copies inserted as new rows: the NULL is kept, one by one and in a batch.
  std::vector<DataSource> copies(3);
  for (std::size_t i = 0; i < 3; ++i) {
    static_cast<models::DataSourceColumns&>(copies[i]) = *all[i];
    copies[i].store_null_type(all[i]->stores_null_type());
    copies[i].name = "copy of " + all[i]->name;
  }
  db->save(copies[0]);
  db->save_all(std::span(copies).subspan(1));
  CHECK_FALSE(stored_type(copies[0].id).has_value());
  CHECK_FALSE(stored_type(copies[1].id).has_value());  // an empty type is copied as NULL
  CHECK(stored_type(copies[2].id) == "DataSource");

  // A new object of the root stores the root's name unless told otherwise; a subclass's
  // objects always store their class's name.
  DataSource plain;
  plain.name = "plain";
  db->save(plain);
  CHECK(stored_type(plain.id) == "DataSource");
  CsvFile csv;
  csv.name = "csv";
  csv.store_null_type(true);
  db->save(csv);
  CHECK(stored_type(csv.id) == "CsvFile");
}

TEST_CASE("a column the models do not declare is ignored on read and kept on update",
          "[sti]") {
  // As when a Rails migration adds a column the C++ models do not know yet.
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  db->execute(R"(ALTER TABLE data_sources ADD COLUMN legacy_code varchar DEFAULT 'none')");
  const auto id = insert_source_row(*db, "NULL", "with a legacy code");
  db->execute("UPDATE data_sources SET legacy_code = 'L-7' WHERE name = 'with a legacy code'");
  const auto legacy_code = [&](std::int64_t row) {
    return db->query_value<std::string>("SELECT legacy_code FROM data_sources WHERE id = ?", row);
  };

  auto ds = db->find<DataSource>(id);
  CHECK(ds->name == "with a legacy code");
  ds->name = "renamed";
  db->save(*ds);
  CHECK(db->find<DataSource>(id)->name == "renamed");
  CHECK(legacy_code(id) == "L-7");

  DataSource fresh;
  fresh.name = "fresh";
  db->save(fresh);
  CHECK(legacy_code(fresh.id) == "none");  // the column's default
}

TEST_CASE("a row of unknown type raises unknown_type naming the table, the id and the value",
          "[sti][errors]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CsvFile csv;
  csv.name = "fine";
  csv.path = "fine.csv";
  db->save(csv);
  const auto bogus_id = insert_source_row(*db, "'ExcelFile'", "bogus");

  auto check_error = [&](const stitch::unknown_type& e) {
    CHECK(e.table() == "data_sources");
    CHECK(e.record_id() == bogus_id);
    CHECK(e.value() == "ExcelFile");
    CHECK(e.id() == "stitch.unknown_type");
    const std::string what = e.what();
    CHECK(what.rfind("[stitch.unknown_type]", 0) == 0);
    CHECK(what.find("data_sources") != std::string::npos);
    CHECK(what.find("id " + std::to_string(bogus_id)) != std::string::npos);
    CHECK(what.find("'ExcelFile'") != std::string::npos);
  };

  SECTION("find") {
    try {
      (void)db->find<DataSource>(bogus_id);
      FAIL("find loaded a row of unknown type");
    } catch (const stitch::unknown_type& e) {
      check_error(e);
    }
  }
  SECTION("to_vector") {
    try {
      (void)db->all<DataSource>().to_vector();
      FAIL("to_vector loaded a row of unknown type");
    } catch (const stitch::unknown_type& e) {
      check_error(e);
    }
  }
  SECTION("iteration") {
    try {
      for (auto& row : db->all<DataSource>()) (void)row;
      FAIL("iteration loaded a row of unknown type");
    } catch (const stitch::unknown_type& e) {
      check_error(e);
    }
  }
  SECTION("count, pluck and queries on subclasses still work") {
    CHECK(db->all<DataSource>().count() == 2);
    CHECK(db->all<DataSource>().pluck(col<&DataSource::name>).size() == 2);
    CHECK(db->all<CsvFile>().to_vector().size() == 1);
    CHECK_THROWS_AS(db->find<CsvFile>(bogus_id), stitch::record_not_found);
    CHECK(db->find<DataSource>(csv.id)->name == "fine");
  }
}

TEST_CASE("the skip policy leaves rows of unknown type out of loads but not out of count",
          "[sti]") {
  stitch::test::test_database db;
  db->create_schema<Vehicle>();
  Car car;
  car.label = "car";
  db->save(car);
  const auto truck_id = insert_fleet_row(*db, "'truck'", "truck");
  // The class name is not the stored name of a class whose sti_name is overridden.
  const auto wrong_case_id = insert_fleet_row(*db, "'Car'", "capital");

  CHECK(db->all<Vehicle>().count() == 3);
  const auto loaded = db->all<Vehicle>().to_vector();
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0]->id == car.id);

  int iterated = 0;
  for (auto& v : db->all<Vehicle>()) {
    CHECK(v->id == car.id);
    ++iterated;
  }
  CHECK(iterated == 1);

  CHECK_THROWS_AS(db->find<Vehicle>(truck_id), stitch::record_not_found);
  CHECK_FALSE(db->find_optional<Vehicle>(truck_id));
  CHECK_THROWS_AS(db->find<Vehicle>(wrong_case_id), stitch::record_not_found);
  CHECK_THROWS_AS(db->find<Car>(truck_id), stitch::record_not_found);
  CHECK(db->find<Car>(car.id).label == "car");
}

TEST_CASE("first skips rows of unknown type under the skip policy", "[sti][query]") {
  stitch::test::test_database db;
  db->create_schema<Vehicle>();
  insert_fleet_row(*db, "'truck'", "truck");  // the lowest id
  Car car;
  car.label = "car";
  db->save(car);

  const auto first = db->all<Vehicle>().first();
  REQUIRE(first);
  CHECK(first->id == car.id);
}

TEST_CASE("the load_as_root policy loads rows of unknown type as the root", "[sti]") {
  stitch::test::test_database db;
  db->create_schema<Animal>();
  Dog rex;
  rex.name = "Rex";
  rex.good = false;
  db->save(rex);
  db->execute("INSERT INTO animals (type, name) VALUES ('Cat', 'Tom')");
  const auto cat_id =
      db->all<Animal>().where(col<&Animal::name> == "Tom").pluck(col<&Animal::id>).at(0);

  const auto animals = db->all<Animal>().order_by(col<&Animal::name>).to_vector();
  REQUIRE(animals.size() == 2);
  CHECK(typeid(*animals[0]) == typeid(Dog));
  CHECK(dynamic_cast<const Dog&>(*animals[0]).good == false);
  CHECK(typeid(*animals[1]) == typeid(Animal));
  CHECK(animals[1]->name == "Tom");
  CHECK(animals[1]->id == cat_id);

  const auto cat = db->find<Animal>(cat_id);
  CHECK(typeid(*cat) == typeid(Animal));
  CHECK(cat->type_name() == "Animal");
  CHECK(db->all<Dog>().count() == 1);
  CHECK_THROWS_AS(db->find<Dog>(cat_id), stitch::record_not_found);
}

TEST_CASE("a row of an abstract root's own type raises unknown_type", "[sti][errors]") {
  stitch::test::test_database db;
  db->create_schema<Shape>();
  Circle circle;
  circle.x = 1.5;
  circle.radius = 2;
  db->save(circle);
  db->execute("INSERT INTO shapes (type, x) VALUES ('Shape', 7.0)");
  const auto shape_id = db->all<Shape>().where(col<&Shape::x> == 7.0).pluck(col<&Shape::id>).at(0);

  const auto loaded = db->find<Shape>(circle.id);
  CHECK(typeid(*loaded) == typeid(Circle));
  CHECK(loaded->area() == 12.0);

  try {
    (void)db->find<Shape>(shape_id);
    FAIL("an abstract class was loaded");
  } catch (const stitch::unknown_type& e) {
    CHECK(e.table() == "shapes");
    CHECK(e.record_id() == shape_id);
    CHECK(e.value() == "Shape");
  }
  CHECK_THROWS_AS(db->all<Shape>().to_vector(), stitch::unknown_type);
  CHECK(db->all<Circle>().to_vector().size() == 1);
}

TEST_CASE("a NULL-typed row of an abstract root raises unknown_type", "[sti][errors]") {
  stitch::test::test_database db;
  db->create_schema<Shape>();
  db->execute("INSERT INTO shapes (type, x) VALUES (NULL, 3.0)");
  CHECK_THROWS_AS(db->all<Shape>().to_vector(), stitch::unknown_type);
  CHECK(db->all<Shape>().count() == 1);
}

TEST_CASE("virtual functions dispatch on objects found by id", "[sti]") {
  stitch::test::test_database db;
  const auto s = seed_sources(*db);

  CHECK(db->find<DataSource>(s.csv.id)->describe() == "a CSV file at calls.csv");
  CHECK(db->find<DataSource>(s.gz.id)->describe() == "a zstd CSV file at old.csv.gz");
  CHECK(db->find<CsvFile>(s.gz.id)->describe() == "a zstd CSV file at old.csv.gz");
  CHECK(db->find<DataSource>(s.socrata.id)->describe() ==
        "Socrata dataset nuek-vuh3 on data.sfgov.org");
  CHECK(db->find<DataSource>(s.plain.id)->describe() == "a data source");
  CHECK(db->find<Socrata>(s.socrata.id).describe() ==
        "Socrata dataset nuek-vuh3 on data.sfgov.org");

  const auto first = db->all<DataSource>().first();
  REQUIRE(first);
  CHECK(first->describe() == "a CSV file at calls.csv");
}

TEST_CASE("a loaded subclass object can be changed and saved as itself", "[sti][persistence]") {
  stitch::test::test_database db;
  const auto s = seed_sources(*db);

  auto loaded = db->find<DataSource>(s.gz.id);
  auto& gz = dynamic_cast<CompressedCsvFile&>(*loaded);
  gz.compression = "brotli";
  gz.path = "new.csv.br";
  gz.name = "renamed";
  db->save(*loaded);

  const auto again = db->find<CompressedCsvFile>(s.gz.id);
  CHECK(again.compression == "brotli");
  CHECK(again.path == "new.csv.br");
  CHECK(again.name == "renamed");
  CHECK(rows_typed<DataSource>(*db, "CompressedCsvFile") == 1);
  CHECK(db->all<DataSource>().count() == 4);
}
