// What an object knows about its row after rollbacks, failed batches and failed reloads.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;

namespace {
// Saves `t` in a transaction that is rolled back, then saves another tag, which may take
// the id the rolled-back insert had.
Tag save_rolled_back_then_other(stitch::database& db, Tag& t) {
  {
    auto tx = db.transaction();
    db.save(t);
    REQUIRE(t.persisted());
  }
  Tag other = make_tag("other");
  db.save(other);
  return other;
}
}  // namespace

TEST_CASE("an object whose insert was rolled back is inserted again, never over another row",
          "[transaction][state]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  Tag lost = make_tag("lost");
  const Tag other = save_rolled_back_then_other(*db, lost);

  lost.name = "found again";
  db->save(lost);  // an insert with a new id, not an update of `other`
  CHECK(lost.id != other.id);
  CHECK(db->find<Tag>(other.id).name == "other");
  CHECK(db->find<Tag>(lost.id).name == "found again");
  CHECK(db->all<Tag>().count() == 2);
}

TEST_CASE("reload and destroy of an object whose insert was rolled back find no row",
          "[transaction][state]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  Tag lost = make_tag("lost");
  save_rolled_back_then_other(*db, lost);
  CHECK_THROWS_AS(db->reload(lost), stitch::record_not_found);
  CHECK(lost.name == "lost");
  CHECK_FALSE(db->destroy(lost));
  CHECK(lost.id == 0);  // its old id belongs to `other` now
  CHECK(db->all<Tag>().count() == 1);
  db->save(lost);
  CHECK(db->all<Tag>().count() == 2);
}

TEST_CASE("an insert inside a rolled-back savepoint is undone even when the outer commits",
          "[transaction][state]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  Tag kept = make_tag("kept");
  Tag dropped = make_tag("dropped");
  Tag released = make_tag("released");
  {
    auto tx = db->transaction();
    db->save(kept);
    {
      auto sp = db->transaction();
      db->save(dropped);
    }
    {
      auto sp = db->transaction();
      db->save(released);
      sp.commit();
    }
    tx.commit();
  }
  db->reload(kept);
  db->reload(released);
  CHECK_THROWS_AS(db->reload(dropped), stitch::record_not_found);
  db->save(dropped);
  CHECK(db->all<Tag>().order_by(col<&Tag::id>).pluck(col<&Tag::name>) ==
        std::vector<std::string>{"kept", "released", "dropped"});
}

TEST_CASE("a savepoint committed into a transaction that rolls back is undone with it",
          "[transaction][state]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  Tag inner = make_tag("inner");
  {
    auto tx = db->transaction();
    {
      auto sp = db->transaction();
      db->save(inner);
      sp.commit();
    }
  }
  CHECK_THROWS_AS(db->reload(inner), stitch::record_not_found);
  db->save(inner);
  CHECK(db->all<Tag>().count() == 1);
}

TEST_CASE("save_all restores every object's id and state when the batch fails",
          "[persistence][state]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  db->execute(R"(CREATE UNIQUE INDEX "index_tags_on_name" ON "tags" ("name"))");
  Tag existing = make_tag("existing");
  db->save(existing);
  existing.name = "renamed";
  std::vector<Tag*> batch;
  Tag a = make_tag("a");
  Tag dup = make_tag("a");  // violates the unique index
  batch = {&existing, &a, &dup};
  CHECK_THROWS_AS(db->save_all(batch), stitch::unique_violation);
  CHECK(a.id == 0);
  CHECK(a.new_record());
  CHECK(dup.new_record());
  CHECK(existing.persisted());
  CHECK(db->find<Tag>(existing.id).name == "existing");
  CHECK(db->all<Tag>().count() == 1);
}

TEST_CASE("save_all refuses the same new object twice and writes nothing", "[persistence][state]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  Tag a = make_tag("a");
  std::vector<Tag*> twice{&a, &a};
  CHECK_THROWS_WITH(db->save_all(twice), Catch::Contains("same new Tag object twice"));
  CHECK(a.new_record());
  CHECK(db->all<Tag>().count() == 0);
}

TEST_CASE("a failed reload leaves the object as it was", "[persistence][state]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  Sample s;
  s.text = "mine";
  db->save(s);
  stitch::test::widen_column(db, "samples", "small", "bigint");
  db->execute("UPDATE samples SET text = 'theirs', small = 5000000000");  // too big for int32
  s.text = "unsaved edit";
  CHECK_THROWS_AS(db->reload(s), stitch::data_error);
  CHECK(s.text == "unsaved edit");
  CHECK(s.small == 0);
}

TEST_CASE("reload replaces the columns and keeps members that are not columns",
          "[persistence][state]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CsvFile csv;
  csv.name = "before";
  csv.path = "a.csv";
  db->save(csv);
  db->execute("UPDATE data_sources SET name = 'after'");
  db->reload(csv);
  CHECK(csv.name == "after");
  CHECK(csv.path == "a.csv");
  CHECK(csv.persisted());
}

TEST_CASE("first honours limit(0)", "[query]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  Tag t = make_tag("x");
  db->save(t);
  CHECK_FALSE(db->all<Tag>().limit(0).first());
  CHECK(db->all<Tag>().first());
}

TEST_CASE("a timestamp column compares with a time of any precision", "[query][types]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  DataSource d;
  d.name = "now";
  db->save(d);
  const auto later = std::chrono::system_clock::now() + std::chrono::hours(1);  // nanoseconds
  CHECK(db->all<DataSource>().where(col<&DataSource::created_at> < later).count() == 1);
  CHECK(db->all<DataSource>().where(col<&DataSource::created_at> > later).count() == 0);
}

TEST_CASE("a moved-from database says so instead of crashing", "[errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  stitch::database moved = std::move(*db);
  Tag t = make_tag("x");
  CHECK_THROWS_WITH(db->save(t), Catch::Contains("moved from"));
  moved.save(t);
  CHECK(moved.all<Tag>().count() == 1);
}

TEST_CASE("a finished query gives its statement back for the next run", "[query]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  Tag t = make_tag("x");
  db->save(t);
  auto q = db->all<Tag>();
  int rows = 0;
  for (auto& row : q) rows += static_cast<int>(row.name.size());
  for (auto& row : q) rows += static_cast<int>(row.name.size());  // the same query again
  CHECK(rows == 2);
  CHECK(db->all<Tag>().count() == 1);
}
