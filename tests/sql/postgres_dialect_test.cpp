#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "sql/models.hpp"

// The exact SQL stitch writes for PostgreSQL. No database: the statement builders are plain
// functions of a table description and a dialect.

using namespace sqlm;
using stitch::col;

namespace {

const stitch::postgres_dialect postgres;
const stitch::sqlite_dialect sqlite;

std::string typed(stitch::column_kind kind) {
  std::string out;
  postgres.typed_placeholder(out, 3, kind);
  return out;
}

}  // namespace

TEST_CASE("the PostgreSQL schema has the column types Rails' PostgreSQL adapter writes",
          "[sql][postgres][schema]") {
  const auto statements = stitch::schema_sql<DataSource>(postgres);
  REQUIRE(statements.size() == 2);
  CHECK(statements[0] ==
        R"(CREATE TABLE IF NOT EXISTS "data_sources" ("id" bigserial PRIMARY KEY, )"
        R"("type" character varying, "name" character varying NOT NULL, )"
        R"("description" character varying, "priority" integer NOT NULL, )"
        R"("size" bigint NOT NULL, "score" float NOT NULL, "active" boolean NOT NULL, )"
        R"("payload" bytea NOT NULL, "created_at" timestamp(6) NOT NULL, )"
        R"("checked_at" timestamp(6), "path" character varying, "row_count" bigint, )"
        R"("compression" character varying, "domain" character varying, )"
        R"("app_token" character varying))");
  CHECK(statements[1] ==
        R"(CREATE INDEX IF NOT EXISTS "index_data_sources_on_type" ON "data_sources" ("type"))");
}

TEST_CASE(
    "values other than text get typed placeholders, so that the server reads them as "
    "given",
    "[sql][postgres][query]") {
  using C = DataSourceColumns;
  const timestamp at{std::chrono::seconds(1)};
  CHECK(stitch::query<Tag>{}
            .where(col<&TagColumns::weight> < 1.5)
            .where(col<&TagColumns::label> == "x")
            .limit(5)
            .offset(10)
            .to_sql(postgres) ==
        select_tags + R"( WHERE ("weight" < $1::float8) AND ("label" = $2) LIMIT $3 OFFSET $4)");
  CHECK(stitch::query<DataSource>{}
            .where(col<&C::active> == true && col<&C::created_at> > at && col<&C::size>.in({1, 2}))
            .to_sql(postgres) ==
        select_data_sources + R"( WHERE (("active" = $1::boolean) AND ("created_at" > )"
                              R"($2::timestamp(6))) AND ("size" IN ($3::bigint, $4::bigint)))");
  CHECK(stitch::query<DataSource>{}
            .where(stitch::sql("name LIKE ?", "a%"))
            .offset(2)
            .to_sql(postgres) ==
        select_data_sources + R"( WHERE name LIKE $1 LIMIT ALL OFFSET $2)");
}

TEST_CASE("every column kind has its typed placeholder", "[sql][postgres]") {
  using stitch::column_kind;
  CHECK(typed(column_kind::integer) == "$3::integer");
  CHECK(typed(column_kind::big_integer) == "$3::bigint");
  CHECK(typed(column_kind::real) == "$3::float8");
  CHECK(typed(column_kind::boolean) == "$3::boolean");
  CHECK(typed(column_kind::text) == "$3::character varying");
  CHECK(typed(column_kind::blob) == "$3::bytea");
  CHECK(typed(column_kind::timestamp) == "$3::timestamp(6)");
  std::string untyped;
  sqlite.typed_placeholder(untyped, 3, column_kind::real);
  CHECK(untyped == "?");
}

TEST_CASE("PostgreSQL inserts return ids, one row or many", "[sql][postgres][insert]") {
  using stitch::detail::insert_sql;
  const auto& tags = stitch::detail::table_of<Tag>();
  CHECK(insert_sql(postgres, tags, 0, false) ==
        R"(INSERT INTO "tags" ("label", "weight") VALUES ($1, $2) RETURNING "id")");
  CHECK(insert_sql(postgres, tags, 0, true) ==
        R"(INSERT INTO "tags" ("id", "label", "weight") VALUES ($1, $2, $3) RETURNING "id")");
  CHECK(insert_sql(postgres, tags, 0, false, 3) ==
        R"(INSERT INTO "tags" ("label", "weight") VALUES ($1, $2), ($3, $4), ($5, $6) )"
        R"(RETURNING "id")");
  CHECK(insert_sql(sqlite, tags, 0, true, 2) ==
        R"(INSERT INTO "tags" ("id", "label", "weight") VALUES (?, ?, ?), (?, ?, ?))");
}

TEST_CASE("a foreign key closing a cycle is added by ALTER TABLE", "[sql][postgres][schema]") {
  const stitch::detail::foreign_key_def key{"fields", "data_source_id", "data_sources"};
  CHECK(stitch::detail::add_foreign_key_sql(postgres, key) ==
        R"(ALTER TABLE "fields" ADD CONSTRAINT "fk_fields_data_source_id" FOREIGN KEY )"
        R"(("data_source_id") REFERENCES "data_sources" ("id") DEFERRABLE INITIALLY IMMEDIATE)");
  CHECK_FALSE(postgres.forward_foreign_keys());
  CHECK(sqlite.forward_foreign_keys());
}

TEST_CASE("sequences, isolation and transactions in PostgreSQL's words", "[sql][postgres]") {
  CHECK(postgres.advance_id_sql("odd\"table") ==
        R"(SELECT setval(s, $1) FROM (SELECT pg_get_serial_sequence('"odd""table"', 'id'))"
        R"(::regclass AS s) q WHERE $1 > coalesce(pg_sequence_last_value(s), 0))");
  CHECK(postgres.reserve_ids_sql("tags") ==
        R"(SELECT nextval(q.s) FROM (SELECT pg_get_serial_sequence('"tags"', 'id')::regclass )"
        R"(AS s OFFSET 0) q CROSS JOIN generate_series(1, $1::bigint))");
  CHECK(postgres.isolation_sql(stitch::isolation::serializable) ==
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
  CHECK(postgres.isolation_sql(stitch::isolation::repeatable_read) ==
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  CHECK(postgres.isolation_sql(stitch::isolation::database_default).empty());
  CHECK(postgres.begin_transaction(true) == "BEGIN");
  CHECK(postgres.defer_foreign_keys() == "SET CONSTRAINTS ALL DEFERRED");
  CHECK(postgres.error_aborts_transaction());
  CHECK(postgres.batches_inserts());
  // SQLite has AUTOINCREMENT, one isolation level, and keeps a transaction after an error.
  CHECK(sqlite.advance_id_sql("tags").empty());
  CHECK(sqlite.reserve_ids_sql("tags").empty());
  CHECK(sqlite.isolation_sql(stitch::isolation::serializable).empty());
  CHECK_FALSE(sqlite.error_aborts_transaction());
  CHECK_FALSE(sqlite.batches_inserts());
}
