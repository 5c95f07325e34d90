// The SQLite adapter: SQLiteCpp opens and owns the connection; statements use the sqlite3
// C API on its handle so that reading a column costs one call, without the shared-pointer
// copy SQLiteCpp's Column makes per access.

#include "stitch/sqlite.hpp"

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
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
    case SQLITE_CONSTRAINT_PRIMARYKEY: throw unique_violation(detail, std::move(sql));
    case SQLITE_CONSTRAINT_NOTNULL: throw not_null_violation(detail, std::move(sql));
    case SQLITE_CONSTRAINT_FOREIGNKEY: throw foreign_key_violation(detail, std::move(sql));
    case SQLITE_CONSTRAINT_CHECK: throw check_violation(detail, std::move(sql));
    default: break;
  }
  if (primary == SQLITE_ERROR &&
      (contains(detail, "no such table") || contains(detail, "no such column") ||
       contains(detail, "has no column named")))
    throw schema_error(detail + "; create or migrate the table", std::move(sql));
  switch (primary) {
    case SQLITE_CONSTRAINT: throw constraint_violation(detail, std::move(sql));
    case SQLITE_BUSY:
    case SQLITE_LOCKED: throw database_busy(detail, std::move(sql));
    case SQLITE_READONLY: throw read_only_database(detail, std::move(sql));
    case SQLITE_NOTADB: throw not_a_database(detail, std::move(sql));
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH: throw connection_error(detail, std::move(sql));
    default: break;
  }
  throw database_error(detail, std::move(sql));
}

[[noreturn]] void raise_from(sqlite3* db, std::string sql, const std::string& where) {
  raise(sqlite3_extended_errcode(db), sqlite3_errmsg(db), std::move(sql), where);
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
  void bind_double(int i, double v) override { check(sqlite3_bind_double(stmt_, i, v)); }
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
    std::array<char, detail::timestamp_length> text{};
    detail::format_timestamp(micros, text.data());
    check(sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
  }

  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    raise_from(db_, sql_, *where_);
  }
  void reset() noexcept override { sqlite3_reset(stmt_); }
  std::int64_t affected_rows() override { return sqlite3_changes64(db_); }

  int column_count() override { return sqlite3_column_count(stmt_); }
  bool is_null(int c) override { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
  std::int64_t get_int64(int c) override { return sqlite3_column_int64(stmt_, c); }
  double get_double(int c) override { return sqlite3_column_double(stmt_, c); }
  bool get_bool(int c) override {
    // Rails before 6.0 stored SQLite booleans as 't' and 'f'.
    if (sqlite3_column_type(stmt_, c) == SQLITE_TEXT) {
      const auto text = get_text(c);
      return !text.empty() && (text[0] == 't' || text[0] == 'T' || text[0] == '1');
    }
    return sqlite3_column_int64(stmt_, c) != 0;
  }
  std::string_view get_text(int c) override {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c));
    return data == nullptr ? std::string_view() : std::string_view(data, size);
  }
  std::span<const std::byte> get_blob(int c) override {
    const auto* data = static_cast<const std::byte*>(sqlite3_column_blob(stmt_, c));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c));
    return data == nullptr ? std::span<const std::byte>() : std::span<const std::byte>(data, size);
  }
  std::int64_t get_timestamp(int c) override {
    switch (sqlite3_column_type(stmt_, c)) {
      case SQLITE_INTEGER:  // unixepoch() seconds
        return sqlite3_column_int64(stmt_, c) * 1'000'000;
      case SQLITE_TEXT:
        if (auto micros = detail::parse_timestamp(get_text(c))) return *micros;
        [[fallthrough]];
      default:
        throw detail::bad_value{c, "is not a timestamp (expected YYYY-MM-DD HH:MM:SS.ffffff)"};
    }
  }

  const std::string& sql() const noexcept override { return sql_; }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) raise_from(db_, sql_, *where_);
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  const std::string* where_;
};

class connection final : public backend::connection {
 public:
  connection(SQLite::Database db, std::string path) : db_(std::move(db)), where_(std::move(path)) {}

  const stitch::dialect& sql_dialect() const noexcept override { return dialect_; }

  std::unique_ptr<backend::statement> prepare(const std::string& sql) override {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(handle(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) raise_from(handle(), sql, where_);
    return std::make_unique<statement>(handle(), stmt, sql, &where_);
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

  std::string describe() const override { return where_; }

 private:
  sqlite3* handle() const noexcept { return db_.getHandle(); }

  SQLite::Database db_;
  std::string where_;
  sqlite_dialect dialect_;
};

}  // namespace

database open(const std::string& path, const options& opts) {
  const std::string where = "sqlite:" + path;
  int flags = opts.read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE;
  if (!opts.read_only && opts.create) flags |= SQLite::OPEN_CREATE;
  flags |= SQLite::OPEN_URI;
  try {
    SQLite::Database db(path, flags, static_cast<int>(opts.busy_timeout.count()));
    sqlite3_extended_result_codes(db.getHandle(), 1);
    // Without this, SQLite reads a double-quoted name that matches no column as a string
    // literal: a missing column would silently select its own name.
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
    // SQLite reads the file header lazily; read it now so a file that is not a database
    // fails here, with its name, rather than at the first query.
    if (db.tryExec("SELECT count(*) FROM sqlite_master") != SQLITE_OK) {
      const int code = sqlite3_extended_errcode(db.getHandle());
      if ((code & 0xff) == SQLITE_NOTADB)
        throw not_a_database(path + " is not an SQLite database");
      raise(code, sqlite3_errmsg(db.getHandle()), {}, where);
    }
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
