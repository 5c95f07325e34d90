#pragma once
/// @file database.hpp
/// stitch::database: one connection, with typed persistence and queries over it.

#include <chrono>
#include <cstdint>
#include <memory>
#include <ranges>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "backend.hpp"
#include "detail/loader.hpp"
#include "detail/mapping.hpp"
#include "detail/row.hpp"
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
template <class C>
struct update_key {};
template <class Root>
struct delete_key {};
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
      std::set<const detail::table_def*> seen;
      detail::write_scope scope(live(), 2);
      (create_table(detail::table_of<Ts>(), seen), ...);
      scope.commit();
    }
  }

  /// Checks that the tables of the given models exist with every column they need.
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
        const auto now = detail::now_micros();
        const bool inserting = !has_row(o);
        detail::write_scope scope(s, 1);
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
      struct undo {
        record* obj;
        std::int64_t id;
        bool persisted;
        std::uint64_t inserted_in;
      };
      struct stamp {
        record* obj;
        bool inserting;
        void (*apply)(record&, bool, std::int64_t);
      };
      auto& s = live();
      std::vector<undo> undo_log;
      std::vector<stamp> stamps;
      if constexpr (std::ranges::sized_range<R>) {
        undo_log.reserve(std::ranges::size(objects));
        stamps.reserve(std::ranges::size(objects));
      }
      const auto now = detail::now_micros();
      detail::write_scope scope(s, 2);
      try {
        for (auto&& item : objects) {
          element& obj = detail::deref(item);
          detail::with_dynamic_class<element>(obj, [&]<class C>(C& o) {
            if (o.persisted() && detail::record_access::inserted_in(o) == s.current_level())
              throw usage_error("save_all was given the same new " +
                                std::string(detail::class_name<C>) + " object twice");
            const bool inserting = !has_row(o);
            undo_log.push_back({&o, o.id, o.persisted(), detail::record_access::inserted_in(o)});
            const auto id = write(o, inserting, id_to_insert(o, inserting), now);
            finish(o, id, inserting, s.current_level());
            stamps.push_back({&o, inserting, [](record& r, bool ins, std::int64_t t) {
                                detail::apply_timestamps(static_cast<C&>(r), ins, t);
                              }});
          });
        }
        scope.commit();
      } catch (...) {
        for (auto it = undo_log.rbegin(); it != undo_log.rend(); ++it) {
          it->obj->id = it->id;
          detail::record_access::set_persisted(*it->obj, it->persisted);
          detail::record_access::set_inserted_in(*it->obj, it->inserted_in);
        }
        throw;
      }
      for (const auto& st : stamps) st.apply(*st.obj, st.inserting, now);
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
        if (detail::load_row<T>(plan, *st, v)) out = maybe_t<T>(std::move(v));
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
      if (has_row(obj)) {
        const auto& table = detail::table_of<T>();
        auto st = live().acquire(
            detail::statement_slot<detail::delete_key<typename T::stitch_root>>(),
            [&] { return detail::delete_sql(sql_dialect(), table); }, table);
        st->bind_int64(1, obj.id);
        st.step();
        deleted = st->affected_rows() > 0;
      } else if (obj.persisted()) {
        obj.id = 0;  // its insert was rolled back: the id may belong to another row now
      }
      detail::record_access::set_persisted(obj, false);
    }
    return deleted;
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
        detail::read_row_into(plan, *st, fresh);
        detail::for_each_aggregate(
            o, [&]<class Cols>(Cols& columns) { columns = std::move(static_cast<Cols&>(fresh)); });
        detail::record_access::set_persisted(o, true);
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

  /// Opens a transaction (a savepoint when one is open). See stitch::transaction.
  [[nodiscard]] stitch::transaction transaction(intent what = intent::read) {
    return stitch::transaction(live(), what);
  }

  /// The one value of a one-row, one-column SQL query, with `?` placeholders bound to args:
  /// `db.query_value<std::int64_t>("SELECT count(*) FROM t WHERE x > ?", 3)`. V is any
  /// column type (std::optional<V> for a value that may be NULL). Throws usage_error unless
  /// exactly one row comes back, data_error when the value does not fit V.
  template <class V, class... Args>
  [[nodiscard]] V query_value(std::string_view sql, Args&&... args) {
    static_assert(is_column_type_v<V>,
                  "[stitch] query_value<V> reads a column type: an integer, double, bool, "
                  "std::string, std::chrono::sys_time, std::vector<std::byte> or std::optional");
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
  void create_table(const detail::table_def& t, std::set<const detail::table_def*>& seen) {
    if (!seen.insert(&t).second) return;
    const auto& d = sql_dialect();
    execute(detail::create_table_sql(d, t));
    if (t.has_type) execute(detail::create_type_index_sql(d, t));
    detail::check_table(live().connection(), t);
  }

  // Runs the INSERT or UPDATE of `o` without touching it; returns its id.
  template <class C>
  std::int64_t write(const C& o, bool inserting, std::int64_t id, std::int64_t now) {
    const auto& t = detail::table_of<C>();
    constexpr int cls = static_cast<int>(detail::mapping<C>::index);
    const auto& d = sql_dialect();
    if (inserting) {
      const bool with_id = id != 0;
      auto st = with_id ? live().acquire(
                              detail::statement_slot<detail::insert_key<C, true>>(),
                              [&] { return detail::insert_sql(d, t, cls, true); }, t)
                        : live().acquire(
                              detail::statement_slot<detail::insert_key<C, false>>(),
                              [&] { return detail::insert_sql(d, t, cls, false); }, t);
      int index = 1;
      if (with_id) st->bind_int64(index++, id);
      if (t.has_type) st->bind_text(index++, t.classes[cls].type_name);
      detail::bind_members(o, *st, index, true, now);
      const bool row = st.step();
      if (d.returns_inserted_id() && row) return st->get_int64(0);
      return with_id ? id : live().connection().last_insert_id();
    }
    auto st = live().acquire(
        detail::statement_slot<detail::update_key<C>>(),
        [&] { return detail::update_sql(d, t, cls); }, t);
    detail::bind_members(o, *st, 1, false, now);
    st->bind_int64(static_cast<int>(detail::member_count<C>()) + 1, o.id);
    st.step();
    if (st->affected_rows() == 0) throw record_not_found(detail::class_name<C>, t.name, o.id);
    return o.id;
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
