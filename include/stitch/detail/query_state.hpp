#pragma once
// The untyped state of a query (conditions, order, paging) and the SQL it renders.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../predicate.hpp"
#include "mapping.hpp"
#include "session.hpp"
#include "sql.hpp"

namespace stitch::detail {

struct order_item {
  std::string_view column;
  bool descending;
};

/// The untyped state of a query and its SQL.
struct query_state {
  std::vector<predicate_data> conditions;
  std::vector<order_item> order;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  /// Rows of a through association: joined with the intermediate table, ordered by its
  /// owner key first (shape::rows only).
  std::optional<through_table> through;

  enum class shape { rows, count, exists, column, exists_row };

  std::string render(const dialect& d, const load_plan& plan, shape what,
                     std::string_view column = {}) const {
    sql_builder b(d);
    b.qualify(*plan.table);
    // COUNT and EXISTS over a limited or offset query count the rows that query returns.
    const bool paged = limit.has_value() || offset.has_value();
    if (paged && (what == shape::count || what == shape::exists)) {
      b << (what == shape::count ? "SELECT COUNT(*) FROM (" : "SELECT 1 FROM (");
      render_into(b, d, plan, shape::exists_row, column);
      b << ") AS ";
      b.name("paged");
      if (what == shape::exists) b << " LIMIT 1";
      return std::move(b).str();
    }
    render_into(b, d, plan, what, column);
    return std::move(b).str();
  }

  void render_into(sql_builder& b, const dialect& d, const load_plan& plan, shape what,
                   std::string_view column) const {
    switch (what) {
      case shape::rows:
        select_from(b, plan, through ? &*through : nullptr);
        break;
      case shape::count:
        b << "SELECT COUNT(*) FROM ";
        from_tables(b, plan);
        break;
      case shape::exists:
      case shape::exists_row:
        b << "SELECT 1 FROM ";
        from_tables(b, plan);
        break;
      case shape::column:
        b << "SELECT ";
        b.column(column) << " FROM ";
        from_tables(b, plan);
        break;
    }
    bool first = true;
    auto next_condition = [&] {
      b << (first ? " WHERE " : " AND ");
      first = false;
    };
    if (filters_type(plan)) {
      next_condition();
      type_condition(b, plan);
    }
    for (const auto& c : conditions) {
      next_condition();
      const bool wrap = conditions.size() > 1 || filters_type(plan);
      if (wrap) b << "(";
      b.pieces(c);
      if (wrap) b << ")";
    }
    if (what != shape::count && what != shape::exists) {
      bool first_order = true;
      if (through && what == shape::rows) {
        b << " ORDER BY ";
        qualified(b, through->table, through->owner_key);
        first_order = false;
      }
      for (const auto& item : order) {
        b << (first_order ? " ORDER BY " : ", ");
        first_order = false;
        b.column(item.column);
        if (item.descending) b << " DESC";
      }
    }
    if (what == shape::exists) {
      b << " LIMIT 1";
    } else if (what != shape::count && (limit || offset)) {
      b << " LIMIT ";
      if (limit) {
        b.param();
      } else {
        b << d.no_limit();
      }
      if (offset) {
        b << " OFFSET ";
        b.param();
      }
    }
  }

  void bind(backend::statement& st, const load_plan& plan) const {
    int index = 1;
    if (filters_type(plan)) index = bind_type_names(st, plan, index);
    for (const auto& c : conditions)
      for (const auto& p : c.params) bind_param(st, index++, p);
    if (limit) st.bind_int64(index++, *limit);
    if (offset) st.bind_int64(index++, *offset);
  }
};

}  // namespace stitch::detail
