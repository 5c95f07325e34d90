// Associations that write: belongs_to set()/clear(), has_many build()/add(), has_one set(),
// cascading saves and their rollback, db.link / db.unlink, the dependent rules of destroy,
// the schema create_schema writes for associations, and rows the associations cannot follow.
// Tests tagged [sqlite] read SQLite's catalog or use its triggers; the rest run on every
// backend.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "integration/association_models.hpp"
#include "integration/support.hpp"

using namespace assoc;

// Models of special shapes, only for these tests.
namespace assoc_writes {

/// A belongs_to whose target is a class below the root of a hierarchy.
struct ImportColumns {
  std::optional<std::int64_t> csv_file_id;
  std::string label;
};
struct Import : stitch::model<Import, ImportColumns> {
  static constexpr std::string_view table_name = "w_imports";
  stitch::belongs_to<assoc::CsvFile> csv_file;
  using associations = stitch::associations<&Import::csv_file>;
};

/// Two models whose dependent::destroy rules point at each other.
struct NodeAColumns {
  std::optional<std::int64_t> node_b_id;
  std::string label;
};
struct NodeBColumns {
  std::optional<std::int64_t> node_a_id;
  std::string label;
};
struct NodeB;
struct NodeA : stitch::model<NodeA, NodeAColumns> {
  static constexpr std::string_view table_name = "w_node_as";
  stitch::has_one<NodeB, stitch::dependent::destroy> node_b;  // NodeB::node_a_id
  using associations = stitch::associations<&NodeA::node_b>;
};
struct NodeB : stitch::model<NodeB, NodeBColumns> {
  static constexpr std::string_view table_name = "w_node_bs";
  stitch::has_many<NodeA, stitch::dependent::destroy> node_as;  // NodeA::node_b_id
  using associations = stitch::associations<&NodeB::node_as>;
};

/// A tree whose dependent::restrict is reached after other rows were already deleted.
struct ProjectColumns {
  std::string name;
};
struct DocColumns {
  std::int64_t project_id = 0;
  std::string title;
};
struct TaskColumns {
  std::int64_t project_id = 0;
  std::string title;
};
struct InvoiceColumns {
  std::int64_t task_id = 0;
  std::int64_t amount = 0;
};
struct Doc;
struct Task;
struct Invoice;
struct Project : stitch::model<Project, ProjectColumns> {
  static constexpr std::string_view table_name = "w_projects";
  stitch::has_many<Doc, stitch::dependent::destroy> docs;
  stitch::has_many<Task, stitch::dependent::destroy> tasks;
  using associations = stitch::associations<&Project::docs, &Project::tasks>;
};
struct Doc : stitch::model<Doc, DocColumns> {
  static constexpr std::string_view table_name = "w_docs";
};
struct Task : stitch::model<Task, TaskColumns> {
  static constexpr std::string_view table_name = "w_tasks";
  stitch::has_many<Invoice, stitch::dependent::restrict> invoices;
  using associations = stitch::associations<&Task::invoices>;
};
struct Invoice : stitch::model<Invoice, InvoiceColumns> {
  static constexpr std::string_view table_name = "w_invoices";
};

}  // namespace assoc_writes

namespace {

using counts = std::map<std::string, std::int64_t>;

const std::vector<std::string> association_tables = {
    "a_agencies",      "a_data_sources",       "a_fields",
    "a_unique_values", "a_comments",           "a_tags",
    "a_notes",         "a_schedules",          "a_field_stats",
    "a_attachments",   "a_data_sources_a_tags"};

std::int64_t rows(stitch::database& db, const std::string& table) {
  return db.query_value<std::int64_t>("SELECT count(*) FROM " + table);
}

template <class... Args>
std::int64_t rows_where(stitch::database& db, const std::string& table,
                        const std::string& condition, Args&&... args) {
  return db.query_value<std::int64_t>("SELECT count(*) FROM " + table + " WHERE " + condition,
                                      std::forward<Args>(args)...);
}

counts table_counts(stitch::database& db,
                    const std::vector<std::string>& tables = association_tables) {
  counts out;
  for (const auto& t : tables) out[t] = rows(db, t);
  return out;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::shared_ptr<CsvFile> new_csv(const std::string& name, const std::string& path = "x.csv") {
  auto csv = std::make_shared<CsvFile>();
  csv->name = name;
  csv->path = path;
  return csv;
}

std::shared_ptr<Socrata> new_socrata(const std::string& name) {
  auto s = std::make_shared<Socrata>();
  s->name = name;
  s->domain = "data.sfgov.org";
  return s;
}

Tag saved_tag(stitch::database& db, const std::string& label) {
  Tag t;
  t.label = label;
  db.save(t);
  return t;
}

std::optional<std::int64_t> stored_key(stitch::database& db, const std::string& table,
                                       const std::string& column, std::int64_t id) {
  return db.query_value<std::optional<std::int64_t>>(
      "SELECT " + column + " FROM " + table + " WHERE id = ?", id);
}

std::optional<std::string> stored_text(stitch::database& db, const std::string& table,
                                       const std::string& column, std::int64_t id) {
  return db.query_value<std::optional<std::string>>(
      "SELECT " + column + " FROM " + table + " WHERE id = ?", id);
}

}  // namespace

// ---- belongs_to -----------------------------------------------------------------------------

TEST_CASE(
    "belongs_to set(object) writes the key at once into a loaded owner and on save into a "
    "new one",
    "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto first = new_csv("first");
  db->save(*first);
  auto second = new_socrata("second");
  db->save(*second);

  Field field;
  field.name = "call_type";
  field.data_source.set(*first);
  CHECK(field.data_source_id == 0);  // a new owner gets its key when it is saved
  db->save(field);
  CHECK(field.data_source_id == first->id);
  CHECK(stored_key(*db, "a_fields", "data_source_id", field.id) == first->id);

  auto loaded = db->find<Field>(field.id);
  loaded.data_source.set(static_cast<const DataSource&>(*second));
  CHECK(loaded.data_source_id == second->id);  // at once
  CHECK(stored_key(*db, "a_fields", "data_source_id", field.id) == first->id);
  db->save(loaded);
  CHECK(stored_key(*db, "a_fields", "data_source_id", field.id) == second->id);
  REQUIRE(loaded.data_source.get() != nullptr);
  CHECK(loaded.data_source.get()->kind() == "socrata:data.sfgov.org");
}

TEST_CASE("belongs_to set(object) refuses an object without a row", "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  CsvFile unsaved;
  Field field;
  CHECK_THROWS_AS(field.data_source.set(unsaved), stitch::usage_error);
  CHECK(field.data_source_id == 0);
}

TEST_CASE(
    "belongs_to set(shared_ptr) to a new object saves it first and then the owner in one "
    "transaction",
    "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("new target");
  Field field;
  field.name = "f";
  field.data_source.set(csv);

  const auto before = db->statements_executed();
  db->save(field);
  // BEGIN, the data source's INSERT (one per table), the field's INSERT, COMMIT.
  CHECK(db->statements_executed() - before == 3 + stitch::test::subclass_write_inside);
  CHECK(csv->persisted());
  CHECK(field.persisted());
  CHECK(field.data_source_id == csv->id);
  CHECK(field.data_source.get() == csv.get());
  CHECK(stored_text(*db, "a_data_sources", "type", csv->id) == "CsvFile");
  CHECK(stored_key(*db, "a_fields", "data_source_id", field.id) == csv->id);

  // On an owner that has a row the key is written by its save, after the new target's.
  auto loaded = db->find<Field>(field.id);
  auto socrata = new_socrata("later");
  loaded.data_source.set(socrata);
  CHECK(loaded.data_source_id == csv->id);
  db->save(loaded);
  CHECK(socrata->persisted());
  CHECK(loaded.data_source_id == socrata->id);
  CHECK(stored_key(*db, "a_fields", "data_source_id", field.id) == socrata->id);
  CHECK(rows(*db, "a_data_sources") == 2);
}

TEST_CASE(
    "belongs_to set(shared_ptr) to a new object that is saved on its own before the "
    "owner gives the owner the object's id",
    "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);

  // A new owner.
  auto csv = new_csv("saved first");
  Field field;
  field.name = "f";
  field.data_source.set(csv);
  db->save(*csv);
  REQUIRE(csv->persisted());
  db->save(field);
  CHECK(field.data_source_id == csv->id);
  CHECK(stored_key(*db, "a_fields", "data_source_id", field.id) == csv->id);

  // An owner that has a row, with an optional key and a polymorphic one.
  Note note;
  note.text = "n";
  db->save(note);
  auto loaded = db->find<Note>(note.id);
  auto socrata = new_socrata("saved first too");
  loaded.source.set(socrata);
  Comment comment;
  comment.body = "c";
  comment.commentable.set(socrata);
  db->save(*socrata);
  db->save(loaded);
  db->save(comment);
  CHECK(loaded.source_id == socrata->id);
  CHECK(stored_key(*db, "a_notes", "source_id", note.id) == socrata->id);
  CHECK(comment.commentable_id == socrata->id);
  CHECK(stored_key(*db, "a_comments", "commentable_id", comment.id) == socrata->id);
}

TEST_CASE("a failed save of an owner and its new target writes neither and leaves both new",
          "[associations][writes][errors]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  db->execute("CREATE UNIQUE INDEX w_fields_unique_name ON a_fields (name)");
  auto existing = new_csv("existing");
  auto& taken = existing->fields.build();
  taken.name = "taken";
  db->save(*existing);
  const auto before = table_counts(*db);

  auto csv = new_csv("new target");
  Field field;
  field.name = "taken";
  field.data_source.set(csv);
  CHECK_THROWS_AS(db->save(field), stitch::unique_violation);
  CHECK(table_counts(*db) == before);
  CHECK(csv->new_record());
  CHECK(csv->id == 0);
  CHECK(field.new_record());
  CHECK(field.id == 0);
}

TEST_CASE("a cascading save that failed saves the new target again when it is retried",
          "[associations][writes][errors]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  db->execute("CREATE UNIQUE INDEX w_fields_unique_name ON a_fields (name)");
  auto existing = new_csv("existing");
  existing->fields.build().name = "taken";
  db->save(*existing);

  auto csv = new_csv("new target");
  Field field;
  field.name = "taken";
  field.data_source.set(csv);
  REQUIRE_THROWS_AS(db->save(field), stitch::unique_violation);

  field.name = "free";
  db->save(field);
  CHECK(csv->persisted());
  CHECK(csv->id != 0);
  CHECK(field.data_source_id == csv->id);
  CHECK(stored_key(*db, "a_fields", "data_source_id", field.id) == csv->id);
  CHECK(rows(*db, "a_data_sources") == 2);
}

TEST_CASE("clear() writes NULL into an optional foreign key", "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("source");
  db->save(*csv);

  Note note;
  note.text = "n";
  note.source.set(*csv);
  db->save(note);
  REQUIRE(stored_key(*db, "a_notes", "source_id", note.id) == csv->id);

  auto loaded = db->find<Note>(note.id);
  loaded.source.clear();
  CHECK_FALSE(loaded.source_id.has_value());  // at once
  CHECK(loaded.source.get() == nullptr);
  db->save(loaded);
  CHECK_FALSE(stored_key(*db, "a_notes", "source_id", note.id).has_value());

  // A new owner: set, then cleared before its save.
  Note fresh;
  fresh.text = "fresh";
  fresh.source.set(*csv);
  fresh.source.clear();
  db->save(fresh);
  CHECK_FALSE(stored_key(*db, "a_notes", "source_id", fresh.id).has_value());

  // A polymorphic one clears its type too.
  Comment comment;
  comment.body = "c";
  comment.commentable.set(*csv);
  db->save(comment);
  auto loaded_comment = db->find<Comment>(comment.id);
  loaded_comment.commentable.clear();
  CHECK_FALSE(loaded_comment.commentable_type.has_value());
  CHECK_FALSE(loaded_comment.commentable_id.has_value());
  db->save(loaded_comment);
  CHECK_FALSE(stored_text(*db, "a_comments", "commentable_type", comment.id).has_value());
  CHECK_FALSE(stored_key(*db, "a_comments", "commentable_id", comment.id).has_value());
}

TEST_CASE("clear() on a foreign key that is not optional throws usage_error and writes nothing",
          "[associations][writes][errors]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("source");
  auto& built = csv->fields.build();
  built.name = "f";
  db->save(*csv);

  auto loaded = db->find<Field>(built.id);
  try {
    loaded.data_source.clear();
    FAIL("clear() of a non-optional key did not throw");
  } catch (const stitch::usage_error& e) {
    CHECK(contains(e.what(), "[stitch.usage_error]"));
    CHECK(contains(e.what(), "Field::data_source"));
  }
  CHECK(loaded.data_source_id == csv->id);

  // A new owner learns it when it is saved; nothing is written.
  Field fresh;
  fresh.name = "fresh";
  fresh.data_source.set(*csv);
  fresh.data_source.clear();
  const auto before = table_counts(*db);
  CHECK_THROWS_AS(db->save(fresh), stitch::usage_error);
  CHECK(table_counts(*db) == before);
  CHECK(fresh.new_record());
}

TEST_CASE("a clear() that throws leaves the association as it was",
          "[associations][writes][errors]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("source");
  auto& built = csv->fields.build();
  built.name = "f";
  db->save(*csv);

  auto loaded = db->find<Field>(built.id);
  REQUIRE_THROWS_AS(loaded.data_source.clear(), stitch::usage_error);
  CHECK(loaded.data_source_id == csv->id);
  // It still points at the data source, and the owner still saves.
  CHECK(loaded.data_source.get() != nullptr);
  CHECK_NOTHROW(db->save(loaded));
}

TEST_CASE(
    "a polymorphic belongs_to stores the root's name for a class of a hierarchy and the "
    "class name for a plain model",
    "[associations][writes][polymorphic]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  auto& field = csv->fields.build();
  field.name = "f";
  db->save(*csv);

  Comment on_csv;
  on_csv.body = "on csv";
  on_csv.commentable.set(*csv);
  Comment on_field;
  on_field.body = "on field";
  on_field.commentable.set(field);
  Comment on_new_socrata;
  on_new_socrata.body = "on a new socrata";
  auto socrata = new_socrata("new");
  on_new_socrata.commentable.set(socrata);
  std::vector<Comment*> all{&on_csv, &on_field, &on_new_socrata};
  db->save_all(all);

  CHECK(on_csv.commentable_type == "DataSource");
  CHECK(on_csv.commentable_id == csv->id);
  CHECK(stored_text(*db, "a_comments", "commentable_type", on_csv.id) == "DataSource");
  CHECK(stored_text(*db, "a_comments", "commentable_type", on_field.id) == "Field");
  CHECK(stored_key(*db, "a_comments", "commentable_id", on_field.id) == field.id);
  CHECK(socrata->persisted());
  CHECK(stored_text(*db, "a_comments", "commentable_type", on_new_socrata.id) == "DataSource");
  CHECK(stored_key(*db, "a_comments", "commentable_id", on_new_socrata.id) == socrata->id);

  // They load back as their own classes.
  auto loaded = db->find<Comment>(on_new_socrata.id);
  CHECK(dynamic_cast<Socrata*>(loaded.commentable.get()) != nullptr);
}

TEST_CASE("a polymorphic belongs_to with store_concrete_class stores the concrete class",
          "[associations][writes][polymorphic]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  auto socrata = new_socrata("socrata");
  DataSource plain;
  plain.name = "plain";
  auto& field = csv->fields.build();
  field.name = "f";
  db->save(*csv);
  db->save(*socrata);
  db->save(plain);

  Attachment a_csv, a_socrata, a_plain, a_field;
  a_csv.attachable.set(*csv);
  a_socrata.attachable.set(std::static_pointer_cast<DataSource>(socrata));
  a_plain.attachable.set(plain);
  a_field.attachable.set(field);
  for (auto* a : {&a_csv, &a_socrata, &a_plain, &a_field}) db->save(*a);

  CHECK(stored_text(*db, "a_attachments", "attachable_type", a_csv.id) == "CsvFile");
  CHECK(stored_text(*db, "a_attachments", "attachable_type", a_socrata.id) == "Socrata");
  CHECK(stored_text(*db, "a_attachments", "attachable_type", a_plain.id) == "DataSource");
  CHECK(stored_text(*db, "a_attachments", "attachable_type", a_field.id) == "Field");
  CHECK(stored_key(*db, "a_attachments", "attachable_id", a_socrata.id) == socrata->id);

  auto loaded = db->find<Attachment>(a_csv.id);
  auto* target = dynamic_cast<CsvFile*>(loaded.attachable.get());
  REQUIRE(target != nullptr);
  CHECK(target->id == csv->id);
}

TEST_CASE(
    "a belongs_to given an object of a class it does not accept through a base class "
    "throws association_mismatch",
    "[associations][writes][errors]") {
  stitch::test::test_database db;
  db->create_schema<DataSource, Field, UniqueValue, Comment, Tag, Attachment,
                    assoc_writes::Import>();
  auto csv = new_csv("csv");
  db->save(*csv);
  auto socrata = new_socrata("socrata");
  db->save(*socrata);
  Tag tag = saved_tag(*db, "t");

  assoc_writes::Import import;
  import.label = "i";
  import.csv_file.set(std::shared_ptr<DataSource>(csv));  // a CsvFile through its base: fine
  db->save(import);
  CHECK(import.csv_file_id == csv->id);

  const std::shared_ptr<DataSource> wrong = socrata;
  try {
    import.csv_file.set(wrong);
    FAIL("belongs_to<CsvFile> accepted a Socrata");
  } catch (const stitch::association_mismatch& e) {
    CHECK(contains(e.what(), "[stitch.association_mismatch]"));
    CHECK(contains(e.what(), "Socrata"));
  }
  CHECK_THROWS_AS(import.csv_file.set(static_cast<const DataSource&>(*socrata)),
                  stitch::association_mismatch);
  // The association is left as it was.
  CHECK(import.csv_file_id == csv->id);
  CHECK(import.csv_file.get() == csv.get());
  db->save(import);
  CHECK(stored_key(*db, "w_imports", "csv_file_id", import.id) == csv->id);

  // A polymorphic one, given a model outside its list as a stitch::record.
  Comment comment;
  comment.body = "c";
  CHECK_THROWS_AS(comment.commentable.set(static_cast<const stitch::record&>(tag)),
                  stitch::association_mismatch);
  CHECK_THROWS_AS(comment.commentable.set(std::shared_ptr<stitch::record>(std::make_shared<Tag>())),
                  stitch::association_mismatch);
  Attachment attachment;
  CHECK_THROWS_AS(
      attachment.attachable.set(std::shared_ptr<stitch::record>(std::make_shared<UniqueValue>())),
      stitch::association_mismatch);
  CHECK_FALSE(comment.commentable_type.has_value());
  CHECK_FALSE(attachment.attachable_type.has_value());
}

// ---- has_many, has_one ----------------------------------------------------------------------

TEST_CASE(
    "has_many build() and add() insert the children with their key when the owner is "
    "saved",
    "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);

  auto csv = new_csv("new owner");
  auto& built = csv->fields.build();
  built.name = "built";
  auto added = std::make_shared<Field>();
  added->name = "added";
  csv->fields.add(added);
  CHECK(csv->fields.size() == 2);
  const auto before = db->statements_executed();
  db->save(*csv);
  // BEGIN, the source's INSERT, 2 INSERTs, COMMIT.
  CHECK(db->statements_executed() - before == 4 + stitch::test::subclass_write_inside);
  CHECK(built.persisted());
  CHECK(added->persisted());
  CHECK(built.data_source_id == csv->id);
  CHECK(added->data_source_id == csv->id);
  CHECK(rows_where(*db, "a_fields", "data_source_id = ?", csv->id) == 2);

  // An owner that has a row.
  auto loaded = db->find<DataSource>(csv->id);
  auto& third = loaded->fields.build();
  third.name = "third";
  db->save(*loaded);
  CHECK(third.persisted());
  CHECK(third.data_source_id == csv->id);
  CHECK(rows_where(*db, "a_fields", "data_source_id = ?", csv->id) == 3);

  // add() of a child that has a row moves it to the new owner.
  auto other = new_socrata("other");
  db->save(*other);
  auto moved = std::make_shared<Field>(db->find<Field>(added->id));
  other->fields.add(moved);
  db->save(*other);
  CHECK(moved->data_source_id == other->id);
  CHECK(stored_key(*db, "a_fields", "data_source_id", added->id) == other->id);
  CHECK(rows(*db, "a_fields") == 3);
}

TEST_CASE("has_many as<> build() writes the owner's key and type into the children",
          "[associations][writes][polymorphic]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  auto& comment = csv->comments.build();
  comment.body = "on the csv";
  auto& attachment = csv->attachments.build();
  attachment.filename = "a.pdf";
  auto& field = csv->fields.build();
  field.name = "f";
  auto& field_comment = field.comments.build();
  field_comment.body = "on the field";
  db->save(*csv);

  CHECK(comment.commentable_type == "DataSource");
  CHECK(comment.commentable_id == csv->id);
  CHECK(stored_text(*db, "a_comments", "commentable_type", comment.id) == "DataSource");
  CHECK(stored_key(*db, "a_comments", "commentable_id", comment.id) == csv->id);
  // store_concrete_class on the other side: the owner's own class.
  CHECK(stored_text(*db, "a_attachments", "attachable_type", attachment.id) == "CsvFile");
  CHECK(stored_key(*db, "a_attachments", "attachable_id", attachment.id) == csv->id);
  CHECK(stored_text(*db, "a_comments", "commentable_type", field_comment.id) == "Field");
  CHECK(stored_key(*db, "a_comments", "commentable_id", field_comment.id) == field.id);

  // They load back through the association.
  auto loaded = db->find<DataSource>(csv->id);
  CHECK(loaded->comments.size() == 1);
  CHECK(loaded->attachments.size() == 1);
}

TEST_CASE(
    "one save inserts a whole new graph of a data source with fields and unique values in "
    "one transaction",
    "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("graph");
  for (const char* name : {"call_type", "priority"}) {
    auto& f = csv->fields.build();
    f.name = name;
    for (int i = 0; i < 3; ++i) {
      auto& uv = f.unique_values.build();
      uv.value = std::string(name) + "-" + std::to_string(i);
      uv.count = i + 1;
    }
  }
  const auto before = db->statements_executed();
  db->save(*csv);
  // BEGIN, 1 + 2 + 6 INSERTs, COMMIT: one statement per row, in one transaction.
  CHECK(db->statements_executed() - before == 10 + stitch::test::subclass_write_inside);

  CHECK(csv->persisted());
  std::vector<std::int64_t> field_ids;
  for (auto& f : csv->fields) {
    CHECK(f.persisted());
    CHECK(f.data_source_id == csv->id);
    field_ids.push_back(f.id);
    for (auto& uv : f.unique_values) {
      CHECK(uv.persisted());
      CHECK(uv.id != 0);
      CHECK(uv.field_id == f.id);
      CHECK(rows_where(*db, "a_unique_values", "id = ? AND field_id = ?", uv.id, f.id) == 1);
    }
  }
  REQUIRE(field_ids.size() == 2);
  CHECK(field_ids[0] != field_ids[1]);
  CHECK(rows(*db, "a_data_sources") == 1);
  CHECK(rows(*db, "a_fields") == 2);
  CHECK(rows(*db, "a_unique_values") == 6);

  // Saving again with nothing changed writes no child: the source's UPDATE only.
  const auto again = db->statements_executed();
  db->save(*csv);
  CHECK(db->statements_executed() - again == stitch::test::subclass_write);
}

TEST_CASE("has_one set() gives the new object the owner's key when the owner is saved",
          "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  auto schedule = std::make_shared<Schedule>();
  schedule->cron = "0 * * * *";
  csv->schedule.set(schedule);
  auto& field = csv->fields.build();
  field.name = "f";
  auto stats = std::make_shared<FieldStats>();
  stats->distinct_count = 7;
  field.stats.set(stats);
  db->save(*csv);

  CHECK(schedule->persisted());
  CHECK(schedule->owner_ref == csv->id);
  CHECK(stored_key(*db, "a_schedules", "owner_ref", schedule->id) == csv->id);
  CHECK(stats->persisted());
  CHECK(stats->field_id == field.id);
  CHECK(stored_key(*db, "a_field_stats", "field_id", stats->id) == field.id);

  auto loaded = db->find<DataSource>(csv->id);
  REQUIRE(loaded->schedule.get() != nullptr);
  CHECK(loaded->schedule.get()->id == schedule->id);
}

TEST_CASE("has_one set() on an owner that has one makes the new object the one that loads",
          "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  auto old_schedule = std::make_shared<Schedule>();
  old_schedule->cron = "old";
  csv->schedule.set(old_schedule);
  db->save(*csv);

  auto replacement = std::make_shared<Schedule>();
  replacement->cron = "new";
  csv->schedule.set(replacement);
  db->save(*csv);
  CHECK(replacement->owner_ref == csv->id);

  auto loaded = db->find<DataSource>(csv->id);
  REQUIRE(loaded->schedule.get() != nullptr);
  CHECK(loaded->schedule.get()->cron == "new");
  // Only one schedule points at the data source.
  CHECK(rows_where(*db, "a_schedules", "owner_ref = ?", csv->id) == 1);
}

TEST_CASE("save_all saves what each object's associations hold in one transaction",
          "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  std::vector<std::shared_ptr<DataSource>> sources;
  for (int i = 0; i < 3; ++i) {
    auto csv = new_csv("csv" + std::to_string(i));
    csv->fields.build().name = "a" + std::to_string(i);
    csv->fields.build().name = "b" + std::to_string(i);
    sources.push_back(csv);
  }
  const auto before = db->statements_executed();
  db->save_all(sources);
  CHECK(db->statements_executed() - before == 2 + 3 * stitch::test::subclass_write_inside + 6);
  for (const auto& s : sources) {
    CHECK(s->persisted());
    CHECK(rows_where(*db, "a_fields", "data_source_id = ?", s->id) == 2);
    for (auto& f : s->fields) CHECK(f.data_source_id == s->id);
  }
}

TEST_CASE("save_all inserts a new target that two owners share once and gives both its id",
          "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto shared = new_socrata("shared");
  Comment c1, c2;
  c1.body = "one";
  c2.body = "two";
  c1.commentable.set(shared);
  c2.commentable.set(shared);
  std::vector<Comment*> comments{&c1, &c2};
  db->save_all(comments);
  CHECK(rows(*db, "a_data_sources") == 1);
  CHECK(c1.commentable_id == shared->id);
  CHECK(c2.commentable_id == shared->id);
  CHECK(stored_key(*db, "a_comments", "commentable_id", c2.id) == shared->id);
}

TEST_CASE("save_all takes an object that an earlier object's save already inserted",
          "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  Field first;
  first.name = "first";
  first.data_source.set(csv);
  auto& second = csv->fields.build();  // inserted by first's save, through csv
  second.name = "second";
  std::vector<Field*> fields{&first, &second};
  CHECK_NOTHROW(db->save_all(fields));
  CHECK(rows(*db, "a_fields") == 2);
  CHECK(second.data_source_id == csv->id);
  CHECK(first.data_source_id == csv->id);
}

TEST_CASE("saving a new cycle of objects writes every key it sets", "[associations][writes]") {
  using namespace assoc_writes;
  stitch::test::test_database db;
  db->create_schema<NodeA, NodeB>();
  auto a = std::make_shared<NodeA>();
  a->label = "a";
  auto b = std::make_shared<NodeB>();
  b->label = "b";
  a->node_b.set(b);       // b.node_a_id = a.id
  b->node_as.add(a);      // a.node_b_id = b.id
  struct cycle_breaker {  // the two shared_ptrs own each other: let them go at the end
    std::shared_ptr<NodeB> b;
    ~cycle_breaker() { b->node_as.reset(); }
  } breaker{b};
  db->save(*a);
  REQUIRE(a->persisted());
  REQUIRE(b->persisted());
  CHECK(b->node_a_id == a->id);
  CHECK(a->node_b_id == b->id);
  // What the objects say is what the rows hold.
  CHECK(stored_key(*db, "w_node_bs", "node_a_id", b->id) == b->node_a_id);
  CHECK(stored_key(*db, "w_node_as", "node_b_id", a->id).value_or(0) == a->node_b_id.value_or(0));
}

TEST_CASE(
    "a failure in the middle of a cascading save rolls back every row and every object's "
    "state",
    "[associations][writes][errors]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  db->execute("CREATE UNIQUE INDEX w_unique_values_unique_value ON a_unique_values (value)");
  const auto before = table_counts(*db);

  auto csv = new_csv("graph");
  auto& first = csv->fields.build();
  first.name = "first";
  first.unique_values.build().value = "ok";
  auto& second = csv->fields.build();
  second.name = "second";
  auto& good = second.unique_values.build();
  good.value = "dup";
  auto& bad = second.unique_values.build();  // violates the unique index
  bad.value = "dup";
  auto schedule = std::make_shared<Schedule>();
  schedule->cron = "c";
  csv->schedule.set(schedule);

  CHECK_THROWS_AS(db->save(*csv), stitch::unique_violation);
  CHECK(table_counts(*db) == before);
  const std::vector<const stitch::record*> objects{
      csv.get(), &first, &second, &good, &bad, first.unique_values.shared()[0].get()};
  for (const auto* r : objects) {
    CHECK(r->new_record());
    CHECK(r->id == 0);
  }
  CHECK(schedule->new_record());

  // Fixed, the same objects save.
  bad.value = "other";
  db->save(*csv);
  CHECK(rows(*db, "a_fields") == 2);
  CHECK(rows(*db, "a_unique_values") == 3);
  CHECK(rows(*db, "a_schedules") == 1);
  CHECK(second.data_source_id == csv->id);
  CHECK(bad.field_id == second.id);
  CHECK(schedule->owner_ref == csv->id);

  // save_all: a failure in the second object's graph rolls back the first's as well.
  const auto middle = table_counts(*db);
  std::vector<std::shared_ptr<DataSource>> sources{new_csv("a"), new_csv("b")};
  auto& a_field = sources[0]->fields.build();
  a_field.name = "a";
  auto& b_field = sources[1]->fields.build();
  b_field.name = "b";
  b_field.unique_values.build().value = "ok";  // taken above
  CHECK_THROWS_AS(db->save_all(sources), stitch::unique_violation);
  CHECK(table_counts(*db) == middle);
  CHECK(sources[0]->new_record());
  CHECK(sources[0]->id == 0);
  CHECK(a_field.new_record());
  CHECK(a_field.id == 0);
}

TEST_CASE("a cascading save or destroy that fails inside a transaction rolls back only itself",
          "[associations][writes][dependent][transaction]") {
  using namespace assoc_writes;
  stitch::test::test_database db;
  db->create_schema<Project, Doc, Task, Invoice>();
  db->execute("CREATE UNIQUE INDEX w_docs_unique_title ON w_docs (title)");
  Project billed;
  billed.name = "billed";
  billed.tasks.build().invoices.build().amount = 5;
  db->save(billed);

  auto tx = db->transaction(stitch::intent::write);
  Project kept;
  kept.name = "kept";
  kept.docs.build().title = "spec";
  db->save(kept);
  // A cascading save that fails on its second doc.
  Project failed;
  failed.name = "failed";
  failed.docs.build().title = "plan";
  failed.docs.build().title = "spec";
  CHECK_THROWS_AS(db->save(failed), stitch::unique_violation);
  CHECK(failed.new_record());
  // A destroy that fails on dependent::restrict.
  auto loaded = db->find<Project>(billed.id);
  CHECK_THROWS_AS(db->destroy(loaded), stitch::delete_restricted);
  tx.commit();

  CHECK(rows(*db, "w_projects") == 2);
  CHECK(rows(*db, "w_docs") == 1);
  CHECK(rows(*db, "w_tasks") == 1);
  CHECK(rows(*db, "w_invoices") == 1);
  CHECK(kept.persisted());
  CHECK(rows_where(*db, "w_docs", "project_id = ?", kept.id) == 1);
}

// ---- has_and_belongs_to_many ----------------------------------------------------------------

TEST_CASE("db.link and db.unlink write and remove join rows", "[associations][writes][habtm]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  auto socrata = new_socrata("socrata");
  db->save(*csv);
  db->save(*socrata);
  Tag red = saved_tag(*db, "red");
  Tag blue = saved_tag(*db, "blue");
  const std::string pair = "data_source_id = ? AND tag_id = ?";

  CHECK(csv->tags.empty());
  db->link(*csv, &DataSource::tags, red);
  db->link(*csv, &DataSource::tags, blue);
  db->link(red, &Tag::data_sources, *socrata);  // from the other side
  CHECK(rows(*db, "a_data_sources_a_tags") == 3);
  CHECK(rows_where(*db, "a_data_sources_a_tags", pair, csv->id, red.id) == 1);
  CHECK(rows_where(*db, "a_data_sources_a_tags", pair, csv->id, blue.id) == 1);
  CHECK(rows_where(*db, "a_data_sources_a_tags", pair, socrata->id, red.id) == 1);
  CHECK(csv->tags.size() == 2);  // loaded again after the link
  CHECK(red.data_sources.size() == 2);

  db->unlink(*csv, &DataSource::tags, red);
  CHECK(rows(*db, "a_data_sources_a_tags") == 2);
  CHECK(rows_where(*db, "a_data_sources_a_tags", pair, csv->id, red.id) == 0);
  REQUIRE(csv->tags.size() == 1);
  CHECK(csv->tags.at(0).label == "blue");
  db->unlink(*socrata, &DataSource::tags, red);
  CHECK(rows(*db, "a_data_sources_a_tags") == 1);
  CHECK(rows(*db, "a_tags") == 2);  // unlink removes the pair, never the objects
  CHECK(rows(*db, "a_data_sources") == 2);

  // The join table's unique index refuses the same pair twice.
  CHECK_THROWS_AS(db->link(*csv, &DataSource::tags, blue), stitch::unique_violation);
  CHECK(rows(*db, "a_data_sources_a_tags") == 1);
}

TEST_CASE(
    "linking an object without a row or of a class the association does not accept "
    "throws and writes nothing",
    "[associations][writes][habtm][errors]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  db->save(*csv);
  Tag saved = saved_tag(*db, "saved");
  Tag unsaved;
  unsaved.label = "unsaved";
  CsvFile unsaved_csv;

  CHECK_THROWS_AS(db->link(*csv, &DataSource::tags, unsaved), stitch::usage_error);
  CHECK_THROWS_AS(db->link(unsaved_csv, &DataSource::tags, saved), stitch::usage_error);
  CHECK_THROWS_AS(db->unlink(*csv, &DataSource::tags, unsaved), stitch::usage_error);
  CHECK_THROWS_AS(db->link(*csv, &DataSource::tags, static_cast<const stitch::record&>(*csv)),
                  stitch::association_mismatch);
  CHECK(rows(*db, "a_data_sources_a_tags") == 0);
  CHECK(unsaved.new_record());
}

// ---- dependent rules --------------------------------------------------------------------------

TEST_CASE("destroy runs the dependent rules down the tree and leaves other owners' rows alone",
          "[associations][dependent]") {
  stitch::test::test_database db;
  create_association_schema(*db);

  auto build_tree = [&](const std::shared_ptr<DataSource>& ds) {
    for (const char* name : {"a", "b"}) {
      auto& f = ds->fields.build();
      f.name = ds->name + name;
      f.unique_values.build().value = "x";
      f.unique_values.build().value = "y";
      f.comments.build().body = "field comment";
      auto stats = std::make_shared<FieldStats>();
      stats->distinct_count = 2;
      f.stats.set(stats);
      f.attachments.build().filename = "field.pdf";
    }
    ds->comments.build().body = "c1";
    ds->comments.build().body = "c2";
    ds->attachments.build().filename = "ds.pdf";
    auto schedule = std::make_shared<Schedule>();
    schedule->cron = "c";
    ds->schedule.set(schedule);
    db->save(*ds);
    for (const char* text : {"n1", "n2"}) {
      Note n;
      n.text = text;
      n.source.set(*ds);
      db->save(n);
    }
  };
  auto doomed = new_csv("doomed");
  auto kept = new_socrata("kept");
  build_tree(doomed);
  build_tree(kept);
  Tag tag = saved_tag(*db, "t");
  db->link(*doomed, &DataSource::tags, tag);
  db->link(*kept, &DataSource::tags, tag);
  const auto before = table_counts(*db);
  const auto doomed_id = doomed->id;

  auto target = db->find<DataSource>(doomed_id);
  CHECK(db->destroy(*target));
  CHECK(target->new_record());
  CHECK(target->id == doomed_id);

  auto after = table_counts(*db);
  CHECK(after["a_data_sources"] == before.at("a_data_sources") - 1);
  CHECK(after["a_fields"] == before.at("a_fields") - 2);                // destroy
  CHECK(after["a_unique_values"] == before.at("a_unique_values") - 4);  // destroy, below
  CHECK(after["a_field_stats"] == before.at("a_field_stats") - 2);      // delete_all (has_one)
  CHECK(after["a_schedules"] == before.at("a_schedules") - 1);          // destroy (has_one)
  // The data source's attachments are destroyed; the fields' (no dependent rule) stay.
  CHECK(after["a_attachments"] == before.at("a_attachments") - 1);
  // Field comments are deleted; the data source's are nullified and stay.
  CHECK(after["a_comments"] == before.at("a_comments") - 2);
  CHECK(rows_where(*db, "a_comments", "commentable_type IS NULL AND commentable_id IS NULL") == 2);
  CHECK(rows_where(*db, "a_comments", "commentable_type IS NULL OR commentable_id IS NULL") == 2);
  CHECK(rows_where(*db, "a_notes", "source_id IS NULL") == 2);
  CHECK(after["a_notes"] == before.at("a_notes"));
  // The join rows go with the owner; the tag stays.
  CHECK(after["a_data_sources_a_tags"] == before.at("a_data_sources_a_tags") - 1);
  CHECK(after["a_tags"] == before.at("a_tags"));

  // The other tree is whole.
  CHECK(rows_where(*db, "a_fields", "data_source_id = ?", kept->id) == 2);
  CHECK(rows_where(*db, "a_comments", "commentable_type = 'DataSource' AND commentable_id = ?",
                   kept->id) == 2);
  CHECK(rows_where(*db, "a_notes", "source_id = ?", kept->id) == 2);
  CHECK(rows_where(*db, "a_schedules", "owner_ref = ?", kept->id) == 1);
  CHECK(rows_where(*db, "a_data_sources_a_tags", "data_source_id = ?", kept->id) == 1);
  CHECK(rows(*db, "a_unique_values") == 4);
}

TEST_CASE("destroy marks the loaded objects it destroyed as new records",
          "[associations][dependent]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  auto& f = csv->fields.build();
  f.name = "f";
  f.unique_values.build().value = "v";
  db->save(*csv);

  auto loaded = db->find<DataSource>(csv->id);
  db->load(*loaded, &DataSource::fields, &Field::unique_values);
  const auto fields = loaded->fields.shared();  // held by the test past the destroy
  REQUIRE(fields.size() == 1);
  const auto values = fields[0]->unique_values.shared();
  REQUIRE(values.size() == 1);
  CHECK(db->destroy(*loaded));
  CHECK(loaded->new_record());
  CHECK(fields[0]->new_record());
  CHECK(values[0]->new_record());
  CHECK(rows(*db, "a_fields") == 0);
  CHECK(rows(*db, "a_unique_values") == 0);
}

TEST_CASE("destroy of an owner whose loaded children nobody else holds is memory-safe",
          "[associations][dependent]") {
  // Under AddressSanitizer this shows destroy() touching the unique value it loaded after
  // freeing it; elsewhere it checks the rows only.
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  auto& field = csv->fields.build();
  field.name = "f";
  field.unique_values.build().value = "v";
  db->save(*csv);

  auto loaded = db->find<Field>(field.id);  // destroy loads its unique values itself
  CHECK(db->destroy(loaded));
  CHECK(loaded.new_record());
  CHECK(rows(*db, "a_unique_values") == 0);
  CHECK(rows(*db, "a_fields") == 0);
}

TEST_CASE("dependent::delete_all deletes the rows with one statement without loading them",
          "[associations][dependent]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  db->save(*csv);

  // The statements of destroying a field with n comments (and its has_one stats).
  auto destroy_statements = [&](int n) {
    Field f;
    f.name = "f" + std::to_string(n);
    f.data_source.set(*csv);
    for (int i = 0; i < n; ++i) f.comments.build().body = "c" + std::to_string(i);
    auto stats = std::make_shared<FieldStats>();
    f.stats.set(stats);
    db->save(f);
    REQUIRE(rows_where(*db, "a_comments", "commentable_type = 'Field' AND commentable_id = ?",
                       f.id) == n);
    auto loaded = db->find<Field>(f.id);
    const auto before = db->statements_executed();
    CHECK(db->destroy(loaded));
    CHECK(rows_where(*db, "a_comments", "commentable_id = ?", f.id) == 0);
    CHECK(rows_where(*db, "a_field_stats", "field_id = ?", f.id) == 0);
    return db->statements_executed() - before;
  };
  const auto one = destroy_statements(1);
  const auto twenty = destroy_statements(20);
  CHECK(one == twenty);
  CHECK(rows(*db, "a_comments") == 0);
}

TEST_CASE("dependent rules on an as<> association touch only rows of the owner's type",
          "[associations][dependent][polymorphic]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto owner = new_csv("owner");
  db->save(*owner);
  auto other = new_socrata("other");
  db->save(*other);
  // Fields whose ids are the data sources' ids, so that comments differ only in their type.
  Field same_as_owner;
  same_as_owner.id = owner->id;
  same_as_owner.name = "same as owner";
  same_as_owner.data_source.set(*other);
  db->save(same_as_owner);
  Field same_as_other;
  same_as_other.id = other->id;
  same_as_other.name = "same as other";
  same_as_other.data_source.set(*other);
  db->save(same_as_other);
  REQUIRE(same_as_owner.id == owner->id);
  REQUIRE(same_as_other.id == other->id);

  auto comment_on = [&](const auto& target, const std::string& body) {
    Comment c;
    c.body = body;
    c.commentable.set(target);
    db->save(c);
    return c.id;
  };
  const auto on_owner = comment_on(*owner, "owner");
  const auto on_same_as_owner = comment_on(same_as_owner, "field 1");
  const auto on_other = comment_on(*other, "other");
  const auto on_same_as_other = comment_on(same_as_other, "field 2");

  // nullify (DataSource::comments) leaves the field's comment with the same id alone.
  CHECK(db->destroy(*owner));
  CHECK_FALSE(stored_text(*db, "a_comments", "commentable_type", on_owner).has_value());
  CHECK_FALSE(stored_key(*db, "a_comments", "commentable_id", on_owner).has_value());
  CHECK(stored_text(*db, "a_comments", "commentable_type", on_same_as_owner) == "Field");
  CHECK(stored_key(*db, "a_comments", "commentable_id", on_same_as_owner) == owner->id);

  // delete_all (Field::comments) leaves the data source's comment with the same id alone.
  auto field = db->find<Field>(same_as_other.id);
  CHECK(db->destroy(field));
  CHECK(rows_where(*db, "a_comments", "id = ?", on_same_as_other) == 0);
  CHECK(stored_text(*db, "a_comments", "commentable_type", on_other) == "DataSource");
  CHECK(stored_key(*db, "a_comments", "commentable_id", on_other) == other->id);
  CHECK(rows(*db, "a_comments") == 3);
}

TEST_CASE("dependent::restrict refuses to destroy an owner that has rows and deletes nothing",
          "[associations][dependent][errors]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  Agency agency;
  agency.name = "SFFD";
  db->save(agency);
  auto csv = new_csv("csv");
  csv->agency.set(agency);
  csv->fields.build().name = "f";
  db->save(*csv);
  Agency empty;
  empty.name = "empty";
  db->save(empty);
  const auto before = table_counts(*db);

  try {
    db->destroy(agency);
    FAIL("an agency with data sources was destroyed");
  } catch (const stitch::delete_restricted& e) {
    CHECK(contains(e.what(), "[stitch.delete_restricted]"));
    CHECK(contains(e.what(), "Agency"));
    CHECK(contains(e.what(), "data_sources"));
  }
  CHECK(table_counts(*db) == before);
  CHECK(agency.persisted());

  CHECK(db->destroy(empty));
  CHECK(empty.new_record());
  CHECK(rows(*db, "a_agencies") == 1);
}

TEST_CASE("dependent::restrict reached down the tree rolls back what the destroy deleted before",
          "[associations][dependent][errors]") {
  using namespace assoc_writes;
  stitch::test::test_database db;
  db->create_schema<Project, Doc, Task, Invoice>();
  const std::vector<std::string> tables{"w_projects", "w_docs", "w_tasks", "w_invoices"};
  Project project;
  project.name = "p";
  project.docs.build().title = "spec";
  auto& free_task = project.tasks.build();
  free_task.title = "free";
  auto& billed = project.tasks.build();
  billed.title = "billed";
  billed.invoices.build().amount = 10;
  db->save(project);
  const auto before = table_counts(*db, tables);
  REQUIRE(before.at("w_invoices") == 1);

  auto loaded = db->find<Project>(project.id);
  try {
    db->destroy(loaded);
    FAIL("a project with an invoiced task was destroyed");
  } catch (const stitch::delete_restricted& e) {
    CHECK(contains(e.what(), "Task"));
    CHECK(contains(e.what(), "invoices"));
  }
  CHECK(table_counts(*db, tables) == before);
  CHECK(loaded.persisted());

  // Without the invoice the same destroy goes through.
  db->execute("DELETE FROM w_invoices");
  CHECK(db->destroy(loaded));
  for (const auto& t : tables) CHECK(rows(*db, t) == 0);
}

TEST_CASE("destroying either side of a has_and_belongs_to_many deletes its join rows",
          "[associations][dependent][habtm]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto a = new_csv("a");
  auto b = new_csv("b");
  db->save(*a);
  db->save(*b);
  Tag t1 = saved_tag(*db, "t1");
  Tag t2 = saved_tag(*db, "t2");
  for (auto* ds : {a.get(), b.get()})
    for (auto* t : {&t1, &t2}) db->link(*ds, &DataSource::tags, *t);
  REQUIRE(rows(*db, "a_data_sources_a_tags") == 4);

  CHECK(db->destroy(t1));
  CHECK(rows(*db, "a_data_sources_a_tags") == 2);
  CHECK(rows_where(*db, "a_data_sources_a_tags", "tag_id = ?", t1.id) == 0);
  CHECK(rows(*db, "a_data_sources") == 2);

  CHECK(db->destroy(*a));
  CHECK(rows(*db, "a_data_sources_a_tags") == 1);
  CHECK(rows_where(*db, "a_data_sources_a_tags", "data_source_id = ? AND tag_id = ?", b->id,
                   t2.id) == 1);
  CHECK(rows(*db, "a_tags") == 1);
}

TEST_CASE("a dependent::destroy cycle ends and deletes each row once",
          "[associations][dependent]") {
  using namespace assoc_writes;
  stitch::test::test_database db;
  // Separate calls: the tables have no foreign keys between them, so the cycle is the only
  // thing that decides the order.
  db->create_schema<NodeA>();
  db->create_schema<NodeB>();
  NodeA a;
  a.label = "a";
  db->save(a);
  NodeB b;
  b.label = "b";
  b.node_a_id = a.id;
  db->save(b);
  a.node_b_id = b.id;
  db->save(a);

  auto loaded = db->find<NodeA>(a.id);
  const auto before = db->statements_executed();
  CHECK(db->destroy(loaded));
  // BEGIN, SELECT a's node_b, SELECT b's node_as, the cycle back to a defers the foreign-key
  // checks to the commit, DELETE b, DELETE a, COMMIT.
  CHECK(db->statements_executed() - before == 7);
  CHECK(rows(*db, "w_node_as") == 0);
  CHECK(rows(*db, "w_node_bs") == 0);
}

TEST_CASE(
    "a dependent::destroy cycle between tables with foreign keys ends and deletes both "
    "rows",
    "[associations][dependent]") {
  using namespace assoc_writes;
  stitch::test::test_database db;
  db->create_schema<NodeA, NodeB>();  // with foreign keys both ways
  NodeA a;
  a.label = "a";
  db->save(a);
  NodeB b;
  b.label = "b";
  b.node_a_id = a.id;
  db->save(b);
  a.node_b_id = b.id;
  db->save(a);

  auto loaded = db->find<NodeB>(b.id);
  CHECK_NOTHROW(db->destroy(loaded));
  CHECK(rows(*db, "w_node_as") == 0);
  CHECK(rows(*db, "w_node_bs") == 0);
}

TEST_CASE("a failure during a dependent destroy rolls the whole destroy back",
          "[associations][dependent][errors]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  const bool postgres = db.backend() == "postgres";
  if (postgres) {
    db->execute(
        "CREATE FUNCTION w_keep_values() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF "
        "OLD.value = 'keep' THEN RAISE EXCEPTION 'kept by trigger'; END IF; RETURN OLD; END $$; "
        "CREATE TRIGGER w_keep_values BEFORE DELETE ON a_unique_values FOR EACH ROW EXECUTE "
        "FUNCTION w_keep_values()");
  } else {
    db->execute(
        "CREATE TRIGGER w_keep_values BEFORE DELETE ON a_unique_values WHEN OLD.value = 'keep' "
        "BEGIN SELECT RAISE(ABORT, 'kept by trigger'); END");
  }
  auto csv = new_csv("csv");
  auto& first = csv->fields.build();
  first.name = "first";
  first.unique_values.build().value = "gone";
  first.comments.build().body = "c";
  auto& second = csv->fields.build();
  second.name = "second";
  second.unique_values.build().value = "keep";
  csv->comments.build().body = "nullified, then not";
  db->save(*csv);
  const auto before = table_counts(*db);

  auto loaded = db->find<DataSource>(csv->id);
  db->load(*loaded, &DataSource::fields);
  const auto fields = loaded->fields.shared();
  try {
    db->destroy(*loaded);
    FAIL("the trigger did not stop the destroy");
  } catch (const stitch::database_error& e) {
    CHECK(contains(e.what(), "kept by trigger"));
  }
  CHECK(table_counts(*db) == before);
  CHECK(rows_where(*db, "a_comments", "commentable_type IS NULL") == 0);
  CHECK(loaded->persisted());
  for (const auto& f : fields) CHECK(f->persisted());

  // The connection is usable, and the destroy goes through once the trigger is gone.
  db->execute(postgres ? "DROP TRIGGER w_keep_values ON a_unique_values"
                       : "DROP TRIGGER w_keep_values");
  CHECK(db->destroy(*loaded));
  CHECK(rows(*db, "a_fields") == 0);
  CHECK(rows(*db, "a_unique_values") == 0);
}

// ---- Schema -----------------------------------------------------------------------------------

TEST_CASE("create_schema creates the foreign keys of the associations",
          "[associations][schema][errors]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  auto& f = csv->fields.build();
  f.name = "f";
  db->save(*csv);
  Tag tag = saved_tag(*db, "t");

  Field orphan;
  orphan.name = "orphan";
  orphan.data_source_id = csv->id + 1000;
  CHECK_THROWS_AS(db->save(orphan), stitch::foreign_key_violation);
  CHECK(orphan.new_record());

  UniqueValue uv;
  uv.field_id = f.id + 1000;
  CHECK_THROWS_AS(db->save(uv), stitch::foreign_key_violation);
  Note note;
  note.source_id = csv->id + 1000;  // an optional key is checked when it is set
  CHECK_THROWS_AS(db->save(note), stitch::foreign_key_violation);
  note.source_id.reset();
  CHECK_NOTHROW(db->save(note));
  Schedule schedule;
  schedule.owner_ref = csv->id + 1000;  // a custom foreign key
  CHECK_THROWS_AS(db->save(schedule), stitch::foreign_key_violation);

  // The join table: both keys NOT NULL and referencing their tables.
  const std::string insert = "INSERT INTO a_data_sources_a_tags (data_source_id, tag_id) VALUES ";
  CHECK_NOTHROW(
      db->execute(insert + "(" + std::to_string(csv->id) + ", " + std::to_string(tag.id) + ")"));
  CHECK_THROWS_AS(db->execute(insert + "(" + std::to_string(csv->id) + ", " +
                              std::to_string(tag.id + 1000) + ")"),
                  stitch::foreign_key_violation);
  CHECK_THROWS_AS(db->execute(insert + "(" + std::to_string(csv->id + 1000) + ", " +
                              std::to_string(tag.id) + ")"),
                  stitch::foreign_key_violation);
  CHECK_THROWS_AS(db->execute("INSERT INTO a_data_sources_a_tags (data_source_id) VALUES (" +
                              std::to_string(csv->id) + ")"),
                  stitch::not_null_violation);
  CHECK(rows(*db, "a_data_sources_a_tags") == 1);
  CHECK(rows(*db, "a_fields") == 1);
}

TEST_CASE("create_schema takes the models in any order", "[associations][schema]") {
  stitch::test::test_database db;
  db->create_schema<Attachment, FieldStats, UniqueValue, Schedule, Note, Comment, Field, Tag,
                    DataSource, Agency>();
  auto csv = new_csv("csv");
  auto& f = csv->fields.build();
  f.name = "f";
  f.unique_values.build().value = "v";
  db->save(*csv);
  CHECK(rows(*db, "a_unique_values") == 1);
  Field orphan;
  orphan.name = "orphan";
  orphan.data_source_id = csv->id + 1000;
  CHECK_THROWS_AS(db->save(orphan), stitch::foreign_key_violation);
  // Running it again changes nothing.
  CHECK_NOTHROW(create_association_schema(*db));
  CHECK(rows(*db, "a_fields") == 1);
}

TEST_CASE("create_schema writes the foreign keys and indexes and join table into SQLite's catalog",
          "[associations][schema][sqlite]") {
  stitch::test::test_database db;
  REQUIRE(db.backend() == "sqlite");  // reads sqlite_master and pragma tables
  // Dependents first: the tables must still come out in dependency order.
  db->create_schema<Attachment, FieldStats, UniqueValue, Schedule, Note, Comment, Field, Tag,
                    DataSource, Agency>();

  auto index_count = [&](const std::string& name) {
    return db->query_value<std::int64_t>(
        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?", name);
  };
  CHECK(index_count("index_a_fields_on_data_source_id") == 1);
  CHECK(index_count("index_a_unique_values_on_field_id") == 1);
  CHECK(index_count("index_a_comments_on_commentable") == 1);
  CHECK(index_count("index_a_attachments_on_attachable") == 1);
  CHECK(index_count("index_a_notes_on_source_id") == 1);
  CHECK(index_count("index_a_schedules_on_owner_ref") == 1);
  CHECK(index_count("index_a_data_sources_on_agency_id") == 1);
  CHECK(index_count("index_a_data_sources_a_tags_on_data_source_id_and_tag_id") == 1);
  CHECK(index_count("index_a_data_sources_a_tags_on_tag_id") == 1);
  CHECK(db->query_value<std::int64_t>(
            "SELECT \"unique\" FROM pragma_index_list('a_data_sources_a_tags') WHERE name = ?",
            std::string("index_a_data_sources_a_tags_on_data_source_id_and_tag_id")) == 1);

  auto foreign_key = [&](const std::string& table, const std::string& column,
                         const std::string& references) {
    return db->query_value<std::int64_t>(
        "SELECT count(*) FROM pragma_foreign_key_list('" + table +
            "') WHERE \"from\" = ? AND \"table\" = ? AND \"to\" = 'id'",
        column, references);
  };
  CHECK(foreign_key("a_fields", "data_source_id", "a_data_sources") == 1);
  CHECK(foreign_key("a_unique_values", "field_id", "a_fields") == 1);
  CHECK(foreign_key("a_data_sources", "agency_id", "a_agencies") == 1);
  CHECK(foreign_key("a_notes", "source_id", "a_data_sources") == 1);
  CHECK(foreign_key("a_schedules", "owner_ref", "a_data_sources") == 1);
  CHECK(foreign_key("a_field_stats", "field_id", "a_fields") == 1);
  CHECK(foreign_key("a_data_sources_a_tags", "data_source_id", "a_data_sources") == 1);
  CHECK(foreign_key("a_data_sources_a_tags", "tag_id", "a_tags") == 1);
  // A polymorphic key references no one table.
  CHECK(db->query_value<std::int64_t>(
            "SELECT count(*) FROM pragma_foreign_key_list('a_comments')") == 0);

  // Creation order: each table after the tables it references.
  auto created = [&](const std::string& table) {
    return db->query_value<std::int64_t>(
        "SELECT rowid FROM sqlite_master WHERE type = 'table' AND name = ?", table);
  };
  CHECK(created("a_agencies") < created("a_data_sources"));
  CHECK(created("a_data_sources") < created("a_fields"));
  CHECK(created("a_data_sources") < created("a_notes"));
  CHECK(created("a_data_sources") < created("a_schedules"));
  CHECK(created("a_fields") < created("a_unique_values"));
  CHECK(created("a_fields") < created("a_field_stats"));
  CHECK(created("a_data_sources") < created("a_data_sources_a_tags"));
  CHECK(created("a_tags") < created("a_data_sources_a_tags"));
}

// ---- Rows the associations cannot follow ------------------------------------------------------

TEST_CASE("a foreign key that points at no row loads as a null target",
          "[associations][bad_input]") {
  stitch::test::test_database db;
  // Separate calls: no foreign key constraint between notes and data sources.
  db->create_schema<DataSource>();
  db->create_schema<Note>();
  db->create_schema<Comment, Field, UniqueValue>();
  auto csv = new_csv("csv");
  db->save(*csv);

  Note dangling;
  dangling.text = "dangling";
  dangling.source_id = csv->id + 1000;
  db->save(dangling);
  Note fine;
  fine.text = "fine";
  fine.source.set(*csv);
  db->save(fine);

  auto loaded = db->find<Note>(dangling.id);
  CHECK(loaded.source.get() == nullptr);
  CHECK(loaded.source_id == csv->id + 1000);  // the key itself is left as stored
  auto all = db->all<Note>().includes(&Note::source).to_vector();
  REQUIRE(all.size() == 2);
  for (auto& n : all) {
    if (n.id == dangling.id) {
      CHECK(n.source.get() == nullptr);
    } else {
      REQUIRE(n.source.get() != nullptr);
      CHECK(n.source.get()->id == csv->id);
    }
  }

  // A polymorphic key (never a constraint): a valid type, no row.
  db->execute(
      "INSERT INTO a_comments (commentable_type, commentable_id, body) VALUES ('Field', "
      "424242, 'dangling')");
  db->execute(
      "INSERT INTO a_comments (commentable_type, commentable_id, body) VALUES (NULL, "
      "5, 'no type')");
  db->execute(
      "INSERT INTO a_comments (commentable_type, commentable_id, body) VALUES "
      "('DataSource', NULL, 'no id')");
  auto comments = db->all<Comment>().includes(&Comment::commentable).to_vector();
  REQUIRE(comments.size() == 3);
  for (auto& c : comments) CHECK(c.commentable.get() == nullptr);
  auto lazy = db->all<Comment>().to_vector();
  for (auto& c : lazy) CHECK(c.commentable.get() == nullptr);
}

TEST_CASE("an unknown polymorphic type throws unknown_type naming the row and the stored value",
          "[associations][bad_input][errors]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  db->save(*csv);
  db->execute("INSERT INTO a_comments (commentable_type, commentable_id, body) VALUES ('Bogus', " +
              std::to_string(csv->id) + ", 'bad')");
  const auto id = db->query_value<std::int64_t>("SELECT max(id) FROM a_comments");

  auto check = [&](const stitch::unknown_type& e) {
    CHECK(e.table() == "a_comments");
    CHECK(e.record_id() == id);
    CHECK(e.value() == "Bogus");
    CHECK_FALSE(e.is_null());
    CHECK(contains(e.what(), "[stitch.unknown_type]"));
    CHECK(contains(e.what(), "a_comments"));
    CHECK(contains(e.what(), "'Bogus'"));
    CHECK(contains(e.what(), std::to_string(id)));
  };
  auto lazy = db->find<Comment>(id);
  try {
    (void)lazy.commentable.get();
    FAIL("an unknown type loaded");
  } catch (const stitch::unknown_type& e) {
    check(e);
  }
  try {
    (void)db->all<Comment>().includes(&Comment::commentable).to_vector();
    FAIL("an unknown type loaded");
  } catch (const stitch::unknown_type& e) {
    check(e);
  }

  // A model that exists but is not in the list, and a store_concrete_class one.
  db->execute("UPDATE a_comments SET commentable_type = 'Tag' WHERE id = " + std::to_string(id));
  CHECK_THROWS_AS(db->find<Comment>(id).commentable.get(), stitch::unknown_type);
  db->execute(
      "INSERT INTO a_attachments (attachable_type, attachable_id, filename) VALUES "
      "('UniqueValue', 1, 'x')");
  auto attachment = db->all<Attachment>().first();
  REQUIRE(attachment.has_value());
  CHECK_THROWS_AS(attachment->attachable.get(), stitch::unknown_type);
}

// ---- Objects a collection held before it loaded; has_one replacement; subclass lists ----------

// Models of these tests: a has_one without a dependent rule over an optional key and over a
// plain one, and a hierarchy whose subclass declares an association of its own.
namespace assoc_fixes {

struct OwnerColumns {
  std::string name;
};
struct BadgeColumns {
  std::optional<std::int64_t> owner_id;  // Owner::badge
  std::string label;
};
struct TokenColumns {
  std::int64_t owner_id = 0;  // Owner::token: cannot lose its key
  std::string value;
};
struct Badge;
struct Token;
struct Owner : stitch::model<Owner, OwnerColumns> {
  static constexpr std::string_view table_name = "x_owners";
  stitch::has_one<Badge> badge;
  stitch::has_one<Token> token;
  using associations = stitch::associations<&Owner::badge, &Owner::token>;
};
struct Badge : stitch::model<Badge, BadgeColumns> {
  static constexpr std::string_view table_name = "x_badges";
};
struct Token : stitch::model<Token, TokenColumns> {
  static constexpr std::string_view table_name = "x_tokens";
};

/// Feed > RssFeed, AtomFeed (single table). Feed declares entries; RssFeed declares
/// enclosures in its own list and inherits entries; AtomFeed only inherits.
struct FeedColumns {
  std::string name;
};
struct RssFeedColumns {
  std::string url;
};
struct AtomFeedColumns {
  std::string atom_id;
};
struct EntryColumns {
  std::int64_t feed_id = 0;  // Feed::entries
  std::string title;
};
struct EnclosureColumns {
  std::optional<std::int64_t> rss_feed_id;  // RssFeed::enclosures, declared in RssFeed
  std::string href;
};
struct Entry;
struct Enclosure;
struct Feed : stitch::model<Feed, FeedColumns> {
  static constexpr std::string_view table_name = "x_feeds";
  stitch::has_many<Entry, stitch::dependent::destroy> entries;
  using associations = stitch::associations<&Feed::entries>;
};
struct RssFeed : stitch::subclass<RssFeed, Feed, RssFeedColumns> {
  stitch::has_many<Enclosure, stitch::dependent::destroy> enclosures;
  using associations = stitch::associations<&RssFeed::enclosures>;
};
struct AtomFeed : stitch::subclass<AtomFeed, Feed, AtomFeedColumns> {};
struct Entry : stitch::model<Entry, EntryColumns> {
  static constexpr std::string_view table_name = "x_entries";
  stitch::belongs_to<Feed> feed;
  using associations = stitch::associations<&Entry::feed>;
};
struct Enclosure : stitch::model<Enclosure, EnclosureColumns> {
  static constexpr std::string_view table_name = "x_enclosures";
  stitch::belongs_to<RssFeed> rss_feed;
  using associations = stitch::associations<&Enclosure::rss_feed>;
};

}  // namespace assoc_fixes

template <>
struct stitch::hierarchy<assoc_fixes::Feed>
    : stitch::test::layout<assoc_fixes::Feed, assoc_fixes::RssFeed, assoc_fixes::AtomFeed> {};

TEST_CASE(
    "has_many build() on a loaded owner whose collection was not loaded keeps the built object "
    "when the collection loads after the save",
    "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("owner");
  csv->fields.build().name = "existing";
  db->save(*csv);

  auto loaded = db->find<DataSource>(csv->id);
  auto& f = loaded->fields.build();  // the collection is not loaded
  f.name = "built";
  db->save(*loaded);
  REQUIRE(f.persisted());
  CHECK(f.id != 0);
  CHECK(f.data_source_id == csv->id);
  CHECK(stored_key(*db, "a_fields", "data_source_id", f.id) == csv->id);

  // Touching the collection loads both rows; the built object is the one it holds.
  REQUIRE(loaded->fields.size() == 2);
  CHECK(loaded->fields.at(0).name == "existing");
  CHECK(&loaded->fields.at(1) == &f);
  int seen = 0;
  for (auto& field : loaded->fields) {
    if (field.id == f.id) {
      CHECK(&field == &f);
      ++seen;
    }
  }
  CHECK(seen == 1);
  f.name = "renamed";  // the reference is still valid and still the collection's object
  CHECK(loaded->fields.at(1).name == "renamed");
  db->save(f);  // a persisted child is saved by saving it
  CHECK(stored_text(*db, "a_fields", "name", f.id) == "renamed");

  // A brand-new owner: the built object stays the collection's after the save.
  auto fresh = new_socrata("fresh");
  auto& g = fresh->fields.build();
  g.name = "g";
  db->save(*fresh);
  REQUIRE(fresh->fields.size() == 1);
  CHECK(&fresh->fields.at(0) == &g);
  CHECK(g.id == fresh->fields.at(0).id);
}

TEST_CASE(
    "has_many add() of an object that has a row keeps that object when the collection loads "
    "after the save",
    "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto first = new_csv("first");
  first->fields.build().name = "a";
  db->save(*first);
  auto second = new_csv("second");
  second->fields.build().name = "moves";
  db->save(*second);
  const auto moved_id = second->fields.at(0).id;

  auto loaded = db->find<DataSource>(first->id);
  auto moved = std::make_shared<Field>(db->find<Field>(moved_id));
  loaded->fields.add(moved);
  auto& built = loaded->fields.build();
  built.name = "built";
  db->save(*loaded);
  CHECK(stored_key(*db, "a_fields", "data_source_id", moved_id) == first->id);

  REQUIRE(loaded->fields.size() == 3);
  const auto held = loaded->fields.shared();
  CHECK(held[0]->name == "a");
  CHECK(held[1] == moved);  // the same object, at its place in id order
  CHECK(held[2].get() == &built);
}

TEST_CASE(
    "has_one set(nullptr) or set() of another object on a loaded owner takes the key from the "
    "row it replaces",
    "[associations][writes]") {
  using namespace assoc_fixes;
  stitch::test::test_database db;
  db->create_schema<Owner, Badge, Token>();
  Owner owner;
  owner.name = "o";
  auto badge = std::make_shared<Badge>();
  badge->label = "first";
  owner.badge.set(badge);
  db->save(owner);
  REQUIRE(stored_key(*db, "x_badges", "owner_id", badge->id) == owner.id);

  // set() of a new object on a loaded owner whose badge was not loaded.
  auto loaded = db->find<Owner>(owner.id);
  auto second = std::make_shared<Badge>();
  second->label = "second";
  loaded.badge.set(second);
  db->save(loaded);
  CHECK(second->owner_id == owner.id);
  CHECK(rows_where(*db, "x_badges", "owner_id = ?", owner.id) == 1);
  CHECK(stored_key(*db, "x_badges", "owner_id", second->id) == owner.id);
  CHECK(stored_key(*db, "x_badges", "owner_id", badge->id) == std::nullopt);
  CHECK(rows(*db, "x_badges") == 2);

  // set(nullptr) on a loaded owner.
  auto again = db->find<Owner>(owner.id);
  again.badge.set(nullptr);
  db->save(again);
  CHECK(rows_where(*db, "x_badges", "owner_id = ?", owner.id) == 0);
  CHECK(rows_where(*db, "x_badges", "owner_id IS NULL") == 2);
  CHECK(db->find<Owner>(owner.id).badge.get() == nullptr);

  // Saving again writes nothing more.
  const auto before = db->statements_executed();
  db->save(again);
  CHECK(db->statements_executed() - before <= 1);
}

TEST_CASE(
    "has_one set() on a loaded owner whose replaced row cannot lose its key throws and writes "
    "nothing",
    "[associations][writes][errors]") {
  using namespace assoc_fixes;
  stitch::test::test_database db;
  db->create_schema<Owner, Badge, Token>();
  Owner owner;
  owner.name = "o";
  auto token = std::make_shared<Token>();
  token->value = "t";
  owner.token.set(token);
  db->save(owner);

  auto loaded = db->find<Owner>(owner.id);
  loaded.name = "changed";
  loaded.token.set(nullptr);
  CHECK_THROWS_AS(db->save(loaded), stitch::usage_error);
  CHECK(rows_where(*db, "x_tokens", "owner_id = ?", owner.id) == 1);
  CHECK(stored_text(*db, "x_owners", "name", owner.id) == "o");
}

TEST_CASE(
    "has_one set(nullptr) or set() of another object on a loaded owner deletes the replaced "
    "row under dependent::destroy and dependent::delete_all",
    "[associations][writes][dependent]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto csv = new_csv("csv");
  auto schedule = std::make_shared<Schedule>();
  schedule->cron = "old";
  csv->schedule.set(schedule);
  auto& field = csv->fields.build();
  field.name = "f";
  auto stats = std::make_shared<FieldStats>();
  stats->distinct_count = 1;
  field.stats.set(stats);
  auto other = new_csv("other");
  auto other_schedule = std::make_shared<Schedule>();
  other_schedule->cron = "other";
  other->schedule.set(other_schedule);
  db->save(*csv);
  db->save(*other);
  REQUIRE(rows(*db, "a_schedules") == 2);
  REQUIRE(rows(*db, "a_field_stats") == 1);

  // dependent::destroy (DataSource::schedule, an optional key): set() of a new object.
  auto loaded = db->find<DataSource>(csv->id);
  auto replacement = std::make_shared<Schedule>();
  replacement->cron = "new";
  loaded->schedule.set(replacement);
  db->save(*loaded);
  CHECK(rows_where(*db, "a_schedules", "id = ?", schedule->id) == 0);
  CHECK(rows_where(*db, "a_schedules", "owner_ref = ?", csv->id) == 1);
  CHECK(stored_key(*db, "a_schedules", "owner_ref", replacement->id) == csv->id);
  CHECK(rows(*db, "a_schedules") == 2);  // the other data source's is left alone

  // ... and set(nullptr).
  auto again = db->find<DataSource>(csv->id);
  again->schedule.set(nullptr);
  db->save(*again);
  CHECK(rows_where(*db, "a_schedules", "owner_ref = ?", csv->id) == 0);
  CHECK(rows(*db, "a_schedules") == 1);
  CHECK(rows_where(*db, "a_schedules", "owner_ref = ?", other->id) == 1);

  // dependent::delete_all (Field::stats, a plain key): set() of a new object, then nullptr.
  auto loaded_field = db->find<Field>(field.id);
  auto new_stats = std::make_shared<FieldStats>();
  new_stats->distinct_count = 2;
  loaded_field.stats.set(new_stats);
  db->save(loaded_field);
  CHECK(rows(*db, "a_field_stats") == 1);
  CHECK(rows_where(*db, "a_field_stats", "id = ?", stats->id) == 0);
  CHECK(stored_key(*db, "a_field_stats", "field_id", new_stats->id) == field.id);

  auto field_again = db->find<Field>(field.id);
  field_again.stats.set(nullptr);
  db->save(field_again);
  CHECK(rows(*db, "a_field_stats") == 0);
}

TEST_CASE("a subclass that lists its own association loads and saves it and keeps its parent's",
          "[associations][writes][inheritance]") {
  using namespace assoc_fixes;
  stitch::test::test_database db;
  db->create_schema<Feed, Entry, Enclosure>();

  RssFeed rss;
  rss.name = "rss";
  rss.url = "https://example.org/rss";
  rss.entries.build().title = "e1";
  rss.entries.build().title = "e2";
  auto& enclosure = rss.enclosures.build();
  enclosure.href = "a.mp3";
  AtomFeed atom;
  atom.name = "atom";
  atom.atom_id = "urn:x";
  atom.entries.build().title = "a1";

  // Saving cascades to the subclass's own association and to the inherited one.
  db->save(rss);
  db->save(atom);
  CHECK(enclosure.persisted());
  CHECK(enclosure.rss_feed_id == rss.id);
  CHECK(stored_key(*db, "x_enclosures", "rss_feed_id", enclosure.id) == rss.id);
  CHECK(rows_where(*db, "x_entries", "feed_id = ?", rss.id) == 2);
  CHECK(rows_where(*db, "x_entries", "feed_id = ?", atom.id) == 1);

  // Lazy loading of both through the root.
  auto found = db->find<Feed>(rss.id);
  auto* as_rss = dynamic_cast<RssFeed*>(found.get());
  REQUIRE(as_rss != nullptr);
  CHECK(as_rss->entries.size() == 2);
  REQUIRE(as_rss->enclosures.size() == 1);
  CHECK(as_rss->enclosures.at(0).href == "a.mp3");
  CHECK(as_rss->enclosures.at(0).rss_feed.get() == as_rss);

  // includes() of the subclass's own association and of the inherited one.
  auto feeds =
      db->all<RssFeed>().includes(&RssFeed::enclosures).includes(&Feed::entries).to_vector();
  REQUIRE(feeds.size() == 1);
  const auto statements = db->statements_executed();
  CHECK(feeds[0].enclosures.size() == 1);
  CHECK(feeds[0].entries.size() == 2);
  CHECK(db->statements_executed() == statements);  // loaded by includes()

  auto atoms = db->all<AtomFeed>().includes(&Feed::entries).to_vector();
  REQUIRE(atoms.size() == 1);
  REQUIRE(atoms[0].entries.size() == 1);
  CHECK(atoms[0].entries.at(0).title == "a1");

  // A loaded subclass object saves new children of both.
  auto reloaded = db->find<RssFeed>(rss.id);
  reloaded.enclosures.build().href = "b.mp3";
  reloaded.entries.build().title = "e3";
  db->save(reloaded);
  CHECK(rows_where(*db, "x_enclosures", "rss_feed_id = ?", rss.id) == 2);
  CHECK(rows_where(*db, "x_entries", "feed_id = ?", rss.id) == 3);

  // destroy runs the dependent rules of both.
  CHECK(db->destroy(reloaded));
  CHECK(rows(*db, "x_enclosures") == 0);
  CHECK(rows_where(*db, "x_entries", "feed_id = ?", rss.id) == 0);
  CHECK(rows(*db, "x_entries") == 1);  // the atom feed's
  CHECK(rows(*db, "x_feeds") == 1);
}

namespace assoc_replace {

struct PColumns {
  std::string name;
};
struct QColumns {
  std::optional<std::int64_t> p_id;
  std::string label;
};
struct RColumns {
  std::int64_t q_id = 0;
};
struct Q;
struct R;
struct P : stitch::model<P, PColumns> {
  static constexpr std::string_view table_name = "y_ps";
  stitch::has_one<Q, stitch::dependent::destroy> q;
  using associations = stitch::associations<&P::q>;
};
struct Q : stitch::model<Q, QColumns> {
  static constexpr std::string_view table_name = "y_qs";
  stitch::has_many<R, stitch::dependent::destroy> rs;
  using associations = stitch::associations<&Q::rs>;
};
struct R : stitch::model<R, RColumns> {
  static constexpr std::string_view table_name = "y_rs";
};

}  // namespace assoc_replace

TEST_CASE("replacing a has_one under dependent::destroy destroys the old object's dependents",
          "[associations][dependent]") {
  using namespace assoc_replace;
  stitch::test::test_database db;
  db->create_schema<P, Q, R>();
  P p;
  p.name = "p";
  auto old = std::make_shared<Q>();
  old->label = "old";
  old->rs.build();
  old->rs.build();
  p.q.set(old);
  db->save(p);
  REQUIRE(rows(*db, "y_rs") == 2);

  auto loaded = db->find<P>(p.id);
  auto fresh = std::make_shared<Q>();
  fresh->label = "new";
  loaded.q.set(fresh);
  db->save(loaded);
  CHECK(rows(*db, "y_qs") == 1);
  CHECK(rows(*db, "y_rs") == 0);
  CHECK(rows_where(*db, "y_qs", "label = 'new' AND p_id = ?", p.id) == 1);
}

TEST_CASE("an object added to move it to another owner stays when the collection loads",
          "[associations][writes]") {
  stitch::test::test_database db;
  create_association_schema(*db);
  auto from = new_csv("from");
  from->fields.build().name = "moving";
  db->save(*from);
  auto to = new_csv("to");
  db->save(*to);

  auto moved = db->find<Field>(from->fields.at(0).id);
  auto target = db->find<DataSource>(to->id);
  target->fields.add(std::make_shared<Field>(std::move(moved)));
  REQUIRE(target->fields.size() == 1);  // the load keeps the added object
  CHECK(target->fields.at(0).name == "moving");
  db->save(*target);
  CHECK(rows_where(*db, "a_fields", "data_source_id = ?", to->id) == 1);
  CHECK(rows_where(*db, "a_fields", "data_source_id = ?", from->id) == 0);
}

TEST_CASE("create_schema writes the foreign keys and indexes and join table into PostgreSQL's "
          "catalog",
          "[associations][schema][postgres]") {
  stitch::test::test_database db;
  REQUIRE(db.backend() == "postgres");  // reads pg_index and pg_constraint
  // Dependents first: each table is created after the tables it references.
  db->create_schema<Attachment, FieldStats, UniqueValue, Schedule, Note, Comment, Field, Tag,
                    DataSource, Agency>();
  // The catalog tables, not the pg_indexes view: the view may compute the definition of
  // indexes in other schemas, which tests running beside this one drop meanwhile.
  auto index_count = [&](const std::string& name, bool unique) {
    return db->query_value<std::int64_t>(
        "SELECT count(*) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE "
        "i.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND "
        "i.relname = ? AND x.indisunique = ?",
        name, unique);
  };
  CHECK(index_count("index_a_fields_on_data_source_id", false) == 1);
  CHECK(index_count("index_a_comments_on_commentable", false) == 1);
  CHECK(index_count("index_a_data_sources_a_tags_on_data_source_id_and_tag_id", true) == 1);
  CHECK(index_count("index_a_data_sources_a_tags_on_tag_id", false) == 1);
  CHECK(index_count("index_a_data_sources_on_type", false) == 1);

  auto foreign_key = [&](const std::string& table, const std::string& column,
                         const std::string& references) {
    return db->query_value<std::int64_t>(
        "SELECT count(*) FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND "
        "a.attnum = c.conkey[1] WHERE c.contype = 'f' AND c.conrelid = to_regclass(?) AND "
        "a.attname = ? AND c.confrelid = to_regclass(?) AND c.condeferrable AND NOT "
        "c.condeferred",
        table, column, references);
  };
  CHECK(foreign_key("a_fields", "data_source_id", "a_data_sources") == 1);
  CHECK(foreign_key("a_unique_values", "field_id", "a_fields") == 1);
  CHECK(foreign_key("a_data_sources", "agency_id", "a_agencies") == 1);
  CHECK(foreign_key("a_data_sources_a_tags", "tag_id", "a_tags") == 1);
  CHECK(db->query_value<std::int64_t>("SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                                      "AND conrelid = to_regclass('a_comments')") == 0);
  // create_schema again: the tables and constraints are there, nothing is added twice.
  db->create_schema<Attachment, FieldStats, UniqueValue, Schedule, Note, Comment, Field, Tag,
                    DataSource, Agency>();
  CHECK(foreign_key("a_fields", "data_source_id", "a_data_sources") == 1);

  // Keys that form a cycle: the second one is added once both tables exist.
  db->create_schema<assoc_writes::NodeA, assoc_writes::NodeB>();
  CHECK(foreign_key("w_node_as", "node_b_id", "w_node_bs") == 1);
  CHECK(foreign_key("w_node_bs", "node_a_id", "w_node_as") == 1);
  db->create_schema<assoc_writes::NodeA, assoc_writes::NodeB>();
  CHECK(foreign_key("w_node_as", "node_b_id", "w_node_bs") == 1);
}
