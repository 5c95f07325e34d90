// Threads: a pool hands each thread a database of its own; conflicting transactions are
// retried. Run on every backend (SQLite on a file, which other connections can open).
#include <catch2/catch.hpp>

#include <stitch/stitch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "integration/support.hpp"

using stitch::col;
using namespace std::chrono_literals;

namespace concurrency {

struct EntryColumns {
  std::int64_t worker = 0;
  std::int64_t sequence = 0;
  std::string note;
};
struct Entry : stitch::model<Entry, EntryColumns> {
  static constexpr std::string_view table_name = "c_entries";
};

struct CounterColumns {
  std::int64_t value = 0;
};
struct Counter : stitch::model<Counter, CounterColumns> {
  static constexpr std::string_view table_name = "c_counters";
};

/// What worker threads caught, for the main thread to check (Catch2 asserts on one thread).
class failures {
 public:
  void add(std::string what) {
    const std::lock_guard lock(mutex_);
    list_.push_back(std::move(what));
  }
  std::vector<std::string> list() {
    const std::lock_guard lock(mutex_);
    return list_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> list_;
};

}  // namespace concurrency

using namespace concurrency;

TEST_CASE("threads saving through a pool lose no rows and never share a database",
          "[concurrency][pool]") {
  stitch::test::test_database db(stitch::test::shareable);
  db->create_schema<Entry>();
  constexpr int threads = 6;
  constexpr int saves = 40;
  stitch::pool pool([&] { return db.another_connection(); }, 3);

  // Each database in use is marked by the thread using it: a second user is a failure.
  std::mutex marks_mutex;
  std::map<const stitch::database*, std::thread::id> in_use;
  std::set<const stitch::database*> seen;
  std::atomic<int> shared{0};
  failures errors;
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&, w] {
      try {
        for (int i = 0; i < saves; ++i) {
          auto lease = pool.acquire();
          {
            const std::lock_guard lock(marks_mutex);
            if (!in_use.emplace(&*lease, std::this_thread::get_id()).second) ++shared;
            seen.insert(&*lease);
          }
          Entry e;
          e.worker = w;
          e.sequence = i;
          e.note = "worker " + std::to_string(w);
          stitch::retry_transaction(
              *lease, [&](stitch::database& tx) { tx.save(e); },
              {.attempts = 50, .first_wait = 1ms});
          {
            const std::lock_guard lock(marks_mutex);
            in_use.erase(&*lease);
          }
        }
      } catch (const std::exception& e) {
        errors.add("worker " + std::to_string(w) + ": " + e.what());
      }
    });
  }
  for (auto& t : workers) t.join();
  CHECK(errors.list() == std::vector<std::string>{});
  CHECK(shared == 0);
  CHECK(seen.size() <= 3);
  CHECK(pool.open_count() <= 3);

  CHECK(db->all<Entry>().count() == threads * saves);
  for (int w = 0; w < threads; ++w) {
    INFO("worker " << w);
    const auto sequences = db->all<Entry>()
                               .where(col<&Entry::worker> == std::int64_t{w})
                               .order_by(col<&Entry::sequence>)
                               .pluck(col<&Entry::sequence>);
    REQUIRE(sequences.size() == static_cast<std::size_t>(saves));
    for (int i = 0; i < saves; ++i) CHECK(sequences[static_cast<std::size_t>(i)] == i);
  }
  // Ids are unique across the connections.
  const auto ids = db->all<Entry>().pluck(col<&Entry::id>);
  CHECK(std::set<std::int64_t>(ids.begin(), ids.end()).size() == ids.size());
}

TEST_CASE("concurrent read-modify-write transactions retried on conflict lose no update",
          "[concurrency][retry]") {
  stitch::test::test_database db(stitch::test::shareable);
  db->create_schema<Counter>();
  Counter counter;
  db->save(counter);
  constexpr int threads = 4;
  constexpr int increments = 25;
  stitch::pool pool([&] { return db.another_connection(); }, threads);
  std::atomic<int> tries{0};
  failures errors;
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&] {
      try {
        auto lease = pool.acquire();
        for (int i = 0; i < increments; ++i) {
          // Serializable: a read that another transaction's write made stale is a conflict
          // (PostgreSQL), and SQLite's writers take turns.
          stitch::retry_transaction(
              *lease,
              [&](stitch::database& tx) {
                ++tries;
                auto c = tx.find<Counter>(counter.id);
                ++c.value;
                tx.save(c);
              },
              {.attempts = 200, .first_wait = 1ms, .longest_wait = 20ms,
               .level = stitch::isolation::serializable});
        }
      } catch (const std::exception& e) {
        errors.add(e.what());
      }
    });
  }
  for (auto& t : workers) t.join();
  CHECK(errors.list() == std::vector<std::string>{});
  CHECK(db->find<Counter>(counter.id).value == threads * increments);
  CHECK(tries >= threads * increments);
}

TEST_CASE("retry_transaction gives up after its attempts and throws the last conflict",
          "[concurrency][retry][errors]") {
  stitch::test::test_database db;
  db->create_schema<Counter>();
  int calls = 0;
  CHECK_THROWS_AS(stitch::retry_transaction(
                      *db,
                      [&](stitch::database& tx) {
                        ++calls;
                        Counter c;
                        tx.save(c);
                        throw stitch::transaction_conflict("conflict " + std::to_string(calls));
                      },
                      {.attempts = 3, .first_wait = 1ms}),
                  stitch::transaction_conflict);
  CHECK(calls == 3);
  CHECK(db->all<Counter>().count() == 0);  // each try was rolled back
  CHECK_FALSE(db->in_transaction());

  // Other errors are not retried.
  calls = 0;
  CHECK_THROWS_AS(stitch::retry_transaction(*db,
                                            [&](stitch::database&) {
                                              ++calls;
                                              throw stitch::usage_error("not a conflict");
                                            }),
                  stitch::usage_error);
  CHECK(calls == 1);

  // A value comes back; inside an open transaction the helper refuses.
  CHECK(stitch::retry_transaction(*db, [](stitch::database& tx) {
          Counter c;
          c.value = 7;
          tx.save(c);
          return c.id;
        }) > 0);
  auto tx = db->transaction();
  CHECK_THROWS_AS(stitch::retry_transaction(*db, [](stitch::database&) {}), stitch::usage_error);
}

TEST_CASE("a pool waits for a free database, and drops one given back inside a transaction",
          "[concurrency][pool]") {
  stitch::test::test_database db(stitch::test::shareable);
  db->create_schema<Counter>();
  int opened = 0;
  stitch::pool pool(
      [&] {
        ++opened;
        return db.another_connection();
      },
      1);
  CHECK(pool.open_count() == 0);
  {
    auto first = pool.acquire();
    CHECK(pool.open_count() == 1);
    CHECK_FALSE(pool.try_acquire(20ms).has_value());
  }
  CHECK(pool.idle_count() == 1);
  {
    auto again = pool.acquire();
    CHECK(opened == 1);  // reused
    again->execute(db.backend() == "postgres" ? "BEGIN" : "BEGIN IMMEDIATE");
    CHECK(again->in_transaction());
  }
  // Given back with a transaction open: closed (rolling it back), replaced on demand.
  CHECK(pool.open_count() == 0);
  {
    auto fresh = pool.acquire();
    CHECK(opened == 2);
    CHECK_FALSE(fresh->in_transaction());
    Counter c;
    fresh->save(c);  // the lock of the dropped connection is gone
  }
  CHECK(db->all<Counter>().count() == 1);

  CHECK_THROWS_AS(stitch::pool([&] { return db.another_connection(); }, 0), stitch::usage_error);
  stitch::pool failing([]() -> stitch::database { throw stitch::connection_error("down"); }, 1);
  CHECK_THROWS_AS((void)failing.acquire(), stitch::connection_error);
  CHECK(failing.open_count() == 0);
}
