#pragma once
/// @file query.hpp
/// stitch::query<T>: a lazily run SELECT over T's table, built with where/order_by/limit and
/// read by iteration (one row at a time), to_vector, first, count, exists or pluck.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/loader.hpp"
#include "detail/mapping.hpp"
#include "detail/session.hpp"
#include "detail/sql.hpp"
#include "errors.hpp"
#include "predicate.hpp"

namespace stitch {

/// What a query on T yields per row: std::unique_ptr<T> when rows may be of several classes
/// (T has subclasses), T itself otherwise.
template <class T>
using loaded_t = detail::loaded<T>;

/// What find_optional and first return: std::unique_ptr<T> (null when missing) when T has
/// subclasses, std::optional<T> otherwise. Both test as bool and dereference with * and ->.
template <class T>
using maybe_t = detail::maybe<T>;

namespace detail {

// True when a class of List whose own columns are Owner satisfies Pred<C>.
template <class Owner, class List, template <class> class Pred>
inline constexpr bool owned_by_any = [] {
  if constexpr (std::is_same_v<Owner, record>) {
    return true;  // the id
  } else {
    bool found = false;
    for_each_type(List{}, [&]<class C, std::size_t>() {
      if constexpr (std::is_same_v<typename C::stitch_columns, Owner>)
        found = found || Pred<C>::value;
    });
    return found;
  }
}();

template <class T>
struct related_to {
  template <class C>
  struct test : std::bool_constant<is_self_or_descendant<T, C> || is_self_or_descendant<C, T>> {};
};
template <class C>
struct always : std::true_type {};

/// True when Owner's columns belong to T, an ancestor or a subclass of T.
template <class T, class Owner>
inline constexpr bool owner_related =
    owned_by_any<Owner, typename mapping<T>::classes, related_to<T>::template test>;

/// True when the aggregate Owner is T's own or an ancestor's: every row T loads has it.
template <class T, class Owner>
inline constexpr bool owner_in_lineage = owned_by_any<Owner, lineage_t<T>, always>;

/// What pluck of column Ptr on a query of T yields per row.
template <class T, auto Ptr>
using plucked = std::conditional_t<owner_in_lineage<T, typename column_ref<Ptr>::owner>,
                                   typename column_ref<Ptr>::member_type,
                                   std::optional<typename column_ref<Ptr>::value_type>>;

template <class T, class... Owners>
consteval bool check_owners() {
  constexpr bool ok = (owner_related<T, Owners> && ...);
  static_assert(ok,
                "[stitch] this condition or ordering names a column of a class that the query's "
                "model neither is, inherits from nor is inherited by: name columns of the queried "
                "class, its ancestors or its subclasses");
  return ok;
}

struct order_item {
  std::string_view column;
  bool descending;
};

/// The untyped state of a query and its SQL.
struct query_state {
  std::vector<predicate_data> conditions;
  std::vector<order_item> order;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;

  enum class shape { rows, count, exists, column, exists_row };

  std::string render(const dialect& d, const load_plan& plan, shape what,
                     std::string_view column = {}) const {
    sql_builder b(d);
    // COUNT and EXISTS over a limited or offset query count the rows that query returns.
    const bool paged = limit.has_value() || offset.has_value();
    if (paged && (what == shape::count || what == shape::exists)) {
      b << (what == shape::count ? "SELECT COUNT(*) FROM (" : "SELECT 1 FROM (");
      render_into(b, d, plan, shape::exists_row, column);
      b << ") AS ";
      b.name("paged");
      if (what == shape::exists) b << " LIMIT 1";
      return std::move(b).str();
    }
    render_into(b, d, plan, what, column);
    return std::move(b).str();
  }

  void render_into(sql_builder& b, const dialect& d, const load_plan& plan, shape what,
                   std::string_view column) const {
    switch (what) {
      case shape::rows:
        select_from(b, plan);
        break;
      case shape::count:
        b << "SELECT COUNT(*) FROM ";
        b.name(plan.table->name);
        break;
      case shape::exists:
      case shape::exists_row:
        b << "SELECT 1 FROM ";
        b.name(plan.table->name);
        break;
      case shape::column:
        b << "SELECT ";
        b.name(column) << " FROM ";
        b.name(plan.table->name);
        break;
    }
    bool first = true;
    auto next_condition = [&] {
      b << (first ? " WHERE " : " AND ");
      first = false;
    };
    if (filters_type(plan)) {
      next_condition();
      type_condition(b, plan);
    }
    for (const auto& c : conditions) {
      next_condition();
      const bool wrap = conditions.size() > 1 || filters_type(plan);
      if (wrap) b << "(";
      b.pieces(c);
      if (wrap) b << ")";
    }
    if (what != shape::count && what != shape::exists) {
      for (std::size_t i = 0; i < order.size(); ++i) {
        b << (i == 0 ? " ORDER BY " : ", ");
        b.name(order[i].column);
        if (order[i].descending) b << " DESC";
      }
    }
    if (what == shape::exists) {
      b << " LIMIT 1";
    } else if (what != shape::count && (limit || offset)) {
      b << " LIMIT ";
      if (limit) {
        b.param();
      } else {
        b << d.no_limit();
      }
      if (offset) {
        b << " OFFSET ";
        b.param();
      }
    }
  }

  void bind(backend::statement& st, const load_plan& plan) const {
    int index = 1;
    if (filters_type(plan)) index = bind_type_names(st, plan, index);
    for (const auto& c : conditions)
      for (const auto& p : c.params) bind_param(st, index++, p);
    if (limit) st.bind_int64(index++, *limit);
    if (offset) st.bind_int64(index++, *offset);
  }
};

}  // namespace detail

/// A query on model T. Borrows the database it came from: use it while the database lives.
/// Iterating runs the query and reads one row at a time (constant memory); the object a
/// `for` loop sees is overwritten by the next row unless moved out.
template <class T>
class query {
  static_assert(detail::reported(detail::check_model<T>()));

 public:
  using value_type = loaded_t<T>;
  using shape = detail::query_state::shape;

  /// A query that can render SQL for any dialect but runs only when bound to a database.
  query() = default;
  explicit query(detail::session* s) : session_(s) {}

  /// Keeps rows matching a typed condition (ANDed with earlier ones).
  template <class... Owners>
  query& where(const predicate<Owners...>& p) & {
    if constexpr (detail::check_owners<T, Owners...>()) state_.conditions.push_back(p.data());
    return *this;
  }
  template <class... Owners>
  query where(const predicate<Owners...>& p) && {
    return std::move(where(p));
  }
  /// Keeps rows matching an SQL fragment with `?` placeholders bound to args.
  template <class... Args>
  query& where(std::string_view sql, Args&&... args) & {
    state_.conditions.push_back(detail::raw_fragment(sql, std::forward<Args>(args)...));
    return *this;
  }
  template <class... Args>
  query where(std::string_view sql, Args&&... args) && {
    return std::move(where(sql, std::forward<Args>(args)...));
  }

  /// Orders by a column: order_by(col<&X::name>) or order_by(col<&X::name>.desc()).
  template <class Owner>
  query& order_by(ordering<Owner> o) & {
    if constexpr (detail::check_owners<T, Owner>())
      state_.order.push_back({o.column, o.descending});
    return *this;
  }
  template <class Owner>
  query order_by(ordering<Owner> o) && {
    return std::move(order_by(o));
  }
  template <auto Ptr>
  query& order_by(column_ref<Ptr> c) & {
    return order_by(c.asc());
  }
  template <auto Ptr>
  query order_by(column_ref<Ptr> c) && {
    return std::move(order_by(c.asc()));
  }

  query& limit(std::int64_t n) & {
    state_.limit = n;
    return *this;
  }
  query limit(std::int64_t n) && { return std::move(limit(n)); }
  query& offset(std::int64_t n) & {
    state_.offset = n;
    return *this;
  }
  query offset(std::int64_t n) && { return std::move(offset(n)); }

  /// Number of matching rows.
  [[nodiscard]] std::int64_t count() const {
    auto st = run(shape::count);
    st.step();
    return st->get_int64(0);
  }
  /// True when at least one row matches.
  [[nodiscard]] bool exists() const {
    auto st = run(shape::exists);
    return st.step();
  }
  /// The first row (by id unless ordered), or empty.
  [[nodiscard]] maybe_t<T> first() const {
    query q = *this;
    if (q.state_.order.empty()) q.state_.order.push_back({"id", false});
    // Under the skip policy the first row may be skipped: read on until one loads.
    if (detail::plan_of<T>().table->on_unknown != unknown_type_policy::skip || q.state_.limit == 0)
      q.state_.limit = std::min<std::int64_t>(q.state_.limit.value_or(1), 1);
    auto st = q.run(shape::rows);
    const auto& plan = detail::plan_of<T>();
    while (st.step()) {
      value_type v{};
      if (detail::load_row<T>(plan, *st, v)) return maybe_t<T>(std::move(v));
    }
    return maybe_t<T>();
  }
  /// Every matching row, collected.
  [[nodiscard]] std::vector<value_type> to_vector() const {
    std::vector<value_type> out;
    auto st = run(shape::rows);
    const auto& plan = detail::plan_of<T>();
    value_type v{};
    while (st.step())
      if (detail::load_row<T>(plan, *st, v)) out.push_back(std::move(v));
    return out;
  }
  /// One column of every matching row: the member's type, or std::optional of it for a
  /// column of a subclass (other classes' rows hold NULL there).
  template <auto Ptr>
  [[nodiscard]] std::vector<detail::plucked<T, Ptr>> pluck(column_ref<Ptr> c) const {
    std::vector<detail::plucked<T, Ptr>> out;
    if constexpr (detail::check_owners<T, typename column_ref<Ptr>::owner>()) {
      auto st = run(shape::column, c.name);
      detail::plucked<T, Ptr> value{};
      while (st.step()) {
        try {
          detail::read_value(*st, 0, value);
          out.push_back(std::move(value));
        } catch (const detail::bad_value& bad) {
          throw data_error("column " + detail::plan_of<T>().table->name + "." +
                           std::string(c.name) + " " + bad.reason);
        }
      }
    }
    return out;
  }

  /// The SELECT this query runs, in the dialect of its database.
  [[nodiscard]] std::string to_sql() const { return to_sql(connected().sql_dialect()); }
  /// The SELECT this query runs, in the given dialect.
  [[nodiscard]] std::string to_sql(const dialect& d) const {
    return state_.render(d, detail::plan_of<T>(), shape::rows);
  }

  class iterator;
  /// Runs the query; rows are read as the iterator advances.
  iterator begin() & {
    cursor_.reset();  // gives a previous run's statement back before this run asks for it
    cursor_ = std::make_unique<cursor>(run(shape::rows));
    cursor_->advance();
    return iterator(cursor_.get());
  }
  /// The rows would die with the temporary query: iterate a named query, or use a range-for.
  iterator begin() && = delete;
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  struct cursor {
    explicit cursor(detail::lease l) : statement(std::move(l)) {}
    void advance() {
      const auto& plan = detail::plan_of<T>();
      while (statement->step())
        if (detail::load_row<T>(plan, **statement, current)) return;
      done = true;
      statement.reset();  // the statement goes back to the cache as soon as the rows run out
    }
    std::optional<detail::lease> statement;
    value_type current{};
    bool done = false;
  };

 public:
  /// Input iterator over the rows of a running query.
  class iterator {
   public:
    using value_type = loaded_t<T>;
    using difference_type = std::ptrdiff_t;
    using reference = value_type&;
    using iterator_category = std::input_iterator_tag;

    iterator() = default;
    explicit iterator(cursor* c) : cursor_(c) {}
    reference operator*() const { return cursor_->current; }
    auto* operator->() const { return &cursor_->current; }
    iterator& operator++() {
      cursor_->advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
      return it.cursor_ == nullptr || it.cursor_->done;
    }

   private:
    cursor* cursor_ = nullptr;
  };

 private:
  detail::session& connected() const {
    if (session_ == nullptr)
      throw usage_error("this query on " + detail::plan_of<T>().table->name +
                        " is not bound to a database: start it with db.all<T>()");
    return *session_;
  }

  detail::lease run(shape what, std::string_view column = {}) const {
    auto& s = connected();
    const auto& plan = detail::plan_of<T>();
    auto st = s.acquire(state_.render(s.sql_dialect(), plan, what, column), plan.table);
    state_.bind(*st, plan);
    return st;
  }

  // Copying a query copies its conditions, not a running cursor.
  struct cursor_holder : std::unique_ptr<cursor> {
    using std::unique_ptr<cursor>::unique_ptr;
    using std::unique_ptr<cursor>::operator=;
    cursor_holder() = default;
    cursor_holder(const cursor_holder&) noexcept : std::unique_ptr<cursor>() {}
    cursor_holder(cursor_holder&&) noexcept = default;
    cursor_holder& operator=(const cursor_holder&) noexcept {
      this->reset();
      return *this;
    }
    cursor_holder& operator=(cursor_holder&&) noexcept = default;
  };

  detail::session* session_ = nullptr;
  detail::query_state state_;
  cursor_holder cursor_;
};

}  // namespace stitch
