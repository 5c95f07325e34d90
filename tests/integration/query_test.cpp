#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;

namespace {

using strings = std::vector<std::string>;
using ids_t = std::vector<std::int64_t>;

// Six calls; ids[i] is the id of the i-th.
struct seeded_calls {
  ids_t ids;
};

seeded_calls seed_calls(stitch::database& db) {
  db.create_schema<Call>();
  struct row {
    const char* township;
    std::int32_t priority;
    std::optional<std::string> note;
    double latitude;
  };
  const std::vector<row> rows{
      {"NORRISTOWN", 1, std::nullopt, 40.12},     // 0
      {"NEW HANOVER", 2, "back pain", 40.29},     // 1
      {"HATFIELD", 1, "diabetic", 40.25},         // 2
      {"NORRISTOWN", 3, std::nullopt, 40.11},     // 3
      {"what?", 2, "it's", 0.0},                  // 4
      {"LOWER POTTSGROVE", 3, "accident", 40.22}  // 5
  };
  seeded_calls out;
  for (const auto& r : rows) {
    Call c;
    c.township = r.township;
    c.priority = r.priority;
    c.note = r.note;
    c.latitude = r.latitude;
    db.save(c);
    out.ids.push_back(c.id);
  }
  return out;
}

ids_t ids_of(const stitch::query<Call>& q) {
  auto ordered = q;
  ordered.order_by(col<&Call::id>);
  return ordered.pluck(col<&Call::id>);
}

ids_t pick(const seeded_calls& s, std::initializer_list<std::size_t> positions) {
  ids_t out;
  for (auto p : positions) out.push_back(s.ids[p]);
  return out;
}

}  // namespace

TEST_CASE("comparison operators select the matching rows", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  auto calls = [&] { return db->all<Call>(); };

  CHECK(ids_of(calls().where(col<&Call::township> == "NORRISTOWN")) == pick(s, {0, 3}));
  CHECK(ids_of(calls().where(col<&Call::township> == std::string("HATFIELD"))) == pick(s, {2}));
  CHECK(ids_of(calls().where(col<&Call::township> != "NORRISTOWN")) == pick(s, {1, 2, 4, 5}));
  CHECK(ids_of(calls().where(col<&Call::priority> < 2)) == pick(s, {0, 2}));
  CHECK(ids_of(calls().where(col<&Call::priority> <= 2)) == pick(s, {0, 1, 2, 4}));
  CHECK(ids_of(calls().where(col<&Call::priority> > 2)) == pick(s, {3, 5}));
  CHECK(ids_of(calls().where(col<&Call::priority> >= 2)) == pick(s, {1, 3, 4, 5}));
  CHECK(ids_of(calls().where(col<&Call::latitude> > 40.2)) == pick(s, {1, 2, 5}));
  CHECK(ids_of(calls().where(col<&Call::latitude> == 0.0)) == pick(s, {4}));
  CHECK(ids_of(calls().where(col<&Call::id> == s.ids[3])) == pick(s, {3}));
  CHECK(ids_of(calls().where(col<&Call::id> >= s.ids[4])) == pick(s, {4, 5}));
  CHECK(ids_of(calls().where(col<&Call::note> == "diabetic")) == pick(s, {2}));
}

TEST_CASE("in matches any value of a list, and an empty list matches nothing", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  auto calls = [&] { return db->all<Call>(); };

  CHECK(ids_of(calls().where(col<&Call::priority>.in(std::vector<std::int32_t>{1, 3}))) ==
        pick(s, {0, 2, 3, 5}));
  CHECK(ids_of(calls().where(col<&Call::priority>.in({2}))) == pick(s, {1, 4}));
  CHECK(ids_of(calls().where(col<&Call::township>.in({"HATFIELD", "what?", "nowhere"}))) ==
        pick(s, {2, 4}));
  CHECK(ids_of(calls().where(col<&Call::township>.in(strings{"NEW HANOVER"}))) == pick(s, {1}));
  CHECK(ids_of(calls().where(col<&Call::id>.in(pick(s, {5, 0})))) == pick(s, {0, 5}));

  const std::vector<std::int32_t> none;
  CHECK(calls().where(col<&Call::priority>.in(none)).count() == 0);
  CHECK(calls().where(col<&Call::township>.in(strings{})).to_vector().empty());
  CHECK(ids_of(calls().where(col<&Call::priority>.in(none) || col<&Call::priority> == 3)) ==
        pick(s, {3, 5}));
  CHECK(calls().where(!col<&Call::priority>.in(none)).count() == 6);
}

TEST_CASE("is_null, is_not_null and comparisons with an empty optional test for NULL", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  auto calls = [&] { return db->all<Call>(); };

  CHECK(ids_of(calls().where(col<&Call::note>.is_null())) == pick(s, {0, 3}));
  CHECK(ids_of(calls().where(col<&Call::note>.is_not_null())) == pick(s, {1, 2, 4, 5}));
  CHECK(ids_of(calls().where(col<&Call::note> == std::optional<std::string>{})) == pick(s, {0, 3}));
  CHECK(ids_of(calls().where(col<&Call::note> != std::optional<std::string>{})) ==
        pick(s, {1, 2, 4, 5}));
  CHECK(ids_of(calls().where(col<&Call::note> == std::nullopt)) == pick(s, {0, 3}));
  CHECK(ids_of(calls().where(col<&Call::note> == std::optional<std::string>("accident"))) ==
        pick(s, {5}));
  // Ordering against NULL has no meaning: refused rather than silently matching nothing.
  CHECK_THROWS_AS(calls().where(col<&Call::note> < std::optional<std::string>{}),
                  stitch::usage_error);
}

TEST_CASE("like matches patterns on text columns", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  auto calls = [&] { return db->all<Call>(); };

  CHECK(ids_of(calls().where(col<&Call::township>.like("N%"))) == pick(s, {0, 1, 3}));
  CHECK(ids_of(calls().where(col<&Call::township>.like("%TOWN"))) == pick(s, {0, 3}));
  CHECK(ids_of(calls().where(col<&Call::township>.like("what_"))) == pick(s, {4}));
  CHECK(ids_of(calls().where(col<&Call::note>.like("%i%"))) == pick(s, {1, 2, 4, 5}));
  CHECK(calls().where(col<&Call::township>.like("Z%")).count() == 0);
}

TEST_CASE("conditions combine with and, or and not, grouped as written", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  auto calls = [&] { return db->all<Call>(); };
  const auto norristown = col<&Call::township> == "NORRISTOWN";
  const auto urgent = col<&Call::priority> == 1;
  const auto no_note = col<&Call::note>.is_null();

  CHECK(ids_of(calls().where(norristown && urgent)) == pick(s, {0}));
  CHECK(ids_of(calls().where(urgent || no_note)) == pick(s, {0, 2, 3}));
  CHECK(ids_of(calls().where(!urgent)) == pick(s, {1, 3, 4, 5}));
  CHECK(ids_of(calls().where(!(norristown || urgent))) == pick(s, {1, 4, 5}));
  // && binds tighter than || in C++, and the SQL keeps that grouping.
  CHECK(ids_of(calls().where(col<&Call::township> == "what?" || urgent && no_note)) ==
        pick(s, {0, 4}));
  CHECK(ids_of(calls().where((col<&Call::township> == "what?" || urgent) && no_note)) ==
        pick(s, {0}));
  // Successive where() calls are ANDed, each kept whole.
  CHECK(ids_of(calls()
                   .where(col<&Call::priority> == 1 || col<&Call::priority> == 3)
                   .where(norristown)) == pick(s, {0, 3}));
  CHECK(ids_of(calls().where(urgent).where(norristown || no_note)) == pick(s, {0}));
}

TEST_CASE("a raw SQL fragment binds its ? placeholders, ignoring ? inside quotes", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  auto calls = [&] { return db->all<Call>(); };

  CHECK(ids_of(calls().where("\"priority\" = ?", 2)) == pick(s, {1, 4}));
  CHECK(ids_of(calls().where("\"priority\" >= ? AND \"latitude\" > ?", 2, 40.0)) ==
        pick(s, {1, 3, 5}));
  CHECK(ids_of(calls().where("\"township\" = ? OR \"township\" = 'what?'",
                             std::string("HATFIELD"))) == pick(s, {2, 4}));
  CHECK(ids_of(calls().where("\"note\" = 'it''s' AND \"priority\" = ?", 2)) == pick(s, {4}));
  CHECK(ids_of(calls().where("\"township\" = 'what?'")) == pick(s, {4}));
  CHECK(ids_of(calls().where(stitch::sql("length(\"township\") > ?", 8) &&
                             col<&Call::priority> == 1)) == pick(s, {0}));
  // A raw fragment and a typed condition AND together.
  CHECK(ids_of(calls().where("\"priority\" = ?", 3).where(col<&Call::note>.is_not_null())) ==
        pick(s, {5}));
}

TEST_CASE("a raw fragment binds string literals, const char*, std::string_view and optionals",
          "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  auto calls = [&] { return db->all<Call>(); };
  const char* town = "HATFIELD";
  const std::string_view view = "NEW HANOVER";
  CHECK(ids_of(calls().where("\"township\" = ?", "NORRISTOWN")) == pick(s, {0, 3}));
  CHECK(ids_of(calls().where("\"township\" = ?", town)) == pick(s, {2}));
  CHECK(ids_of(calls().where("\"township\" = ?", view)) == pick(s, {1}));
  CHECK(ids_of(calls().where("\"note\" = ?", std::optional<std::string>("diabetic"))) ==
        pick(s, {2}));
  CHECK(ids_of(calls().where("\"priority\" = ? AND \"township\" = ?", std::int64_t{3},
                             "NORRISTOWN")) == pick(s, {3}));
}

TEST_CASE("a number compared with a column of another numeric type keeps its value", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  auto calls = [&] { return db->all<Call>(); };
  CHECK(ids_of(calls().where(col<&Call::priority> < 1.5)) == pick(s, {0, 2}));
  CHECK(ids_of(calls().where(col<&Call::priority> > 2.5)) == pick(s, {3, 5}));
  CHECK(ids_of(calls().where(col<&Call::latitude> > 40)) == pick(s, {0, 1, 2, 3, 5}));
  CHECK(calls().where(col<&Call::priority> == 1.5).count() == 0);
}

TEST_CASE("a raw fragment whose placeholders and values differ in number is a usage_error",
          "[query][errors]") {
  stitch::test::test_database db;
  seed_calls(*db);
  auto calls = db->all<Call>();

  try {
    calls.where("\"priority\" = ? OR \"priority\" = ?", 1);
    FAIL("too few values were accepted");
  } catch (const stitch::usage_error& e) {
    CHECK(std::string(e.what()).rfind("[stitch.usage_error]", 0) == 0);
  }
  CHECK_THROWS_AS(calls.where("\"priority\" = ?", 1, 2), stitch::usage_error);
  CHECK_THROWS_AS(calls.where("\"township\" = 'what?'", std::string("x")), stitch::usage_error);
  CHECK_THROWS_AS(calls.where("\"priority\" = ?"), stitch::usage_error);
  CHECK_THROWS_AS(stitch::sql("? = ?", 1), stitch::usage_error);
  // The failed calls added nothing to the query.
  CHECK(calls.count() == 6);
}

TEST_CASE("order_by sorts by several keys, ascending or descending", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);

  CHECK(db->all<Call>()
            .order_by(col<&Call::priority>.desc())
            .order_by(col<&Call::township>)
            .pluck(col<&Call::township>) == strings{"LOWER POTTSGROVE", "NORRISTOWN", "NEW HANOVER",
                                                    "what?", "HATFIELD", "NORRISTOWN"});
  CHECK(db->all<Call>()
            .order_by(col<&Call::township>.asc())
            .order_by(col<&Call::priority>.desc())
            .pluck(col<&Call::id>) == pick(s, {2, 5, 1, 3, 0, 4}));
  CHECK(db->all<Call>().order_by(col<&Call::id>.desc()).pluck(col<&Call::id>) ==
        pick(s, {5, 4, 3, 2, 1, 0}));
  CHECK(db->all<Call>().order_by(col<&Call::latitude>).pluck(col<&Call::id>) ==
        pick(s, {4, 3, 0, 5, 2, 1}));
}

TEST_CASE("limit and offset page through the ordered rows", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  auto by_id = [&] { return db->all<Call>().order_by(col<&Call::id>); };

  CHECK(by_id().limit(2).pluck(col<&Call::id>) == pick(s, {0, 1}));
  CHECK(by_id().offset(4).pluck(col<&Call::id>) == pick(s, {4, 5}));
  CHECK(by_id().offset(1).limit(2).pluck(col<&Call::id>) == pick(s, {1, 2}));
  CHECK(by_id().limit(2).offset(1).to_vector().size() == 2);
  CHECK(by_id().limit(0).to_vector().empty());
  CHECK(by_id().offset(6).to_vector().empty());
  CHECK(by_id().limit(100).to_vector().size() == 6);
  CHECK(by_id().where(col<&Call::priority> == 1).offset(1).pluck(col<&Call::id>) == pick(s, {2}));
}

TEST_CASE("count and exists answer for the matching rows", "[query]") {
  stitch::test::test_database db;
  db->create_schema<Call>();
  CHECK(db->all<Call>().count() == 0);
  CHECK_FALSE(db->all<Call>().exists());
  seed_calls(*db);
  CHECK(db->all<Call>().count() == 6);
  CHECK(db->all<Call>().exists());
  CHECK(db->all<Call>().where(col<&Call::priority> == 2).count() == 2);
  CHECK(db->all<Call>().where(col<&Call::priority> == 2).exists());
  CHECK_FALSE(db->all<Call>().where(col<&Call::priority> == 7).exists());
}

TEST_CASE("count and exists respect limit and offset like the rows they count", "[query]") {
  stitch::test::test_database db;
  seed_calls(*db);
  const auto limited = db->all<Call>().order_by(col<&Call::id>).limit(2);
  CHECK(limited.count() == static_cast<std::int64_t>(limited.to_vector().size()));
  const auto past_the_end = db->all<Call>().order_by(col<&Call::id>).offset(10);
  CHECK(past_the_end.to_vector().empty());
  CHECK(past_the_end.count() == 0);
  CHECK_FALSE(past_the_end.exists());
}

TEST_CASE("first returns the row with the lowest id unless ordered, or nothing", "[query]") {
  stitch::test::test_database db;
  db->create_schema<Call, DataSource>();
  CHECK_FALSE(db->all<Call>().first());
  CHECK(db->all<DataSource>().first() == nullptr);

  // Ids given out of insertion order: first() must order by id, not by insertion.
  Call high;
  high.township = "high";
  high.id = 5000;
  db->save(high);
  Call low;
  low.township = "low";
  low.id = 4000;
  db->save(low);
  Call middle;
  middle.township = "middle";
  middle.id = 4500;
  db->save(middle);

  const std::optional<Call> first = db->all<Call>().first();
  REQUIRE(first);
  CHECK(first->id == 4000);
  CHECK(first->township == "low");
  CHECK(first->persisted());
  CHECK(db->all<Call>().order_by(col<&Call::township>.desc()).first()->township == "middle");
  CHECK(db->all<Call>().where(col<&Call::township> != "low").first()->id == 4500);
  CHECK_FALSE(db->all<Call>().where(col<&Call::township> == "none").first());

  CsvFile csv;
  csv.name = "csv";
  csv.path = "p";
  db->save(csv);
  const auto source = db->all<DataSource>().first();
  REQUIRE(source);
  CHECK(typeid(*source) == typeid(CsvFile));
}

TEST_CASE("pluck reads one column: text, id, or an optional column", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  auto by_id = [&] { return db->all<Call>().order_by(col<&Call::id>); };

  CHECK(by_id().pluck(col<&Call::township>) == strings{"NORRISTOWN", "NEW HANOVER", "HATFIELD",
                                                       "NORRISTOWN", "what?", "LOWER POTTSGROVE"});
  CHECK(by_id().pluck(col<&Call::id>) == s.ids);
  CHECK(by_id().pluck(col<&Call::priority>) == std::vector<std::int32_t>{1, 2, 1, 3, 2, 3});
  CHECK(by_id().pluck(col<&Call::note>) ==
        std::vector<std::optional<std::string>>{std::nullopt, "back pain", "diabetic", std::nullopt,
                                                "it's", "accident"});
  CHECK(by_id().where(col<&Call::priority> == 7).pluck(col<&Call::id>).empty());
}

TEST_CASE("iterating a query streams 10,000 rows in order", "[query]") {
  stitch::test::test_database db;
  db->create_schema<Call>();
  constexpr int n = 10'000;
  {
    std::vector<Call> calls(n);
    for (int i = 0; i < n; ++i) {
      calls[i].township = "t" + std::to_string(i);
      calls[i].priority = i % 5;
      calls[i].latitude = i;
    }
    db->save_all(calls);
  }
  std::int64_t rows = 0;
  std::int64_t priorities = 0;
  double latitudes = 0;
  std::int64_t last_id = 0;
  bool ascending = true;
  bool names_match = true;
  for (const Call& call : db->all<Call>().order_by(col<&Call::id>)) {
    if (call.id <= last_id) ascending = false;
    last_id = call.id;
    if (call.township != "t" + std::to_string(static_cast<int>(call.latitude))) names_match = false;
    priorities += call.priority;
    latitudes += call.latitude;
    ++rows;
  }
  CHECK(rows == n);
  CHECK(priorities == 2 * n);  // 0+1+2+3+4 per five rows
  CHECK(latitudes == static_cast<double>(n) * (n - 1) / 2);
  CHECK(ascending);
  CHECK(names_match);

  // Stopping early and iterating again starts over.
  auto query = db->all<Call>().where(col<&Call::priority> == 4).order_by(col<&Call::id>);
  int seen = 0;
  for (const Call& call : query) {
    CHECK(call.priority == 4);
    if (++seen == 3) break;
  }
  int again = 0;
  for (const Call& call : query) {
    (void)call;
    ++again;
  }
  CHECK(again == n / 5);
}

TEST_CASE("rows moved out of a running iteration stay intact", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  std::vector<Call> kept;
  for (Call& call : db->all<Call>().order_by(col<&Call::id>)) kept.push_back(std::move(call));
  REQUIRE(kept.size() == 6);
  CHECK(kept[4].township == "what?");
  CHECK(kept[4].note == std::optional<std::string>("it's"));
  CHECK(kept[0].note == std::nullopt);
  CHECK(kept[5].id == s.ids[5]);

  db->create_schema<DataSource>();
  for (int i = 0; i < 3; ++i) {
    CsvFile csv;
    csv.name = "csv" + std::to_string(i);
    csv.path = "p" + std::to_string(i);
    db->save(csv);
  }
  std::vector<std::unique_ptr<DataSource>> sources;
  for (auto& source : db->all<DataSource>().order_by(col<&DataSource::id>))
    sources.push_back(std::move(source));
  REQUIRE(sources.size() == 3);
  CHECK(sources[0]->describe() == "a CSV file at p0");
  CHECK(sources[2]->describe() == "a CSV file at p2");
}

TEST_CASE("a query run inside a loop over the same query gets its own statement", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  int outer = 0;
  bool inner_complete = true;
  for (const Call& call : db->all<Call>().order_by(col<&Call::id>)) {
    CHECK(call.id == s.ids[static_cast<std::size_t>(outer)]);
    ++outer;
    if (db->all<Call>().order_by(col<&Call::id>).to_vector().size() != 6) inner_complete = false;
    int inner = 0;
    for (const Call& other : db->all<Call>().order_by(col<&Call::id>)) {
      (void)other;
      ++inner;
    }
    if (inner != 6) inner_complete = false;
    CHECK(db->find<Call>(call.id).township == call.township);
    CHECK(db->all<Call>().order_by(col<&Call::id>).first()->id == s.ids[0]);
  }
  CHECK(outer == 6);
  CHECK(inner_complete);

  db->create_schema<DataSource>();
  for (int i = 0; i < 3; ++i) {
    Socrata soc;
    soc.name = "s" + std::to_string(i);
    soc.domain = "d";
    soc.dataset_id = std::to_string(i);
    db->save(soc);
  }
  int sources = 0;
  for (auto& source : db->all<DataSource>()) {
    ++sources;
    const auto again = db->find<DataSource>(source->id);
    CHECK(again->name == source->name);
    CHECK(db->all<DataSource>().count() == 3);
  }
  CHECK(sources == 3);
}

TEST_CASE("a running query survives hundreds of other statements being prepared", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  int outer = 0;
  bool all_right = true;
  for (const Call& call : db->all<Call>().order_by(col<&Call::id>)) {
    if (call.id != s.ids[static_cast<std::size_t>(outer)]) all_right = false;
    if (outer++ != 1) continue;
    // 700 statements of different shapes, more than the connection caches.
    for (std::size_t n = 2; n <= 701; ++n) {
      std::vector<std::int64_t> ids(n, s.ids[0]);
      ids.back() = s.ids[5];
      if (db->all<Call>().where(col<&Call::id>.in(ids)).count() != 2) all_right = false;
    }
  }
  CHECK(outer == 6);
  CHECK(all_right);
}

TEST_CASE("to_sql shows the statement with quoted names and no values", "[query]") {
  stitch::test::test_database db;
  db->create_schema<Call>();
  const auto q = db->all<Call>()
                     .where(col<&Call::township> == "SECRET-TOWN")
                     .order_by(col<&Call::priority>.desc())
                     .limit(3);
  const auto sql = q.to_sql();
  CHECK(sql == q.to_sql(db->sql_dialect()));
  CHECK(sql.rfind("SELECT ", 0) == 0);
  CHECK(sql.find("FROM \"calls\"") != std::string::npos);
  CHECK(sql.find("\"township\"") != std::string::npos);
  CHECK(sql.find("ORDER BY \"priority\" DESC") != std::string::npos);
  CHECK(sql.find("LIMIT") != std::string::npos);
  CHECK(sql.find("SECRET-TOWN") == std::string::npos);
  CHECK(sql.find("3") == std::string::npos);
  // A subclass query filters on the type column.
  const auto csv_sql = db->all<CsvFile>().to_sql();
  CHECK(csv_sql.find("\"type\" IN") != std::string::npos);
  CHECK(csv_sql.find("CsvFile") == std::string::npos);
}

TEST_CASE("a copied query extended with conditions leaves the original unchanged", "[query]") {
  stitch::test::test_database db;
  const auto s = seed_calls(*db);
  auto urgent = db->all<Call>().where(col<&Call::priority> == 1);
  const auto original_sql = urgent.to_sql();

  auto narrowed = urgent;
  narrowed.where(col<&Call::township> == "HATFIELD").order_by(col<&Call::id>.desc()).limit(1);
  CHECK(urgent.to_sql() == original_sql);
  CHECK(narrowed.to_sql() != original_sql);
  CHECK(urgent.count() == 2);
  CHECK(ids_of(urgent) == pick(s, {0, 2}));
  CHECK(narrowed.pluck(col<&Call::id>) == pick(s, {2}));

  auto chained = db->all<Call>().where(col<&Call::priority> == 1);
  auto from_temporary = db->all<Call>().where(col<&Call::priority> == 1).limit(1);
  CHECK(chained.count() == 2);
  CHECK(from_temporary.to_vector().size() == 1);
}

TEST_CASE("queries filter and order on the columns of subclasses and ancestors", "[query][sti]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CsvFile a;
  a.name = "a";
  a.path = "z.csv";
  a.row_count = 10;
  db->save(a);
  CompressedCsvFile b;
  b.name = "b";
  b.path = "y.csv.gz";
  b.row_count = 20;
  db->save(b);
  Socrata c;
  c.name = "c";
  c.domain = "a.gov";
  c.dataset_id = "c";
  db->save(c);

  // A root query on a subclass column: rows of other classes hold NULL there.
  CHECK(db->all<DataSource>().where(col<&CsvFile::row_count> >= 10).count() == 2);
  CHECK(db->all<DataSource>().where(col<&Socrata::domain> == "a.gov").first()->id == c.id);
  // A subclass query on a root column: only its own classes, even under OR.
  CHECK(db->all<CsvFile>()
            .where(col<&DataSource::name> == "c" || col<&DataSource::name> == "a")
            .pluck(col<&CsvFile::id>) == ids_t{a.id});
  CHECK(db->all<CsvFile>().order_by(col<&CsvFile::path>).pluck(col<&CsvFile::path>) ==
        strings{"y.csv.gz", "z.csv"});
  CHECK(db->all<CsvFile>().where(col<&CompressedCsvFile::compression> == "gzip").count() == 1);
  CHECK(db->all<CompressedCsvFile>()
            .where(col<&DataSource::created_at> > models::timestamp{})
            .count() == 1);
  CHECK(db->all<Socrata>().where("\"name\" = ? OR 1 = 1", std::string("a")).count() == 1);
}
