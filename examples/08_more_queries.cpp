// More queries: ||, ranges, NULL tests, std::optional values, numbers of another type,
// stitch::sql, count and exists over a page, query_value, and SQL rendered without a database.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct StationColumns {
  std::string name;
  std::string township;
  std::int32_t engines = 1;
  std::optional<std::int32_t> ladders;
};
struct Station : stitch::model<Station, StationColumns> {};

int main() {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<Station>();
  std::vector<Station> stations(4);
  stations[0].name = "Station 1";
  stations[0].township = "NORRISTOWN";
  stations[0].engines = 3;
  stations[0].ladders = 1;
  stations[1].name = "Station 2";
  stations[1].township = "NORRISTOWN";
  stations[2].name = "Station 3";
  stations[2].township = "ABINGTON";
  stations[2].engines = 2;
  stations[2].ladders = 2;
  stations[3].name = "Station 4";
  stations[3].township = "HATFIELD";
  db.save_all(stations);

  using stitch::col;
  auto names = [](stitch::query<Station> q) {
    return q.order_by(col<&Station::name>).pluck(col<&Station::name>);
  };

  fmt::print("abington or hatfield: {}\n",
             names(db.all<Station>().where(col<&Station::township> == "ABINGTON" ||
                                           col<&Station::township> == "HATFIELD")));
  fmt::print("2 to 3 engines: {}\n", names(db.all<Station>().where(col<&Station::engines> >= 2 &&
                                                                   col<&Station::engines> <= 3)));
  fmt::print("with ladders: {}\n",
             names(db.all<Station>().where(col<&Station::ladders>.is_not_null())));

  // A number is bound as given: 2.5 stays 2.5 against an integer column.
  fmt::print("fewer than 2.5 engines: {}\n",
             names(db.where<Station>(col<&Station::engines> < 2.5)));

  // An empty std::optional compares as IS NULL (==) or IS NOT NULL (!=).
  std::optional<std::int32_t> wanted;
  fmt::print("ladders == nullopt: {}\n",
             names(db.where<Station>(col<&Station::ladders> == wanted)));
  wanted = 2;
  fmt::print("ladders == 2: {}\n", names(db.where<Station>(col<&Station::ladders> == wanted)));

  const std::vector<std::string> townships{"NORRISTOWN", "HATFIELD"};
  fmt::print("in a list: {}\n",
             names(db.all<Station>().where(col<&Station::township>.in(townships))));
  fmt::print(
      "in an empty list: {}\n",
      names(db.all<Station>().where(col<&Station::township>.in(std::vector<std::string>{}))));

  // SQL fragments: values after the fragment are bound to its ? placeholders.
  fmt::print(
      "fragment: {}\n",
      names(db.all<Station>().where(stitch::sql(R"("engines" + coalesce("ladders", 0) > ?)", 3))));

  // count() and exists() answer for the rows the query returns, limit and offset included.
  fmt::print("count with limit 2: {}, count with offset 3: {}, exists with offset 4: {}\n",
             db.all<Station>().limit(2).count(), db.all<Station>().offset(3).count(),
             db.all<Station>().offset(4).exists());

  fmt::print("any in ABINGTON: {}, any in LANSDALE: {}\n",
             db.all<Station>().where(col<&Station::township> == "ABINGTON").exists(),
             db.all<Station>().where(col<&Station::township> == "LANSDALE").exists());

  auto biggest = db.all<Station>()
                     .order_by(col<&Station::engines>.desc())
                     .order_by(col<&Station::name>.asc())
                     .first();
  fmt::print("most engines: {}\n", biggest ? biggest->name : "none");

  // Iteration reads one row at a time into one object; move it out to keep it.
  std::vector<Station> kept;
  for (auto& station : db.all<Station>().where(col<&Station::township> == "NORRISTOWN"))
    kept.push_back(std::move(station));
  fmt::print("kept: {} and {}\n", kept[0].name, kept[1].name);

  // query_value: the one value of a one-row SQL query, with ? placeholders bound.
  const auto engines = db.query_value<std::int64_t>(
      R"(SELECT sum("engines") FROM "stations" WHERE "township" = ?)", "NORRISTOWN");
  fmt::print("engines in Norristown: {}\n", engines);
  const auto ladders = db.query_value<std::optional<std::int32_t>>(
      R"(SELECT max("ladders") FROM "stations" WHERE "township" = ?)", "HATFIELD");
  fmt::print("most ladders in Hatfield: {}\n", ladders ? std::to_string(*ladders) : "NULL");
  try {
    (void)db.query_value<std::string>(R"(SELECT "name" FROM "stations" WHERE "engines" > ?)", 1);
  } catch (const stitch::usage_error& e) {
    fmt::print("{}\n", e.what());
  }

  // A query not bound to a database renders SQL for any dialect, without running.
  const auto sql = stitch::query<Station>()
                       .where(col<&Station::engines> > 1 || col<&Station::ladders>.is_null())
                       .where(col<&Station::name>.like("Station %"))
                       .order_by(col<&Station::township>)
                       .offset(20)
                       .to_sql(stitch::sqlite_dialect{});
  fmt::print("{}\n", sql);
}
