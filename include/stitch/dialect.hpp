#pragma once
/// @file dialect.hpp
/// What differs in SQL text between databases: placeholders, type names, the id column.

#include <charconv>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "types.hpp"

namespace stitch {

/// The isolation level of a transaction. `database_default` leaves the database's own
/// (PostgreSQL: read committed; SQLite: always serializable).
enum class isolation { database_default, read_committed, repeatable_read, serializable };

/// The SQL spelling of one database. Statements are built from compile-time names and a
/// dialect only; values always travel as bound parameters.
class dialect {
 public:
  virtual ~dialect() = default;

  /// "sqlite", "postgresql".
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;

  /// Appends the placeholder of the n-th (1-based) parameter: "?" or "$n".
  virtual void placeholder(std::string& out, int n) const = 0;

  /// Appends the placeholder of the n-th parameter for a value of the given kind, where the
  /// database cannot tell the type from the context ("$1::float8").
  virtual void typed_placeholder(std::string& out, int n, column_kind /*kind*/) const {
    placeholder(out, n);
  }

  /// The column type for a kind, as Rails' migrations write it.
  [[nodiscard]] virtual std::string_view column_type(column_kind kind) const noexcept = 0;

  /// The definition of the `id` primary key column, after its name.
  [[nodiscard]] virtual std::string_view id_column() const noexcept = 0;

  /// The type of the `type` discriminator column.
  [[nodiscard]] virtual std::string_view discriminator_type() const noexcept { return "varchar"; }

  /// True when INSERT ... RETURNING "id" reports the new id (else the connection does).
  [[nodiscard]] virtual bool returns_inserted_id() const noexcept = 0;

  /// The statement that opens a transaction; `for_write` when it will write for sure.
  [[nodiscard]] virtual std::string_view begin_transaction(bool for_write) const noexcept = 0;

  /// The statement that sets the isolation level of the transaction just begun, or empty when
  /// the database has only one (SQLite, whose transactions are serializable).
  [[nodiscard]] virtual std::string_view isolation_sql(isolation level) const noexcept {
    switch (level) {
      case isolation::read_committed:
        return "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
      case isolation::repeatable_read:
        return "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";
      case isolation::serializable:
        return "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE";
      case isolation::database_default:
        break;
    }
    return {};
  }

  /// What LIMIT takes to mean "no limit" when only OFFSET is wanted.
  [[nodiscard]] virtual std::string_view no_limit() const noexcept { return "ALL"; }

  /// The statement that defers foreign-key checks to the end of the open transaction (the
  /// constraints stitch creates are DEFERRABLE INITIALLY IMMEDIATE).
  [[nodiscard]] virtual std::string_view defer_foreign_keys() const noexcept {
    return "SET CONSTRAINTS ALL DEFERRED";
  }

  /// True when save_all should insert new objects by multi-row INSERTs (or the connection's
  /// bulk path) with ids drawn ahead by reserve_ids_sql; where none can be drawn, each object
  /// has an INSERT of its own.
  [[nodiscard]] virtual bool batches_inserts() const noexcept { return false; }

  /// True when a failed statement leaves the open transaction unusable until it is rolled
  /// back (PostgreSQL): stitch then puts a savepoint around each write made inside an open
  /// transaction, so that a refused write undoes only itself, as on SQLite.
  [[nodiscard]] virtual bool error_aborts_transaction() const noexcept { return false; }

  /// True when CREATE TABLE may name a table not created yet in a foreign key (SQLite);
  /// otherwise keys that close a cycle are added with ALTER TABLE afterwards.
  [[nodiscard]] virtual bool forward_foreign_keys() const noexcept { return false; }

  /// The statement that moves the id sequence of a table past an id inserted explicitly
  /// (one parameter, the id), or empty when the database does that itself (SQLite's
  /// AUTOINCREMENT). `table` is unquoted.
  [[nodiscard]] virtual std::string advance_id_sql(std::string_view /*table*/) const { return {}; }

  /// A query of $1 new ids for a table (one row each, in any order), above every id the
  /// table holds or has given out, or empty when the dialect has none. No other writer gets
  /// them: they come from the table's sequence (PostgreSQL), or from what the caller's
  /// transaction reads, which SQLite lets write only while no other connection wrote since.
  /// Where reserves_after_last_id(), the query takes no parameter and returns one row: the
  /// last id taken, the new ones being those after it. `table` is unquoted. `counters` tells
  /// whether the database has sqlite_sequence, where SQLite keeps the last id of each
  /// AUTOINCREMENT table (it exists once one such table does): SQLite's query reads it only
  /// then; other dialects ignore it.
  [[nodiscard]] virtual std::string reserve_ids_sql(std::string_view /*table*/,
                                                    bool /*counters*/) const {
    return {};
  }
  /// True when reserve_ids_sql() returns the last id taken rather than the new ids (SQLite).
  [[nodiscard]] virtual bool reserves_after_last_id() const noexcept { return false; }

  /// A list of ids bound as one text parameter: `<column>` + id_list_open() + placeholder +
  /// id_list_close() tests the column against every id of the list, whatever its length,
  /// so that one prepared statement serves every list. PostgreSQL: `= ANY($1::bigint[])`.
  [[nodiscard]] virtual std::string_view id_list_open() const noexcept { return " = ANY("; }
  [[nodiscard]] virtual std::string_view id_list_close() const noexcept { return "::bigint[])"; }
  /// Appends the text of a list of ids for id_list_open(): "{1,2,3}" (an array literal).
  virtual void id_list(std::string& out, std::span<const std::int64_t> ids) const {
    append_ids(out, ids, '{', '}');
  }

  /// Appends `identifier` in double quotes, doubling embedded quotes (SQL standard).
  void quote(std::string& out, std::string_view identifier) const {
    out += '"';
    for (char c : identifier) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }

 protected:
  static void append_ids(std::string& out, std::span<const std::int64_t> ids, char open,
                         char close) {
    out.reserve(out.size() + 2 + ids.size() * 8);
    out += open;
    char digits[24];
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (i != 0) out += ',';
      const auto end = std::to_chars(digits, digits + sizeof digits, ids[i]).ptr;
      out.append(digits, end);
    }
    out += close;
  }
};

/// SQLite, with the column types ActiveRecord's SQLite adapter writes.
class sqlite_dialect final : public dialect {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "sqlite"; }
  void placeholder(std::string& out, int /*n*/) const override { out += '?'; }
  [[nodiscard]] std::string_view column_type(column_kind kind) const noexcept override {
    switch (kind) {
      case column_kind::integer:
      case column_kind::big_integer:
        return "integer";
      case column_kind::real:
        return "float";
      case column_kind::boolean:
        return "boolean";
      case column_kind::text:
        return "varchar";
      case column_kind::long_text:
        return "text";
      case column_kind::blob:
        return "blob";
      case column_kind::timestamp:
        return "datetime(6)";
    }
    return "blob";
  }
  [[nodiscard]] std::string_view id_column() const noexcept override {
    return "integer PRIMARY KEY AUTOINCREMENT NOT NULL";
  }
  [[nodiscard]] bool returns_inserted_id() const noexcept override { return false; }
  [[nodiscard]] std::string_view no_limit() const noexcept override { return "-1"; }
  [[nodiscard]] std::string_view defer_foreign_keys() const noexcept override {
    return "PRAGMA defer_foreign_keys = ON";
  }
  [[nodiscard]] bool forward_foreign_keys() const noexcept override { return true; }
  // SQLite has no arrays: the list is a JSON array, read by the built-in json_each.
  [[nodiscard]] std::string_view id_list_open() const noexcept override {
    return " IN (SELECT value FROM json_each(";
  }
  [[nodiscard]] std::string_view id_list_close() const noexcept override { return "))"; }
  void id_list(std::string& out, std::span<const std::int64_t> ids) const override {
    append_ids(out, ids, '[', ']');
  }

  [[nodiscard]] std::string_view isolation_sql(isolation /*level*/) const noexcept override {
    return {};
  }
  [[nodiscard]] std::string_view begin_transaction(bool for_write) const noexcept override {
    // IMMEDIATE takes the write lock up front, so two writers wait on the busy timeout
    // instead of failing at their first write.
    return for_write ? "BEGIN IMMEDIATE" : "BEGIN";
  }
  [[nodiscard]] bool batches_inserts() const noexcept override { return true; }
  [[nodiscard]] bool reserves_after_last_id() const noexcept override { return true; }
  [[nodiscard]] std::string reserve_ids_sql(std::string_view table, bool counters) const override {
    // The ids after the largest the table holds and, for an AUTOINCREMENT table, the largest
    // it gave out (rows deleted at the end must not come back under their old ids), as
    // SQLite picks them itself. max("id") reads the last entry of the rowid b-tree.
    std::string quoted;
    quote(quoted, table);
    std::string last = "(SELECT coalesce(max(\"id\"), 0) FROM " + quoted + ")";
    if (counters) {
      std::string literal = "'";
      for (char c : table) {
        if (c == '\'') literal += '\'';
        literal += c;
      }
      literal += '\'';
      last = "max(" + last +
             ", coalesce((SELECT \"seq\" FROM sqlite_sequence WHERE \"name\" = " + literal +
             "), 0))";
    }
    return "SELECT " + last;
  }
};

/// PostgreSQL, with the column types ActiveRecord's PostgreSQL adapter writes (bigserial ids,
/// character varying, timestamp(6), bytea).
class postgres_dialect final : public dialect {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "postgresql"; }
  void placeholder(std::string& out, int n) const override {
    out += '$';
    out += std::to_string(n);
  }
  void typed_placeholder(std::string& out, int n, column_kind kind) const override {
    placeholder(out, n);
    out += "::";
    out += kind == column_kind::real ? std::string_view("float8") : column_type(kind);
  }
  [[nodiscard]] std::string_view column_type(column_kind kind) const noexcept override {
    switch (kind) {
      case column_kind::integer:
        return "integer";
      case column_kind::big_integer:
        return "bigint";
      case column_kind::real:
        return "float";
      case column_kind::boolean:
        return "boolean";
      case column_kind::text:
        return "character varying";
      case column_kind::long_text:
        return "text";
      case column_kind::blob:
        return "bytea";
      case column_kind::timestamp:
        return "timestamp(6)";
    }
    return "bytea";
  }
  [[nodiscard]] std::string_view id_column() const noexcept override {
    return "bigserial PRIMARY KEY";
  }
  [[nodiscard]] std::string_view discriminator_type() const noexcept override {
    return "character varying";
  }
  [[nodiscard]] bool returns_inserted_id() const noexcept override { return true; }
  [[nodiscard]] std::string_view begin_transaction(bool /*for_write*/) const noexcept override {
    return "BEGIN";
  }
  [[nodiscard]] bool error_aborts_transaction() const noexcept override { return true; }
  [[nodiscard]] bool batches_inserts() const noexcept override { return true; }
  [[nodiscard]] std::string advance_id_sql(std::string_view table) const override {
    // setval only forward: an id below the sequence's position must not move it back.
    return "SELECT setval(s, $1) FROM (SELECT " + id_sequence(table) +
           "::regclass AS s) q WHERE $1 > coalesce(pg_sequence_last_value(s), 0)";
  }
  [[nodiscard]] std::string reserve_ids_sql(std::string_view table,
                                            bool /*counters*/) const override {
    // The sequence is looked up once (OFFSET 0 keeps the subquery from being merged).
    return "SELECT nextval(q.s) FROM (SELECT " + id_sequence(table) +
           "::regclass AS s OFFSET 0) q CROSS JOIN generate_series(1, $1::bigint) ORDER BY 1";
  }

 private:
  // pg_get_serial_sequence('"table"', 'id'): the sequence behind a table's id column.
  [[nodiscard]] std::string id_sequence(std::string_view table) const {
    std::string quoted;
    quote(quoted, table);
    std::string literal = "'";
    for (char c : quoted) {
      if (c == '\'') literal += '\'';
      literal += c;
    }
    literal += '\'';
    return "pg_get_serial_sequence(" + literal + ", 'id')";
  }
};

}  // namespace stitch
