#pragma once
/// @file backend.hpp
/// The narrow interface between the header-only core and a database adapter. Adapters live
/// in src/ and translate their library's exceptions into stitch::error types.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dialect.hpp"

namespace stitch::backend {

/// A prepared statement. Parameters are 1-based, result columns 0-based.
class statement {
 public:
  virtual ~statement() = default;

  virtual void bind_null(int index) = 0;
  virtual void bind_int64(int index, std::int64_t value) = 0;
  virtual void bind_double(int index, double value) = 0;
  virtual void bind_bool(int index, bool value) = 0;
  /// The text is borrowed: it must stay alive until reset().
  virtual void bind_text(int index, std::string_view value) = 0;
  /// The bytes are borrowed: they must stay alive until reset().
  virtual void bind_blob(int index, std::span<const std::byte> value) = 0;
  /// Microseconds since 1970-01-01 UTC.
  virtual void bind_timestamp(int index, std::int64_t micros) = 0;

  /// Runs the statement (first call) or moves to the next row; false when there is none.
  virtual bool step() = 0;
  /// Makes the statement ready to bind and run again. Never throws.
  virtual void reset() noexcept = 0;
  /// Rows changed by the last INSERT, UPDATE or DELETE.
  [[nodiscard]] virtual std::int64_t affected_rows() = 0;

  /// Columns in each result row.
  [[nodiscard]] virtual int column_count() = 0;
  [[nodiscard]] virtual bool is_null(int column) = 0;
  [[nodiscard]] virtual std::int64_t get_int64(int column) = 0;
  [[nodiscard]] virtual double get_double(int column) = 0;
  [[nodiscard]] virtual bool get_bool(int column) = 0;
  /// Valid until the next step() or reset().
  [[nodiscard]] virtual std::string_view get_text(int column) = 0;
  /// Valid until the next step() or reset().
  [[nodiscard]] virtual std::span<const std::byte> get_blob(int column) = 0;
  /// Microseconds since 1970-01-01 UTC; throws stitch::data_error on malformed values.
  [[nodiscard]] virtual std::int64_t get_timestamp(int column) = 0;

  [[nodiscard]] virtual const std::string& sql() const noexcept = 0;
};

/// One database connection. Not thread-safe: use one per thread.
class connection {
 public:
  virtual ~connection() = default;

  [[nodiscard]] virtual const stitch::dialect& sql_dialect() const noexcept = 0;
  /// Throws schema_error when the statement names a table or column that does not exist.
  [[nodiscard]] virtual std::unique_ptr<statement> prepare(const std::string& sql) = 0;
  /// Runs one or more statements without results.
  virtual void execute(const std::string& sql) = 0;
  /// The id of the last row inserted on this connection (dialects without RETURNING).
  [[nodiscard]] virtual std::int64_t last_insert_id() = 0;
  /// The column names of a table; empty when the table does not exist.
  [[nodiscard]] virtual std::vector<std::string> table_columns(const std::string& table) = 0;
  /// Where the connection points, for messages ("sqlite:data.db"). Never holds a password.
  [[nodiscard]] virtual std::string describe() const = 0;
};

}  // namespace stitch::backend
