#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sql/models.hpp"

// The exact SQL stitch writes for SQLite. No database: an unbound query renders its SELECT
// for any dialect, and the statement builders are plain functions of a table description.

using namespace sqlm;
using stitch::col;

namespace {

const stitch::sqlite_dialect sqlite;

template <class T>
std::string select_sql(const stitch::query<T>& q) {
  return q.to_sql(sqlite);
}

}  // namespace

TEST_CASE("the schema of a three-level hierarchy is one table with Rails' column types",
          "[sql][schema]") {
  const auto statements = stitch::schema_sql<DataSource>(sqlite);
  REQUIRE(statements.size() == 2);
  CHECK(statements[0] ==
        R"(CREATE TABLE IF NOT EXISTS "data_sources" ()"
        R"("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "type" varchar, )"
        R"("name" varchar NOT NULL, "description" varchar, "priority" integer NOT NULL, )"
        R"("size" integer NOT NULL, "score" float NOT NULL, "active" boolean NOT NULL, )"
        R"("payload" blob NOT NULL, "created_at" datetime(6) NOT NULL, )"
        R"("checked_at" datetime(6), "path" varchar, "row_count" integer, )"
        R"("compression" varchar, "domain" varchar, "app_token" varchar))");
  CHECK(statements[1] ==
        R"(CREATE INDEX IF NOT EXISTS "index_data_sources_on_type" ON "data_sources" ("type"))");
}

TEST_CASE("every class of a hierarchy has its root's schema", "[sql][schema]") {
  const auto root = stitch::schema_sql<DataSource>(sqlite);
  CHECK(stitch::schema_sql<CsvFile>(sqlite) == root);
  CHECK(stitch::schema_sql<CompressedCsvFile>(sqlite) == root);
  CHECK(stitch::schema_sql<Socrata>(sqlite) == root);
}

TEST_CASE("a plain model's schema has no type column and no index", "[sql][schema]") {
  const auto statements = stitch::schema_sql<Tag>(sqlite);
  REQUIRE(statements.size() == 1);
  CHECK(statements[0] ==
        R"(CREATE TABLE IF NOT EXISTS "tags" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, )"
        R"("label" varchar NOT NULL, "weight" integer))");
}

TEST_CASE("members listed in text_columns are text, as Rails' t.text; others varchar",
          "[sql][schema]") {
  const auto statements = stitch::schema_sql<Note>(sqlite);
  REQUIRE(statements.size() == 2);
  CHECK(statements[0] ==
        R"(CREATE TABLE IF NOT EXISTS "notes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, )"
        R"("type" varchar, "title" varchar NOT NULL, "body" text, "appendix" text, )"
        R"("summary" varchar, "tag" varchar))");
}

TEST_CASE("a joined subclass's table has its own columns and a Rails-named key to its parent",
          "[sql][schema]") {
  const auto statements = stitch::schema_sql<Vehicle>(sqlite);
  REQUIRE(statements.size() == 3);
  CHECK(
      statements[0] ==
      R"(CREATE TABLE IF NOT EXISTS "vehicles" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, )"
      R"("type" varchar, "maker" varchar NOT NULL))");
  CHECK(statements[2] ==
        R"(CREATE TABLE IF NOT EXISTS "cars" ("id" integer PRIMARY KEY NOT NULL, )"
        R"("doors" integer NOT NULL, "notes" text, CONSTRAINT "fk_rails_1a2db7151c" )"
        R"(FOREIGN KEY ("id") REFERENCES "vehicles" ("id") ON DELETE CASCADE))");
}

TEST_CASE("a model without columns has only the id", "[sql][schema]") {
  const auto statements = stitch::schema_sql<Marker>(sqlite);
  REQUIRE(statements.size() == 1);
  CHECK(
      statements[0] ==
      R"(CREATE TABLE IF NOT EXISTS "markers" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL))");
}

TEST_CASE("an identifier holding a double quote has it doubled", "[sql][quoting]") {
  const auto statements = stitch::schema_sql<Odd>(sqlite);
  REQUIRE(statements.size() == 1);
  CHECK(statements[0] ==
        R"(CREATE TABLE IF NOT EXISTS "odd""table" ()"
        R"("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "value" varchar NOT NULL))");
  CHECK(select_sql(stitch::query<Odd>{}) == R"(SELECT "id", "value" FROM "odd""table")");

  std::string out;
  sqlite.quote(out, "a\"b\"\"c");
  CHECK(out == R"("a""b""""c")");
  out.clear();
  sqlite.quote(out, "");
  CHECK(out == R"("")");
}

TEST_CASE("selecting the root reads every column and filters no type", "[sql][select]") {
  CHECK(select_sql(stitch::query<DataSource>{}) == select_data_sources);
}

TEST_CASE("selecting a subclass filters on its own type and its descendants'", "[sql][select]") {
  CHECK(select_sql(stitch::query<CsvFile>{}) == select_csv_files + R"( WHERE "type" IN (?, ?))");
  CHECK(select_sql(stitch::query<CompressedCsvFile>{}) ==
        select_compressed + R"( WHERE "type" IN (?))");
  CHECK(select_sql(stitch::query<Socrata>{}) == select_socrata + R"( WHERE "type" IN (?))");
}

TEST_CASE("selecting a plain model reads its columns without a type", "[sql][select]") {
  CHECK(select_sql(stitch::query<Tag>{}) == select_tags);
  CHECK(select_sql(stitch::query<Marker>{}) == R"(SELECT "id" FROM "markers")");
}

TEST_CASE("each comparison operator writes its SQL operator and one placeholder", "[sql][where]") {
  using C = DataSourceColumns;
  const auto where = [](const auto& condition) {
    return select_sql(stitch::query<DataSource>{}.where(condition));
  };
  CHECK(where(col<&C::name> == "x") == select_data_sources + R"( WHERE "name" = ?)");
  CHECK(where(col<&C::name> != "x") == select_data_sources + R"( WHERE "name" <> ?)");
  CHECK(where(col<&C::priority> < 3) == select_data_sources + R"( WHERE "priority" < ?)");
  CHECK(where(col<&C::size> <= 4) == select_data_sources + R"( WHERE "size" <= ?)");
  CHECK(where(col<&C::score> > 1.5) == select_data_sources + R"( WHERE "score" > ?)");
  CHECK(where(col<&C::score> >= 2) == select_data_sources + R"( WHERE "score" >= ?)");
  CHECK(where(col<&C::active> == true) == select_data_sources + R"( WHERE "active" = ?)");
  CHECK(where(col<&C::created_at> < timestamp{}) ==
        select_data_sources + R"( WHERE "created_at" < ?)");
  CHECK(where(col<&DataSource::id> == 7) == select_data_sources + R"( WHERE "id" = ?)");
}

TEST_CASE("a comparison binds a number as given, never narrowed to the column's type",
          "[sql][where]") {
  using C = DataSourceColumns;
  const auto p = col<&C::score> >= 2;
  REQUIRE(p.data().params.size() == 1);
  CHECK(std::get<std::int64_t>(p.data().params[0]) == 2);
  const auto q = col<&C::name> == "x";
  CHECK(std::get<std::string>(q.data().params[0]) == "x");
  const auto r = col<&C::priority> < 3;
  CHECK(std::get<std::int64_t>(r.data().params[0]) == 3);
  const auto s = col<&C::priority> < 1.5;
  CHECK(std::get<double>(s.data().params[0]) == 1.5);
}

TEST_CASE("comparing a nullable column with an empty optional writes IS NULL", "[sql][where]") {
  using C = DataSourceColumns;
  const auto where = [](const auto& condition) {
    return select_sql(stitch::query<DataSource>{}.where(condition));
  };
  CHECK(where(col<&C::description> == std::nullopt) ==
        select_data_sources + R"( WHERE "description" IS NULL)");
  CHECK(where(col<&C::description> != std::nullopt) ==
        select_data_sources + R"( WHERE "description" IS NOT NULL)");
  CHECK(where(col<&C::description> == std::optional<std::string>{}) ==
        select_data_sources + R"( WHERE "description" IS NULL)");
  CHECK(where(col<&C::description> != std::optional<std::string>{}) ==
        select_data_sources + R"( WHERE "description" IS NOT NULL)");
  CHECK(where(col<&C::description> == std::optional<std::string>{"d"}) ==
        select_data_sources + R"( WHERE "description" = ?)");
  CHECK(where(col<&C::description> == "d") == select_data_sources + R"( WHERE "description" = ?)");
  CHECK(where(col<&C::description>.is_null()) ==
        select_data_sources + R"( WHERE "description" IS NULL)");
  CHECK(where(col<&C::description>.is_not_null()) ==
        select_data_sources + R"( WHERE "description" IS NOT NULL)");
  CHECK((col<&C::description> == std::nullopt).data().params.empty());
}

TEST_CASE("ordering against an empty optional is a usage_error", "[sql][where]") {
  using C = DataSourceColumns;
  CHECK_THROWS_AS(col<&C::checked_at> < std::optional<timestamp>{}, stitch::usage_error);
}

TEST_CASE("in writes one placeholder per value, and an empty list matches nothing",
          "[sql][where]") {
  using C = DataSourceColumns;
  const auto where = [](const auto& condition) {
    return select_sql(stitch::query<DataSource>{}.where(condition));
  };
  CHECK(where(col<&C::priority>.in({1, 2, 3})) ==
        select_data_sources + R"( WHERE "priority" IN (?, ?, ?))");
  CHECK(where(col<&C::name>.in(std::vector<std::string>{"a"})) ==
        select_data_sources + R"( WHERE "name" IN (?))");
  CHECK(where(col<&C::name>.in(std::vector<std::string>{})) ==
        select_data_sources + R"( WHERE 1 = 0)");
  CHECK(col<&C::name>.in(std::vector<std::string>{}).data().params.empty());
  CHECK(select_sql(stitch::query<CsvFile>{}.where(col<&C::priority>.in(std::vector<int>{}))) ==
        select_csv_files + R"( WHERE "type" IN (?, ?) AND (1 = 0))");
}

TEST_CASE("like binds its pattern", "[sql][where]") {
  using C = DataSourceColumns;
  const auto p = col<&C::name>.like("Mont%");
  CHECK(select_sql(stitch::query<DataSource>{}.where(p)) ==
        select_data_sources + R"( WHERE "name" LIKE ?)");
  REQUIRE(p.data().params.size() == 1);
  CHECK(std::get<std::string>(p.data().params[0]) == "Mont%");
}

TEST_CASE("&&, || and ! parenthesize each operand", "[sql][where]") {
  using C = DataSourceColumns;
  const auto where = [](const auto& condition) {
    return select_sql(stitch::query<DataSource>{}.where(condition));
  };
  const auto a = col<&C::name> == "a";
  const auto b = col<&C::score> > 1.0;
  const auto c = col<&C::active> == true;
  CHECK(where(a && b) == select_data_sources + R"( WHERE ("name" = ?) AND ("score" > ?))");
  CHECK(where(a || b) == select_data_sources + R"( WHERE ("name" = ?) OR ("score" > ?))");
  CHECK(where(!a) == select_data_sources + R"( WHERE NOT ("name" = ?))");
  CHECK(where((a && b) || !c) ==
        select_data_sources + R"( WHERE (("name" = ?) AND ("score" > ?)) OR (NOT ("active" = ?)))");
  CHECK(where(a && (b || c)) ==
        select_data_sources + R"( WHERE ("name" = ?) AND (("score" > ?) OR ("active" = ?)))");
  CHECK(where(!(a || !b)) ==
        select_data_sources + R"( WHERE NOT (("name" = ?) OR (NOT ("score" > ?))))");
  CHECK(where(a && b && c) ==
        select_data_sources + R"( WHERE (("name" = ?) AND ("score" > ?)) AND ("active" = ?))");
}

TEST_CASE("combined conditions keep their values in placeholder order", "[sql][where]") {
  using C = DataSourceColumns;
  const auto p = (col<&C::name> == "a" && col<&C::priority> > 2) || !(col<&C::score> < 0.5);
  REQUIRE(p.data().params.size() == 3);
  CHECK(std::get<std::string>(p.data().params[0]) == "a");
  CHECK(std::get<std::int64_t>(p.data().params[1]) == 2);
  CHECK(std::get<double>(p.data().params[2]) == 0.5);
}

TEST_CASE("several where() calls are ANDed, each in parentheses", "[sql][where]") {
  using C = DataSourceColumns;
  CHECK(select_sql(
            stitch::query<DataSource>{}.where(col<&C::name> == "a").where(col<&C::score> > 1.0)) ==
        select_data_sources + R"( WHERE ("name" = ?) AND ("score" > ?))");
  CHECK(select_sql(stitch::query<Tag>{}.where(col<&TagColumns::label> == "a")) ==
        select_tags + R"( WHERE "label" = ?)");
}

TEST_CASE("a subclass query ANDs its conditions after the type filter", "[sql][where]") {
  CHECK(select_sql(stitch::query<CsvFile>{}.where(col<&DataSourceColumns::name> == "x")) ==
        select_csv_files + R"( WHERE "type" IN (?, ?) AND ("name" = ?))");
  CHECK(select_sql(stitch::query<CsvFile>{}
                       .where(col<&CsvFile::path> == "calls.csv")
                       .where(col<&CompressedCsvFile::compression> == "gzip")) ==
        select_csv_files + R"( WHERE "type" IN (?, ?) AND ("path" = ?) AND ("compression" = ?))");
}

TEST_CASE("a root query may name a subclass's column", "[sql][where]") {
  CHECK(select_sql(stitch::query<DataSource>{}.where(col<&CsvFileColumns::path> == "p")) ==
        select_data_sources + R"( WHERE "path" = ?)");
}

TEST_CASE("a raw SQL condition is written as given, its values bound", "[sql][where]") {
  CHECK(select_sql(stitch::query<DataSource>{}.where("length(\"name\") > ?", 3)) ==
        select_data_sources + R"( WHERE length("name") > ?)");
  CHECK(select_sql(stitch::query<CsvFile>{}.where("a = ? OR b = ?", 1, "x")) ==
        select_csv_files + R"( WHERE "type" IN (?, ?) AND (a = ? OR b = ?))");
  CHECK(select_sql(stitch::query<DataSource>{}.where(stitch::sql("a = ?", 1) &&
                                                     col<&DataSourceColumns::name> == "n")) ==
        select_data_sources + R"( WHERE (a = ?) AND ("name" = ?))");
}

TEST_CASE("order_by takes several keys, ascending unless desc", "[sql][order]") {
  using C = DataSourceColumns;
  CHECK(select_sql(stitch::query<DataSource>{}.order_by(col<&C::name>)) ==
        select_data_sources + R"( ORDER BY "name")");
  CHECK(select_sql(stitch::query<DataSource>{}.order_by(col<&C::name>.desc())) ==
        select_data_sources + R"( ORDER BY "name" DESC)");
  CHECK(select_sql(stitch::query<DataSource>{}
                       .order_by(col<&C::name>)
                       .order_by(col<&C::score>.desc())
                       .order_by(col<&DataSource::id>.asc())) ==
        select_data_sources + R"( ORDER BY "name", "score" DESC, "id")");
  CHECK(select_sql(stitch::query<CsvFile>{}.order_by(col<&CsvFile::row_count>.desc())) ==
        select_csv_files + R"( WHERE "type" IN (?, ?) ORDER BY "row_count" DESC)");
}

TEST_CASE("limit and offset are bound; offset alone needs SQLite's LIMIT -1", "[sql][limit]") {
  CHECK(select_sql(stitch::query<Tag>{}.limit(10)) == select_tags + R"( LIMIT ?)");
  CHECK(select_sql(stitch::query<Tag>{}.offset(20)) == select_tags + R"( LIMIT -1 OFFSET ?)");
  CHECK(select_sql(stitch::query<Tag>{}.limit(10).offset(20)) ==
        select_tags + R"( LIMIT ? OFFSET ?)");
  CHECK(select_sql(stitch::query<Tag>{}.offset(20).limit(10)) ==
        select_tags + R"( LIMIT ? OFFSET ?)");
}

TEST_CASE("a query puts WHERE, ORDER BY, LIMIT and OFFSET in SQL's order", "[sql][select]") {
  using C = DataSourceColumns;
  stitch::query<CsvFile> q;
  q.limit(5);
  q.order_by(col<&C::name>.desc());
  q.where(col<&C::score> > 0.5);
  q.offset(10);
  q.where(col<&CsvFileColumns::row_count> >= 100);
  CHECK(select_sql(q) == select_csv_files +
                             R"( WHERE "type" IN (?, ?) AND ("score" > ?) AND ("row_count" >= ?))"
                             R"( ORDER BY "name" DESC LIMIT ? OFFSET ?)");
}

TEST_CASE("to_sql without a dialect needs a database", "[sql][select]") {
  CHECK_THROWS_AS(stitch::query<Tag>{}.to_sql(), stitch::usage_error);
}

TEST_CASE("INSERT names the type and the class's columns, root's first", "[sql][insert]") {
  using stitch::detail::insert_sql;
  using stitch::detail::mapping;
  const auto& t = stitch::detail::table_of<DataSource>();
  CHECK(insert_sql(sqlite, t, mapping<DataSource>::index, false) ==
        R"(INSERT INTO "data_sources" ("type", "name", "description", "priority", "size", )"
        R"("score", "active", "payload", "created_at", "checked_at") )"
        R"(VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?))");
  CHECK(insert_sql(sqlite, t, mapping<CompressedCsvFile>::index, false) ==
        R"(INSERT INTO "data_sources" ("type", "name", "description", "priority", "size", )"
        R"("score", "active", "payload", "created_at", "checked_at", "path", "row_count", )"
        R"("compression") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))");
  CHECK(insert_sql(sqlite, t, mapping<Socrata>::index, true) ==
        R"(INSERT INTO "data_sources" ("id", "type", "name", "description", "priority", )"
        R"("size", "score", "active", "payload", "created_at", "checked_at", "domain", )"
        R"("app_token") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))");
}

TEST_CASE("INSERT of a plain model has no type; of a model without columns, defaults",
          "[sql][insert]") {
  using stitch::detail::insert_sql;
  CHECK(insert_sql(sqlite, stitch::detail::table_of<Tag>(), 0, false) ==
        R"(INSERT INTO "tags" ("label", "weight") VALUES (?, ?))");
  CHECK(insert_sql(sqlite, stitch::detail::table_of<Tag>(), 0, true) ==
        R"(INSERT INTO "tags" ("id", "label", "weight") VALUES (?, ?, ?))");
  CHECK(insert_sql(sqlite, stitch::detail::table_of<Marker>(), 0, false) ==
        R"(INSERT INTO "markers" DEFAULT VALUES)");
  CHECK(insert_sql(sqlite, stitch::detail::table_of<Marker>(), 0, true) ==
        R"(INSERT INTO "markers" ("id") VALUES (?))");
}

TEST_CASE("UPDATE sets every member of the class by id", "[sql][update]") {
  using stitch::detail::mapping;
  using stitch::detail::update_sql;
  const auto& t = stitch::detail::table_of<DataSource>();
  CHECK(update_sql(sqlite, t, mapping<CsvFile>::index) ==
        R"(UPDATE "data_sources" SET "name" = ?, "description" = ?, "priority" = ?, )"
        R"("size" = ?, "score" = ?, "active" = ?, "payload" = ?, "created_at" = ?, )"
        R"("checked_at" = ?, "path" = ?, "row_count" = ? WHERE "id" = ?)");
  CHECK(update_sql(sqlite, stitch::detail::table_of<Tag>(), 0) ==
        R"(UPDATE "tags" SET "label" = ?, "weight" = ? WHERE "id" = ?)");
  CHECK(update_sql(sqlite, stitch::detail::table_of<Marker>(), 0) ==
        R"(UPDATE "markers" SET "id" = "id" WHERE "id" = ?)");
}

TEST_CASE("DELETE is by id alone", "[sql][delete]") {
  CHECK(stitch::detail::delete_sql(sqlite, stitch::detail::table_of<CsvFile>()) ==
        R"(DELETE FROM "data_sources" WHERE "id" = ?)");
  CHECK(stitch::detail::delete_sql(sqlite, stitch::detail::table_of<Odd>()) ==
        R"(DELETE FROM "odd""table" WHERE "id" = ?)");
}

TEST_CASE("find selects by id, and by type below the root", "[sql][find]") {
  using stitch::detail::find_sql;
  using stitch::detail::plan_of;
  CHECK(find_sql(sqlite, plan_of<DataSource>()) == select_data_sources + R"( WHERE "id" = ?)");
  CHECK(find_sql(sqlite, plan_of<CsvFile>()) ==
        select_csv_files + R"( WHERE "id" = ? AND "type" IN (?, ?))");
  CHECK(find_sql(sqlite, plan_of<Socrata>()) ==
        select_socrata + R"( WHERE "id" = ? AND "type" IN (?))");
  CHECK(find_sql(sqlite, plan_of<Tag>()) == select_tags + R"( WHERE "id" = ?)");
}

TEST_CASE("SQLite reserves ids after the table's largest and its AUTOINCREMENT counter",
          "[sql][sequence]") {
  CHECK(sqlite.reserves_after_last_id());
  CHECK(sqlite.reserve_ids_sql("tags", true) ==
        R"(SELECT max((SELECT coalesce(max("id"), 0) FROM "tags"), )"
        R"(coalesce((SELECT "seq" FROM sqlite_sequence WHERE "name" = 'tags'), 0)))");
  // Without sqlite_sequence (no AUTOINCREMENT table yet), the largest id alone.
  CHECK(sqlite.reserve_ids_sql("tags", false) ==
        R"(SELECT (SELECT coalesce(max("id"), 0) FROM "tags"))");
  // The table is quoted as an identifier, and as a string literal.
  CHECK(sqlite.reserve_ids_sql("it's \"odd\"", true) ==
        R"(SELECT max((SELECT coalesce(max("id"), 0) FROM "it's ""odd"""), )"
        R"(coalesce((SELECT "seq" FROM sqlite_sequence WHERE "name" = 'it''s "odd"'), 0)))");
}
