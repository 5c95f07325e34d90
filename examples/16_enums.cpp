// Enums: a C++ enum stored as an integer, as a Rails `enum` attribute is, and what happens
// when the database holds a value the C++ side has not declared.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// The C++ side of `enum status: { queued: 0, running: 1, done: 2, failed: 3 }` and
// `enum priority: { low: 0, high: 1 }`.
enum class Status { queued = 0, running = 1, done = 2, failed = 3 };
enum class Priority { low = 0, high = 1 };

// Declared before the first model that holds them.
template <>
struct stitch::enum_traits<Status> {
  static constexpr stitch::enum_value<Status> values[] = {{Status::queued, "queued"},
                                                          {Status::running, "running"},
                                                          {Status::done, "done"},
                                                          {Status::failed, "failed"}};
};
template <>
struct stitch::enum_traits<Priority> {
  static constexpr stitch::enum_value<Priority> values[] = {{Priority::low, "low"},
                                                            {Priority::high, "high"}};
};

struct ImportColumns {
  std::string name;
  Status status = Status::queued;    // integer NOT NULL
  std::optional<Priority> priority;  // integer, NULL for none
};
struct Import : stitch::model<Import, ImportColumns> {};

Import make(std::string name, Status status, std::optional<Priority> priority = {}) {
  Import i;
  i.name = std::move(name);
  i.status = status;
  i.priority = priority;
  return i;
}

int main() {
  auto db = stitch::sqlite::open(":memory:");
  for (const auto& statement : stitch::schema_sql<Import>(db.sql_dialect()))
    fmt::print("{}\n", statement);
  db.create_schema<Import>();

  std::vector<Import> imports{make("calls 2023", Status::done, Priority::low),
                              make("calls 2024", Status::running, Priority::high),
                              make("fire units", Status::queued)};
  db.save_all(imports);

  // Stored as integers, read back as enumerators; enum_name gives Rails' name.
  for (const auto& i : db.all<Import>().order_by(stitch::col<&Import::id>)) {
    fmt::print("{}: {} ({}), priority {}\n", i.name, stitch::enum_name(i.status),
               db.query_value<std::int64_t>("SELECT status FROM imports WHERE id = ?", i.id),
               i.priority ? stitch::enum_name(*i.priority) : "none");
  }
  // Conditions take values of the column's enum.
  fmt::print("not done: {}\n",
             db.all<Import>().where(stitch::col<&Import::status> != Status::done).count());
  fmt::print("from the name 'failed': {}\n",
             stitch::enum_integer(*stitch::enum_from_name<Status>("failed")));

  // The Rails application adds `archived: 4` and archives an import; the C++ enum lacks it.
  db.execute("UPDATE imports SET status = 4 WHERE name = 'calls 2023'");
  try {
    (void)db.all<Import>().to_vector();
  } catch (const stitch::data_error& e) {
    fmt::print("{}\n", e.what());
  }
  // An enum holding a value it does not declare is not saved.
  Import odd = make("odd", static_cast<Status>(7));
  try {
    db.save(odd);
  } catch (const stitch::data_error& e) {
    fmt::print("{}\n", e.what());
  }
  fmt::print("imports: {}\n", db.all<Import>().count());
}
