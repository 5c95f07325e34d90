#include <catch2/catch.hpp>

#include <string>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;

namespace {
struct describe_kind {
  std::string operator()(const DataSource& d) const { return "plain " + d.name; }
  std::string operator()(const CsvFile& c) const { return "csv " + c.path; }
  std::string operator()(const CompressedCsvFile& c) const { return c.compression + " " + c.path; }
  std::string operator()(const Socrata& s) const { return "socrata " + s.dataset_id; }
};
}  // namespace

TEST_CASE("visit calls the overload of each loaded object's own class", "[visit]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CsvFile csv;
  csv.name = "a";
  csv.path = "a.csv";
  CompressedCsvFile gz;
  gz.name = "b";
  gz.path = "b.csv.gz";
  gz.compression = "zstd";
  Socrata soc;
  soc.name = "c";
  soc.dataset_id = "abcd-1234";
  DataSource plain;
  plain.name = "d";
  std::vector<DataSource*> objects{&csv, &gz, &soc, &plain};
  db->save_all(objects);

  std::vector<std::string> seen;
  for (auto& ds : db->all<DataSource>().order_by(stitch::col<&DataSource::id>))
    seen.push_back(stitch::visit(*ds, describe_kind{}));
  CHECK(seen ==
        std::vector<std::string>{"csv a.csv", "zstd b.csv.gz", "socrata abcd-1234", "plain d"});

  // A generic case covers every class; a subclass's subtree is all it must cover.
  auto csv_files = db->all<CsvFile>().order_by(stitch::col<&CsvFile::id>).to_vector();
  REQUIRE(csv_files.size() == 2);
  std::vector<std::string> paths;
  for (auto& f : csv_files) stitch::visit(*f, [&](auto& file) { paths.push_back(file.path); });
  CHECK(paths == std::vector<std::string>{"a.csv", "b.csv.gz"});
}

TEST_CASE("visit rejects an object whose class is missing from the hierarchy", "[visit]") {
  struct Unlisted : CsvFile {};
  Unlisted odd;
  DataSource& ref = odd;
  CHECK_THROWS_AS(stitch::visit(ref, [](auto&) {}), stitch::usage_error);
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CHECK_THROWS_WITH(db->save(ref), Catch::Contains("not listed in its stitch::hierarchy"));
  CHECK(db->all<DataSource>().count() == 0);
}
