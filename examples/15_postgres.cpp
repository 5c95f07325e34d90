// PostgreSQL: connecting, the same models and calls as on SQLite, a pool of connections
// for threads, transactions retried on conflict, and what a refused login looks like.
//   15_postgres postgresql://user:password@host:5432/dbname
// (or the URI in STITCH_EXAMPLE_POSTGRES).
#include <stitch/postgres.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

struct SourceColumns {
  std::string name;
};
struct CsvColumns {
  std::string path;
};
struct Source : stitch::model<Source, SourceColumns> {
  static constexpr std::string_view table_name = "example_sources";
  virtual ~Source() = default;
  [[nodiscard]] virtual std::string describe() const { return "a source"; }
};
struct Csv : stitch::subclass<Csv, Source, CsvColumns> {
  [[nodiscard]] std::string describe() const override { return "a CSV file at " + path; }
};
template <>
struct stitch::hierarchy<Source> : stitch::single_table<Source, Csv> {};

struct CounterColumns {
  std::int64_t value = 0;
};
struct Counter : stitch::model<Counter, CounterColumns> {
  static constexpr std::string_view table_name = "example_counters";
};

int main(int argc, char* argv[]) {
  const char* from_env = std::getenv("STITCH_EXAMPLE_POSTGRES");
  const std::string uri = argc > 1 ? argv[1] : from_env != nullptr ? from_env : "";
  if (uri.empty()) {
    fmt::print(stderr, "usage: 15_postgres postgresql://user:password@host:port/dbname\n");
    return 2;
  }

  auto db = stitch::postgres::connect(uri);
  db.execute("DROP TABLE IF EXISTS example_sources, example_counters");  // a fresh start
  db.create_schema<Source, Counter>();

  // The same calls as on SQLite. save_all draws the ids, then sends the rows in one COPY.
  std::vector<std::unique_ptr<Source>> sources;
  for (int i = 0; i < 1000; ++i) {
    auto csv = std::make_unique<Csv>();
    csv->name = "calls " + std::to_string(i);
    csv->path = "calls-" + std::to_string(i) + ".csv";
    sources.push_back(std::move(csv));
  }
  auto before = db.statements_executed();
  db.save_all(sources);
  fmt::print("save_all of {} sources: {} statements\n", sources.size(),
             db.statements_executed() - before);
  const auto first = db.find<Source>(sources.front()->id);
  fmt::print("{}: {}\n", first->name, first->describe());

  // Threads: each borrows a connection of its own from the pool. Serializable transactions
  // that read a value another one changed fail with transaction_conflict; retry_transaction
  // runs them again.
  Counter counter;
  db.save(counter);
  stitch::pool pool([&] { return stitch::postgres::connect(uri); }, 4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto lease = pool.acquire();
      for (int i = 0; i < 25; ++i) {
        stitch::retry_transaction(
            *lease,
            [&](stitch::database& tx) {
              auto c = tx.find<Counter>(counter.id);
              ++c.value;
              tx.save(c);
            },
            {.attempts = 100, .level = stitch::isolation::serializable});
      }
    });
  }
  for (auto& t : threads) t.join();
  fmt::print("counter after 4 threads x 25 increments: {}\n", db.find<Counter>(counter.id).value);

  // A refused login names the server, never the password.
  std::string wrong = uri;
  if (const auto at = wrong.rfind('@'), colon = wrong.find(':', wrong.find("://") + 3);
      at != std::string::npos && colon < at) {
    wrong.replace(colon + 1, at - colon - 1, "not-the-password");
  }
  try {
    (void)stitch::postgres::connect(wrong);
    fmt::print("wrong password: accepted (this server does not check passwords)\n");
  } catch (const stitch::connection_error& e) {
    const std::string message = e.what();
    fmt::print("wrong password: connection_error naming {}, password shown: {}\n",
               message.find(db.connection().describe()) != std::string::npos ? "the server"
                                                                               : "something else",
               message.find("not-the-password") != std::string::npos);
  }
}
