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

  /// Creates the tables of the given models (CREATE TABLE IF NOT EXISTS, and the index on
  /// `type`) in one transaction, then checks that existing tables have every column the
  /// models need. Throws schema_error naming the table and the missing columns.
  template <class... Ts>
  void create_schema() {
    if constexpr ((detail::check_model<Ts>() && ...)) {
      std::set<const detail::table_def*> seen;
      detail::write_scope scope(*session_, 2);
      (create_table(detail::table_of<Ts>(), seen), ...);
      scope.commit();
    }
  }

  /// Checks that the tables of the given models exist with every column they need.
  template <class... Ts>
  void check_schema() {
    if constexpr ((detail::check_model<Ts>() && ...))
      (detail::check_table(session_->connection(), detail::table_of<Ts>()), ...);
  }

  /// Inserts a new object or updates a persisted one, atomically. On success sets id,
  /// persisted() and the automatic timestamps; on failure the object is unchanged. Saves an
  /// object through a base reference as its dynamic class (a CsvFile writes type 'CsvFile').
  template <class T>
  void save(T& obj) {
    if constexpr (detail::check_model<T>()) {
      detail::with_dynamic_class<T>(obj, [&]<class C>(C& o) {
        const auto now = detail::now_micros();
        const bool inserting = o.new_record();
        detail::write_scope scope(*session_, 1);
        const auto id = write(o, inserting, now);
        scope.commit();
        finish(o, id, inserting, now);
      });
    }
  }

  /// Saves every object of a range (objects, pointers or std::unique_ptrs) in one
  /// transaction, reusing one prepared statement per class. All or nothing: on failure no
  /// row is written and no object is changed.
  template <std::ranges::range R>
  void save_all(R&& objects) {
    using element = std::remove_cvref_t<decltype(detail::deref(*std::ranges::begin(objects)))>;
    if constexpr (detail::check_model<element>()) {
      struct done {
        record* obj;
        std::int64_t id;
        bool inserting;
        void (*finish)(record&, std::int64_t, bool, std::int64_t);
      };
      std::vector<done> results;
      if constexpr (std::ranges::sized_range<R>) results.reserve(std::ranges::size(objects));
      const auto now = detail::now_micros();
      detail::write_scope scope(*session_, 2);
      for (auto&& item : objects) {
        element& obj = detail::deref(item);
        detail::with_dynamic_class<element>(obj, [&]<class C>(C& o) {
          const bool inserting = o.new_record();
          results.push_back({&o, write(o, inserting, now), inserting,
                             [](record& r, std::int64_t id, bool ins, std::int64_t t) {
                               finish(static_cast<C&>(r), id, ins, t);
                             }});
        });
      }
      scope.commit();
      for (const auto& r : results) r.finish(*r.obj, r.id, r.inserting, now);
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
      auto st = session_->acquire(detail::statement_slot<detail::find_key<T>>(),
                                  [&] { return detail::find_sql(sql_dialect(), plan); },
                                  *plan.table);
      st->bind_int64(1, id);
      if (detail::filters_type(plan)) detail::bind_type_names(*st, plan, 2);
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
    if constexpr (detail::check_model<T>()) {
      const auto& table = detail::table_of<T>();
      auto st = session_->acquire(
          detail::statement_slot<detail::delete_key<typename T::stitch_root>>(),
          [&] { return detail::delete_sql(sql_dialect(), table); }, table);
      st->bind_int64(1, obj.id);
      st.step();
      const bool deleted = st->affected_rows() > 0;
      detail::record_access::set_persisted(obj, false);
      return deleted;
    }
    return false;
  }

  /// Reads the object's members again from its row. Throws record_not_found.
  template <class T>
  void reload(T& obj) {
    if constexpr (detail::check_model<T>()) {
      detail::with_dynamic_class<T>(obj, [&]<class C>(C& o) {
        const auto& plan = detail::plan_of<C>();
        auto st = session_->acquire(detail::statement_slot<detail::find_key<C>>(),
                                    [&] { return detail::find_sql(sql_dialect(), plan); },
                                  *plan.table);
        st->bind_int64(1, o.id);
        if (detail::filters_type(plan)) detail::bind_type_names(*st, plan, 2);
        if (!st.step()) throw record_not_found(detail::class_name<C>, plan.table->name, o.id);
        detail::read_row_into(plan, *st, o);
      });
    }
  }

  /// A query over every row of T's table that is a T (a CsvFile query filters on type).
  template <class T>
  [[nodiscard]] query<T> all() {
    return query<T>(session_.get());
  }

  /// Shorthand for all<T>().where(condition).
  template <class T, class... Owners>
  [[nodiscard]] query<T> where(const predicate<Owners...>& condition) {
    return all<T>().where(condition);
  }

  /// Opens a transaction (a savepoint when one is open). See stitch::transaction.
  [[nodiscard]] stitch::transaction transaction(intent what = intent::read) {
    return stitch::transaction(*session_, what);
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
      auto st = session_->acquire(text, nullptr);
      int index = 1;
      for (const auto& p : fragment.params) detail::bind_param(*st, index++, p);
      const bool row = st.step();
      const std::string quoted = "query_value: \"" + text + "\" ";
      if (st->column_count() != 1)
        throw usage_error(quoted + "returns " + std::to_string(st->column_count()) +
                              " columns, not one",
                          text);
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
  void execute(const std::string& sql) { session_->execute(sql); }

  /// Statements run on this connection so far; subtract two readings to count a piece of
  /// work's statements.
  [[nodiscard]] std::uint64_t statements_executed() const noexcept {
    return session_->statements_executed();
  }

  [[nodiscard]] const dialect& sql_dialect() const noexcept { return session_->sql_dialect(); }
  /// Where the connection points ("sqlite:file.db"), for messages.
  [[nodiscard]] std::string describe() const { return session_->connection().describe(); }
  /// The table of T's hierarchy.
  template <class T>
  [[nodiscard]] const std::string& table_name() const {
    return detail::table_of<T>().name;
  }
  /// The adapter's connection, for what stitch does not cover.
  [[nodiscard]] backend::connection& connection() noexcept { return session_->connection(); }

 private:
  void create_table(const detail::table_def& t, std::set<const detail::table_def*>& seen) {
    if (!seen.insert(&t).second) return;
    const auto& d = sql_dialect();
    execute(detail::create_table_sql(d, t));
    if (t.has_type) execute(detail::create_type_index_sql(d, t));
    detail::check_table(session_->connection(), t);
  }

  // Runs the INSERT or UPDATE of `o` without touching it; returns its id.
  template <class C>
  std::int64_t write(const C& o, bool inserting, std::int64_t now) {
    const auto& t = detail::table_of<C>();
    constexpr int cls = static_cast<int>(detail::mapping<C>::index);
    const auto& d = sql_dialect();
    if (inserting) {
      const bool with_id = o.id != 0;
      auto st = with_id ? session_->acquire(detail::statement_slot<detail::insert_key<C, true>>(),
                                            [&] { return detail::insert_sql(d, t, cls, true); }, t)
                        : session_->acquire(detail::statement_slot<detail::insert_key<C, false>>(),
                                            [&] { return detail::insert_sql(d, t, cls, false); }, t);
      int index = 1;
      if (with_id) st->bind_int64(index++, o.id);
      if (t.has_type) st->bind_text(index++, t.classes[cls].type_name);
      detail::bind_members(o, *st, index, true, now);
      const bool row = st.step();
      if (d.returns_inserted_id() && row) return st->get_int64(0);
      return with_id ? o.id : session_->connection().last_insert_id();
    }
    auto st = session_->acquire(detail::statement_slot<detail::update_key<C>>(),
                                [&] { return detail::update_sql(d, t, cls); }, t);
    detail::bind_members(o, *st, 1, false, now);
    st->bind_int64(static_cast<int>(detail::member_count<C>()) + 1, o.id);
    st.step();
    if (st->affected_rows() == 0) throw record_not_found(detail::class_name<C>, t.name, o.id);
    return o.id;
  }

  template <class C>
  static void finish(C& o, std::int64_t id, bool inserting, std::int64_t now) {
    o.id = id;
    detail::record_access::set_persisted(o, true);
    detail::apply_timestamps(o, inserting, now);
  }

  std::unique_ptr<detail::session> session_;
};

}  // namespace stitch
