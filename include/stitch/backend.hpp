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

/// Values bound to 1-based parameters: of a statement, or of a row loaded in bulk. Used by
/// one thread at a time, like its connection.
class parameters {
 public:
  virtual ~parameters() = default;

  // Binding. A bind throws stitch::usage_error for a value the database cannot store as
  // given, the data_error subtype stitch::detail::bad_parameter for text it cannot hold (a
  // NUL byte in PostgreSQL text), and a database_error subtype when the database refuses it.
  virtual void bind_null(int index) = 0;
  virtual void bind_int64(int index, std::int64_t value) = 0;
  /// Throws usage_error for a NaN where the database cannot store one (SQLite stores NULL).
  virtual void bind_double(int index, double value) = 0;
  virtual void bind_bool(int index, bool value) = 0;
  /// The text is borrowed, not copied: it must stay alive until the index is bound again or
  /// reset() unbinds it.
  virtual void bind_text(int index, std::string_view value) = 0;
  /// The bytes are borrowed, not copied: they must stay alive until the index is bound again
  /// or reset() unbinds them.
  virtual void bind_blob(int index, std::span<const std::byte> value) = 0;
  /// Microseconds since 1970-01-01 UTC. Throws usage_error, naming the value, outside years
  /// 0000 to 9999.
  virtual void bind_timestamp(int index, std::int64_t micros) = 0;
};

/// Rows loaded in bulk into one table (PostgreSQL's COPY ... FROM STDIN): bind a row's
/// values, write_row() sends it, finish() ends the load. Nothing else runs on the connection
/// in between. An error may surface at any call, finish() included; the load then wrote
/// nothing.
class row_writer : public parameters {
 public:
  virtual void write_row() = 0;
  virtual void finish() = 0;
};

/// A prepared statement. Parameters are 1-based, result columns 0-based. Used by one thread
/// at a time, like its connection.
class statement : public parameters {
 public:

  /// Runs the statement (first call) or moves to the next row; false when there is none.
  /// Throws a stitch::database_error subtype when the database refuses the statement.
  virtual bool step() = 0;
  /// Ends the current run and unbinds every parameter (so no borrowed text or bytes is read
  /// after it), making the statement ready to bind and run again. Never throws.
  virtual void reset() noexcept = 0;
  /// A hint before the first step(): the caller reads the rows one at a time and keeps none,
  /// so the adapter may fetch them `batch` at a time instead of all at once (PostgreSQL then
  /// reads through a cursor). Cleared by reset().
  virtual void stream_rows(int batch) { (void)batch; }
  /// Rows changed by the last INSERT, UPDATE or DELETE.
  [[nodiscard]] virtual std::int64_t affected_rows() = 0;

  // Reading the current row (after step() returned true).
  //
  // Each read(column, out) costs one virtual call: it returns false, leaving `out` alone,
  // when the value is NULL; stores the value and returns true when `out` can represent it
  // exactly (or, for text, as text that converts back losslessly); and otherwise throws
  // stitch::data_error. Adapters throw the data_error subtype stitch::detail::bad_value
  // (detail/row.hpp), which keeps the column index and a reason phrased to follow "column
  // t.c of row id N", so that stitch's message names the table, column and row.
  //
  // The SQLite adapter accepts: integers from INTEGER, or REAL when whole and in range;
  // doubles from INTEGER or REAL; bools from INTEGER (nonzero is true) or TEXT t, f, true,
  // false, 1, 0 (Rails before 6.0 wrote 't' and 'f'); text from TEXT, INTEGER or REAL;
  // bytes from BLOB or TEXT; timestamps from TEXT as Rails writes it, or INTEGER unix
  // seconds.

  virtual bool read(int column, std::int64_t& out) = 0;
  virtual bool read(int column, double& out) = 0;
  virtual bool read(int column, bool& out) = 0;
  /// Assigns, so that `out` keeps its capacity from row to row.
  virtual bool read(int column, std::string& out) = 0;
  virtual bool read(int column, std::vector<std::byte>& out) = 0;
  /// Microseconds since 1970-01-01 UTC.
  virtual bool read_timestamp(int column, std::int64_t& micros) = 0;

  /// Columns in each result row.
  [[nodiscard]] virtual int column_count() = 0;
  /// True when the column of the current row is NULL.
  [[nodiscard]] virtual bool is_null(int column) = 0;
  /// The column as an integer, converted as the database does; 0 for NULL. For ids and
  /// counts, which the database guarantees to be integers.
  [[nodiscard]] virtual std::int64_t get_int64(int column) = 0;
  /// The column as text, converted as the database does; empty for NULL. Borrowed: valid
  /// until the next step() or reset().
  [[nodiscard]] virtual std::string_view get_text(int column) = 0;

  [[nodiscard]] virtual const std::string& sql() const noexcept = 0;
};

/// One database connection. Not thread-safe (SQLite's is opened without its mutex): use one
/// per thread, with the statements it prepared.
class connection {
 public:
  virtual ~connection() = default;

  [[nodiscard]] virtual const stitch::dialect& sql_dialect() const noexcept = 0;
  /// Prepares exactly one statement. Throws schema_error when it names a table or column
  /// that does not exist, usage_error when the SQL holds no statement or more than one.
  [[nodiscard]] virtual std::unique_ptr<statement> prepare(const std::string& sql) = 0;
  /// Runs one or more statements without results.
  virtual void execute(const std::string& sql) = 0;
  /// A writer of rows into `table`, setting `columns` in this order, or null when the
  /// database has no bulk-load path.
  [[nodiscard]] virtual std::unique_ptr<row_writer> copy_into(
      const std::string& /*table*/, const std::vector<std::string>& /*columns*/) {
    return nullptr;
  }
  /// The id of the last row inserted on this connection (dialects without RETURNING).
  [[nodiscard]] virtual std::int64_t last_insert_id() = 0;
  /// The column names of a table; empty when the table does not exist.
  [[nodiscard]] virtual std::vector<std::string> table_columns(const std::string& table) = 0;
  /// True while a transaction is open on the connection, whoever opened it (the database
  /// may also have ended one by itself, as SQLite does on some errors).
  [[nodiscard]] virtual bool in_transaction() const noexcept = 0;
  /// Where the connection points, for messages ("sqlite:data.db"). Never holds a password.
  [[nodiscard]] virtual std::string describe() const = 0;
  /// The most parameters one statement may bind (SQLite's SQLITE_LIMIT_VARIABLE_NUMBER).
  [[nodiscard]] virtual int max_parameters() const noexcept { return 999; }
  /// False once the connection to a server was lost: every statement then throws
  /// connection_error, and the database must be opened again (a pool does that).
  [[nodiscard]] virtual bool connected() const noexcept { return true; }
};

}  // namespace stitch::backend
