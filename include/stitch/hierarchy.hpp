#pragma once
/// @file hierarchy.hpp
/// Declares which classes share a root and how they are laid out in tables.
///
///     template <> struct stitch::hierarchy<DataSource>
///         : stitch::single_table<DataSource, CsvFile, Socrata> {};

#include <array>
#include <tuple>
#include <type_traits>

#include "detail/type_list.hpp"
#include "model.hpp"

namespace stitch {

/// What loading does with a row whose `type` names no class of the hierarchy.
enum class unknown_type_policy {
  raise,         ///< throw stitch::unknown_type naming the table, the id and the value
  skip,          ///< leave the row out of query results (find() reports record_not_found)
  load_as_root,  ///< load the row as the root class
};

/// Specialize for the root of a hierarchy, deriving from a layout such as single_table.
/// Optional members of the specialization:
///   static constexpr stitch::unknown_type_policy on_unknown_type = ...;
template <class Root>
struct hierarchy;

namespace layout {
/// Every class of the hierarchy in the root's table, told apart by a `type` column.
struct single_table_tag {};
/// The root's columns and `type` in the root's table; each subclass's own columns in a table
/// of its own, keyed by the same id.
struct joined_tables_tag {};
}  // namespace layout

/// Single-table inheritance: Root and every class listed (any depth below Root) share one
/// table with a `type` discriminator, as Rails stores them.
template <class Root, class... Subclasses>
struct single_table {
  using stitch_layout = layout::single_table_tag;
  using stitch_classes = detail::type_list<Root, Subclasses...>;
  static constexpr unknown_type_policy on_unknown_type = unknown_type_policy::raise;
};

/// Multi-table inheritance: the root's table holds the id, `type` and the root's columns;
/// each class listed has a table of its own (named for the class, as a root's would be) with
/// its own columns, whose `id` is also a foreign key to its parent's table (ON DELETE
/// CASCADE). The models, associations and queries are the same as with single_table: change
/// the declaration, not the code.
template <class Root, class... Subclasses>
struct joined_tables {
  using stitch_layout = layout::joined_tables_tag;
  using stitch_classes = detail::type_list<Root, Subclasses...>;
  static constexpr unknown_type_policy on_unknown_type = unknown_type_policy::raise;
};

namespace detail {

template <class Root>
concept has_hierarchy = requires {
  typename hierarchy<Root>::stitch_layout;
};

/// True when Root's hierarchy is declared with stitch::joined_tables.
template <class Root>
consteval bool is_joined() {
  if constexpr (has_hierarchy<Root>) {
    return std::is_same_v<typename hierarchy<Root>::stitch_layout, layout::joined_tables_tag>;
  } else {
    return false;
  }
}

template <class Root>
struct classes_of {
  using type = type_list<Root>;
};
template <class Root>
requires has_hierarchy<Root>
struct classes_of<Root> {
  using type = typename hierarchy<Root>::stitch_classes;
};

template <class Root, class List>
struct hierarchy_checks;
template <class Root, class... Cs>
struct hierarchy_checks<Root, type_list<Cs...>> {
  static constexpr bool all_models = (std::is_base_of_v<record, Cs> && ...);
  static constexpr bool roots_match =
      (std::is_same_v<typename model_traits<Cs>::root, Root> && ...);
  static constexpr bool parents_listed =
      ((std::is_void_v<typename model_traits<Cs>::parent> ||
        contains_v<typename model_traits<Cs>::parent, type_list<Cs...>>)&&...);
  static constexpr bool root_first =
      std::is_same_v<Root, std::tuple_element_t<0, std::tuple<Cs...>>>;
  static constexpr bool unique = [] {
    constexpr std::array<std::size_t, sizeof...(Cs)> position = {
        index_of_v<Cs, type_list<Cs...>>...};
    for (std::size_t i = 0; i < sizeof...(Cs); ++i)
      if (position[i] != i) return false;
    return true;
  }();
};

/// Validates a hierarchy declaration once, with one message per mistake.
template <class Root>
consteval bool hierarchy_is_valid() {
  if constexpr (!has_hierarchy<Root>) {
    return true;
  } else {
    using checks = hierarchy_checks<Root, typename hierarchy<Root>::stitch_classes>;
    static_assert(checks::all_models,
                  "[stitch] every class listed in stitch::single_table<...> must be a model "
                  "(stitch::model or stitch::subclass)");
    static_assert(!checks::all_models || checks::root_first,
                  "[stitch] the first class of stitch::single_table<...> must be the root the "
                  "hierarchy is declared for: stitch::hierarchy<Root> : single_table<Root, ...>");
    static_assert(!checks::all_models || !checks::root_first || checks::roots_match,
                  "[stitch] a class listed in stitch::hierarchy<Root> does not derive from Root "
                  "through stitch::subclass");
    static_assert(!checks::root_first || !checks::roots_match || checks::parents_listed,
                  "[stitch] a class listed in stitch::hierarchy<Root> has a parent that is not "
                  "listed: list every class between the root and the leaves");
    static_assert(
        !checks::root_first || !checks::roots_match || !checks::parents_listed || checks::unique,
        "[stitch] a class is listed twice in stitch::hierarchy<Root>");
    return checks::all_models && checks::root_first && checks::roots_match &&
           checks::parents_listed && checks::unique;
  }
}

}  // namespace detail
}  // namespace stitch
