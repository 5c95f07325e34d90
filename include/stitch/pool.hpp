#pragma once
/// @file pool.hpp
/// A connection pool for multi-threaded programs: a database (one connection, its prepared
/// statements and transactions) is used by one thread at a time, so each thread borrows one.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "database.hpp"
#include "errors.hpp"

namespace stitch {

/// At most `size` connections, opened when first needed by `open` (e.g.
/// `[&] { return stitch::postgres::connect(uri); }`) and reused. A borrowed database belongs
/// to the borrowing thread until its lease ends. A database given back with its connection
/// lost, or with a transaction still open, is closed and replaced by a new one on demand.
/// Thread-safe; must outlive its leases.
class pool {
 public:
  using opener = std::function<database()>;

  /// Exclusive use of one pooled database; gives it back when destroyed.
  class lease {
   public:
    lease(lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), db_(std::move(other.db_)) {}
    lease& operator=(lease&&) = delete;
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    ~lease() {
      if (pool_ != nullptr) pool_->give_back(std::move(db_));
    }

    database& operator*() const noexcept { return *db_; }
    database* operator->() const noexcept { return db_.get(); }

   private:
    friend class pool;
    lease(pool& p, std::unique_ptr<database> db) : pool_(&p), db_(std::move(db)) {}
    pool* pool_;
    std::unique_ptr<database> db_;
  };

  /// Throws usage_error for a size of 0 or an empty opener. Opens nothing yet.
  pool(opener open, std::size_t size) : open_(std::move(open)), size_(size) {
    if (size_ == 0) throw usage_error("a stitch::pool needs a size of at least 1");
    if (!open_) throw usage_error("a stitch::pool needs a function that opens a database");
  }
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;
  ~pool() = default;

  /// A database for the calling thread, waiting while all are borrowed. Opening a new one
  /// may throw connection_error; the pool is then as it was.
  [[nodiscard]] lease acquire() {
    auto found = wait_for(std::nullopt);
    return std::move(*found);
  }

  /// As acquire(), but gives up after `timeout`: an empty result.
  [[nodiscard]] std::optional<lease> try_acquire(std::chrono::milliseconds timeout) {
    return wait_for(timeout);
  }

  /// The most databases the pool opens.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// Databases open now, borrowed or not.
  [[nodiscard]] std::size_t open_count() const {
    const std::lock_guard lock(mutex_);
    return opened_;
  }
  /// Databases open and waiting to be borrowed.
  [[nodiscard]] std::size_t idle_count() const {
    const std::lock_guard lock(mutex_);
    return idle_.size();
  }

 private:
  std::optional<lease> wait_for(std::optional<std::chrono::milliseconds> timeout) {
    std::unique_lock lock(mutex_);
    const auto ready = [&] { return !idle_.empty() || opened_ < size_; };
    if (timeout) {
      if (!available_.wait_for(lock, *timeout, ready)) return std::nullopt;
    } else {
      available_.wait(lock, ready);
    }
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return lease(*this, std::move(db));
    }
    ++opened_;  // the slot is taken while the connection opens, outside the lock
    lock.unlock();
    try {
      return lease(*this, std::make_unique<database>(open_()));
    } catch (...) {
      lock.lock();
      --opened_;
      lock.unlock();
      available_.notify_one();
      throw;
    }
  }

  void give_back(std::unique_ptr<database> db) noexcept {
    bool keep = false;
    try {
      keep = db && db->connected() && !db->in_transaction();
    } catch (...) {  // NOLINT(bugprone-empty-catch): a database that cannot tell is dropped
    }
    if (!keep) db.reset();  // closed outside the lock
    {
      const std::lock_guard lock(mutex_);
      if (keep) {
        idle_.push_back(std::move(db));
      } else {
        --opened_;
      }
    }
    available_.notify_one();
  }

  opener open_;
  std::size_t size_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<database>> idle_;
  std::size_t opened_ = 0;
};

}  // namespace stitch
