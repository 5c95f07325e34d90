#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;

namespace {

models::timestamp now_micros() {
  return std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
}

// The rows of save_all's largest multi-row INSERT when a row takes `per_row` parameters: a
// power of two, at most 512, within the parameters the connection takes.
std::size_t largest_insert(stitch::database& db, std::size_t per_row) {
  const auto most = static_cast<std::size_t>(db.connection().max_parameters());
  std::size_t rows = 512;
  while (rows > 1 && rows * per_row > most) rows /= 2;
  return rows;
}

// The multi-row INSERTs that take n rows: the largest power of two that fits each time.
int inserts_of(std::size_t n, std::size_t largest) {
  int count = 0;
  while (n > 0) {
    std::size_t rows = largest;
    while (rows > n) rows /= 2;
    n -= rows;
    ++count;
  }
  return count;
}

// Statements of a save_all of new objects of one table that the database reserves ids for
// ahead: BEGIN, the ids, COMMIT, and the `inserts`.
constexpr int batched(int inserts) { return 3 + inserts; }

}  // namespace

TEST_CASE("save inserts a new object and then updates the same row", "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CsvFile csv;
  csv.name = "first";
  csv.path = "a.csv";
  CHECK(csv.new_record());
  CHECK_FALSE(csv.persisted());
  CHECK(csv.id == 0);

  db->save(csv);
  CHECK(csv.persisted());
  CHECK_FALSE(csv.new_record());
  CHECK(csv.id != 0);
  const auto id = csv.id;
  CHECK(db->all<DataSource>().count() == 1);

  csv.name = "second";
  csv.row_count = 99;
  db->save(csv);
  CHECK(csv.id == id);
  CHECK(csv.persisted());
  CHECK(db->all<DataSource>().count() == 1);
  const auto found = db->find<CsvFile>(id);
  CHECK(found->name == "second");
  CHECK(found->row_count == 99);
  CHECK(found->path == "a.csv");
}

TEST_CASE("each insert gets a new id", "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  std::set<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    auto t = make_tag("t" + std::to_string(i));
    db->save(t);
    ids.insert(t.id);
  }
  CHECK(ids.size() == 5);
  CHECK(ids.count(0) == 0);
  const auto stored = db->all<Tag>().pluck(col<&Tag::id>);
  CHECK(std::set<std::int64_t>(stored.begin(), stored.end()) == ids);
}

TEST_CASE("an insert sets created_at and updated_at to now, stored to the microsecond",
          "[persistence][types]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  DataSource source;
  source.name = "timed";
  const auto before = now_micros();
  db->save(source);
  const auto after = now_micros();

  CHECK(source.created_at >= before);
  CHECK(source.created_at <= after);
  CHECK(source.updated_at == source.created_at);

  const auto found = db->find<DataSource>(source.id);
  CHECK(found->created_at == source.created_at);
  CHECK(found->updated_at == source.updated_at);
}

TEST_CASE("an update changes updated_at and keeps created_at", "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  DataSource source;
  source.name = "old";
  source.created_at = at(2001, 2, 3, 4, 5, 6, 7);
  source.updated_at = at(2002, 3, 4, 5, 6, 7, 8);
  db->save(source);
  // Set explicitly, both are kept on insert.
  CHECK(source.created_at == at(2001, 2, 3, 4, 5, 6, 7));
  CHECK(source.updated_at == at(2002, 3, 4, 5, 6, 7, 8));
  CHECK(db->find<DataSource>(source.id)->updated_at == at(2002, 3, 4, 5, 6, 7, 8));

  source.name = "new";
  const auto before = now_micros();
  db->save(source);
  const auto after = now_micros();
  CHECK(source.created_at == at(2001, 2, 3, 4, 5, 6, 7));
  CHECK(source.updated_at >= before);
  CHECK(source.updated_at <= after);

  const auto found = db->find<DataSource>(source.id);
  CHECK(found->created_at == at(2001, 2, 3, 4, 5, 6, 7));
  CHECK(found->updated_at == source.updated_at);
  CHECK(found->name == "new");
}

TEST_CASE("an explicitly set created_at is kept on insert while updated_at takes now",
          "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  Socrata s;
  s.name = "imported";
  s.domain = "d";
  s.dataset_id = "x";
  s.created_at = at(1999, 12, 31, 23, 59, 59, 999999);
  const auto before = now_micros();
  db->save(s);
  const auto after = now_micros();
  CHECK(s.created_at == at(1999, 12, 31, 23, 59, 59, 999999));
  CHECK(s.updated_at >= before);
  CHECK(s.updated_at <= after);
  const auto found = db->find<Socrata>(s.id);
  CHECK(found.created_at == at(1999, 12, 31, 23, 59, 59, 999999));
  CHECK(found.updated_at == s.updated_at);
}

TEST_CASE("save_all saves a vector of objects", "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<Tag, DataSource>();
  std::vector<Tag> tags{make_tag("fire"), make_tag("ems"), make_tag("traffic")};
  db->save_all(tags);
  std::set<std::int64_t> ids;
  for (const auto& t : tags) {
    CHECK(t.persisted());
    ids.insert(t.id);
  }
  CHECK(ids.size() == 3);
  CHECK(ids.count(0) == 0);
  CHECK(db->find<Tag>(tags[1].id).name == "ems");

  // A second save_all updates the same rows.
  tags[2].name = "police";
  db->save_all(tags);
  CHECK(db->all<Tag>().count() == 3);
  CHECK(db->find<Tag>(tags[2].id).name == "police");

  std::vector<Socrata> portals(2);
  portals[0].name = "a";
  portals[0].domain = "a.gov";
  portals[0].dataset_id = "aaaa-0001";
  portals[1].name = "b";
  portals[1].domain = "b.gov";
  portals[1].dataset_id = "bbbb-0002";
  db->save_all(portals);
  CHECK(db->all<Socrata>().count() == 2);
  CHECK(db->find<Socrata>(portals[1].id).dataset_id == "bbbb-0002");
  CHECK(portals[0].created_at != models::timestamp{});
}

TEST_CASE("save_all saves unique_ptrs of mixed classes, each as its own class",
          "[persistence][sti]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  std::vector<std::unique_ptr<DataSource>> sources;
  auto csv = std::make_unique<CsvFile>();
  csv->name = "csv";
  csv->path = "a.csv";
  sources.push_back(std::move(csv));
  auto soc = std::make_unique<Socrata>();
  soc->name = "socrata";
  soc->domain = "data.gov";
  soc->dataset_id = "abcd-1234";
  sources.push_back(std::move(soc));
  auto gz = std::make_unique<CompressedCsvFile>();
  gz->name = "gz";
  gz->path = "a.csv.gz";
  gz->compression = "bzip2";
  sources.push_back(std::move(gz));
  auto plain = std::make_unique<DataSource>();
  plain->name = "plain";
  sources.push_back(std::move(plain));

  db->save_all(sources);
  for (const auto& s : sources) CHECK(s->persisted());

  const auto loaded = db->all<DataSource>().order_by(col<&DataSource::id>).to_vector();
  REQUIRE(loaded.size() == 4);
  for (std::size_t i = 0; i < loaded.size(); ++i) {
    CHECK(loaded[i]->id == sources[i]->id);
    CHECK(typeid(*loaded[i]) == typeid(*sources[i]));
    CHECK(loaded[i]->describe() == sources[i]->describe());
  }
  CHECK(db->find<CompressedCsvFile>(sources[2]->id).compression == "bzip2");
}

TEST_CASE("save_all saves a vector of pointers, inserting new and updating persisted ones",
          "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CsvFile csv;
  csv.name = "csv";
  csv.path = "one.csv";
  db->save(csv);
  const auto csv_id = csv.id;
  csv.path = "two.csv";
  Socrata soc;
  soc.name = "soc";
  soc.domain = "x.gov";
  soc.dataset_id = "x";
  DataSource plain;
  plain.name = "plain";

  std::vector<DataSource*> pointers{&csv, &soc, &plain};
  db->save_all(pointers);
  CHECK(csv.id == csv_id);
  CHECK(soc.persisted());
  CHECK(plain.persisted());
  CHECK(db->all<DataSource>().count() == 3);
  CHECK(db->find<CsvFile>(csv_id)->path == "two.csv");
  CHECK(db->find<Socrata>(soc.id).domain == "x.gov");
  CHECK(typeid(*db->find<DataSource>(plain.id)) == typeid(DataSource));
}

TEST_CASE("find returns the object, find_optional an empty result when there is none",
          "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<DataSource, Tag>();
  auto tag = make_tag("found");
  db->save(tag);
  Socrata soc;
  soc.name = "soc";
  soc.domain = "d";
  soc.dataset_id = "s";
  db->save(soc);
  CsvFile csv;
  csv.name = "csv";
  csv.path = "p";
  db->save(csv);
  const std::int64_t missing = csv.id + soc.id + tag.id + 1000;

  static_assert(std::is_same_v<decltype(db->find_optional<Tag>(0)), std::optional<Tag>>);
  static_assert(std::is_same_v<decltype(db->find_optional<Socrata>(0)), std::optional<Socrata>>);
  static_assert(std::is_same_v<decltype(db->find_optional<CsvFile>(0)), std::unique_ptr<CsvFile>>);
  static_assert(
      std::is_same_v<decltype(db->find_optional<DataSource>(0)), std::unique_ptr<DataSource>>);
  static_assert(std::is_same_v<decltype(db->find<Tag>(0)), Tag>);
  static_assert(std::is_same_v<decltype(db->find<DataSource>(0)), std::unique_ptr<DataSource>>);

  const Tag t = db->find<Tag>(tag.id);
  CHECK(t.name == "found");
  CHECK(t.persisted());
  const auto opt_tag = db->find_optional<Tag>(tag.id);
  REQUIRE(opt_tag);
  CHECK(opt_tag->name == "found");
  CHECK_FALSE(db->find_optional<Tag>(missing));

  const auto opt_source = db->find_optional<DataSource>(soc.id);
  REQUIRE(opt_source);
  CHECK(typeid(*opt_source) == typeid(Socrata));
  CHECK(db->find_optional<DataSource>(missing) == nullptr);

  const auto opt_soc = db->find_optional<Socrata>(soc.id);
  REQUIRE(opt_soc);
  CHECK(opt_soc->dataset_id == "s");

  // A row of another class is not found through a class it does not belong to.
  CHECK_THROWS_AS(db->find<CsvFile>(soc.id), stitch::record_not_found);
  CHECK(db->find_optional<CsvFile>(soc.id) == nullptr);
  CHECK_THROWS_AS(db->find<Socrata>(csv.id), stitch::record_not_found);
  CHECK_FALSE(db->find_optional<Socrata>(csv.id));
  CHECK_THROWS_AS(db->find<CompressedCsvFile>(csv.id), stitch::record_not_found);
  CHECK(db->find<DataSource>(csv.id)->name == "csv");
}

TEST_CASE("destroy deletes the row once and leaves the object a new record", "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CsvFile csv;
  csv.name = "doomed";
  csv.path = "doomed.csv";
  db->save(csv);
  CsvFile other;
  other.name = "kept";
  other.path = "kept.csv";
  db->save(other);
  const auto id = csv.id;

  CHECK(db->destroy(csv));
  CHECK(csv.new_record());
  CHECK_FALSE(csv.persisted());
  CHECK(csv.id == id);
  CHECK(csv.name == "doomed");
  CHECK_FALSE(db->find_optional<DataSource>(id));
  CHECK(db->all<DataSource>().count() == 1);

  CHECK_FALSE(db->destroy(csv));
  CHECK(db->all<DataSource>().count() == 1);

  // Destroying through a base reference deletes the row of the object's class.
  DataSource& ref = other;
  CHECK(db->destroy(ref));
  CHECK(db->all<DataSource>().count() == 0);

  // A destroyed object keeps its id, so saving it again inserts it under that id.
  db->save(csv);
  CHECK(csv.id == id);
  CHECK(db->find<CsvFile>(id)->path == "doomed.csv");
}

TEST_CASE("reload reads the changes another object saved to the same row", "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  Socrata original;
  original.name = "v1";
  original.domain = "old.gov";
  original.dataset_id = "id";
  db->save(original);

  auto copy = db->find<Socrata>(original.id);
  copy.domain = "new.gov";
  copy.app_token = "secret";
  copy.description = "described";
  db->save(copy);

  CHECK(original.domain == "old.gov");
  db->reload(original);
  CHECK(original.domain == "new.gov");
  CHECK(original.app_token == std::optional<std::string>("secret"));
  CHECK(original.description == std::optional<std::string>("described"));
  CHECK(original.updated_at == copy.updated_at);
  CHECK(original.persisted());

  // Through a base reference, reload reads the subclass's members too.
  copy.dataset_id = "changed";
  db->save(copy);
  DataSource& ref = original;
  db->reload(ref);
  CHECK(original.dataset_id == "changed");

  // Clearing an optional member elsewhere clears it on reload.
  copy.app_token.reset();
  db->save(copy);
  db->reload(original);
  CHECK_FALSE(original.app_token.has_value());

  REQUIRE(db->destroy(copy));
  CHECK_THROWS_AS(db->reload(original), stitch::record_not_found);
  CHECK(original.dataset_id == "changed");
}

TEST_CASE("after an explicit id, the database's next id comes after it", "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  auto first = make_tag("first");
  db->save(first);
  auto chosen = make_tag("chosen");
  chosen.id = first.id + 100;
  db->save(chosen);
  auto next = make_tag("next");
  db->save(next);  // no clash with the chosen id
  CHECK(next.id > chosen.id);
  // An explicit id below the sequence does not move it back.
  auto low = make_tag("low");
  low.id = first.id + 50;
  db->save(low);
  auto last = make_tag("last");
  db->save(last);
  CHECK(last.id > next.id);
  CHECK(db->all<Tag>().count() == 5);
}

TEST_CASE("saving a new object with an explicit id inserts it under that id", "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<Tag, DataSource>();
  auto tag = make_tag("chosen");
  tag.id = 987654;
  CHECK(tag.new_record());
  db->save(tag);
  CHECK(tag.id == 987654);
  CHECK(tag.persisted());
  CHECK(db->find<Tag>(987654).name == "chosen");
  CHECK(db->all<Tag>().count() == 1);

  CsvFile csv;
  csv.id = 555555;
  csv.name = "chosen csv";
  csv.path = "c.csv";
  db->save(csv);
  CHECK(db->find<DataSource>(555555)->describe() == "a CSV file at c.csv");

  // Saving again updates, it does not insert a second row.
  tag.name = "renamed";
  db->save(tag);
  CHECK(db->all<Tag>().count() == 1);
  CHECK(db->find<Tag>(987654).name == "renamed");
}

TEST_CASE("updating an object whose row was deleted meanwhile throws record_not_found",
          "[persistence][errors]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  DataSource source;
  source.name = "here";
  db->save(source);
  const auto stamp = source.updated_at;
  {
    auto other = db->find<DataSource>(source.id);
    REQUIRE(db->destroy(*other));
  }
  source.name = "gone";
  try {
    db->save(source);
    FAIL("saving a deleted row succeeded");
  } catch (const stitch::record_not_found& e) {
    CHECK(e.table() == "data_sources");
    CHECK(e.record_id() == source.id);
  }
  CHECK(source.persisted());
  CHECK(source.updated_at == stamp);
  CHECK(source.name == "gone");
  CHECK(db->all<DataSource>().count() == 0);
}

TEST_CASE("columns stitch does not know keep their values when an object is updated",
          "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  CsvFile csv;
  csv.name = "with extra";
  csv.path = "x.csv";
  db->save(csv);
  db->execute("ALTER TABLE data_sources ADD COLUMN extra varchar");
  db->execute("UPDATE data_sources SET extra = 'keep me'");

  // The schema check accepts a table with more columns than the models need.
  db->create_schema<DataSource>();
  db->check_schema<DataSource>();

  csv.path = "y.csv";
  db->save(csv);
  CHECK(db->find<CsvFile>(csv.id)->path == "y.csv");
  CHECK(db->all<DataSource>().where("\"extra\" = ?", std::string("keep me")).count() == 1);

  // A row inserted later leaves the unknown column to its default.
  DataSource plain;
  plain.name = "later";
  db->save(plain);
  CHECK(db->all<DataSource>().where("\"extra\" IS NULL").count() == 1);
  CHECK(db->find<DataSource>(plain.id)->name == "later");
}

TEST_CASE("create_schema twice keeps the rows already stored", "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<DataSource, Tag>();
  auto tag = make_tag("stays");
  db->save(tag);
  db->create_schema<DataSource, Tag>();
  db->create_schema<CsvFile>();
  CHECK(db->all<Tag>().count() == 1);
  CHECK(db->find<Tag>(tag.id).name == "stays");
}

TEST_CASE("tables of several hierarchies live side by side", "[persistence]") {
  stitch::test::test_database db;
  db->create_schema<DataSource, Vehicle, Animal, Shape, Tag, Sample, Call>();
  Car car;
  car.label = "car";
  db->save(car);
  Dog dog;
  dog.name = "dog";
  db->save(dog);
  Circle circle;
  circle.radius = 1;
  db->save(circle);
  CHECK(db->all<Vehicle>().count() == 1);
  CHECK(db->all<Animal>().count() == 1);
  CHECK(db->all<Shape>().count() == 1);
  CHECK(db->all<DataSource>().count() == 0);
  CHECK(db->find<Dog>(dog.id).name == "dog");
}

TEST_CASE("save_all of many new objects inserts each class in few statements where that pays",
          "[persistence][bulk]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  std::vector<std::unique_ptr<DataSource>> sources;
  constexpr int count = 1300;
  for (int i = 0; i < count; ++i) {
    std::unique_ptr<DataSource> s;
    if (i % 3 == 0) {
      auto csv = std::make_unique<CsvFile>();
      csv->path = "f" + std::to_string(i) + ".csv";
      s = std::move(csv);
    } else if (i % 3 == 1) {
      auto soda = std::make_unique<Socrata>();
      soda->domain = "data.example.gov";
      soda->dataset_id = "abcd-" + std::to_string(1000 + i);
      s = std::move(soda);
    } else {
      s = std::make_unique<DataSource>();
    }
    s->name = "source " + std::to_string(i);
    if (i % 7 == 0) s->description = "line one\nline\ttwo \\ three";
    sources.push_back(std::move(s));
  }
  const auto before = db->statements_executed();
  db->save_all(sources);
  // BEGIN, the 1300 ids, the rows, COMMIT. One table takes the rows of every class together,
  // in their order, each row with every column of the table: PostgreSQL by one COPY, SQLite by
  // multi-row INSERTs. Joined tables take them per class (434 CSV files, 433 Socratas, 433
  // data sources), the CSV files and the Socratas into two tables each.
  const auto statements = static_cast<int>(db->statements_executed() - before);
  if (db.backend() == "postgres") {
    CHECK(statements == batched(stitch::test::joined_layout ? 5 : 1));
  } else if (stitch::test::joined_layout) {
    const auto rows = largest_insert(*db, 2 + 4);  // the widest table: data_sources
    CHECK(statements ==
          batched(2 * inserts_of(434, rows) + 2 * inserts_of(433, rows) + inserts_of(433, rows)));
  } else {
    // id, type, the data sources' 4 columns, the CSV files' 3, the compressed ones' 1, the
    // Socratas' 3.
    CHECK(statements == batched(inserts_of(1300, largest_insert(*db, 2 + 4 + 3 + 1 + 3))));
  }
  CHECK(statements < 30);
  std::set<std::int64_t> ids;
  for (const auto& s : sources) {
    REQUIRE(s->persisted());
    ids.insert(s->id);
    CHECK(s->created_at != timestamp{});
  }
  CHECK(ids.size() == static_cast<std::size_t>(count));
  for (std::size_t i = 1; i < sources.size(); ++i)  // in the order given, whatever the class
    CHECK(sources[i - 1]->id < sources[i]->id);
  // Every object has its own row, as its own class, with its own values.
  const auto loaded = db->all<DataSource>().to_vector();
  REQUIRE(loaded.size() == static_cast<std::size_t>(count));
  std::map<std::int64_t, const DataSource*> by_id;
  for (const auto& l : loaded) by_id[l->id] = l.get();
  for (const auto& s : sources) {
    const DataSource& row = *by_id.at(s->id);
    CHECK(typeid(row) == typeid(*s));
    CHECK(row.name == s->name);
    CHECK(row.description == s->description);
    CHECK(row.created_at == s->created_at);
    CHECK(row.describe() == s->describe());
  }
}

TEST_CASE("a save_all refused in the middle of a batch writes nothing and keeps every object new",
          "[persistence][bulk][errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  db->execute("CREATE UNIQUE INDEX index_tags_on_name ON tags (name)");
  auto taken = make_tag("taken");
  db->save(taken);
  std::vector<Tag> tags;
  for (int i = 0; i < 700; ++i) tags.push_back(make_tag("tag " + std::to_string(i)));
  tags[600].name = "taken";
  CHECK_THROWS_AS(db->save_all(tags), stitch::unique_violation);
  for (const auto& t : tags) {
    CHECK(t.new_record());
    CHECK(t.id == 0);
  }
  CHECK(db->all<Tag>().count() == 1);
  // Text the database cannot take, in the middle of a batch: named, nothing written.
  tags[600].name = std::string("nul\0byte", 8);
  if (db.backend() == "postgres") {
    CHECK_THROWS_WITH(db->save_all(tags), Catch::Contains("[stitch.data_error]") &&
                                              Catch::Contains("tags.name") &&
                                              Catch::Contains("NUL"));
    CHECK(db->all<Tag>().count() == 1);
    CHECK(tags[0].new_record());
  }
  // Fixed, the same objects save.
  tags[600].name = "tag 600";
  db->save_all(tags);
  CHECK(db->all<Tag>().count() == 701);
  CHECK(db->find<Tag>(tags[600].id).name == "tag 600");
  // A batch of few objects (multi-row INSERTs on PostgreSQL) refused the same way.
  std::vector<Tag> few{make_tag("few 1"), make_tag("taken"), make_tag("few 3")};
  CHECK_THROWS_AS(db->save_all(few), stitch::unique_violation);
  CHECK(few[0].new_record());
  CHECK(db->all<Tag>().count() == 701);
}

TEST_CASE("save_all of many objects keeps every value exactly, whatever path it takes",
          "[persistence][bulk][values]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  std::vector<Sample> samples(300);
  const std::vector<std::string> texts{"plain",       "tab\there",      "line\nbreak",
                                       "back\\slash", "\\N",            "crlf\r\n",
                                       "ünïcödé ✓",   "quote ' and \"", ""};
  for (std::size_t i = 0; i < samples.size(); ++i) {
    auto& s = samples[i];
    const auto n = static_cast<std::int64_t>(i);
    s.small = static_cast<std::int32_t>(n * (i % 2 == 0 ? 1 : -1));
    s.big = n * 1'000'000'007LL;
    s.real = static_cast<double>(n) / 7.0;
    s.flag = i % 3 == 0;
    s.text = texts[i % texts.size()];
    s.at = timestamp{std::chrono::microseconds(1'700'000'000'123'456LL + n)};
    s.at_seconds = std::chrono::sys_seconds{std::chrono::seconds(1'600'000'000 + n)};
    s.bytes = {std::byte{0}, static_cast<std::byte>(i % 256), std::byte{'\\'}, std::byte{'\t'}};
    if (i % 2 == 0) {
      s.maybe_small = -1;
      s.maybe_big = n;
      s.maybe_real = 0.1;
      s.maybe_flag = false;
      s.maybe_text = texts[(i + 1) % texts.size()];
      s.maybe_at = s.at;
      s.maybe_bytes = std::vector<std::byte>{};
    }
  }
  db->save_all(samples);
  const auto loaded = db->all<Sample>().order_by(col<&Sample::id>).to_vector();
  REQUIRE(loaded.size() == samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    INFO("sample " << i);
    const auto& a = samples[i];
    const auto& b = loaded[i];
    CHECK(b.id == a.id);
    CHECK(b.small == a.small);
    CHECK(b.big == a.big);
    CHECK(b.real == a.real);
    CHECK(b.flag == a.flag);
    CHECK(b.text == a.text);
    CHECK(b.at == a.at);
    CHECK(b.at_seconds == a.at_seconds);
    CHECK(b.bytes == a.bytes);
    CHECK(b.maybe_small == a.maybe_small);
    CHECK(b.maybe_big == a.maybe_big);
    CHECK(b.maybe_real == a.maybe_real);
    CHECK(b.maybe_flag == a.maybe_flag);
    CHECK(b.maybe_text == a.maybe_text);
    CHECK(b.maybe_at == a.maybe_at);
    CHECK(b.maybe_bytes == a.maybe_bytes);
  }
}

TEST_CASE("save_all inserts more new objects than one statement takes, with ids in order",
          "[persistence][bulk]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  std::vector<Tag> tags;
  for (int i = 0; i < 1500; ++i) tags.push_back(make_tag("tag " + std::to_string(i)));
  const auto before = db->statements_executed();
  db->save_all(tags);
  const auto statements = static_cast<int>(db->statements_executed() - before);
  // PostgreSQL: one COPY. SQLite: INSERTs of 512, 512, 256, 128, 64, 16, 8 and 4 rows (where
  // 1024 parameters fit in one statement).
  CHECK(statements ==
        batched(db.backend() == "postgres" ? 1 : inserts_of(1500, largest_insert(*db, 2))));
  for (std::size_t i = 1; i < tags.size(); ++i) CHECK(tags[i].id == tags[i - 1].id + 1);
  const auto loaded = db->all<Tag>().order_by(col<&Tag::id>).to_vector();
  REQUIRE(loaded.size() == tags.size());
  for (std::size_t i = 0; i < tags.size(); ++i) {
    CHECK(loaded[i].id == tags[i].id);
    CHECK(loaded[i].name == tags[i].name);
    CHECK(tags[i].persisted());
  }
  // Fewer than COPY takes, as few multi-row INSERTs on every backend: 64, 32 and 4 rows.
  std::vector<Tag> hundred;
  for (int i = 0; i < 100; ++i) hundred.push_back(make_tag("more " + std::to_string(i)));
  const auto again = db->statements_executed();
  db->save_all(hundred);
  CHECK(db->statements_executed() - again == batched(3));
  CHECK(hundred.front().id == tags.back().id + 1);
  CHECK(hundred.back().id == tags.back().id + 100);
}

TEST_CASE("save_all never gives out again an id whose row was deleted at the end",
          "[persistence][bulk]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  std::vector<Tag> first{make_tag("a"), make_tag("b"), make_tag("c"), make_tag("d")};
  db->save_all(first);
  const auto highest = first.back().id;
  CHECK(db->destroy(first[3]));
  CHECK(db->destroy(first[2]));
  // An explicit id above all others, deleted too: the table's counter stays past it.
  Tag explicit_id = make_tag("explicit");
  explicit_id.id = highest + 1000;
  db->save(explicit_id);
  CHECK(db->destroy(explicit_id));
  CHECK(db->query_value<std::int64_t>("SELECT max(id) FROM tags") == first[1].id);

  std::vector<Tag> next{make_tag("e"), make_tag("f"), make_tag("g")};
  db->save_all(next);
  CHECK(next[0].id == highest + 1001);
  CHECK(next[1].id == highest + 1002);
  CHECK(next[2].id == highest + 1003);
  CHECK(db->all<Tag>().count() == 5);
  Tag one_more = make_tag("h");
  db->save(one_more);
  CHECK(one_more.id == highest + 1004);
}

TEST_CASE("save_all batches inserts into a SQLite table without AUTOINCREMENT",
          "[persistence][bulk][sqlite]") {
  stitch::test::test_database db(stitch::test::shareable);
  if (db.backend() != "sqlite") return;
  // Made elsewhere, in a database that has no AUTOINCREMENT table (so no sqlite_sequence).
  db->execute("CREATE TABLE tags (id integer PRIMARY KEY NOT NULL, name varchar NOT NULL)");
  const std::string counters = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'";
  REQUIRE(db->query_value<std::int64_t>(counters) == 0);
  db->check_schema<Tag>();
  std::vector<Tag> tags;
  for (int i = 0; i < 100; ++i) tags.push_back(make_tag("t" + std::to_string(i)));
  const auto before = db->statements_executed();
  db->save_all(tags);
  CHECK(db->statements_executed() - before == batched(3));  // 64, 32 and 4 rows
  for (std::size_t i = 0; i < tags.size(); ++i)
    CHECK(tags[i].id == static_cast<std::int64_t>(i + 1));
  CHECK(db->all<Tag>().count() == 100);

  // Once an AUTOINCREMENT table exists, sqlite_sequence has no counter for this one: its ids
  // go on after its largest, on this connection and on a new one.
  db->create_schema<Call>();
  REQUIRE(db->query_value<std::int64_t>(counters) == 1);
  std::vector<Tag> more{make_tag("x"), make_tag("y")};
  db->save_all(more);
  CHECK(more[0].id == 101);
  CHECK(more[1].id == 102);
  auto other = db.another_connection();
  std::vector<Tag> last{make_tag("z"), make_tag("w")};
  other.save_all(last);
  CHECK(last[0].id == 103);
  CHECK(last[1].id == 104);
  CHECK(other.all<Tag>().count() == 104);
}

TEST_CASE("save_all of new objects of every class of a hierarchy writes every column",
          "[persistence][bulk][layout]") {
  // 7 objects take multi-row INSERTs everywhere; 600 (150 a class) COPY on PostgreSQL.
  const int count = GENERATE(7, 600);
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  std::vector<std::unique_ptr<DataSource>> sources;
  for (int i = 0; i < count; ++i) {
    const auto n = std::to_string(i);
    std::unique_ptr<DataSource> s;
    switch (i % 4) {
      case 0: {
        auto csv = std::make_unique<CsvFile>();
        csv->path = "f" + n + ".csv";
        csv->delimiter = i % 8 == 0 ? ";" : "\t";
        csv->row_count = i * 11;
        s = std::move(csv);
        break;
      }
      case 1: {
        auto gz = std::make_unique<CompressedCsvFile>();
        gz->path = "g" + n + ".csv.gz";
        gz->delimiter = "|";
        gz->row_count = -i;
        gz->compression = i % 3 == 0 ? "zstd" : "gzip";
        s = std::move(gz);
        break;
      }
      case 2: {
        auto soda = std::make_unique<Socrata>();
        soda->domain = "data" + n + ".example.gov";
        soda->dataset_id = "abcd-" + n;
        if (i % 3 == 0) soda->app_token = "token " + n;
        s = std::move(soda);
        break;
      }
      default:
        s = std::make_unique<DataSource>();
    }
    s->name = "source " + n;
    if (i % 5 == 0) s->description = "about " + n;
    sources.push_back(std::move(s));
  }
  db->save_all(sources);
  for (std::size_t i = 1; i < sources.size(); ++i) CHECK(sources[i - 1]->id < sources[i]->id);

  const auto loaded = db->all<DataSource>().to_vector();
  REQUIRE(loaded.size() == sources.size());
  std::map<std::int64_t, const DataSource*> by_id;
  for (const auto& l : loaded) by_id[l->id] = l.get();
  for (const auto& s : sources) {
    INFO("id " << s->id);
    REQUIRE(by_id.contains(s->id));
    const DataSource& row = *by_id.at(s->id);
    REQUIRE(typeid(row) == typeid(*s));
    CHECK(row.name == s->name);
    CHECK(row.description == s->description);
    CHECK(row.created_at == s->created_at);
    CHECK(row.updated_at == s->updated_at);
    CHECK(s->created_at != timestamp{});
    if (const auto* csv = dynamic_cast<const CsvFile*>(s.get())) {
      const auto& r = dynamic_cast<const CsvFile&>(row);
      CHECK(r.path == csv->path);
      CHECK(r.delimiter == csv->delimiter);
      CHECK(r.row_count == csv->row_count);
    }
    if (const auto* gz = dynamic_cast<const CompressedCsvFile*>(s.get()))
      CHECK(dynamic_cast<const CompressedCsvFile&>(row).compression == gz->compression);
    if (const auto* soda = dynamic_cast<const Socrata*>(s.get())) {
      const auto& r = dynamic_cast<const Socrata&>(row);
      CHECK(r.domain == soda->domain);
      CHECK(r.dataset_id == soda->dataset_id);
      CHECK(r.app_token == soda->app_token);
    }
  }
  if (stitch::test::joined_layout) {
    // A row in each table of each object's lineage, and no other.
    const auto quarter = static_cast<std::int64_t>((count + 3) / 4);
    const auto rows = [&](const std::string& table) {
      return db->query_value<std::int64_t>("SELECT count(*) FROM " + table);
    };
    CHECK(rows("csv_files") == quarter + count / 4 + (count % 4 > 1 ? 1 : 0));
    CHECK(rows("compressed_csv_files") == count / 4 + (count % 4 > 1 ? 1 : 0));
    CHECK(rows("socrata") == count / 4 + (count % 4 > 2 ? 1 : 0));
  }
}

TEST_CASE("a save_all refused in a subclass's rows undoes every table and every object",
          "[persistence][bulk][errors][layout]") {
  const int count = GENERATE(9, 600);
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  const std::string socrata_table = stitch::test::joined_layout ? "socrata" : "data_sources";
  db->execute("CREATE UNIQUE INDEX index_on_dataset_id ON " + socrata_table + " (dataset_id)");
  Socrata kept;
  kept.name = "kept";
  kept.domain = "example.gov";
  kept.dataset_id = "kept-0000";
  db->save(kept);
  std::vector<std::unique_ptr<DataSource>> sources;
  for (int i = 0; i < count; ++i) {
    std::unique_ptr<DataSource> s;
    if (i % 2 == 0) {
      auto soda = std::make_unique<Socrata>();
      soda->domain = "example.gov";
      soda->dataset_id = "abcd-" + std::to_string(i);
      s = std::move(soda);
    } else {
      auto csv = std::make_unique<CsvFile>();
      csv->path = "f.csv";
      s = std::move(csv);
    }
    s->name = "source " + std::to_string(i);
    sources.push_back(std::move(s));
  }
  auto& late = dynamic_cast<Socrata&>(*sources[static_cast<std::size_t>(count - 1) / 2 * 2]);
  late.dataset_id = "kept-0000";
  CHECK_THROWS_AS(db->save_all(sources), stitch::unique_violation);
  for (const auto& s : sources) {
    CHECK(s->new_record());
    CHECK(s->id == 0);
    CHECK(s->created_at == timestamp{});
  }
  CHECK(db->all<DataSource>().count() == 1);
  if (stitch::test::joined_layout) {
    CHECK(db->query_value<std::int64_t>("SELECT count(*) FROM socrata") == 1);
    CHECK(db->query_value<std::int64_t>("SELECT count(*) FROM csv_files") == 0);
  }
  // A value PostgreSQL cannot take, named by its table and column: nothing written either.
  if (db.backend() == "postgres") {
    late.dataset_id = "fixed";
    late.domain = std::string("nul\0byte", 8);
    CHECK_THROWS_WITH(db->save_all(sources), Catch::Contains("[stitch.data_error]") &&
                                                 Catch::Contains(socrata_table + ".domain"));
    CHECK(sources.front()->new_record());
    CHECK(db->all<DataSource>().count() == 1);
  }
  late.dataset_id = "fixed";
  late.domain = "example.gov";
  db->save_all(sources);
  CHECK(db->all<DataSource>().count() == count + 1);
  CHECK(db->find<Socrata>(late.id).dataset_id == "fixed");
  CHECK(sources.front()->id > kept.id);
}

TEST_CASE("a save_all refused by a NOT NULL column in the middle of a batch writes nothing",
          "[persistence][bulk][errors]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  std::vector<NullableTag> tags(300);
  for (std::size_t i = 0; i < tags.size(); ++i) tags[i].name = "tag " + std::to_string(i);
  tags[200].name.reset();
  CHECK_THROWS_AS(db->save_all(tags), stitch::not_null_violation);
  for (const auto& t : tags) {
    CHECK(t.new_record());
    CHECK(t.id == 0);
  }
  CHECK(db->all<Tag>().count() == 0);
  tags[200].name = "tag 200";
  db->save_all(tags);
  CHECK(db->all<Tag>().count() == 300);
  CHECK(tags[200].id == tags[199].id + 1);
}
