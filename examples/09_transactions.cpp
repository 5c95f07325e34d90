// Transactions: what save and save_all run, nested savepoints, explicit rollback, objects
// after a rollback, a transaction SQLite aborts, and write transactions.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

struct CodeColumns {
  std::string code;
  std::string meaning;
};
struct Code : stitch::model<Code, CodeColumns> {};

Code make(std::string code, std::string meaning) {
  Code c;
  c.code = std::move(code);
  c.meaning = std::move(meaning);
  return c;
}

int main() {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<Code>();

  // statements_executed() counts statements; the difference of two readings counts a step.
  auto before = db.statements_executed();
  Code fire = make("FIRE", "Fire");
  db.save(fire);  // one INSERT: atomic by itself, no BEGIN needed
  fmt::print("save: {} statement(s)\n", db.statements_executed() - before);

  std::vector<Code> batch{make("EMS", "Medical"), make("TRAF", "Traffic"), make("HAZ", "Hazmat")};
  before = db.statements_executed();
  db.save_all(batch);  // BEGIN IMMEDIATE, the ids, INSERTs of 2 rows and 1, COMMIT
  fmt::print("save_all of 3: {} statement(s)\n", db.statements_executed() - before);

  before = db.statements_executed();
  {
    auto tx = db.transaction();     // BEGIN
    auto inner = db.transaction();  // SAVEPOINT
    (void)db.find<Code>(fire.id);   // SELECT
    inner.commit();                 // RELEASE SAVEPOINT
    tx.commit();                    // COMMIT
  }
  fmt::print("a find in a savepoint in a transaction: {} statement(s)\n",
             db.statements_executed() - before);

  {
    auto tx = db.transaction();
    fire.meaning = "Fire and rescue";
    db.save(fire);
    {
      auto inner = db.transaction();  // SAVEPOINT
      Code police = make("POL", "Police");
      db.save(police);
      inner.commit();  // RELEASE: now part of the outer transaction
    }
    {
      auto inner = db.transaction();
      Code test = make("TEST", "Test call");
      db.save(test);
      inner.rollback();  // ROLLBACK TO the savepoint: only TEST is undone
      fmt::print("inner active after rollback: {}\n", inner.active());
    }
    try {
      auto inner = db.transaction();
      tx.commit();  // an inner transaction is still open
    } catch (const stitch::usage_error& e) {
      fmt::print("{}\n", e.what());
    }
    tx.commit();
  }
  fmt::print("codes: {}, FIRE means {}\n", db.all<Code>().count(), db.find<Code>(fire.id).meaning);

  // A rollback undoes rows; the database remembers which objects' inserts it undid, and
  // saves such an object again as a new row, with a new id.
  Code lost = make("LOST", "Rolled back");
  {
    auto tx = db.transaction();
    db.save(lost);
  }  // destroyed without commit: ROLLBACK
  fmt::print("after rollback: rows with id {}: {}\n", lost.id,
             db.all<Code>().where(stitch::col<&Code::id> == lost.id).count());
  db.save(lost);  // an INSERT again
  fmt::print("saved again: {} is in the table: {}\n", lost.code,
             db.all<Code>().where(stitch::col<&Code::code> == "LOST").count());

  // The id of an undone insert is free again, and the next row may take it. reload and
  // destroy of the object leave that row alone.
  Code draft = make("DRAFT", "Never committed");
  {
    auto tx = db.transaction();
    db.save(draft);
  }
  Code next = make("NEXT", "Committed");
  db.save(next);  // takes the id draft had
  fmt::print("draft id {}, next id {}, draft persisted() still {}\n", draft.id, next.id,
             draft.persisted());
  try {
    db.reload(draft);
  } catch (const stitch::record_not_found& e) {
    fmt::print("{}\n", e.what());
  }
  const bool destroyed = db.destroy(draft);
  fmt::print("destroy(draft): {}, NEXT still there: {}\n", destroyed,
             db.find_optional<Code>(next.id).has_value());

  // After some errors SQLite rolls the whole transaction back by itself (here a trigger's
  // RAISE(ROLLBACK)). Every later statement of the transaction, and commit(), then throws
  // stitch::transaction_aborted, rather than run outside any transaction.
  db.execute(R"(CREATE TRIGGER "no_drills" BEFORE INSERT ON "codes" WHEN NEW."code" = 'DRILL'
                BEGIN SELECT RAISE(ROLLBACK, 'drills are not logged'); END)");
  Code medic = make("MED", "Medic");
  Code drill = make("DRILL", "Drill");
  {
    auto tx = db.transaction(stitch::intent::write);
    db.save(medic);
    try {
      db.save(drill);
    } catch (const stitch::constraint_violation& e) {
      fmt::print("{}\n", e.what());
    }
    try {
      tx.commit();
    } catch (const stitch::transaction_aborted& e) {
      fmt::print("{}\n", e.what());
    }
  }
  // With the transaction object ended, statements run again; medic's insert was undone with
  // the transaction, so it is inserted again.
  db.save(medic);
  fmt::print("MED rows: {}\n", db.all<Code>().where(stitch::col<&Code::code> == "MED").count());

  // A write transaction takes SQLite's write lock at BEGIN (BEGIN IMMEDIATE): a second writer
  // waits at its own BEGIN, up to its busy timeout, instead of failing halfway through.
  auto dispatch = stitch::sqlite::open("dispatch.sqlite3");
  dispatch.create_schema<Code>();
  auto impatient =
      stitch::sqlite::open("dispatch.sqlite3", {.busy_timeout = std::chrono::milliseconds(0)});
  {
    auto tx = dispatch.transaction(stitch::intent::write);  // BEGIN IMMEDIATE
    try {
      auto blocked = impatient.transaction(stitch::intent::write);
    } catch (const stitch::database_busy& e) {
      fmt::print("{}\n", e.what());
    }
    Code hazmat = make("HAZ", "Hazmat");
    dispatch.save(hazmat);
    tx.commit();
  }
  Code late = make("LATE", "Late call");
  impatient.save(late);  // the refused BEGIN left no transaction open
  fmt::print("codes in dispatch.sqlite3: {}\n", dispatch.all<Code>().count());
}
