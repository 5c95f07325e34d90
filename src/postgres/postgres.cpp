// The PostgreSQL adapter over libpqxx. One pqxx::connection per stitch::database; every
// statement runs through one long-lived pqxx::nontransaction, and stitch's own BEGIN, COMMIT
// and SAVEPOINT statements make the transactions, so that the core drives transactions the
// same way on every backend. The adapter follows the server's transaction state from the
// statements it runs (idle, open, or failed after an error), because libpqxx does not show
// libpq's.

#include "stitch/postgres.hpp"

#include <libpq-fe.h>
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
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

namespace stitch::postgres {
namespace {

// The type oid of bytea (pg_type.h), which reads decode from hex.
constexpr pqxx::oid bytea_oid = 17;

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool starts_with_word(std::string_view sql, std::string_view word) {
  const auto start = sql.find_first_not_of(" \t\r\n(");
  if (start == std::string_view::npos || sql.size() - start < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = sql[start + i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != word[i]) return false;
  }
  const std::size_t after = start + word.size();
  return after == sql.size() ||
         !(std::isalnum(static_cast<unsigned char>(sql[after])) != 0 || sql[after] == '_');
}

// libpq's messages end in newlines and spread DETAIL and HINT over lines: one line, without
// the "ERROR:  " prefix.
std::string one_line(std::string_view message) {
  for (std::string_view prefix : {"ERROR:  ", "FATAL:  "})
    if (message.substr(0, prefix.size()) == prefix) message.remove_prefix(prefix.size());
  std::string out;
  for (char c : message) {
    if (c == '\n') {
      out += "; ";
    } else {
      out += c;
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
  return out;
}

// What a statement does to the server's transaction state.
enum class effect { none, begin, commit, rollback, rollback_to_savepoint };

effect effect_of(std::string_view sql) {
  if (starts_with_word(sql, "BEGIN") || starts_with_word(sql, "START")) return effect::begin;
  if (starts_with_word(sql, "COMMIT") || starts_with_word(sql, "END")) return effect::commit;
  if (starts_with_word(sql, "ROLLBACK") || starts_with_word(sql, "ABORT")) {
    const auto upper_has_to = [&] {
      std::string upper(sql);
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return contains(upper, " TO ");
    };
    return upper_has_to() ? effect::rollback_to_savepoint : effect::rollback;
  }
  return effect::none;
}

// What the text of an SQL string holds, outside quotes and comments: the statements (split
// at semicolons) and the highest $n, which is the number of parameters it takes.
struct sql_shape {
  int statements = 0;
  int parameters = 0;
};

sql_shape shape_of(std::string_view sql) {
  sql_shape out;
  bool content = false;  // the current statement has more than blanks and comments
  const auto skip_to = [&](std::size_t& i, std::string_view end, std::size_t from) {
    const auto at = sql.find(end, from);
    i = at == std::string_view::npos ? sql.size() : at + end.size() - 1;
  };
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (c == '-' && next == '-') {
      skip_to(i, "\n", i);
      continue;
    }
    if (c == '/' && next == '*') {
      skip_to(i, "*/", i + 2);
      continue;
    }
    if (c == ';') {
      if (content) ++out.statements;
      content = false;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c)) != 0) continue;
    content = true;
    if (c == '\'' || c == '"') {
      skip_to(i, std::string_view(&sql[i], 1), i + 1);
    } else if (c == '$' && next >= '0' && next <= '9') {
      int n = 0;
      std::size_t j = i + 1;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9' && n < 100000) {
        n = n * 10 + (sql[j] - '0');
        ++j;
      }
      out.parameters = std::max(out.parameters, n);
      i = j - 1;
    } else if (c == '$') {
      // A dollar-quoted string: $tag$ ... $tag$.
      std::size_t j = i + 1;
      while (j < sql.size() &&
             (std::isalnum(static_cast<unsigned char>(sql[j])) != 0 || sql[j] == '_'))
        ++j;
      if (j < sql.size() && sql[j] == '$') skip_to(i, sql.substr(i, j - i + 1), j + 1);
    }
  }
  if (content) ++out.statements;
  return out;
}

// Translates a libpqxx exception (the one being handled) into stitch's error types.
[[noreturn]] void translate(const std::string& where, const std::string& fallback_sql,
                            bool committing = false) {
  try {
    throw;
  } catch (const error&) {
    throw;
  } catch (const pqxx::broken_connection& e) {
    throw connection_error("lost the connection to " + where + ": " + one_line(e.what()) +
                               (committing ? "; the commit may or may not have happened: "
                                             "connect again and check"
                                           : "; the server rolled back the open transaction, "
                                             "if any: connect again"),
                           fallback_sql);
  } catch (const pqxx::statement_completion_unknown& e) {
    throw connection_error(
        "lost the connection to " + where +
            " during a statement; it may or may not have taken effect: " + one_line(e.what()),
        fallback_sql);
  } catch (const pqxx::transaction_rollback& e) {
    // Serialization failures (40001) and deadlocks (40P01), which libpqxx throws as its own.
    throw transaction_conflict(one_line(e.what()) + " (" + where + "); retry the whole transaction",
                               fallback_sql);
  } catch (const pqxx::sql_error& e) {
    // For a prepared statement libpqxx gives its name; the caller knows the text.
    std::string sql = fallback_sql.empty() ? e.query() : fallback_sql;
    const std::string& state = e.sqlstate();
    const std::string detail = one_line(e.what()) + " (" + where + ")";
    const std::string_view cls = std::string_view(state).substr(0, 2);
    if (state == "23505") throw unique_violation(detail, std::move(sql));
    if (state == "23503") throw foreign_key_violation(detail, std::move(sql));
    if (state == "23502") throw not_null_violation(detail, std::move(sql));
    if (state == "23514") throw check_violation(detail, std::move(sql));
    if (cls == "23") throw constraint_violation(detail, std::move(sql));
    if (state == "40001" || state == "40P01" || state == "55P03")
      throw transaction_conflict(detail + "; retry the whole transaction", std::move(sql));
    if (state == "42P01" || state == "3F000")
      throw schema_error(detail + "; create or migrate the table", std::move(sql));
    if (state == "42703")
      throw schema_error(detail + "; check the SQL or migrate the table", std::move(sql));
    if (state == "25P02")
      throw transaction_aborted(
          "the open transaction on " + where +
              " failed at an earlier statement and PostgreSQL refuses every statement until it "
              "is rolled back: end the transaction (let it go out of scope) and start again",
          std::move(sql));
    if (state == "25006") throw read_only_database(detail, std::move(sql));
    if (cls == "08" || state == "57P01" || state == "57P02" || state == "57P03")
      throw connection_error(detail, std::move(sql));
    throw database_error(detail, std::move(sql));
  } catch (const std::exception& e) {
    throw database_error(one_line(e.what()) + " (" + where + ")", fallback_sql);
  }
}

// Text to bytes: PostgreSQL's hex output for bytea ("\x0a1b...").
bool decode_hex_bytea(std::string_view text, std::vector<std::byte>& out) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.resize((text.size() - 2) / 2);
  for (std::size_t i = 2, k = 0; i < text.size(); i += 2, ++k) {
    const int hi = nibble(text[i]);
    const int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[k] = static_cast<std::byte>(hi * 16 + lo);
  }
  return true;
}

// A value for a message: in quotes, cut after 40 bytes.
std::string quoted(std::string_view text) {
  constexpr std::size_t shown = 40;
  return "\"" + std::string(text.substr(0, shown)) + (text.size() > shown ? "...\"" : "\"");
}

// Where a connection string points, for messages: host, port, database and user, from the
// string itself, then libpq's environment variables and defaults. Never the password.
struct target {
  std::string host, port, dbname, user;

  [[nodiscard]] std::string describe() const {
    std::string out = "postgresql://";
    if (!user.empty()) out += user + "@";
    out += host.empty() ? "localhost" : host;
    out += ":" + (port.empty() ? std::string("5432") : port);
    out += "/" + dbname;
    return out;
  }
};

class conninfo {
 public:
  explicit conninfo(PQconninfoOption* options) : options_(options) {}
  conninfo(const conninfo&) = delete;
  conninfo& operator=(const conninfo&) = delete;
  ~conninfo() {
    if (options_ != nullptr) PQconninfoFree(options_);
  }
  [[nodiscard]] std::string get(std::string_view key) const {
    for (auto* o = options_; o != nullptr && o->keyword != nullptr; ++o)
      if (key == o->keyword && o->val != nullptr) return o->val;
    return {};
  }
  [[nodiscard]] PQconninfoOption* begin() const noexcept { return options_; }

 private:
  PQconninfoOption* options_;
};

// A key=value connection string from the parsed options, adding what stitch needs.
std::string rebuild(const conninfo& parsed, const options& opts) {
  std::string out;
  auto add = [&out](std::string_view key, std::string_view value) {
    out += key;
    out += "='";
    for (char c : value) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    out += "' ";
  };
  for (auto* o = parsed.begin(); o != nullptr && o->keyword != nullptr; ++o)
    if (o->val != nullptr) add(o->keyword, o->val);
  if (parsed.get("connect_timeout").empty() && opts.connect_timeout.count() > 0)
    add("connect_timeout", std::to_string(opts.connect_timeout.count()));
  if (parsed.get("application_name").empty()) add("application_name", "stitch");
  add("client_encoding", "UTF8");
  return out;
}

target target_of(const conninfo& parsed) {
  const conninfo defaults(PQconndefaults());
  auto pick = [&](std::string_view key) {
    auto value = parsed.get(key);
    return value.empty() ? defaults.get(key) : value;
  };
  target t{pick("host"), pick("port"), pick("dbname"), pick("user")};
  if (t.host.empty()) t.host = pick("hostaddr");
  if (t.dbname.empty()) t.dbname = t.user;
  return t;
}

class connection;

// Parameters in PostgreSQL's text input forms, each kept until its index is bound again:
// what libpq sends with a prepared statement, and the fields of a COPY row.
template <class Base>
class text_binding : public Base {
 public:
  void bind_null(int i) override { pointers_.at(slot(i)) = nullptr; }
  void bind_int64(int i, std::int64_t v) override {
    std::array<char, 24> text{};
    const auto end = std::to_chars(text.data(), text.data() + text.size(), v).ptr;
    set(i, std::string_view(text.data(), static_cast<std::size_t>(end - text.data())));
  }
  void bind_double(int i, double v) override {
    if (std::isnan(v)) {
      set(i, "NaN");
    } else if (std::isinf(v)) {
      set(i, v > 0 ? "Infinity" : "-Infinity");
    } else {
      std::array<char, 32> text{};
      const auto end = std::to_chars(text.data(), text.data() + text.size(), v).ptr;
      set(i, std::string_view(text.data(), static_cast<std::size_t>(end - text.data())));
    }
  }
  void bind_bool(int i, bool v) override { set(i, v ? "true" : "false"); }
  void bind_text(int i, std::string_view v) override {
    // libpq sends text parameters as C strings: a NUL byte would cut the value short, and
    // PostgreSQL's text types cannot hold one anyway.
    if (const auto nul = v.find('\0'); nul != std::string_view::npos)
      throw detail::bad_parameter(
          i, "holds a NUL byte at offset " + std::to_string(nul) +
                 ", which PostgreSQL text cannot store (use std::vector<std::byte> for binary "
                 "data)");
    set(i, v);
  }
  void bind_blob(int i, std::span<const std::byte> v) override {
    // bytea's hex input form, sent as text.
    static constexpr std::string_view digits = "0123456789abcdef";
    auto& text = value(i);
    text.assign("\\x");
    text.reserve(2 + v.size() * 2);
    for (const auto b : v) {
      const auto u = static_cast<unsigned>(b);
      text += digits[u >> 4U];
      text += digits[u & 15U];
    }
    pointers_[slot(i)] = text.c_str();
  }
  void bind_timestamp(int i, std::int64_t micros) override {
    std::array<char, detail::timestamp_length> text{};
    // throws usage_error outside 0000-9999
    const std::string_view view(text.data(), detail::format_timestamp(micros, text.data()));
    if (view.substr(0, 4) == "0000") {
      // PostgreSQL has no year 0: the year before 0001 is 0001 BC.
      auto& v = value(i);
      v.assign("0001").append(view.substr(4)).append(" BC");
      pointers_[slot(i)] = v.c_str();
      return;
    }
    set(i, view);
  }

  [[nodiscard]] const std::vector<const char*>& pointers() const noexcept { return pointers_; }

 protected:
  explicit text_binding(std::size_t parameters)
      : values_(parameters), pointers_(parameters, nullptr) {}
  void unbind() noexcept {
    for (auto& p : pointers_) p = nullptr;
  }

 private:
  std::size_t slot(int i) {
    if (i < 1) throw usage_error("parameter " + std::to_string(i) + ": parameters count from 1");
    const auto index = static_cast<std::size_t>(i - 1);
    if (index >= values_.size()) {
      values_.resize(index + 1);
      pointers_.resize(index + 1, nullptr);
    }
    return index;
  }
  std::string& value(int i) { return values_[slot(i)]; }
  void set(int i, std::string_view text) {
    auto& v = value(i);
    v.assign(text);
    pointers_[slot(i)] = v.c_str();
  }
  std::vector<std::string> values_;    // the text of each bound parameter
  std::vector<const char*> pointers_;  // into values_; nullptr for NULL
};

class statement final : public text_binding<backend::statement> {
 public:
  statement(connection& owner, std::string name, std::string sql, int parameters)
      : text_binding(static_cast<std::size_t>(parameters)),
        owner_(&owner),
        name_(std::move(name)),
        sql_(std::move(sql)),
        effect_(effect_of(sql_)) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  inline ~statement() override;

  inline bool step() override;
  void stream_rows(int batch) override { batch_ = batch; }
  void reset() noexcept override {
    finish_cursor();
    batch_ = 0;
    ran_ = false;
    result_ = pqxx::result();
    row_ = 0;
    rows_ = 0;
    unbind();
  }
  std::int64_t affected_rows() override { return static_cast<std::int64_t>(affected_); }

  bool read(int c, std::int64_t& out) override {
    const auto f = field(c);
    if (f.is_null()) return false;
    const std::string_view text(f.c_str(), f.size());
    if (parse_integer(text, out)) return true;
    double d = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec == std::errc() && end == text.data() + text.size()) {
      if (d >= -0x1p63 && d < 0x1p63 && std::trunc(d) == d) {
        out = static_cast<std::int64_t>(d);
        return true;
      }
      throw detail::bad_value(
          c, "holds a number that is not a whole number in the range of std::int64_t");
    }
    throw detail::bad_value(c, "holds text, not an integer (" + quoted(text) + ")");
  }
  bool read(int c, double& out) override {
    const auto f = field(c);
    if (f.is_null()) return false;
    const std::string_view text(f.c_str(), f.size());
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec == std::errc() && end == text.data() + text.size()) return true;
    if (text == "NaN") {
      out = std::numeric_limits<double>::quiet_NaN();
      return true;
    }
    if (text == "Infinity" || text == "-Infinity") {
      out = text[0] == '-' ? -std::numeric_limits<double>::infinity()
                           : std::numeric_limits<double>::infinity();
      return true;
    }
    throw detail::bad_value(c, "holds text, not a number (" + quoted(text) + ")");
  }
  bool read(int c, bool& out) override {
    const auto f = field(c);
    if (f.is_null()) return false;
    const std::string_view text(f.c_str(), f.size());
    if (detail::parse_boolean(text, out)) return true;
    throw detail::bad_value(
        c, "holds text other than t, f, true, false, 1 or 0, not a boolean (" + quoted(text) + ")");
  }
  bool read(int c, std::string& out) override {
    const auto f = field(c);
    if (f.is_null()) return false;
    if (result_.column_type(c) == bytea_oid) throw detail::bad_value(c, "holds bytea, not text");
    out.assign(f.c_str(), f.size());
    return true;
  }
  bool read(int c, std::vector<std::byte>& out) override {
    const auto f = field(c);
    if (f.is_null()) return false;
    const std::string_view text(f.c_str(), f.size());
    if (result_.column_type(c) == bytea_oid) {
      if (!decode_hex_bytea(text, out))
        throw detail::bad_value(c, "holds bytea in a form other than hex (\\x...)");
      return true;
    }
    const auto* data = reinterpret_cast<const std::byte*>(text.data());
    out.assign(data, data + text.size());
    return true;
  }
  bool read_timestamp(int c, std::int64_t& micros) override {
    const auto f = field(c);
    if (f.is_null()) return false;
    std::string_view text(f.c_str(), f.size());
    std::string year_zero;
    if (text.size() > 7 && text.substr(0, 4) == "0001" && text.substr(text.size() - 3) == " BC") {
      year_zero.assign("0000").append(text.substr(4, text.size() - 7));
      text = year_zero;
    }
    if (const auto parsed = detail::parse_timestamp(text)) {
      micros = *parsed;
      return true;
    }
    throw detail::bad_value(
        c, "is not a timestamp (expected YYYY-MM-DD HH:MM:SS.ffffff): " + quoted(text));
  }

  int column_count() override { return static_cast<int>(result_.columns()); }
  bool is_null(int c) override { return field(c).is_null(); }
  std::int64_t get_int64(int c) override {
    const auto f = field(c);
    std::int64_t out = 0;
    if (!f.is_null()) parse_integer(std::string_view(f.c_str(), f.size()), out);
    return out;
  }
  std::string_view get_text(int c) override {
    const auto f = field(c);
    return {f.c_str(), f.size()};
  }
  const std::string& sql() const noexcept override { return sql_; }

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] effect what() const noexcept { return effect_; }

 private:
  static bool parse_integer(std::string_view text, std::int64_t& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
  }

  [[nodiscard]] pqxx::field field(int c) const {
    return result_[static_cast<pqxx::result::size_type>(row_)][c];
  }

  inline void finish_cursor() noexcept;

  connection* owner_;
  std::string name_;
  std::string sql_;
  effect effect_;
  pqxx::result result_;
  std::size_t row_ = 0;
  std::size_t rows_ = 0;
  std::size_t affected_ = 0;
  bool ran_ = false;
  int batch_ = 0;       // rows per fetch when streaming (stream_rows), 0 for all at once
  std::string cursor_;  // the open cursor's name while streaming
};

// A COPY ... FROM STDIN: each row one line of PostgreSQL's COPY text format.
class copy_writer final : public text_binding<backend::row_writer> {
 public:
  copy_writer(connection& owner, const std::string& table, std::size_t columns)
      : text_binding(columns),
        owner_(&owner),
        table_(table),
        sql_("COPY " + table + " FROM STDIN"),
        columns_(columns) {}

  // Sends COPY; called by the connection, which translates what it throws.
  void start(pqxx::transaction_base& work, const std::vector<std::string>& columns) {
    // tablewriter is libpqxx 6's writer of preformatted lines (stream_to takes tuples).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    writer_ = std::make_unique<pqxx::tablewriter>(work, table_, columns.begin(), columns.end());
#pragma GCC diagnostic pop
  }
  inline void write_row() override;
  inline void finish() override;

 private:
  connection* owner_;
  std::string table_;
  std::string sql_;
  std::size_t columns_;
  std::string line_;
  std::unique_ptr<pqxx::tablewriter> writer_;
};

class connection final : public backend::connection {
 public:
  connection(std::unique_ptr<pqxx::connection> conn, std::string where)
      : conn_(std::move(conn)), quiet_(*conn_), where_(std::move(where)) {
    work_ = std::make_unique<pqxx::nontransaction>(*conn_, "stitch");
    execute("SET TIME ZONE 'UTC'");
  }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection() override {
    work_.reset();
    conn_->disconnect();
  }

  const stitch::dialect& sql_dialect() const noexcept override { return dialect_; }

  std::unique_ptr<backend::statement> prepare(const std::string& sql) override {
    const auto shape = shape_of(sql);
    if (shape.statements == 0)
      throw usage_error("\"" + sql + "\" holds no SQL statement, only blanks or comments", sql);
    if (shape.statements > 1)
      throw usage_error("\"" + sql +
                            "\" holds more than one SQL statement; prepare one at a time, or "
                            "run several without results through execute()",
                        sql);
    flush_deallocations();
    auto name = "stitch_" + std::to_string(++statements_);
    try {
      conn_->prepare(name, sql);
      conn_->prepare_now(name);
    } catch (...) {
      after_failure(effect::none);
      try {
        conn_->unprepare(name);
      } catch (...) {  // NOLINT(bugprone-empty-catch): only the local definition was left
      }
      translate(where_, sql);
    }
    return std::make_unique<statement>(*this, std::move(name), sql, shape.parameters);
  }

  void execute(const std::string& sql) override {
    guarded(sql, effect_of(sql), [&] { work_->exec(sql); });
  }

  std::unique_ptr<backend::row_writer> copy_into(const std::string& table,
                                                 const std::vector<std::string>& columns) override {
    auto writer = std::make_unique<copy_writer>(*this, table, columns.size());
    guarded("COPY " + table + " FROM STDIN", effect::none, [&] { writer->start(*work_, columns); });
    return writer;
  }

  // Runs `f`, following the transaction state and translating what it throws.
  template <class F>
  void guarded(const std::string& sql, effect what, F&& f) {
    if (broken_) lost(sql);
    try {
      f();
      after_success(what);
    } catch (...) {
      after_failure(what);
      translate(where_, sql, what == effect::commit);
    }
  }

  std::int64_t last_insert_id() override {
    auto st = prepare("SELECT lastval()");
    st->step();
    return st->get_int64(0);
  }

  std::vector<std::string> table_columns(const std::string& table) override {
    // to_regclass follows the search_path, as unqualified names in statements do.
    auto st = prepare(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(quote_ident($1)) AND "
        "attnum > 0 AND NOT attisdropped ORDER BY attnum");
    st->bind_text(1, table);
    std::vector<std::string> out;
    while (st->step()) out.emplace_back(st->get_text(0));
    return out;
  }

  bool in_transaction() const noexcept override { return state_ != tx::idle; }
  std::string describe() const override { return where_; }
  int max_parameters() const noexcept override { return 65535; }
  bool connected() const noexcept override { return !broken_ && conn_->is_open(); }

  // Runs a prepared statement with its bound parameters.
  pqxx::result run(const statement& st) {
    pqxx::result r;
    guarded(st.sql(), st.what(), [&] {
      r = work_->exec_prepared(st.name(), pqxx::prepare::make_dynamic_params(st.pointers()));
    });
    return r;
  }

  // Opens a cursor over a statement's rows and fetches the first batch. WITH HOLD: it
  // outlives the transaction it is opened in (or the single statement outside one), and the
  // rows wait on the server, not in this process.
  pqxx::result open_cursor(const statement& st, const std::string& cursor, int batch) {
    pqxx::result r;
    guarded(st.sql(), effect::none, [&] {
      work_->exec_params("DECLARE " + cursor + " NO SCROLL CURSOR WITH HOLD FOR " + st.sql(),
                         pqxx::prepare::make_dynamic_params(st.pointers()));
      r = work_->exec("FETCH FORWARD " + std::to_string(batch) + " FROM " + cursor);
    });
    return r;
  }
  pqxx::result fetch(const statement& st, const std::string& cursor, int batch) {
    pqxx::result r;
    guarded(st.sql(), effect::none,
            [&] { r = work_->exec("FETCH FORWARD " + std::to_string(batch) + " FROM " + cursor); });
    return r;
  }
  std::string next_cursor_name() { return "stitch_cursor_" + std::to_string(++cursors_); }
  // Closes a cursor that still exists (a rollback may have taken it): now, or once the
  // transaction can run statements again.
  void close_cursor(const std::string& cursor) noexcept {
    if (broken_) return;
    if (state_ == tx::failed) {
      pending_closes_.push_back(cursor);
      return;
    }
    try {
      if (!work_->exec("SELECT 1 FROM pg_cursors WHERE name = " + work_->quote(cursor)).empty())
        work_->exec("CLOSE " + cursor);
    } catch (...) {
      after_failure(effect::none);
    }
  }

  // Drops a prepared statement on the server: now, or once the transaction can run it.
  void deallocate(const std::string& name) noexcept {
    if (broken_) return;
    if (state_ == tx::failed) {
      pending_.push_back(name);
      return;
    }
    try {
      conn_->unprepare(name);
    } catch (...) {
      after_failure(effect::none);
    }
  }

 private:
  enum class tx { idle, open, failed };

  [[noreturn]] void lost(const std::string& sql) const {
    throw connection_error(
        "the connection to " + where_ + " was lost earlier; connect again (a pool replaces it)",
        sql);
  }

  void after_success(effect what) noexcept {
    switch (what) {
      case effect::begin:
      case effect::rollback_to_savepoint:
        state_ = tx::open;
        break;
      case effect::commit:
      case effect::rollback:
        state_ = tx::idle;
        break;
      case effect::none:
        break;
    }
    if (state_ != tx::failed) flush_deallocations();
  }

  void after_failure(effect what) noexcept {
    // A broken connection throws pqxx::broken_connection; is_open() tells it apart.
    if (!conn_->is_open()) {
      broken_ = true;
      state_ = tx::idle;
      return;
    }
    // A failed COMMIT ends the transaction (PostgreSQL rolls it back); any other failure
    // inside a transaction leaves it refusing statements until a rollback.
    if (what == effect::commit || what == effect::rollback) {
      state_ = tx::idle;
    } else if (state_ == tx::open) {
      state_ = tx::failed;
    }
  }

  void flush_deallocations() noexcept {
    while (!pending_.empty() && state_ != tx::failed && !broken_) {
      const auto name = std::move(pending_.back());
      pending_.pop_back();
      deallocate(name);
    }
    while (!pending_closes_.empty() && state_ != tx::failed && !broken_) {
      const auto name = std::move(pending_closes_.back());
      pending_closes_.pop_back();
      close_cursor(name);
    }
  }

  std::unique_ptr<pqxx::connection> conn_;
  pqxx::quiet_errorhandler quiet_;  // notices ("relation already exists, skipping") dropped
  std::unique_ptr<pqxx::nontransaction> work_;
  std::string where_;
  postgres_dialect dialect_;
  tx state_ = tx::idle;
  bool broken_ = false;
  std::uint64_t statements_ = 0;
  std::vector<std::string> pending_;
  std::vector<std::string> pending_closes_;
  std::uint64_t cursors_ = 0;
};

statement::~statement() {
  finish_cursor();
  owner_->deallocate(name_);
}

void statement::finish_cursor() noexcept {
  if (cursor_.empty()) return;
  owner_->close_cursor(cursor_);
  cursor_.clear();
}

void copy_writer::write_row() {
  line_.clear();
  const auto& values = pointers();
  for (std::size_t i = 0; i < columns_; ++i) {
    if (i != 0) line_ += '\t';
    const char* v = i < values.size() ? values[i] : nullptr;
    if (v == nullptr) {
      line_ += "\\N";
      continue;
    }
    for (; *v != '\0'; ++v) {
      switch (*v) {
        case '\\':
          line_ += "\\\\";
          break;
        case '\t':
          line_ += "\\t";
          break;
        case '\n':
          line_ += "\\n";
          break;
        case '\r':
          line_ += "\\r";
          break;
        default:
          line_ += *v;
      }
    }
  }
  unbind();
  owner_->guarded(sql_, effect::none, [&] { writer_->write_raw_line(line_); });
}

void copy_writer::finish() {
  owner_->guarded(sql_, effect::none, [&] {
    writer_->complete();
    writer_.reset();
  });
}

bool statement::step() {
  if (!ran_) {
    ran_ = true;
    if (batch_ > 0 && starts_with_word(sql_, "SELECT")) {
      cursor_ = owner_->next_cursor_name();
      result_ = owner_->open_cursor(*this, cursor_, batch_);
    } else {
      result_ = owner_->run(*this);
    }
    affected_ = result_.affected_rows();
    rows_ = result_.size();
    row_ = 0;
    if (rows_ == 0) finish_cursor();
    return rows_ > 0;
  }
  if (row_ + 1 < rows_) {
    ++row_;
    return true;
  }
  // The next batch, when the last one was full.
  if (!cursor_.empty() && rows_ == static_cast<std::size_t>(batch_)) {
    result_ = owner_->fetch(*this, cursor_, batch_);
    rows_ = result_.size();
    row_ = 0;
    if (rows_ > 0) return true;
  }
  finish_cursor();
  row_ = rows_;
  return false;
}

}  // namespace

database connect(const std::string& uri, const options& opts) {
  char* parse_error = nullptr;
  const conninfo parsed(PQconninfoParse(uri.c_str(), &parse_error));
  if (parsed.begin() == nullptr) {
    std::string why = parse_error != nullptr ? one_line(parse_error) : "out of memory";
    if (parse_error != nullptr) PQfreemem(parse_error);
    throw connection_error("the PostgreSQL connection string is not valid: " + why);
  }
  const std::string where = target_of(parsed).describe();
  try {
    auto conn = std::make_unique<pqxx::connection>(rebuild(parsed, opts));
    // Never reconnect silently: a transaction cut off must fail, not go on in a new session.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    conn->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    return database(std::make_unique<connection>(std::move(conn), where));
  } catch (const error&) {
    throw;
  } catch (const std::exception& e) {
    throw connection_error("cannot connect to PostgreSQL at " + where + ": " + one_line(e.what()));
  }
}

}  // namespace stitch::postgres
