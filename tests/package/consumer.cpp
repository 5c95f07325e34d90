// Built against an installed stitch: proves the headers, the adapter library and the
// package configuration are complete.
#include <stitch/postgres.hpp>
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <iostream>
#include <string>

struct NoteColumns {
  std::string body;
};
struct Note : stitch::model<Note, NoteColumns> {};

int main() {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<Note>();
  Note note;
  note.body = "installed";
  db.save(note);
  std::cout << db.find<Note>(note.id).body << ' ' << db.all<Note>().count() << '\n';
  try {  // nothing listens on port 1: the adapter is linked and reports it
    (void)stitch::postgres::connect("postgresql://nobody@127.0.0.1:1/none");
  } catch (const stitch::connection_error&) {
    std::cout << "postgres: connection_error\n";
  }
}
