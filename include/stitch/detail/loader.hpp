#pragma once
// Turns result rows into objects of the right class.

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "../errors.hpp"
#include "association_core.hpp"
#include "mapping.hpp"
#include "row.hpp"

namespace stitch::detail {

template <class T>
using loaded = std::conditional_t<is_polymorphic_query<T>, std::unique_ptr<T>, T>;
template <class T>
using maybe = std::conditional_t<is_polymorphic_query<T>, std::unique_ptr<T>, std::optional<T>>;

/// The object a loaded value holds.
template <class T>
T* object_of(loaded<T>& v) noexcept {
  if constexpr (is_polymorphic_query<T>) {
    return v.get();
  } else {
    return &v;
  }
}

/// "table.column" of a result column.
inline std::string result_column_name(const load_plan& plan, int position) {
  const table_def& t = *plan.table;
  if (position == 0) return t.name + ".id";
  if (t.has_type && position == 1) return t.name + ".type";
  const auto& name = t.columns[plan.selected[position - plan.first_member]].name;
  return t.table_of_column(name) + "." + name;
}

/// Runs `read`, turning a bad_value into a data_error naming table.column and the row id.
/// The one place that catches bad_value while loading rows.
template <class F>
void naming_bad_values(const load_plan& plan, backend::statement& st, F&& read) {
  try {
    std::forward<F>(read)();
  } catch (const bad_value& bad) {
    throw data_error("column " + result_column_name(plan, bad.column) + " of row id " +
                     std::to_string(st.get_int64(0)) + " " + bad.reason);
  }
}

/// Reads the current row's id and members into an object of exactly class C, and marks it
/// persisted. `positions` are the result columns of C's members (load_plan::positions).
/// Its associations remember the session `l` (to load lazily) and whether loading is strict.
template <class C>
void read_object(backend::statement& st, const int* positions, C& obj, const link& l) {
  obj.id = st.get_int64(0);
  read_members(obj, st, positions);
  record_access::set_persisted(obj, true);
  if constexpr (has_associations<C>) {
    reset_associations(obj);
    attach_all(obj, l);
  }
}

template <class C, class Base>
std::unique_ptr<Base> make_object(backend::statement& st, const int* positions, const link& l) {
  auto obj = std::make_unique<C>();
  read_object(st, positions, *obj, l);
  return obj;
}

template <class T>
using factory = std::unique_ptr<T> (*)(backend::statement&, const int*, const link&);

/// One factory per class of T's hierarchy; null for classes a query on T cannot load.
template <class T>
inline constexpr auto factories = [] {
  using M = mapping<T>;
  std::array<factory<T>, M::class_count> out{};
  for_each_type(typename M::classes{}, [&]<class C, std::size_t I>() {
    if constexpr (is_self_or_descendant<T, C> && !std::is_abstract_v<C>)
      out[I] = &make_object<C, T>;
  });
  return out;
}();

/// The class of the current row, from its `type` (column 1).
struct row_class {
  int index = 0;         ///< in the table's classes; -1 to skip the row
  bool untyped = false;  ///< `type` is NULL or empty, as Rails writes it for root objects
};

/// The class for the current row's `type`, applying the policy. NULL and the empty string
/// load as the root, as in Rails (which tests `type.present?`).
inline row_class resolve_class(const load_plan& plan, backend::statement& st) {
  const table_def& t = *plan.table;
  if (st.is_null(1)) return {0, true};
  const std::string_view type = st.get_text(1);
  if (type.empty()) return {0, true};
  for (int c : plan.classes)
    if (t.classes[c].type_name == type) return {c, false};
  switch (t.on_unknown) {
    case unknown_type_policy::skip:
      return {-1, false};
    case unknown_type_policy::load_as_root:
      return {0, false};
    case unknown_type_policy::raise:
      break;
  }
  throw unknown_type(t.name, st.get_int64(0), type);
}

/// Reads the current row into an object of exactly class C. Throws data_error naming the
/// column and row for a value that does not fit its member.
template <class C>
void read_row_into(const load_plan& plan, backend::statement& st, C& obj, const link& l) {
  naming_bad_values(plan, st,
                    [&] { read_object(st, plan.positions[mapping<C>::index].data(), obj, l); });
}

/// Loads the current row into `out`; false when the row is skipped by the policy.
template <class T>
bool load_row(const load_plan& plan, backend::statement& st, loaded<T>& out, const link& l) {
  if constexpr (is_polymorphic_query<T>) {
    const row_class row = plan.table->has_type ? resolve_class(plan, st) : row_class{};
    const int c = row.index;
    if (c < 0) return false;
    const auto make = factories<T>[static_cast<std::size_t>(c)];
    if (make == nullptr) {
      const auto& cls = plan.table->classes[static_cast<std::size_t>(c)];
      throw unknown_type(
          plan.table->name, st.get_int64(0),
          st.is_null(1) ? std::nullopt : std::optional<std::string_view>(st.get_text(1)),
          "would load as the abstract class " + cls.class_name +
              ": every row must name a concrete class");
    }
    naming_bad_values(
        plan, st, [&] { out = make(st, plan.positions[static_cast<std::size_t>(c)].data(), l); });
    out->store_null_type(row.untyped);
  } else {
    if constexpr (mapping<T>::index == 0 && mapping<T>::has_type_column) {
      const row_class row = resolve_class(plan, st);
      if (row.index < 0) return false;
      read_row_into(plan, st, out, l);
      out.store_null_type(row.untyped);
    } else {
      read_row_into(plan, st, out, l);
    }
  }
  return true;
}

}  // namespace stitch::detail
