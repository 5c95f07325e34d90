// The SQLite adapter: SQLiteCpp opens and owns the connection; statements use the sqlite3
// C API on its handle so that reading a column costs one call, without the shared-pointer
// copy SQLiteCpp's Column makes per access.

#include "stitch/sqlite.hpp"

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "stitch/detail/row.hpp"
#include "stitch/detail/time.hpp"
#include "stitch/errors.hpp"

namespace stitch::sqlite {
namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Translates an SQLite result code into stitch's error types.
[[noreturn]] void raise(int extended, std::string message, std::string sql,
                        const std::string& where) {
  const int primary = extended & 0xff;
  std::string detail = std::move(message);
  if (!where.empty()) detail += " (" + where + ")";
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      throw unique_violation(detail, std::move(sql));
    case SQLITE_CONSTRAINT_NOTNULL:
      throw not_null_violation(detail, std::move(sql));
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      throw foreign_key_violation(detail, std::move(sql));
    case SQLITE_CONSTRAINT_CHECK:
      throw check_violation(detail, std::move(sql));
    default:
      break;
  }
  if (primary == SQLITE_ERROR) {
    // A missing column may as well be a typo in an SQL fragment as an old table.
    if (contains(detail, "no such column"))
      throw schema_error(detail + "; check the SQL or migrate the table", std::move(sql));
    if (contains(detail, "no such table") || contains(detail, "has no column named"))
      throw schema_error(detail + "; create or migrate the table", std::move(sql));
  }
  switch (primary) {
    case SQLITE_CONSTRAINT:
      throw constraint_violation(detail, std::move(sql));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw database_busy(detail, std::move(sql));
    case SQLITE_READONLY:
      throw read_only_database(detail, std::move(sql));
    case SQLITE_NOTADB:
      throw not_a_database(detail, std::move(sql));
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      throw connection_error(detail, std::move(sql));
    default:
      break;
  }
  throw database_error(detail, std::move(sql));
}

[[noreturn]] void raise_from(sqlite3* db, std::string sql, const std::string& where) {
  raise(sqlite3_extended_errcode(db), sqlite3_errmsg(db), std::move(sql), where);
}

// The storage class of a value, for messages: "holds text, not an integer".
const char* storage_class(int type) {
  switch (type) {
    case SQLITE_INTEGER:
      return "an integer";
    case SQLITE_FLOAT:
      return "a real";
    case SQLITE_TEXT:
      return "text";
    case SQLITE_BLOB:
      return "a blob";
    default:
      return "NULL";
  }
}

[[noreturn]] void wrong_type(int column, int type, const char* expected) {
  throw detail::bad_value(column,
                          std::string("holds ") + storage_class(type) + ", not " + expected);
}

std::string_view text_of(sqlite3_value* v) {
  // sqlite3_value_text before sqlite3_value_bytes: the other order may count a conversion.
  const auto* data = reinterpret_cast<const char*>(sqlite3_value_text(v));
  const auto size = static_cast<std::size_t>(sqlite3_value_bytes(v));
  return data == nullptr ? std::string_view() : std::string_view(data, size);
}

class statement final : public backend::statement {
 public:
  statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql, const std::string* where)
      : db_(db), stmt_(stmt), sql_(std::move(sql)), where_(where) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement() override { sqlite3_finalize(stmt_); }

  void bind_null(int i) override { check(sqlite3_bind_null(stmt_, i)); }
  void bind_int64(int i, std::int64_t v) override { check(sqlite3_bind_int64(stmt_, i, v)); }
  void bind_double(int i, double v) override {
    if (std::isnan(v))
      throw usage_error("parameter " + std::to_string(i) +
                            " is NaN, which SQLite would store as NULL; use an empty "
                            "std::optional<double> for a missing value",
                        sql_);
    check(sqlite3_bind_double(stmt_, i, v));
  }
  void bind_bool(int i, bool v) override { check(sqlite3_bind_int(stmt_, i, v ? 1 : 0)); }
  void bind_text(int i, std::string_view v) override {
    // A null data pointer would bind NULL; an empty string must stay an empty string.
    const char* data = v.data() != nullptr ? v.data() : "";
    check(sqlite3_bind_text64(stmt_, i, data, v.size(), SQLITE_STATIC, SQLITE_UTF8));
  }
  void bind_blob(int i, std::span<const std::byte> v) override {
    if (v.empty()) {
      check(sqlite3_bind_zeroblob(stmt_, i, 0));
    } else {
      check(sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_STATIC));
    }
  }
  void bind_timestamp(int i, std::int64_t micros) override {
    // A row's timestamps, and a batch's, are often the same instant: formatted once.
    if (micros != formatted_micros_ || !formatted_valid_) {
      formatted_valid_ = false;
      formatted_length_ = detail::format_timestamp(micros, formatted_.data());  // may throw
      formatted_micros_ = micros;
      formatted_valid_ = true;
    }
    check(sqlite3_bind_text(stmt_, i, formatted_.data(), static_cast<int>(formatted_length_),
                            SQLITE_TRANSIENT));
  }

  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    raise_from(db_, sql_, *where_);
  }
  void reset() noexcept override {
    sqlite3_reset(stmt_);
    // Bound text and blobs are SQLITE_STATIC, borrowed from the caller: forget them now, so
    // that a later step() without new bindings reads NULL rather than freed memory.
    sqlite3_clear_bindings(stmt_);
  }
  std::int64_t affected_rows() override { return sqlite3_changes64(db_); }

  // The reads take the column's sqlite3_value once, then ask it for its type and its value.
  // (The value is "unprotected", which matters only to connections shared between threads.)

  bool read(int c, std::int64_t& out) override {
    sqlite3_value* v = sqlite3_column_value(stmt_, c);
    switch (const int type = sqlite3_value_type(v)) {
      case SQLITE_INTEGER:
        out = sqlite3_value_int64(v);
        return true;
      case SQLITE_NULL:
        return false;
      case SQLITE_FLOAT: {
        // Whole and within [-2^63, 2^63): both bounds are exact doubles.
        const double d = sqlite3_value_double(v);
        if (d >= -0x1p63 && d < 0x1p63 && std::trunc(d) == d) {
          out = static_cast<std::int64_t>(d);
          return true;
        }
        throw detail::bad_value(c,
                                "holds a real that is not a whole number in the range of "
                                "std::int64_t");
      }
      default:
        wrong_type(c, type, "an integer");
    }
  }
  bool read(int c, double& out) override {
    sqlite3_value* v = sqlite3_column_value(stmt_, c);
    switch (const int type = sqlite3_value_type(v)) {
      case SQLITE_FLOAT:
        out = sqlite3_value_double(v);
        return true;
      case SQLITE_INTEGER:
        out = static_cast<double>(sqlite3_value_int64(v));
        return true;
      case SQLITE_NULL:
        return false;
      default:
        wrong_type(c, type, "a number");
    }
  }
  bool read(int c, bool& out) override {
    sqlite3_value* v = sqlite3_column_value(stmt_, c);
    switch (const int type = sqlite3_value_type(v)) {
      case SQLITE_INTEGER:
        out = sqlite3_value_int64(v) != 0;
        return true;
      case SQLITE_NULL:
        return false;
      case SQLITE_TEXT: {
        // Rails before 6.0 stored SQLite booleans as 't' and 'f'.
        if (detail::parse_boolean(text_of(v), out)) return true;
        throw detail::bad_value(c,
                                "holds text other than t, f, true, false, 1 or 0, not a "
                                "boolean");
      }
      default:
        wrong_type(c, type, "a boolean");
    }
  }
  bool read(int c, std::string& out) override {
    sqlite3_value* v = sqlite3_column_value(stmt_, c);
    switch (const int type = sqlite3_value_type(v)) {
      case SQLITE_TEXT:
        out.assign(text_of(v));
        return true;
      case SQLITE_NULL:
        return false;
      case SQLITE_INTEGER:
      case SQLITE_FLOAT: {
        // Written here rather than by SQLite, whose text for a real keeps 15 digits: the
        // shortest text that reads back as the same number.
        std::array<char, 32> buffer{};
        const auto [end, ec] =
            type == SQLITE_INTEGER
                ? std::to_chars(buffer.data(), buffer.data() + buffer.size(),
                                static_cast<std::int64_t>(sqlite3_value_int64(v)))
                : std::to_chars(buffer.data(), buffer.data() + buffer.size(),
                                sqlite3_value_double(v));
        if (ec != std::errc()) wrong_type(c, type, "text");
        out.assign(buffer.data(), end);
        return true;
      }
      default:
        wrong_type(c, type, "text");
    }
  }
  bool read(int c, std::vector<std::byte>& out) override {
    sqlite3_value* v = sqlite3_column_value(stmt_, c);
    switch (const int type = sqlite3_value_type(v)) {
      case SQLITE_BLOB:
      case SQLITE_TEXT: {
        // For text, sqlite3_value_blob gives the UTF-8 bytes as stored.
        const auto* data = static_cast<const std::byte*>(sqlite3_value_blob(v));
        const auto size = static_cast<std::size_t>(sqlite3_value_bytes(v));
        if (data == nullptr) {
          out.clear();
        } else {
          out.assign(data, data + size);
        }
        return true;
      }
      case SQLITE_NULL:
        return false;
      default:
        wrong_type(c, type, "a blob");
    }
  }
  bool read_timestamp(int c, std::int64_t& micros) override {
    sqlite3_value* v = sqlite3_column_value(stmt_, c);
    switch (const int type = sqlite3_value_type(v)) {
      case SQLITE_TEXT:
        if (const auto parsed = detail::parse_timestamp(text_of(v))) {
          micros = *parsed;
          return true;
        }
        throw detail::bad_value(c, "is not a timestamp (expected YYYY-MM-DD HH:MM:SS.ffffff)");
      case SQLITE_INTEGER: {  // unixepoch() seconds
        constexpr std::int64_t per_second = 1'000'000;
        const std::int64_t seconds = sqlite3_value_int64(v);
        if (seconds > std::numeric_limits<std::int64_t>::max() / per_second ||
            seconds < std::numeric_limits<std::int64_t>::min() / per_second)
          throw detail::bad_value(c, "holds unix seconds too far from 1970 for a timestamp");
        micros = seconds * per_second;
        return true;
      }
      case SQLITE_NULL:
        return false;
      default:
        wrong_type(c, type,
                   "a timestamp (text YYYY-MM-DD HH:MM:SS.ffffff or integer unix seconds)");
    }
  }

  int column_count() override { return sqlite3_column_count(stmt_); }
  bool is_null(int c) override { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
  std::int64_t get_int64(int c) override { return sqlite3_column_int64(stmt_, c); }
  std::string_view get_text(int c) override {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c));
    return data == nullptr ? std::string_view() : std::string_view(data, size);
  }

  const std::string& sql() const noexcept override { return sql_; }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) raise_from(db_, sql_, *where_);
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  std::array<char, detail::timestamp_length> formatted_{};  // the last timestamp bound
  std::size_t formatted_length_ = 0;
  std::int64_t formatted_micros_ = 0;
  bool formatted_valid_ = false;
  const std::string* where_;
};

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos;
}

class connection final : public backend::connection {
 public:
  connection(SQLite::Database db, std::string path) : db_(std::move(db)), where_(std::move(path)) {}

  const stitch::dialect& sql_dialect() const noexcept override { return dialect_; }

  std::unique_ptr<backend::statement> prepare(const std::string& sql) override {
    // SQLite prepares the first statement and ignores the rest, and gives no statement at
    // all for blanks, comments and empty statements before it: refuse both, rather than
    // drop SQL silently or fail at step() with SQLITE_MISUSE.
    std::string_view rest(sql);
    sqlite3_stmt* stmt = nullptr;
    while (stmt == nullptr && !blank(rest)) {
      const char* tail = nullptr;
      const int rc = sqlite3_prepare_v3(handle(), rest.data(), static_cast<int>(rest.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
      if (rc != SQLITE_OK) raise_from(handle(), sql, where_);
      if (stmt == nullptr && tail == rest.data()) break;
      rest.remove_prefix(static_cast<std::size_t>(tail - rest.data()));
    }
    if (stmt == nullptr)
      throw usage_error("\"" + sql + "\" holds no SQL statement, only blanks or comments", sql);
    auto out = std::make_unique<statement>(handle(), stmt, sql, &where_);
    if (has_statement(rest))
      throw usage_error("\"" + sql +
                            "\" holds more than one SQL statement; prepare one at a time, or "
                            "run several without results through execute()",
                        sql);
    return out;
  }

  void execute(const std::string& sql) override {
    if (db_.tryExec(sql) != SQLITE_OK) raise_from(handle(), sql, where_);
  }

  std::int64_t last_insert_id() override { return sqlite3_last_insert_rowid(handle()); }

  std::vector<std::string> table_columns(const std::string& table) override {
    auto st = prepare("SELECT name FROM pragma_table_info(?)");
    st->bind_text(1, table);
    std::vector<std::string> out;
    while (st->step()) out.emplace_back(st->get_text(0));
    return out;
  }

  bool in_transaction() const noexcept override { return sqlite3_get_autocommit(handle()) == 0; }

  std::string describe() const override { return where_; }
  int max_parameters() const noexcept override {
    return sqlite3_limit(handle(), SQLITE_LIMIT_VARIABLE_NUMBER, -1);
  }

 private:
  sqlite3* handle() const noexcept { return db_.getHandle(); }

  // True when `rest` holds a statement (or text that is not one), not just blanks,
  // semicolons and comments.
  bool has_statement(std::string_view rest) const {
    while (!blank(rest)) {
      sqlite3_stmt* next = nullptr;
      const char* tail = nullptr;
      const int rc =
          sqlite3_prepare_v2(handle(), rest.data(), static_cast<int>(rest.size()), &next, &tail);
      sqlite3_finalize(next);
      if (rc != SQLITE_OK || next != nullptr || tail == rest.data()) return true;
      rest.remove_prefix(static_cast<std::size_t>(tail - rest.data()));
    }
    return false;
  }

  SQLite::Database db_;
  std::string where_;
  sqlite_dialect dialect_;
};

}  // namespace

database open(const std::string& path, const options& opts) {
  const std::string where = "sqlite:" + path;
  int flags = opts.read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE;
  if (!opts.read_only && opts.create) flags |= SQLite::OPEN_CREATE;
  // One connection per thread (backend::connection): SQLite's own mutex would only cost.
  flags |= SQLite::OPEN_URI | SQLITE_OPEN_NOMUTEX;
  try {
    SQLite::Database db(path, flags, static_cast<int>(opts.busy_timeout.count()));
    sqlite3_extended_result_codes(db.getHandle(), 1);
    // Without this, SQLite reads a double-quoted name that matches no column as a string
    // literal: a missing column would silently select its own name.
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
    // SQLite reads the file header lazily; read it now so a file that is not a database
    // fails here, with its name, rather than at the first query.
    if (db.tryExec("SELECT count(*) FROM sqlite_master") != SQLITE_OK)
      raise(sqlite3_extended_errcode(db.getHandle()),
            "cannot read SQLite database " + path + ": " + sqlite3_errmsg(db.getHandle()), {},
            std::string());
    if (opts.foreign_keys && db.tryExec("PRAGMA foreign_keys = ON") != SQLITE_OK)
      raise_from(db.getHandle(), "PRAGMA foreign_keys = ON", where);
    return database(std::make_unique<connection>(std::move(db), where));
  } catch (const SQLite::Exception& e) {
    const int code = e.getExtendedErrorCode() > 0 ? e.getExtendedErrorCode() : e.getErrorCode();
    raise(code, std::string("cannot open SQLite database ") + path + ": " + e.what(), {},
          std::string());
  }
}

}  // namespace stitch::sqlite
