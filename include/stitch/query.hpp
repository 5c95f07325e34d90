#pragma once
/// @file query.hpp
/// stitch::query<T>: a lazily run SELECT over T's table, built with where/order_by/limit and
/// read by iteration (one row at a time), to_vector, first, count, exists or pluck.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/loader.hpp"
#include "detail/mapping.hpp"
#include "detail/pages.hpp"
#include "detail/preload.hpp"
#include "detail/query_state.hpp"
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

  /// Loads an association path with the results, one batched statement per step (one per
  /// target class for a polymorphic step): `.includes(&DataSource::fields,
  /// &Field::unique_values)`. Call it once per path. A path that does not follow the models
  /// is a compile error.
  template <class... Steps>
  query& includes(Steps... path) & {
    static_assert(sizeof...(Steps) > 0, "[stitch] includes() needs at least one association");
    if constexpr (sizeof...(Steps) > 0 && detail::check_path<T, Steps...>()) {
      paths_.push_back(
          [path...](detail::session& s, const std::vector<T*>& objects, const detail::link& l) {
            detail::preload_path(s, objects, l, path...);
          });
    }
    return *this;
  }
  template <class... Steps>
  query includes(Steps... path) && {
    return std::move(includes(path...));
  }

  /// Strict loading for the objects this query loads (and the objects loaded with them):
  /// touching an association that was not loaded throws strict_loading_violation.
  query& strict_loading(bool on = true) & {
    strict_ = on;
    return *this;
  }
  query strict_loading(bool on = true) && { return std::move(strict_loading(on)); }

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
    const auto l = link();
    while (st.step()) {
      value_type v{};
      if (detail::load_row<T>(plan, *st, v, l)) {
        std::vector<T*> one{detail::object_of<T>(v)};
        run_paths(one, l);
        return maybe_t<T>(std::move(v));
      }
    }
    return maybe_t<T>();
  }
  /// Every matching row, collected.
  [[nodiscard]] std::vector<value_type> to_vector() const {
    std::vector<value_type> out;
    {
      auto st = run(shape::rows);
      const auto& plan = detail::plan_of<T>();
      const auto l = link();
      if constexpr (detail::is_polymorphic_query<T>) {
        value_type v{};
        while (st.step())
          if (detail::load_row<T>(plan, *st, v, l)) out.push_back(std::move(v));
      } else {
        read_in_blocks(st, plan, l, out);
      }
    }
    if (!paths_.empty()) {
      std::vector<T*> objects;
      objects.reserve(out.size());
      for (auto& v : out) objects.push_back(detail::object_of<T>(v));
      run_paths(objects, link());
    }
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
    auto st = run(shape::rows);
    // Rows are read one at a time and, without includes, not kept: the adapter may fetch
    // them in batches (memory stays flat over any number of rows).
    if (paths_.empty()) st->stream_rows(stream_batch);
    cursor_ = std::make_unique<cursor>(std::move(st), this);
    cursor_->advance();
    return iterator(cursor_.get());
  }
  /// The rows would die with the temporary query: iterate a named query, or use a range-for.
  iterator begin() && = delete;
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  // Reads the rows in place into blocks of about 64 KiB, then moves them once into `out`,
  // sized exactly: a vector of objects grown by doubling would move each object again at
  // every growth and touch fresh memory each time. A first block's worth stays in `out`.
  // The exact vector is written front to back at once, so it asks for huge pages.
  void read_in_blocks(detail::lease& st, const detail::load_plan& plan, const detail::link& l,
                      std::vector<value_type>& out) const {
    constexpr std::size_t block = std::max<std::size_t>(16, (64 * 1024) / sizeof(value_type));
    std::vector<std::vector<value_type>> blocks;
    std::vector<value_type>* into = &out;
    std::size_t total = 0;
    while (st.step()) {
      if (into->size() == block) {
        into = &blocks.emplace_back();
        into->reserve(block);
      }
      if (detail::load_row<T>(plan, *st, into->emplace_back(), l)) {
        ++total;
      } else {
        into->pop_back();
      }
    }
    if (blocks.empty()) return;
    std::vector<value_type> all;
    all.reserve(total);
    detail::prefer_huge_pages(all.data(), total * sizeof(value_type));
    std::move(out.begin(), out.end(), std::back_inserter(all));
    for (auto& b : blocks) std::move(b.begin(), b.end(), std::back_inserter(all));
    out = std::move(all);
  }

  struct cursor {
    cursor(detail::lease l, const query* q) : statement(std::move(l)), owner(q), link(q->link()) {}
    void advance() {
      if (owner->paths_.empty()) {
        const auto& plan = detail::plan_of<T>();
        while (statement->step())
          if (detail::load_row<T>(plan, **statement, current, link)) return;
        finish();
        return;
      }
      // With includes: read a batch of rows, load their associations, then hand them out.
      if (++next < batch.size()) {
        current = std::move(batch[next]);
        return;
      }
      refill();
    }
    void refill() {
      batch.clear();
      next = 0;
      const auto& plan = detail::plan_of<T>();
      value_type v{};
      while (batch.size() < batch_size && statement) {
        if (!(*statement).step()) {
          statement.reset();  // stepping a finished statement would run it again
          break;
        }
        if (detail::load_row<T>(plan, **statement, v, link)) batch.push_back(std::move(v));
      }
      if (batch.empty()) {
        finish();
        return;
      }
      std::vector<T*> objects;
      objects.reserve(batch.size());
      for (auto& b : batch) objects.push_back(detail::object_of<T>(b));
      owner->run_paths(objects, link);
      current = std::move(batch[0]);
    }
    void finish() {
      done = true;
      statement.reset();  // the statement goes back to the cache as soon as the rows run out
    }
    static constexpr std::size_t batch_size = 1000;
    std::optional<detail::lease> statement;
    const query* owner;
    detail::link link;
    std::vector<value_type> batch;
    std::size_t next = 0;
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

  [[nodiscard]] detail::link link() const { return connected().link_for(strict_); }

  void run_paths(const std::vector<T*>& objects, const detail::link& l) const {
    if (objects.empty()) return;
    for (const auto& p : paths_) p(connected(), objects, l);
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

  static constexpr int stream_batch = 1000;

  detail::session* session_ = nullptr;
  detail::query_state state_;
  std::vector<std::function<void(detail::session&, const std::vector<T*>&, const detail::link&)>>
      paths_;
  bool strict_ = false;
  cursor_holder cursor_;
};

}  // namespace stitch
