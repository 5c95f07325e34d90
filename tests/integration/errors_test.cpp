#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;

namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}
bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A class derived from a model but missing from its hierarchy declaration.
struct TsvFile : CsvFile {};

void add_unique_name_index(stitch::database& db) {
  db.execute("CREATE UNIQUE INDEX index_data_sources_on_name ON data_sources (name)");
}

}  // namespace

TEST_CASE("an insert violating a unique index throws unique_violation and changes nothing",
          "[errors]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  add_unique_name_index(*db);
  CsvFile existing;
  existing.name = "secret-name-4711";
  existing.path = "first.csv";
  db->save(existing);

  CsvFile duplicate;
  duplicate.name = "secret-name-4711";
  duplicate.path = "secret-path-0815";
  duplicate.row_count = 31337;
  try {
    db->save(duplicate);
    FAIL("a duplicate was saved");
  } catch (const stitch::unique_violation& e) {
    const std::string what = e.what();
    CHECK(starts_with(what, "[stitch.unique_violation] "));
    CHECK(e.id() == "stitch.unique_violation");
    CHECK(contains(what, "data_sources"));
    CHECK(contains(e.sql(), "INSERT INTO"));
    CHECK(contains(e.sql(), "data_sources"));
    CHECK_FALSE(contains(e.sql(), "secret"));
    CHECK_FALSE(contains(e.sql(), "31337"));
  }
  CHECK(duplicate.id == 0);
  CHECK(duplicate.new_record());
  CHECK(duplicate.name == "secret-name-4711");
  CHECK(duplicate.path == "secret-path-0815");
  CHECK(duplicate.row_count == 31337);
  CHECK(duplicate.created_at == models::timestamp{});
  CHECK(duplicate.updated_at == models::timestamp{});
  CHECK(db->all<DataSource>().count() == 1);
  CHECK(db->all<DataSource>().pluck(col<&DataSource::id>) ==
        std::vector<std::int64_t>{existing.id});

  // The error types form one hierarchy.
  CHECK_THROWS_AS(db->save(duplicate), stitch::constraint_violation);
  CHECK_THROWS_AS(db->save(duplicate), stitch::database_error);
  CHECK_THROWS_AS(db->save(duplicate), stitch::error);
  CHECK(duplicate.new_record());

  // Once the name is free, the same object saves.
  duplicate.name = "another";
  db->save(duplicate);
  CHECK(duplicate.persisted());
  CHECK(db->all<DataSource>().count() == 2);
}

TEST_CASE("an update violating a unique index throws unique_violation and changes nothing",
          "[errors]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  add_unique_name_index(*db);
  DataSource a;
  a.name = "a";
  db->save(a);
  Socrata b;
  b.name = "b";
  b.domain = "b.gov";
  b.dataset_id = "bbbb";
  db->save(b);
  const auto b_id = b.id;
  const auto b_updated = b.updated_at;

  b.name = "a";
  b.domain = "changed.gov";
  try {
    db->save(b);
    FAIL("a duplicate name was saved");
  } catch (const stitch::unique_violation& e) {
    CHECK(starts_with(e.what(), "[stitch.unique_violation]"));
    CHECK(contains(e.sql(), "UPDATE"));
    CHECK_FALSE(contains(e.sql(), "changed.gov"));
  }
  CHECK(b.id == b_id);
  CHECK(b.persisted());
  CHECK(b.updated_at == b_updated);
  CHECK(b.name == "a");
  CHECK(b.domain == "changed.gov");
  const auto stored = db->find<Socrata>(b_id);
  CHECK(stored.name == "b");
  CHECK(stored.domain == "b.gov");
}

TEST_CASE("a save sending NULL into a NOT NULL column throws not_null_violation", "[errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  Tag existing;
  existing.name = "existing";
  db->save(existing);

  NullableTag nameless;
  try {
    db->save(nameless);
    FAIL("NULL was saved into a NOT NULL column");
  } catch (const stitch::not_null_violation& e) {
    CHECK(starts_with(e.what(), "[stitch.not_null_violation] "));
    CHECK(contains(e.what(), "tags"));
    CHECK(contains(e.sql(), "INSERT INTO"));
    CHECK(contains(e.sql(), "tags"));
  }
  CHECK(nameless.id == 0);
  CHECK(nameless.new_record());
  CHECK_FALSE(nameless.name.has_value());
  CHECK(db->all<Tag>().count() == 1);

  auto loaded = db->find<NullableTag>(existing.id);
  CHECK(loaded.name == std::optional<std::string>("existing"));
  loaded.name.reset();
  CHECK_THROWS_AS(db->save(loaded), stitch::not_null_violation);
  CHECK(loaded.persisted());
  CHECK(loaded.id == existing.id);
  CHECK(db->find<Tag>(existing.id).name == "existing");
}

TEST_CASE("inserting an explicit id that is taken throws unique_violation", "[errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  Tag first;
  first.name = "first";
  db->save(first);
  Tag second;
  second.name = "second";
  second.id = first.id;
  CHECK_THROWS_AS(db->save(second), stitch::unique_violation);
  CHECK(second.new_record());
  CHECK(second.id == first.id);
  CHECK(db->all<Tag>().pluck(col<&Tag::name>) == std::vector<std::string>{"first"});
}

TEST_CASE("save_all with one bad object writes nothing and changes no object", "[errors]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  add_unique_name_index(*db);
  CsvFile persisted;
  persisted.name = "persisted";
  persisted.path = "old.csv";
  db->save(persisted);
  const auto persisted_id = persisted.id;
  const auto persisted_updated = persisted.updated_at;

  persisted.path = "new.csv";
  Socrata fresh;
  fresh.name = "fresh";
  fresh.domain = "d";
  fresh.dataset_id = "f";
  CompressedCsvFile bad;
  bad.name = "persisted";  // duplicate
  bad.path = "bad.csv.gz";
  DataSource after;
  after.name = "after";

  SECTION("pointers") {
    std::vector<DataSource*> batch{&persisted, &fresh, &bad, &after};
    CHECK_THROWS_AS(db->save_all(batch), stitch::unique_violation);
  }
  SECTION("objects of one class") {
    std::vector<DataSource> plain(3);
    plain[0].name = "one";
    plain[1].name = "persisted";
    plain[2].name = "three";
    CHECK_THROWS_AS(db->save_all(plain), stitch::unique_violation);
    for (const auto& p : plain) {
      CHECK(p.id == 0);
      CHECK(p.new_record());
      CHECK(p.created_at == models::timestamp{});
    }
  }
  CHECK(persisted.id == persisted_id);
  CHECK(persisted.persisted());
  CHECK(persisted.updated_at == persisted_updated);
  CHECK(persisted.path == "new.csv");
  for (const DataSource* p :
       {static_cast<DataSource*>(&fresh), static_cast<DataSource*>(&bad), &after}) {
    CHECK(p->id == 0);
    CHECK(p->new_record());
    CHECK(p->created_at == models::timestamp{});
  }
  CHECK(db->all<DataSource>().count() == 1);
  CHECK(db->find<CsvFile>(persisted_id)->path == "old.csv");
  CHECK(db->find<CsvFile>(persisted_id)->updated_at == persisted_updated);
}

TEST_CASE("find of a missing id throws record_not_found naming the table and id", "[errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag, DataSource>();
  Tag t;
  t.name = "t";
  db->save(t);
  const auto missing = t.id + 12345;
  try {
    (void)db->find<Tag>(missing);
    FAIL("a missing row was found");
  } catch (const stitch::record_not_found& e) {
    CHECK(e.table() == "tags");
    CHECK(e.record_id() == missing);
    CHECK(e.id() == "stitch.record_not_found");
    const std::string what = e.what();
    CHECK(starts_with(what, "[stitch.record_not_found] "));
    CHECK(contains(what, "tags"));
    CHECK(contains(what, std::to_string(missing)));
    CHECK(contains(what, "Tag"));
  }
  try {
    (void)db->find<CsvFile>(missing);
    FAIL("a missing row was found");
  } catch (const stitch::record_not_found& e) {
    CHECK(e.table() == "data_sources");
    CHECK(e.record_id() == missing);
    CHECK(contains(e.what(), "CsvFile"));
  }
}

TEST_CASE("a table lacking a column a model needs fails the schema check, naming both",
          "[errors]") {
  stitch::test::test_database db;
  db->execute("CREATE TABLE calls (id " + std::string(db->sql_dialect().id_column()) +
              ", priority integer NOT NULL, note varchar, latitude float NOT NULL)");
  try {
    db->create_schema<Call>();
    FAIL("a table without the township column passed");
  } catch (const stitch::schema_error& e) {
    CHECK(starts_with(e.what(), "[stitch.schema_error] "));
    CHECK(contains(e.what(), "calls"));
    CHECK(contains(e.what(), "township"));
    CHECK_FALSE(contains(e.what(), "latitude"));
  }
  try {
    db->check_schema<Call>();
    FAIL("a table without the township column passed");
  } catch (const stitch::schema_error& e) {
    CHECK(contains(e.what(), "calls"));
    CHECK(contains(e.what(), "township"));
  }
}

TEST_CASE("a missing table fails the schema check, naming it", "[errors]") {
  stitch::test::test_database db;
  try {
    db->check_schema<Tag>();
    FAIL("a missing table passed");
  } catch (const stitch::schema_error& e) {
    CHECK(starts_with(e.what(), "[stitch.schema_error] "));
    CHECK(contains(e.what(), "tags"));
  }
  CHECK_THROWS_AS(db->find<Tag>(1), stitch::schema_error);
  Tag t;
  t.name = "nowhere";
  CHECK_THROWS_AS(db->save(t), stitch::schema_error);
  CHECK(t.new_record());
}

TEST_CASE("reading a table lacking a column throws schema_error naming table and column",
          "[errors]") {
  stitch::test::test_database db;
  db->execute("CREATE TABLE calls (id " + std::string(db->sql_dialect().id_column()) +
              ", priority integer NOT NULL, note varchar, latitude float NOT NULL)");
  db->execute("INSERT INTO calls (priority, note, latitude) VALUES (1, NULL, 40.5)");
  const auto id = db->all<Call>().pluck(col<&Call::id>).at(0);
  try {
    const Call call = db->find<Call>(id);
    FAIL("a table without the township column was read; township = \"" + call.township + "\"");
  } catch (const stitch::schema_error& e) {
    CHECK(starts_with(e.what(), "[stitch.schema_error] "));
    CHECK(contains(e.what(), "calls"));
    CHECK(contains(e.what(), "township"));
  }
  try {
    const auto calls = db->all<Call>().where(col<&Call::priority> == 1).to_vector();
    FAIL("a table without the township column was read; rows: " + std::to_string(calls.size()));
  } catch (const stitch::schema_error& e) {
    CHECK(contains(e.what(), "calls"));
    CHECK(contains(e.what(), "township"));
  }
}

TEST_CASE("reading NULL into a non-optional member throws data_error naming column and row",
          "[errors][single-table]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  // Subclass columns are nullable in the shared table: a CsvFile row without a path.
  db->execute(
      "INSERT INTO data_sources (type, name, created_at, updated_at) VALUES ('CsvFile', "
      "'pathless', '2024-01-01 00:00:00.000000', '2024-01-01 00:00:00.000000')");
  const auto id = db->all<DataSource>().pluck(col<&DataSource::id>).at(0);
  const std::string column = "data_sources.path";
  const std::string row = "row id " + std::to_string(id);

  auto check_error = [&](const stitch::data_error& e) {
    const std::string what = e.what();
    CHECK(starts_with(what, "[stitch.data_error] "));
    CHECK(contains(what, column));
    CHECK(contains(what, row));
  };
  try {
    (void)db->find<CsvFile>(id);
    FAIL("NULL was read into std::string");
  } catch (const stitch::data_error& e) {
    check_error(e);
  }
  try {
    (void)db->find<DataSource>(id);
    FAIL("NULL was read into std::string");
  } catch (const stitch::data_error& e) {
    check_error(e);
  }
  try {
    for (auto& csv : db->all<CsvFile>()) (void)csv;
    FAIL("NULL was read into std::string");
  } catch (const stitch::data_error& e) {
    check_error(e);
  }
  try {
    (void)db->all<CsvFile>().pluck(col<&CsvFile::path>);
    FAIL("NULL was read into std::string");
  } catch (const stitch::data_error& e) {
    CHECK(starts_with(e.what(), "[stitch.data_error] "));
    CHECK(contains(e.what(), column));
  }
  // The name is fine: plucking it works.
  CHECK(db->all<CsvFile>().pluck(col<&CsvFile::name>) == std::vector<std::string>{"pathless"});
}

TEST_CASE("reading an integer too large for std::int32_t throws data_error", "[errors]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  Sample s;
  db->save(s);
  stitch::test::widen_column(db, "samples", "small", "bigint");
  db->execute("UPDATE samples SET small = 5000000000");
  try {
    (void)db->find<Sample>(s.id);
    FAIL("5000000000 was read into std::int32_t");
  } catch (const stitch::data_error& e) {
    CHECK(starts_with(e.what(), "[stitch.data_error] "));
    CHECK(contains(e.what(), "samples.small"));
    CHECK(contains(e.what(), "row id " + std::to_string(s.id)));
  }
  CHECK_THROWS_AS(db->all<Sample>().pluck(col<&Sample::small>), stitch::data_error);
  CHECK(db->all<Sample>().pluck(col<&Sample::big>) == std::vector<std::int64_t>{0});
}

TEST_CASE("saving an object of a class missing from its hierarchy is a usage_error", "[errors]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  TsvFile tsv;
  tsv.name = "tsv";
  tsv.path = "a.tsv";
  CsvFile& ref = tsv;
  try {
    db->save(ref);
    FAIL("an unlisted class was saved");
  } catch (const stitch::usage_error& e) {
    CHECK(starts_with(e.what(), "[stitch.usage_error] "));
    CHECK(contains(e.what(), "CsvFile"));
  }
  CHECK(tsv.new_record());

  CsvFile fine;
  fine.name = "fine";
  fine.path = "fine.csv";
  std::vector<DataSource*> batch{&fine, &tsv};
  CHECK_THROWS_AS(db->save_all(batch), stitch::usage_error);
  CHECK(fine.new_record());
  CHECK(fine.id == 0);
  CHECK(db->all<DataSource>().count() == 0);
}

TEST_CASE("a query not bound to a database is a usage_error", "[errors][query]") {
  stitch::test::test_database db;
  stitch::query<Tag> unbound;
  CHECK_THROWS_AS(unbound.count(), stitch::usage_error);
  CHECK_THROWS_AS(unbound.to_vector(), stitch::usage_error);
  CHECK_THROWS_AS(unbound.to_sql(), stitch::usage_error);
  CHECK_FALSE(unbound.where(col<&Tag::name> == "x").to_sql(db->sql_dialect()).empty());
}
