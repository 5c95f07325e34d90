#include <catch2/catch.hpp>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;

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
