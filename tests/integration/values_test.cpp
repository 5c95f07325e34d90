// Reading and binding values: what a member accepts from a column, what the database is
// refused, and the statement and connection contract the reads rely on.
#include <catch2/catch.hpp>

#include <stitch/sqlite.hpp>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;

namespace values {

/// Automatic timestamps of whole seconds, and a time of nanosecond precision.
struct StampColumns {
  std::string name;
  std::chrono::sys_time<std::chrono::seconds> created_at{};
  std::optional<std::chrono::sys_time<std::chrono::seconds>> updated_at;
  std::optional<std::chrono::sys_time<std::chrono::nanoseconds>> precise;
};
struct Stamp : stitch::model<Stamp, StampColumns> {};

}  // namespace values

namespace {

using values::Stamp;
using seconds_time = std::chrono::sys_time<std::chrono::seconds>;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::byte> bytes(std::string_view text) {
  std::vector<std::byte> out;
  for (char c : text) out.push_back(static_cast<std::byte>(c));
  return out;
}

// The message of the data_error a query_value of V throws for this SQL.
template <class V>
std::string refusal(stitch::database& db, const std::string& sql) {
  try {
    (void)db.query_value<V>(sql);
  } catch (const stitch::data_error& e) {
    return e.what();
  }
  FAIL("query_value(\"" << sql << "\") read a value it should refuse");
  return {};
}

}  // namespace

TEST_CASE("an integer member takes a whole real, and refuses a fraction, text or a blob",
          "[values]") {
  auto db = stitch::sqlite::open(":memory:");
  CHECK(db.query_value<std::int64_t>("SELECT 3.0") == 3);
  CHECK(db.query_value<std::int64_t>("SELECT -9223372036854775808.0") ==
        std::numeric_limits<std::int64_t>::min());
  CHECK(db.query_value<std::int32_t>("SELECT -7.0") == -7);
  CHECK(contains(refusal<std::int64_t>(db, "SELECT 3.5"), "not a whole number"));
  CHECK(contains(refusal<std::int64_t>(db, "SELECT 9223372036854775808.0"), "range"));
  CHECK(contains(refusal<std::int64_t>(db, "SELECT 'abc'"), "holds text, not an integer"));
  CHECK(contains(refusal<std::int64_t>(db, "SELECT '12'"), "holds text, not an integer"));
  CHECK(contains(refusal<std::int32_t>(db, "SELECT x'01'"), "holds a blob, not an integer"));
  CHECK(contains(refusal<std::int32_t>(db, "SELECT 3000000000.0"), "std::int32_t"));
}

TEST_CASE("a double member takes integers and reals, and refuses text", "[values]") {
  auto db = stitch::sqlite::open(":memory:");
  CHECK(db.query_value<double>("SELECT 2") == 2.0);
  CHECK(db.query_value<double>("SELECT 0.1 + 0.2") == 0.1 + 0.2);
  CHECK(contains(refusal<double>(db, "SELECT 'abc'"), "holds text, not a number"));
  CHECK(contains(refusal<double>(db, "SELECT x''"), "holds a blob"));
}

TEST_CASE("a bool member takes integers and Rails' 't' and 'f', and refuses other text",
          "[values][sqlite]") {
  auto db = stitch::sqlite::open(":memory:");
  CHECK(db.query_value<bool>("SELECT 2"));
  CHECK_FALSE(db.query_value<bool>("SELECT 0"));
  for (const char* yes : {"'t'", "'true'", "'1'", "'TRUE'", "'T'"}) {
    INFO(yes);
    CHECK(db.query_value<bool>(std::string("SELECT ") + yes));
  }
  for (const char* no : {"'f'", "'false'", "'0'", "'False'"}) {
    INFO(no);
    CHECK_FALSE(db.query_value<bool>(std::string("SELECT ") + no));
  }
  for (const char* other : {"'yes'", "''", "'tru'", "'2'", "0.5", "x'01'"}) {
    INFO(other);
    CHECK(contains(refusal<bool>(db, std::string("SELECT ") + other), "not a boolean"));
  }
}

TEST_CASE("a text member takes numbers as text that reads back as the same number", "[values]") {
  auto db = stitch::sqlite::open(":memory:");
  CHECK(db.query_value<std::string>("SELECT 42") == "42");
  CHECK(db.query_value<std::string>("SELECT -9223372036854775808") == "-9223372036854775808");
  CHECK(db.query_value<std::string>("SELECT 0.1 + 0.2") == "0.30000000000000004");
  CHECK(db.query_value<std::string>("SELECT 2.5") == "2.5");
  CHECK(contains(refusal<std::string>(db, "SELECT x'00'"), "holds a blob, not text"));
}

TEST_CASE("a blob member takes text as its bytes, and refuses numbers", "[values]") {
  auto db = stitch::sqlite::open(":memory:");
  CHECK(db.query_value<std::vector<std::byte>>("SELECT 'ab'") == bytes("ab"));
  CHECK(db.query_value<std::vector<std::byte>>("SELECT ''").empty());
  CHECK(db.query_value<std::vector<std::byte>>("SELECT x''").empty());
  CHECK(contains(refusal<std::vector<std::byte>>(db, "SELECT 5"), "an integer, not a blob"));
  CHECK(contains(refusal<std::vector<std::byte>>(db, "SELECT 5.5"), "a real, not a blob"));
}

TEST_CASE("a timestamp takes unix seconds, and refuses seconds whose microseconds overflow",
          "[values][sqlite]") {
  auto db = stitch::sqlite::open(":memory:");
  CHECK(db.query_value<models::timestamp>("SELECT 1700000000") == at(2023, 11, 14, 22, 13, 20, 0));
  CHECK(db.query_value<models::timestamp>("SELECT -1") == at(1969, 12, 31, 23, 59, 59, 0));
  CHECK(contains(refusal<models::timestamp>(db, "SELECT 9223372036854775807"), "unix seconds"));
  CHECK(contains(refusal<models::timestamp>(db, "SELECT -9223372036854775"), "unix seconds"));
  CHECK(contains(refusal<models::timestamp>(db, "SELECT 1.5"), "holds a real, not a timestamp"));
  CHECK(contains(refusal<models::timestamp>(db, "SELECT x'00'"), "holds a blob"));
}

TEST_CASE("a time is read as the floor of the stored one at the member's precision",
          "[values][time]") {
  stitch::test::test_database db;
  using std::chrono::seconds;
  CHECK(db->query_value<seconds_time>("SELECT '1969-12-31 23:59:59.5'") ==
        std::chrono::floor<seconds>(at(1969, 12, 31, 23, 59, 59, 0)));
  CHECK(db->query_value<seconds_time>("SELECT '1970-01-01 00:00:00.999999'") == seconds_time{});
  CHECK(db->query_value<std::chrono::sys_days>("SELECT '1969-12-31 12:00:00'") ==
        std::chrono::sys_days(std::chrono::days(-1)));
}

TEST_CASE("a stored time the member cannot hold throws data_error naming column and row",
          "[values][time][errors]") {
  stitch::test::test_database db;
  db->create_schema<Stamp>();
  CHECK(contains(refusal<std::chrono::system_clock::time_point>(*db, "SELECT '2300-01-01'"),
                 "year 2300"));
  Stamp s;
  s.name = "far";
  s.precise = std::chrono::sys_time<std::chrono::nanoseconds>(std::chrono::nanoseconds(1000));
  db->save(s);
  CHECK(db->find<Stamp>(s.id).precise == s.precise);
  db->execute("UPDATE stamps SET precise = '2300-01-01 00:00:00.000000'");
  try {
    (void)db->find<Stamp>(s.id);
    FAIL("a time past 2262 was read into nanoseconds");
  } catch (const stitch::data_error& e) {
    CHECK(contains(e.what(), "column stamps.precise of row id " + std::to_string(s.id)));
    CHECK(contains(e.what(), "year 2300"));
  }
}

TEST_CASE("saving a time outside years 0000 to 9999 throws usage_error and writes nothing",
          "[values][time][errors]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  Sample s;
  s.at = at(10000, 1, 1, 0, 0, 0, 0);
  CHECK_THROWS_WITH(db->save(s), Catch::Contains("[stitch.usage_error]") &&
                                     Catch::Contains("year 10000") &&
                                     Catch::Contains("0000 to 9999"));
  CHECK_FALSE(s.persisted());
  s.at = at(-1, 12, 31, 23, 59, 59, 999999);
  CHECK_THROWS_AS(db->save(s), stitch::usage_error);
  s.at = {};
  s.at_seconds = seconds_time(std::chrono::seconds(std::numeric_limits<std::int64_t>::max() / 2));
  CHECK_THROWS_WITH(db->save(s),
                    Catch::Contains("[stitch.usage_error]") &&
                        Catch::Contains(std::to_string(s.at_seconds.time_since_epoch().count())));
  CHECK(db->all<Sample>().count() == 0);
  CHECK_THROWS_AS(db->query_value<std::int64_t>("SELECT count(*) FROM samples WHERE at < ?",
                                                at(12000, 1, 1, 0, 0, 0, 0)),
                  stitch::usage_error);

  // The first and last microsecond of the range round-trip.
  s.at_seconds = {};
  s.at = at(0, 1, 1, 0, 0, 0, 0);
  s.maybe_at = at(9999, 12, 31, 23, 59, 59, 999999);
  db->save(s);
  const auto found = db->find<Sample>(s.id);
  CHECK(found.at == s.at);
  CHECK(found.maybe_at == s.maybe_at);
}

TEST_CASE("automatic timestamps of whole seconds are stored exactly as the object holds them",
          "[values][time]") {
  stitch::test::test_database db;
  db->create_schema<Stamp>();
  Stamp s;
  s.name = "stamped";
  db->save(s);
  REQUIRE(s.created_at != seconds_time{});
  REQUIRE(s.updated_at == std::optional(s.created_at));
  if (db.backend() == "postgres") {  // a timestamp(6) column: its microseconds
    CHECK(db->query_value<std::int64_t>("SELECT CAST(extract(microseconds FROM created_at) AS "
                                        "bigint) % 1000000 FROM stamps") == 0);
  } else {  // SQLite keeps Rails' text: whole seconds without a fraction
    const auto stored = db->query_value<std::string>("SELECT created_at FROM stamps");
    CHECK(stored.size() == std::string_view("2024-03-01 12:00:33").size());
    CHECK(stored.find('.') == std::string::npos);
  }
  CHECK(db->all<Stamp>().where(col<&Stamp::created_at> == s.created_at).count() == 1);
  CHECK(db->all<Stamp>().where(col<&Stamp::updated_at> == *s.updated_at).count() == 1);
  db->save(s);
  CHECK(db->all<Stamp>().where(col<&Stamp::updated_at> == *s.updated_at).count() == 1);
  CHECK(db->find<Stamp>(s.id).updated_at == s.updated_at);
}

TEST_CASE("binding NaN throws usage_error where it would be stored as NULL", "[values][errors]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  Sample s;
  s.maybe_real = std::nan("");
  if (db.backend() == "postgres") {  // float holds NaN
    db->save(s);
    CHECK(std::isnan(db->find<Sample>(s.id).maybe_real.value()));
    return;
  }
  CHECK_THROWS_WITH(db->save(s), Catch::Contains("[stitch.usage_error]") && Catch::Contains("NaN"));
  CHECK_FALSE(s.persisted());
  CHECK(db->all<Sample>().count() == 0);
  CHECK_THROWS_AS(db->query_value<double>("SELECT ?", std::numeric_limits<double>::quiet_NaN()),
                  stitch::usage_error);
  // Infinities are numbers, and stay so.
  s.maybe_real = std::numeric_limits<double>::infinity();
  db->save(s);
  CHECK(db->find<Sample>(s.id).maybe_real == std::numeric_limits<double>::infinity());
}

TEST_CASE("the adapter's reads are false for NULL and throw data_error for a misfit", "[values]") {
  stitch::test::test_database db;
  auto st = db->connection().prepare("SELECT NULL, 'abc', 7");
  REQUIRE(st->step());
  std::int64_t number = 5;
  std::string text = "kept";
  CHECK_FALSE(st->read(0, number));
  CHECK_FALSE(st->read(0, text));
  CHECK(number == 5);
  CHECK(text == "kept");
  CHECK(st->read(2, number));
  CHECK(number == 7);
  try {
    (void)st->read(1, number);
    FAIL("text was read as an integer");
  } catch (const std::exception& e) {  // an adapter user's catch-all sees it
    CHECK(dynamic_cast<const stitch::data_error*>(&e) != nullptr);
    CHECK(contains(e.what(), "column 1 holds text, not an integer"));
  }
}

TEST_CASE("reset unbinds the parameters, so a borrowed string is not read again", "[values]") {
  stitch::test::test_database db;
  auto st = db->connection().prepare(stitch::test::numbered(*db, "SELECT CAST(? AS varchar)"));
  const std::string borrowed = "borrowed";
  st->bind_text(1, borrowed);
  REQUIRE(st->step());
  CHECK(st->get_text(0) == "borrowed");
  st->reset();
  REQUIRE(st->step());
  CHECK(st->is_null(0));
}

TEST_CASE("prepare takes exactly one statement", "[values][errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  Tag t;
  t.name = "kept";
  db->save(t);
  auto& c = db->connection();
  for (const char* several : {"SELECT 1; SELECT 2", "SELECT 1;;DELETE FROM tags",
                              "SELECT 1; -- x\n SELECT 2", "SELECT 1; garbage"}) {
    INFO(several);
    CHECK_THROWS_WITH((void)c.prepare(several), Catch::Contains("[stitch.usage_error]") &&
                                                    Catch::Contains(several) &&
                                                    Catch::Contains("more than one"));
  }
  for (const char* nothing : {"", "   \n", "-- only a comment", "/* a comment */ ;", "; ;"}) {
    INFO('"' << nothing << '"');
    CHECK_THROWS_WITH((void)c.prepare(nothing), Catch::Contains("[stitch.usage_error]") &&
                                                    Catch::Contains("no SQL statement"));
  }
  for (const char* one : {"SELECT 1;", "SELECT 1 ;\n", "SELECT 1; -- done", "SELECT 1; /* */ ;",
                          "; SELECT 1", ";\n-- first\nSELECT 1;"}) {
    INFO(one);
    auto st = c.prepare(one);
    REQUIRE(st->step());
    CHECK(st->get_int64(0) == 1);
  }
  CHECK_THROWS_AS(db->query_value<std::int64_t>("SELECT 1; DELETE FROM tags"), stitch::usage_error);
  CHECK(db->all<Tag>().count() == 1);
}

TEST_CASE("in_transaction follows BEGIN and COMMIT, whoever runs them", "[values][transaction]") {
  stitch::test::test_database db;
  const auto& c = db->connection();
  CHECK_FALSE(c.in_transaction());
  {
    auto t = db->transaction();
    CHECK(c.in_transaction());
    t.commit();
  }
  CHECK_FALSE(c.in_transaction());
  db->execute("BEGIN");
  CHECK(c.in_transaction());
  db->execute("ROLLBACK");
  CHECK_FALSE(c.in_transaction());
}

TEST_CASE("a missing column in hand-written SQL suggests checking the SQL", "[values][errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  CHECK_THROWS_WITH(db->query_value<std::int64_t>("SELECT nmae FROM tags"),
                    Catch::Contains("[stitch.schema_error]") &&
                        Catch::Contains("check the SQL or migrate the table"));
}

TEST_CASE("a blank type loads as the root, as in Rails", "[values][sti]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  DataSource plain;
  plain.name = "blank";
  db->save(plain);
  db->execute("UPDATE data_sources SET type = ''");
  const auto all = db->all<DataSource>().to_vector();
  REQUIRE(all.size() == 1);
  const DataSource& loaded = *all[0];
  CHECK(typeid(loaded) == typeid(DataSource));
  CHECK(loaded.name == "blank");
  const auto found = db->find<DataSource>(plain.id);
  CHECK(typeid(*found.get()) == typeid(DataSource));
  CHECK(db->all<CsvFile>().count() == 0);

  // An abstract root cannot be loaded, blank type or not.
  db->create_schema<Shape>();
  db->execute(stitch::test::joined_layout
                  ? "INSERT INTO shapes (type, x) VALUES ('', 1)"
                  : "INSERT INTO shapes (type, x, radius) VALUES ('', 1, 2)");
  CHECK_THROWS_WITH(db->all<Shape>().to_vector(),
                    Catch::Contains("[stitch.unknown_type]") && Catch::Contains("abstract"));
}

TEST_CASE("a value that does not fit a subclass member names its table, column and row",
          "[values][sti][errors]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CsvFile csv;
  csv.name = "csv";
  csv.path = "a.csv";
  db->save(csv);
  // The column is in the one table, or in CsvFile's own.
  const std::string table = stitch::test::joined_layout ? "csv_files" : "data_sources";
  stitch::test::widen_column(db, table, "row_count", "varchar");
  db->execute("UPDATE " + table + " SET row_count = 'many'");
  const std::string where = "column " + table + ".row_count of row id " + std::to_string(csv.id);
  CHECK_THROWS_WITH(db->all<DataSource>().to_vector(),
                    Catch::Contains("[stitch.data_error]") && Catch::Contains(where) &&
                        Catch::Contains("holds text, not an integer"));
  CHECK_THROWS_WITH(db->find<CsvFile>(csv.id), Catch::Contains(where));
  CHECK_THROWS_WITH(db->reload(csv), Catch::Contains(where));
  CHECK(csv.path == "a.csv");
}

TEST_CASE("text with a NUL byte is stored whole, or refused naming table and column",
          "[values][errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  Tag kept;
  kept.name = "kept";
  db->save(kept);
  Tag t;
  t.name = std::string("before\0after", 12);
  if (db.backend() == "sqlite") {  // SQLite keeps text with its length
    db->save(t);
    CHECK(db->find<Tag>(t.id).name == t.name);
    return;
  }
  // PostgreSQL's text cannot hold NUL: an error, not a value cut short at the NUL.
  CHECK_THROWS_WITH(db->save(t), Catch::Contains("[stitch.data_error]") &&
                                     Catch::Contains("tags.name") &&
                                     Catch::Contains("NUL byte at offset 6"));
  CHECK(t.new_record());
  CHECK(db->all<Tag>().pluck(col<&Tag::name>) == std::vector<std::string>{"kept"});
  kept.name = t.name;
  CHECK_THROWS_AS(db->save(kept), stitch::data_error);
  CHECK(db->find<Tag>(kept.id).name == "kept");
  CHECK_THROWS_WITH(db->all<Tag>().where(col<&Tag::name> == t.name).count(),
                    Catch::Contains("[stitch.data_error]") && Catch::Contains("NUL"));
  // Binary data belongs in a bytea column, where NUL is a byte like any other.
  db->create_schema<Sample>();
  Sample s;
  s.bytes = {std::byte{0}, std::byte{'x'}, std::byte{0}};
  db->save(s);
  CHECK(db->find<Sample>(s.id).bytes == s.bytes);
}
