// SQLite-only behaviour: opening files, read-only and busy connections, the DDL and the
// storage format Rails uses. Everything else is tested once for every backend.
#include <catch2/catch.hpp>

#include <stitch/sqlite.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;
using namespace std::chrono_literals;

namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}
bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// A scratch database path, removed with its journals at the end of the test.
struct scratch_file {
  std::string path = stitch::test::scratch_path("sqlite-test");
  scratch_file() = default;
  scratch_file(const scratch_file&) = delete;
  scratch_file& operator=(const scratch_file&) = delete;
  ~scratch_file() {
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
      std::filesystem::remove(path + suffix, ignored);
  }
};

/// The text in the first column of each row of a query run through the adapter's connection.
std::vector<std::string> texts(stitch::database& db, const std::string& sql,
                               const std::string& parameter = {}) {
  auto st = db.connection().prepare(sql);
  if (!parameter.empty()) st->bind_text(1, parameter);
  std::vector<std::string> out;
  while (st->step()) out.emplace_back(st->is_null(0) ? "<NULL>" : st->get_text(0));
  return out;
}

std::string only_text(stitch::database& db, const std::string& sql,
                      const std::string& parameter = {}) {
  const auto all = texts(db, sql, parameter);
  REQUIRE(all.size() == 1);
  return all[0];
}

}  // namespace

TEST_CASE("opening a file that is not an SQLite database throws not_a_database naming it",
          "[sqlite][errors]") {
  scratch_file file;
  const std::string text(4096, 'x');
  {
    std::ofstream out(file.path, std::ios::binary);
    out << text;
  }
  try {
    auto db = stitch::sqlite::open(file.path);
    FAIL("a text file opened as a database");
  } catch (const stitch::not_a_database& e) {
    CHECK(starts_with(e.what(), "[stitch.not_a_database] "));
    CHECK(contains(e.what(), file.path));
  }
  CHECK_THROWS_AS(stitch::sqlite::open(file.path), stitch::connection_error);
  // The file is left as it was.
  CHECK(std::filesystem::file_size(file.path) == 4096);
  std::ifstream in(file.path, std::ios::binary);
  const std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(after == text);
}

TEST_CASE("opening a missing file without create throws connection_error and creates nothing",
          "[sqlite][errors]") {
  scratch_file file;
  try {
    auto db = stitch::sqlite::open(file.path, {.create = false});
    FAIL("a missing file opened");
  } catch (const stitch::connection_error& e) {
    CHECK(starts_with(e.what(), "[stitch.connection_error] "));
    CHECK(contains(e.what(), file.path));
  }
  CHECK_FALSE(std::filesystem::exists(file.path));
  CHECK_THROWS_AS(stitch::sqlite::open(file.path, {.read_only = true}), stitch::connection_error);
  CHECK_FALSE(std::filesystem::exists(file.path));
}

TEST_CASE("a read-only database reads, and every write throws read_only_database",
          "[sqlite][errors]") {
  scratch_file file;
  std::int64_t kept_id = 0;
  {
    auto db = stitch::sqlite::open(file.path);
    db.create_schema<Tag>();
    auto tag = make_tag("kept");
    db.save(tag);
    kept_id = tag.id;
  }
  {
    auto db = stitch::sqlite::open(file.path, {.read_only = true});
    CHECK(db.find<Tag>(kept_id).name == "kept");
    CHECK(db.all<Tag>().count() == 1);
    db.check_schema<Tag>();

    auto fresh = make_tag("fresh");
    try {
      db.save(fresh);
      FAIL("a read-only database took an insert");
    } catch (const stitch::read_only_database& e) {
      CHECK(starts_with(e.what(), "[stitch.read_only] "));
      CHECK(contains(e.sql(), "INSERT"));
    }
    CHECK(fresh.new_record());
    CHECK(fresh.id == 0);

    auto kept = db.find<Tag>(kept_id);
    kept.name = "changed";
    CHECK_THROWS_AS(db.save(kept), stitch::read_only_database);
    CHECK_THROWS_AS(db.destroy(kept), stitch::read_only_database);
    std::vector<Tag> batch{make_tag("a"), make_tag("b")};
    CHECK_THROWS_AS(db.save_all(batch), stitch::read_only_database);
    CHECK(batch[0].new_record());
    CHECK(db.all<Tag>().count() == 1);
    CHECK(db.find<Tag>(kept_id).name == "kept");
  }
  auto db = stitch::sqlite::open(file.path);
  CHECK(db.all<Tag>().pluck(col<&Tag::name>) == std::vector<std::string>{"kept"});
}

TEST_CASE("a second connection to a file sees what the first committed", "[sqlite]") {
  scratch_file file;
  auto first = stitch::sqlite::open(file.path);
  CHECK(first.describe() == "sqlite:" + file.path);
  first.create_schema<DataSource>();
  CsvFile csv;
  csv.name = "shared";
  csv.path = "shared.csv";
  first.save(csv);

  auto second = stitch::sqlite::open(file.path);
  const auto seen = second.find<DataSource>(csv.id);
  CHECK(seen->describe() == "a CSV file at shared.csv");

  {
    auto tx = first.transaction();
    csv.path = "uncommitted.csv";
    first.save(csv);
    CHECK(second.find<CsvFile>(csv.id)->path == "shared.csv");
    tx.commit();
  }
  CHECK(second.find<CsvFile>(csv.id)->path == "uncommitted.csv");

  // And after the first connection is gone, a new one reads the file.
  { auto moved = std::move(first); }
  auto third = stitch::sqlite::open(file.path);
  CHECK(third.all<DataSource>().count() == 1);
}

TEST_CASE("a write while another connection holds the write lock throws database_busy",
          "[sqlite][errors][transaction]") {
  scratch_file file;
  auto holder = stitch::sqlite::open(file.path);
  holder.create_schema<Tag>();
  auto first = make_tag("first");
  holder.save(first);
  auto waiter = stitch::sqlite::open(file.path, {.busy_timeout = 50ms});

  auto blocked = make_tag("blocked");
  {
    auto tx = holder.transaction();
    auto held = make_tag("held");
    holder.save(held);

    try {
      waiter.save(blocked);
      FAIL("a write went through another connection's lock");
    } catch (const stitch::database_busy& e) {
      CHECK(starts_with(e.what(), "[stitch.database_busy] "));
      CHECK(contains(e.sql(), "INSERT"));
    }
    CHECK(blocked.new_record());
    CHECK(blocked.id == 0);
    CHECK_THROWS_AS(waiter.save(blocked), stitch::transaction_conflict);
    // Reading still works and sees only committed rows.
    CHECK(waiter.all<Tag>().count() == 1);
    tx.commit();
  }
  waiter.save(blocked);
  CHECK(blocked.persisted());
  CHECK(holder.all<Tag>().pluck(col<&Tag::name>) ==
        std::vector<std::string>{"first", "held", "blocked"});
}

TEST_CASE("a connection whose save_all was refused as busy is left outside any transaction",
          "[sqlite][errors][transaction]") {
  scratch_file file;
  auto holder = stitch::sqlite::open(file.path, {.busy_timeout = 200ms});
  holder.create_schema<Tag>();
  auto waiter = stitch::sqlite::open(file.path, {.busy_timeout = 50ms});

  {
    auto tx = holder.transaction();
    auto held = make_tag("held");
    holder.save(held);
    std::vector<Tag> batch{make_tag("x"), make_tag("y")};
    try {
      waiter.save_all(batch);
      FAIL("a batch went through another connection's lock");
    } catch (const stitch::database_busy& e) {
      CHECK(starts_with(e.what(), "[stitch.database_busy] "));
    }
    CHECK(batch[0].new_record());
    CHECK(batch[1].id == 0);
    CHECK_NOTHROW(tx.commit());
  }
  // The refused connection's next save is committed like any other...
  auto after = make_tag("after");
  waiter.save(after);
  auto reader = stitch::sqlite::open(file.path, {.busy_timeout = 50ms});
  CHECK(reader.all<Tag>().pluck(col<&Tag::name>) == std::vector<std::string>{"held", "after"});
  // ...and it holds no lock that keeps the other connection from writing.
  auto more = make_tag("more");
  CHECK_NOTHROW(holder.save(more));
  CHECK(more.persisted());
}

TEST_CASE("a save_all in a deferred transaction never takes ids another connection wrote since",
          "[sqlite][transaction][bulk]") {
  const bool wal = GENERATE(false, true);
  scratch_file file;
  auto first = stitch::sqlite::open(file.path, {.busy_timeout = 50ms});
  first.create_schema<Tag>();
  if (wal) first.execute("PRAGMA journal_mode = WAL");
  auto second = stitch::sqlite::open(file.path, {.busy_timeout = 50ms});

  std::vector<Tag> batch{make_tag("a"), make_tag("b"), make_tag("c")};
  Tag other = make_tag("other");
  bool batch_saved = false;
  bool other_saved = false;
  {
    auto tx = first.transaction();  // deferred: reading takes no write lock
    CHECK(first.all<Tag>().count() == 0);
    // With a rollback journal the reader keeps the writer from committing; in WAL mode the
    // writer commits, and the reader's snapshot may no longer write.
    try {
      second.save(other);
      other_saved = true;
    } catch (const stitch::database_busy&) {
    }
    CHECK(other_saved == wal);
    try {
      first.save_all(batch);
      tx.commit();
      batch_saved = true;
    } catch (const stitch::database_busy&) {
    }
  }
  CHECK(batch_saved != other_saved);
  auto reader = stitch::sqlite::open(file.path, {.busy_timeout = 50ms});
  const auto rows = reader.all<Tag>().order_by(col<&Tag::id>).to_vector();
  if (batch_saved) {
    REQUIRE(rows.size() == 3);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      CHECK(rows[i].id == batch[i].id);
      CHECK(rows[i].name == batch[i].name);
    }
    CHECK(other.new_record());
  } else {
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].id == other.id);
    for (const auto& t : batch) CHECK(t.new_record());
  }
}

TEST_CASE("the schema is written in the DDL Rails' SQLite adapter writes", "[sqlite][single-table]") {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<DataSource, Sample, Tag>();
  const std::string master = "SELECT sql FROM sqlite_master WHERE name = ?";

  CHECK(only_text(db, master, "data_sources") ==
        "CREATE TABLE \"data_sources\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "
        "\"type\" varchar, \"name\" varchar NOT NULL, \"description\" varchar, "
        "\"created_at\" datetime(6) NOT NULL, \"updated_at\" datetime(6) NOT NULL, "
        "\"path\" varchar, \"delimiter\" varchar, \"row_count\" integer, "
        "\"compression\" varchar, \"domain\" varchar, \"dataset_id\" varchar, "
        "\"app_token\" varchar)");
  CHECK(only_text(db, master, "index_data_sources_on_type") ==
        "CREATE INDEX \"index_data_sources_on_type\" ON \"data_sources\" (\"type\")");
  CHECK(only_text(db, master, "samples") ==
        "CREATE TABLE \"samples\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "
        "\"small\" integer NOT NULL, \"big\" integer NOT NULL, \"real\" float NOT NULL, "
        "\"flag\" boolean NOT NULL, \"text\" varchar NOT NULL, \"at\" datetime(6) NOT NULL, "
        "\"at_seconds\" datetime(6) NOT NULL, \"bytes\" blob NOT NULL, "
        "\"maybe_small\" integer, \"maybe_big\" integer, \"maybe_real\" float, "
        "\"maybe_flag\" boolean, \"maybe_text\" varchar, \"maybe_at\" datetime(6), "
        "\"maybe_bytes\" blob)");
  CHECK(only_text(db, master, "tags") ==
        "CREATE TABLE \"tags\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "
        "\"name\" varchar NOT NULL)");
  // A model without a hierarchy has no type column and no index.
  CHECK(texts(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", "tags")
            .empty());
  CHECK(texts(db, "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name") ==
        std::vector<std::string>{"index_data_sources_on_type"});
}

TEST_CASE("values are stored in the formats Rails uses on SQLite", "[sqlite][types]") {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<DataSource, Sample>();
  DataSource source;
  source.name = "stamped";
  source.created_at = at(2024, 3, 1, 12, 34, 56, 789012);
  db.save(source);
  DataSource old;
  old.name = "old";
  old.created_at = at(1969, 12, 31, 23, 59, 59, 999999);
  db.save(old);

  CHECK(db.all<DataSource>()
            .where("typeof(created_at) = 'text' AND length(created_at) = 26 AND "
                   "typeof(updated_at) = 'text' AND length(updated_at) = 26")
            .count() == 2);
  const std::string created = "SELECT created_at FROM data_sources WHERE name = ?";
  CHECK(only_text(db, created, "stamped") == "2024-03-01 12:34:56.789012");
  CHECK(only_text(db, created, "old") == "1969-12-31 23:59:59.999999");
  CHECK(only_text(db, "SELECT type FROM data_sources WHERE name = ?", "old") == "DataSource");

  Sample s;
  s.flag = true;
  s.maybe_flag = false;
  s.at_seconds = std::chrono::time_point_cast<std::chrono::seconds>(at(2038, 1, 19, 3, 14, 8, 0));
  s.bytes = {std::byte{0}, std::byte{1}};
  s.real = 2;
  db.save(s);
  CHECK(only_text(db, "SELECT at_seconds FROM samples") == "2038-01-19 03:14:08");
  CHECK(only_text(db, "SELECT typeof(flag) || ' ' || flag || ' ' || maybe_flag FROM samples") ==
        "integer 1 0");
  CHECK(only_text(db, "SELECT typeof(bytes) || ' ' || length(bytes) FROM samples") == "blob 2");
  CHECK(only_text(db, "SELECT typeof(real) FROM samples") == "real");
  CHECK(only_text(db, "SELECT typeof(maybe_text) FROM samples") == "null");
}

TEST_CASE("values written by Rails and older SQLite tools load", "[sqlite][types]") {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<Sample>();
  db.execute(
      "INSERT INTO samples (small, big, real, flag, text, at, at_seconds, bytes, maybe_flag, "
      "maybe_at) VALUES (1, 2, 3, 't', 'rails', '2024-01-01 10:00:00', "
      "'2024-01-01T10:00:00Z', x'00ff', 'f', '2024-01-01 10:00:00.5')");
  db.execute(
      "INSERT INTO samples (small, big, real, flag, text, at, at_seconds, bytes) VALUES "
      "(1, 2, 3.5, 0, 'epoch', 1700000000, '2024-01-01', x'')");
  const auto rows = db.all<Sample>().order_by(col<&Sample::id>).to_vector();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].flag == true);
  CHECK(rows[0].maybe_flag == std::optional<bool>(false));
  CHECK(rows[0].real == 3.0);
  CHECK(rows[0].at == at(2024, 1, 1, 10, 0, 0, 0));
  CHECK(rows[0].at_seconds ==
        std::chrono::time_point_cast<std::chrono::seconds>(at(2024, 1, 1, 10, 0, 0, 0)));
  CHECK(rows[0].maybe_at == std::optional<models::timestamp>(at(2024, 1, 1, 10, 0, 0, 500000)));
  CHECK(rows[0].bytes == std::vector<std::byte>{std::byte{0}, std::byte{0xff}});
  CHECK(rows[1].flag == false);
  CHECK(rows[1].real == 3.5);
  CHECK(rows[1].at == at(2023, 11, 14, 22, 13, 20, 0));
  CHECK(rows[1].at_seconds ==
        std::chrono::time_point_cast<std::chrono::seconds>(at(2024, 1, 1, 0, 0, 0, 0)));
  CHECK(rows[1].bytes.empty());
}

TEST_CASE("a malformed timestamp throws data_error naming column and row", "[sqlite][errors]") {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<Sample>();
  Sample s;
  db.save(s);
  db.execute("UPDATE samples SET at = 'yesterday-ish'");
  try {
    (void)db.find<Sample>(s.id);
    FAIL("a malformed timestamp was read");
  } catch (const stitch::data_error& e) {
    CHECK(starts_with(e.what(), "[stitch.data_error] "));
    CHECK(contains(e.what(), "samples.at "));
    CHECK(contains(e.what(), "row id " + std::to_string(s.id)));
  }
}

TEST_CASE("foreign keys are enforced by default, and a violation changes nothing",
          "[sqlite][errors]") {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<Tag>();
  auto tag = make_tag("parent");
  db.save(tag);
  db.execute(
      "CREATE TABLE calls (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "
      "\"township\" varchar NOT NULL, \"priority\" integer NOT NULL REFERENCES tags (id), "
      "\"note\" varchar, \"latitude\" float NOT NULL CHECK (latitude >= -90))");
  db.check_schema<Call>();
  CHECK(only_text(db, "SELECT foreign_keys FROM pragma_foreign_keys") == "1");

  Call orphan;
  orphan.township = "nowhere";
  orphan.priority = static_cast<std::int32_t>(tag.id + 100);
  try {
    db.save(orphan);
    FAIL("a row without its parent was saved");
  } catch (const stitch::foreign_key_violation& e) {
    CHECK(starts_with(e.what(), "[stitch.foreign_key_violation] "));
  }
  CHECK(orphan.new_record());

  Call bad_latitude;
  bad_latitude.township = "south of south";
  bad_latitude.priority = static_cast<std::int32_t>(tag.id);
  bad_latitude.latitude = -100;
  CHECK_THROWS_AS(db.save(bad_latitude), stitch::check_violation);
  CHECK(bad_latitude.new_record());
  CHECK(db.all<Call>().count() == 0);

  orphan.priority = static_cast<std::int32_t>(tag.id);
  db.save(orphan);
  CHECK(db.all<Call>().count() == 1);

  auto unchecked = stitch::sqlite::open(":memory:", {.foreign_keys = false});
  CHECK(only_text(unchecked, "SELECT foreign_keys FROM pragma_foreign_keys") == "0");
}

TEST_CASE("a commit refused by a deferred foreign key rolls back and leaves the connection usable",
          "[sqlite][errors][transaction]") {
  scratch_file file;
  auto db = stitch::sqlite::open(file.path);
  db.create_schema<Tag>();
  db.execute(
      "CREATE TABLE calls (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "
      "\"township\" varchar NOT NULL, \"priority\" integer NOT NULL REFERENCES tags (id) "
      "DEFERRABLE INITIALLY DEFERRED, \"note\" varchar, \"latitude\" float NOT NULL)");
  {
    auto tx = db.transaction();
    auto tag = make_tag("in the failed transaction");
    db.save(tag);
    Call orphan;
    orphan.township = "x";
    orphan.priority = static_cast<std::int32_t>(tag.id + 100);
    db.save(orphan);  // deferred: checked at commit
    CHECK_THROWS_AS(tx.commit(), stitch::foreign_key_violation);
    CHECK(tx.active());
  }
  CHECK(db.all<Call>().count() == 0);
  CHECK(db.all<Tag>().count() == 0);
  auto after = make_tag("after");
  db.save(after);
  auto other = stitch::sqlite::open(file.path);
  CHECK(other.all<Tag>().pluck(col<&Tag::name>) == std::vector<std::string>{"after"});
}

TEST_CASE("each :memory: connection is a private database", "[sqlite]") {
  auto a = stitch::sqlite::open(":memory:");
  auto b = stitch::sqlite::open(":memory:");
  a.create_schema<Tag>();
  auto t = make_tag("only in a");
  a.save(t);
  CHECK(a.all<Tag>().count() == 1);
  CHECK_THROWS_AS(b.check_schema<Tag>(), stitch::schema_error);
}

TEST_CASE("queries render SQLite's SQL text", "[sqlite][query][single-table]") {
  auto db = stitch::sqlite::open(":memory:");
  CHECK(db.all<Call>()
            .where(col<&Call::township> == "x")
            .order_by(col<&Call::priority>.desc())
            .limit(3)
            .to_sql() ==
        "SELECT \"id\", \"township\", \"priority\", \"note\", \"latitude\" FROM \"calls\" "
        "WHERE \"township\" = ? ORDER BY \"priority\" DESC LIMIT ?");
  CHECK(db.all<Call>().offset(2).to_sql() ==
        "SELECT \"id\", \"township\", \"priority\", \"note\", \"latitude\" FROM \"calls\" "
        "LIMIT -1 OFFSET ?");
  CHECK(db.all<CsvFile>()
            .where(col<&CsvFile::path> == "p" || col<&CsvFile::row_count> > 1)
            .to_sql() ==
        "SELECT \"id\", \"type\", \"name\", \"description\", \"created_at\", \"updated_at\", "
        "\"path\", \"delimiter\", \"row_count\", \"compression\" FROM \"data_sources\" "
        "WHERE \"type\" IN (?, ?) AND ((\"path\" = ?) OR (\"row_count\" > ?))");
}

TEST_CASE("a transaction SQLite rolls back by itself refuses further work until it is ended",
          "[sqlite][transaction]") {
  const auto path = stitch::test::scratch_path("autorollback");
  {
    auto db = stitch::sqlite::open(path);
    db.create_schema<Tag>();
    db.execute(R"(CREATE TRIGGER "no_bad" BEFORE INSERT ON "tags" WHEN NEW."name" = 'bad'
                  BEGIN SELECT RAISE(ROLLBACK, 'bad tag'); END)");
    Tag a;
    a.name = "a";
    Tag bad;
    bad.name = "bad";
    Tag c;
    c.name = "c";
    {
      auto tx = db.transaction(stitch::intent::write);
      db.save(a);
      {
        auto inner = db.transaction();
        CHECK_THROWS_AS(db.save(bad), stitch::constraint_violation);
      }
      // SQLite has rolled everything back: c must not be written outside the transaction.
      CHECK_THROWS_AS(db.save(c), stitch::transaction_aborted);
      CHECK_THROWS_AS(tx.commit(), stitch::transaction_aborted);
    }
    CHECK(db.all<Tag>().count() == 0);
    CHECK(c.new_record());
    // The object whose insert was undone is inserted again; the connection works as before.
    db.save(a);
    db.save(c);
    CHECK(db.all<Tag>().order_by(col<&Tag::id>).pluck(col<&Tag::name>) ==
          std::vector<std::string>{"a", "c"});
  }
  std::filesystem::remove(path);
}
