// Getting started: one model, its table, and the basic operations on it.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <optional>
#include <string>

// The columns, as a plain aggregate: each member is a column of the same name.
struct AgencyColumns {
  std::string name;
  std::string state;
  std::optional<std::string> website;  // std::optional: the column may be NULL
};
// The model: the columns plus stitch::record (id, persisted()). Its table is "agencies".
struct Agency : stitch::model<Agency, AgencyColumns> {};

int main() {
  auto db = stitch::sqlite::open("agencies.sqlite3");  // created when missing
  db.create_schema<Agency>();                          // CREATE TABLE IF NOT EXISTS "agencies"

  Agency montgomery;
  montgomery.name = "Montgomery County";
  montgomery.state = "PA";
  fmt::print("before save: id {}, new record: {}\n", montgomery.id, montgomery.new_record());
  db.save(montgomery);  // INSERT: sets id and persisted()
  fmt::print("after save: id {}, persisted: {}\n", montgomery.id, montgomery.persisted());

  Agency san_francisco;
  san_francisco.name = "San Francisco";
  san_francisco.state = "CA";
  san_francisco.website = "https://data.sfgov.org";
  db.save(san_francisco);

  montgomery.website = "https://data-montcopa.opendata.arcgis.com";
  db.save(montgomery);  // persisted already: UPDATE

  Agency found = db.find<Agency>(montgomery.id);  // throws stitch::record_not_found when missing
  fmt::print("found {}: {}\n", found.name, found.website.value_or("no website"));
  auto maybe = db.find_optional<Agency>(99);  // std::optional<Agency>
  fmt::print("agency 99 exists: {}\n", maybe.has_value());

  using stitch::col;
  for (const auto& agency : db.all<Agency>().where(col<&Agency::state> == "CA"))
    fmt::print("in California: {}\n", agency.name);
  fmt::print("with a website: {}\n",
             db.all<Agency>().where(col<&Agency::website>.is_not_null()).count());

  {
    auto tx = db.transaction();
    Agency draft;
    draft.name = "Draft";
    draft.state = "NY";
    db.save(draft);
  }  // not committed: rolled back
  {
    auto tx = db.transaction();
    Agency chicago;
    chicago.name = "Chicago";
    chicago.state = "IL";
    db.save(chicago);
    tx.commit();
  }
  fmt::print("agencies: {}\n", db.all<Agency>().count());

  db.destroy(san_francisco);  // DELETE; the object becomes a new record again
  fmt::print("after destroy: {}\n",
             db.all<Agency>().order_by(col<&Agency::name>).pluck(col<&Agency::name>));
}
