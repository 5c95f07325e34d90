#pragma once
/// @file sqlite.hpp
/// The SQLite adapter (link stitch::sqlite). SQLite's headers stay in the library.

#include <chrono>
#include <string>

#include "database.hpp"

namespace stitch::sqlite {

/// How to open an SQLite database.
struct options {
  /// Create the file when it does not exist (ignored when read_only).
  bool create = true;
  /// Open without write access; writes then throw stitch::read_only_database.
  bool read_only = false;
  /// How long a statement waits for another connection's lock before database_busy.
  std::chrono::milliseconds busy_timeout{5000};
  /// PRAGMA foreign_keys, on as in Rails.
  bool foreign_keys = true;
};

/// Opens (or creates) the database at `path`; ":memory:" for a private in-memory database.
/// Throws connection_error when the file cannot be opened, not_a_database when it is not an
/// SQLite database.
[[nodiscard]] database open(const std::string& path, const options& opts = {});

}  // namespace stitch::sqlite
