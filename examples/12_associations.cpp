// Associations: belongs_to, has_one, has_many, through, has_and_belongs_to_many; cascading
// saves, dependent rules on destroy, the schema create_schema makes, and bad input.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct DataSourceColumns {
  std::string name;
};
struct CsvFileColumns {
  std::string path;
};
struct SocrataColumns {
  std::string domain;
};
struct ProfileColumns {
  std::int64_t data_source_id = 0;
  std::int64_t row_count = 0;
};
struct FieldColumns {
  std::int64_t data_source_id = 0;
  std::string name;
};
struct UniqueValueColumns {
  std::int64_t field_id = 0;
  std::optional<std::int64_t> category_id;  // optional: a value may be unclassified
  std::string value;
  std::int64_t count = 0;
};
struct CategoryColumns {
  std::optional<std::int64_t> parent_id;
  std::string label;
};
struct TagColumns {
  std::string label;
};
struct AgencyColumns {
  std::string name;
};

struct DataSource;
struct Profile;
struct Field;
struct UniqueValue;
struct Category;
struct Tag;

// A class used in stitch::source must be complete there, so UniqueValue comes first.
struct UniqueValue : stitch::model<UniqueValue, UniqueValueColumns> {
  stitch::belongs_to<Field> field;        // field_id
  stitch::belongs_to<Category> category;  // category_id
  stitch::has_one<DataSource, stitch::through<&UniqueValue::field>> data_source;
  using associations =
      stitch::associations<&UniqueValue::field, &UniqueValue::category, &UniqueValue::data_source>;
};

struct Field : stitch::model<Field, FieldColumns> {
  stitch::belongs_to<DataSource> data_source;  // data_source_id; loads as CsvFile or Socrata
  stitch::has_many<UniqueValue, stitch::dependent::delete_all> unique_values;  // field_id
  using associations = stitch::associations<&Field::data_source, &Field::unique_values>;
};

struct DataSource : stitch::model<DataSource, DataSourceColumns> {
  stitch::has_one<Profile, stitch::dependent::destroy> profile;  // profiles.data_source_id
  stitch::has_many<Field, stitch::dependent::destroy> fields;    // fields.data_source_id
  // Through fields: the source is inferred (Field has one association to UniqueValue).
  stitch::has_many<UniqueValue, stitch::through<&DataSource::fields>> unique_values;
  // Through a through, with the source named.
  stitch::has_many<Category, stitch::through<&DataSource::unique_values>,
                   stitch::source<&UniqueValue::category>>
      categories;
  stitch::has_and_belongs_to_many<Tag> tags;  // join table data_sources_tags
  using associations =
      stitch::associations<&DataSource::profile, &DataSource::fields, &DataSource::unique_values,
                           &DataSource::categories, &DataSource::tags>;
};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {};
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {};
template <>
struct stitch::hierarchy<DataSource> : stitch::single_table<DataSource, CsvFile, Socrata> {};

struct Profile : stitch::model<Profile, ProfileColumns> {
  stitch::belongs_to<DataSource> data_source;
  using associations = stitch::associations<&Profile::data_source>;
};

// A tree of categories. The children's key is parent_id, not the default category_id.
struct Category : stitch::model<Category, CategoryColumns> {
  stitch::belongs_to<Category> parent;  // parent_id
  stitch::has_many<Category, stitch::foreign_key<&CategoryColumns::parent_id>,
                   stitch::dependent::restrict>
      children;
  stitch::has_many<UniqueValue, stitch::dependent::nullify> unique_values;
  using associations =
      stitch::associations<&Category::parent, &Category::children, &Category::unique_values>;
};

struct Tag : stitch::model<Tag, TagColumns> {
  stitch::has_and_belongs_to_many<DataSource> data_sources;  // the same join table
  using associations = stitch::associations<&Tag::data_sources>;
};

// A join table that does not follow the Rails names.
struct Agency : stitch::model<Agency, AgencyColumns> {
  stitch::has_and_belongs_to_many<DataSource, stitch::join_table<"agency_sources">,
                                  stitch::join_keys<"agency_id", "source_id">>
      sources;
  using associations = stitch::associations<&Agency::sources>;
};

template <class T>
std::vector<std::string> labels(const T& association) {
  std::vector<std::string> out;
  for (const auto& x : association) out.push_back(x.label);
  return out;
}

int main() {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<DataSource, Profile, Field, UniqueValue, Category, Tag, Agency>();
  // The tables in the order they were created, one of them, and some indexes.
  fmt::print("tables: {}\n",
             db.query_value<std::string>(
                 "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = "
                 "'table' AND name <> 'sqlite_sequence' ORDER BY rowid)"));
  fmt::print("{}\n", db.query_value<std::string>(
                         "SELECT sql FROM sqlite_master WHERE name = 'unique_values'"));
  fmt::print("{}\n", db.query_value<std::string>(
                         "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master "
                         "WHERE type = 'index' AND tbl_name IN ('unique_values', 'categories', "
                         "'agency_sources') ORDER BY rowid)"));

  // set() with a new object: the target is saved first, by the owner's save.
  auto medical = std::make_shared<Category>();
  medical->label = "Medical";
  auto cardiac = std::make_shared<Category>();
  cardiac->label = "Cardiac";
  cardiac->parent.set(medical);
  db.save(*cardiac);
  fmt::print("Medical is {}, Cardiac's parent_id is {}\n", medical->id,
             cardiac->parent_id.value_or(0));

  // A new source with new fields and values: one save writes them all, in one transaction.
  CsvFile csv;
  csv.name = "Montgomery County 911";
  csv.path = "montgomery_911.csv";
  auto& title = csv.fields.build();
  title.name = "title";
  auto& ems = title.unique_values.build();
  ems.value = "EMS: CARDIAC EMERGENCY";
  ems.count = 41;
  ems.category.set(*cardiac);  // has a row: category_id is written when ems is saved
  auto& gas = title.unique_values.build();
  gas.value = "Fire: GAS-ODOR/LEAK";
  gas.count = 7;
  auto& twp = csv.fields.build();
  twp.name = "twp";
  auto before = db.statements_executed();
  db.save(csv);
  fmt::print("saved a source, 2 fields and 2 values: {} statements\n",
             db.statements_executed() - before);
  fmt::print(
      "source {}; fields {} and {} with data_source_id {}; values {} and {} with field_id {}\n",
      csv.id, title.id, twp.id, title.data_source_id, ems.id, gas.id, ems.field_id);

  // A persisted child that keeps its key is not written by its owner's save: save it.
  title.name = "call title";
  db.save(csv);
  fmt::print("after saving the source: {}\n", db.find<Field>(title.id).name);
  db.save(title);
  fmt::print("after saving the field: {}\n", db.find<Field>(title.id).name);

  // has_one: set() keeps the object; the owner's save inserts it with data_source_id.
  auto profile = std::make_shared<Profile>();
  profile->row_count = 104;
  csv.profile.set(profile);
  db.save(csv);
  fmt::print("profile {} has data_source_id {}\n", profile->id, profile->data_source_id);
  // Replacing it: the save inserts the new one and, under dependent::destroy, destroys the old
  // (loaded first, for its own dependent rules).
  auto newer = std::make_shared<Profile>();
  newer->row_count = 112;
  csv.profile.set(newer);
  before = db.statements_executed();
  db.save(csv);
  const auto replacing = db.statements_executed() - before;
  fmt::print("replaced the profile: {} statements; profiles: {}\n", replacing,
             db.all<Profile>().count());

  // Moving a field to another source: add it there; the save writes its new key.
  Socrata sf;
  sf.name = "San Francisco fire calls";
  sf.domain = "data.sfgov.org";
  db.save(sf);
  auto moved = std::make_shared<Field>(db.find<Field>(twp.id));
  sf.fields.add(moved);
  before = db.statements_executed();
  db.save(sf);
  fmt::print("moved field {} to source {}: {} statements\n", moved->id, moved->data_source_id,
             db.statements_executed() - before);

  // Reading: touching an association loads it. A belongs_to to a hierarchy's root loads the
  // row as its own class.
  auto field = db.find<Field>(title.id);
  fmt::print("{} belongs to {} ({})\n", field.name, field.data_source.get()->name,
             field.data_source.get()->type_name());
  auto source = db.find<DataSource>(csv.id);  // a std::unique_ptr<DataSource> holding a CsvFile
  fmt::print("{} has {} field(s) and a profile of {} rows\n", source->name, source->fields.size(),
             source->profile.get()->row_count);
  std::vector<std::string> values;
  for (const auto& v : source->unique_values) values.push_back(v.value);
  fmt::print("values through fields: {}\n", values);
  fmt::print("categories through values: {}\n", labels(source->categories));
  auto value = db.find<UniqueValue>(gas.id);
  fmt::print("{} comes from {}; category: {}\n", value.value, value.data_source.get()->name,
             value.category.get() == nullptr ? "none" : value.category.get()->label);

  // has_and_belongs_to_many: pairs of ids in the join table, written by db.link and db.unlink.
  Tag calls;
  calls.label = "911 calls";
  Tag pa;
  pa.label = "Pennsylvania";
  db.save(calls);
  db.save(pa);
  db.link(csv, &DataSource::tags, pa);
  db.link(csv, &DataSource::tags, calls);
  fmt::print("tags: {}\n", labels(csv.tags));
  try {
    db.link(pa, &Tag::data_sources, csv);  // the same pair, from the other side
  } catch (const stitch::unique_violation& e) {
    fmt::print("{}\n", e.what());
  }
  db.unlink(csv, &DataSource::tags, pa);
  fmt::print("tags after unlink: {}\n", labels(csv.tags));
  Agency county;
  county.name = "Montgomery County";
  db.save(county);
  db.link(county, &Agency::sources, csv);
  fmt::print("agency_sources rows: {}\n",
             db.query_value<std::int64_t>("SELECT count(*) FROM agency_sources"));

  // Dependent rules. restrict refuses while rows point at the owner; nothing is deleted.
  try {
    db.destroy(*medical);
  } catch (const stitch::delete_restricted& e) {
    fmt::print("{}\n", e.what());
  }
  // nullify: the values Cardiac classified become unclassified.
  db.destroy(*cardiac);
  db.reload(ems);
  fmt::print("after destroying Cardiac: category_id {}\n",
             ems.category_id ? std::to_string(*ems.category_id) : "NULL");

  // destroy of the source: its profile and fields are destroyed (each field deletes its values
  // with one statement), its tag pairs are deleted. agency_sources still points at it, and
  // DataSource declares no association for that table: the foreign key refuses, and the
  // whole destroy is rolled back.
  try {
    db.destroy(csv);
  } catch (const stitch::foreign_key_violation& e) {
    fmt::print("{}\n", e.what());
  }
  fmt::print("fields left: {}\n", db.all<Field>().count());
  db.unlink(county, &Agency::sources, csv);
  before = db.statements_executed();
  db.destroy(csv);
  const auto statements = db.statements_executed() - before;
  fmt::print(
      "destroyed the source: {} statements; left: {} source, {} field, {} values, {} "
      "profiles, {} tag pairs\n",
      statements, db.all<DataSource>().count(), db.all<Field>().count(),
      db.all<UniqueValue>().count(), db.all<Profile>().count(),
      db.query_value<std::int64_t>("SELECT count(*) FROM data_sources_tags"));

  // Bad input: a key that points at no row loads as no object.
  Field orphan;
  orphan.name = "orphan";
  orphan.data_source_id = sf.id;
  db.save(orphan);
  db.execute("PRAGMA foreign_keys = OFF");  // as a database without foreign keys allows
  db.execute("UPDATE fields SET data_source_id = 99 WHERE name = 'orphan'");
  auto reread = db.find<Field>(orphan.id);
  fmt::print("data_source_id {}: {}\n", reread.data_source_id,
             reread.data_source.get() == nullptr ? "no source" : reread.data_source.get()->name);
}
