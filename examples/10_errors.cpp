// Errors: every failure is a stitch::error whose what() starts with a stable id.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>

#include <fstream>
#include <functional>
#include <string>
#include <vector>

struct NoteColumns {
  std::string body;
  std::int32_t priority = 0;
};
struct Note : stitch::model<Note, NoteColumns> {};

// A subclass that declares a column its parent declares already.
struct TicketColumns {
  std::string body;
};
struct UrgentTicketColumns {
  std::string body;
  std::int32_t level = 1;
};
struct Ticket : stitch::model<Ticket, TicketColumns> {};
struct UrgentTicket : stitch::subclass<UrgentTicket, Ticket, UrgentTicketColumns> {};
template <>
struct stitch::hierarchy<Ticket> : stitch::single_table<Ticket, UrgentTicket> {};

void report(const std::function<void()>& f) {
  try {
    f();
    fmt::print("no error\n");
  } catch (const stitch::error& e) {
    fmt::print("{}\n", e.what());
    if (!e.sql().empty()) fmt::print("  sql: {}\n", e.sql());
  }
}

int main() {
  // Opening.
  report([] { (void)stitch::sqlite::open("missing.sqlite3", {.create = false}); });
  std::ofstream("notes.txt") << "not a database\n";
  report([] { (void)stitch::sqlite::open("notes.txt"); });

  auto db = stitch::sqlite::open("notes.sqlite3");

  // The schema: a table that lacks a column the model needs.
  db.execute(
      R"(CREATE TABLE "notes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "body" varchar))");
  report([&] { db.check_schema<Note>(); });
  report([&] { db.create_schema<Note>(); });
  db.execute(R"(ALTER TABLE "notes" ADD COLUMN "priority" integer CHECK ("priority" >= 0))");
  db.check_schema<Note>();
  report([&] { db.create_schema<Ticket>(); });

  // Constraints.
  Note note;
  note.body = "urgent";
  note.priority = -1;
  report([&] { db.save(note); });

  // A value that does not fit its member.
  db.execute(R"(INSERT INTO "notes" ("body", "priority") VALUES (NULL, 1))");
  report([&] { (void)db.all<Note>().to_vector(); });

  // Mistakes in the calling code found at run time.
  report([&] { (void)db.all<Note>().where(R"("priority" BETWEEN ? AND ?)", 1).count(); });
  report([&] { (void)db.all<Note>().where("prio > ?", 1).count(); });
  // Double quotes name a column, never a string: SQLite's fallback is turned off.
  report([&] { (void)db.all<Note>().where(R"("body" = "urgent")").count(); });
  // A fragment is part of one statement: SQL that adds a second statement is refused.
  report([&] { (void)db.all<Note>().where(R"("priority" > 0; DELETE FROM "notes")").count(); });
  // save_all of one new object twice would insert it twice.
  Note fresh;
  fresh.body = "fresh";
  std::vector<Note*> twice{&fresh, &fresh};
  report([&] { db.save_all(twice); });

  // A read-only connection.
  auto reader = stitch::sqlite::open("notes.sqlite3", {.read_only = true});
  fmt::print("reader sees {} note(s)\n",
             reader.all<Note>().where(stitch::col<&Note::body>.is_null()).count());
  note.priority = 1;
  report([&] { reader.save(note); });

  // Another connection holds the write lock for longer than the busy timeout.
  auto other =
      stitch::sqlite::open("notes.sqlite3", {.busy_timeout = std::chrono::milliseconds(0)});
  auto tx = db.transaction();
  db.save(note);
  report([&] { other.save(note); });
}
