// Loading associations: lazily on first touch, eagerly with includes() and db.load(), with an
// exact number of statements per level; inverse references; strict loading; polymorphic and
// has_and_belongs_to_many targets; IN lists longer than the backend's parameter limit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "integration/association_models.hpp"
#include "integration/support.hpp"

using namespace assoc;
using stitch::col;

namespace {

/// Statements run since construction (or the last restart).
class statement_counter {
 public:
  explicit statement_counter(stitch::database& db) : db_(db), start_(db.statements_executed()) {}
  [[nodiscard]] std::uint64_t delta() const { return db_.statements_executed() - start_; }
  void restart() { start_ = db_.statements_executed(); }

 private:
  stitch::database& db_;
  std::uint64_t start_;
};

/// A small classifier: an agency with a CSV file and a Socrata dataset, and a source of the
/// root class. Ids interleave across owners on purpose (unit is created between call_type and
/// township, Lower Merion between FIRE and EMS), so that id order differs from owner order.
struct world {
  Agency county;
  CsvFile calls;     // agency county; fields call_type, township
  Socrata fire;      // agency county; field unit
  DataSource plain;  // no agency, no fields
  Field call_type;   // FIRE, EMS
  Field unit;        // E1
  Field township;    // Lower Merion
  UniqueValue fire_value, e1_value, merion_value, ems_value;
};

Field make_field(stitch::database& db, const DataSource& owner, std::string name) {
  Field f;
  f.data_source_id = owner.id;
  f.name = std::move(name);
  db.save(f);
  return f;
}

UniqueValue make_value(stitch::database& db, const Field& owner, std::string value,
                       std::int64_t count) {
  UniqueValue v;
  v.field_id = owner.id;
  v.value = std::move(value);
  v.count = count;
  db.save(v);
  return v;
}

void seed(stitch::database& db, world& w) {
  create_association_schema(db);
  auto tx = db.transaction(stitch::intent::write);  // one commit: fast on a file too
  w.county.name = "Montgomery County";
  db.save(w.county);
  w.calls.name = "911 calls";
  w.calls.path = "calls.csv";
  w.calls.agency_id = w.county.id;
  db.save(w.calls);
  w.fire.name = "SF fire";
  w.fire.domain = "data.sfgov.org";
  w.fire.agency_id = w.county.id;
  db.save(w.fire);
  w.plain.name = "plain";
  db.save(w.plain);
  w.call_type = make_field(db, w.calls, "call_type");
  w.unit = make_field(db, w.fire, "unit");
  w.township = make_field(db, w.calls, "township");
  w.fire_value = make_value(db, w.call_type, "FIRE", 3);
  w.e1_value = make_value(db, w.unit, "E1", 7);
  w.merion_value = make_value(db, w.township, "Lower Merion", 2);
  w.ems_value = make_value(db, w.call_type, "EMS", 5);
  tx.commit();
}

std::vector<std::int64_t> ids_of(const auto& collection) {
  std::vector<std::int64_t> out;
  for (const auto& x : collection) out.push_back(x.id);
  return out;
}

std::vector<std::string> values_of(const auto& collection) {
  std::vector<std::string> out;
  for (const auto& x : collection) out.push_back(x.value);
  return out;
}

/// Inserts `count` fields of data source `owner` named f1..fN, each with one unique value
/// whose value is 'v' followed by the field's id. Two statements, in SQL every backend runs.
void insert_fields_with_values(stitch::database& db, std::int64_t owner, int count) {
  const auto o = std::to_string(owner);
  db.execute(
      "INSERT INTO a_fields (data_source_id, name) WITH RECURSIVE n(i) AS (SELECT 1 "
      "UNION ALL SELECT i + 1 FROM n WHERE i < " +
      std::to_string(count) + ") SELECT " + o + ", 'f' || i FROM n");
  db.execute(
      "INSERT INTO a_unique_values (field_id, value, count) SELECT id, 'v' || id, id FROM "
      "a_fields WHERE data_source_id = " +
      o);
}

template <class F>
std::optional<stitch::strict_loading_violation> violation_of(F&& touch) {
  try {
    touch();
  } catch (const stitch::strict_loading_violation& e) {
    return e;
  }
  return std::nullopt;
}

const DataSource* find_source(const std::vector<std::unique_ptr<DataSource>>& all,
                              std::int64_t id) {
  for (const auto& ds : all)
    if (ds->id == id) return ds.get();
  return nullptr;
}

}  // namespace

// ---- belongs_to, has_one, has_many ------------------------------------------------------------

TEST_CASE("a belongs_to loads on first touch with one statement, as its target's own subclass",
          "[associations][loading]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  auto fields = db->all<Field>().order_by(col<&Field::id>).to_vector();
  REQUIRE(fields.size() == 3);
  CHECK_FALSE(fields[0].data_source.loaded());

  statement_counter counter(*db);
  const DataSource* source = fields[0].data_source.get();
  CHECK(counter.delta() == 1);
  REQUIRE(source != nullptr);
  CHECK(source->id == w.calls.id);
  const auto* csv = dynamic_cast<const CsvFile*>(source);
  REQUIRE(csv != nullptr);
  CHECK(csv->path == "calls.csv");
  CHECK(source->kind() == "csv:calls.csv");  // virtual dispatch reaches the subclass

  counter.restart();
  CHECK(fields[0].data_source.get() == source);  // loaded once, kept
  CHECK(fields[0].data_source.loaded());
  CHECK(counter.delta() == 0);

  const DataSource* other = fields[1].data_source.get();
  REQUIRE(other != nullptr);
  CHECK(counter.delta() == 1);
  CHECK(other->kind() == "socrata:data.sfgov.org");
  CHECK(dynamic_cast<const Socrata*>(other) != nullptr);
}

TEST_CASE("a belongs_to whose key is NULL is empty and runs no statement",
          "[associations][loading]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  auto plain = db->find<DataSource>(w.plain.id);
  REQUIRE(plain);
  statement_counter counter(*db);
  CHECK(plain->agency.get() == nullptr);
  CHECK(plain->agency.loaded());
  CHECK(counter.delta() == 0);

  auto calls = db->find<DataSource>(w.calls.id);
  counter.restart();
  REQUIRE(calls->agency.get() != nullptr);
  CHECK(calls->agency.get()->name == "Montgomery County");
  CHECK(counter.delta() == 1);
}

TEST_CASE("a has_many loads every child in id order on first touch, with one statement",
          "[associations][loading]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  auto calls = db->find<DataSource>(w.calls.id);
  statement_counter counter(*db);
  REQUIRE(calls->fields.size() == 2);
  CHECK(counter.delta() == 1);
  CHECK(ids_of(calls->fields) == std::vector<std::int64_t>{w.call_type.id, w.township.id});
  CHECK(calls->fields.at(0).name == "call_type");
  CHECK(values_of(calls->fields.at(0).unique_values) == std::vector<std::string>{"FIRE", "EMS"});
  CHECK(counter.delta() == 2);

  // An owner without children is loaded and empty, and stays loaded.
  auto plain = db->find<DataSource>(w.plain.id);
  counter.restart();
  CHECK(plain->fields.empty());
  CHECK(plain->fields.empty());
  CHECK(counter.delta() == 1);
}

TEST_CASE("a has_one loads the first of its rows by id, or nothing", "[associations][loading]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  FieldStats second;
  second.field_id = w.call_type.id;
  second.distinct_count = 2;
  FieldStats first_by_id;
  first_by_id.field_id = w.call_type.id;
  first_by_id.distinct_count = 99;
  first_by_id.id = 5;  // inserted second, with the smaller id
  second.id = 9;
  db->save(second);
  db->save(first_by_id);

  auto fields = db->all<Field>().order_by(col<&Field::id>).to_vector();
  statement_counter counter(*db);
  const FieldStats* stats = fields[0].stats.get();
  CHECK(counter.delta() == 1);
  REQUIRE(stats != nullptr);
  CHECK(stats->id == 5);
  CHECK(stats->distinct_count == 99);
  CHECK(fields[1].stats.get() == nullptr);
  CHECK(counter.delta() == 2);
  CHECK(fields[1].stats.loaded());

  // Eagerly: one statement for every owner, the same choice.
  auto eager = db->all<Field>().order_by(col<&Field::id>).includes(&Field::stats).to_vector();
  counter.restart();
  REQUIRE(eager[0].stats.get() != nullptr);
  CHECK(eager[0].stats.get()->id == 5);
  CHECK(eager[1].stats.get() == nullptr);
  CHECK(eager[2].stats.get() == nullptr);
  CHECK(counter.delta() == 0);
  CHECK(eager[0].stats.get()->field.get() == &eager[0]);  // the inverse
  CHECK(counter.delta() == 0);
}

TEST_CASE("includes loads a has_many, has_one and belongs_to for every owner in one statement each",
          "[associations][includes]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);

  statement_counter counter(*db);
  auto sources = db->all<DataSource>()
                     .order_by(col<&DataSource::id>)
                     .includes(&DataSource::fields)
                     .includes(&DataSource::agency)
                     .includes(&DataSource::schedule)
                     .to_vector();
  CHECK(counter.delta() == 4);
  REQUIRE(sources.size() == 3);
  counter.restart();
  CHECK(ids_of(sources[0]->fields) == std::vector<std::int64_t>{w.call_type.id, w.township.id});
  CHECK(ids_of(sources[1]->fields) == std::vector<std::int64_t>{w.unit.id});
  CHECK(sources[2]->fields.empty());
  REQUIRE(sources[0]->agency.get() != nullptr);
  CHECK(sources[0]->agency.get()->id == w.county.id);
  CHECK(sources[0]->agency.get() == sources[1]->agency.get());  // one object per row
  CHECK(sources[2]->agency.get() == nullptr);
  CHECK(sources[0]->schedule.get() == nullptr);
  CHECK(counter.delta() == 0);

  // Children of a hierarchy load as their own classes.
  auto agencies = db->all<Agency>().includes(&Agency::data_sources).to_vector();
  REQUIRE(agencies.size() == 1);
  REQUIRE(agencies[0].data_sources.size() == 2);
  CHECK(dynamic_cast<CsvFile*>(&agencies[0].data_sources.at(0)) != nullptr);
  CHECK(dynamic_cast<Socrata*>(&agencies[0].data_sources.at(1)) != nullptr);
  CHECK(agencies[0].data_sources.at(1).kind() == "socrata:data.sfgov.org");
}

TEST_CASE("a query on a subclass includes the associations its root declares",
          "[associations][includes]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  statement_counter counter(*db);
  auto files = db->all<CsvFile>().includes(&DataSource::fields, &Field::unique_values).to_vector();
  CHECK(counter.delta() == 3);
  REQUIRE(files.size() == 1);
  counter.restart();
  CHECK(files[0].path == "calls.csv");
  REQUIRE(files[0].fields.size() == 2);
  CHECK(files[0].fields.at(0).data_source.get() == &files[0]);
  CHECK(values_of(files[0].fields.at(1).unique_values) == std::vector<std::string>{"Lower Merion"});
  CHECK(counter.delta() == 0);
}

TEST_CASE("includes on a query without rows runs only the query", "[associations][includes]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  statement_counter counter(*db);
  const auto none = db->all<DataSource>()
                        .where(col<&DataSource::name> == "nothing")
                        .includes(&DataSource::fields, &Field::unique_values)
                        .to_vector();
  CHECK(none.empty());
  CHECK(counter.delta() == 1);
}

TEST_CASE("a custom foreign key is used on both sides of the association",
          "[associations][loading]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  Schedule nightly;
  nightly.owner_ref = w.fire.id;
  nightly.cron = "0 3 * * *";
  db->save(nightly);

  auto fire = db->find<DataSource>(w.fire.id);
  statement_counter counter(*db);
  REQUIRE(fire->schedule.get() != nullptr);
  CHECK(fire->schedule.get()->cron == "0 3 * * *");
  CHECK(counter.delta() == 1);
  auto calls = db->find<DataSource>(w.calls.id);
  counter.restart();
  CHECK(calls->schedule.get() == nullptr);
  CHECK(counter.delta() == 1);

  auto loaded = db->find<Schedule>(nightly.id);
  counter.restart();
  REQUIRE(loaded.owner.get() != nullptr);
  CHECK(loaded.owner.get()->id == w.fire.id);
  CHECK(dynamic_cast<const Socrata*>(loaded.owner.get()) != nullptr);
  CHECK(counter.delta() == 1);

  // Eagerly, with the inverse set.
  auto sources = db->all<DataSource>().includes(&DataSource::schedule).to_vector();
  counter.restart();
  const auto* socrata = find_source(sources, w.fire.id);
  REQUIRE(socrata != nullptr);
  REQUIRE(socrata->schedule.get() != nullptr);
  CHECK(socrata->schedule.get()->owner.get() == socrata);
  CHECK(counter.delta() == 0);
}

TEST_CASE("a belongs_to named apart from its target uses <name>_id", "[associations][loading]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  Note note;
  note.text = "refreshed nightly";
  note.source.set(w.calls);  // a new note: the key is written when it is saved
  db->save(note);
  CHECK(note.source_id == std::optional<std::int64_t>(w.calls.id));
  CHECK(db->query_value<std::int64_t>("SELECT source_id FROM a_notes WHERE id = ?", note.id) ==
        w.calls.id);

  auto loaded = db->find<Note>(note.id);
  statement_counter counter(*db);
  REQUIRE(loaded.source.get() != nullptr);
  CHECK(loaded.source.get()->name == "911 calls");
  CHECK(dynamic_cast<const CsvFile*>(loaded.source.get()) != nullptr);
  CHECK(counter.delta() == 1);

  auto calls = db->find<DataSource>(w.calls.id);
  counter.restart();
  REQUIRE(calls->notes.size() == 1);
  CHECK(calls->notes.at(0).text == "refreshed nightly");
  CHECK(counter.delta() == 1);
  CHECK(calls->notes.at(0).source.get() == calls.get());  // the inverse, through source_id
  CHECK(counter.delta() == 1);

  // On a loaded note, set() writes the key at once and the next touch loads the new target.
  loaded.source.set(w.fire);
  CHECK(loaded.source_id == std::optional<std::int64_t>(w.fire.id));
  REQUIRE(loaded.source.get() != nullptr);
  CHECK(loaded.source.get()->id == w.fire.id);
}

// ---- Statement counts for paths --------------------------------------------------------------

TEST_CASE("three levels for a thousand sources take exactly three statements",
          "[associations][includes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  constexpr int sources_count = 1000;
  std::vector<std::unique_ptr<DataSource>> sources;
  for (int i = 0; i < sources_count; ++i) {
    if (i % 2 == 0) {
      auto csv = std::make_unique<CsvFile>();
      csv->path = "s" + std::to_string(i) + ".csv";
      sources.push_back(std::move(csv));
    } else {
      auto socrata = std::make_unique<Socrata>();
      socrata->domain = "d" + std::to_string(i);
      sources.push_back(std::move(socrata));
    }
    sources.back()->name = "s" + std::to_string(i);
  }
  db->save_all(sources);
  std::vector<Field> fields;
  for (int i = 0; i < sources_count; ++i) {
    for (int j = 0; j < 2; ++j) {
      Field f;
      f.data_source_id = sources[static_cast<std::size_t>(i)]->id;
      f.name = "s" + std::to_string(i) + "-f" + std::to_string(j);
      fields.push_back(std::move(f));
    }
  }
  db->save_all(fields);
  std::vector<UniqueValue> values;
  for (const auto& f : fields) {
    for (int k = 0; k < 3; ++k) {
      UniqueValue v;
      v.field_id = f.id;
      v.value = f.name + "-v" + std::to_string(k);
      v.count = k;
      values.push_back(std::move(v));
    }
  }
  db->save_all(values);

  statement_counter counter(*db);
  auto loaded = db->all<DataSource>()
                    .order_by(col<&DataSource::id>)
                    .includes(&DataSource::fields, &Field::unique_values)
                    .to_vector();
  CHECK(counter.delta() == 3);
  REQUIRE(loaded.size() == static_cast<std::size_t>(sources_count));

  counter.restart();
  std::size_t wrong = 0;
  std::size_t wrong_inverse = 0;
  std::size_t wrong_class = 0;
  for (std::size_t i = 0; i < loaded.size(); ++i) {
    const auto& ds = *loaded[i];
    const auto prefix = "s" + std::to_string(i);
    if (ds.name != prefix || ds.fields.size() != 2) {
      ++wrong;
      continue;
    }
    if ((i % 2 == 0) != (dynamic_cast<const CsvFile*>(&ds) != nullptr)) ++wrong_class;
    for (std::size_t j = 0; j < 2; ++j) {
      const Field& f = ds.fields.at(j);
      if (f.name != prefix + "-f" + std::to_string(j) || f.unique_values.size() != 3) {
        ++wrong;
        continue;
      }
      if (f.data_source.get() != &ds) ++wrong_inverse;
      for (std::size_t k = 0; k < 3; ++k) {
        const UniqueValue& v = f.unique_values.at(k);
        if (v.value != f.name + "-v" + std::to_string(k) || v.count != static_cast<std::int64_t>(k))
          ++wrong;
        if (v.field.get() != &f) ++wrong_inverse;
      }
    }
  }
  CHECK(wrong == 0);
  CHECK(wrong_inverse == 0);
  CHECK(wrong_class == 0);
  CHECK(counter.delta() == 0);  // everything, inverses included, was loaded
}

TEST_CASE("an object loaded by includes outlives its owner and everything else of its load",
          "[associations][includes]") {
  // Enough values that the load makes its first 64 KiB of objects one by one and the rest in
  // blocks of 4 MiB.
  stitch::test::test_database db;
  create_association_schema(*db);
  CsvFile source;
  source.name = "calls";
  db->save(source);
  Field field = make_field(*db, source, "township");
  std::vector<UniqueValue> values;
  for (int k = 0; k < 20'000; ++k) {
    UniqueValue v;
    v.field_id = field.id;
    v.value = "township number " + std::to_string(k) + " of Montgomery County";
    v.count = k;
    values.push_back(std::move(v));
  }
  db->save_all(values);

  std::shared_ptr<UniqueValue> first;
  std::shared_ptr<UniqueValue> middle;
  std::shared_ptr<UniqueValue> last;
  {
    auto loaded =
        db->all<DataSource>().includes(&DataSource::fields, &Field::unique_values).to_vector();
    REQUIRE(loaded.size() == 1);
    const auto& kept = loaded[0]->fields.at(0).unique_values.shared();
    REQUIRE(kept.size() == 20'000);
    first = kept.front();
    middle = kept[12'345];
    last = kept.back();
  }  // the sources, fields and every other value are released here
  CHECK(first->value == "township number 0 of Montgomery County");
  CHECK(middle->value == "township number 12345 of Montgomery County");
  CHECK(middle->count == 12'345);
  CHECK(middle->id == values[12'345].id);
  CHECK(last->value == "township number 19999 of Montgomery County");
  // The owner is gone: the inverse reference was reset, and touching it loads the row again.
  REQUIRE(middle->field.get() != nullptr);
  CHECK(middle->field.get()->name == "township");

  // A kept object is saved like any other.
  middle->count = -1;
  db->save(*middle);
  CHECK(db->find<UniqueValue>(middle->id).count == -1);
}

TEST_CASE("each level of an include path adds one statement", "[associations][includes]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  FieldStats stats;
  stats.field_id = w.unit.id;
  stats.distinct_count = 1;
  db->save(stats);

  statement_counter counter(*db);
  auto agencies = db->all<Agency>()
                      .includes(&Agency::data_sources, &DataSource::fields, &Field::unique_values)
                      .to_vector();
  CHECK(counter.delta() == 4);
  REQUIRE(agencies.size() == 1);
  counter.restart();
  REQUIRE(agencies[0].data_sources.size() == 2);
  CHECK(values_of(agencies[0].data_sources.at(0).fields.at(0).unique_values) ==
        std::vector<std::string>{"FIRE", "EMS"});
  CHECK(values_of(agencies[0].data_sources.at(1).fields.at(0).unique_values) ==
        std::vector<std::string>{"E1"});
  CHECK(counter.delta() == 0);

  // Up a chain of belongs_to.
  counter.restart();
  auto values = db->all<UniqueValue>()
                    .order_by(col<&UniqueValue::id>)
                    .includes(&UniqueValue::field, &Field::data_source, &DataSource::agency)
                    .to_vector();
  CHECK(counter.delta() == 4);
  counter.restart();
  REQUIRE(values.size() == 4);
  CHECK(values[1].field.get()->data_source.get()->kind() == "socrata:data.sfgov.org");
  CHECK(values[3].field.get()->data_source.get()->agency.get()->name == "Montgomery County");
  CHECK(values[0].field.get() == values[3].field.get());  // FIRE and EMS share call_type
  CHECK(counter.delta() == 0);

  // Several paths: one statement per step of each.
  counter.restart();
  auto fields = db->all<Field>()
                    .includes(&Field::unique_values)
                    .includes(&Field::stats)
                    .includes(&Field::data_source, &DataSource::agency)
                    .to_vector();
  CHECK(counter.delta() == 5);
  counter.restart();
  std::size_t with_stats = 0;
  for (const auto& f : fields)
    if (f.stats.get() != nullptr) ++with_stats;
  CHECK(with_stats == 1);
  CHECK(counter.delta() == 0);
}

// ---- through --------------------------------------------------------------------------------

TEST_CASE("a has_many through gathers the targets of every intermediate, in id order",
          "[associations][through]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);

  SECTION("lazily: one statement, joining the intermediate table") {
    auto calls = db->find<DataSource>(w.calls.id);
    statement_counter counter(*db);
    REQUIRE(calls->unique_values.size() == 3);
    CHECK(counter.delta() == 1);
    // By id across fields: FIRE (call_type), Lower Merion (township), EMS (call_type).
    CHECK(values_of(calls->unique_values) ==
          std::vector<std::string>{"FIRE", "Lower Merion", "EMS"});
    CHECK_FALSE(calls->fields.loaded());  // the intermediate objects were not needed
    CHECK(calls->fields.size() == 2);
    CHECK(counter.delta() == 2);
  }
  SECTION("lazily, with the intermediate loaded: one statement") {
    auto calls = db->find<DataSource>(w.calls.id);
    REQUIRE(calls->fields.size() == 2);
    statement_counter counter(*db);
    CHECK(calls->unique_values.size() == 3);
    CHECK(counter.delta() == 1);
  }
  SECTION("eagerly: one statement for every owner") {
    statement_counter counter(*db);
    auto sources = db->all<DataSource>()
                       .order_by(col<&DataSource::id>)
                       .includes(&DataSource::unique_values)
                       .to_vector();
    CHECK(counter.delta() == 2);
    counter.restart();
    REQUIRE(sources.size() == 3);
    CHECK(values_of(sources[0]->unique_values) ==
          std::vector<std::string>{"FIRE", "Lower Merion", "EMS"});
    CHECK(values_of(sources[1]->unique_values) == std::vector<std::string>{"E1"});
    CHECK(sources[2]->unique_values.empty());
    CHECK(counter.delta() == 0);
  }
  SECTION("over a has_many whose targets are a hierarchy") {
    auto county = db->find<Agency>(w.county.id);
    statement_counter counter(*db);
    // By id across data sources: call_type (calls), unit (fire), township (calls).
    CHECK(ids_of(county.fields) ==
          std::vector<std::int64_t>{w.call_type.id, w.unit.id, w.township.id});
    CHECK(counter.delta() == 1);
  }
  SECTION("sharing its intermediate with another include path") {
    statement_counter counter(*db);
    auto sources = db->all<DataSource>()
                       .includes(&DataSource::fields)
                       .includes(&DataSource::unique_values)
                       .to_vector();
    CHECK(counter.delta() == 3);  // the fields are loaded once
  }
}

TEST_CASE("a has_one through a belongs_to reaches a hierarchy's own class",
          "[associations][through]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  FieldStats stats;
  stats.field_id = w.township.id;
  db->save(stats);

  SECTION("lazily") {
    auto value = db->find<UniqueValue>(w.e1_value.id);
    statement_counter counter(*db);
    const DataSource* source = value.data_source.get();
    CHECK(counter.delta() == 2);
    REQUIRE(source != nullptr);
    CHECK(source->id == w.fire.id);
    CHECK(dynamic_cast<const Socrata*>(source) != nullptr);
    CHECK(value.field.loaded());

    auto loaded_stats = db->find<FieldStats>(stats.id);
    counter.restart();
    REQUIRE(loaded_stats.data_source.get() != nullptr);
    CHECK(loaded_stats.data_source.get()->kind() == "csv:calls.csv");
    CHECK(counter.delta() == 2);
  }
  SECTION("eagerly") {
    statement_counter counter(*db);
    auto values = db->all<UniqueValue>()
                      .order_by(col<&UniqueValue::id>)
                      .includes(&UniqueValue::data_source)
                      .to_vector();
    CHECK(counter.delta() == 3);
    counter.restart();
    REQUIRE(values.size() == 4);
    CHECK(values[0].data_source.get()->id == w.calls.id);
    CHECK(values[1].data_source.get()->id == w.fire.id);
    CHECK(values[2].data_source.get()->id == w.calls.id);
    CHECK(values[0].data_source.get() == values[2].data_source.get());
    CHECK(dynamic_cast<const Socrata*>(values[1].data_source.get()) != nullptr);
    CHECK(counter.delta() == 0);
  }
}

// ---- has_and_belongs_to_many -----------------------------------------------------------------

TEST_CASE("has_and_belongs_to_many loads through its join table, linked and unlinked by db",
          "[associations][habtm]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  Tag city;
  city.label = "city";
  Tag county;
  county.label = "county";
  db->save(city);
  db->save(county);

  auto calls = db->find<DataSource>(w.calls.id);
  db->link(*calls, &DataSource::tags, county);
  db->link(*calls, &DataSource::tags, city);
  db->link(w.fire, &DataSource::tags, city);
  // The Rails name: both table names in lexical order, joined by '_'.
  CHECK(db->query_value<std::int64_t>("SELECT count(*) FROM a_data_sources_a_tags") == 3);
  CHECK(db->query_value<std::int64_t>(
            "SELECT count(*) FROM a_data_sources_a_tags WHERE data_source_id = ? AND tag_id = ?",
            w.fire.id, city.id) == 1);

  statement_counter counter(*db);
  REQUIRE(calls->tags.size() == 2);
  CHECK(counter.delta() == 2);  // the join table, then the tags
  CHECK(ids_of(calls->tags) == std::vector<std::int64_t>{city.id, county.id});  // by id

  // From the other side, the targets are a hierarchy.
  auto loaded_city = db->find<Tag>(city.id);
  counter.restart();
  REQUIRE(loaded_city.data_sources.size() == 2);
  CHECK(counter.delta() == 2);
  CHECK(dynamic_cast<CsvFile*>(&loaded_city.data_sources.at(0)) != nullptr);
  CHECK(dynamic_cast<Socrata*>(&loaded_city.data_sources.at(1)) != nullptr);

  // Eagerly: two statements for every owner.
  counter.restart();
  auto sources =
      db->all<DataSource>().order_by(col<&DataSource::id>).includes(&DataSource::tags).to_vector();
  CHECK(counter.delta() == 3);
  counter.restart();
  CHECK(ids_of(sources[0]->tags) == std::vector<std::int64_t>{city.id, county.id});
  CHECK(ids_of(sources[1]->tags) == std::vector<std::int64_t>{city.id});
  CHECK(sources[2]->tags.empty());
  CHECK(counter.delta() == 0);

  // Unlinking removes the pair and makes the owner's association load again.
  db->unlink(*calls, &DataSource::tags, county);
  CHECK_FALSE(calls->tags.loaded());
  CHECK(ids_of(calls->tags) == std::vector<std::int64_t>{city.id});
  CHECK(db->query_value<std::int64_t>("SELECT count(*) FROM a_data_sources_a_tags") == 2);
}

TEST_CASE("has_and_belongs_to_many without any pair runs no query for targets",
          "[associations][habtm]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  statement_counter counter(*db);
  auto sources = db->all<DataSource>().includes(&DataSource::tags).to_vector();
  CHECK(counter.delta() == 2);
  for (const auto& ds : sources) CHECK(ds->tags.empty());
  CHECK(counter.delta() == 2);
}

// ---- Polymorphic belongs_to -----------------------------------------------------------------

TEST_CASE("a polymorphic belongs_to stores the root class's name, as Rails does",
          "[associations][polymorphic]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  // Ids collide across tables (calls and call_type are both id 1): the type tells them apart.
  REQUIRE(w.calls.id == w.call_type.id);
  Comment on_csv;
  on_csv.body = "about the file";
  on_csv.commentable.set(w.calls);
  db->save(on_csv);
  Comment on_field;
  on_field.body = "about the field";
  on_field.commentable.set(w.call_type);
  db->save(on_field);
  Comment on_value;
  on_value.body = "about the value";
  on_value.commentable.set(w.ems_value);
  db->save(on_value);

  CHECK(db->query_value<std::string>("SELECT commentable_type FROM a_comments WHERE id = ?",
                                     on_csv.id) == "DataSource");
  CHECK(db->query_value<std::string>("SELECT commentable_type FROM a_comments WHERE id = ?",
                                     on_field.id) == "Field");
  CHECK(db->query_value<std::string>("SELECT commentable_type FROM a_comments WHERE id = ?",
                                     on_value.id) == "UniqueValue");

  SECTION("lazily, as the right class") {
    auto comment = db->find<Comment>(on_csv.id);
    statement_counter counter(*db);
    auto* target = comment.commentable.get();
    CHECK(counter.delta() == 1);
    REQUIRE(target != nullptr);
    const auto* csv = dynamic_cast<const CsvFile*>(target);
    REQUIRE(csv != nullptr);
    CHECK(csv->id == w.calls.id);
    CHECK(csv->kind() == "csv:calls.csv");
    CHECK(target->type_name() == "CsvFile");

    auto field_comment = db->find<Comment>(on_field.id);
    const auto* field = dynamic_cast<const Field*>(field_comment.commentable.get());
    REQUIRE(field != nullptr);
    CHECK(field->name == "call_type");
  }
  SECTION("eagerly: one statement per target class present") {
    statement_counter counter(*db);
    auto comments =
        db->all<Comment>().order_by(col<&Comment::id>).includes(&Comment::commentable).to_vector();
    CHECK(counter.delta() == 4);
    counter.restart();
    REQUIRE(comments.size() == 3);
    CHECK(dynamic_cast<const CsvFile*>(comments[0].commentable.get()) != nullptr);
    CHECK(dynamic_cast<const Field*>(comments[1].commentable.get()) != nullptr);
    CHECK(dynamic_cast<const UniqueValue*>(comments[2].commentable.get()) != nullptr);
    CHECK(dynamic_cast<const UniqueValue*>(comments[2].commentable.get())->value == "EMS");
    CHECK(counter.delta() == 0);

    counter.restart();
    auto two_classes = db->all<Comment>()
                           .where(col<&Comment::commentable_type> != "UniqueValue")
                           .includes(&Comment::commentable)
                           .to_vector();
    CHECK(two_classes.size() == 2);
    CHECK(counter.delta() == 3);
  }
  SECTION("eagerly, then on to the next level of the classes that have it") {
    statement_counter counter(*db);
    auto comments = db->all<Comment>()
                        .order_by(col<&Comment::id>)
                        .includes(&Comment::commentable, &DataSource::fields)
                        .to_vector();
    CHECK(counter.delta() == 5);
    counter.restart();
    const auto* csv = dynamic_cast<const DataSource*>(comments[0].commentable.get());
    REQUIRE(csv != nullptr);
    CHECK(csv->fields.loaded());
    CHECK(ids_of(csv->fields) == std::vector<std::int64_t>{w.call_type.id, w.township.id});
    CHECK(counter.delta() == 0);
  }
  SECTION("the other side, has_many as<>, finds only its own class's rows") {
    auto calls = db->find<DataSource>(w.calls.id);
    auto field = db->find<Field>(w.call_type.id);
    statement_counter counter(*db);
    REQUIRE(calls->comments.size() == 1);
    CHECK(calls->comments.at(0).body == "about the file");
    REQUIRE(field.comments.size() == 1);
    CHECK(field.comments.at(0).body == "about the field");
    CHECK(counter.delta() == 2);
    // The inverse of as<> is the polymorphic belongs_to.
    CHECK(calls->comments.at(0).commentable.get() == static_cast<stitch::record*>(calls.get()));
    CHECK(field.comments.at(0).commentable.get() == static_cast<stitch::record*>(&field));
    CHECK(counter.delta() == 2);

    auto sources = db->all<DataSource>()
                       .order_by(col<&DataSource::id>)
                       .includes(&DataSource::comments)
                       .to_vector();
    CHECK(counter.delta() == 4);
    CHECK(sources[0]->comments.size() == 1);
    CHECK(sources[1]->comments.empty());
    CHECK(counter.delta() == 4);
  }
}

TEST_CASE("a polymorphic belongs_to without a target is empty and runs no statement",
          "[associations][polymorphic]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  Comment loose;
  loose.body = "about nothing";
  db->save(loose);
  Comment on_field;
  on_field.body = "about a field";
  on_field.commentable.set(w.unit);
  db->save(on_field);

  auto loaded = db->find<Comment>(loose.id);
  statement_counter counter(*db);
  CHECK(loaded.commentable.get() == nullptr);
  CHECK(counter.delta() == 0);
  auto comments =
      db->all<Comment>().order_by(col<&Comment::id>).includes(&Comment::commentable).to_vector();
  CHECK(counter.delta() == 2);
  REQUIRE(comments.size() == 2);
  CHECK(comments[0].commentable.get() == nullptr);
  REQUIRE(comments[1].commentable.get() != nullptr);
  CHECK(comments[1].commentable.get()->id == w.unit.id);
  CHECK(counter.delta() == 2);
}

TEST_CASE("store_concrete_class stores the subclass's name, and has_many as<> still finds it",
          "[associations][polymorphic]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  Attachment on_csv;
  on_csv.filename = "calls.pdf";
  on_csv.attachable.set(w.calls);
  db->save(on_csv);
  Attachment on_socrata;
  on_socrata.filename = "fire.pdf";
  on_socrata.attachable.set(w.fire);
  db->save(on_socrata);
  Attachment on_field;
  on_field.filename = "call_type.pdf";
  on_field.attachable.set(w.call_type);
  db->save(on_field);
  REQUIRE(on_csv.attachable_type == std::optional<std::string>("CsvFile"));
  CHECK(db->query_value<std::string>("SELECT attachable_type FROM a_attachments WHERE id = ?",
                                     on_csv.id) == "CsvFile");
  CHECK(db->query_value<std::string>("SELECT attachable_type FROM a_attachments WHERE id = ?",
                                     on_socrata.id) == "Socrata");
  CHECK(db->query_value<std::string>("SELECT attachable_type FROM a_attachments WHERE id = ?",
                                     on_field.id) == "Field");

  auto calls = db->find<DataSource>(w.calls.id);
  statement_counter counter(*db);
  REQUIRE(calls->attachments.size() == 1);
  CHECK(calls->attachments.at(0).filename == "calls.pdf");
  CHECK(counter.delta() == 1);
  auto field = db->find<Field>(w.call_type.id);
  REQUIRE(field.attachments.size() == 1);  // call_type has the same id as calls
  CHECK(field.attachments.at(0).filename == "call_type.pdf");

  auto loaded = db->find<Attachment>(on_csv.id);
  counter.restart();
  CHECK(dynamic_cast<const CsvFile*>(loaded.attachable.get()) != nullptr);
  CHECK(counter.delta() == 1);

  // Eagerly: CsvFile and Socrata rows come from one table in one statement.
  counter.restart();
  auto attachments = db->all<Attachment>()
                         .order_by(col<&Attachment::id>)
                         .includes(&Attachment::attachable)
                         .to_vector();
  CHECK(counter.delta() == 3);
  REQUIRE(attachments.size() == 3);
  CHECK(dynamic_cast<const CsvFile*>(attachments[0].attachable.get()) != nullptr);
  CHECK(dynamic_cast<const Socrata*>(attachments[1].attachable.get()) != nullptr);
  CHECK(dynamic_cast<const Field*>(attachments[2].attachable.get()) != nullptr);

  counter.restart();
  auto sources = db->all<DataSource>()
                     .order_by(col<&DataSource::id>)
                     .includes(&DataSource::attachments)
                     .to_vector();
  CHECK(counter.delta() == 2);
  CHECK(sources[0]->attachments.size() == 1);
  CHECK(sources[1]->attachments.size() == 1);
  CHECK(sources[1]->attachments.at(0).filename == "fire.pdf");
  CHECK(sources[2]->attachments.empty());
  CHECK(sources[1]->attachments.at(0).attachable.get() ==
        static_cast<stitch::record*>(sources[1].get()));
  CHECK(counter.delta() == 2);
}

TEST_CASE("an unknown _type value raises unknown_type naming it", "[associations][polymorphic]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  Comment comment;
  comment.body = "x";
  comment.commentable.set(w.call_type);
  db->save(comment);
  db->execute("UPDATE a_comments SET commentable_type = 'Bogus' WHERE id = " +
              std::to_string(comment.id));

  auto check = [&](const stitch::unknown_type& e) {
    CHECK(e.value() == "Bogus");
    CHECK(e.table() == "a_comments");
    CHECK(e.record_id() == comment.id);
    CHECK(std::string(e.what()).find("Bogus") != std::string::npos);
    CHECK(std::string(e.what()).find("commentable") != std::string::npos);
  };
  auto loaded = db->find<Comment>(comment.id);
  try {
    (void)loaded.commentable.get();
    FAIL("no exception");
  } catch (const stitch::unknown_type& e) {
    check(e);
  }
  try {
    (void)db->all<Comment>().includes(&Comment::commentable).to_vector();
    FAIL("no exception");
  } catch (const stitch::unknown_type& e) {
    check(e);
  }
}

TEST_CASE("a key that points at no row gives an empty target", "[associations][loading]") {
  stitch::test::test_database db;
  // Notes without a foreign-key constraint: their table is created on its own first.
  db->create_schema<Note>();
  world w;
  seed(*db, w);
  Note note;
  note.text = "orphan";
  note.source.set(w.plain);
  db->save(note);
  Comment comment;
  comment.body = "on a field that goes away";
  comment.commentable.set(w.unit);
  db->save(comment);
  Comment nowhere;
  nowhere.body = "on no field";
  nowhere.commentable_type = "Field";
  nowhere.commentable_id = 4242;
  db->save(nowhere);
  db->execute("DELETE FROM a_data_sources WHERE id = " + std::to_string(w.plain.id));
  db->execute("DELETE FROM a_unique_values WHERE field_id = " + std::to_string(w.unit.id));
  db->execute("DELETE FROM a_fields WHERE id = " + std::to_string(w.unit.id));

  auto loaded = db->find<Note>(note.id);
  statement_counter counter(*db);
  CHECK(loaded.source.get() == nullptr);
  CHECK(loaded.source.loaded());
  CHECK(counter.delta() == 1);
  auto comments = db->all<Comment>().order_by(col<&Comment::id>).to_vector();
  REQUIRE(comments.size() == 2);
  CHECK(comments[0].commentable.get() == nullptr);
  CHECK(comments[1].commentable.get() == nullptr);

  auto notes = db->all<Note>().includes(&Note::source).to_vector();
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].source.get() == nullptr);
  auto eager = db->all<Comment>().includes(&Comment::commentable).to_vector();
  REQUIRE(eager.size() == 2);
  CHECK(eager[0].commentable.get() == nullptr);
  CHECK(eager[1].commentable.get() == nullptr);
}

// ---- Inverse references ---------------------------------------------------------------------

TEST_CASE("after includes, each child's belongs_to is its owner, with no statement",
          "[associations][inverse]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  Comment comment;
  comment.body = "c";
  comment.commentable.set(w.fire);
  db->save(comment);

  auto sources = db->all<DataSource>()
                     .includes(&DataSource::fields)
                     .includes(&DataSource::comments)
                     .includes(&DataSource::agency, &Agency::data_sources)
                     .to_vector();
  statement_counter counter(*db);
  std::size_t checked = 0;
  for (const auto& ds : sources) {
    for (const auto& f : ds->fields) {
      CHECK(f.data_source.loaded());
      CHECK(f.data_source.get() == ds.get());
      ++checked;
    }
    for (const auto& c : ds->comments) {
      CHECK(c.commentable.get() == static_cast<stitch::record*>(ds.get()));
      ++checked;
    }
  }
  CHECK(checked == 4);
  const auto* fire = find_source(sources, w.fire.id);
  REQUIRE(fire != nullptr);
  const Agency* county = fire->agency.get();
  REQUIRE(county != nullptr);
  REQUIRE(county->data_sources.size() == 2);
  for (const auto& ds : county->data_sources) CHECK(ds.agency.get() == county);
  CHECK(counter.delta() == 0);
}

TEST_CASE("an inverse follows its owner when the owner moves", "[associations][inverse]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  CHECK(std::is_nothrow_move_constructible_v<Field>);
  {
    auto tx = db->transaction(stitch::intent::write);
    for (const Field* f : {&w.call_type, &w.unit, &w.township}) {
      FieldStats stats;  // a has_one
      stats.field_id = f->id;
      db->save(stats);
      Comment comment;  // a has_many as<>, whose inverse is polymorphic
      comment.body = f->name;
      comment.commentable.set(*f);
      db->save(comment);
    }
    tx.commit();
  }

  auto fields = db->all<Field>()
                    .order_by(col<&Field::id>)
                    .includes(&Field::unique_values)
                    .includes(&Field::stats)
                    .includes(&Field::comments)
                    .to_vector();
  REQUIRE(fields.size() == 3);
  statement_counter counter(*db);
  auto points_home = [](const Field& f) {
    bool all = f.unique_values.size() > 0 && f.stats.get() != nullptr && f.comments.size() == 1;
    for (const auto& v : f.unique_values) all = all && v.field.get() == &f;
    all = all && f.stats.get()->field.get() == &f;
    all = all && f.comments.at(0).commentable.get() == static_cast<const stitch::record*>(&f);
    return all;
  };
  CHECK(points_home(fields[0]));

  SECTION("a vector reallocates") {
    const Field* before = fields.data();
    fields.reserve(fields.capacity() * 4 + 8);
    REQUIRE(fields.data() != before);
    CHECK(points_home(fields[0]));
    CHECK(points_home(fields[1]));
    CHECK(points_home(fields[2]));
    CHECK(counter.delta() == 0);
  }
  SECTION("moved into a new object, then moved over by another") {
    Field holder = std::move(fields[0]);
    CHECK(points_home(holder));
    CHECK(counter.delta() == 0);
    const auto old_children = holder.unique_values.shared();
    holder = std::move(fields[1]);
    CHECK(points_home(holder));
    CHECK(holder.name == "unit");
    CHECK(counter.delta() == 0);
    // The children holder had before point at nothing now, and load their field again.
    for (const auto& v : old_children) CHECK_FALSE(v->field.loaded());
    CHECK(fields[0].stats.loaded() == false);  // moved from
    CHECK(fields[0].unique_values.loaded() == false);
    REQUIRE(old_children[0]->field.get() != nullptr);
    CHECK(old_children[0]->field.get()->name == "call_type");
    CHECK(counter.delta() == 1);
  }
}

TEST_CASE("an inverse is reset when its owner is destroyed", "[associations][inverse]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);

  SECTION("the child loads its owner again") {
    std::vector<std::shared_ptr<UniqueValue>> kept;
    {
      auto fields = db->all<Field>().includes(&Field::unique_values).to_vector();
      kept = fields[0].unique_values.shared();
    }
    REQUIRE(kept.size() == 2);
    CHECK_FALSE(kept[0]->field.loaded());
    statement_counter counter(*db);
    REQUIRE(kept[0]->field.get() != nullptr);
    CHECK(kept[0]->field.get()->id == w.call_type.id);
    CHECK(counter.delta() == 1);
  }
  SECTION("under strict loading the child throws") {
    std::vector<std::shared_ptr<UniqueValue>> kept;
    {
      auto fields = db->all<Field>().strict_loading().includes(&Field::unique_values).to_vector();
      kept = fields[0].unique_values.shared();
      CHECK(kept[0]->field.get() == &fields[0]);
    }
    CHECK_THROWS_AS(kept[0]->field.get(), stitch::strict_loading_violation);
  }
  SECTION("an STI owner's children are released too") {
    std::vector<std::shared_ptr<Field>> kept;
    {
      auto calls = db->all<DataSource>()
                       .where(col<&DataSource::id> == w.calls.id)
                       .includes(&DataSource::fields)
                       .to_vector();
      REQUIRE(calls.size() == 1);
      kept = calls[0]->fields.shared();
    }
    REQUIRE(kept.size() == 2);
    CHECK_FALSE(kept[0]->data_source.loaded());
    REQUIRE(kept[0]->data_source.get() != nullptr);
    CHECK(dynamic_cast<const CsvFile*>(kept[0]->data_source.get()) != nullptr);
  }
}

// A copy of a child shares what its belongs_to owns, but not a reference to its owner.
TEST_CASE("a copy of a child does not keep a reference to an owner that is gone",
          "[associations][inverse]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  std::optional<UniqueValue> copy;
  {
    auto fields =
        db->all<Field>().order_by(col<&Field::id>).includes(&Field::unique_values).to_vector();
    copy = fields[0].unique_values.at(0);  // a copy of FIRE, whose field is fields[0]
  }
  // fields[0] is destroyed: the copy must not point at it any more.
  const bool still_loaded = copy->field.loaded();
  CHECK_FALSE(still_loaded);
  if (!still_loaded) {
    REQUIRE(copy->field.get() != nullptr);
    CHECK(copy->field.get()->name == "call_type");
  }
}

// ---- Strict loading --------------------------------------------------------------------------

TEST_CASE("strict loading per query names the model, the association and the line of access",
          "[associations][strict]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  auto fields = db->all<Field>()
                    .strict_loading()
                    .order_by(col<&Field::id>)
                    .includes(&Field::unique_values)
                    .to_vector();
  statement_counter counter(*db);
  CHECK(fields[0].unique_values.size() == 2);  // included: no violation
  const auto line = __LINE__ + 1;
  const auto v = violation_of([&] { (void)fields[0].data_source.get(); });
  REQUIRE(v.has_value());
  CHECK(v->model() == "Field");
  CHECK(v->association() == "data_source");
  CHECK(v->where().line() == static_cast<std::uint_least32_t>(line));
  CHECK(std::string(v->where().file_name()).find("associations_loading_test.cpp") !=
        std::string::npos);
  CHECK(std::string(v->what()).find("Field::data_source") != std::string::npos);
  CHECK(counter.delta() == 0);

  // Objects loaded with a strict query are strict too.
  const auto deeper_line = __LINE__ + 1;
  const auto deeper = violation_of([&] { (void)fields[0].unique_values.at(0).data_source.get(); });
  REQUIRE(deeper.has_value());
  CHECK(deeper->model() == "UniqueValue");
  CHECK(deeper->association() == "data_source");
  CHECK(deeper->where().line() == static_cast<std::uint_least32_t>(deeper_line));

  // Each collection accessor reports its caller.
  CHECK(violation_of([&] { (void)fields[0].comments.empty(); }).has_value());
  std::uint_least32_t begin_line = 0;
  const auto begin = violation_of([&] {
    begin_line = __LINE__ + 1;
    for (const auto& c : fields[1].comments) (void)c;
  });
  REQUIRE(begin.has_value());
  CHECK(begin->where().line() == begin_line);
  CHECK(counter.delta() == 0);

  // A query without strict_loading() loads lazily as before.
  auto lenient = db->all<Field>().to_vector();
  counter.restart();
  CHECK(lenient[0].data_source.get() != nullptr);
  CHECK(counter.delta() == 1);
}

TEST_CASE("strict loading per database applies to objects loaded after it is set",
          "[associations][strict]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  auto before = db->find<DataSource>(w.calls.id);
  db->strict_loading();
  auto during = db->find<DataSource>(w.calls.id);
  auto queried = db->all<DataSource>().includes(&DataSource::fields).to_vector();
  const auto line = __LINE__ + 1;
  const auto v = violation_of([&] { (void)during->fields.size(); });
  REQUIRE(v.has_value());
  CHECK(v->model() == "DataSource");
  CHECK(v->association() == "fields");
  CHECK(v->where().line() == static_cast<std::uint_least32_t>(line));
  CHECK(violation_of([&] { (void)queried[0]->fields.at(0).unique_values.size(); }).has_value());
  CHECK(violation_of([&] { (void)during->unique_values.size(); }).has_value());
  CHECK_NOTHROW(queried[0]->fields.size());
  CHECK(before->fields.size() == 2);  // loaded before strict loading was on

  // db.load loads explicitly even under strict loading.
  db->load(*during, &DataSource::fields);
  CHECK(during->fields.size() == 2);

  db->strict_loading(false);
  auto after = db->find<DataSource>(w.calls.id);
  CHECK(after->fields.size() == 2);
  CHECK(violation_of([&] { (void)during->notes.size(); }).has_value());  // still strict
}

TEST_CASE("touching an association whose database is closed is a usage_error",
          "[associations][strict]") {
  auto owner = std::make_unique<stitch::test::test_database>();
  world w;
  seed(**owner, w);
  auto fields =
      (*owner)->all<Field>().order_by(col<&Field::id>).includes(&Field::unique_values).to_vector();
  owner.reset();
  CHECK(fields[0].unique_values.size() == 2);  // loaded before: still there
  try {
    (void)fields[0].data_source.get();
    FAIL("no exception");
  } catch (const stitch::usage_error& e) {
    CHECK(std::string(e.what()).find("Field::data_source") != std::string::npos);
    CHECK(std::string(e.what()).find("closed") != std::string::npos);
  }
  CHECK_THROWS_AS(fields[0].comments.size(), stitch::usage_error);
}

TEST_CASE("an object that never met a database has empty collections but cannot load a belongs_to",
          "[associations][loading]") {
  CsvFile fresh;
  CHECK(fresh.fields.empty());
  CHECK(fresh.schedule.get() == nullptr);
  Field field;
  field.data_source_id = 1;
  CHECK_THROWS_AS(field.data_source.get(), stitch::usage_error);
}

// ---- Iteration and first() ------------------------------------------------------------------

// The loops are bounded: a cursor that stepped its statement again after the end would start
// the query over (SQLite resets a finished statement) and never end.
TEST_CASE("iterating a query with includes loads its rows' associations in batches of a thousand",
          "[associations][includes]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  constexpr int rows = 2500;
  insert_fields_with_values(*db, w.plain.id, rows);
  FieldStats stats;
  stats.field_id = w.call_type.id;  // not among the iterated rows
  db->save(stats);

  auto q = db->all<Field>()
               .where(col<&Field::data_source_id> == w.plain.id)
               .order_by(col<&Field::id>)
               .includes(&Field::unique_values)
               .includes(&Field::stats);
  statement_counter counter(*db);
  int seen = 0;
  int wrong = 0;
  std::int64_t last_id = 0;
  for (const auto& f : q) {
    if (++seen > rows) break;  // the rows came round again
    if (f.id <= last_id) ++wrong;
    last_id = f.id;
    if (!f.unique_values.loaded() || !f.stats.loaded() || f.unique_values.size() != 1 ||
        f.unique_values.at(0).value != "v" + std::to_string(f.id) ||
        f.unique_values.at(0).field.get() != &f || f.stats.get() != nullptr)
      ++wrong;
  }
  CHECK(seen == rows);
  CHECK(wrong == 0);
  // The query, then per batch of 1,000 rows (3 batches) one statement per include step.
  CHECK(counter.delta() == 1 + 3 * 2);
}

TEST_CASE("iterating a query with includes over fewer rows than a batch ends after them",
          "[associations][includes]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  auto q = db->all<Field>().order_by(col<&Field::id>).includes(&Field::unique_values);
  std::vector<std::int64_t> ids;
  std::vector<std::size_t> sizes;
  for (const auto& f : q) {
    ids.push_back(f.id);
    sizes.push_back(f.unique_values.size());
    if (ids.size() > 10) break;  // the rows came round again
  }
  CHECK(ids == std::vector<std::int64_t>{w.call_type.id, w.unit.id, w.township.id});
  CHECK(sizes == std::vector<std::size_t>{2, 1, 1});
}

TEST_CASE("first() loads the includes of its one row", "[associations][includes]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  statement_counter counter(*db);
  auto first = db->all<DataSource>()
                   .where(col<&DataSource::name> == "911 calls")
                   .includes(&DataSource::fields, &Field::unique_values)
                   .first();
  CHECK(counter.delta() == 3);
  REQUIRE(first);
  counter.restart();
  REQUIRE(first->fields.size() == 2);
  CHECK(values_of(first->fields.at(0).unique_values) == std::vector<std::string>{"FIRE", "EMS"});
  CHECK(first->fields.at(0).data_source.get() == first.get());
  CHECK(counter.delta() == 0);

  auto field = db->all<Field>().includes(&Field::unique_values).first();
  REQUIRE(field);
  CHECK(field->unique_values.size() == 2);
  CHECK(field->unique_values.at(0).field.get() == &*field);  // follows the move into optional
}

// ---- db.load ----------------------------------------------------------------------------------

TEST_CASE("db.load loads a path for one object or many, one statement per step",
          "[associations][load]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);

  SECTION("one object") {
    auto calls = db->find<DataSource>(w.calls.id);
    statement_counter counter(*db);
    db->load(*calls, &DataSource::fields, &Field::unique_values);
    CHECK(counter.delta() == 2);
    counter.restart();
    CHECK(values_of(calls->fields.at(1).unique_values) == std::vector<std::string>{"Lower Merion"});
    CHECK(counter.delta() == 0);
  }
  SECTION("many objects") {
    auto sources = db->all<DataSource>().order_by(col<&DataSource::id>).to_vector();
    statement_counter counter(*db);
    db->load(sources, &DataSource::fields, &Field::unique_values);
    CHECK(counter.delta() == 2);
    counter.restart();
    CHECK(sources[0]->fields.size() == 2);
    CHECK(sources[1]->fields.at(0).unique_values.at(0).value == "E1");
    CHECK(sources[2]->fields.empty());
    CHECK(counter.delta() == 0);

    std::vector<Field> fields = db->all<Field>().to_vector();
    counter.restart();
    db->load(fields, &Field::data_source, &DataSource::agency);
    CHECK(counter.delta() == 2);
  }
  SECTION("the first step is loaded again, later steps only when missing") {
    auto calls = db->find<DataSource>(w.calls.id);
    REQUIRE(calls->fields.size() == 2);
    make_field(*db, w.calls, "added");
    CHECK(calls->fields.size() == 2);  // loaded: no new statement sees it
    statement_counter counter(*db);
    db->load(*calls, &DataSource::fields);
    CHECK(counter.delta() == 1);
    CHECK(calls->fields.size() == 3);
  }
  SECTION("one association member, again") {
    auto calls = db->find<DataSource>(w.calls.id);
    REQUIRE(calls->fields.size() == 2);
    make_field(*db, w.calls, "added");
    statement_counter counter(*db);
    db->load(calls->fields);
    CHECK(counter.delta() == 1);
    CHECK(calls->fields.size() == 3);
    CHECK(calls->fields.at(2).name == "added");
    CHECK(calls->fields.at(2).data_source.get() == calls.get());
  }
  SECTION("a new object cannot load one member, but loads a path as empty") {
    CsvFile fresh;
    CHECK_THROWS_AS(db->load(fresh.fields), stitch::usage_error);
    db->load(fresh, &DataSource::fields);
    CHECK(fresh.fields.empty());
  }
}

// ---- Long key lists ----------------------------------------------------------------------------

TEST_CASE("any number of keys loads in one statement per level, beyond the parameter limit",
          "[associations][includes]") {
  stitch::test::test_database db;
  world w;
  seed(*db, w);
  constexpr int owners = 40000;  // above SQLite's 32766 parameters per statement
  insert_fields_with_values(*db, w.plain.id, owners);

  statement_counter counter(*db);
  auto fields = db->all<Field>()
                    .where(col<&Field::data_source_id> == w.plain.id)
                    .includes(&Field::unique_values)
                    .to_vector();
  CHECK(counter.delta() == 2);
  REQUIRE(fields.size() == static_cast<std::size_t>(owners));
  counter.restart();
  std::size_t wrong = 0;
  for (const auto& f : fields)
    if (f.unique_values.size() != 1 || f.unique_values.at(0).value != "v" + std::to_string(f.id) ||
        f.unique_values.at(0).field.get() != &f)
      ++wrong;
  CHECK(wrong == 0);
  CHECK(counter.delta() == 0);

  // The other way up: belongs_to keys too.
  auto values = db->all<UniqueValue>()
                    .where(col<&UniqueValue::count> > 0)
                    .includes(&UniqueValue::field)
                    .to_vector();
  REQUIRE(values.size() == static_cast<std::size_t>(owners) + 4);
  CHECK(counter.delta() == 2);
  wrong = 0;
  for (const auto& v : values)
    if (v.field.get() == nullptr || v.field.get()->id != v.field_id) ++wrong;
  CHECK(wrong == 0);
}
