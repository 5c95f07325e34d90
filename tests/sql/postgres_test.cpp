#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sql/models.hpp"

// The exact SQL stitch writes for PostgreSQL. No database: an unbound query renders its SELECT
// for any dialect, and the statement builders are plain functions of a table description.
// Placeholders are numbered, and a value compared in a condition is typed unless it is text.

using namespace sqlm;
using stitch::col;

namespace {

const stitch::postgres_dialect postgres;
const stitch::sqlite_dialect sqlite;

template <class T>
std::string select_sql(const stitch::query<T>& q) {
  return q.to_sql(postgres);
}

std::string typed(int n, stitch::column_kind kind) {
  std::string out;
  postgres.typed_placeholder(out, n, kind);
  return out;
}

}  // namespace

TEST_CASE("PostgreSQL: a hierarchy's table has bigserial ids and Rails' PostgreSQL types",
          "[sql][schema]") {
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
  CHECK(stitch::schema_sql<CsvFile>(postgres) == statements);
  CHECK(stitch::schema_sql<CompressedCsvFile>(postgres) == statements);
  CHECK(stitch::schema_sql<Socrata>(postgres) == statements);
}

TEST_CASE("PostgreSQL: plain, column-less and oddly named models' tables", "[sql][schema]") {
  CHECK(
      stitch::schema_sql<Tag>(postgres) ==
      std::vector<std::string>{R"(CREATE TABLE IF NOT EXISTS "tags" ("id" bigserial PRIMARY KEY, )"
                               R"("label" character varying NOT NULL, "weight" integer))"});
  CHECK(stitch::schema_sql<Marker>(postgres) ==
        std::vector<std::string>{
            R"(CREATE TABLE IF NOT EXISTS "markers" ("id" bigserial PRIMARY KEY))"});
  CHECK(stitch::schema_sql<Odd>(postgres) ==
        std::vector<std::string>{
            R"(CREATE TABLE IF NOT EXISTS "odd""table" ()"
            R"("id" bigserial PRIMARY KEY, "value" character varying NOT NULL))"});
}

TEST_CASE("PostgreSQL: members listed in text_columns are text, others character varying",
          "[sql][schema]") {
  CHECK(stitch::schema_sql<Note>(postgres)[0] ==
        R"(CREATE TABLE IF NOT EXISTS "notes" ("id" bigserial PRIMARY KEY, )"
        R"("type" character varying, "title" character varying NOT NULL, "body" text, )"
        R"("appendix" text, "summary" character varying, "tag" character varying))");
}

TEST_CASE("PostgreSQL: CREATE TABLE holds its own foreign keys after the columns",
          "[sql][schema]") {
  const std::vector<stitch::detail::foreign_key_def> keys{{"tags", "weight", "markers"},
                                                          {"data_sources", "tag_id", "tags"}};
  CHECK(stitch::detail::create_table_sql(postgres, stitch::detail::table_of<Tag>(), keys) ==
        R"(CREATE TABLE IF NOT EXISTS "tags" ("id" bigserial PRIMARY KEY, )"
        R"("label" character varying NOT NULL, "weight" integer, )"
        R"(CONSTRAINT "fk_rails_b407f04628" FOREIGN KEY ("weight") REFERENCES "markers" ("id") )"
        R"(DEFERRABLE INITIALLY IMMEDIATE))");
}

TEST_CASE("PostgreSQL: indexes, join tables and foreign keys are named as Rails names them",
          "[sql][schema]") {
  using stitch::detail::create_index_sql;
  CHECK(create_index_sql(postgres, "tags", {"label"}) ==
        R"(CREATE INDEX IF NOT EXISTS "index_tags_on_label" ON "tags" ("label"))");
  CHECK(create_index_sql(postgres, "data_sources", {"name", "priority"}, true) ==
        R"(CREATE UNIQUE INDEX IF NOT EXISTS "index_data_sources_on_name_and_priority" )"
        R"(ON "data_sources" ("name", "priority"))");
  CHECK(stitch::detail::create_join_table_sql(postgres, "data_sources_tags", "data_source_id",
                                              "data_sources", "tag_id", "tags") ==
        R"(CREATE TABLE IF NOT EXISTS "data_sources_tags" ("data_source_id" bigint NOT NULL, )"
        R"("tag_id" bigint NOT NULL, CONSTRAINT "fk_rails_4e0b59934b" )"
        R"(FOREIGN KEY ("data_source_id") REFERENCES "data_sources" ("id") )"
        R"(DEFERRABLE INITIALLY IMMEDIATE, CONSTRAINT "fk_rails_382520ff8e" )"
        R"(FOREIGN KEY ("tag_id") REFERENCES "tags" ("id") DEFERRABLE INITIALLY IMMEDIATE))");
}

TEST_CASE("PostgreSQL: a foreign key added later is an ALTER TABLE ... ADD CONSTRAINT",
          "[sql][foreign_key]") {
  using stitch::detail::add_foreign_key_sql;
  CHECK(add_foreign_key_sql(postgres, {"data_sources", "tag_id", "tags"}) ==
        R"(ALTER TABLE "data_sources" ADD CONSTRAINT "fk_rails_26c3c811eb" )"
        R"(FOREIGN KEY ("tag_id") REFERENCES "tags" ("id") DEFERRABLE INITIALLY IMMEDIATE)");
  CHECK(add_foreign_key_sql(postgres, {"odd\"table", "parent_id", "odd\"table"}) ==
        R"(ALTER TABLE "odd""table" ADD CONSTRAINT "fk_rails_13ea78f27f" )"
        R"(FOREIGN KEY ("parent_id") REFERENCES "odd""table" ("id") )"
        R"(DEFERRABLE INITIALLY IMMEDIATE)");
}

TEST_CASE("PostgreSQL: a condition's values are typed unless they are text", "[sql][where]") {
  using C = DataSourceColumns;
  const timestamp at{std::chrono::seconds(1)};
  CHECK(select_sql(stitch::query<DataSource>{}
                       .where(col<&C::priority> < 1.5)
                       .where(col<&C::name> == "x")
                       .where(col<&C::active> == true)
                       .where(col<&C::created_at> >= at)
                       .where(col<&C::size> > 7)) ==
        select_data_sources +
            R"( WHERE ("priority" < $1::float8) AND ("name" = $2) AND ("active" = $3::boolean))"
            R"( AND ("created_at" >= $4::timestamp(6)) AND ("size" > $5::bigint))");
  CHECK(select_sql(stitch::query<DataSource>{}.where(col<&C::priority> < 3)) ==
        select_data_sources + R"( WHERE "priority" < $1::bigint)");
  CHECK(select_sql(stitch::query<DataSource>{}.where(col<&C::score> >= 2)) ==
        select_data_sources + R"( WHERE "score" >= $1::bigint)");
  CHECK(select_sql(stitch::query<DataSource>{}.where(col<&DataSource::id> == 7)) ==
        select_data_sources + R"( WHERE "id" = $1::bigint)");
  CHECK(select_sql(stitch::query<DataSource>{}.where(col<&C::payload> ==
                                                     std::vector<std::byte>{std::byte{1}})) ==
        select_data_sources + R"( WHERE "payload" = $1::bytea)");
  CHECK(select_sql(stitch::query<DataSource>{}.where(col<&C::checked_at> <
                                                     std::optional<timestamp>{at})) ==
        select_data_sources + R"( WHERE "checked_at" < $1::timestamp(6))");
  CHECK(select_sql(stitch::query<DataSource>{}.where(col<&C::description> ==
                                                     std::optional<std::string>{"d"})) ==
        select_data_sources + R"( WHERE "description" = $1)");
}

TEST_CASE("PostgreSQL: the type filter is text; conditions are numbered after it", "[sql][where]") {
  using C = DataSourceColumns;
  CHECK(select_sql(stitch::query<CsvFile>{}) == select_csv_files + R"( WHERE "type" IN ($1, $2))");
  CHECK(select_sql(stitch::query<Socrata>{}.where(col<&C::score> > 0.5)) ==
        select_socrata + R"( WHERE "type" IN ($1) AND ("score" > $2::float8))");
}

TEST_CASE("PostgreSQL: in, like, NULL and raw SQL keep numbering and typing", "[sql][where]") {
  using C = DataSourceColumns;
  const auto where = [](const auto& condition) {
    return select_sql(stitch::query<DataSource>{}.where(condition));
  };
  CHECK(where(col<&C::priority>.in({1, 2, 3})) ==
        select_data_sources + R"( WHERE "priority" IN ($1::bigint, $2::bigint, $3::bigint))");
  CHECK(where(col<&C::name>.in(std::vector<std::string>{"a", "b"})) ==
        select_data_sources + R"( WHERE "name" IN ($1, $2))");
  CHECK(where(col<&C::name>.in(std::vector<std::string>{})) ==
        select_data_sources + R"( WHERE 1 = 0)");
  CHECK(where(col<&C::name>.like("Mont%")) == select_data_sources + R"( WHERE "name" LIKE $1)");
  CHECK(where(col<&C::description> == std::nullopt && col<&C::priority> != 4) ==
        select_data_sources + R"( WHERE ("description" IS NULL) AND ("priority" <> $1::bigint))");
  CHECK(where(!(col<&C::active> == false) || col<&C::score> <= 2.5) ==
        select_data_sources +
            R"( WHERE (NOT ("active" = $1::boolean)) OR ("score" <= $2::float8))");
  CHECK(where(stitch::sql("length(\"name\") > ?", 3)) ==
        select_data_sources + R"( WHERE length("name") > $1::bigint)");
  CHECK(select_sql(stitch::query<CsvFile>{}.where("a = ? OR b = ?", 1, "x")) ==
        select_csv_files + R"( WHERE "type" IN ($1, $2) AND (a = $3::bigint OR b = $4))");
}

TEST_CASE("PostgreSQL: limit and offset are bound; offset alone is LIMIT ALL", "[sql][limit]") {
  CHECK(select_sql(stitch::query<Tag>{}.limit(10)) == select_tags + R"( LIMIT $1)");
  CHECK(select_sql(stitch::query<Tag>{}.offset(20)) == select_tags + R"( LIMIT ALL OFFSET $1)");
  CHECK(select_sql(stitch::query<Tag>{}.limit(10).offset(20)) ==
        select_tags + R"( LIMIT $1 OFFSET $2)");
  CHECK(select_sql(stitch::query<Tag>{}.offset(20).limit(10)) ==
        select_tags + R"( LIMIT $1 OFFSET $2)");
}

TEST_CASE("PostgreSQL: a query numbers type filter, conditions, limit and offset in order",
          "[sql][select]") {
  using C = DataSourceColumns;
  stitch::query<CsvFile> q;
  q.limit(5);
  q.order_by(col<&C::name>.desc());
  q.where(col<&C::score> > 0.5);
  q.offset(10);
  q.where(col<&CsvFileColumns::row_count> >= 100);
  CHECK(select_sql(q) == select_csv_files +
                             R"( WHERE "type" IN ($1, $2) AND ("score" > $3::float8))"
                             R"( AND ("row_count" >= $4::bigint) ORDER BY "name" DESC)"
                             R"( LIMIT $5 OFFSET $6)");
}

TEST_CASE("PostgreSQL: INSERT of one row returns its id", "[sql][insert]") {
  using stitch::detail::insert_sql;
  using stitch::detail::mapping;
  const auto& t = stitch::detail::table_of<DataSource>();
  CHECK(insert_sql(postgres, t, mapping<DataSource>::index, false) ==
        R"(INSERT INTO "data_sources" ("type", "name", "description", "priority", "size", )"
        R"("score", "active", "payload", "created_at", "checked_at") )"
        R"(VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING "id")");
  CHECK(insert_sql(postgres, stitch::detail::table_of<Marker>(), 0, false) ==
        R"(INSERT INTO "markers" DEFAULT VALUES RETURNING "id")");
}

TEST_CASE("PostgreSQL: INSERT with an explicit id names it first", "[sql][insert]") {
  using stitch::detail::insert_sql;
  using stitch::detail::mapping;
  CHECK(insert_sql(postgres, stitch::detail::table_of<Socrata>(), mapping<Socrata>::index, true) ==
        R"(INSERT INTO "data_sources" ("id", "type", "name", "description", "priority", )"
        R"("size", "score", "active", "payload", "created_at", "checked_at", "domain", )"
        R"("app_token") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) )"
        R"(RETURNING "id")");
  CHECK(insert_sql(postgres, stitch::detail::table_of<Marker>(), 0, true) ==
        R"(INSERT INTO "markers" ("id") VALUES ($1) RETURNING "id")");
}

TEST_CASE("PostgreSQL: a multi-row INSERT numbers its parameters across the rows",
          "[sql][insert]") {
  using stitch::detail::insert_sql;
  using stitch::detail::mapping;
  CHECK(insert_sql(postgres, stitch::detail::table_of<CsvFile>(), mapping<CsvFile>::index, false,
                   3) ==
        R"(INSERT INTO "data_sources" ("type", "name", "description", "priority", "size", )"
        R"("score", "active", "payload", "created_at", "checked_at", "path", "row_count") )"
        R"(VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12), )"
        R"(($13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24), )"
        R"(($25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36) RETURNING "id")");
  CHECK(insert_sql(postgres, stitch::detail::table_of<Tag>(), 0, true, 3) ==
        R"(INSERT INTO "tags" ("id", "label", "weight") )"
        R"(VALUES ($1, $2, $3), ($4, $5, $6), ($7, $8, $9) RETURNING "id")");
  CHECK(insert_sql(postgres, stitch::detail::table_of<Marker>(), 0, true, 3) ==
        R"(INSERT INTO "markers" ("id") VALUES ($1), ($2), ($3) RETURNING "id")");
}

TEST_CASE("PostgreSQL: UPDATE numbers the id after the members", "[sql][update]") {
  using stitch::detail::mapping;
  using stitch::detail::update_sql;
  CHECK(update_sql(postgres, stitch::detail::table_of<DataSource>(), mapping<CsvFile>::index) ==
        R"(UPDATE "data_sources" SET "name" = $1, "description" = $2, "priority" = $3, )"
        R"("size" = $4, "score" = $5, "active" = $6, "payload" = $7, "created_at" = $8, )"
        R"("checked_at" = $9, "path" = $10, "row_count" = $11 WHERE "id" = $12)");
  CHECK(update_sql(postgres, stitch::detail::table_of<Tag>(), 0) ==
        R"(UPDATE "tags" SET "label" = $1, "weight" = $2 WHERE "id" = $3)");
  CHECK(update_sql(postgres, stitch::detail::table_of<Marker>(), 0) ==
        R"(UPDATE "markers" SET "id" = "id" WHERE "id" = $1)");
}

TEST_CASE("PostgreSQL: DELETE is by id alone", "[sql][delete]") {
  CHECK(stitch::detail::delete_sql(postgres, stitch::detail::table_of<CsvFile>()) ==
        R"(DELETE FROM "data_sources" WHERE "id" = $1)");
  CHECK(stitch::detail::delete_sql(postgres, stitch::detail::table_of<Odd>()) ==
        R"(DELETE FROM "odd""table" WHERE "id" = $1)");
}

TEST_CASE("PostgreSQL: find numbers the id first, then the type filter", "[sql][find]") {
  using stitch::detail::find_sql;
  using stitch::detail::plan_of;
  CHECK(find_sql(postgres, plan_of<DataSource>()) == select_data_sources + R"( WHERE "id" = $1)");
  CHECK(find_sql(postgres, plan_of<CsvFile>()) ==
        select_csv_files + R"( WHERE "id" = $1 AND "type" IN ($2, $3))");
  CHECK(find_sql(postgres, plan_of<Socrata>()) ==
        select_socrata + R"( WHERE "id" = $1 AND "type" IN ($2))");
  CHECK(find_sql(postgres, plan_of<Tag>()) == select_tags + R"( WHERE "id" = $1)");
}

TEST_CASE("PostgreSQL: the id sequence is advanced past an explicit id, and reserved ahead",
          "[sql][sequence]") {
  CHECK(postgres.advance_id_sql("tags") ==
        R"(SELECT setval(s, $1) FROM (SELECT pg_get_serial_sequence('"tags"', 'id')::regclass )"
        R"(AS s) q WHERE $1 > coalesce(pg_sequence_last_value(s), 0))");
  CHECK(postgres.reserve_ids_sql("tags", false) ==
        R"(SELECT nextval(q.s) FROM (SELECT pg_get_serial_sequence('"tags"', 'id')::regclass )"
        R"(AS s OFFSET 0) q CROSS JOIN generate_series(1, $1::bigint) ORDER BY 1)");
  // The table is quoted as an identifier, then as a string literal.
  CHECK(postgres.reserve_ids_sql("it's \"odd\"", true) ==
        R"(SELECT nextval(q.s) FROM (SELECT pg_get_serial_sequence('"it''s ""odd"""', 'id'))"
        R"(::regclass AS s OFFSET 0) q CROSS JOIN generate_series(1, $1::bigint) ORDER BY 1)");
}

TEST_CASE("PostgreSQL: isolation levels; SQLite has one level and no statement to advance ids",
          "[sql][isolation]") {
  using stitch::isolation;
  CHECK(postgres.isolation_sql(isolation::serializable) ==
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
  CHECK(postgres.isolation_sql(isolation::repeatable_read) ==
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  CHECK(postgres.isolation_sql(isolation::read_committed) ==
        "SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
  CHECK(postgres.isolation_sql(isolation::database_default).empty());
  CHECK(sqlite.advance_id_sql("tags").empty());
  CHECK(sqlite.isolation_sql(isolation::serializable).empty());
  CHECK(sqlite.isolation_sql(isolation::repeatable_read).empty());
  CHECK(sqlite.isolation_sql(isolation::read_committed).empty());
  CHECK(sqlite.isolation_sql(isolation::database_default).empty());
}

TEST_CASE("PostgreSQL: every column kind has its typed placeholder", "[sql][placeholder]") {
  using stitch::column_kind;
  CHECK(typed(1, column_kind::integer) == "$1::integer");
  CHECK(typed(2, column_kind::big_integer) == "$2::bigint");
  CHECK(typed(3, column_kind::real) == "$3::float8");
  CHECK(typed(4, column_kind::boolean) == "$4::boolean");
  CHECK(typed(5, column_kind::text) == "$5::character varying");
  CHECK(typed(6, column_kind::blob) == "$6::bytea");
  CHECK(typed(12, column_kind::timestamp) == "$12::timestamp(6)");
  std::string out;
  postgres.placeholder(out, 7);
  CHECK(out == "$7");
}

TEST_CASE("PostgreSQL: what the core asks of the dialect, against SQLite's answers",
          "[sql][dialect]") {
  CHECK(postgres.begin_transaction(true) == "BEGIN");
  CHECK(postgres.begin_transaction(false) == "BEGIN");
  CHECK(postgres.defer_foreign_keys() == "SET CONSTRAINTS ALL DEFERRED");
  CHECK(postgres.returns_inserted_id());
  CHECK(postgres.error_aborts_transaction());
  CHECK(postgres.batches_inserts());
  CHECK_FALSE(postgres.forward_foreign_keys());
  CHECK_FALSE(sqlite.returns_inserted_id());
  CHECK_FALSE(sqlite.error_aborts_transaction());
  CHECK(sqlite.batches_inserts());
  CHECK(sqlite.forward_foreign_keys());
  std::string untyped;
  sqlite.typed_placeholder(untyped, 3, stitch::column_kind::real);
  CHECK(untyped == "?");
}
