#pragma once
/// @file schema.hpp
/// The DDL stitch writes for a model's table, and the check of an existing table.

#include <string>
#include <vector>

#include "backend.hpp"
#include "detail/mapping.hpp"
#include "detail/sql.hpp"
#include "errors.hpp"

namespace stitch {

/// The statements that create T's table in a dialect (CREATE TABLE, then indexes).
template <class T>
[[nodiscard]] std::vector<std::string> schema_sql(const dialect& d) {
  static_assert(detail::check_model<T>());
  const auto& t = detail::table_of<T>();
  std::vector<std::string> out{detail::create_table_sql(d, t)};
  if (t.has_type) out.push_back(detail::create_type_index_sql(d, t));
  return out;
}

namespace detail {

/// Throws schema_error when the table is missing or lacks a column the models need.
/// Extra columns are fine: stitch never touches columns it does not know.
inline void check_table(backend::connection& c, const table_def& t) {
  const auto present = c.table_columns(t.name);
  if (present.empty())
    throw schema_error("table " + t.name + " does not exist in " + c.describe() +
                       " (create it with db.create_schema<...>())");
  std::string missing;
  auto need = [&](const std::string& name) {
    for (const auto& p : present)
      if (p == name) return;
    missing += missing.empty() ? name : ", " + name;
  };
  need("id");
  if (t.has_type) need("type");
  for (const auto& col : t.columns) need(col.name);
  if (!missing.empty())
    throw schema_error("table " + t.name + " lacks columns the models need: " + missing);
}

}  // namespace detail
}  // namespace stitch
