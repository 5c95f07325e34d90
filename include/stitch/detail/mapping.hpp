#pragma once
// How a model maps onto its table: the compile-time class list of its hierarchy and the
// run-time table description, built once per root.

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../backend.hpp"
#include "../errors.hpp"
#include "../hierarchy.hpp"
#include "../model.hpp"
#include "naming.hpp"
#include "reflect.hpp"
#include "type_list.hpp"

namespace stitch::detail {

template <class T>
concept declares_table_name = requires {
  { T::table_name } -> std::convertible_to<std::string_view>;
};

/// Compile-time facts about model T and its hierarchy.
template <class T>
struct mapping {
  // Not a model: check_model reports it; these keep the rest of the compilation quiet.
  using root = T;
  using classes = type_list<>;
  static constexpr std::size_t class_count = 0;
  static constexpr std::size_t index = 0;
  static constexpr bool has_type_column = false;
};
template <model_class T>
struct mapping<T> {
  using root = typename T::stitch_root;
  using classes = typename classes_of<root>::type;
  static constexpr std::size_t class_count = classes::size;
  static constexpr std::size_t index = index_of_v<T, classes>;
  static constexpr bool has_type_column = has_hierarchy<root>;
};

/// True when C is T or a class below T.
template <class T, class C>
inline constexpr bool is_self_or_descendant = contains_v<T, lineage_t<C>>;

template <class T, class List>
struct count_subtree;
template <class T, class... Cs>
struct count_subtree<T, type_list<Cs...>> {
  static constexpr std::size_t value = (std::size_t{is_self_or_descendant<T, Cs>} + ... + 0);
};

/// True when a query on T can return objects of more than one class.
template <class T>
inline constexpr bool is_polymorphic_query = count_subtree<T, typename mapping<T>::classes>::value >
                                                 1 ||
                                             (std::is_same_v<T, typename mapping<T>::root> &&
                                              mapping<T>::has_type_column &&
                                              mapping<T>::class_count > 1);

/// Checks, once, that T can be used with a database; returns false after the one error.
template <class T>
consteval bool check_model() {
  if constexpr (!model_class<T>) {
    static_assert(model_class<T>,
                  "[stitch] this type is not a stitch model: derive it from "
                  "stitch::model<Self, Columns> or stitch::subclass<Self, Parent, Columns>");
    return false;
  } else if constexpr (!std::is_same_v<typename T::stitch_self, T>) {
    static_assert(std::is_same_v<typename T::stitch_self, T>,
                  "[stitch] this class derives from a model without naming itself: derive it "
                  "through stitch::subclass<Self, Parent, Columns> and list it in the hierarchy");
    return false;
  } else if constexpr (!std::is_same_v<T, typename T::stitch_root> &&
                       !has_hierarchy<typename T::stitch_root>) {
    static_assert(has_hierarchy<typename T::stitch_root>,
                  "[stitch] a stitch::subclass needs a hierarchy declaration for its root: "
                  "template <> struct stitch::hierarchy<Root> : "
                  "stitch::single_table<Root, Subclasses...> {};");
    return false;
  } else if constexpr (!hierarchy_is_valid<typename T::stitch_root>()) {
    return false;
  } else {
    static_assert(mapping<T>::index < mapping<T>::class_count,
                  "[stitch] this class is not listed in the stitch::hierarchy declaration of "
                  "its root: add it to stitch::single_table<Root, ...>");
    return mapping<T>::index < mapping<T>::class_count;
  }
}

struct column_def {
  std::string name;
  column_kind kind;
  bool nullable;
  int owner = 0;  // the class that declares it
};

struct class_def {
  std::string type_name;   // the discriminator value
  std::string class_name;  // for messages
  std::string table;       // where its own columns are: the root's table, or its own when joined
  int parent = -1;
  std::vector<int> own_columns;  // table column of each member of the class's own aggregate
  std::vector<int> lineage;      // class indices from the root down to this class
};

/// The run-time description of a hierarchy's storage: one table (single_table), or the
/// root's table and one per subclass (joined_tables). Built once per root, shared by every
/// connection. `columns` are every class's columns besides id and type, wherever they live.
struct table_def {
  std::string name;  // the root's table
  bool has_type = false;
  bool joined = false;
  unknown_type_policy on_unknown = unknown_type_policy::raise;
  std::vector<column_def> columns;  // besides id and type
  std::vector<class_def> classes;   // in declaration order; [0] is the root

  [[nodiscard]] int find_class(std::string_view type_name) const noexcept {
    for (std::size_t i = 0; i < classes.size(); ++i)
      if (classes[i].type_name == type_name) return static_cast<int>(i);
    return -1;
  }
  /// The table that holds a column (id and type: the root's).
  [[nodiscard]] const std::string& table_of_column(std::string_view column) const noexcept {
    if (!joined) return name;
    for (const auto& c : columns)
      if (c.name == column) return classes[static_cast<std::size_t>(c.owner)].table;
    return name;
  }
  /// The name of a subclass's own table in the joined layout: the class's, as a root's.
  [[nodiscard]] static std::string joined_table_name(std::string_view class_name) {
    return table_name_for(class_name);
  }
};

template <class Root>
std::string table_name_of() {
  if constexpr (declares_table_name<Root>) {
    return std::string(Root::table_name);
  } else {
    return table_name_for(class_name<Root>);
  }
}

inline bool contains(const std::vector<int>& list, int value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// A class already described that declares `column` and is an ancestor or a descendant of
// the class being added (whose lineage is known, whose classes entry is not there yet).
inline const class_def* lineage_declarer(const table_def& table, const class_def& cls,
                                         int cls_index, int column) {
  for (std::size_t k = 0; k < table.classes.size(); ++k) {
    const auto& other = table.classes[k];
    if (contains(other.own_columns, column) &&
        (contains(cls.lineage, static_cast<int>(k)) || contains(other.lineage, cls_index)))
      return &other;
  }
  return nullptr;
}

// Whether text_columns<P...> lists member I of Cols.
template <class Cols, std::size_t I, auto... P>
consteval bool lists_member(text_columns<P...>* /*list*/) {
  return ([] {
    if constexpr (std::is_same_v<typename member_pointer_traits<P>::class_type, Cols>) {
      return field_index<P>() == I;
    } else {
      return false;
    }
  }() || ...);
}

// Whether every member text_columns<P...> lists is one of Cols's.
template <class Cols, auto... P>
consteval bool lists_own_members(text_columns<P...>* /*list*/) {
  return (std::is_same_v<typename member_pointer_traits<P>::class_type, Cols> && ...);
}

// Whether C declares its own text_columns (not one inherited from its parent) that lists
// only members of its own Columns aggregate.
template <class C>
consteval bool text_columns_are_own() {
  using parent = typename C::stitch_parent;
  if constexpr (!std::is_void_v<parent> && requires { typename parent::text_columns; }) {
    if constexpr (std::is_same_v<typename C::text_columns, typename parent::text_columns>)
      return true;  // inherited: checked with the parent
  }
  return lists_own_members<typename C::stitch_columns>(
      static_cast<typename C::text_columns*>(nullptr));
}

// The column kind of member I of Cols, a Columns aggregate of model C.
template <class C, class Cols, std::size_t I>
consteval column_kind member_kind() {
  using member = std::remove_cvref_t<decltype(boost::pfr::get<I>(std::declval<Cols&>()))>;
  if constexpr (requires { typename C::text_columns; }) {
    if (lists_member<Cols, I>(static_cast<typename C::text_columns*>(nullptr)))
      return column_kind::long_text;
  }
  return column_type<column_value_t<member>>::kind;
}

template <class C, class Cols>
void add_columns(table_def& table, class_def& cls, int cls_index, bool force_nullable) {
  if constexpr (requires { typename C::text_columns; }) {
    // Instantiates the list, whose own static_assert checks that each member is text.
    static_assert(sizeof(typename C::text_columns) > 0);
    static_assert(text_columns_are_own<C>(),
                  "[stitch] the text_columns of a model list a member that is not of the "
                  "model's own Columns aggregate (each class lists the members it declares)");
  }
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          using member = std::remove_cvref_t<decltype(boost::pfr::get<I>(std::declval<Cols&>()))>;
          const column_def def{std::string(field_name<Cols, I>), member_kind<C, Cols, I>(),
                               is_nullable_v<member> || force_nullable, cls_index};
          int found = -1;
          for (std::size_t c = 0; c < table.columns.size(); ++c)
            if (table.columns[c].name == def.name) found = static_cast<int>(c);
          if (found >= 0 && table.joined) {
            throw schema_error(
                "classes " + cls.class_name + " and " +
                table.classes[static_cast<std::size_t>(table.columns[found].owner)].class_name +
                " of the joined tables of " + table.name + " both declare column " + def.name +
                ": with joined_tables each column belongs to one class's table; rename one");
          }
          if (found < 0) {
            found = static_cast<int>(table.columns.size());
            table.columns.push_back(def);
          } else if (const class_def* other = lineage_declarer(table, cls, cls_index, found)) {
            throw schema_error("classes " + cls.class_name + " and " + other->class_name +
                               " of table " + table.name + " both declare column " + def.name +
                               ", and one inherits from the other: declare it in one of them");
          } else if (table.columns[found].kind != def.kind) {
            throw schema_error("column " + def.name + " of table " + table.name +
                               " is declared by two classes of the hierarchy with different "
                               "types (in " +
                               cls.class_name + " and an earlier class)");
          } else {
            table.columns[found].nullable = table.columns[found].nullable || def.nullable;
          }
          cls.own_columns.push_back(found);
        }(),
        ...);
  }
  (std::make_index_sequence<field_count<Cols>>{});
}

template <class Root>
table_def build_table() {
  using M = mapping<Root>;
  table_def table;
  table.name = table_name_of<Root>();
  table.has_type = M::has_type_column;
  table.joined = is_joined<Root>();
  if constexpr (has_hierarchy<Root>) table.on_unknown = hierarchy<Root>::on_unknown_type;
  for_each_type(typename M::classes{}, [&]<class C, std::size_t I>() {
    class_def cls;
    cls.type_name = std::string(sti_name_of<C>());
    cls.class_name = std::string(class_name<C>);
    cls.table = I == 0 || !table.joined ? table.name : table_def::joined_table_name(cls.class_name);
    if constexpr (!std::is_void_v<typename C::stitch_parent>)
      cls.parent = static_cast<int>(index_of_v<typename C::stitch_parent, typename M::classes>);
    for_each_type(lineage_t<C>{}, [&]<class A, std::size_t>() {
      cls.lineage.push_back(static_cast<int>(index_of_v<A, typename M::classes>));
    });
    // In one table, a subclass's columns hold NULL in every other class's rows; in a table of
    // its own, they are as declared.
    add_columns<C, typename C::stitch_columns>(table, cls, static_cast<int>(I),
                                               I != 0 && !table.joined);
    for (const auto& other : table.classes)
      if (other.type_name == cls.type_name)
        throw schema_error("classes " + other.class_name + " and " + cls.class_name + " of table " +
                           table.name + " store the same type name '" + cls.type_name + "'");
    table.classes.push_back(std::move(cls));
  });
  return table;
}

template <class Root>
const table_def& root_table() {
  static const table_def table = build_table<Root>();
  return table;
}

/// The table description of T's hierarchy: one object per root, built on first use.
template <class T>
const table_def& table_of() {
  return root_table<typename T::stitch_root>();
}

/// What a query on T selects and where each class finds its members in a row.
struct load_plan {
  const table_def* table = nullptr;
  std::vector<int> selected;                // table columns, in select order after id [, type]
  std::vector<std::vector<int>> positions;  // per class: result column of each lineage member
  std::vector<int> classes;                 // class indices a row may load as
  int first_member = 1;                     // result column of the first member
  int queried = 0;                          // the class queried (its subclasses load too)
};

template <class T>
load_plan build_plan() {
  using M = mapping<T>;
  const table_def& table = table_of<T>();
  load_plan plan;
  plan.table = &table;
  plan.first_member = table.has_type ? 2 : 1;
  plan.queried = static_cast<int>(M::index);
  plan.positions.resize(table.classes.size());
  std::vector<int> position_of(table.columns.size(), -1);
  for_each_type(typename M::classes{}, [&]<class C, std::size_t I>() {
    if constexpr (is_self_or_descendant<T, C>) {
      plan.classes.push_back(static_cast<int>(I));
      for (int ancestor : table.classes[I].lineage)
        for (int column : table.classes[ancestor].own_columns) {
          if (position_of[column] < 0) {
            position_of[column] = plan.first_member + static_cast<int>(plan.selected.size());
            plan.selected.push_back(column);
          }
          plan.positions[I].push_back(position_of[column]);
        }
    }
  });
  return plan;
}

/// The load plan of queries on T, built on first use.
template <class T>
const load_plan& plan_of() {
  static const load_plan plan = build_plan<T>();
  return plan;
}

inline bool has_column(const std::vector<std::string>& present, std::string_view name) {
  return std::find(present.begin(), present.end(), name) != present.end();
}

/// Throws schema_error when the root's table exists in the other layout than the one
/// declared: switching a declaration never reads or writes the other layout's data.
inline void check_layout(backend::connection& c, const table_def& t,
                         const std::vector<std::string>& present) {
  if (present.empty()) return;
  if (t.joined) {
    std::string stray;
    for (const auto& col : t.columns)
      if (col.owner != 0 && has_column(present, col.name))
        stray += (stray.empty() ? "" : ", ") + col.name;
    if (!stray.empty())
      throw schema_error("table " + t.name + " has the single-table layout (it holds " + stray +
                         ", columns of its subclasses), but its hierarchy is declared "
                         "stitch::joined_tables: declare stitch::single_table, or move the data "
                         "to the joined tables first (stitch does not migrate between layouts)");
    return;
  }
  for (std::size_t k = 1; k < t.classes.size(); ++k) {
    const auto& cls = t.classes[k];
    if (cls.own_columns.empty()) continue;
    const auto& first = t.columns[static_cast<std::size_t>(cls.own_columns.front())].name;
    const auto own_table = table_def::joined_table_name(cls.class_name);
    if (!has_column(present, first) && has_column(c.table_columns(own_table), first))
      throw schema_error("table " + t.name + " has the joined layout (table " + own_table +
                         " holds the columns of " + cls.class_name +
                         "), but its hierarchy is declared stitch::single_table: declare "
                         "stitch::joined_tables, or move the data into " +
                         t.name + " first (stitch does not migrate between layouts)");
  }
}

/// Throws schema_error when a table is missing or lacks a column the models need, or when the
/// hierarchy's tables are in the other layout. Extra columns are fine: stitch never touches
/// columns it does not know.
inline void check_table(backend::connection& c, const table_def& t) {
  const auto present = c.table_columns(t.name);
  if (present.empty())
    throw schema_error("table " + t.name + " does not exist in " + c.describe() +
                       " (create it with db.create_schema<...>())");
  check_layout(c, t, present);
  auto require = [&](const std::string& table, const std::vector<std::string>& columns,
                     const std::vector<std::string>& needed) {
    std::string missing;
    for (const auto& name : needed)
      if (!has_column(columns, name)) missing += missing.empty() ? name : ", " + name;
    if (!missing.empty())
      throw schema_error("table " + table + " lacks columns the models need: " + missing);
  };
  std::vector<std::string> needed{"id"};
  if (t.has_type) needed.emplace_back("type");
  for (const auto& col : t.columns)
    if (!t.joined || col.owner == 0) needed.push_back(col.name);
  require(t.name, present, needed);
  if (!t.joined) return;
  for (std::size_t k = 1; k < t.classes.size(); ++k) {
    const auto& cls = t.classes[k];
    const auto columns = c.table_columns(cls.table);
    if (columns.empty())
      throw schema_error("table " + cls.table + " of class " + cls.class_name +
                         " does not exist in " + c.describe() +
                         " (create it with db.create_schema<...>())");
    needed.assign(1, "id");
    for (int col : cls.own_columns) needed.push_back(t.columns[static_cast<std::size_t>(col)].name);
    require(cls.table, columns, needed);
  }
}

}  // namespace stitch::detail
