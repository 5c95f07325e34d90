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

/// The statements that create T's table in a dialect (CREATE TABLE, then indexes), and with
/// joined tables each subclass's own table after it.
template <class T>
[[nodiscard]] std::vector<std::string> schema_sql(const dialect& d) {
  std::vector<std::string> out;
  if constexpr (detail::check_model<T>()) {
    const auto& t = detail::table_of<T>();
    out.push_back(detail::create_table_sql(d, t));
    if (t.has_type) out.push_back(detail::create_type_index_sql(d, t));
    for (int k : detail::class_table_order(t))
      out.push_back(detail::create_class_table_sql(d, t, k));
  }
  return out;
}

}  // namespace stitch
