// Polymorphic associations: a belongs_to over <name>_type + <name>_id that may point at rows of
// several tables, and the has_many ... as: on the other side.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>

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
struct FieldColumns {
  std::int64_t data_source_id = 0;
  std::string name;
};
struct UniqueValueColumns {
  std::int64_t field_id = 0;
  std::string value;
};
struct CommentColumns {
  std::optional<std::string> commentable_type;  // optional: nullify clears both
  std::optional<std::int64_t> commentable_id;
  std::string body;
};
struct FlagColumns {
  std::string flaggable_type;
  std::int64_t flaggable_id = 0;
  std::string reason;
};

struct Field;
struct UniqueValue;
struct Comment;
struct Flag;

struct DataSource : stitch::model<DataSource, DataSourceColumns> {
  stitch::has_many<Field> fields;
  stitch::has_many<Comment, stitch::as<"commentable">, stitch::dependent::nullify> comments;
  stitch::has_many<Flag, stitch::as<"flaggable">, stitch::dependent::delete_all> flags;
  using associations =
      stitch::associations<&DataSource::fields, &DataSource::comments, &DataSource::flags>;
};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {};
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {};
template <>
struct stitch::hierarchy<DataSource> : stitch::single_table<DataSource, CsvFile, Socrata> {};

struct Field : stitch::model<Field, FieldColumns> {
  stitch::belongs_to<DataSource> data_source;
  stitch::has_many<UniqueValue> unique_values;
  stitch::has_many<Comment, stitch::as<"commentable">> comments;
  using associations =
      stitch::associations<&Field::data_source, &Field::unique_values, &Field::comments>;
};
struct UniqueValue : stitch::model<UniqueValue, UniqueValueColumns> {
  stitch::belongs_to<Field> field;
  using associations = stitch::associations<&UniqueValue::field>;
};

// What a comment may be about: a closed list of models.
struct Comment : stitch::model<Comment, CommentColumns> {
  stitch::belongs_to<stitch::polymorphic<DataSource, Field, UniqueValue>> commentable;
  using associations = stitch::associations<&Comment::commentable>;
};
// The same, storing the concrete class (CsvFile) instead of the hierarchy's base class.
struct Flag : stitch::model<Flag, FlagColumns> {
  stitch::belongs_to<stitch::polymorphic<DataSource, Field>, stitch::store_concrete_class>
      flaggable;
  using associations = stitch::associations<&Flag::flaggable>;
};

std::string describe(const stitch::record* target) {
  if (target == nullptr) return "nothing";
  if (const auto* ds = dynamic_cast<const DataSource*>(target)) return "source " + ds->name;
  if (const auto* f = dynamic_cast<const Field*>(target)) return "field " + f->name;
  return "value " + dynamic_cast<const UniqueValue&>(*target).value;
}

int main() {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<DataSource, Field, UniqueValue, Comment, Flag>();
  fmt::print("{}\n", db.query_value<std::string>(
                         "SELECT group_concat(name, ' ') FROM sqlite_master WHERE type = 'index' "
                         "AND tbl_name IN ('comments', 'flags')"));

  CsvFile csv;
  csv.name = "Montgomery County 911";
  csv.path = "montgomery_911.csv";
  auto& title = csv.fields.build();
  title.name = "title";
  title.unique_values.build().value = "EMS: CARDIAC EMERGENCY";
  db.save(csv);
  Socrata sf;
  sf.name = "San Francisco fire calls";
  sf.domain = "data.sfgov.org";
  db.save(sf);

  // belongs_to::set writes <name>_type and <name>_id. Rails stores the base class of an STI
  // hierarchy (DataSource); store_concrete_class stores the object's class (CsvFile).
  Comment about_csv;
  about_csv.body = "sample of 100 rows";
  about_csv.commentable.set(csv);
  db.save(about_csv);
  Flag stale;
  stale.reason = "stale";
  stale.flaggable.set(csv);
  db.save(stale);
  fmt::print("comment: {} {}, flag: {} {}\n", *about_csv.commentable_type,
             *about_csv.commentable_id, stale.flaggable_type, stale.flaggable_id);

  // has_many ... as: builds children whose type and id point at the owner.
  sf.comments.build().body = "paged with $limit";
  sf.flags.build().reason = "rate limited";
  db.save(sf);

  // Eager loading: one statement for the comments, then one per target class they name.
  auto before = db.statements_executed();
  auto comments = db.all<Comment>().includes(&Comment::commentable).to_vector();
  fmt::print("{} comments on sources: {} statements\n", comments.size(),
             db.statements_executed() - before);

  title.comments.build().body = "the call type and a description";
  db.save(title);
  Comment about_value;
  about_value.body = "most frequent value";
  about_value.commentable.set(db.find<UniqueValue>(1));
  db.save(about_value);
  // A path may go on from a polymorphic step: here to the fields of the sources among them.
  before = db.statements_executed();
  comments = db.all<Comment>().includes(&Comment::commentable, &DataSource::fields).to_vector();
  fmt::print("{} comments on 3 classes, with the sources' fields: {} statements\n", comments.size(),
             db.statements_executed() - before);
  for (const auto& c : comments)
    fmt::print("  {} ({}): {}\n", c.body, *c.commentable_type, describe(c.commentable.get()));

  // The other side: the comments of a source match its id and the type its belongs_to writes.
  auto source = db.find<DataSource>(csv.id);
  for (const auto& c : source->comments)
    fmt::print("{} has comment '{}', which points back at it: {}\n", source->name, c.body,
               c.commentable.get() == source.get());
  // With store_concrete_class, has_many ... as: matches the class of the owner and the classes
  // below it: flags of a DataSource are looked for as DataSource, CsvFile or Socrata.
  db.execute(R"(INSERT INTO "flags" ("flaggable_type", "flaggable_id", "reason")
                VALUES ('DataSource', 1, 'written by Rails'))");
  for (const auto& f : source->flags) fmt::print("flag '{}' ({})\n", f.reason, f.flaggable_type);
  // A belongs_to reads either spelling, whatever it writes itself.
  db.execute(R"(INSERT INTO "comments" ("commentable_type", "commentable_id", "body")
                VALUES ('CsvFile', 1, 'written with the concrete class'))");
  auto concrete = db.all<Comment>().order_by(stitch::col<&Comment::id>.desc()).first();
  fmt::print("'{}' is about {}\n", concrete->body, describe(concrete->commentable.get()));

  // Bad input: a type outside the list is an error; a dangling id loads as no object.
  db.execute(R"(INSERT INTO "comments" ("commentable_type", "commentable_id", "body")
                VALUES ('Agency', 1, 'written by a newer program'))");
  try {
    (void)db.all<Comment>().includes(&Comment::commentable).to_vector();
  } catch (const stitch::unknown_type& e) {
    fmt::print("{}\n", e.what());
    fmt::print("table {}, row {}, value '{}'\n", e.table(), e.record_id(), e.value());
  }
  db.execute(R"(UPDATE "comments" SET "commentable_type" = 'Field', "commentable_id" = 99
                WHERE "commentable_type" = 'Agency')");
  auto dangling = db.all<Comment>().order_by(stitch::col<&Comment::id>.desc()).first();
  fmt::print("'{}' is about {}\n", dangling->body, describe(dangling->commentable.get()));

  // An object of a class outside the list: a compile error for its own class, and
  // stitch::association_mismatch through a base class reference.
  const stitch::record& not_listed = stale;  // a Flag
  Comment wrong;
  try {
    wrong.commentable.set(not_listed);
  } catch (const stitch::association_mismatch& e) {
    fmt::print("{}\n", e.what());
  }

  // Destroying a source: its comments stay, with NULL type and id (nullify); its flags are
  // deleted (delete_all).
  db.destroy(sf);
  fmt::print("comments about nothing: {}, flags left: {}\n",
             db.all<Comment>().where(stitch::col<&Comment::commentable_id>.is_null()).count(),
             db.all<Flag>().count());
}
