// The workloads on stitch, written as a user of stitch writes them: models, queries,
// associations, includes, save, save_all and destroy, never SQL. Compiled once per layout
// (see models.hpp): bench::sti::run and bench::mti::run are this file.
#include <stitch/postgres.hpp>
#include <stitch/sqlite.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench.hpp"
#include "models.hpp"

namespace bench::STITCH_BENCH_LAYOUT {
namespace {

using stitch::col;

stitch::database open(const databases& dbs, const std::string& location) {
  return dbs.postgres() ? stitch::postgres::connect(location) : stitch::sqlite::open(location);
}

void create_schema(stitch::database& db) {
  db.create_schema<DataSource, Field, UniqueValue, Comment>();
}

// Data source number i, as its own class. save() sets created_at and updated_at.
std::unique_ptr<DataSource> make_source(i64 i) {
  std::unique_ptr<DataSource> ds;
  if (is_csv(i)) {
    auto c = std::make_unique<CsvFile>();
    c->path = csv_path(i);
    c->delimiter = std::string(csv_delimiter);
    c->row_count = static_cast<std::int32_t>(csv_row_count(i));
    ds = std::move(c);
  } else {
    auto s = std::make_unique<Socrata>();
    s->domain = std::string(socrata_domain);
    s->dataset_id = socrata_dataset_id(i);
    s->app_token = socrata_app_token(i);
    ds = std::move(s);
  }
  ds->name = source_name(i);
  ds->description = source_description(i);
  return ds;
}

std::size_t name_size(const std::optional<std::string>& name) { return name ? name->size() : 0; }

// report::measure, followed by `# statements <workload> K`: the statements stitch ran.
template <class F>
void measure(report& out, stitch::database& db, std::string_view name, F&& body) {
  const auto before = db.statements_executed();
  out.measure(name, std::forward<F>(body));
  if (out.printed(name))
    report::note("statements " + std::string(name),
                 static_cast<i64>(db.statements_executed() - before));
}

// Data sources 1..last.
auto first_sources(stitch::database& db, i64 last) {
  return db.all<DataSource>().where(col<&DataSource::id> >= 1 && col<&DataSource::id> <= last);
}

}  // namespace

void run(const options& opts, databases& dbs, report& out) {
  const sizes z(opts.n);

  // a2. save_all of N new objects into a scratch database, in slices of 1000 as
  // ActiveRecord's insert_all is given them (the objects of one slice are held at a time),
  // in one transaction; stitch batches each slice's INSERTs.
  if (out.runs("insert_all")) {
    {
      auto scratch = open(dbs, dbs.scratch());
      create_schema(scratch);
      measure(out, scratch, "insert_all", [&] {
        constexpr i64 slice = 1000;
        std::vector<std::unique_ptr<DataSource>> objects;
        objects.reserve(slice);
        auto tx = scratch.transaction(stitch::intent::write);
        for (i64 i = 0; i < z.n; i += slice) {
          objects.clear();
          for (i64 k = i; k < std::min(z.n, i + slice); ++k) objects.push_back(make_source(k));
          scratch.save_all(objects);
        }
        tx.commit();
        return z.n;
      });
    }
    dbs.drop_scratch();
  }

  auto db = open(dbs, dbs.main());
  create_schema(db);

  // a. One save per object, through the base class, in one transaction.
  if (out.runs("insert_save")) {
    measure(out, db, "insert_save", [&] {
      auto tx = db.transaction(stitch::intent::write);
      for (i64 i = 0; i < z.n; ++i) {
        auto ds = make_source(i);
        db.save(*ds);
      }
      tx.commit();
      return z.n;
    });
  }

  // b. Every row as its own class, names read through the base.
  if (out.runs("load_all_poly")) {
    measure(out, db, "load_all_poly", [&] {
      const auto all = db.all<DataSource>().to_vector();
      if (all.size() < 2 || !of_own_class<CsvFile, Socrata>(*all[0]) ||
          !of_own_class<CsvFile, Socrata>(*all[1]))
        throw std::runtime_error("load_all_poly: rows did not load as their own classes");
      std::size_t sum = 0;
      for (const auto& ds : all) sum += name_size(ds->name);
      keep(sum);
      return static_cast<i64>(all.size());
    });
  }

  // c. One subclass.
  if (out.runs("load_subtype")) {
    measure(out, db, "load_subtype", [&] {
      const auto files = db.all<CsvFile>().to_vector();
      return static_cast<i64>(files.size());
    });
  }

  // d. A condition on a subclass's column.
  if (out.runs("filter_subtype_col")) {
    measure(out, db, "filter_subtype_col", [&] {
      const auto files =
          db.all<CsvFile>().where(col<&CsvFile::row_count> > sizes::row_count_over).to_vector();
      return static_cast<i64>(files.size());
    });
  }

  // e-setup. As Rails does: the data sources are loaded, then each field and value is saved
  // on its own, pointed at its owner with belongs_to::set.
  if (out.runs("fields_insert")) {
    measure(out, db, "fields_insert", [&] {
      i64 n = 0;
      auto tx = db.transaction(stitch::intent::write);
      auto sources = first_sources(db, z.n10).order_by(col<&DataSource::id>);
      for (auto& ds : sources) {
        for (int j = 0; j < 5; ++j) {
          Field f;
          f.data_source.set(*ds);
          f.name = field_name(j);
          f.data_type = field_data_types[static_cast<std::size_t>(j % 3)];
          db.save(f);
          ++n;
          for (int k = 0; k < 3; ++k) {
            UniqueValue u;
            u.field.set(f);
            u.value = value_text(k);
            u.count = static_cast<std::int32_t>(value_count(j, k));
            if (value_classified(k)) u.classification = std::string(value_classification);
            db.save(u);
            ++n;
          }
        }
      }
      tx.commit();
      return n;
    });
  }

  // e. A nested path of includes: sources, their fields, the fields' values.
  if (out.runs("eager_nested")) {
    measure(out, db, "eager_nested", [&] {
      const auto sources =
          first_sources(db, z.n10).includes(&DataSource::fields, &Field::unique_values).to_vector();
      i64 n = 0;
      for (const auto& ds : sources)
        for (auto& f : ds->fields)
          for (auto& u : f.unique_values) n += u.count.has_value() ? 1 : 0;
      return n;
    });
  }

  // f. has_many :through, touched per source (lazy loading) ...
  if (out.runs("through_n_plus_1")) {
    measure(out, db, "through_n_plus_1", [&] {
      const auto sources = first_sources(db, z.through).to_vector();
      i64 n = 0;
      for (const auto& ds : sources) n += static_cast<i64>(ds->unique_values.size());
      return n;
    });
  }
  // ... and included.
  if (out.runs("through_includes")) {
    measure(out, db, "through_includes", [&] {
      const auto sources =
          first_sources(db, z.through).includes(&DataSource::unique_values).to_vector();
      i64 n = 0;
      for (const auto& ds : sources) n += static_cast<i64>(ds->unique_values.size());
      return n;
    });
  }

  // g. A polymorphic belongs_to, set to objects loaded beforehand (untimed, as in Rails).
  if (out.runs("comments_insert")) {
    const auto sources = db.all<DataSource>().order_by(col<&DataSource::id>).to_vector();
    const auto fields = db.all<Field>().order_by(col<&Field::id>).to_vector();
    if (fields.empty()) throw std::runtime_error("comments_insert needs fields (N >= 10)");
    if (static_cast<i64>(sources.size()) != z.n)
      throw std::runtime_error("comments_insert needs the N data sources of insert_save");
    measure(out, db, "comments_insert", [&] {
      auto tx = db.transaction(stitch::intent::write);
      for (i64 i = 0; i < z.n; ++i) {
        Comment c;
        const auto target = static_cast<std::size_t>(
            comment_target_id(i, z.n, static_cast<i64>(fields.size())) - 1);
        if (i % 2 == 0) {
          c.commentable.set(*sources[target]);
        } else {
          c.commentable.set(fields[target]);
        }
        c.body = comment_body(i);
        db.save(c);
      }
      tx.commit();
      return z.n;
    });
  }

  if (out.runs("poly_includes")) {
    measure(out, db, "poly_includes", [&] {
      auto comments = db.all<Comment>().includes(&Comment::commentable).to_vector();
      std::size_t sum = 0;
      for (auto& c : comments) {
        const stitch::record* target = c.commentable.get();
        if (const auto* ds = dynamic_cast<const DataSource*>(target)) {
          sum += name_size(ds->name);
        } else if (const auto* f = dynamic_cast<const Field*>(target)) {
          sum += name_size(f->name);
        } else {
          throw std::runtime_error("poly_includes: a comment's commentable did not load");
        }
      }
      keep(sum);
      return static_cast<i64>(comments.size());
    });
  }

  // h. Load every CsvFile, change it, save it; one transaction.
  if (out.runs("update_save")) {
    measure(out, db, "update_save", [&] {
      auto tx = db.transaction(stitch::intent::write);
      auto files = db.all<CsvFile>().to_vector();
      for (auto& f : files) {
        f.row_count = f.row_count.value_or(0) + 1;
        db.save(f);
      }
      tx.commit();
      return static_cast<i64>(files.size());
    });
  }

  report::note("db_bytes_before_destroy", dbs.main_bytes());

  // i. destroy of every Socrata: the dependent rules destroy its fields (with their values
  // and comments) and its comments first.
  if (out.runs("destroy_all_socrata")) {
    measure(out, db, "destroy_all_socrata", [&] {
      auto tx = db.transaction(stitch::intent::write);
      auto all = db.all<Socrata>().to_vector();
      for (auto& s : all) db.destroy(s);
      tx.commit();
      return static_cast<i64>(all.size());
    });
  }

  report::note("db_bytes", dbs.main_bytes());
}

void stream(const options& opts, databases& dbs, report& out) {
  const i64 m = *opts.stream;
  auto db = open(dbs, dbs.main());
  create_schema(db);
  {
    // Untimed: save_all in batches, so that no more than one batch is held.
    constexpr i64 batch_size = 10000;
    std::vector<std::unique_ptr<DataSource>> batch;
    batch.reserve(batch_size);
    auto tx = db.transaction(stitch::intent::write);
    for (i64 i = 0; i < m; i += batch_size) {
      batch.clear();
      for (i64 k = i; k < std::min(m, i + batch_size); ++k) batch.push_back(make_source(k));
      db.save_all(batch);
    }
    tx.commit();
  }
  measure(out, db, "stream_root", [&] {
    std::size_t sum = 0;
    i64 rows = 0;
    auto all = db.all<DataSource>();
    for (const auto& ds : all) {
      sum += name_size(ds->name);
      ++rows;
    }
    keep(sum);
    return rows;
  });
}

}  // namespace bench::STITCH_BENCH_LAYOUT
