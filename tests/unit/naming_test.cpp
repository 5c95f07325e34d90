#include <catch2/catch.hpp>

#include <stitch/detail/naming.hpp>

TEST_CASE("table names follow Rails: snake_case plural of the class name", "[naming]") {
  using stitch::detail::table_name_for;
  CHECK(table_name_for("DataSource") == "data_sources");
  CHECK(table_name_for("CsvFile") == "csv_files");
  CHECK(table_name_for("UniqueValue") == "unique_values");
  CHECK(table_name_for("Category") == "categories");
  CHECK(table_name_for("Person") == "people");
}
