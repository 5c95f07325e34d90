#pragma once
// SQL text from table descriptions and a dialect. Non-template: each statement is built
// once per connection and then reused.

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "../dialect.hpp"
#include "../predicate.hpp"
#include "mapping.hpp"
#include "sha256.hpp"

namespace stitch::detail {

/// Builds one statement, numbering placeholders as it goes.
class sql_builder {
 public:
  explicit sql_builder(const dialect& d) : dialect_(d) {}

  sql_builder& operator<<(std::string_view text) {
    out_ += text;
    return *this;
  }
  sql_builder& name(std::string_view identifier) {
    dialect_.quote(out_, identifier);
    return *this;
  }
  sql_builder& param() {
    dialect_.placeholder(out_, ++params_);
    return *this;
  }
  /// Qualifies the columns named from now on with their table, for a hierarchy in joined
  /// tables (where every table has an id), or always when another table joins the query.
  sql_builder& qualify(const table_def& t, bool always = false) {
    if (t.joined || always) qualify_ = &t;
    return *this;
  }
  /// A column: "name", or "table"."name" when qualifying.
  sql_builder& column(std::string_view name) {
    if (qualify_ != nullptr) {
      dialect_.quote(out_, qualify_->table_of_column(name));
      out_ += '.';
    }
    dialect_.quote(out_, name);
    return *this;
  }
  /// Appends a condition's pieces: text as is, column names quoted, placeholders numbered
  /// and, where the dialect wants it, typed after their values (PostgreSQL would otherwise
  /// take 1.5 compared with an integer column for an integer).
  sql_builder& pieces(const predicate_data& p) {
    std::size_t value = 0;
    for (const auto& piece : p.pieces) {
      switch (piece.what) {
        case sql_piece::kind::text:
          out_ += piece.text;
          break;
        case sql_piece::kind::column:
          column(piece.text);
          break;
        case sql_piece::kind::param:
          typed_param(p.params[value++]);
          break;
      }
    }
    return *this;
  }
  [[nodiscard]] const dialect& sql_dialect() const noexcept { return dialect_; }
  [[nodiscard]] std::string str() && { return std::move(out_); }

 private:
  // Text and NULL stay untyped: the database reads them as the type the context needs.
  void typed_param(const detail::param& value) {
    static constexpr std::array<column_kind, std::variant_size_v<detail::param>> kinds{
        column_kind::text, column_kind::big_integer, column_kind::real,     column_kind::boolean,
        column_kind::text, column_kind::blob,        column_kind::timestamp};
    const auto kind = kinds[value.index()];
    if (kind == column_kind::text) {
      param();
    } else {
      dialect_.typed_placeholder(out_, ++params_, kind);
    }
  }

  const dialect& dialect_;
  const table_def* qualify_ = nullptr;
  std::string out_;
  int params_ = 0;
};

/// True when a query with this plan must filter on `type` (it does not load the root).
inline bool filters_type(const load_plan& plan) {
  return plan.table->has_type && plan.classes.size() < plan.table->classes.size();
}

/// The intermediate table of a through association, joined to the rows' table by
/// `"table"."id" = <rows' key column>`; its `owner_key` is selected after the row's columns.
struct through_table {
  std::string_view table;
  std::string_view key;        // the rows' column holding the intermediate's id
  std::string_view owner_key;  // the intermediate's column holding the owner's id
};

/// Appends "table"."column".
inline void qualified(sql_builder& b, std::string_view table, std::string_view column) {
  b.name(table) << ".";
  b.name(column);
}

/// The FROM list of a plan: the table; in joined tables, the root's table joined with the
/// tables of the queried class's ancestors (inner joins: every row has them) and of its
/// subclasses (left joins: a row has the tables of its own class only); then the
/// intermediate table of a through association.
inline void from_tables(sql_builder& b, const load_plan& plan,
                        const through_table* through = nullptr) {
  const table_def& t = *plan.table;
  b.name(t.name);
  auto join = [&](int cls, bool inner) {
    const auto& table = t.classes[static_cast<std::size_t>(cls)].table;
    b << (inner ? " INNER JOIN " : " LEFT JOIN ");
    b.name(table) << " ON ";
    qualified(b, table, "id");
    b << " = ";
    qualified(b, t.name, "id");
  };
  if (t.joined) {
    const auto& lineage = t.classes[static_cast<std::size_t>(plan.queried)].lineage;
    for (std::size_t k = 1; k < lineage.size(); ++k) join(lineage[k], true);
    for (int cls : plan.classes)
      if (cls != plan.queried && !t.classes[static_cast<std::size_t>(cls)].own_columns.empty())
        join(cls, false);
  }
  if (through != nullptr) {
    b << " INNER JOIN ";
    b.name(through->table) << " ON ";
    qualified(b, through->table, "id");
    b << " = ";
    b.column(through->key);
  }
}

/// "SELECT "id", "type", ... FROM "table"" for a plan (and the owner key of a through
/// association's intermediate table, last).
inline void select_from(sql_builder& b, const load_plan& plan,
                        const through_table* through = nullptr) {
  const table_def& t = *plan.table;
  b.qualify(t, through != nullptr);
  b << "SELECT ";
  b.column("id");
  if (t.has_type) {
    b << ", ";
    b.column("type");
  }
  for (int column : plan.selected) {
    b << ", ";
    b.column(t.columns[column].name);
  }
  if (through != nullptr) {
    b << ", ";
    qualified(b, through->table, through->owner_key);
  }
  b << " FROM ";
  from_tables(b, plan, through);
}

/// The columns select_from reads for a plan, before a through association's owner key.
inline int selected_columns(const load_plan& plan) {
  return 1 + (plan.table->has_type ? 1 : 0) + static_cast<int>(plan.selected.size());
}

/// `"type" IN (?, ...)` over the plan's classes; bind with bind_type_names.
inline void type_condition(sql_builder& b, const load_plan& plan) {
  b.column("type") << " IN (";
  for (std::size_t i = 0; i < plan.classes.size(); ++i) {
    if (i != 0) b << ", ";
    b.param();
  }
  b << ")";
}

inline int bind_type_names(backend::statement& st, const load_plan& plan, int index) {
  for (int c : plan.classes) st.bind_text(index++, plan.table->classes[c].type_name);
  return index;
}

/// SELECT of one row by id (and type, for a class below the root).
inline std::string find_sql(const dialect& d, const load_plan& plan) {
  sql_builder b(d);
  select_from(b, plan);
  b << " WHERE ";
  b.column("id") << " = ";
  b.param();
  if (filters_type(plan)) {
    b << " AND ";
    type_condition(b, plan);
  }
  return std::move(b).str();
}

/// INSERT of `rows` objects of class `cls` (one VALUES list each); with_id when the id is
/// given.
inline std::string insert_sql(const dialect& d, const table_def& t, int cls, bool with_id,
                              std::size_t rows = 1) {
  sql_builder b(d);
  b << "INSERT INTO ";
  b.name(t.name) << " (";
  bool first = true;
  auto column = [&](std::string_view name) {
    if (!first) b << ", ";
    b.name(name);
    first = false;
  };
  if (with_id) column("id");
  if (t.has_type) column("type");
  for (int ancestor : t.classes[cls].lineage) {
    if (t.joined && ancestor != 0) break;  // in the root's table, the root's columns only
    for (int c : t.classes[ancestor].own_columns) column(t.columns[c].name);
  }
  if (first) {
    // A model without columns: only the defaults.
    std::string out = std::move(b).str();
    out.resize(out.size() - 2);
    out += " DEFAULT VALUES";
    if (d.returns_inserted_id()) out += " RETURNING \"id\"";
    return out;
  }
  b << ") VALUES (";
  first = true;
  const std::size_t params = (with_id ? 1 : 0) + (t.has_type ? 1 : 0);
  std::size_t members = 0;
  for (int ancestor : t.classes[cls].lineage) {
    if (t.joined && ancestor != 0) break;
    members += t.classes[ancestor].own_columns.size();
  }
  for (std::size_t row = 0; row < rows; ++row) {
    if (row != 0) b << "), (";
    for (std::size_t i = 0; i < params + members; ++i) {
      if (i != 0) b << ", ";
      b.param();
    }
  }
  b << ")";
  if (d.returns_inserted_id()) {
    b << " RETURNING ";
    b.name("id");
  }
  return std::move(b).str();
}

/// "INSERT INTO "table" ("a", ...) VALUES (?, ...), ..." for `rows` rows of these columns.
inline std::string insert_rows_sql(const dialect& d, std::string_view table,
                                   const std::vector<std::string_view>& columns, std::size_t rows) {
  sql_builder b(d);
  b << "INSERT INTO ";
  b.name(table) << " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i != 0) b << ", ";
    b.name(columns[i]);
  }
  b << ") VALUES ";
  for (std::size_t row = 0; row < rows; ++row) {
    b << (row == 0 ? "(" : ", (");
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i != 0) b << ", ";
      b.param();
    }
    b << ")";
  }
  return std::move(b).str();
}

/// Every column of a single table, in the order save_all writes them: id, type, then each
/// class's own columns in class order.
inline std::vector<std::string_view> table_columns_in_order(const table_def& t) {
  std::vector<std::string_view> out{"id"};
  if (t.has_type) out.emplace_back("type");
  for (const auto& c : t.classes)
    for (int column : c.own_columns)
      out.emplace_back(t.columns[static_cast<std::size_t>(column)].name);
  return out;
}

/// In joined tables, the columns of one class's own table that an insert writes: id, type
/// (the root's table), then the class's own columns.
inline std::vector<std::string_view> part_columns(const table_def& t, int cls) {
  std::vector<std::string_view> out{"id"};
  if (cls == 0 && t.has_type) out.emplace_back("type");
  for (int column : t.classes[static_cast<std::size_t>(cls)].own_columns)
    out.emplace_back(t.columns[static_cast<std::size_t>(column)].name);
  return out;
}

/// The INSERT of `rows` rows into a single table with every column (table_columns_in_order).
inline std::string insert_table_sql(const dialect& d, const table_def& t, std::size_t rows) {
  return insert_rows_sql(d, t.name, table_columns_in_order(t), rows);
}

/// In joined tables, the INSERT of `rows` rows into one class's own table (part_columns).
inline std::string insert_part_sql(const dialect& d, const table_def& t, int cls,
                                   std::size_t rows = 1) {
  return insert_rows_sql(d, t.classes[static_cast<std::size_t>(cls)].table, part_columns(t, cls),
                         rows);
}

/// In joined tables, the UPDATE of one class's own columns in its own table; the id is the
/// last parameter. Empty for a class without columns.
inline std::string update_part_sql(const dialect& d, const table_def& t, int cls) {
  const auto& c = t.classes[static_cast<std::size_t>(cls)];
  if (c.own_columns.empty()) return {};
  sql_builder b(d);
  b << "UPDATE ";
  b.name(c.table) << " SET ";
  bool first = true;
  for (int col : c.own_columns) {
    if (!first) b << ", ";
    b.name(t.columns[static_cast<std::size_t>(col)].name) << " = ";
    b.param();
    first = false;
  }
  b << " WHERE ";
  b.name("id") << " = ";
  b.param();
  return std::move(b).str();
}

/// UPDATE of every member of class `cls` by id; the id is the last parameter.
inline std::string update_sql(const dialect& d, const table_def& t, int cls) {
  sql_builder b(d);
  b << "UPDATE ";
  b.name(t.name) << " SET ";
  bool first = true;
  for (int ancestor : t.classes[cls].lineage)
    for (int c : t.classes[ancestor].own_columns) {
      if (!first) b << ", ";
      b.name(t.columns[c].name) << " = ";
      b.param();
      first = false;
    }
  if (first) {
    b.name("id") << " = ";
    b.name("id");
  }
  b << " WHERE ";
  b.name("id") << " = ";
  b.param();
  return std::move(b).str();
}

inline std::string delete_sql(const dialect& d, const table_def& t) {
  sql_builder b(d);
  b << "DELETE FROM ";
  b.name(t.name) << " WHERE ";
  b.name("id") << " = ";
  b.param();
  return std::move(b).str();
}

/// A foreign-key constraint: table.column references references_table(id).
struct foreign_key_def {
  std::string table;
  std::string column;
  std::string references;
  bool operator==(const foreign_key_def&) const = default;
};

/// CONSTRAINT "fk_rails_<hash>" FOREIGN KEY ... DEFERRABLE INITIALLY IMMEDIATE, named as
/// Rails names it.
inline void foreign_key_clause(sql_builder& b, const foreign_key_def& k) {
  b << "CONSTRAINT ";
  b.name(rails_foreign_key_name(k.table, k.column)) << " FOREIGN KEY (";
  b.name(k.column) << ") REFERENCES ";
  b.name(k.references) << " (";
  b.name("id") << ") DEFERRABLE INITIALLY IMMEDIATE";
}

/// CREATE TABLE IF NOT EXISTS, with the column types Rails' migrations write.
inline std::string create_table_sql(const dialect& d, const table_def& t,
                                    const std::vector<foreign_key_def>& keys = {}) {
  sql_builder b(d);
  b << "CREATE TABLE IF NOT EXISTS ";
  b.name(t.name) << " (";
  b.name("id") << " " << d.id_column();
  if (t.has_type) {
    b << ", ";
    b.name("type") << " " << d.discriminator_type();
  }
  for (const auto& c : t.columns) {
    if (t.joined && c.owner != 0) continue;  // in the subclass's own table
    b << ", ";
    b.name(c.name) << " " << d.column_type(c.kind);
    if (!c.nullable) b << " NOT NULL";
  }
  for (const auto& k : keys) {
    if (k.table != t.name) continue;
    b << ", ";
    foreign_key_clause(b, k);
  }
  b << ")";
  return std::move(b).str();
}

/// In joined tables, a subclass's own table: an id that is its parent's row's (ON DELETE
/// CASCADE, so that deleting the root's row deletes the object), and the class's own columns.
inline std::string create_class_table_sql(const dialect& d, const table_def& t, int cls,
                                          const std::vector<foreign_key_def>& keys = {}) {
  const auto& c = t.classes[static_cast<std::size_t>(cls)];
  const auto& parent = t.classes[static_cast<std::size_t>(c.parent)].table;
  sql_builder b(d);
  b << "CREATE TABLE IF NOT EXISTS ";
  b.name(c.table) << " (";
  b.name("id") << " " << d.column_type(column_kind::big_integer) << " PRIMARY KEY NOT NULL";
  for (int col : c.own_columns) {
    const auto& def = t.columns[static_cast<std::size_t>(col)];
    b << ", ";
    b.name(def.name) << " " << d.column_type(def.kind);
    if (!def.nullable) b << " NOT NULL";
  }
  b << ", CONSTRAINT ";
  b.name(rails_foreign_key_name(c.table, "id")) << " FOREIGN KEY (";
  b.name("id") << ") REFERENCES ";
  b.name(parent) << " (";
  b.name("id") << ") ON DELETE CASCADE";
  for (const auto& k : keys) {
    if (k.table != c.table) continue;
    b << ", ";
    foreign_key_clause(b, k);
  }
  b << ")";
  return std::move(b).str();
}

/// The subclasses of a joined hierarchy, whose tables are created each after its parent's.
inline std::vector<int> class_table_order(const table_def& t) {
  std::vector<int> order;
  if (!t.joined) return order;
  for (std::size_t k = 1; k < t.classes.size(); ++k) order.push_back(static_cast<int>(k));
  std::ranges::stable_sort(
      order, {}, [&](int k) { return t.classes[static_cast<std::size_t>(k)].lineage.size(); });
  return order;
}

/// ALTER TABLE ... ADD CONSTRAINT for a key that create_table_sql could not hold (its table
/// is created after the one holding the key, in a cycle).
inline std::string add_foreign_key_sql(const dialect& d, const foreign_key_def& k) {
  sql_builder b(d);
  b << "ALTER TABLE ";
  b.name(k.table) << " ADD ";
  foreign_key_clause(b, k);
  return std::move(b).str();
}

/// An index named `name`, or as Rails names it by default: index_<table>_on_<col>[_and_<col>...].
inline std::string create_index_sql(const dialect& d, const std::string& table,
                                    const std::vector<std::string>& columns, bool unique = false,
                                    std::string name = {}) {
  if (name.empty()) {
    name = "index_" + table + "_on_";
    for (std::size_t i = 0; i < columns.size(); ++i) name += (i == 0 ? "" : "_and_") + columns[i];
  }
  sql_builder b(d);
  b << (unique ? "CREATE UNIQUE INDEX IF NOT EXISTS " : "CREATE INDEX IF NOT EXISTS ");
  b.name(name) << " ON ";
  b.name(table) << " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i != 0) b << ", ";
    b.name(columns[i]);
  }
  b << ")";
  return std::move(b).str();
}

/// A has_and_belongs_to_many join table: two key columns referencing their tables.
inline std::string create_join_table_sql(const dialect& d, const std::string& table,
                                         const std::string& owner_key,
                                         const std::string& owner_table,
                                         const std::string& target_key,
                                         const std::string& target_table) {
  sql_builder b(d);
  b << "CREATE TABLE IF NOT EXISTS ";
  b.name(table) << " (";
  b.name(owner_key) << " " << d.column_type(column_kind::big_integer) << " NOT NULL, ";
  b.name(target_key) << " " << d.column_type(column_kind::big_integer) << " NOT NULL, ";
  foreign_key_clause(b, {table, owner_key, owner_table});
  b << ", ";
  foreign_key_clause(b, {table, target_key, target_table});
  b << ")";
  return std::move(b).str();
}

/// Rails' index on the discriminator: index_<table>_on_type.
inline std::string create_type_index_sql(const dialect& d, const table_def& t) {
  sql_builder b(d);
  b << "CREATE INDEX IF NOT EXISTS ";
  b.name("index_" + t.name + "_on_type") << " ON ";
  b.name(t.name) << " (";
  b.name("type") << ")";
  return std::move(b).str();
}

}  // namespace stitch::detail
