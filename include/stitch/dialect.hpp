#pragma once
/// @file dialect.hpp
/// What differs in SQL text between databases: placeholders, type names, the id column.

#include <string>
#include <string_view>

#include "types.hpp"

namespace stitch {

/// The SQL spelling of one database. Statements are built from compile-time names and a
/// dialect only; values always travel as bound parameters.
class dialect {
 public:
  virtual ~dialect() = default;

  /// "sqlite", "postgresql".
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;

  /// Appends the placeholder of the n-th (1-based) parameter: "?" or "$n".
  virtual void placeholder(std::string& out, int n) const = 0;

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

  /// What LIMIT takes to mean "no limit" when only OFFSET is wanted.
  [[nodiscard]] virtual std::string_view no_limit() const noexcept { return "ALL"; }

  /// The statement that defers foreign-key checks to the end of the open transaction (the
  /// constraints stitch creates are DEFERRABLE INITIALLY IMMEDIATE).
  [[nodiscard]] virtual std::string_view defer_foreign_keys() const noexcept {
    return "SET CONSTRAINTS ALL DEFERRED";
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
  [[nodiscard]] std::string_view begin_transaction(bool for_write) const noexcept override {
    // IMMEDIATE takes the write lock up front, so two writers wait on the busy timeout
    // instead of failing at their first write.
    return for_write ? "BEGIN IMMEDIATE" : "BEGIN";
  }
};

}  // namespace stitch
