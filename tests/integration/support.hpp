#pragma once
// The database each integration test runs on, chosen by STITCH_TEST_DATABASE:
//   sqlite::memory:   a private in-memory SQLite database per test (the default)
//   sqlite:file       a fresh SQLite file per test, removed afterwards
//   postgres          a fresh schema per test on the server named by STITCH_TEST_POSTGRES (a
//                     connection URI), dropped afterwards
// Tests are written once against stitch::database and run on every backend.

#include <stitch/stitch.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace stitch::test {

/// The layout the hierarchies of the tests are declared with: the integration tests are built
/// twice, once with STITCH_TEST_JOINED, so that every hierarchy test runs in both layouts.
#ifdef STITCH_TEST_JOINED
template <class Root, class... Subclasses>
using layout = stitch::joined_tables<Root, Subclasses...>;
inline constexpr bool joined_layout = true;
/// Statements that writing one CsvFile or Socrata of the test models takes: one per table,
/// in a transaction of its own when there are several.
inline constexpr int subclass_write = 4;  // BEGIN, the root's table, the class's, COMMIT
/// The same for an object of a subclass written inside a transaction another write opened.
inline constexpr int subclass_write_inside = 2;
#else
template <class Root, class... Subclasses>
using layout = stitch::single_table<Root, Subclasses...>;
inline constexpr bool joined_layout = false;
inline constexpr int subclass_write = 1;
inline constexpr int subclass_write_inside = 1;
#endif

/// Asks test_database for a database that other connections can open too: a file where the
/// run is on sqlite::memory:.
struct shareable_t {};
inline constexpr shareable_t shareable{};

/// A fresh, empty database for one test.
class test_database {
 public:
  test_database();
  explicit test_database(shareable_t);
  ~test_database();
  test_database(const test_database&) = delete;
  test_database& operator=(const test_database&) = delete;

  stitch::database& operator*() noexcept { return *db_; }
  stitch::database* operator->() noexcept { return &*db_; }

  /// "sqlite" or "postgres".
  [[nodiscard]] const std::string& backend() const noexcept { return backend_; }
  /// A second connection to the same database (not for an in-memory SQLite database).
  [[nodiscard]] stitch::database another_connection() const;
  /// The connection URI of a PostgreSQL test database (its schema on the search_path).
  [[nodiscard]] const std::string& uri() const noexcept { return uri_; }
  /// What a program opens to reach this database: the SQLite file's path or the PostgreSQL
  /// URI (empty for an in-memory SQLite database).
  [[nodiscard]] const std::string& locator() const noexcept {
    return backend_ == "postgres" ? uri_ : path_;
  }

 private:
  std::string backend_;
  std::string path_;  // the SQLite file, when file-backed; the schema on PostgreSQL
  std::string uri_;
  std::optional<stitch::database> db_;
};

/// Overrides STITCH_TEST_DATABASE for the rest of the run (the --database option).
void select_database(const std::string& target);

/// SQL with `?` placeholders as the database numbers them ("$1" on PostgreSQL).
std::string numbered(const stitch::database& db, std::string_view sql);

/// Changes a column's type where the database enforces it (PostgreSQL), so that a test can
/// store a value the model's type does not take; nothing on SQLite, which takes any value.
void widen_column(test_database& db, const std::string& table, const std::string& column,
                  const std::string& type);

/// STITCH_TEST_POSTGRES: the URI of the PostgreSQL server the tests use. Throws when unset.
std::string postgres_uri();

/// A unique path for a scratch SQLite file (removed by the caller).
std::string scratch_path(const std::string& stem);

}  // namespace stitch::test
