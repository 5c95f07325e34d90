#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;

namespace {

Tag save_tag(stitch::database& db, std::string name) {
  Tag t;
  t.name = std::move(name);
  db.save(t);
  return t;
}

std::vector<std::string> tag_names(stitch::database& db) {
  return db.all<Tag>().order_by(col<&Tag::id>).pluck(col<&Tag::name>);
}

using names = std::vector<std::string>;

}  // namespace

TEST_CASE("a committed transaction keeps its writes", "[transaction]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  auto tx = db->transaction();
  CHECK(tx.active());
  save_tag(*db, "a");
  save_tag(*db, "b");
  tx.commit();
  CHECK_FALSE(tx.active());
  CHECK(tag_names(*db) == names{"a", "b"});
}

TEST_CASE("a transaction destroyed without commit rolls back", "[transaction]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  save_tag(*db, "before");
  {
    auto tx = db->transaction();
    save_tag(*db, "inside");
    auto before = db->find<Tag>(db->all<Tag>().first()->id);
    before.name = "changed";
    db->save(before);
    CHECK(tag_names(*db) == names{"changed", "inside"});  // visible inside
  }
  CHECK(tag_names(*db) == names{"before"});
  // The connection is usable, outside any transaction, afterwards.
  save_tag(*db, "after");
  {
    auto tx = db->transaction();
    save_tag(*db, "dropped");
  }
  CHECK(tag_names(*db) == names{"before", "after"});
}

TEST_CASE("an explicit rollback undoes the writes and ends the transaction", "[transaction]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  auto tx = db->transaction();
  save_tag(*db, "undone");
  tx.rollback();
  CHECK_FALSE(tx.active());
  CHECK(db->all<Tag>().count() == 0);
  tx.rollback();  // a second rollback does nothing
  CHECK_THROWS_AS(tx.commit(), stitch::usage_error);
  save_tag(*db, "kept");
  CHECK(db->all<Tag>().count() == 1);
}

TEST_CASE("a nested transaction is a savepoint: its rollback keeps the outer work",
          "[transaction]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  SECTION("inner rolled back by its destructor, outer committed") {
    auto outer = db->transaction();
    save_tag(*db, "outer 1");
    {
      auto inner = db->transaction();
      save_tag(*db, "inner");
      CHECK(tag_names(*db) == names{"outer 1", "inner"});
    }
    save_tag(*db, "outer 2");
    outer.commit();
    CHECK(tag_names(*db) == names{"outer 1", "outer 2"});
  }
  SECTION("inner rolled back explicitly") {
    auto outer = db->transaction();
    save_tag(*db, "outer");
    auto inner = db->transaction();
    save_tag(*db, "inner");
    inner.rollback();
    CHECK(outer.active());
    outer.commit();
    CHECK(tag_names(*db) == names{"outer"});
  }
  SECTION("inner committed, outer committed") {
    auto outer = db->transaction();
    save_tag(*db, "outer");
    {
      auto inner = db->transaction();
      save_tag(*db, "inner");
      inner.commit();
    }
    outer.commit();
    CHECK(tag_names(*db) == names{"outer", "inner"});
  }
  SECTION("inner committed, outer rolled back: both undone") {
    {
      auto outer = db->transaction();
      save_tag(*db, "outer");
      auto inner = db->transaction();
      save_tag(*db, "inner");
      inner.commit();
    }
    CHECK(db->all<Tag>().count() == 0);
  }
  SECTION("three levels, the middle one rolled back") {
    auto outer = db->transaction();
    save_tag(*db, "level 1");
    {
      auto middle = db->transaction();
      save_tag(*db, "level 2");
      {
        auto inner = db->transaction();
        save_tag(*db, "level 3");
        inner.commit();
      }
    }
    outer.commit();
    CHECK(tag_names(*db) == names{"level 1"});
  }
}

TEST_CASE("committing a transaction while an inner one is open is a usage_error",
          "[transaction][errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  auto outer = db->transaction();
  save_tag(*db, "outer");
  auto inner = db->transaction();
  save_tag(*db, "inner");
  try {
    outer.commit();
    FAIL("the outer transaction committed over an open inner one");
  } catch (const stitch::usage_error& e) {
    CHECK(std::string(e.what()).rfind("[stitch.usage_error]", 0) == 0);
  }
  // Nothing ended: both can still commit, in order.
  CHECK(outer.active());
  CHECK(inner.active());
  inner.commit();
  outer.commit();
  CHECK(tag_names(*db) == names{"outer", "inner"});
}

TEST_CASE("committing a transaction twice is a usage_error", "[transaction][errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  auto tx = db->transaction();
  save_tag(*db, "once");
  tx.commit();
  CHECK_THROWS_AS(tx.commit(), stitch::usage_error);
  CHECK(tag_names(*db) == names{"once"});
}

TEST_CASE("an exception thrown inside a transaction's scope rolls it back", "[transaction]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  save_tag(*db, "kept");
  try {
    auto tx = db->transaction();
    save_tag(*db, "lost 1");
    {
      auto inner = db->transaction();
      save_tag(*db, "lost 2");
      throw std::runtime_error("boom");
    }
  } catch (const std::runtime_error&) {
  }
  CHECK(tag_names(*db) == names{"kept"});
  auto tx = db->transaction();
  save_tag(*db, "new");
  tx.commit();
  CHECK(tag_names(*db) == names{"kept", "new"});
}

TEST_CASE("a moved transaction is committed or rolled back once, by its new owner",
          "[transaction]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  {
    auto tx = db->transaction();
    save_tag(*db, "moved");
    auto owner = std::move(tx);
    CHECK(owner.active());
    owner.commit();
  }
  CHECK(tag_names(*db) == names{"moved"});
  {
    auto tx = db->transaction();
    save_tag(*db, "dropped");
    auto owner = std::move(tx);
  }
  CHECK(tag_names(*db) == names{"moved"});
}

TEST_CASE("statements_executed counts one statement per save, find and query", "[transaction]") {
  stitch::test::test_database db;
  db->create_schema<Tag, DataSource>();
  auto counted = [&](auto&& work) {
    const auto before = db->statements_executed();
    work();
    return db->statements_executed() - before;
  };

  Tag tag;
  tag.name = "x";
  CHECK(counted([&] { db->save(tag); }) == 1);
  tag.name = "y";
  CHECK(counted([&] { db->save(tag); }) == 1);
  CsvFile csv;
  csv.name = "c";
  csv.path = "p";
  CHECK(counted([&] { db->save(csv); }) == stitch::test::subclass_write);
  CHECK(counted([&] { (void)db->find<Tag>(tag.id); }) == 1);
  CHECK(counted([&] { (void)db->find<DataSource>(csv.id); }) == 1);
  CHECK(counted([&] { (void)db->find_optional<Tag>(tag.id + 1000); }) == 1);
  CHECK(counted([&] { (void)db->all<Tag>().count(); }) == 1);
  CHECK(counted([&] { (void)db->all<Tag>().first(); }) == 1);
  CHECK(counted([&] { (void)db->all<Tag>().to_vector(); }) == 1);
  CHECK(counted([&] {
          for (auto& t : db->all<Tag>()) (void)t;
        }) == 1);
  CHECK(counted([&] { db->reload(tag); }) == 1);

  std::vector<Tag> hundred(100);
  for (std::size_t i = 0; i < hundred.size(); ++i) hundred[i].name = "t" + std::to_string(i);
  // BEGIN, 100 INSERTs, COMMIT; where inserts are batched: BEGIN, the ids, INSERTs of 64, 32
  // and 4 rows, COMMIT.
  CHECK(counted([&] { db->save_all(hundred); }) ==
        (db->sql_dialect().batches_inserts() ? 6 : 102));
  CHECK(counted([&] { db->save_all(hundred); }) == 102);  // BEGIN, 100 UPDATEs, COMMIT

  CHECK(counted([&] {
          auto tx = db->transaction();
          db->save(tag);
          tx.commit();
        }) == (db->sql_dialect().error_aborts_transaction() ? 5 : 3));  // + the save's savepoint
  CHECK(counted([&] { CHECK(db->destroy(tag)); }) == 1);
}

TEST_CASE("statements_executed counts savepoint statements too", "[transaction]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  const auto before = db->statements_executed();
  {
    auto outer = db->transaction();  // BEGIN
    {
      auto inner = db->transaction();  // SAVEPOINT
      save_tag(*db, "x");              // INSERT
      inner.commit();                  // RELEASE SAVEPOINT
    }
    outer.commit();  // COMMIT
  }
  // Where a failed statement spoils the transaction, the INSERT has a savepoint of its own.
  CHECK(db->statements_executed() - before ==
        (db->sql_dialect().error_aborts_transaction() ? 7 : 5));
}

TEST_CASE("a save that fails inside a transaction leaves the earlier work to commit",
          "[transaction][errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  db->execute("CREATE UNIQUE INDEX index_tags_on_name ON tags (name)");
  save_tag(*db, "taken");
  auto tx = db->transaction();
  save_tag(*db, "first");
  Tag duplicate;
  duplicate.name = "taken";
  CHECK_THROWS_AS(db->save(duplicate), stitch::unique_violation);
  CHECK(duplicate.new_record());
  save_tag(*db, "second");
  tx.commit();
  CHECK(tag_names(*db) == names{"taken", "first", "second"});
}

TEST_CASE("a save_all that fails inside a transaction undoes only its own rows",
          "[transaction][errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  db->execute("CREATE UNIQUE INDEX index_tags_on_name ON tags (name)");
  auto tx = db->transaction();
  save_tag(*db, "outer");
  std::vector<Tag> batch(3);
  batch[0].name = "new 1";
  batch[1].name = "outer";  // duplicate
  batch[2].name = "new 2";
  CHECK_THROWS_AS(db->save_all(batch), stitch::unique_violation);
  for (const auto& t : batch) {
    CHECK(t.id == 0);
    CHECK(t.new_record());
  }
  CHECK(tag_names(*db) == names{"outer"});
  tx.commit();
  CHECK(tag_names(*db) == names{"outer"});
}
