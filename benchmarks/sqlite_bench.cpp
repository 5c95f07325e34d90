// The hand-written SQLite baseline: ../shared/bench/raw/bench.cpp's statements, reuse and
// row structs, through SQLiteCpp instead of the sqlite3 C API.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench.hpp"
#include "handwritten.hpp"

namespace bench::handwritten_sqlite {
namespace {

using namespace bench::handwritten;

// Exactly the DDL ActiveRecord 6.1 generates from ../shared/bench/activerecord/models.rb.
constexpr const char* schema = R"SQL(
CREATE TABLE "data_sources" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "type" varchar, "name" varchar, "description" text, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL, "path" varchar, "delimiter" varchar, "row_count" integer, "domain" varchar, "dataset_id" varchar, "app_token" varchar);
CREATE INDEX "index_data_sources_on_type" ON "data_sources" ("type");
CREATE TABLE "fields" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "data_source_id" integer NOT NULL, "name" varchar, "data_type" varchar, CONSTRAINT "fk_rails_0ae60062e0" FOREIGN KEY ("data_source_id") REFERENCES "data_sources" ("id"));
CREATE INDEX "index_fields_on_data_source_id" ON "fields" ("data_source_id");
CREATE TABLE "unique_values" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "field_id" integer NOT NULL, "value" text, "count" integer, "classification" text, CONSTRAINT "fk_rails_a8ab24a5fc" FOREIGN KEY ("field_id") REFERENCES "fields" ("id"));
CREATE INDEX "index_unique_values_on_field_id" ON "unique_values" ("field_id");
CREATE TABLE "comments" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "commentable_type" varchar NOT NULL, "commentable_id" integer NOT NULL, "body" text, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL);
CREATE INDEX "index_comments_on_commentable" ON "comments" ("commentable_type", "commentable_id");
)SQL";

SQLite::Database open_fresh(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA foreign_keys = ON");  // what the ActiveRecord adapter sets; nothing else
  db.exec(schema);
  return db;
}

// A prepared statement with raw/bench.cpp's helpers. Text is bound without a copy: the
// caller keeps it alive until the step.
class statement {
 public:
  statement(SQLite::Database& db, const std::string& sql) : s_(db, sql) {}

  statement& bind(int i, i64 v) {
    s_.bind(i, v);
    return *this;
  }
  statement& bind(int i, const std::string& v) {
    s_.bindNoCopy(i, v);
    return *this;
  }
  statement& bind(int i, const opt_text& v) { return v ? bind(i, *v) : null(i); }
  statement& bind(int i, const opt_int& v) { return v ? bind(i, *v) : null(i); }
  statement& null(int i) {
    s_.bind(i);
    return *this;
  }

  // True while rows come; resets the statement when done.
  bool row() {
    if (s_.executeStep()) return true;
    s_.reset();
    return false;
  }
  void run() {
    while (row()) {
    }
  }

  [[nodiscard]] i64 integer(int c) const { return s_.getColumn(c).getInt64(); }
  [[nodiscard]] opt_int opt_integer(int c) const {
    if (s_.isColumnNull(c)) return std::nullopt;
    return integer(c);
  }
  [[nodiscard]] std::string text(int c) const {
    const auto column = s_.getColumn(c);
    return {column.getText(), static_cast<std::size_t>(column.getBytes())};
  }
  [[nodiscard]] opt_text opt_string(int c) const {
    if (s_.isColumnNull(c)) return std::nullopt;
    return text(c);
  }
  [[nodiscard]] bool text_is(int c, const char* value) const {
    const auto column = s_.getColumn(c);
    return !column.isNull() && std::strcmp(column.getText(), value) == 0;
  }

 private:
  SQLite::Statement s_;
};

void bind_source(statement& q, const DataSource& ds, int base) {  // params base+1 .. base+11
  q.bind(base + 1, ds.type).bind(base + 2, ds.name).bind(base + 3, ds.description);
  q.bind(base + 4, ds.created_at).bind(base + 5, ds.updated_at);
  for (int k = 6; k <= source_params; ++k) q.null(base + k);
  if (const auto* c = dynamic_cast<const CsvFile*>(&ds)) {
    q.bind(base + 6, c->path).bind(base + 7, c->delimiter).bind(base + 8, c->row_count);
  } else if (const auto* s = dynamic_cast<const Socrata*>(&ds)) {
    q.bind(base + 9, s->domain).bind(base + 10, s->dataset_id).bind(base + 11, s->app_token);
  }
}

// STI: the type column picks the subclass; NULL, 'DataSource' or an unknown name: the base.
std::unique_ptr<DataSource> read_source(const statement& q) {
  std::unique_ptr<DataSource> ds;
  if (q.text_is(1, "CsvFile")) {
    auto c = std::make_unique<CsvFile>();
    c->path = q.opt_string(6);
    c->delimiter = q.opt_string(7);
    c->row_count = q.opt_integer(8);
    ds = std::move(c);
  } else if (q.text_is(1, "Socrata")) {
    auto s = std::make_unique<Socrata>();
    s->domain = q.opt_string(9);
    s->dataset_id = q.opt_string(10);
    s->app_token = q.opt_string(11);
    ds = std::move(s);
  } else {
    ds = std::make_unique<DataSource>();
  }
  ds->id = q.integer(0);
  ds->type = q.opt_string(1);
  ds->name = q.text(2);
  ds->description = q.opt_string(3);
  ds->created_at = q.text(4);
  ds->updated_at = q.text(5);
  return ds;
}

template <class... Binds>
source_list load_sources(SQLite::Database& db, std::string_view where, const Binds&... binds) {
  statement q(db, std::string(source_select) + std::string(where));
  int i = 0;
  (q.bind(++i, binds), ...);
  source_list out;
  while (q.row()) out.push_back(read_source(q));
  return out;
}

std::unique_ptr<Field> read_field(const statement& q) {
  auto f = std::make_unique<Field>();
  f->id = q.integer(0);
  f->data_source_id = q.integer(1);
  f->name = q.text(2);
  f->data_type = q.opt_string(3);
  return f;
}

// id, field_id, value, count, classification
std::unique_ptr<UniqueValue> read_value(const statement& q) {
  auto u = std::make_unique<UniqueValue>();
  u->id = q.integer(0);
  u->field_id = q.integer(1);
  u->value = q.opt_string(2);
  u->count = q.opt_integer(3);
  u->classification = q.opt_string(4);
  return u;
}

std::string multi_row_insert(i64 rows) {
  std::string sql(source_insert);
  for (i64 r = 0; r < rows; ++r)
    sql += r != 0 ? ",(?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?)";
  return sql;
}

// Inserts data sources first..last-1 with 100-row multi-VALUES statements.
void insert_in_batches(SQLite::Database& db, i64 first, i64 last) {
  constexpr i64 batch = 100;
  statement full(db, multi_row_insert(batch));
  for (i64 i = first; i < last; i += batch) {
    const i64 rows = std::min(batch, last - i);
    std::unique_ptr<statement> tail;
    statement& q =
        rows == batch ? full : *(tail = std::make_unique<statement>(db, multi_row_insert(rows)));
    const std::string now = now_text();
    source_list sources;
    for (i64 r = 0; r < rows; ++r) sources.push_back(make_source(i + r, now));
    for (i64 r = 0; r < rows; ++r) bind_source(q, *sources[r], static_cast<int>(r) * source_params);
    q.run();
  }
}

}  // namespace

void run(const options& opts, databases& dbs, report& out) {
  const sizes z(opts.n);

  // a2. Bulk insert: 100-row multi-VALUES statements into a scratch database.
  if (out.runs("insert_all")) {
    {
      auto scratch = open_fresh(dbs.scratch());
      out.measure("insert_all", [&] {
        SQLite::Transaction tx(scratch);
        insert_in_batches(scratch, 0, z.n);
        tx.commit();
        return z.n;
      });
    }
    dbs.drop_scratch();
  }

  auto db = open_fresh(dbs.main());

  // a. One row at a time with a reused prepared statement, one transaction.
  if (out.runs("insert_save")) {
    out.measure("insert_save", [&] {
      SQLite::Transaction tx(db);
      statement q(db, std::string(source_insert) + "(?,?,?,?,?,?,?,?,?,?,?)");
      for (i64 i = 0; i < z.n; ++i) {
        auto ds = make_source(i, now_text());
        bind_source(q, *ds, 0);
        q.run();
        ds->id = db.getLastInsertRowid();
      }
      tx.commit();
      return z.n;
    });
  }

  // b. Polymorphic load of everything.
  if (out.runs("load_all_poly")) {
    out.measure("load_all_poly", [&] {
      const source_list all = load_sources(db, "");
      if (all.size() < 2 || !of_own_class<CsvFile, Socrata>(*all[0]) ||
          !of_own_class<CsvFile, Socrata>(*all[1]))
        throw std::runtime_error("load_all_poly: rows did not load as their own classes");
      std::size_t sum = 0;
      for (const auto& ds : all) sum += ds->name.size();
      keep(sum);
      return static_cast<i64>(all.size());
    });
  }

  // c. One subtype.
  if (out.runs("load_subtype")) {
    out.measure("load_subtype", [&] {
      const source_list all = load_sources(db, " WHERE type = ?", std::string("CsvFile"));
      return static_cast<i64>(all.size());
    });
  }

  // d. Filter on a subtype column.
  if (out.runs("filter_subtype_col")) {
    out.measure("filter_subtype_col", [&] {
      const source_list all = load_sources(db, " WHERE type = ? AND (row_count > ?)",
                                           std::string("CsvFile"), sizes::row_count_over);
      return static_cast<i64>(all.size());
    });
  }

  // e-setup. 5 fields per data source 1..N/10, 3 unique values per field.
  if (out.runs("fields_insert")) {
    out.measure("fields_insert", [&] {
      i64 n = 0;
      SQLite::Transaction tx(db);
      statement fi(db, "INSERT INTO fields (data_source_id, name, data_type) VALUES (?,?,?)");
      statement ui(db,
                   "INSERT INTO unique_values (field_id, value, count, classification) VALUES "
                   "(?,?,?,?)");
      for (i64 ds_id = 1; ds_id <= z.n10; ++ds_id) {
        for (int j = 0; j < 5; ++j) {
          Field f;
          f.data_source_id = ds_id;
          f.name = field_name(j);
          f.data_type = field_data_types[static_cast<std::size_t>(j % 3)];
          fi.bind(1, f.data_source_id).bind(2, f.name).bind(3, f.data_type).run();
          f.id = db.getLastInsertRowid();
          ++n;
          for (int k = 0; k < 3; ++k) {
            UniqueValue u;
            u.field_id = f.id;
            u.value = value_text(k);
            u.count = value_count(j, k);
            if (value_classified(k)) u.classification = std::string(value_classification);
            ui.bind(1, u.field_id).bind(2, u.value).bind(3, u.count).bind(4, u.classification);
            ui.run();
            u.id = db.getLastInsertRowid();
            ++n;
          }
        }
      }
      tx.commit();
      return n;
    });
  }

  // e. Nested eager load: data sources -> fields -> unique values (3 queries).
  if (out.runs("eager_nested")) {
    out.measure("eager_nested", [&] {
      source_list sources = load_sources(db, " WHERE id BETWEEN ? AND ?", i64{1}, z.n10);
      std::unordered_map<i64, DataSource*> source_by_id;
      for (auto& ds : sources) source_by_id[ds->id] = ds.get();
      std::unordered_map<i64, Field*> field_by_id;
      statement qf(db, std::string(field_select) + " WHERE data_source_id BETWEEN ? AND ?");
      qf.bind(1, i64{1}).bind(2, z.n10);
      while (qf.row()) {
        auto f = read_field(qf);
        field_by_id[f->id] = f.get();
        source_by_id.at(f->data_source_id)->fields.push_back(std::move(f));
      }
      statement qu(db,
                   "SELECT id, field_id, value, count, classification FROM unique_values WHERE "
                   "field_id IN (SELECT id FROM fields WHERE data_source_id BETWEEN ? AND ?)");
      qu.bind(1, i64{1}).bind(2, z.n10);
      while (qu.row()) {
        auto u = read_value(qu);
        field_by_id.at(u->field_id)->unique_values.push_back(std::move(u));
      }
      i64 n = 0;
      for (const auto& ds : sources)
        for (const auto& f : ds->fields)
          for (const auto& u : f->unique_values) n += u->count.has_value() ? 1 : 0;
      return n;
    });
  }

  // f. has_many :through, one query per data source ...
  if (out.runs("through_n_plus_1")) {
    out.measure("through_n_plus_1", [&] {
      source_list sources = load_sources(db, " WHERE id BETWEEN ? AND ?", i64{1}, z.through);
      statement q(db,
                  "SELECT unique_values.id, unique_values.field_id, value, count, classification "
                  "FROM unique_values INNER JOIN fields ON unique_values.field_id = fields.id "
                  "WHERE fields.data_source_id = ?");
      i64 n = 0;
      for (auto& ds : sources) {
        q.bind(1, ds->id);
        while (q.row()) ds->unique_values.push_back(read_value(q));
        n += static_cast<i64>(ds->unique_values.size());
      }
      return n;
    });
  }
  // ... and preloaded with one join.
  if (out.runs("through_includes")) {
    out.measure("through_includes", [&] {
      source_list sources = load_sources(db, " WHERE id BETWEEN ? AND ?", i64{1}, z.through);
      std::unordered_map<i64, DataSource*> by_id;
      for (auto& ds : sources) by_id[ds->id] = ds.get();
      statement q(db,
                  "SELECT unique_values.id, unique_values.field_id, value, count, classification, "
                  "fields.data_source_id FROM unique_values INNER JOIN fields ON "
                  "unique_values.field_id = fields.id WHERE fields.data_source_id BETWEEN ? AND ?");
      q.bind(1, i64{1}).bind(2, z.through);
      while (q.row()) by_id.at(q.integer(5))->unique_values.push_back(read_value(q));
      i64 n = 0;
      for (const auto& ds : sources) n += static_cast<i64>(ds->unique_values.size());
      return n;
    });
  }

  // g. Polymorphic belongs_to. Rails stores the STI *base* class in commentable_type.
  if (out.runs("comments_insert")) {
    i64 fields = 0;
    {
      statement c(db, "SELECT count(*) FROM fields");
      if (c.row()) fields = c.integer(0);
      c.run();
    }
    if (fields == 0) throw std::runtime_error("comments_insert needs fields (N >= 10)");
    out.measure("comments_insert", [&] {
      SQLite::Transaction tx(db);
      statement q(db,
                  "INSERT INTO comments (commentable_type, commentable_id, body, created_at, "
                  "updated_at) VALUES (?,?,?,?,?)");
      for (i64 i = 0; i < z.n; ++i) {
        Comment c;
        c.commentable_type = i % 2 == 0 ? "DataSource" : "Field";
        c.commentable_id = comment_target_id(i, z.n, fields);
        c.body = comment_body(i);
        c.created_at = c.updated_at = now_text();
        q.bind(1, c.commentable_type).bind(2, c.commentable_id).bind(3, c.body);
        q.bind(4, c.created_at).bind(5, c.updated_at).run();
        c.id = db.getLastInsertRowid();
      }
      tx.commit();
      return z.n;
    });
  }

  if (out.runs("poly_includes")) {
    out.measure("poly_includes", [&] {
      std::vector<std::unique_ptr<Comment>> comments;
      statement qc(db,
                   "SELECT id, commentable_type, commentable_id, body, created_at, updated_at "
                   "FROM comments");
      while (qc.row()) {
        auto c = std::make_unique<Comment>();
        c->id = qc.integer(0);
        c->commentable_type = qc.text(1);
        c->commentable_id = qc.integer(2);
        c->body = qc.opt_string(3);
        c->created_at = qc.text(4);
        c->updated_at = qc.text(5);
        comments.push_back(std::move(c));
      }
      const source_list sources = load_sources(
          db, " WHERE id IN (SELECT commentable_id FROM comments WHERE commentable_type = ?)",
          std::string("DataSource"));
      std::unordered_map<i64, Named*> source_by_id;
      std::unordered_map<i64, Named*> field_by_id;
      for (const auto& ds : sources) source_by_id[ds->id] = ds.get();
      std::vector<std::unique_ptr<Field>> fields;
      statement qf(db, std::string(field_select) +
                           " WHERE id IN (SELECT commentable_id FROM comments WHERE "
                           "commentable_type = 'Field')");
      while (qf.row()) {
        fields.push_back(read_field(qf));
        field_by_id[fields.back()->id] = fields.back().get();
      }
      std::size_t sum = 0;
      for (auto& c : comments) {
        c->commentable =
            (c->commentable_type == "Field" ? field_by_id : source_by_id).at(c->commentable_id);
        sum += c->commentable->name.size();
      }
      keep(sum);
      return static_cast<i64>(comments.size());
    });
  }

  // h. Load every CsvFile, bump row_count, UPDATE it and updated_at; one transaction.
  if (out.runs("update_save")) {
    out.measure("update_save", [&] {
      SQLite::Transaction tx(db);
      const source_list all = load_sources(db, " WHERE type = ?", std::string("CsvFile"));
      statement q(db, "UPDATE data_sources SET row_count = ?, updated_at = ? WHERE id = ?");
      for (const auto& ds : all) {
        auto& c = static_cast<CsvFile&>(*ds);
        c.row_count = c.row_count.value_or(0) + 1;
        c.updated_at = now_text();
        q.bind(1, c.row_count).bind(2, c.updated_at).bind(3, c.id).run();
      }
      tx.commit();
      return static_cast<i64>(all.size());
    });
  }

  report::note("db_bytes_before_destroy", dbs.main_bytes());

  // i. destroy_all: each Socrata materialized, its dependents deleted (fields -> their
  //    comments and unique values, its own comments), then itself.
  if (out.runs("destroy_all_socrata")) {
    out.measure("destroy_all_socrata", [&] {
      SQLite::Transaction tx(db);
      const source_list all = load_sources(db, " WHERE type = ?", std::string("Socrata"));
      statement field_ids(db, "SELECT id FROM fields WHERE data_source_id = ?");
      statement delete_comments(
          db, "DELETE FROM comments WHERE commentable_type = ? AND commentable_id = ?");
      statement delete_values(db, "DELETE FROM unique_values WHERE field_id = ?");
      statement delete_field(db, "DELETE FROM fields WHERE id = ?");
      statement delete_source(db, "DELETE FROM data_sources WHERE id = ?");
      const std::string field_type = "Field";
      const std::string source_type = "DataSource";
      std::vector<i64> ids;
      for (const auto& ds : all) {
        ids.clear();
        field_ids.bind(1, ds->id);
        while (field_ids.row()) ids.push_back(field_ids.integer(0));
        for (const i64 f : ids) {
          delete_values.bind(1, f).run();
          delete_comments.bind(1, field_type).bind(2, f).run();
          delete_field.bind(1, f).run();
        }
        delete_comments.bind(1, source_type).bind(2, ds->id).run();
        delete_source.bind(1, ds->id).run();
      }
      tx.commit();
      return static_cast<i64>(all.size());
    });
  }

  report::note("db_bytes", dbs.main_bytes());
}

void stream(const options& opts, databases& dbs, report& out) {
  const i64 m = *opts.stream;
  auto db = open_fresh(dbs.main());
  {
    SQLite::Transaction tx(db);
    insert_in_batches(db, 0, m);
    tx.commit();
  }
  out.measure("stream_root", [&] {
    statement q(db, std::string(source_select));
    std::size_t sum = 0;
    i64 rows = 0;
    while (q.row()) {
      const auto ds = read_source(q);
      sum += ds->name.size();
      ++rows;
    }
    keep(sum);
    return rows;
  });
}

}  // namespace bench::handwritten_sqlite
