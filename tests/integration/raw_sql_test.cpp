#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;

TEST_CASE("query_value reads the one value of a one-row query, with bound parameters", "[raw]") {
  stitch::test::test_database db;
  db->create_schema<Call>();
  for (int p : {1, 2, 2, 3}) {
    Call c;
    c.township = "T" + std::to_string(p);
    c.priority = p;
    db->save(c);
  }
  CHECK(db->query_value<std::int64_t>("SELECT COUNT(*) FROM calls WHERE priority = ?", 2) == 2);
  CHECK(db->query_value<std::string>("SELECT township FROM calls WHERE priority = ?", 3) == "T3");
  CHECK(db->query_value<double>("SELECT AVG(priority) FROM calls") == Approx(2.0));
  CHECK(db->query_value<std::optional<std::string>>("SELECT note FROM calls WHERE priority = ?",
                                                    1) == std::nullopt);
  CHECK(db->query_value<std::optional<std::string>>("SELECT ?", "it's") == "it's");
}

TEST_CASE("query_value refuses no row, several rows, and NULL into a non-optional type",
          "[raw][errors]") {
  stitch::test::test_database db;
  db->create_schema<Call>();
  Call a;
  a.township = "A";
  db->save(a);
  Call b;
  b.township = "B";
  db->save(b);
  CHECK_THROWS_WITH(db->query_value<std::string>("SELECT township FROM calls WHERE id = ?", -1),
                    Catch::Contains("[stitch.usage_error]") && Catch::Contains("no row"));
  CHECK_THROWS_WITH(db->query_value<std::string>("SELECT township FROM calls"),
                    Catch::Contains("more than one row"));
  CHECK_THROWS_AS(db->query_value<std::string>("SELECT note FROM calls WHERE id = ?", a.id),
                  stitch::data_error);
  CHECK_THROWS_AS(db->query_value<std::int64_t>("SELECT ? + ?", 1), stitch::usage_error);
}

TEST_CASE("pluck of a subclass's column on the root yields an optional per row", "[query][sti]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CsvFile csv;
  csv.name = "a";
  csv.path = "a.csv";
  db->save(csv);
  Socrata soc;
  soc.name = "b";
  soc.domain = "data.example.org";
  db->save(soc);
  const auto paths =
      db->all<DataSource>().order_by(col<&DataSource::id>).pluck(col<&CsvFile::path>);
  static_assert(std::is_same_v<decltype(paths), const std::vector<std::optional<std::string>>>);
  CHECK(paths == std::vector<std::optional<std::string>>{"a.csv", std::nullopt});
  // On the subclass itself the column is always there.
  const auto csv_paths = db->all<CsvFile>().pluck(col<&CsvFile::path>);
  static_assert(std::is_same_v<decltype(csv_paths), const std::vector<std::string>>);
  CHECK(csv_paths == std::vector<std::string>{"a.csv"});
}

TEST_CASE("a write transaction commits like any other", "[transaction]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  {
    auto tx = db->transaction(stitch::intent::write);
    Tag t;
    t.name = "fire";
    db->save(t);
    tx.commit();
  }
  {
    auto tx = db->transaction(stitch::intent::write);
    Tag t;
    t.name = "ems";
    db->save(t);
  }  // rolled back
  CHECK(db->all<Tag>().pluck(col<&Tag::name>) == std::vector<std::string>{"fire"});
}

TEST_CASE("saving an object of a class missing from the hierarchy names the class", "[errors]") {
  struct NotListed : Socrata {};
  NotListed odd;
  odd.name = "x";
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CHECK_THROWS_WITH(db->save(static_cast<DataSource&>(odd)),
                    Catch::Contains("NotListed") && Catch::Contains("derives from DataSource"));
}
