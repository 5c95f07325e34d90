#pragma once
// The database each integration test runs on, chosen by STITCH_TEST_DATABASE:
//   sqlite::memory:   a private in-memory SQLite database per test (the default)
//   sqlite:file       a fresh SQLite file per test, removed afterwards
// Tests are written once against stitch::database and run on every backend.

#include <stitch/stitch.hpp>

#include <optional>
#include <string>

namespace stitch::test {

/// A fresh, empty database for one test.
class test_database {
 public:
  test_database();
  ~test_database();
  test_database(const test_database&) = delete;
  test_database& operator=(const test_database&) = delete;

  stitch::database& operator*() noexcept { return *db_; }
  stitch::database* operator->() noexcept { return &*db_; }

  /// "sqlite" (later also "postgres").
  [[nodiscard]] const std::string& backend() const noexcept { return backend_; }

 private:
  std::string backend_;
  std::string path_;  // the SQLite file, when file-backed
  std::optional<stitch::database> db_;
};

/// Overrides STITCH_TEST_DATABASE for the rest of the run (the --database option).
void select_database(const std::string& target);

/// A unique path for a scratch SQLite file (removed by the caller).
std::string scratch_path(const std::string& stem);

}  // namespace stitch::test
