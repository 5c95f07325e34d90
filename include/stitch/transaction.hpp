#pragma once
/// @file transaction.hpp
/// RAII transactions: rolled back unless committed; nested ones are savepoints.

#include <utility>

#include "detail/session.hpp"
#include "errors.hpp"

namespace stitch {

/// What a transaction means to do, where the database can use it: SQLite takes the write
/// lock at BEGIN for `write` (BEGIN IMMEDIATE), so two writers wait on the busy timeout
/// instead of one failing at its first write.
enum class intent { read, write };

/// An open transaction (or, inside another, a savepoint). Destroying it without commit()
/// rolls it back; the destructor never throws. Borrows the database: do not outlive it.
class transaction {
 public:
  /// Opens a transaction on the database's connection; prefer database::transaction().
  explicit transaction(detail::session& s, intent what = intent::read,
                       isolation level = isolation::database_default)
      : session_(&s) {
    s.begin(what == intent::write, level);
    level_ = s.depth();
  }
  transaction(transaction&& other) noexcept
      : session_(std::exchange(other.session_, nullptr)), level_(other.level_) {}
  transaction& operator=(transaction&&) = delete;
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction() { rollback(); }

  /// Makes the work permanent (or, for a savepoint, part of the enclosing transaction).
  /// Throws usage_error when an inner transaction is still open or this one has ended.
  void commit() {
    check("commit");
    session_->commit();
    session_ = nullptr;
  }
  /// Undoes the work. Never throws; does nothing once the transaction has ended.
  void rollback() noexcept {
    if (session_ == nullptr) return;
    while (session_->depth() >= level_) session_->rollback();
    session_ = nullptr;
  }
  /// True until commit() or rollback().
  [[nodiscard]] bool active() const noexcept { return session_ != nullptr; }

 private:
  void check(const char* what) const {
    if (session_ == nullptr)
      throw usage_error(std::string(what) + " of a transaction that has already ended");
    if (session_->depth() != level_)
      throw usage_error(std::string(what) +
                        " of a transaction while a transaction inside it is still open");
  }

  detail::session* session_;
  int level_ = 0;
};

}  // namespace stitch
