// The hand-written PostgreSQL baseline on libpqxx 6.4: the statements and row structs of
// ../shared/bench/raw/bench.cpp, as a hand-writer does them with libpqxx: statements prepared
// on the connection and reused, one transaction per workload (reads outside one, as SQLite's
// autocommit), results received whole, ids from RETURNING, no COPY.
#include <pqxx/pqxx>

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench.hpp"
#include "handwritten.hpp"

namespace bench::handwritten_postgres {
namespace {

using namespace bench::handwritten;

// The tables of ../shared/bench/schema.sql as ActiveRecord 6.1 creates them on PostgreSQL.
constexpr const char* schema = R"SQL(
CREATE TABLE data_sources (id bigserial PRIMARY KEY, type character varying, name character varying, description text, created_at timestamp(6) NOT NULL, updated_at timestamp(6) NOT NULL, path character varying, delimiter character varying, row_count integer, domain character varying, dataset_id character varying, app_token character varying);
CREATE INDEX index_data_sources_on_type ON data_sources (type);
CREATE TABLE fields (id bigserial PRIMARY KEY, data_source_id bigint NOT NULL, name character varying, data_type character varying, CONSTRAINT fk_rails_0ae60062e0 FOREIGN KEY (data_source_id) REFERENCES data_sources (id));
CREATE INDEX index_fields_on_data_source_id ON fields (data_source_id);
CREATE TABLE unique_values (id bigserial PRIMARY KEY, field_id bigint NOT NULL, value text, count integer, classification text, CONSTRAINT fk_rails_a8ab24a5fc FOREIGN KEY (field_id) REFERENCES fields (id));
CREATE INDEX index_unique_values_on_field_id ON unique_values (field_id);
CREATE TABLE comments (id bigserial PRIMARY KEY, commentable_type character varying NOT NULL, commentable_id bigint NOT NULL, body text, created_at timestamp(6) NOT NULL, updated_at timestamp(6) NOT NULL);
CREATE INDEX index_comments_on_commentable ON comments (commentable_type, commentable_id);
)SQL";

void create_schema(pqxx::connection& c) {
  pqxx::work w(c);
  w.exec(schema);
  w.commit();
}

// libpqxx 6.4 passes NULL for a null const char*.
const char* nullable(const opt_text& v) { return v ? v->c_str() : nullptr; }

// A parameter list whose length is known at run time (multi-row INSERTs): text borrowed from
// the rows, numbers formatted here. libpqxx copies each into a string when it runs.
class param_list {
 public:
  void text(const std::string& v) { values_.push_back(v.c_str()); }
  void text(const opt_text& v) { values_.push_back(nullable(v)); }
  void integer(const opt_int& v) {
    if (!v) {
      values_.push_back(nullptr);
      return;
    }
    numbers_.push_back(std::to_string(*v));  // a deque: earlier strings stay where they are
    values_.push_back(numbers_.back().c_str());
  }
  void null() { values_.push_back(nullptr); }
  void clear() {
    values_.clear();
    numbers_.clear();
  }
  [[nodiscard]] auto dynamic() const { return pqxx::prepare::make_dynamic_params(values_); }

 private:
  std::vector<const char*> values_;
  std::deque<std::string> numbers_;
};

void add_source(param_list& p, const DataSource& ds) {  // 11 parameters
  p.text(ds.type);
  p.text(ds.name);
  p.text(ds.description);
  p.text(ds.created_at);
  p.text(ds.updated_at);
  if (const auto* c = dynamic_cast<const CsvFile*>(&ds)) {
    p.text(c->path);
    p.text(c->delimiter);
    p.integer(c->row_count);
  } else {
    p.null();
    p.null();
    p.null();
  }
  if (const auto* s = dynamic_cast<const Socrata*>(&ds)) {
    p.text(s->domain);
    p.text(s->dataset_id);
    p.text(s->app_token);
  } else {
    p.null();
    p.null();
    p.null();
  }
}

// "(...), (...)" of rows groups of 11 numbered parameters.
std::string multi_row_insert(i64 rows) {
  std::string sql(source_insert);
  int n = 0;
  for (i64 r = 0; r < rows; ++r) {
    sql += r != 0 ? ",(" : "(";
    for (int k = 0; k < source_params; ++k) {
      if (k != 0) sql += ',';
      sql += '$' + std::to_string(++n);
    }
    sql += ')';
  }
  return sql;
}

std::string text(const pqxx::field& f) { return {f.c_str(), f.size()}; }
opt_text opt_string(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return text(f);
}
opt_int opt_integer(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<i64>();
}
bool text_is(const pqxx::field& f, const char* value) {
  return !f.is_null() && std::strcmp(f.c_str(), value) == 0;
}

// STI: the type column picks the subclass; NULL, 'DataSource' or an unknown name: the base.
std::unique_ptr<DataSource> read_source(const pqxx::row& row) {
  std::unique_ptr<DataSource> ds;
  if (text_is(row[1], "CsvFile")) {
    auto c = std::make_unique<CsvFile>();
    c->path = opt_string(row[6]);
    c->delimiter = opt_string(row[7]);
    c->row_count = opt_integer(row[8]);
    ds = std::move(c);
  } else if (text_is(row[1], "Socrata")) {
    auto s = std::make_unique<Socrata>();
    s->domain = opt_string(row[9]);
    s->dataset_id = opt_string(row[10]);
    s->app_token = opt_string(row[11]);
    ds = std::move(s);
  } else {
    ds = std::make_unique<DataSource>();
  }
  ds->id = row[0].as<i64>();
  ds->type = opt_string(row[1]);
  ds->name = text(row[2]);
  ds->description = opt_string(row[3]);
  ds->created_at = text(row[4]);
  ds->updated_at = text(row[5]);
  return ds;
}

source_list read_sources(const pqxx::result& r) {
  source_list out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_source(row));
  return out;
}

std::unique_ptr<Field> read_field(const pqxx::row& row) {
  auto f = std::make_unique<Field>();
  f->id = row[0].as<i64>();
  f->data_source_id = row[1].as<i64>();
  f->name = text(row[2]);
  f->data_type = opt_string(row[3]);
  return f;
}

// id, field_id, value, count, classification
std::unique_ptr<UniqueValue> read_value(const pqxx::row& row) {
  auto u = std::make_unique<UniqueValue>();
  u->id = row[0].as<i64>();
  u->field_id = row[1].as<i64>();
  u->value = opt_string(row[2]);
  u->count = opt_integer(row[3]);
  u->classification = opt_string(row[4]);
  return u;
}

// Inserts data sources first..last-1 with 100-row multi-VALUES statements.
void insert_in_batches(pqxx::connection& c, pqxx::work& tx, i64 first, i64 last) {
  constexpr i64 batch = 100;
  param_list p;
  for (i64 i = first; i < last; i += batch) {
    const i64 rows = std::min(batch, last - i);
    const std::string name = "insert_sources_" + std::to_string(rows);
    c.prepare(name, multi_row_insert(rows));
    const std::string now = now_text();
    source_list sources;
    for (i64 r = 0; r < rows; ++r) sources.push_back(make_source(i + r, now));
    p.clear();
    for (const auto& ds : sources) add_source(p, *ds);
    tx.exec_prepared0(name, p.dynamic());
  }
}

}  // namespace

void run(const options& opts, databases& dbs, report& out) {
  const sizes z(opts.n);

  // a2. Bulk insert: 100-row multi-VALUES statements into a scratch schema.
  if (out.runs("insert_all")) {
    {
      pqxx::connection scratch(dbs.scratch());
      create_schema(scratch);
      out.measure("insert_all", [&] {
        pqxx::work tx(scratch);
        insert_in_batches(scratch, tx, 0, z.n);
        tx.commit();
        return z.n;
      });
    }
    dbs.drop_scratch();
  }

  pqxx::connection c(dbs.main());
  create_schema(c);
  const std::string select_sources(source_select);

  // a. One row at a time with a reused prepared statement, one transaction.
  if (out.runs("insert_save")) {
    out.measure("insert_save", [&] {
      c.prepare("insert_source", multi_row_insert(1) + " RETURNING id");
      pqxx::work tx(c);
      param_list p;
      for (i64 i = 0; i < z.n; ++i) {
        auto ds = make_source(i, now_text());
        p.clear();
        add_source(p, *ds);
        ds->id = tx.exec_prepared1("insert_source", p.dynamic())[0].as<i64>();
      }
      tx.commit();
      return z.n;
    });
  }

  // b. Polymorphic load of everything.
  if (out.runs("load_all_poly")) {
    out.measure("load_all_poly", [&] {
      c.prepare("all_sources", select_sources);
      pqxx::nontransaction tx(c);
      const source_list all = read_sources(tx.exec_prepared("all_sources"));
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
      c.prepare("sources_of_type", select_sources + " WHERE type = $1");
      pqxx::nontransaction tx(c);
      const source_list all = read_sources(tx.exec_prepared("sources_of_type", "CsvFile"));
      return static_cast<i64>(all.size());
    });
  }

  // d. Filter on a subtype column.
  if (out.runs("filter_subtype_col")) {
    out.measure("filter_subtype_col", [&] {
      c.prepare("sources_over", select_sources + " WHERE type = $1 AND (row_count > $2)");
      pqxx::nontransaction tx(c);
      const source_list all =
          read_sources(tx.exec_prepared("sources_over", "CsvFile", sizes::row_count_over));
      return static_cast<i64>(all.size());
    });
  }

  // e-setup. 5 fields per data source 1..N/10, 3 unique values per field.
  if (out.runs("fields_insert")) {
    out.measure("fields_insert", [&] {
      i64 n = 0;
      c.prepare("insert_field",
                "INSERT INTO fields (data_source_id, name, data_type) VALUES ($1,$2,$3) "
                "RETURNING id");
      c.prepare("insert_value",
                "INSERT INTO unique_values (field_id, value, count, classification) VALUES "
                "($1,$2,$3,$4) RETURNING id");
      pqxx::work tx(c);
      for (i64 ds_id = 1; ds_id <= z.n10; ++ds_id) {
        for (int j = 0; j < 5; ++j) {
          Field f;
          f.data_source_id = ds_id;
          f.name = field_name(j);
          f.data_type = field_data_types[static_cast<std::size_t>(j % 3)];
          f.id =
              tx.exec_prepared1("insert_field", f.data_source_id, f.name, nullable(f.data_type))[0]
                  .as<i64>();
          ++n;
          for (int k = 0; k < 3; ++k) {
            UniqueValue u;
            u.field_id = f.id;
            u.value = value_text(k);
            u.count = value_count(j, k);
            if (value_classified(k)) u.classification = std::string(value_classification);
            u.id = tx.exec_prepared1("insert_value", u.field_id, nullable(u.value), *u.count,
                                     nullable(u.classification))[0]
                       .as<i64>();
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
      c.prepare("sources_between", select_sources + " WHERE id BETWEEN $1 AND $2");
      c.prepare("fields_of_sources_between",
                std::string(field_select) + " WHERE data_source_id BETWEEN $1 AND $2");
      c.prepare("values_of_sources_between",
                "SELECT id, field_id, value, count, classification FROM unique_values WHERE "
                "field_id IN (SELECT id FROM fields WHERE data_source_id BETWEEN $1 AND $2)");
      pqxx::nontransaction tx(c);
      source_list sources = read_sources(tx.exec_prepared("sources_between", 1, z.n10));
      std::unordered_map<i64, DataSource*> source_by_id;
      for (auto& ds : sources) source_by_id[ds->id] = ds.get();
      std::unordered_map<i64, Field*> field_by_id;
      for (const auto& row : tx.exec_prepared("fields_of_sources_between", 1, z.n10)) {
        auto f = read_field(row);
        field_by_id[f->id] = f.get();
        source_by_id.at(f->data_source_id)->fields.push_back(std::move(f));
      }
      for (const auto& row : tx.exec_prepared("values_of_sources_between", 1, z.n10)) {
        auto u = read_value(row);
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
      c.prepare("sources_between", select_sources + " WHERE id BETWEEN $1 AND $2");
      c.prepare("values_through_fields",
                "SELECT unique_values.id, unique_values.field_id, value, count, classification "
                "FROM unique_values INNER JOIN fields ON unique_values.field_id = fields.id "
                "WHERE fields.data_source_id = $1");
      pqxx::nontransaction tx(c);
      source_list sources = read_sources(tx.exec_prepared("sources_between", 1, z.through));
      i64 n = 0;
      for (auto& ds : sources) {
        for (const auto& row : tx.exec_prepared("values_through_fields", ds->id))
          ds->unique_values.push_back(read_value(row));
        n += static_cast<i64>(ds->unique_values.size());
      }
      return n;
    });
  }
  // ... and preloaded with one join.
  if (out.runs("through_includes")) {
    out.measure("through_includes", [&] {
      c.prepare("sources_between", select_sources + " WHERE id BETWEEN $1 AND $2");
      c.prepare("values_through_fields_between",
                "SELECT unique_values.id, unique_values.field_id, value, count, classification, "
                "fields.data_source_id FROM unique_values INNER JOIN fields ON "
                "unique_values.field_id = fields.id WHERE fields.data_source_id BETWEEN $1 AND $2");
      pqxx::nontransaction tx(c);
      source_list sources = read_sources(tx.exec_prepared("sources_between", 1, z.through));
      std::unordered_map<i64, DataSource*> by_id;
      for (auto& ds : sources) by_id[ds->id] = ds.get();
      for (const auto& row : tx.exec_prepared("values_through_fields_between", 1, z.through))
        by_id.at(row[5].as<i64>())->unique_values.push_back(read_value(row));
      i64 n = 0;
      for (const auto& ds : sources) n += static_cast<i64>(ds->unique_values.size());
      return n;
    });
  }

  // g. Polymorphic belongs_to. Rails stores the STI *base* class in commentable_type.
  if (out.runs("comments_insert")) {
    i64 fields = 0;
    {
      pqxx::nontransaction tx(c);
      fields = tx.exec1("SELECT count(*) FROM fields")[0].as<i64>();
    }
    if (fields == 0) throw std::runtime_error("comments_insert needs fields (N >= 10)");
    out.measure("comments_insert", [&] {
      c.prepare("insert_comment",
                "INSERT INTO comments (commentable_type, commentable_id, body, created_at, "
                "updated_at) VALUES ($1,$2,$3,$4,$5) RETURNING id");
      pqxx::work tx(c);
      for (i64 i = 0; i < z.n; ++i) {
        Comment cm;
        cm.commentable_type = i % 2 == 0 ? "DataSource" : "Field";
        cm.commentable_id = comment_target_id(i, z.n, fields);
        cm.body = comment_body(i);
        cm.created_at = cm.updated_at = now_text();
        cm.id = tx.exec_prepared1("insert_comment", cm.commentable_type, cm.commentable_id,
                                  nullable(cm.body), cm.created_at, cm.updated_at)[0]
                    .as<i64>();
      }
      tx.commit();
      return z.n;
    });
  }

  if (out.runs("poly_includes")) {
    out.measure("poly_includes", [&] {
      c.prepare("all_comments",
                "SELECT id, commentable_type, commentable_id, body, created_at, updated_at FROM "
                "comments");
      c.prepare("commented_sources", select_sources +
                                         " WHERE id IN (SELECT commentable_id FROM comments "
                                         "WHERE commentable_type = $1)");
      c.prepare("commented_fields", std::string(field_select) +
                                        " WHERE id IN (SELECT commentable_id FROM comments "
                                        "WHERE commentable_type = 'Field')");
      pqxx::nontransaction tx(c);
      std::vector<std::unique_ptr<Comment>> comments;
      {
        const auto r = tx.exec_prepared("all_comments");
        comments.reserve(r.size());
        for (const auto& row : r) {
          auto cm = std::make_unique<Comment>();
          cm->id = row[0].as<i64>();
          cm->commentable_type = text(row[1]);
          cm->commentable_id = row[2].as<i64>();
          cm->body = opt_string(row[3]);
          cm->created_at = text(row[4]);
          cm->updated_at = text(row[5]);
          comments.push_back(std::move(cm));
        }
      }
      const source_list sources = read_sources(tx.exec_prepared("commented_sources", "DataSource"));
      std::unordered_map<i64, Named*> source_by_id;
      std::unordered_map<i64, Named*> field_by_id;
      for (const auto& ds : sources) source_by_id[ds->id] = ds.get();
      std::vector<std::unique_ptr<Field>> fields;
      for (const auto& row : tx.exec_prepared("commented_fields")) {
        fields.push_back(read_field(row));
        field_by_id[fields.back()->id] = fields.back().get();
      }
      std::size_t sum = 0;
      for (auto& cm : comments) {
        cm->commentable =
            (cm->commentable_type == "Field" ? field_by_id : source_by_id).at(cm->commentable_id);
        sum += cm->commentable->name.size();
      }
      keep(sum);
      return static_cast<i64>(comments.size());
    });
  }

  // h. Load every CsvFile, bump row_count, UPDATE it and updated_at; one transaction.
  if (out.runs("update_save")) {
    out.measure("update_save", [&] {
      c.prepare("sources_of_type", select_sources + " WHERE type = $1");
      c.prepare("update_row_count",
                "UPDATE data_sources SET row_count = $1, updated_at = $2 WHERE id = $3");
      pqxx::work tx(c);
      const source_list all = read_sources(tx.exec_prepared("sources_of_type", "CsvFile"));
      for (const auto& ds : all) {
        auto& f = static_cast<CsvFile&>(*ds);
        f.row_count = f.row_count.value_or(0) + 1;
        f.updated_at = now_text();
        tx.exec_prepared0("update_row_count", *f.row_count, f.updated_at, f.id);
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
      c.prepare("sources_of_type", select_sources + " WHERE type = $1");
      c.prepare("field_ids", "SELECT id FROM fields WHERE data_source_id = $1");
      c.prepare("delete_comments",
                "DELETE FROM comments WHERE commentable_type = $1 AND commentable_id = $2");
      c.prepare("delete_values", "DELETE FROM unique_values WHERE field_id = $1");
      c.prepare("delete_field", "DELETE FROM fields WHERE id = $1");
      c.prepare("delete_source", "DELETE FROM data_sources WHERE id = $1");
      pqxx::work tx(c);
      const source_list all = read_sources(tx.exec_prepared("sources_of_type", "Socrata"));
      std::vector<i64> ids;
      for (const auto& ds : all) {
        ids.clear();
        for (const auto& row : tx.exec_prepared("field_ids", ds->id))
          ids.push_back(row[0].as<i64>());
        for (const i64 f : ids) {
          tx.exec_prepared0("delete_values", f);
          tx.exec_prepared0("delete_comments", "Field", f);
          tx.exec_prepared0("delete_field", f);
        }
        tx.exec_prepared0("delete_comments", "DataSource", ds->id);
        tx.exec_prepared0("delete_source", ds->id);
      }
      tx.commit();
      return static_cast<i64>(all.size());
    });
  }

  report::note("db_bytes", dbs.main_bytes());
}

void stream(const options& opts, databases& dbs, report& out) {
  const i64 m = *opts.stream;
  pqxx::connection c(dbs.main());
  create_schema(c);
  {
    pqxx::work tx(c);
    insert_in_batches(c, tx, 0, m);
    tx.commit();
  }
  // libpqxx receives a statement's whole result: a cursor fetches the rows in blocks.
  out.measure("stream_root", [&] {
    constexpr i64 block_rows = 10000;
    pqxx::work tx(c);
    pqxx::icursorstream cursor(tx, std::string(source_select), "stream_root", block_rows);
    std::size_t sum = 0;
    i64 rows = 0;
    pqxx::result block;
    while (cursor >> block) {
      for (const auto& row : block) {
        const auto ds = read_source(row);
        sum += ds->name.size();
        ++rows;
      }
    }
    tx.commit();
    keep(sum);
    return rows;
  });
}

}  // namespace bench::handwritten_postgres
