#pragma once
// Loading associations in batches: one statement per association level for any number of
// owners (their keys bound as one list), one per target class for polymorphic targets, and
// one for a has_many through a has_many. Lazy loading is the same code with one owner.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "association_core.hpp"
#include "loader.hpp"
#include "mapping.hpp"
#include "object_blocks.hpp"
#include "query_state.hpp"
#include "session.hpp"
#include "sql.hpp"

namespace stitch::detail {

// ---- Keys in lists -------------------------------------------------------------------------

/// How a load's statement tests a key column: against one key (`= ?`: a lazy load, or the
/// includes of one owner), or against every key of a list bound as one text parameter (see
/// dialect::id_list_open), the same statement for any number of keys. Each form is prepared
/// once per connection, in its own statement slot.
enum class key_form : bool { one, list };

inline key_form form_for(std::span<const std::int64_t> keys) noexcept {
  return keys.size() == 1 ? key_form::one : key_form::list;
}

template <class Key>
struct one_key {};
/// The statement slot of Key's statement in this form.
template <class Key>
std::size_t key_slot(key_form form) {
  return form == key_form::one ? statement_slot<one_key<Key>>() : statement_slot<Key>();
}

/// Appends the test of what precedes, in this form.
inline void append_key_test(predicate_data& p, const dialect& d, key_form form) {
  if (form == key_form::one) {
    p.text(" = ");
    p.value(std::int64_t{0});
    return;
  }
  p.text(d.id_list_open());
  p.value(std::string());
  p.text(d.id_list_close());
}
inline predicate_data key_test(const dialect& d, std::string_view column, key_form form) {
  predicate_data p;
  p.column(column);
  append_key_test(p, d, form);
  return p;
}
/// Binds the keys at `index`, in the form form_for(keys) chose. A list's text is written into
/// `list`, which must outlive the statement's run (text is bound without a copy).
inline void bind_keys(backend::statement& st, int index, const dialect& d,
                      std::span<const std::int64_t> keys, std::string& list) {
  if (form_for(keys) == key_form::one) {
    st.bind_int64(index, keys.front());
    return;
  }
  d.id_list(list, keys);
  st.bind_text(index, list);
}

/// `column IN (?, ...)` over text values.
inline predicate_data in_texts(std::string_view column, const std::vector<std::string>& values) {
  predicate_data d;
  d.column(column);
  d.text(" IN (");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) d.text(", ");
    d.value(values[i]);
  }
  d.text(")");
  return d;
}

inline void sort_unique(std::vector<std::int64_t>& keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

/// Positions 0..n-1 ordered by key, equal keys in their original order. Not a template: one
/// sort serves every model (sorting objects directly would compile a sort per model).
inline std::vector<std::size_t> order_of(std::vector<std::pair<std::int64_t, std::size_t>> keys) {
  std::sort(keys.begin(), keys.end());
  std::vector<std::size_t> out;
  out.reserve(keys.size());
  for (const auto& k : keys) out.push_back(k.second);
  return out;
}

/// Sorts objects (pointers or shared pointers) by id and drops repeats of the same object.
template <class P>
void sort_by_id(std::vector<P>& objects) {
  const auto ascending = [&] {
    for (std::size_t i = 1; i < objects.size(); ++i)
      if (!(objects[i - 1]->id < objects[i]->id)) return false;
    return true;
  };
  if (ascending()) return;  // sorted, and no id twice: nothing to do
  std::vector<std::pair<std::int64_t, std::size_t>> keys;
  keys.reserve(objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i) keys.emplace_back(objects[i]->id, i);
  std::vector<P> out;
  out.reserve(objects.size());
  std::size_t group = 0;  // where the objects with the current id start in `out`
  for (const auto i : order_of(std::move(keys))) {
    P& p = objects[i];
    if (!out.empty() && out.back()->id != p->id) group = out.size();
    bool repeat = false;
    for (std::size_t k = group; k < out.size(); ++k) repeat = repeat || &*out[k] == &*p;
    if (!repeat) out.push_back(std::move(p));
  }
  objects = std::move(out);
}

/// Sorts owners by id (each object once) and returns the ids of those that have rows.
template <class O>
std::vector<std::int64_t> owner_keys(std::vector<O*>& owners) {
  sort_by_id(owners);
  std::vector<std::int64_t> keys;
  keys.reserve(owners.size());
  for (O* o : owners)
    if (o->persisted() && o->id != 0 && (keys.empty() || keys.back() != o->id))
      keys.push_back(o->id);
  return keys;
}

template <class T>
std::shared_ptr<T> to_shared(loaded<T>&& v) {
  if constexpr (is_polymorphic_query<T>) {
    return std::shared_ptr<T>(std::move(v));
  } else {
    return std::make_shared<T>(std::move(v));
  }
}

/// Calls f(shared_ptr<T>) for every row a query on T loads.
template <class T, class F>
void load_rows(const load_plan& plan, lease& st, const link& l, F&& f) {
  if constexpr (is_polymorphic_query<T>) {
    loaded<T> v{};
    while (st.step())
      if (load_row<T>(plan, *st, v, l)) f(to_shared<T>(std::move(v)));
  } else {
    object_blocks<T> blocks;
    while (st.step()) {  // each row read in place, into the object it stays in
      if (load_row<T>(plan, *st, blocks.make(), l)) {
        f(blocks.take_last());
      } else {
        blocks.drop_last();
      }
    }
  }
}

/// Runs a query on T and calls f(shared_ptr<T>) for every row it loads.
template <class T, class F>
void load_where(session& s, const query_state& q, const link& l, F&& f) {
  const auto& plan = plan_of<T>();
  auto st = s.acquire(q.render(s.sql_dialect(), plan, query_state::shape::rows), plan.table);
  q.bind(*st, plan);
  load_rows<T>(plan, st, l, std::forward<F>(f));
}

/// Loads the T rows whose `column` holds one of `keys` (and, given `types`, whose
/// `type_column` holds one of them), ordered by that column and id, calling
/// f(shared_ptr<T>) for each. The statement is built once per Key, key_form and connection.
template <class Key, class T, class F>
void load_by_keys(session& s, std::string_view column, std::span<const std::int64_t> keys,
                  std::string_view type_column, const std::vector<std::string>* types,
                  const link& l, F&& f) {
  const auto& plan = plan_of<T>();
  const auto& d = s.sql_dialect();
  const auto form = form_for(keys);
  auto st = s.acquire(
      key_slot<Key>(form),
      [&] {
        query_state q;
        if (types != nullptr) q.conditions.push_back(in_texts(type_column, *types));
        q.conditions.push_back(key_test(d, column, form));
        q.order.push_back({column, false});
        if (column != "id") q.order.push_back({"id", false});
        return q.render(d, plan, query_state::shape::rows);
      },
      *plan.table);
  // The parameters in the order the query renders them: the plan's types, the condition's.
  int index = filters_type(plan) ? bind_type_names(*st, plan, 1) : 1;
  if (types != nullptr)
    for (const auto& name : *types) st->bind_text(index++, name);
  std::string list;
  bind_keys(*st, index, d, keys, list);
  load_rows<T>(plan, st, l, std::forward<F>(f));
}

template <class T>
struct by_ids_key {};

/// Loads the T objects with these ids (sorted, distinct), in id order.
template <class T>
std::vector<std::shared_ptr<T>> load_by_ids(session& s, const std::vector<std::int64_t>& ids,
                                            const link& l) {
  std::vector<std::shared_ptr<T>> out;
  out.reserve(ids.size());
  load_by_keys<by_ids_key<T>, T>(s, "id", ids, {}, nullptr, l,
                                 [&](std::shared_ptr<T> obj) { out.push_back(std::move(obj)); });
  return out;
}

template <class T>
T* find_by_id(const std::vector<std::shared_ptr<T>>& sorted, std::int64_t id,
              std::shared_ptr<T>* shared = nullptr) {
  const auto it =
      std::lower_bound(sorted.begin(), sorted.end(), id,
                       [](const std::shared_ptr<T>& p, std::int64_t k) { return p->id < k; });
  if (it == sorted.end() || (*it)->id != id) return nullptr;
  if (shared != nullptr) *shared = *it;
  return it->get();
}

/// The objects of `from` that are O (a static cast up, a dynamic cast down).
template <class O, class P>
std::vector<O*> narrow(const std::vector<P*>& from) {
  std::vector<O*> out;
  out.reserve(from.size());
  for (P* p : from) {
    if constexpr (std::is_base_of_v<O, P>) {
      out.push_back(p);
    } else if (auto* o = dynamic_cast<O*>(p)) {
      out.push_back(o);
    }
  }
  return out;
}

/// The stored discriminators of class C and every class below it.
template <class C>
const std::vector<std::string>& subtree_type_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for_each_type(typename mapping<C>::classes{}, [&]<class X, std::size_t>() {
      if constexpr (is_self_or_descendant<C, X>) out.emplace_back(sti_name_of<X>());
    });
    return out;
  }();
  return names;
}

/// What `<name>_type` holds for owners of class O under has_many/has_one `as:` M.
template <auto M>
const std::vector<std::string>& as_type_names() {
  using A = assoc<M>;
  using O = typename A::owner;
  constexpr int inv = inverse_index<M>();
  static const std::vector<std::string> base{std::string(sti_name_of<typename O::stitch_root>())};
  if constexpr (inv >= 0) {
    if constexpr (assoc<value_at<associations_of<typename A::target>, inv>::value>::stores_concrete)
      return subtree_type_names<O>();
  }
  return base;
}

template <auto M>
struct batch;

/// Makes association M of every owner loaded, loading in batches those that are not, and
/// returns every object the owners' M now holds (each once).
template <auto M>
std::vector<typename assoc<M>::target*> preload(session& s, const std::vector<owner_of<M>*>& owners,
                                                const link& l) {
  static_assert(reported(check_association<M>()));
  using A = assoc<M>;
  using T = typename A::target;
  std::vector<T*> out;
  if constexpr (!association_ok<M>()) return out;
  std::vector<owner_of<M>*> missing;
  for (auto* o : owners)
    if (!(o->*M).loaded()) missing.push_back(o);
  if (!missing.empty()) batch<M>::load(s, missing, l);
  for (auto* o : owners) {
    auto& a = o->*M;
    if constexpr (A::is_collection) {
      for (const auto& item : association_access::items(a)) out.push_back(item.get());
    } else {
      if (auto* t = association_access::target(a).get()) out.push_back(t);
    }
  }
  sort_by_id(out);
  return out;
}

template <auto M>
void lazy_load(session& s, void* owner, const link& l) {
  std::vector<owner_of<M>*> one{static_cast<owner_of<M>*>(owner)};
  batch<M>::load(s, one, l);
}

// ---- belongs_to -------------------------------------------------------------------------

template <auto M>
requires(assoc<M>::kind == association_kind::belongs_to &&
         !assoc<M>::is_polymorphic) struct batch<M> {
  using A = assoc<M>;
  using O = typename A::owner;
  using T = typename A::target;

  static void load(session& s, const std::vector<O*>& owners, const link& l) {
    std::vector<std::int64_t> keys;
    keys.reserve(owners.size());
    for (O* o : owners)
      if (const auto k = key_value(A::key_of(*o)); k != 0) keys.push_back(k);
    sort_unique(keys);
    const auto found =
        keys.empty() ? std::vector<std::shared_ptr<T>>{} : load_by_ids<T>(s, keys, l);
    for (O* o : owners) {
      std::shared_ptr<T> target;
      if (const auto k = key_value(A::key_of(*o)); k != 0) find_by_id(found, k, &target);
      association_access::fill(o->*M, std::move(target));
    }
  }
};

// Polymorphic belongs_to: one query per target class named by the owners' `<name>_type`.
template <auto M>
requires(assoc<M>::kind == association_kind::belongs_to &&
         assoc<M>::is_polymorphic) struct batch<M> {
  using A = assoc<M>;
  using O = typename A::owner;
  using targets = typename A::targets;

  // Stored name -> position in the target list: each target's root name (what Rails stores)
  // and the names of the target and the classes below it (store_concrete_class).
  static const std::vector<std::pair<std::string, std::size_t>>& names() {
    static const auto table = [] {
      std::vector<std::pair<std::string, std::size_t>> out;
      for_each_type(targets{}, [&]<class X, std::size_t I>() {
        out.emplace_back(std::string(sti_name_of<typename X::stitch_root>()), I);
        for (const auto& n : subtree_type_names<X>()) out.emplace_back(n, I);
      });
      return out;
    }();
    return table;
  }

  static std::size_t target_index(const O& o, const std::string& type) {
    for (const auto& [name, index] : names())
      if (name == type) return index;
    throw unknown_type(table_of<O>().name, o.id, std::string_view(type),
                       "names no model that " + std::string(A::owner_name) +
                           "::" + std::string(A::name) + " accepts (its stitch::polymorphic list)");
  }

  static void load(session& s, const std::vector<O*>& owners, const link& l) {
    std::vector<std::size_t> which(owners.size(), targets::size);
    std::vector<std::vector<std::int64_t>> keys(targets::size);
    for (std::size_t i = 0; i < owners.size(); ++i) {
      const O& o = *owners[i];
      const auto k = key_value(A::key_of(o));
      const auto& type = A::type_of(o);
      const std::string* name = nullptr;
      if constexpr (is_nullable_v<std::remove_cvref_t<decltype(type)>>) {
        if (type) name = &*type;
      } else {
        name = &type;
      }
      if (k == 0 || name == nullptr || name->empty()) continue;
      which[i] = target_index(o, *name);
      keys[which[i]].push_back(k);
    }
    std::vector<std::shared_ptr<record>> found(owners.size());
    for_each_type(targets{}, [&]<class X, std::size_t I>() {
      if (keys[I].empty()) return;
      sort_unique(keys[I]);
      const auto loaded = load_by_ids<X>(s, keys[I], l);
      for (std::size_t i = 0; i < owners.size(); ++i) {
        if (which[i] != I) continue;
        std::shared_ptr<X> target;
        find_by_id(loaded, key_value(A::key_of(*owners[i])), &target);
        found[i] = std::move(target);
      }
    });
    for (std::size_t i = 0; i < owners.size(); ++i)
      association_access::fill(owners[i]->*M, std::move(found[i]));
  }
};

// ---- has_many / has_one, direct or `as:` ----------------------------------------------------

template <auto M>
requires((assoc<M>::kind == association_kind::has_many ||
          assoc<M>::kind == association_kind::has_one) &&
         !assoc<M>::is_through) struct batch<M> {
  using A = assoc<M>;
  using O = typename A::owner;
  using T = typename A::target;

  static void load(session& s, std::vector<O*> owners, const link& l) {
    const auto keys = owner_keys(owners);
    std::vector<std::vector<std::shared_ptr<T>>> children(owners.size());
    std::size_t at = 0;  // owners and rows both come in key order: merge them
    if (!keys.empty()) {
      const std::vector<std::string>* types = nullptr;
      if constexpr (A::is_as) types = &as_type_names<M>();
      load_by_keys<batch, T>(s, A::key_name.view(), keys, A::type_name.view(), types, l,
                             [&](std::shared_ptr<T> child) {
        const auto k = key_value(A::key_of(*child));
        while (at < owners.size() && owners[at]->id < k) ++at;
        for (std::size_t i = at; i < owners.size() && owners[i]->id == k; ++i) {
          if constexpr (A::kind == association_kind::has_one) {
            if (!children[i].empty()) continue;
          }
          if (i == at) set_inverse(*child, *owners[i]);
          children[i].push_back(child);
        }
      });
    }
    for (std::size_t i = 0; i < owners.size(); ++i) {
      if constexpr (A::kind == association_kind::has_one) {
        association_access::fill(owners[i]->*M,
                                 children[i].empty() ? nullptr : std::move(children[i].front()));
      } else {
        association_access::fill(owners[i]->*M, std::move(children[i]));
      }
    }
  }

  static void set_inverse(T& child, O& owner) {
    constexpr int inv = inverse_index<M>();
    if constexpr (inv >= 0) {
      constexpr auto B = value_at<associations_of<T>, inv>::value;
      using E = typename assoc<B>::member::element_type;
      association_access::set_inverse<E>(child.*B, &owner);
    }
  }
};

// ---- through --------------------------------------------------------------------------------

template <class Mid, class Target, class List>
struct source_search;
template <class Mid, class Target, auto... Ss>
struct source_search<Mid, Target, value_list<Ss...>> {
  static constexpr int count =
      (0 + ... + int(std::is_same_v<typename assoc<Ss>::declared_target, Target>));
  static constexpr int index = [] {
    int found = -1;
    int i = 0;
    ((found < 0 && std::is_same_v<typename assoc<Ss>::declared_target, Target> ? (found = i) : 0,
      ++i),
     ...);
    return found;
  }();
};

/// The association a through association follows on its intermediate model.
template <auto M>
consteval auto source_of() {
  using A = assoc<M>;
  if constexpr (value_option<source, typename A::options>::found) {
    return value_option<source, typename A::options>::value;
  } else {
    constexpr auto P = value_option<through, typename A::options>::value;
    using mid = typename assoc<P>::target;
    using search = source_search<mid, typename A::declared_target, associations_of<mid>>;
    static_assert(search::count == 1,
                  "[stitch] a through association's source could not be chosen: the "
                  "intermediate model must have exactly one association to the target, or "
                  "name it with stitch::source<&Intermediate::association>");
    if constexpr (search::count == 1) {
      return value_at<associations_of<mid>, search::index>::value;
    } else {
      return value_at<associations_of<mid>, 0>::value;
    }
  }
}

/// True when a through association's source can be chosen (else source_of reports it).
template <auto M>
consteval bool source_found() {
  using A = assoc<M>;
  if constexpr (value_option<source, typename A::options>::found) {
    return true;
  } else {
    using mid = typename assoc<value_option<through, typename A::options>::value>::target;
    return source_search<mid, typename A::declared_target, associations_of<mid>>::count == 1;
  }
}

template <auto M>
requires(assoc<M>::is_through) struct batch<M> {
  using A = assoc<M>;
  using O = typename A::owner;
  using T = typename A::target;
  static constexpr auto P = value_option<through, typename A::options>::value;
  static constexpr auto S = source_of<M>();
  using mid = typename assoc<P>::target;

  static void load(session& s, const std::vector<O*>& owners, const link& l) {
    static_assert(std::is_base_of_v<owner_of<P>, O>,
                  "[stitch] stitch::through<&Class::association> must name an association of "
                  "the owner (or of a class it derives from)");
    if constexpr (source_found<M>()) {
      static_assert(std::is_same_v<typename assoc<S>::declared_target, typename A::declared_target>,
                    "[stitch] a through association's source must have the same target class");
      if constexpr (std::is_same_v<typename assoc<S>::declared_target, typename A::declared_target>)
        load_through(s, owners, l);
    }
  }

  // One statement when every target row reaches one owner through one intermediate row
  // (has_many through a has_many of a hierarchy's root, whose source is a has_many into
  // another table): the targets joined with the intermediate's (root) table and filtered on
  // its owner key. The intermediate objects are not loaded.
  static constexpr bool joins = [] {
    using PA = assoc<P>;
    using SA = assoc<S>;
    if constexpr (source_found<M>()) {
      return A::kind == association_kind::has_many && PA::kind == association_kind::has_many &&
             SA::kind == association_kind::has_many && !PA::is_through && !PA::is_as &&
             !SA::is_through && !SA::is_as && std::is_same_v<mid, typename mid::stitch_root> &&
             std::is_base_of_v<owner_of<S>, mid> &&
             !std::is_same_v<typename mid::stitch_root, typename T::stitch_root> &&
             std::is_same_v<typename SA::declared_target, typename A::declared_target>;
    } else {
      return false;
    }
  }();

  static void load_through(session& s, const std::vector<O*>& owners, const link& l) {
    if constexpr (joins) {
      load_joined(s, owners, l);
    } else {
      load_in_steps(s, owners, l);
    }
  }

  static void load_joined(session& s, std::vector<O*> owners, const link& l) {
    using PA = assoc<P>;
    using SA = assoc<S>;
    const auto keys = owner_keys(owners);
    std::vector<std::vector<std::shared_ptr<T>>> found(owners.size());
    if (!keys.empty()) {
      const auto& d = s.sql_dialect();
      const auto& plan = plan_of<T>();
      const auto form = form_for(keys);
      auto st = s.acquire(
          key_slot<batch>(form),
          [&] {
            const auto& mid_table = table_of<mid>().name;
            query_state q;
            q.through = through_table{mid_table, SA::key_name.view(), PA::key_name.view()};
            predicate_data in_owners;
            std::string column;
            d.quote(column, mid_table);
            column += '.';
            d.quote(column, PA::key_name.view());
            in_owners.text(column);
            append_key_test(in_owners, d, form);
            q.conditions.push_back(std::move(in_owners));
            q.order.push_back({"id", false});
            return q.render(d, plan, query_state::shape::rows);
          },
          *plan.table);
      const int index = filters_type(plan) ? bind_type_names(*st, plan, 1) : 1;
      std::string list;
      bind_keys(*st, index, d, keys, list);
      const int owner_column = selected_columns(plan);
      std::size_t at = 0;  // owners and rows both come in owner key order: merge them
      load_rows<T>(plan, st, l, [&](std::shared_ptr<T> target) {
        const auto k = st->get_int64(owner_column);
        while (at < owners.size() && owners[at]->id < k) ++at;
        for (std::size_t i = at; i < owners.size() && owners[i]->id == k; ++i)
          found[i].push_back(target);
      });
    }
    for (std::size_t i = 0; i < owners.size(); ++i)
      association_access::fill(owners[i]->*M, std::move(found[i]));
  }

  static void load_in_steps(session& s, const std::vector<O*>& owners, const link& l) {
    std::vector<owner_of<P>*> up(owners.begin(), owners.end());
    const auto mids = preload<P>(s, up, l);
    preload<S>(s, narrow<owner_of<S>>(mids), l);
    for (O* o : owners) {
      std::vector<std::shared_ptr<T>> gathered;
      each_intermediate(o->*P, [&](mid& m) {
        auto* src = dynamic_cast<owner_of<S>*>(&m);
        if (src == nullptr) return;
        auto& a = src->*S;
        if constexpr (assoc<S>::is_collection) {
          for (const auto& item : association_access::items(a)) gathered.push_back(item);
        } else if (association_access::target(a)) {
          gathered.push_back(association_access::target(a));
        }
      });
      sort_by_id(gathered);
      if constexpr (A::kind == association_kind::has_one) {
        association_access::fill(o->*M, gathered.empty() ? nullptr : std::move(gathered.front()));
      } else {
        association_access::fill(o->*M, std::move(gathered));
      }
    }
  }

  template <class Assoc, class F>
  static void each_intermediate(Assoc& a, F&& f) {
    if constexpr (assoc<P>::is_collection) {
      for (const auto& item : association_access::items(a)) f(*item);
    } else if (auto* t = association_access::target(a).get()) {
      f(*t);
    }
  }
};

// ---- has_and_belongs_to_many --------------------------------------------------------------

template <auto M>
struct habtm_names {
  using A = assoc<M>;
  using O = typename A::owner;
  using T = typename A::target;
  static const std::string& join_table() {
    static const std::string name = [] {
      if constexpr (join_table_option<typename A::options>::found) {
        return std::string(join_table_option<typename A::options>::value);
      } else {
        const auto a = table_name_of<typename O::stitch_root>();
        const auto b = table_name_of<typename T::stitch_root>();
        return a < b ? a + "_" + b : b + "_" + a;
      }
    }();
    return name;
  }
  static const std::string& owner_key() {
    static const std::string name = join_keys_option<typename A::options>::found
                                        ? std::string(join_keys_option<typename A::options>::owner)
                                        : underscore(class_name<O>) + "_id";
    return name;
  }
  static const std::string& target_key() {
    static const std::string name = join_keys_option<typename A::options>::found
                                        ? std::string(join_keys_option<typename A::options>::target)
                                        : underscore(class_name<T>) + "_id";
    return name;
  }
};

template <auto M>
requires(assoc<M>::kind == association_kind::habtm) struct batch<M> {
  using A = assoc<M>;
  using O = typename A::owner;
  using T = typename A::target;
  using names = habtm_names<M>;

  static void load(session& s, std::vector<O*> owners, const link& l) {
    const auto keys = owner_keys(owners);
    std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
    if (!keys.empty()) {
      const auto form = form_for(keys);
      const std::string sql = [&] {  // the same text for each form: prepared once
        sql_builder b(s.sql_dialect());
        b << "SELECT ";
        b.name(names::owner_key()) << ", ";
        b.name(names::target_key()) << " FROM ";
        b.name(names::join_table()) << " WHERE ";
        b.pieces(key_test(s.sql_dialect(), names::owner_key(), form));
        b << " ORDER BY ";
        b.name(names::owner_key()) << ", ";
        b.name(names::target_key());
        return std::move(b).str();
      }();
      auto st = s.acquire(sql, nullptr);
      std::string list;
      bind_keys(*st, 1, s.sql_dialect(), keys, list);
      while (st.step()) pairs.emplace_back(st->get_int64(0), st->get_int64(1));
    }
    std::vector<std::int64_t> ids;
    ids.reserve(pairs.size());
    for (const auto& p : pairs) ids.push_back(p.second);
    sort_unique(ids);
    const auto targets =
        ids.empty() ? std::vector<std::shared_ptr<T>>{} : load_by_ids<T>(s, ids, l);
    std::size_t at = 0;
    for (O* o : owners) {
      std::vector<std::shared_ptr<T>> mine;
      while (at < pairs.size() && pairs[at].first < o->id) ++at;
      for (std::size_t i = at; i < pairs.size() && pairs[i].first == o->id; ++i) {
        std::shared_ptr<T> t;
        if (find_by_id(targets, pairs[i].second, &t) != nullptr) mine.push_back(std::move(t));
      }
      sort_by_id(mine);
      association_access::fill(o->*M, std::move(mine));
    }
  }
};

// ---- Paths given to includes() and db.load() -----------------------------------------------

/// Calls f.template operator()<M>() for the listed association that `member` points to.
template <class O, class Member, class F>
void with_association(Member O::*member, F&& f) {
  constexpr bool listed = [] {
    bool any = false;
    for_each_association<O>([&]<auto M>() {
      any = any || std::is_same_v<decltype(M), Member O::*>;
    });
    return any;
  }();
  static_assert(listed,
                "[stitch] this association is not listed in its class: add it to the class's "
                "`using associations = stitch::associations<&Class::member, ...>;`");
  bool done = false;
  for_each_association<O>([&]<auto M>() {
    if constexpr (std::is_same_v<decltype(M), Member O::*>) {
      if (!done && M == member) {
        done = true;
        f.template operator()<M>();
      }
    }
  });
  if (!done)
    throw usage_error("an association given to includes() or load() is not listed in " +
                      std::string(class_name<O>) + "'s stitch::associations");
}

template <class P>
struct path_step;
template <class O, class Member>
struct path_step<Member O::*> {
  using owner = O;
  using target = typename polymorphic_target<typename Member::stitch_target>::type;
  static constexpr bool is_association = requires { Member::stitch_kind; };
};

/// True when a path of association member pointers can start at class T.
template <class T, class... Ps>
consteval bool path_is_valid() {
  bool ok = true;
  using prev_list = type_list<T, typename path_step<Ps>::target...>;
  for_each_type(type_list<Ps...>{}, [&]<class P, std::size_t I>() {
    using prev = typename type_at<prev_list, I>::type;
    using owner = typename path_step<P>::owner;
    ok = ok && path_step<P>::is_association &&
         (std::is_base_of_v<owner, prev> || std::is_base_of_v<prev, owner>);
  });
  return ok;
}

template <class T, class... Ps>
consteval bool check_path() {
  constexpr bool ok = path_is_valid<T, Ps...>();
  static_assert(ok,
                "[stitch] this include path does not follow the models: each step must be "
                "&Class::association, where Class is the previous step's target (the queried "
                "model for the first step), a class it derives from or a class below it");
  return ok;
}

/// Loads the path's associations for `objects` and everything they reach, level by level.
template <class Prev, class P, class... Rest>
void preload_path(session& s, const std::vector<Prev*>& objects, const link& l, P step,
                  Rest... rest) {
  using owner = typename path_step<P>::owner;
  const auto owners = narrow<owner>(objects);
  if (owners.empty()) return;
  with_association(
      step, [&]<auto M>() {
        auto next = preload<M>(s, owners, l);
        if constexpr (sizeof...(Rest) > 0) preload_path(s, next, l, rest...);
      });
}

}  // namespace stitch::detail
