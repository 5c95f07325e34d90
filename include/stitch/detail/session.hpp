#pragma once
// One connection's state: the prepared-statement cache, the transaction depth and the
// statement counter. Non-template, so the templates above it stay thin.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "../backend.hpp"
#include "../errors.hpp"
#include "../predicate.hpp"
#include "mapping.hpp"

namespace stitch::detail {

inline std::size_t next_statement_slot() {
  static std::atomic<std::size_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed);
}

/// A process-wide index for the statement identified by Key (e.g. "insert a CsvFile").
template <class Key>
std::size_t statement_slot() {
  static const std::size_t slot = next_statement_slot();
  return slot;
}

/// Binds one parameter value at a 1-based index.
inline void bind_param(backend::statement& st, int index, const param& p) {
  switch (p.index()) {
    case 0:
      st.bind_null(index);
      break;
    case 1:
      st.bind_int64(index, *std::get_if<1>(&p));
      break;
    case 2:
      st.bind_double(index, *std::get_if<2>(&p));
      break;
    case 3:
      st.bind_bool(index, *std::get_if<3>(&p));
      break;
    case 4:
      st.bind_text(index, *std::get_if<4>(&p));
      break;
    case 5:
      st.bind_blob(index, *std::get_if<5>(&p));
      break;
    default:
      st.bind_timestamp(index, std::get_if<6>(&p)->micros);
      break;
  }
}

class session;

/// Exclusive use of a prepared statement; resets it and gives it back when destroyed.
class lease {
 public:
  lease(session& s, backend::statement* st, bool* busy, std::unique_ptr<backend::statement> owned)
      : session_(&s), statement_(st), busy_(busy), owned_(std::move(owned)) {}
  lease(lease&& other) noexcept
      : session_(other.session_),
        statement_(std::exchange(other.statement_, nullptr)),
        busy_(std::exchange(other.busy_, nullptr)),
        owned_(std::move(other.owned_)),
        started_(other.started_) {}
  lease& operator=(lease&&) = delete;
  lease(const lease&) = delete;
  lease& operator=(const lease&) = delete;
  ~lease() {
    if (statement_ != nullptr) statement_->reset();
    if (busy_ != nullptr) *busy_ = false;
  }

  backend::statement& operator*() const noexcept { return *statement_; }
  backend::statement* operator->() const noexcept { return statement_; }

  /// Runs the statement (counted once per execution) or moves to its next row.
  inline bool step();

 private:
  session* session_;
  backend::statement* statement_;
  bool* busy_;
  std::unique_ptr<backend::statement> owned_;  // set when the cached one was in use
  bool started_ = false;
};

/// What objects loaded through a session remember of it: which session (by serial, so that a
/// closed database is detected instead of used) and whether strict loading applies to them.
struct link {
  std::uint64_t session = 0;
  bool strict = false;
};

/// The open sessions by serial. Associations find their database here when they load
/// lazily; a serial whose database was closed finds nothing.
class session_registry {
 public:
  static std::uint64_t add(session* s) {
    auto& r = instance();
    const std::lock_guard lock(r.mutex_);
    const auto serial = ++r.last_;
    r.open_.emplace(serial, s);
    return serial;
  }
  static void remove(std::uint64_t serial) noexcept {
    auto& r = instance();
    const std::lock_guard lock(r.mutex_);
    r.open_.erase(serial);
  }
  static session* find(std::uint64_t serial) {
    auto& r = instance();
    const std::lock_guard lock(r.mutex_);
    const auto it = r.open_.find(serial);
    return it == r.open_.end() ? nullptr : it->second;
  }

 private:
  static session_registry& instance() {
    static session_registry r;
    return r;
  }
  std::mutex mutex_;
  std::uint64_t last_ = 0;
  std::unordered_map<std::uint64_t, session*> open_;
};

class session {
 public:
  explicit session(std::unique_ptr<backend::connection> connection)
      : connection_(std::move(connection)), serial_(session_registry::add(this)) {}
  session(const session&) = delete;
  session& operator=(const session&) = delete;
  ~session() { session_registry::remove(serial_); }

  /// What objects loaded now remember of this session; `strict` adds strict loading.
  [[nodiscard]] link link_for(bool strict) const noexcept {
    return {serial_, strict || strict_loading_};
  }
  void set_strict_loading(bool on) noexcept { strict_loading_ = on; }
  [[nodiscard]] bool strict_loading() const noexcept { return strict_loading_; }

  [[nodiscard]] backend::connection& connection() const noexcept { return *connection_; }
  [[nodiscard]] const dialect& sql_dialect() const noexcept { return connection_->sql_dialect(); }

  /// The statement of `slot`, prepared from make_sql() on first use. A statement still in
  /// use (a query being iterated) is not shared: a fresh one is prepared for the nested use.
  /// A statement that fails to prepare for lack of a table or column is explained by
  /// checking `table`, so that the error names the table and every missing column.
  template <class MakeSql>
  lease acquire(std::size_t slot, MakeSql&& make_sql, const table_def& table) {
    if (slot >= slots_.size()) slots_.resize(slot + 1);
    auto& entry = slots_[slot];
    if (!entry) {
      auto prepared = prepare(make_sql(), &table);
      entry = std::make_unique<cached>();
      entry->statement = std::move(prepared);
    }
    return take(*entry, [&] { return make_sql(); });
  }

  /// The statement for this SQL text, prepared once per connection; `table`, when given,
  /// explains a failure to prepare as above.
  lease acquire(const std::string& sql, const table_def* table) {
    auto it = by_sql_.find(sql);
    if (it == by_sql_.end()) {
      if (by_sql_.size() >= max_cached_sql) evict_idle();
      auto prepared = prepare(sql, table);
      it = by_sql_.emplace(sql, cached{std::move(prepared), false}).first;
    }
    return take(it->second, [&] { return sql; });
  }

  // Transactions: the outermost level is BEGIN/COMMIT, inner levels are savepoints. Each
  // level has a process-wide serial, so that an object can tell whether the level that
  // inserted its row was rolled back later (and its id may since belong to another row).
  void begin(bool for_write, isolation level = isolation::database_default) {
    check_not_aborted();
    if (depth_ == 0) {
      run(for_write ? begin_write_ : begin_read_,
          std::string(sql_dialect().begin_transaction(for_write)));
      if (const auto set = sql_dialect().isolation_sql(level); !set.empty()) {
        try {
          execute(std::string(set));
        } catch (...) {
          try {
            run(rollback_, "ROLLBACK");
          } catch (...) {  // NOLINT(bugprone-empty-catch): the first error is the one to report
          }
          throw;
        }
      }
    } else {
      if (level != isolation::database_default)
        throw usage_error(
            "an isolation level was asked of a transaction inside another (a savepoint): only "
            "the outermost transaction has one");
      run_level(savepoint_, depth_, "SAVEPOINT ");
    }
    ++depth_;
    levels_.push_back(next_level_serial());
  }
  void commit() {
    if (depth_ == 0) throw usage_error("commit without an open transaction");
    check_not_aborted();
    if (depth_ == 1) {
      run(commit_, "COMMIT");
      // Every level of this transaction is durable now, except those released into a level
      // that was rolled back: remember those before forgetting the chains.
      for (const auto& [inner, outer] : released_into_)
        if (rolled_back(outer)) rolled_back_.insert(inner);
      released_into_.clear();
    } else {
      run_level(release_, depth_ - 1, "RELEASE SAVEPOINT ");
      released_into_[levels_.back()] = levels_[levels_.size() - 2];
    }
    levels_.pop_back();
    --depth_;
  }
  /// Never throws: a failed rollback means the database already rolled back.
  void rollback() noexcept {
    if (depth_ == 0) return;
    --depth_;
    rolled_back_.insert(levels_.back());
    levels_.pop_back();
    if (depth_ == 0) {
      // Levels released into this transaction are undone with it.
      for (const auto& [inner, outer] : released_into_) rolled_back_.insert(inner);
      released_into_.clear();
    }
    if (aborted_) {
      if (depth_ == 0) aborted_ = false;  // the database has no transaction to roll back
      return;
    }
    try {
      if (depth_ == 0) {
        run(rollback_, "ROLLBACK");
      } else {
        const auto name = savepoint_name(depth_);
        execute("ROLLBACK TO SAVEPOINT " + name);
        execute("RELEASE SAVEPOINT " + name);
      }
    } catch (...) {  // NOLINT(bugprone-empty-catch): the transaction is gone either way
    }
  }

  /// The serial of the innermost open level; 0 outside a transaction.
  [[nodiscard]] std::uint64_t current_level() const noexcept {
    return levels_.empty() ? 0 : levels_.back();
  }
  /// True when the level (or one it was released into) has been rolled back.
  [[nodiscard]] bool rolled_back(std::uint64_t level) const {
    while (level != 0) {
      if (rolled_back_.contains(level)) return true;
      const auto outer = released_into_.find(level);
      if (outer == released_into_.end()) return false;
      level = outer->second;
    }
    return false;
  }

  /// Called after a statement failed: SQLite rolls the whole transaction back by itself
  /// after some errors. From then on the session refuses statements until the transaction
  /// objects are ended, instead of running them outside any transaction.
  void note_failure() noexcept {
    if (depth_ == 0 || aborted_ || connection_->in_transaction()) return;
    aborted_ = true;
    for (auto level : levels_) rolled_back_.insert(level);
    for (const auto& [inner, outer] : released_into_) rolled_back_.insert(inner);
    released_into_.clear();
  }
  void check_not_aborted() const {
    if (aborted_)
      throw transaction_aborted(
          "the database (" + connection_->describe() +
          ") rolled the open transaction back after an earlier error; nothing of it was kept: "
          "end the transaction (let it go out of scope) and start again");
  }
  [[nodiscard]] int depth() const noexcept { return depth_; }

  [[nodiscard]] std::uint64_t statements_executed() const noexcept { return executed_; }
  void count_execution() noexcept { ++executed_; }

  /// Runs SQL without results, counted as one statement.
  void execute(const std::string& sql) {
    check_not_aborted();
    ++executed_;
    try {
      connection_->execute(sql);
    } catch (...) {
      note_failure();
      throw;
    }
  }

 private:
  struct cached {
    std::unique_ptr<backend::statement> statement;
    bool busy = false;
  };
  static constexpr std::size_t max_cached_sql = 512;

  template <class MakeSql>
  lease take(cached& entry, MakeSql&& make_sql) {
    if (entry.busy) {
      auto fresh = connection_->prepare(make_sql());
      auto* raw = fresh.get();
      return lease(*this, raw, nullptr, std::move(fresh));
    }
    entry.busy = true;
    return {*this, entry.statement.get(), &entry.busy, nullptr};
  }

  std::unique_ptr<backend::statement> prepare(const std::string& sql, const table_def* table) {
    try {
      return connection_->prepare(sql);
    } catch (const schema_error&) {
      if (table != nullptr) check_table(*connection_, *table);
      throw;
    }
  }

  void evict_idle() {
    for (auto it = by_sql_.begin(); it != by_sql_.end();) {
      it = it->second.busy ? std::next(it) : by_sql_.erase(it);
    }
  }

  void run(std::unique_ptr<backend::statement>& st, const std::string& sql) {
    if (!st) st = connection_->prepare(sql);
    ++executed_;
    try {
      st->step();
    } catch (...) {
      st->reset();  // a statement left half-run would keep SQLite inside the transaction
      note_failure();
      throw;
    }
    st->reset();
  }

  static std::string savepoint_name(int level) { return "stitch_" + std::to_string(level); }

  // SAVEPOINT or RELEASE of a level: prepared once per connection and level.
  void run_level(std::vector<std::unique_ptr<backend::statement>>& cache, int level,
                 std::string_view verb) {
    const auto at = static_cast<std::size_t>(level);
    if (cache.size() <= at) cache.resize(at + 1);
    auto& st = cache[at];
    if (!st) st = connection_->prepare(std::string(verb) + savepoint_name(level));
    run(st, st->sql());
  }

  std::unique_ptr<backend::connection> connection_;
  std::vector<std::unique_ptr<cached>> slots_;
  std::unordered_map<std::string, cached> by_sql_;
  static std::uint64_t next_level_serial() noexcept {
    static std::atomic<std::uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
  }

  std::unique_ptr<backend::statement> begin_write_, begin_read_, commit_, rollback_;
  std::vector<std::unique_ptr<backend::statement>> savepoint_, release_;  // by level
  int depth_ = 0;
  bool aborted_ = false;
  std::vector<std::uint64_t> levels_;                               // serial per open level
  std::unordered_map<std::uint64_t, std::uint64_t> released_into_;  // committed savepoints
  std::unordered_set<std::uint64_t> rolled_back_;
  std::uint64_t executed_ = 0;
  std::uint64_t serial_;
  bool strict_loading_ = false;
};

inline bool lease::step() {
  if (!started_) {
    session_->check_not_aborted();
    started_ = true;
    session_->count_execution();
  }
  try {
    return statement_->step();
  } catch (...) {
    session_->note_failure();
    throw;
  }
}

/// Keeps a write atomic: opens a transaction when none is open, a savepoint inside an open
/// one when the write takes several statements, and nothing for one statement (atomic by
/// itself), unless a failed statement would leave the open transaction unusable (PostgreSQL):
/// then a savepoint, so that a refused write undoes only itself there too.
class write_scope {
 public:
  write_scope(session& s, int statements)
      : session_(s),
        owns_(statements > 1 ||
              (s.depth() > 0 && s.sql_dialect().error_aborts_transaction())) {
    if (owns_) s.begin(true);
  }
  write_scope(const write_scope&) = delete;
  write_scope& operator=(const write_scope&) = delete;
  ~write_scope() {
    if (owns_) session_.rollback();
  }
  void commit() {
    if (owns_) {
      session_.commit();
      owns_ = false;
    }
  }

 private:
  session& session_;
  bool owns_;
};

}  // namespace stitch::detail
