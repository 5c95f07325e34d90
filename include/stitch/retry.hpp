#pragma once
/// @file retry.hpp
/// Runs a transaction again when the database refused it for a conflict with another one
/// (PostgreSQL's serialization failures and deadlocks, SQLite's busy database).

#include <chrono>
#include <random>
#include <thread>
#include <type_traits>
#include <utility>

#include "database.hpp"
#include "errors.hpp"
#include "transaction.hpp"

namespace stitch {

/// How often and how patiently retry_transaction tries.
struct retry_policy {
  /// Tries in all, the first included.
  int attempts = 5;
  /// The wait before the second try; each later wait doubles it, with random jitter of up
  /// to the same again, so that two conflicting writers do not meet again.
  std::chrono::milliseconds first_wait{5};
  /// The longest wait between two tries.
  std::chrono::milliseconds longest_wait{500};
  /// The isolation level of each try's transaction.
  isolation level = isolation::database_default;
};

/// Runs `work(db)` inside a write transaction and commits it; when the database throws
/// transaction_conflict (in the work or at the commit), rolls back, waits and runs the work
/// again, up to policy.attempts times; then the last conflict is thrown. Any other error is
/// thrown at once, after the rollback. The work must be safe to run again: it should read
/// what it needs inside the transaction, and an object it saved in a rolled-back try is
/// inserted again, with a new id, by the next. Returns what `work` returns. Must not be
/// called inside an open transaction (a conflict there spoils the enclosing one): throws
/// usage_error.
///
///     stitch::retry_transaction(db, [&](stitch::database& tx_db) {
///       auto counter = tx_db.find<Counter>(1);
///       ++counter.value;
///       tx_db.save(counter);
///     });
template <class F>
auto retry_transaction(database& db, F&& work, const retry_policy& policy = {})
    -> std::invoke_result_t<F&, database&> {
  if (db.in_transaction())
    throw usage_error(
        "retry_transaction inside an open transaction: a conflict rolls back the whole "
        "transaction, so only the outermost level can be retried");
  if (policy.attempts < 1) throw usage_error("retry_policy::attempts must be at least 1");
  std::minstd_rand jitter(std::random_device{}());
  auto wait = policy.first_wait;
  for (int attempt = 1;; ++attempt) {
    try {
      auto tx = db.transaction(intent::write, policy.level);
      if constexpr (std::is_void_v<std::invoke_result_t<F&, database&>>) {
        work(db);
        tx.commit();
        return;
      } else {
        auto result = work(db);
        tx.commit();
        return result;
      }
    } catch (const transaction_conflict&) {
      if (attempt >= policy.attempts) throw;
    }
    const auto extra = std::uniform_int_distribution<long long>(0, wait.count())(jitter);
    std::this_thread::sleep_for(wait + std::chrono::milliseconds(extra));
    wait = std::min(wait * 2, policy.longest_wait);
  }
}

}  // namespace stitch
