#pragma once
// What create_schema creates for a set of models: their tables in an order that lets each
// foreign key reference a table created before it, the keys and indexes their associations
// imply, and the join tables of has_and_belongs_to_many.

#include <algorithm>
#include <string>
#include <vector>

#include "association_core.hpp"
#include "mapping.hpp"
#include "preload.hpp"
#include "sql.hpp"

namespace stitch::detail {

struct index_def {
  std::string table;
  std::vector<std::string> columns;
  bool unique = false;
  std::string name;  // empty: Rails' name from the columns (create_index_sql)
  bool operator==(const index_def&) const = default;
};

struct join_table_def {
  std::string table, owner_key, owner_table, target_key, target_table;
  bool operator==(const join_table_def&) const = default;
};

struct schema_plan {
  std::vector<const table_def*> tables;
  std::vector<foreign_key_def> keys;  // only between tables of the plan
  std::vector<index_def> indexes;
  std::vector<join_table_def> joins;

  template <class V>
  static void add(std::vector<V>& list, V v) {
    if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(std::move(v));
  }
  /// True when `name` is t's table or, in joined tables, one of its subclasses' tables.
  static bool holds(const table_def* t, const std::string& name) {
    return t->name == name ||
           (t->joined && std::any_of(t->classes.begin(), t->classes.end(),
                                     [&](const class_def& c) { return c.table == name; }));
  }
  /// True for a table of the plan, a joined subclass's own table included.
  [[nodiscard]] bool has_table(const std::string& name) const {
    return std::any_of(tables.begin(), tables.end(),
                       [&](const table_def* t) { return holds(t, name); });
  }

  /// The tables in creation order: a table after those its keys reference (a cycle keeps the
  /// given order).
  [[nodiscard]] std::vector<const table_def*> ordered() const {
    std::vector<const table_def*> out;
    std::vector<const table_def*> left = tables;
    while (!left.empty()) {
      bool moved = false;
      for (auto it = left.begin(); it != left.end(); ++it) {
        const bool ready = std::none_of(keys.begin(), keys.end(), [&](const foreign_key_def& k) {
          return holds(*it, k.table) && !holds(*it, k.references) &&
                 std::any_of(left.begin(), left.end(),
                             [&](const table_def* t) { return t->name == k.references; });
        });
        if (ready) {
          out.push_back(*it);
          left.erase(it);
          moved = true;
          break;
        }
      }
      if (!moved) {
        out.insert(out.end(), left.begin(), left.end());
        break;
      }
    }
    return out;
  }
};

template <auto M>
void plan_association(schema_plan& plan, std::vector<foreign_key_def>& wanted) {
  using A = assoc<M>;
  using O = typename A::owner;
  if constexpr (A::is_through) {
    return;
  } else if constexpr (A::kind == association_kind::habtm) {
    using names = habtm_names<M>;
    const auto& owner_table = table_of<O>().name;
    const auto& target_table = table_of<typename A::target>().name;
    schema_plan::add(plan.joins, join_table_def{names::join_table(), names::owner_key(),
                                                owner_table, names::target_key(), target_table});
    schema_plan::add(
        plan.indexes,
        index_def{names::join_table(), {names::owner_key(), names::target_key()}, true, {}});
    schema_plan::add(plan.indexes, index_def{names::join_table(), {names::target_key()}, false, {}});
  } else {
    static_assert(reported(check_association<M>()));
    using holder = typename A::key_holder;
    const std::string key(A::key_name.view());
    const auto& table = table_of<holder>().table_of_column(key);
    if constexpr (A::type_name.length != 0) {
      // Rails names the index of `t.references :commentable, polymorphic: true` after the
      // reference: index_comments_on_commentable.
      const std::string type(A::type_name.view());
      std::string name;
      if (type.ends_with("_type") && key.ends_with("_id") &&
          type.substr(0, type.size() - 5) == key.substr(0, key.size() - 3))
        name = "index_" + table + "_on_" + type.substr(0, type.size() - 5);
      schema_plan::add(plan.indexes, index_def{table, {type, key}, false, std::move(name)});
    } else {
      schema_plan::add(plan.indexes, index_def{table, {key}, false, {}});
      using referenced =
          std::conditional_t<A::kind == association_kind::belongs_to, typename A::target, O>;
      schema_plan::add(wanted, foreign_key_def{table, key, table_of<referenced>().name});
    }
  }
}

/// Adds model T's table (and, through its associations, keys, indexes and join tables).
template <class T>
void plan_model(schema_plan& plan, std::vector<foreign_key_def>& wanted) {
  const table_def& t = table_of<T>();
  if (std::find(plan.tables.begin(), plan.tables.end(), &t) == plan.tables.end())
    plan.tables.push_back(&t);
  for_each_type(typename mapping<T>::classes{}, [&]<class C, std::size_t>() {
    for_each_association<C>([&]<auto M>() { plan_association<M>(plan, wanted); });
  });
}

template <class... Ts>
schema_plan plan_schema() {
  schema_plan plan;
  std::vector<foreign_key_def> wanted;
  (plan_model<Ts>(plan, wanted), ...);
  for (auto& k : wanted)
    if (plan.has_table(k.table) && plan.has_table(k.references)) schema_plan::add(plan.keys, k);
  // Join tables between tables of this schema; indexes only on the tables it creates.
  std::erase_if(plan.joins, [&](const join_table_def& j) {
    return !plan.has_table(j.owner_table) || !plan.has_table(j.target_table);
  });
  std::erase_if(plan.indexes, [&](const index_def& i) {
    return !plan.has_table(i.table) &&
           std::none_of(plan.joins.begin(), plan.joins.end(),
                        [&](const join_table_def& j) { return j.table == i.table; });
  });
  return plan;
}

}  // namespace stitch::detail
