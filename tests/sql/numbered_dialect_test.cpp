#include <catch2/catch.hpp>

#include <string>

#include "sql/models.hpp"

// A dialect with numbered placeholders ($1, $2, ...) proves that one statement numbers its
// parameters in the order they are bound: type filter, conditions, limit, offset.

using namespace sqlm;
using stitch::col;

namespace {
const numbered_dialect numbered;
}  // namespace

TEST_CASE("placeholders are numbered across type filter, conditions, limit and offset",
          "[sql][numbered]") {
  CHECK(stitch::query<CsvFile>{}
            .where(col<&DataSourceColumns::name> == "x")
            .limit(10)
            .offset(20)
            .to_sql(numbered) ==
        select_csv_files + R"( WHERE "type" IN ($1, $2) AND ("name" = $3) LIMIT $4 OFFSET $5)");
}

TEST_CASE("numbering runs through combined, raw and in() conditions", "[sql][numbered]") {
  using C = DataSourceColumns;
  CHECK(stitch::query<CsvFile>{}
            .where(stitch::sql("a = ? OR b = ?", 1, 2))
            .where((col<&C::name> == "n" || !(col<&C::score> > 1.0)) &&
                   col<&C::priority>.in({1, 2, 3}))
            .where(col<&C::description> == std::nullopt)
            .where(col<&C::size> < 9)
            .order_by(col<&C::name>)
            .limit(1)
            .to_sql(numbered) ==
        select_csv_files +
            R"( WHERE "type" IN ($1, $2) AND (a = $3 OR b = $4))"
            R"( AND ((("name" = $5) OR (NOT ("score" > $6))) AND ("priority" IN ($7, $8, $9))))"
            R"( AND ("description" IS NULL) AND ("size" < $10) ORDER BY "name" LIMIT $11)");
}

TEST_CASE("a root query numbers its conditions from 1", "[sql][numbered]") {
  CHECK(stitch::query<DataSource>{}
            .where(col<&DataSourceColumns::name> == "x")
            .offset(3)
            .to_sql(numbered) == select_data_sources + R"( WHERE "name" = $1 LIMIT ALL OFFSET $2)");
  CHECK(stitch::query<Tag>{}.limit(2).offset(3).to_sql(numbered) ==
        select_tags + R"( LIMIT $1 OFFSET $2)");
}

TEST_CASE("the dialect names the column types and the id column", "[sql][numbered]") {
  const auto statements = stitch::schema_sql<DataSource>(numbered);
  REQUIRE(statements.size() == 2);
  CHECK(statements[0] ==
        R"(CREATE TABLE IF NOT EXISTS "data_sources" ("id" bigserial primary key, )"
        R"("type" varchar, "name" character varying NOT NULL, "description" character varying, )"
        R"("priority" integer NOT NULL, "size" bigint NOT NULL, )"
        R"("score" double precision NOT NULL, "active" boolean NOT NULL, )"
        R"("payload" bytea NOT NULL, "created_at" timestamp(6) without time zone NOT NULL, )"
        R"("checked_at" timestamp(6) without time zone, "path" character varying, )"
        R"("row_count" bigint, "compression" character varying, "domain" character varying, )"
        R"("app_token" character varying))");
  CHECK(statements[1] ==
        R"(CREATE INDEX IF NOT EXISTS "index_data_sources_on_type" ON "data_sources" ("type"))");
}

TEST_CASE("INSERT returns the id where the dialect can", "[sql][numbered]") {
  using stitch::detail::insert_sql;
  using stitch::detail::mapping;
  CHECK(insert_sql(numbered, stitch::detail::table_of<CsvFile>(), mapping<CsvFile>::index, false) ==
        R"(INSERT INTO "data_sources" ("type", "name", "description", "priority", "size", )"
        R"("score", "active", "payload", "created_at", "checked_at", "path", "row_count") )"
        R"(VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING "id")");
  CHECK(insert_sql(numbered, stitch::detail::table_of<Tag>(), 0, true) ==
        R"(INSERT INTO "tags" ("id", "label", "weight") VALUES ($1, $2, $3) RETURNING "id")");
  CHECK(insert_sql(numbered, stitch::detail::table_of<Marker>(), 0, false) ==
        R"(INSERT INTO "markers" DEFAULT VALUES RETURNING "id")");
}

TEST_CASE("UPDATE numbers the id after the members", "[sql][numbered]") {
  CHECK(stitch::detail::update_sql(numbered, stitch::detail::table_of<DataSource>(),
                                   stitch::detail::mapping<Socrata>::index) ==
        R"(UPDATE "data_sources" SET "name" = $1, "description" = $2, "priority" = $3, )"
        R"("size" = $4, "score" = $5, "active" = $6, "payload" = $7, "created_at" = $8, )"
        R"("checked_at" = $9, "domain" = $10, "app_token" = $11 WHERE "id" = $12)");
  CHECK(stitch::detail::delete_sql(numbered, stitch::detail::table_of<Tag>()) ==
        R"(DELETE FROM "tags" WHERE "id" = $1)");
}

TEST_CASE("find numbers the id first, then the type filter", "[sql][numbered]") {
  CHECK(stitch::detail::find_sql(numbered, stitch::detail::plan_of<CsvFile>()) ==
        select_csv_files + R"( WHERE "id" = $1 AND "type" IN ($2, $3))");
  CHECK(stitch::detail::find_sql(numbered, stitch::detail::plan_of<DataSource>()) ==
        select_data_sources + R"( WHERE "id" = $1)");
}
