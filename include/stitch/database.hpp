#pragma once
/// @file database.hpp
/// stitch::database: one connection, with typed persistence and queries over it.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <ranges>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "backend.hpp"
#include "detail/loader.hpp"
#include "detail/mapping.hpp"
#include "detail/row.hpp"
#include "detail/schema_plan.hpp"
#include "detail/session.hpp"
#include "detail/sql.hpp"
#include "errors.hpp"
#include "query.hpp"
#include "schema.hpp"
#include "transaction.hpp"
#include "visit.hpp"

namespace stitch {

namespace detail {
template <class C, bool WithId>
struct insert_key {};
template <class Root, int Log2Rows>
struct insert_table_rows_key {};
template <class C, class Cols, int Log2Rows>
struct insert_part_rows_key {};
template <class Root>
struct reserve_ids_key {};
template <class C>
struct update_key {};
template <class C, class Cols>
struct insert_part_key {};
template <class C, class Cols>
struct update_part_key {};
template <class Root>
struct delete_key {};
template <class Root>
struct advance_id_key {};
template <class T>
struct find_key {};

inline std::int64_t now_micros() {
  using namespace std::chrono;
  return floor<microseconds>(system_clock::now()).time_since_epoch().count();
}

template <class T>
decltype(auto) deref(T&& x) {
  if constexpr (requires { *x; } && !model_class<std::remove_cvref_t<T>>) {
    return *x;
  } else {
    return std::forward<T>(x);
  }
}

}  // namespace detail

/// A connection to one database. Move-only; queries and transactions borrow it. Not
/// thread-safe: open one per thread.
class database {
 public:
  /// Wraps an adapter's connection; the adapters' open()/connect() call this.
  explicit database(std::unique_ptr<backend::connection> connection)
      : session_(std::make_unique<detail::session>(std::move(connection))) {}
  database(database&&) noexcept = default;
  /// Not assignable: queries and transactions of the old connection would dangle.
  database& operator=(database&&) = delete;
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  ~database() = default;

  /// Creates the tables of the given models (CREATE TABLE IF NOT EXISTS, and the index on
  /// `type`) in one transaction, then checks that existing tables have every column the
  /// models need. Throws schema_error naming the table and the missing columns.
  template <class... Ts>
  void create_schema() {
    if constexpr ((detail::check_model<Ts>() && ...)) {
      const auto plan = detail::plan_schema<Ts...>();
      const auto& d = sql_dialect();
      detail::write_scope scope(live(), 2);
      // Keys that reference a table not created yet (a cycle) are added once it exists, where
      // the database does not take forward references.
      std::vector<detail::foreign_key_def> now;
      std::vector<detail::foreign_key_def> later;
      std::vector<std::string_view> created;
      for (const auto* t : plan.ordered()) {
        now.clear();
        const auto waiting = later.size();
        for (const auto& k : plan.keys) {
          if (k.table != t->name) continue;
          const bool ready = d.forward_foreign_keys() || k.references == t->name ||
                             std::ranges::find(created, k.references) != created.end();
          (ready ? now : later).push_back(k);
        }
        const auto existing = live().connection().table_columns(t->name);
        // A table that exists already keeps the constraints it has; one in the other layout
        // is refused before anything is created beside it.
        if (later.size() > waiting && !existing.empty()) later.resize(waiting);
        detail::check_layout(live().connection(), *t, existing);
        execute(detail::create_table_sql(d, *t, now));
        if (t->has_type) execute(detail::create_type_index_sql(d, *t));
        if (t->joined) create_class_tables(*t, plan.keys);
        detail::check_table(live().connection(), *t);
        created.push_back(t->name);
      }
      for (const auto& k : later) execute(detail::add_foreign_key_sql(d, k));
      for (const auto& j : plan.joins)
        execute(detail::create_join_table_sql(d, j.table, j.owner_key, j.owner_table, j.target_key,
                                              j.target_table));
      for (const auto& i : plan.indexes)
        execute(detail::create_index_sql(d, i.table, i.columns, i.unique, i.name));
      scope.commit();
    }
  }

  /// Checks that the tables of the given models exist with every column they need (and, for
  /// a hierarchy, in the layout it declares).
  template <class... Ts>
  void check_schema() {
    if constexpr ((detail::check_model<Ts>() && ...))
      (detail::check_table(live().connection(), detail::table_of<Ts>()), ...);
  }

  /// Inserts a new object or updates a persisted one, atomically. On success sets id,
  /// persisted() and the automatic timestamps; on failure the object is unchanged. Saves an
  /// object through a base reference as its dynamic class (a CsvFile writes type 'CsvFile').
  /// An object whose insert was rolled back with its transaction is inserted again, with a
  /// new id: its old id may belong to another row by now.
  template <class T>
  void save(T& obj) {
    if constexpr (detail::check_model<T>()) {
      auto& s = live();
      detail::with_dynamic_class<T>(obj, [&]<class C>(C& o) {
        if constexpr (detail::has_associations<C>) {
          detail::attach_all(o, s.link_for(false));
          if (cascades(o)) {
            graph_write g(s);
            detail::write_scope scope(s, 2);
            try {
              save_node(o, g, true);
              scope.commit();
            } catch (...) {
              g.undo();
              throw;
            }
            g.stamp();
            return;
          }
        }
        const auto now = detail::now_micros();
        const bool inserting = !has_row(o);
        // In joined tables an object is a row in each table of its lineage.
        constexpr int statements =
            detail::is_joined<typename C::stitch_root>() ? detail::lineage_t<C>::size : 1;
        detail::write_scope scope(s, statements);
        const auto id = write(o, inserting, id_to_insert(o, inserting), now);
        const auto level = s.current_level();
        scope.commit();
        finish(o, id, inserting, level);
        detail::apply_timestamps(o, inserting, now);
      });
    }
  }

  /// Saves every object of a range (objects, pointers or std::unique_ptrs) in one
  /// transaction, reusing one prepared statement per class. All or nothing: on failure no
  /// row is written and every object keeps its id and persisted() state.
  template <std::ranges::range R>
  void save_all(R&& objects) {
    using reference = std::ranges::range_reference_t<R>;
    using element = std::remove_cvref_t<decltype(detail::deref(std::declval<reference>()))>;
    static_assert(
        !model_class<std::remove_cvref_t<reference>> || std::is_lvalue_reference_v<reference>,
        "[stitch] save_all needs a range of objects it can write ids back into (a "
        "container, or a view of references or pointers), not of temporaries");
    if constexpr (detail::check_model<element>()) {
      auto& s = live();
      graph_write g(s);
      if constexpr (std::ranges::sized_range<R>) g.reserve(std::ranges::size(objects));
      detail::write_scope scope(s, 2);
      batched_inserts batch(sql_dialect().batches_inserts());
      try {
        for (auto&& item : objects) {
          element& obj = detail::deref(item);
          detail::with_dynamic_class<element>(obj, [&]<class C>(C& o) {
            if (o.persisted() && detail::record_access::inserted_in(o) == s.current_level()) {
              if (g.visiting.contains(&o)) return;  // an earlier object's save saved it
              throw usage_error("save_all was given the same new " +
                                std::string(detail::class_name<C>) + " object twice");
            }
            if constexpr (detail::has_associations<C>) {
              detail::attach_all(o, s.link_for(false));
              if (cascades(o)) {
                batch.flush(*this, g);  // the cascade may meet objects waiting in the batch
                save_node(o, g, true);
                return;
              }
            }
            if (batch.enabled() && !has_row(o) && id_to_insert(o, true) == 0 &&
                detail::member_count<C>() + (detail::table_of<C>().has_type ? 1 : 0) > 0) {
              batch.add(*this, g, o);
              return;
            }
            write_logged(o, g);
          });
        }
        batch.flush(*this, g);
        scope.commit();
      } catch (...) {
        g.undo();
        throw;
      }
      g.stamp();
    }
  }

  /// The object with this id, as its own class (loaded_t<T>). Throws record_not_found.
  template <class T>
  [[nodiscard]] auto find(std::int64_t id) {
    if constexpr (!detail::check_model<T>()) {
      return detail::failed_check{};
    } else {
      auto found = find_optional<T>(id);
      if (!found) throw record_not_found(detail::class_name<T>, detail::table_of<T>().name, id);
      if constexpr (detail::is_polymorphic_query<T>) {
        return found;
      } else {
        return T(std::move(*found));
      }
    }
  }

  /// The object with this id, or an empty result.
  template <class T>
  [[nodiscard]] maybe_t<T> find_optional(std::int64_t id) {
    maybe_t<T> out;
    if constexpr (detail::check_model<T>()) {
      const auto& plan = detail::plan_of<T>();
      auto st = find_statement<T>(id);
      if (st.step()) {
        loaded_t<T> v{};
        if (detail::load_row<T>(plan, *st, v, live().link_for(false)))
          out = maybe_t<T>(std::move(v));
      }
    }
    return out;
  }

  /// Deletes the object's row. Returns false when there was none. The object keeps its
  /// members and id and becomes a new record.
  template <class T>
  bool destroy(T& obj) {
    bool deleted = false;
    if constexpr (detail::check_model<T>()) {
      if constexpr (has_dependents<T>()) {
        detail::with_dynamic_class<T>(obj, [&]<class C>(C& o) {
          if (!has_row(o)) {
            deleted = destroy_row(o);
            return;
          }
          destroy_state state;
          detail::write_scope scope(live(), 2);
          deleted = destroy_node(o, state);
          scope.commit();
          for (auto* r : state.gone) detail::record_access::set_persisted(*r, false);
        });
      } else {
        deleted = destroy_row(obj);
      }
    }
    return deleted;
  }

  /// Loads associations of an object, with the same batching as query::includes: a path of
  /// association members (`db.load(ds, &DataSource::fields, &Field::unique_values)`). The
  /// first step is loaded again even when it was loaded.
  template <class O, class First, class... Rest>
  requires model_class<O>
  void load(O& obj, First first, Rest... rest) {
    std::vector<O*> one{&obj};
    load_path(one, first, rest...);
  }
  /// The same for every object of a range (objects, pointers or std::unique_ptrs), in one
  /// statement per step.
  template <std::ranges::range R, class First, class... Rest>
  requires(!model_class<std::remove_cvref_t<R>>) void load(R&& objects, First first, Rest... rest) {
    using element = std::remove_cvref_t<decltype(detail::deref(*std::ranges::begin(objects)))>;
    std::vector<element*> all;
    for (auto&& item : objects) all.push_back(&detail::deref(item));
    load_path(all, first, rest...);
  }
  /// Loads (again) one association member of an object that came from this database or was
  /// saved to it: `db.load(ds.fields)`.
  template <class A>
  requires std::is_base_of_v<detail::association_base, A>
  void load(A& association) {
    const auto* info = detail::association_access::info(association);
    if (info == nullptr)
      throw usage_error(
          "db.load(association) needs an object that was loaded or saved; for "
          "a new object use db.load(object, &Class::association)");
    association.reset();
    detail::association_base& base = association;
    info->load(live(), reinterpret_cast<char*>(&base) - info->offset,
               detail::association_access::link_of(association));
  }

  /// Strict loading for every object loaded from now on: touching an association that was
  /// not loaded throws strict_loading_violation instead of loading it.
  void strict_loading(bool on = true) { live().set_strict_loading(on); }

  /// has_and_belongs_to_many: adds the pair (owner, target) to the join table. Both must
  /// have rows. The owner's association is loaded again on its next touch.
  template <class O, class D, class Member, class U>
  void link(O& owner, Member D::*association, const U& target) {
    habtm_write(owner, association, target, true);
  }
  /// has_and_belongs_to_many: removes the pair (owner, target) from the join table.
  template <class O, class D, class Member, class U>
  void unlink(O& owner, Member D::*association, const U& target) {
    habtm_write(owner, association, target, false);
  }

  /// Reads the object's members again from its row; members that are not columns are left
  /// alone. Throws record_not_found; on any failure the object is unchanged.
  template <class T>
  void reload(T& obj) {
    if constexpr (detail::check_model<T>()) {
      detail::with_dynamic_class<T>(obj, [&]<class C>(C& o) {
        const auto& plan = detail::plan_of<C>();
        if (!has_row(o)) throw record_not_found(detail::class_name<C>, plan.table->name, o.id);
        auto st = find_statement<C>(o.id);
        if (!st.step()) throw record_not_found(detail::class_name<C>, plan.table->name, o.id);
        C fresh;
        detail::read_row_into(plan, *st, fresh, live().link_for(false));
        detail::for_each_aggregate(
            o, [&]<class Cols>(Cols& columns) { columns = std::move(static_cast<Cols&>(fresh)); });
        detail::record_access::set_persisted(o, true);
        if constexpr (detail::has_associations<C>) {
          detail::for_each_association<C>([&]<auto M>() { (o.*M).reset(); });
          detail::attach_all(o, live().link_for(false));
        }
      });
    }
  }

  /// A query over every row of T's table that is a T (a CsvFile query filters on type).
  template <class T>
  [[nodiscard]] query<T> all() {
    return query<T>(&live());
  }

  /// Shorthand for all<T>().where(condition).
  template <class T, class... Owners>
  [[nodiscard]] query<T> where(const predicate<Owners...>& condition) {
    return all<T>().where(condition);
  }

  /// Opens a transaction (a savepoint when one is open). See stitch::transaction. An
  /// isolation level other than the database's default applies to an outermost transaction
  /// only (usage_error inside another).
  [[nodiscard]] stitch::transaction transaction(intent what = intent::read,
                                                isolation level = isolation::database_default) {
    return stitch::transaction(live(), what, level);
  }

  /// The one value of a one-row, one-column SQL query, with `?` placeholders bound to args:
  /// `db.query_value<std::int64_t>("SELECT count(*) FROM t WHERE x > ?", 3)`. V is any
  /// column type (std::optional<V> for a value that may be NULL). Throws usage_error unless
  /// exactly one row comes back, data_error when the value does not fit V.
  template <class V, class... Args>
  [[nodiscard]] V query_value(std::string_view sql, Args&&... args) {
    static_assert(is_column_type_v<V>,
                  "[stitch] query_value<V> reads a column type: an integer, double, bool, "
                  "std::string, std::chrono::sys_time, std::vector<std::byte>, a declared enum "
                  "or std::optional");
    V value{};
    if constexpr (is_column_type_v<V>) {
      const auto fragment = detail::raw_fragment(sql, std::forward<Args>(args)...);
      detail::sql_builder b(sql_dialect());
      b.pieces(fragment);
      std::string text = std::move(b).str();
      auto st = live().acquire(text, nullptr);
      int index = 1;
      for (const auto& p : fragment.params) detail::bind_param(*st, index++, p);
      const bool row = st.step();
      const std::string quoted = "query_value: \"" + text + "\" ";
      if (st->column_count() != 1)
        throw usage_error(
            quoted + "returns " + std::to_string(st->column_count()) + " columns, not one", text);
      if (!row) throw usage_error(quoted + "returned no row", text);
      try {
        detail::read_value(*st, 0, value);
      } catch (const detail::bad_value& bad) {
        throw data_error(quoted + "returned a value that " + bad.reason, text);
      }
      if (st.step()) throw usage_error(quoted + "returned more than one row", text);
    }
    return value;
  }

  /// Runs SQL without results (DDL, pragmas). Values must not be spliced into it.
  void execute(const std::string& sql) { live().execute(sql); }

  /// Statements run on this connection so far; subtract two readings to count a piece of
  /// work's statements.
  [[nodiscard]] std::uint64_t statements_executed() const { return live().statements_executed(); }

  [[nodiscard]] const dialect& sql_dialect() const { return live().sql_dialect(); }

  /// False once the connection to the server was lost (every statement then throws
  /// connection_error; connect again). Always true for SQLite.
  [[nodiscard]] bool connected() const { return live().connection().connected(); }

  /// True while a transaction (stitch's or one begun by SQL) is open on the connection.
  [[nodiscard]] bool in_transaction() const {
    return live().depth() > 0 || live().connection().in_transaction();
  }
  /// Where the connection points ("sqlite:file.db"), for messages.
  [[nodiscard]] std::string describe() const { return live().connection().describe(); }
  /// The table of T's hierarchy.
  template <class T>
  [[nodiscard]] const std::string& table_name() const {
    return detail::table_of<T>().name;
  }
  /// The adapter's connection, for what stitch does not cover.
  [[nodiscard]] backend::connection& connection() { return live().connection(); }

 private:
  // The writes of one save_all or one cascading save: undone together on failure, stamped
  // together on success.
  class graph_write {
   public:
    explicit graph_write(detail::session& s) : session_(s), now_(detail::now_micros()) {}
    void reserve(std::size_t n) {
      undo_.reserve(n);
      stamps_.reserve(n);
    }
    void undo() noexcept {
      for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
        it->obj->id = it->id;
        detail::record_access::set_persisted(*it->obj, it->persisted);
        detail::record_access::set_inserted_in(*it->obj, it->inserted_in);
      }
    }
    void stamp() {
      for (const auto& st : stamps_) st.apply(*st.obj, st.inserting, now_);
    }
    // Objects being saved by this write, so that a cycle of associations saves each once.
    std::unordered_set<const record*> visiting;

   private:
    friend class database;
    struct undo_entry {
      record* obj;
      std::int64_t id;
      bool persisted;
      std::uint64_t inserted_in;
    };
    struct stamp_entry {
      record* obj;
      bool inserting;
      void (*apply)(record&, bool, std::int64_t);
    };
    detail::session& session_;
    std::int64_t now_;
    std::vector<undo_entry> undo_;
    std::vector<stamp_entry> stamps_;
  };

  // A new object of save_all waiting in batched_inserts, with the INSERT that writes it alone.
  struct pending_insert {
    record* obj;
    void (database::*insert_one)(record&, graph_write&);
    // Binds the object's type and columns as a row of every column of its single table.
    void (*bind_row)(const record&, backend::parameters&, int, std::int64_t);
    void (*stamp)(record&, bool, std::int64_t);
  };

  // New objects of save_all waiting to be inserted together by multi-row INSERTs (dialects
  // that batch inserts): per table in one table, per class in joined tables. An object
  // waiting counts as saved in this transaction already (so that the same object twice is
  // caught). At the flush, the ids are drawn ahead for the table in the order the objects
  // came, so that ids follow that order as they do with one INSERT each. Where none can be
  // drawn, each object has an INSERT of its own, in that order (SQLite's RETURNING rows come
  // in no defined order, so ids are never read from a multi-row INSERT).
  class batched_inserts {
   public:
    explicit batched_inserts(bool enabled) : enabled_(enabled) {}
    [[nodiscard]] bool enabled() const noexcept { return enabled_; }

    template <class C>
    void add(database& db, graph_write& g, C& o) {
      // A single table takes the rows of every class in one INSERT, in the objects' order
      // (so that rows go in by ascending id); joined tables, a class at a time.
      using Root = typename C::stitch_root;
      constexpr insert_fn fn = [] {
        if constexpr (detail::is_joined<Root>()) {
          return &database::insert_joined_rows<C>;
        } else {
          return &database::insert_table_rows<Root>;
        }
      }();
      if (last_ >= classes_.size() || classes_[last_].insert != fn) {
        last_ = 0;
        while (last_ < classes_.size() && classes_[last_].insert != fn) ++last_;
        if (last_ == classes_.size()) classes_.push_back({fn, {}});
      }
      reserve_ = &database::reserve_ids<typename C::stitch_root>;
      g.undo_.push_back({&o, o.id, o.persisted(), detail::record_access::inserted_in(o)});
      detail::record_access::set_persisted(o, true);
      detail::record_access::set_inserted_in(o, db.live().current_level());
      const pending_insert p{&o, &database::insert_one<C>, &database::bind_table_row<C>,
                             &stamp_as<C>};
      classes_[last_].waiting.push_back(p);
      order_.push_back(p);
    }
    void flush(database& db, graph_write& g) {
      if (order_.empty()) return;
      if ((db.*reserve_)(order_)) {
        for (auto& c : classes_)
          if (!c.waiting.empty()) (db.*c.insert)(c.waiting, g);
      } else {
        for (const auto& p : order_) (db.*p.insert_one)(*p.obj, g);
      }
      for (auto& c : classes_) c.waiting.clear();
      order_.clear();
    }

   private:
    using insert_fn = void (database::*)(const std::vector<pending_insert>&, graph_write&);
    using reserve_fn = bool (database::*)(const std::vector<pending_insert>&);
    struct waiting_class {
      insert_fn insert;
      std::vector<pending_insert> waiting;
    };
    bool enabled_;
    std::vector<waiting_class> classes_;
    std::size_t last_ = 0;
    std::vector<pending_insert> order_;
    reserve_fn reserve_ = nullptr;
  };

  // Gives the objects new ids of their table, ascending in the order of the objects: one
  // statement. False where the dialect or the table has none to give (the objects' ids are
  // then set by their INSERTs).
  template <class Root>
  bool reserve_ids(const std::vector<pending_insert>& objects) {
    const auto& d = sql_dialect();
    const auto& t = detail::table_of<Root>();
    if (d.reserve_ids_sql(t.name, false).empty()) return false;
    auto st = live().acquire(
        detail::statement_slot<detail::reserve_ids_key<Root>>(),
        [&] {
          // SQLite's query reads sqlite_sequence, which exists only once some table has
          // AUTOINCREMENT, and cannot be prepared before.
          const bool counters =
              d.reserve_ids_sql(t.name, true) != d.reserve_ids_sql(t.name, false) &&
              !live().connection().table_columns("sqlite_sequence").empty();
          return d.reserve_ids_sql(t.name, counters);
        },
        t);
    if (d.reserves_after_last_id()) {
      if (!st.step() || st->is_null(0)) return false;
      const std::int64_t last = st->get_int64(0);
      const auto n = static_cast<std::int64_t>(objects.size());
      if (last < 0 || last > std::numeric_limits<std::int64_t>::max() - n) return false;
      for (std::size_t k = 0; k < objects.size(); ++k)
        objects[k].obj->id = last + 1 + static_cast<std::int64_t>(k);
      return true;
    }
    st->bind_int64(1, static_cast<std::int64_t>(objects.size()));
    std::vector<std::int64_t> ids;
    ids.reserve(objects.size());
    while (st.step()) {
      if (st->is_null(0) || ids.size() == objects.size()) return false;  // no sequence
      ids.push_back(st->get_int64(0));
    }
    if (ids.size() != objects.size()) return false;
    if (!std::ranges::is_sorted(ids)) std::ranges::sort(ids);
    for (std::size_t k = 0; k < ids.size(); ++k) objects[k].obj->id = ids[k];
    return true;
  }

  // Inserts one object that waited in batched_inserts, with the id the database gives it.
  template <class C>
  void insert_one(record& r, graph_write& g) {
    auto& o = static_cast<C&>(r);
    o.id = write(o, true, 0, g.now_);
    g.stamps_.push_back({&o, true, &stamp_as<C>});
  }

  // The largest multi-row INSERT of save_all: 2^max_rows_log2 rows.
  static constexpr int max_rows_log2 = 9;

  // The log2 of the rows of the largest multi-row INSERT whose rows take `per_row`
  // parameters each, within the connection's limit.
  int rows_log2_limit(int per_row) const {
    const int most = live().connection().max_parameters();
    int limit = 0;
    while (limit < max_rows_log2 && (2 << limit) * per_row <= most) ++limit;
    return limit;
  }

  // In a single table, inserts objects of the classes of Root's hierarchy, which hold their
  // ids, by multi-row INSERTs of every column of the table (NULL where a row's class has
  // no such column): chunks of a power of two rows (at most 512, within the connection's
  // parameter limit), each size prepared once per connection; or by the connection's bulk
  // path.
  template <class Root>
  void insert_table_rows(const std::vector<pending_insert>& objects, graph_write& g) {
    if (objects.size() >= copy_threshold && copy_table_rows<Root>(objects, g)) return;
    static const auto slots = []<int... I>(std::integer_sequence<int, I...>) {
      return std::array<std::size_t, sizeof...(I)>{
          detail::statement_slot<detail::insert_table_rows_key<Root, I>>()...};
    }
    (std::make_integer_sequence<int, max_rows_log2 + 1>{});
    const auto& t = detail::table_of<Root>();
    const int per_row = static_cast<int>(detail::table_columns_in_order(t).size());
    const int limit = rows_log2_limit(per_row);
    for (std::size_t done = 0; done < objects.size();) {
      int log2 = limit;
      while ((std::size_t{1} << log2) > objects.size() - done) --log2;
      const std::size_t rows = std::size_t{1} << log2;
      auto st = live().acquire(
          slots[static_cast<std::size_t>(log2)],
          [&] { return detail::insert_table_sql(sql_dialect(), t, rows); }, t);
      int index = 1;
      for (std::size_t k = done; k < done + rows; ++k) {
        const auto& p = objects[k];
        st->bind_int64(index, p.obj->id);
        p.bind_row(*p.obj, *st, index + 1, g.now_);
        index += per_row;
      }
      st.step();
      for (std::size_t k = done; k < done + rows; ++k)
        g.stamps_.push_back({objects[k].obj, true, objects[k].stamp});
      done += rows;
    }
  }

  // Binds the `type` of an object of class `cls` at `index`: its class's name, or NULL for an
  // object of the root that keeps a NULL type (record::stores_null_type).
  static void bind_type(backend::parameters& st, int index, const detail::table_def& t, int cls,
                        const record& r) {
    if (cls == 0 && r.stores_null_type()) {
      st.bind_null(index);
    } else {
      st.bind_text(index, t.classes[static_cast<std::size_t>(cls)].type_name);
    }
  }

  // Binds an object of class C as a row of every column of its single table, from `first`:
  // its type, then each class's own columns in class order, NULL for the classes outside
  // C's lineage.
  template <class C>
  static void bind_table_row(const record& r, backend::parameters& st, int first,
                             std::int64_t now) {
    const auto& t = detail::table_of<C>();
    constexpr int cls = static_cast<int>(detail::mapping<C>::index);
    const auto& lineage = t.classes[cls].lineage;
    // Where each class's columns start, after the type; and whether C has them.
    static const auto layout = [&t, &lineage] {
      std::vector<std::pair<int, bool>> out;
      int at = 0;
      for (std::size_t k = 0; k < t.classes.size(); ++k) {
        const bool mine = std::ranges::find(lineage, static_cast<int>(k)) != lineage.end();
        out.emplace_back(at, mine);
        at += static_cast<int>(t.classes[k].own_columns.size());
      }
      return out;
    }();
    const int columns = first + (t.has_type ? 1 : 0);
    if (t.has_type) bind_type(st, first, t, cls, r);
    for (std::size_t k = 0; k < layout.size(); ++k) {
      if (layout[k].second) continue;
      for (std::size_t c = 0; c < t.classes[k].own_columns.size(); ++c)
        st.bind_null(columns + layout[k].first + static_cast<int>(c));
    }
    std::size_t level = 0;
    detail::for_each_aggregate(static_cast<const C&>(r), [&]<class Cols>(const Cols& agg) {
      const int part = lineage[level++];
      bind_part<C>(agg, st, columns + layout[static_cast<std::size_t>(part)].first, true, now,
                   part);
    });
  }

  // In joined tables: inserts objects of class C, which hold their ids already, table by
  // table down the lineage (the root's table first, for the keys of the others): per chunk
  // of a power of two objects, a multi-row INSERT into each table, each (table, size)
  // prepared once per connection. Where the connection has a bulk path (COPY) and the
  // objects are many, one load per table instead.
  template <class C>
  void insert_joined_rows(const std::vector<pending_insert>& objects, graph_write& g) {
    if (objects.size() >= copy_threshold && copy_joined_rows<C>(objects, g)) return;
    const auto& t = detail::table_of<C>();
    constexpr int cls = static_cast<int>(detail::mapping<C>::index);
    const auto& d = sql_dialect();
    const auto& lineage = t.classes[cls].lineage;
    int widest = 0;
    for (int part : lineage)
      widest = std::max(widest, static_cast<int>(detail::part_columns(t, part).size()));
    const int limit = rows_log2_limit(widest);
    for (std::size_t done = 0; done < objects.size();) {
      int log2 = limit;
      while ((std::size_t{1} << log2) > objects.size() - done) --log2;
      const std::size_t rows = std::size_t{1} << log2;
      std::size_t level = 0;
      detail::for_each_aggregate(
          static_cast<const C&>(*objects[done].obj), [&]<class Cols>(const Cols&) {
            const int part = lineage[level++];
            auto st = live().acquire(
                part_rows_slot<C, Cols>(log2),
                [&] { return detail::insert_part_sql(d, t, part, rows); }, t);
            int index = 1;
            for (std::size_t k = done; k < done + rows; ++k)
              index = bind_part_row<C, Cols>(*objects[k].obj, *st, index, part, g.now_);
            st.step();
          });
      done += rows;
    }
    for (const auto& p : objects) g.stamps_.push_back({p.obj, true, &stamp_as<C>});
  }

  // Binds an object's row of one of its joined tables (part_columns), from `first`: the id,
  // the type in the root's table, the class's own columns. Returns the index after the row.
  template <class C, class Cols>
  static int bind_part_row(const record& r, backend::parameters& st, int first, int part,
                           std::int64_t now) {
    const auto& t = detail::table_of<C>();
    const C& o = static_cast<const C&>(r);
    int index = first;
    st.bind_int64(index++, o.id);
    if (part == 0 && t.has_type)
      bind_type(st, index++, t, static_cast<int>(detail::mapping<C>::index), r);
    bind_part<C>(static_cast<const Cols&>(o), st, index, true, now, part);
    return index + static_cast<int>(t.classes[static_cast<std::size_t>(part)].own_columns.size());
  }

  // The statement slot of the multi-row INSERT of 2^log2 rows into the table of Cols, for
  // objects of class C.
  template <class C, class Cols>
  static std::size_t part_rows_slot(int log2) {
    static const auto slots = []<int... I>(std::integer_sequence<int, I...>) {
      return std::array<std::size_t, sizeof...(I)>{
          detail::statement_slot<detail::insert_part_rows_key<C, Cols, I>>()...};
    }
    (std::make_integer_sequence<int, max_rows_log2 + 1>{});
    return slots[static_cast<std::size_t>(log2)];
  }

  // From this many objects of a class on, save_all loads them through the connection's bulk
  // path (COPY) where it has one.
  static constexpr std::size_t copy_threshold = 128;

  // Loads objects of Root's single table, which hold their ids already, through the
  // connection's row_writer. False, having written nothing, where the connection has none.
  template <class Root>
  bool copy_table_rows(const std::vector<pending_insert>& objects, graph_write& g) {
    const auto& t = detail::table_of<Root>();
    const auto order = detail::table_columns_in_order(t);
    const std::vector<std::string> columns(order.begin(), order.end());
    auto& s = live();
    s.check_not_aborted();
    try {
      auto writer = s.connection().copy_into(t.name, columns);
      if (!writer) return false;
      s.count_execution();
      for (const auto& p : objects) {
        writer->bind_int64(1, p.obj->id);
        p.bind_row(*p.obj, *writer, 2, g.now_);
        writer->write_row();
      }
      writer->finish();
    } catch (...) {
      s.note_failure();
      throw;
    }
    for (const auto& p : objects) g.stamps_.push_back({p.obj, true, p.stamp});
    return true;
  }

  // The bulk load for joined tables: one load into each table of C's lineage, the root's
  // first.
  // False, having written nothing, where the connection has no row_writer.
  template <class C>
  bool copy_joined_rows(const std::vector<pending_insert>& objects, graph_write& g) {
    const auto& t = detail::table_of<C>();
    constexpr int cls = static_cast<int>(detail::mapping<C>::index);
    const auto& lineage = t.classes[cls].lineage;
    auto& s = live();
    s.check_not_aborted();
    bool copied = true;
    try {
      std::size_t level = 0;
      detail::for_each_aggregate(
          static_cast<const C&>(*objects.front().obj), [&]<class Cols>(const Cols&) {
            const int part = lineage[level++];
            if (!copied) return;
            const auto order = detail::part_columns(t, part);
            const std::vector<std::string> columns(order.begin(), order.end());
            auto writer = s.connection().copy_into(t.classes[part].table, columns);
            if (!writer) {
              copied = false;  // a connection has a bulk path for every table or for none
              return;
            }
            s.count_execution();
            for (const auto& p : objects) {
              bind_part_row<C, Cols>(*p.obj, *writer, 1, part, g.now_);
              writer->write_row();
            }
            writer->finish();
          });
    } catch (...) {
      s.note_failure();
      throw;
    }
    if (!copied) return false;
    for (const auto& p : objects) g.stamps_.push_back({p.obj, true, &stamp_as<C>});
    return true;
  }

  template <class C>
  void write_logged(C& o, graph_write& g) {
    auto& s = live();
    const bool inserting = !has_row(o);
    g.undo_.push_back({&o, o.id, o.persisted(), detail::record_access::inserted_in(o)});
    const auto id = write(o, inserting, id_to_insert(o, inserting), g.now_);
    finish(o, id, inserting, s.current_level());
    g.stamps_.push_back({&o, inserting, &stamp_as<C>});
  }

  // A graph_write stamp: the automatic timestamps of an object of class C.
  template <class C>
  static void stamp_as(record& r, bool inserting, std::int64_t now) {
    detail::apply_timestamps(static_cast<C&>(r), inserting, now);
  }

  // True when saving o must also save or update associated objects.
  template <class C>
  bool cascades(C& o) const {
    bool any = false;
    detail::for_each_association<C>([&]<auto M>() {
      using A = detail::assoc<M>;
      auto& a = o.*M;
      if constexpr (A::kind == detail::association_kind::belongs_to) {
        // A pending set(), or a held target without a row or with another id than the key
        // (its insert was rolled back, or it was saved on its own since).
        const auto& t = detail::association_access::target(a);
        any = any || detail::association_access::pending(a) ||
              (t && (!has_row(*t) || detail::key_value(A::key_of(o)) != t->id));
      } else if constexpr (A::kind != detail::association_kind::habtm && !A::is_through) {
        if constexpr (A::kind == detail::association_kind::has_one) {
          any = any || detail::association_access::replaced(a);
        }
        if (any) return;
        for_each_child<M>(o, [&](auto& child) {
          any = any || child.new_record() || detail::key_value(A::key_of(child)) != o.id;
        });
      }
    });
    return any;
  }

  template <auto M, class O, class F>
  static void for_each_child_shared(O& o, F&& f) {
    auto& a = o.*M;
    if constexpr (detail::assoc<M>::is_collection) {
      for (const auto& item : detail::association_access::items(a)) f(item);
    } else if (const auto& t = detail::association_access::target(a)) {
      f(t);
    }
  }

  template <auto M, class O, class F>
  static void for_each_child(O& o, F&& f) {
    for_each_child_shared<M>(o, [&](const auto& child) { f(*child); });
  }

  // Saves o after the new objects its belongs_to point at, then the new (or re-parented)
  // objects of its has_many / has_one, setting their keys.
  template <class C>
  void save_node(C& o, graph_write& g, bool force) {
    if (!g.visiting.insert(&o).second) {
      // A cycle came back to an object this save is writing: write its new keys too.
      if (force && has_row(o)) write_logged(o, g);
      return;
    }
    auto& s = live();
    detail::attach_all(o, s.link_for(false));
    detail::for_each_association<C>([&]<auto M>() {
      using A = detail::assoc<M>;
      if constexpr (A::kind == detail::association_kind::belongs_to) {
        auto& a = o.*M;
        auto& t = detail::association_access::target(a);
        const bool stale = t && detail::key_value(A::key_of(o)) != t->id;
        if (!detail::association_access::pending(a) && !stale && !(t && !has_row(*t))) return;
        if (t && !has_row(*t)) save_any<typename A::declared_target>(*t, g);
        detail::association_access::settle(a,
                                           t ? t->id : detail::association_access::pending_id(a));
      }
    });
    if (force || !has_row(o)) write_logged(o, g);
    detail::for_each_association<C>([&]<auto M>() {
      using A = detail::assoc<M>;
      if constexpr ((A::kind == detail::association_kind::has_many ||
                     A::kind == detail::association_kind::has_one) &&
                    !A::is_through) {
        using T = typename A::target;
        for_each_child<M>(o, [&](T& child) {
          auto& key = A::key_of(child);
          if (!child.new_record() && detail::key_value(key) == o.id) return;
          detail::set_key(key, o.id, std::string(A::owner_name) + "::" + std::string(A::name));
          if constexpr (A::is_as) {
            A::type_of(child) = std::string(detail::as_type_names<M>().size() == 1
                                                ? std::string_view(detail::as_type_names<M>()[0])
                                                : o.type_name());
          }
          save_any<T>(child, g, true);
          detail::batch<M>::set_inverse(child, o);
        });
        if constexpr (A::kind == detail::association_kind::has_one) {
          auto& replaced = detail::association_access::replaced(o.*M);
          if (replaced) {
            release_replaced<M>(o);
            replaced = false;
          }
        }
      }
    });
  }

  // has_one set(): the rows that pointed at o before, other than the new one, lose their key
  // (or their row, under dependent::destroy or dependent::delete_all).
  template <auto M, class O>
  void release_replaced(O& o) {
    using A = detail::assoc<M>;
    using dk = detail::dependent_kind;
    const auto& t = detail::association_access::target(o.*M);
    const std::int64_t keep = t ? t->id : 0;
    constexpr bool remove = A::dependent == dk::destroy || A::dependent == dk::delete_all;
    if constexpr (!remove && !is_nullable_v<detail::key_member_t<M>>) {
      if (run_dependent<M, dependent_sql::exists>(o, keep))
        throw usage_error(std::string(A::owner_name) + "::" + std::string(A::name) +
                          " was given a new object, but the one it replaces cannot lose its key "
                          "(not std::optional): declare dependent::destroy or delete_all");
    } else if constexpr (A::dependent == dk::destroy) {
      // The replaced objects go with their own dependent rules, as in a destroy.
      using T = typename A::target;
      detail::query_state q;
      q.conditions.push_back(dependent_rows<M>(o, keep));
      std::vector<std::shared_ptr<T>> replaced;
      detail::load_where<T>(live(), q, live().link_for(false),
                            [&](std::shared_ptr<T> r) { replaced.push_back(std::move(r)); });
      destroy_state state;
      for (auto& r : replaced)
        detail::with_dynamic_class<T>(*r, [&]<class X>(X& x) { destroy_node(x, state); });
    } else {
      if constexpr (remove) {
        run_dependent<M, dependent_sql::remove>(o, keep);
      } else {
        run_dependent<M, dependent_sql::nullify>(o, keep);
      }
    }
  }

  // Saves an object given as Target (a model, or stitch::polymorphic<...>) as its class.
  template <class Target, class X>
  void save_any(X& x, graph_write& g, bool force = false) {
    if constexpr (detail::polymorphic_list<Target>::is_polymorphic) {
      bool done = false;
      for_each_type(typename detail::polymorphic_list<Target>::types{},
                    [&]<class P, std::size_t>() {
                      if (done) return;
                      if (auto* p = dynamic_cast<P*>(&x)) {
                        done = true;
                        save_any<P>(*p, g, force);
                      }
                    });
    } else {
      detail::with_dynamic_class<Target>(static_cast<Target&>(x),
                                         [&]<class C>(C& c) { save_node(c, g, force); });
    }
  }

  template <class T>
  static consteval bool has_dependents() {
    bool any = false;
    for_each_type(typename detail::mapping<T>::classes{}, [&]<class C, std::size_t>() {
      if constexpr (detail::is_self_or_descendant<T, C>) {
        detail::for_each_association<C>([&]<auto M>() {
          using A = detail::assoc<M>;
          any = any || A::dependent != detail::dependent_kind::none ||
                A::kind == detail::association_kind::habtm;
        });
      }
    });
    return any;
  }

  struct destroy_state {
    std::set<std::pair<const detail::table_def*, std::int64_t>> visited;
    std::vector<record*> gone;  // marked new records after the commit
    std::set<const record*> gone_set;
    std::vector<std::shared_ptr<void>> alive;  // objects of `gone` the associations held
    bool deferred = false;                     // foreign-key checks moved to the commit
    int holding = 0;  // dependent levels being destroyed whose objects were loaded before
  };

  // Deletes o's row after applying the dependent rules of its associations.
  template <class C>
  bool destroy_node(C& o, destroy_state& state) {
    const std::pair key{&detail::table_of<C>(), o.id};
    if (!state.visited.insert(key).second) {
      // A dependent-destroy cycle came back to an object being destroyed: its row goes when
      // its own turn comes, so the keys between them are checked at the commit.
      if (!state.deferred) {
        execute(std::string(sql_dialect().defer_foreign_keys()));
        state.deferred = true;
      }
      return false;
    }
    auto& s = live();
    detail::for_each_association<C>([&]<auto M>() {
      using A = detail::assoc<M>;
      using dk = detail::dependent_kind;
      if constexpr (A::dependent != dk::none)
        static_assert(detail::reported(detail::check_association<M>()));
      static_assert(A::dependent == dk::none ||
                        (!A::is_through && A::kind != detail::association_kind::belongs_to &&
                         A::kind != detail::association_kind::habtm),
                    "[stitch] dependent options apply to has_many and has_one (not through): "
                    "a through association's rows belong to its intermediate association");
      if constexpr (A::kind == detail::association_kind::habtm) {
        using names = detail::habtm_names<M>;
        detail::sql_builder b(sql_dialect());
        b << "DELETE FROM ";
        b.name(names::join_table()) << " WHERE ";
        b.name(names::owner_key()) << " = ";
        b.param();
        auto st = s.acquire(std::move(b).str(), nullptr);
        st->bind_int64(1, o.id);
        st.step();
        (o.*M).reset();
      } else if constexpr (A::dependent == dk::restrict) {
        if (run_dependent<M, dependent_sql::exists>(o))
          throw delete_restricted("cannot destroy " + std::string(o.type_name()) + " id " +
                                  std::to_string(o.id) + ": " + std::string(A::owner_name) +
                                  "::" + std::string(A::name) +
                                  " has rows, and it is dependent::restrict; nothing was deleted");
      } else if constexpr (A::dependent == dk::destroy) {
        using T = typename A::target;
        // What the database has now, not what was loaded before; objects loaded before are
        // marked new records too when their rows go.
        std::vector<std::shared_ptr<T>> held;
        for_each_child_shared<M>(o, [&](const std::shared_ptr<T>& c) { held.push_back(c); });
        (o.*M).reset();
        if constexpr (!has_dependents<T>()) {
          // Rows without rules of their own, and no loaded object that could hold theirs (to
          // be marked a new record): one DELETE.
          if (held.empty() && state.holding == 0) {
            run_dependent<M, dependent_sql::remove>(o);
            return;
          }
        }
        if (!held.empty()) ++state.holding;
        std::vector<typename A::owner*> one{&o};
        detail::preload<M>(s, one, s.link_for(false));
        for_each_child_shared<M>(o, [&](const std::shared_ptr<T>& c) {
          state.alive.push_back(c);
          detail::with_dynamic_class<T>(*c, [&]<class X>(X& x) { destroy_node(x, state); });
        });
        for (auto& c : held) mark_held(c, state);
        if (!held.empty()) --state.holding;
        (o.*M).reset();
      } else if constexpr (A::dependent == dk::delete_all) {
        run_dependent<M, dependent_sql::remove>(o);
        (o.*M).reset();
      } else if constexpr (A::dependent == dk::nullify) {
        static_assert(is_nullable_v<detail::key_member_t<M>>,
                      "[stitch] dependent::nullify needs a std::optional foreign key");
        if constexpr (A::is_as) {
          static_assert(
              is_nullable_v<
                  std::remove_cvref_t<decltype(A::type_of(std::declval<typename A::target&>()))>>,
              "[stitch] dependent::nullify on an as<> association needs a "
              "std::optional `<name>_type` column too");
        }
        run_dependent<M, dependent_sql::nullify>(o);
        (o.*M).reset();
      }
    });
    const bool deleted = delete_row(o);
    state.gone.push_back(&o);
    state.gone_set.insert(&o);
    return deleted;
  }

  // An object loaded before a destroy whose row the destroy deleted becomes a new record at
  // the commit, and so do the objects it holds under dependent::destroy.
  template <class T>
  void mark_held(const std::shared_ptr<T>& c, destroy_state& state) {
    const std::pair key{&detail::table_of<T>(), c->id};
    if (!c->persisted() || !state.visited.contains(key) || !state.gone_set.insert(c.get()).second)
      return;
    state.gone.push_back(c.get());
    state.alive.push_back(c);
    detail::with_dynamic_class<T>(*c, [&]<class X>(X& x) {
      detail::for_each_association<X>([&]<auto M>() {
        if constexpr (detail::assoc<M>::dependent == detail::dependent_kind::destroy) {
          for_each_child_shared<M>(x, [&](const auto& child) { mark_held(child, state); });
        }
      });
    });
  }

  enum class dependent_sql { exists, remove, nullify };
  template <auto M, dependent_sql Verb, bool Except>
  struct dependent_key {};

  // The statement of a dependent rule on the rows of M that point at o (except the row
  // except_id): whether there is one, their DELETE, or the UPDATE that nullifies their key.
  // Built once per connection. Returns whether a row came back.
  template <auto M, dependent_sql Verb, class O>
  bool run_dependent(O& o, std::int64_t except_id = 0) {
    if (except_id != 0) return run_dependent_on<M, Verb, true>(o, except_id);
    return run_dependent_on<M, Verb, false>(o, 0);
  }
  template <auto M, dependent_sql Verb, bool Except, class O>
  bool run_dependent_on(O& o, std::int64_t except_id) {
    using A = detail::assoc<M>;
    const auto& table = detail::table_of<typename A::target>();
    auto st = live().acquire(
        detail::statement_slot<dependent_key<M, Verb, Except>>(),
        [&] {
          detail::sql_builder b(sql_dialect());
          if constexpr (Verb == dependent_sql::exists) {
            b << "SELECT 1 FROM ";
            b.name(table.name);
          } else if constexpr (Verb == dependent_sql::remove) {
            b << "DELETE FROM ";
            b.name(table.name);
          } else {
            b << "UPDATE ";
            b.name(table.name) << " SET ";
            b.name(A::key_name.view()) << " = NULL";
            if constexpr (A::is_as) {
              b << ", ";
              b.name(A::type_name.view()) << " = NULL";
            }
          }
          b << " WHERE ";
          b.pieces(dependent_rows<M>(o, except_id));
          if constexpr (Verb == dependent_sql::exists) b << " LIMIT 1";
          return std::move(b).str();
        },
        table);
    // The parameters in dependent_rows' order.
    int index = 1;
    st->bind_int64(index++, o.id);
    if constexpr (A::is_as)
      for (const auto& name : detail::as_type_names<M>()) st->bind_text(index++, name);
    if constexpr (Except) st->bind_int64(index, except_id);
    return st.step();
  }

  // The rows of M that point at o (and are of o's type, for as<>), except the row except_id.
  template <auto M, class O>
  static detail::predicate_data dependent_rows(const O& o, std::int64_t except_id) {
    using A = detail::assoc<M>;
    detail::predicate_data where;
    where.column(A::key_name.view());
    where.text(" = ");
    where.value(o.id);
    if constexpr (A::is_as) {
      where.text(" AND ");
      where.append(detail::in_texts(A::type_name.view(), detail::as_type_names<M>()));
    }
    if (except_id != 0) {
      where.text(" AND ");
      where.column("id");
      where.text(" <> ");
      where.value(except_id);
    }
    return where;
  }

  template <class T>
  bool destroy_row(T& obj) {
    bool deleted = false;
    if (has_row(obj)) {
      detail::write_scope scope(live(), 1);
      deleted = delete_row(obj);
      scope.commit();
    } else if (obj.persisted()) {
      obj.id = 0;  // its insert was rolled back: the id may belong to another row now
    }
    detail::record_access::set_persisted(obj, false);
    return deleted;
  }

  template <class T>
  bool delete_row(const T& obj) {
    const auto& table = detail::table_of<T>();
    auto st = live().acquire(
        detail::statement_slot<detail::delete_key<typename T::stitch_root>>(),
        [&] { return detail::delete_sql(sql_dialect(), table); }, table);
    st->bind_int64(1, obj.id);
    st.step();
    return st->affected_rows() > 0;
  }

  template <class O, class First, class... Rest>
  void load_path(const std::vector<O*>& objects, First first, Rest... rest) {
    static_assert(detail::reported(detail::check_path<O, First, Rest...>()));
    if constexpr (detail::path_is_valid<O, First, Rest...>()) {
      auto& s = live();
      const auto l = s.link_for(false);
      using owner = typename detail::path_step<First>::owner;
      for (O* o : objects) {
        if constexpr (detail::has_associations<O>) detail::attach_all(*o, l);
      }
      const auto owners = detail::narrow<owner>(objects);
      detail::with_association(
          first, [&]<auto M>() {
            for (auto* o : owners) (o->*M).reset();
          });
      detail::preload_path(s, objects, l, first, rest...);
    }
  }

  template <class O, class D, class Member, class U>
  void habtm_write(O& owner, Member D::*association, const U& target, bool add) {
    static_assert(Member::stitch_kind == detail::association_kind::habtm,
                  "[stitch] db.link and db.unlink take a has_and_belongs_to_many association");
    static_assert(detail::accepts_target<typename Member::stitch_target, U>,
                  "[stitch] this association does not accept objects of this class");
    detail::check_accepted<typename Member::stitch_target>(target);
    if (!has_row(owner) || !has_row(target))
      throw usage_error("db.link and db.unlink need objects that have rows: save them first");
    detail::with_association(
        association, [&]<auto M>() {
          using names = detail::habtm_names<M>;
          detail::sql_builder b(sql_dialect());
          if (add) {
            b << "INSERT INTO ";
            b.name(names::join_table()) << " (";
            b.name(names::owner_key()) << ", ";
            b.name(names::target_key()) << ") VALUES (";
            b.param() << ", ";
            b.param() << ")";
          } else {
            b << "DELETE FROM ";
            b.name(names::join_table()) << " WHERE ";
            b.name(names::owner_key()) << " = ";
            b.param() << " AND ";
            b.name(names::target_key()) << " = ";
            b.param();
          }
          detail::write_scope scope(live(), 1);
          auto st = live().acquire(std::move(b).str(), nullptr);
          st->bind_int64(1, owner.id);
          st->bind_int64(2, target.id);
          st.step();
          scope.commit();
          (owner.*M).reset();
        });
  }

  // Runs the INSERT or UPDATE of `o` without touching it; returns its id.
  template <class C>
  std::int64_t write(const C& o, bool inserting, std::int64_t id, std::int64_t now) {
    if constexpr (detail::is_joined<typename C::stitch_root>()) {
      return write_joined(o, inserting, id, now);
    }
    const auto& t = detail::table_of<C>();
    constexpr int cls = static_cast<int>(detail::mapping<C>::index);
    const auto& d = sql_dialect();
    if (inserting) {
      const bool with_id = id != 0;
      auto st = insert_statement<C>(with_id);
      int index = 1;
      if (with_id) st->bind_int64(index++, id);
      if (t.has_type) bind_type(*st, index++, t, cls, o);
      bind_members_of<C>(o, *st, index, true, now);
      const bool row = st.step();
      if (with_id) {
        advance_id<typename C::stitch_root>(t, id);
        return id;
      }
      if (d.returns_inserted_id() && row) return st->get_int64(0);
      return live().connection().last_insert_id();
    }
    auto st = live().acquire(
        detail::statement_slot<detail::update_key<C>>(),
        [&] { return detail::update_sql(d, t, cls); }, t);
    bind_members_of<C>(o, *st, 1, false, now);
    st->bind_int64(static_cast<int>(detail::member_count<C>()) + 1, o.id);
    st.step();
    if (st->affected_rows() == 0) throw record_not_found(detail::class_name<C>, t.name, o.id);
    return o.id;
  }
  // The INSERT of an object of class C (into the root's table, in joined tables), with its
  // id or without.
  template <class C>
  detail::lease insert_statement(bool with_id) {
    const auto& t = detail::table_of<C>();
    constexpr int cls = static_cast<int>(detail::mapping<C>::index);
    const auto& d = sql_dialect();
    if (with_id)
      return live().acquire(
          detail::statement_slot<detail::insert_key<C, true>>(),
          [&] { return detail::insert_sql(d, t, cls, true); }, t);
    return live().acquire(
        detail::statement_slot<detail::insert_key<C, false>>(),
        [&] { return detail::insert_sql(d, t, cls, false); }, t);
  }

  // The tables of a joined hierarchy's subclasses, each after its parent's.
  void create_class_tables(const detail::table_def& t,
                           const std::vector<detail::foreign_key_def>& keys) {
    for (int k : detail::class_table_order(t))
      execute(detail::create_class_table_sql(sql_dialect(), t, k, keys));
  }

  // In joined tables: the root's table first (it gives the id), then each class's own table
  // down the lineage; an update writes each table of the object.
  template <class C>
  std::int64_t write_joined(const C& o, bool inserting, std::int64_t id, std::int64_t now) {
    const auto& t = detail::table_of<C>();
    constexpr int cls = static_cast<int>(detail::mapping<C>::index);
    const auto& d = sql_dialect();
    const auto& lineage = t.classes[cls].lineage;
    std::size_t level = 0;
    std::int64_t out = inserting ? id : o.id;
    detail::for_each_aggregate(o, [&]<class Cols>(const Cols& agg) {
      const int part = lineage[level++];
      if (inserting && part == 0) {
        const bool with_id = id != 0;
        auto st = insert_statement<C>(with_id);
        int index = 1;
        if (with_id) st->bind_int64(index++, id);
        bind_type(*st, index++, t, cls, o);
        bind_part<C>(agg, *st, index, true, now, part);
        const bool row = st.step();
        if (with_id) {
          advance_id<typename C::stitch_root>(t, id);
        } else {
          out = d.returns_inserted_id() && row ? st->get_int64(0)
                                               : live().connection().last_insert_id();
        }
        return;
      }
      if (inserting) {
        auto st = live().acquire(
            detail::statement_slot<detail::insert_part_key<C, Cols>>(),
            [&] { return detail::insert_part_sql(d, t, part); }, t);
        st->bind_int64(1, out);
        bind_part<C>(agg, *st, 2, true, now, part);
        st.step();
        return;
      }
      if (t.classes[part].own_columns.empty() && part != 0) return;
      auto st = live().acquire(
          detail::statement_slot<detail::update_part_key<C, Cols>>(),
          [&] {
            return part == 0 && t.classes[0].own_columns.empty()
                       ? detail::update_sql(d, t, 0)
                       : detail::update_part_sql(d, t, part);
          },
          t);
      bind_part<C>(agg, *st, 1, false, now, part);
      st->bind_int64(static_cast<int>(t.classes[part].own_columns.size()) + 1, o.id);
      st.step();
      if (part == 0 && st->affected_rows() == 0)
        throw record_not_found(detail::class_name<C>, t.name, o.id);
    });
    return out;
  }

  // Binds one class's own columns, naming table.column for a value that cannot be bound.
  template <class C, class Cols>
  static void bind_part(const Cols& agg, backend::parameters& st, int first, bool inserting,
                        std::int64_t now, int part) {
    try {
      detail::bind_aggregate(agg, st, first, inserting, now);
    } catch (const detail::bad_parameter& bad) {
      const auto& t = detail::table_of<C>();
      const auto& own = t.classes[part].own_columns;
      const auto at = static_cast<std::size_t>(bad.index - first);
      if (at < own.size()) {
        const auto& column = t.columns[static_cast<std::size_t>(own[at])].name;
        throw data_error("cannot save " + std::string(detail::class_name<C>) +
                         ": the value for column " + t.classes[part].table + "." + column + " " +
                         bad.reason);
      }
      throw;
    }
  }

  // bind_members, with a value the database cannot take named by table and column.
  template <class C>
  static void bind_members_of(const C& o, backend::parameters& st, int first, bool inserting,
                              std::int64_t now) {
    try {
      detail::bind_members(o, st, first, inserting, now);
    } catch (const detail::bad_parameter& bad) {
      const auto& t = detail::table_of<C>();
      constexpr int cls = static_cast<int>(detail::mapping<C>::index);
      int position = first;
      for (int ancestor : t.classes[cls].lineage)
        for (int c : t.classes[ancestor].own_columns) {
          if (position++ == bad.index)
            throw data_error("cannot save " + std::string(detail::class_name<C>) +
                             ": the value for column " + t.table_of_column(t.columns[c].name) +
                             "." + t.columns[c].name + " " + bad.reason);
        }
      throw;
    }
  }

  // After an insert with an explicit id: moves the table's id sequence past it, where the
  // database does not (PostgreSQL), so that the next insert without one does not collide.
  template <class Root>
  void advance_id(const detail::table_def& t, std::int64_t id) {
    const auto& d = sql_dialect();
    if (d.advance_id_sql(t.name).empty()) return;
    auto st = live().acquire(
        detail::statement_slot<detail::advance_id_key<Root>>(),
        [&] { return d.advance_id_sql(t.name); }, t);
    st->bind_int64(1, id);
    st.step();
  }

  // Records a successful write in the object (timestamps are applied by the caller).
  static void finish(record& o, std::int64_t id, bool inserting, std::uint64_t level) {
    o.id = id;
    detail::record_access::set_persisted(o, true);
    if (inserting) detail::record_access::set_inserted_in(o, level);
  }

  // The id a write passes on: the object's own (0 lets the database choose), except for an
  // object inserted again after a rollback, whose old id may belong to another row by now.
  static std::int64_t id_to_insert(const record& o, bool inserting) noexcept {
    return inserting && o.persisted() ? 0 : o.id;
  }

  // False for a new record, and for one whose insert was rolled back since.
  bool has_row(const record& o) const {
    return o.persisted() && !live().rolled_back(detail::record_access::inserted_in(o));
  }

  // The SELECT of one row of T by id, bound and ready to step.
  template <class T>
  detail::lease find_statement(std::int64_t id) {
    const auto& plan = detail::plan_of<T>();
    auto st = live().acquire(
        detail::statement_slot<detail::find_key<T>>(),
        [&] { return detail::find_sql(sql_dialect(), plan); }, *plan.table);
    st->bind_int64(1, id);
    if (detail::filters_type(plan)) detail::bind_type_names(*st, plan, 2);
    return st;
  }

  detail::session& live() const {
    if (!session_) throw usage_error("this stitch::database was moved from");
    return *session_;
  }

  std::unique_ptr<detail::session> session_;
};

}  // namespace stitch
