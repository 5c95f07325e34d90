// Transactions and errors: a failed write loses nothing and says what went wrong.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>

#include <string>

struct TagColumns {
  std::string name;
};
struct Tag : stitch::model<Tag, TagColumns> {};

int main() {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<Tag>();
  db.execute(R"(CREATE UNIQUE INDEX "index_tags_on_name" ON "tags" ("name"))");

  {
    auto tx = db.transaction();
    Tag fire;
    fire.name = "fire";
    db.save(fire);
    {
      auto inner = db.transaction();  // a savepoint
      Tag ems;
      ems.name = "ems";
      db.save(ems);
    }  // not committed: rolled back to the savepoint
    tx.commit();
  }
  fmt::print("tags: {}\n", db.all<Tag>().count());

  Tag duplicate;
  duplicate.name = "fire";
  try {
    db.save(duplicate);
  } catch (const stitch::unique_violation& e) {
    fmt::print("{}\n", e.what());
    fmt::print("still a new record: {}, id {}\n", duplicate.new_record(), duplicate.id);
  }

  try {
    (void)db.find<Tag>(42);
  } catch (const stitch::record_not_found& e) {
    fmt::print("{}\n", e.what());
  }

  std::vector<Tag> batch(3);
  batch[0].name = "traffic";
  batch[1].name = "fire";  // violates the unique index: the whole batch is rolled back
  batch[2].name = "police";
  try {
    db.save_all(batch);
  } catch (const stitch::constraint_violation& e) {
    fmt::print("batch failed ({}): tags still {}, first id still {}\n", e.id(),
               db.all<Tag>().count(), batch[0].id);
  }
}
