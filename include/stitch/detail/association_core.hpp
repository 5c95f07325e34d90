#pragma once
// Compile-time facts about declared associations: the list of a class, the columns each one
// uses, its inverse, and the run-time descriptor objects carry after loading.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include <boost/pfr/core.hpp>

#include "../association.hpp"
#include "../hierarchy.hpp"
#include "../model.hpp"
#include "naming.hpp"
#include "reflect.hpp"
#include "session.hpp"
#include "type_list.hpp"

namespace stitch::detail {

// ---- The associations of a class ---------------------------------------------------

template <auto... Ms>
struct value_list {
  static constexpr std::size_t size = sizeof...(Ms);
};

template <class A, class B>
struct concat_values;
template <auto... A, auto... B>
struct concat_values<value_list<A...>, value_list<B...>> {
  using type = value_list<A..., B...>;
};

template <auto M>
using owner_of = typename member_pointer_traits<M>::class_type;

// The list C declares itself (an `associations` alias inherited from a parent is the parent's).
template <class C, class = void>
struct own_associations {
  using type = value_list<>;
};
template <class C, auto... Ms>
consteval bool declared_by() {
  return ((std::is_same_v<owner_of<Ms>, C>)&&...);
}
template <class C, class List>
struct own_list {
  using type = value_list<>;
};
template <class C, auto... Ms>
struct own_list<C, associations<Ms...>> {
  static_assert(declared_by<C, Ms...>(),
                "[stitch] a class's `using associations = stitch::associations<...>` may list "
                "only members the class declares itself: list each association in the class "
                "that declares it (a subclass lists its own; its parent's are inherited)");
  using type = value_list<Ms...>;
};

template <class C, class = void>
struct parent_associations {
  using type = void;
};
template <class C>
struct parent_associations<C, std::void_t<typename model_traits<C>::parent::associations>> {
  using type = typename model_traits<C>::parent::associations;
};

template <class C, bool Inherited>
struct own_select {
  using type = value_list<>;
};
template <class C>
struct own_select<C, false> {
  using type = typename own_list<C, typename C::associations>::type;
};

template <class C>
struct own_associations<C, std::void_t<typename C::associations>> {
  // The same alias as the parent's is the parent's list, inherited.
  using type = typename own_select<
      C, std::is_same_v<typename C::associations, typename parent_associations<C>::type>>::type;
};

template <class List>
struct lineage_associations;
template <>
struct lineage_associations<type_list<>> {
  using type = value_list<>;
};
template <class C, class... Rest>
struct lineage_associations<type_list<C, Rest...>> {
  using type =
      typename concat_values<typename own_associations<C>::type,
                             typename lineage_associations<type_list<Rest...>>::type>::type;
};

/// Every association an object of class C has: its ancestors' and its own.
template <class C>
using associations_of = typename lineage_associations<lineage_t<C>>::type;

/// Calls f.template operator()<M>() for each association M of C.
template <class C, class F>
constexpr void for_each_association(F&& f) {
  [&]<auto... Ms>(value_list<Ms...>) { (f.template operator()<Ms>(), ...); }
  (associations_of<C>{});
}

template <class C>
inline constexpr bool has_associations = associations_of<C>::size > 0;

// ---- Names built at compile time -----------------------------------------------------

/// A short string built at compile time (column names such as data_source_id).
struct static_name {
  char data[128]{};  // NOLINT(modernize-avoid-c-arrays)
  std::size_t length = 0;
  [[nodiscard]] constexpr std::string_view view() const { return {data, length}; }
  [[nodiscard]] constexpr std::size_t size() const { return length; }
  constexpr void push_back(char c) { data[length++] = c; }
  [[nodiscard]] constexpr char operator[](std::size_t i) const { return data[i]; }
};

constexpr static_name join_names(std::string_view a, std::string_view b) {
  static_name out;
  for (char c : a) out.push_back(c);
  for (char c : b) out.push_back(c);
  return out;
}
constexpr static_name underscore_name(std::string_view cls, std::string_view suffix) {
  return join_names(underscore_as<static_name>(cls).view(), suffix);
}

// ---- Options ---------------------------------------------------------------------------

template <template <auto> class Option, class List>
struct value_option {
  static constexpr bool found = false;
  static constexpr std::nullptr_t value = nullptr;
};
template <template <auto> class Option, auto V, class... Rest>
struct value_option<Option, type_list<Option<V>, Rest...>> {
  static constexpr bool found = true;
  static constexpr auto value = V;
};
template <template <auto> class Option, class First, class... Rest>
struct value_option<Option, type_list<First, Rest...>> : value_option<Option, type_list<Rest...>> {
};

/// A string-valued option (as<"name">, join_table<"name">) of an association, if given.
template <template <fixed_string> class Option, class List>
struct name_option {
  static constexpr bool found = false;
  static constexpr std::string_view value{};
};
template <template <fixed_string> class Option, fixed_string N, class... Rest>
struct name_option<Option, type_list<Option<N>, Rest...>> {
  static constexpr bool found = true;
  static constexpr std::string_view value = N.view();
};
template <template <fixed_string> class Option, class First, class... Rest>
struct name_option<Option, type_list<First, Rest...>> : name_option<Option, type_list<Rest...>> {};
template <class List>
using as_option = name_option<as, List>;
template <class List>
using join_table_option = name_option<join_table, List>;

template <class List>
struct join_keys_option {
  static constexpr bool found = false;
  static constexpr std::string_view owner{};
  static constexpr std::string_view target{};
};
template <fixed_string O, fixed_string T, class... Rest>
struct join_keys_option<type_list<join_keys<O, T>, Rest...>> {
  static constexpr bool found = true;
  static constexpr std::string_view owner = O.view();
  static constexpr std::string_view target = T.view();
};
template <class First, class... Rest>
struct join_keys_option<type_list<First, Rest...>> : join_keys_option<type_list<Rest...>> {};

enum class dependent_kind : std::uint8_t { none, destroy, delete_all, nullify, restrict };

template <class List>
struct dependent_option;
template <class... Os>
struct dependent_option<type_list<Os...>> {
  static constexpr dependent_kind value =
      has_option<dependent::destroy, Os...>      ? dependent_kind::destroy
      : has_option<dependent::delete_all, Os...> ? dependent_kind::delete_all
      : has_option<dependent::nullify, Os...>    ? dependent_kind::nullify
      : has_option<dependent::restrict, Os...>   ? dependent_kind::restrict
                                                 : dependent_kind::none;
};

template <class List>
struct concrete_option;
template <class... Os>
struct concrete_option<type_list<Os...>> {
  static constexpr bool value = has_option<store_concrete_class, Os...>;
};

template <class T>
struct polymorphic_list {
  static constexpr bool is_polymorphic = false;
  using types = type_list<T>;
};
template <class... Ts>
struct polymorphic_list<polymorphic<Ts...>> {
  static constexpr bool is_polymorphic = true;
  using types = type_list<Ts...>;
};

// ---- Columns found by name -----------------------------------------------------------------

struct column_pos {
  int lineage = -1;  // index in lineage_t<C>
  int field = -1;    // index in that class's Columns
  [[nodiscard]] constexpr bool found() const { return lineage >= 0; }
};

template <class C>
consteval column_pos find_column(std::string_view name) {
  column_pos out;
  if constexpr (model_class<C>) {
    for_each_type(lineage_t<C>{}, [&]<class A, std::size_t L>() {
      using cols = typename A::stitch_columns;
      constexpr auto names = field_names<cols>;
      for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) out = {static_cast<int>(L), static_cast<int>(i)};
    });
  }
  return out;
}

template <class List, std::size_t I>
struct type_at;
template <class T, class... Ts>
struct type_at<type_list<T, Ts...>, 0> {
  using type = T;
};
template <class T, class... Ts, std::size_t I>
struct type_at<type_list<T, Ts...>, I> : type_at<type_list<Ts...>, I - 1> {};

template <class C, int L, int F>
struct column_at {
  using columns = typename type_at<lineage_t<C>, static_cast<std::size_t>(L)>::type::stitch_columns;
  using member = std::remove_cvref_t<decltype(boost::pfr::get<static_cast<std::size_t>(F)>(
      std::declval<columns&>()))>;
};

/// The member of obj (of class C or below) at position (L, F) of C's lineage.
template <class C, int L, int F, class Obj>
auto& column_of(Obj& obj) {
  using info = column_at<C, L, F>;
  using cols = std::conditional_t<std::is_const_v<Obj>, const typename info::columns,
                                  typename info::columns>;
  return boost::pfr::get<static_cast<std::size_t>(F)>(static_cast<cols&>(obj));
}

template <class M>
inline constexpr bool is_key_member = std::is_same_v<column_value_t<M>, std::int64_t> ||
                                      std::is_same_v<column_value_t<M>, std::int32_t>;

/// Reads a key column: 0 for NULL.
template <class M>
std::int64_t key_value(const M& m) {
  if constexpr (!is_key_member<M>) {
    return 0;  // check_association reports the column's type
  } else if constexpr (is_nullable_v<M>) {
    return m ? static_cast<std::int64_t>(*m) : 0;
  } else {
    return static_cast<std::int64_t>(m);
  }
}

/// Writes a key column: 0 writes NULL into an optional member.
template <class M>
void set_key(M& m, std::int64_t id, std::string_view where) {
  if constexpr (!is_key_member<M>) {
    return;  // check_association reports the column's type
  } else if constexpr (is_nullable_v<M>) {
    if (id == 0) {
      m.reset();
    } else {
      m = static_cast<column_value_t<M>>(id);
    }
  } else {
    if (id == 0)
      throw usage_error("cannot clear " + std::string(where) +
                        ": its foreign key column is not std::optional");
    m = static_cast<M>(id);
  }
}

// ---- One association's facts ------------------------------------------------------------

template <auto M>
struct assoc {
  using owner = owner_of<M>;
  using member = typename member_pointer_traits<M>::member_type;
  using declared_target = typename member::stitch_target;
  using options = typename member::stitch_options;
  using targets = typename polymorphic_list<declared_target>::types;
  static constexpr bool is_polymorphic = polymorphic_list<declared_target>::is_polymorphic;
  using target = std::conditional_t<is_polymorphic, record, declared_target>;
  static constexpr association_kind kind = member::stitch_kind;
  static constexpr std::string_view name = parse_member_name(pretty_name_of<M>());
  static constexpr std::string_view owner_name = class_name<owner>;
  static constexpr dependent_kind dependent = dependent_option<options>::value;
  static constexpr bool is_through = value_option<through, options>::found;
  static constexpr bool is_as = as_option<options>::found;
  static constexpr bool stores_concrete = concrete_option<options>::value;
  static constexpr bool is_collection =
      kind == association_kind::has_many || kind == association_kind::habtm;

  // belongs_to: the key column (and type column) on the owner; has_one / has_many: the key
  // column (and type column, with as<>) on the target.
  static constexpr static_name key_name = [] {
    if constexpr (value_option<foreign_key, options>::found) {
      constexpr auto p = value_option<foreign_key, options>::value;
      return join_names(field_name<owner_of<p>, field_index<p>()>, "");
    } else if constexpr (kind == association_kind::belongs_to) {
      return join_names(name, "_id");
    } else if constexpr (is_as) {
      return join_names(as_option<options>::value, "_id");
    } else {
      return underscore_name(owner_name, "_id");
    }
  }();
  static constexpr static_name type_name = [] {
    if constexpr (kind == association_kind::belongs_to && is_polymorphic) {
      return join_names(name, "_type");
    } else if constexpr (is_as) {
      return join_names(as_option<options>::value, "_type");
    } else {
      return static_name{};
    }
  }();
  // The class whose lineage holds the key column.
  using key_holder = std::conditional_t<kind == association_kind::belongs_to, owner, target>;
  static constexpr column_pos key = [] {
    if constexpr (kind == association_kind::habtm || is_through) {
      return column_pos{};
    } else {
      return find_column<key_holder>(key_name.view());
    }
  }();
  static constexpr column_pos type_column = [] {
    if constexpr (type_name.length == 0) {
      return column_pos{};
    } else {
      return find_column<key_holder>(type_name.view());
    }
  }();

  /// The key column of obj (the owner for belongs_to, a target otherwise).
  // (A missing column is reported once by check_association; a stand-in keeps the rest of
  // the compilation quiet.)
  template <class Obj>
  static auto& key_of(Obj& obj) {
    if constexpr (key.found()) {
      return column_of<key_holder, key.lineage, key.field>(obj);
    } else {
      static std::int64_t missing = 0;
      return missing;
    }
  }
  /// The `<name>_type` column of obj.
  template <class Obj>
  static auto& type_of(Obj& obj) {
    if constexpr (type_column.found()) {
      return column_of<key_holder, type_column.lineage, type_column.field>(obj);
    } else {
      static std::string missing;
      return missing;
    }
  }
};

template <auto M>
using key_member_t =
    std::remove_cvref_t<decltype(assoc<M>::key_of(std::declval<typename assoc<M>::key_holder&>()))>;

template <class... Ts>
consteval bool distinct_roots(type_list<Ts...> /*targets*/) {
  using roots = type_list<typename Ts::stitch_root...>;
  bool ok = true;
  for_each_type(roots{}, [&]<class R, std::size_t I>() { ok = ok && index_of_v<R, roots> == I; });
  return ok;
}

/// True when association M's columns exist and have usable types (no message).
template <auto M>
consteval bool association_ok() {
  using A = assoc<M>;
  if constexpr (A::kind == association_kind::habtm || A::is_through) {
    return true;
  } else if constexpr (!A::key.found()) {
    return false;
  } else {
    return is_key_member<
               std::remove_cvref_t<decltype(A::key_of(std::declval<typename A::key_holder&>()))>> &&
           (A::type_name.length == 0 || A::type_column.found());
  }
}

/// Checks, once per association, what can only be checked with every class complete.
template <auto M>
consteval bool check_association() {
  using A = assoc<M>;
  if constexpr (A::kind == association_kind::habtm || A::is_through) {
    return true;
  } else {
    static_assert(A::key.found(),
                  "[stitch] an association's foreign-key column was not found: belongs_to "
                  "looks for <association>_id in the owner's Columns, has_many and has_one for "
                  "<owner class>_id in the target's (as<\"name\">: name_id); name another with "
                  "stitch::foreign_key<&Columns::column>");
    if constexpr (A::key.found()) {
      static_assert(is_key_member<key_member_t<M>>,
                    "[stitch] an association's foreign-key column must be an integer "
                    "(std::int64_t or std::int32_t, or std::optional of one)");
    }
    if constexpr (A::kind == association_kind::belongs_to && A::is_polymorphic) {
      static_assert(distinct_roots(typename A::targets{}),
                    "[stitch] a stitch::polymorphic list may name one class per hierarchy: "
                    "`<name>_type` stores the hierarchy's root, which could not tell two of its "
                    "classes apart (list the root, or use stitch::store_concrete_class)");
    }
    if constexpr (A::type_name.length != 0) {
      static_assert(A::type_column.found(),
                    "[stitch] a polymorphic association needs a <name>_type column "
                    "(std::string or std::optional<std::string>) next to <name>_id");
    }
    return association_ok<M>();
  }
}

template <auto M, auto B>
consteval bool is_inverse() {
  using A = assoc<M>;
  using I = assoc<B>;
  if constexpr (I::kind != association_kind::belongs_to) {
    return false;
  } else if constexpr (A::is_as) {
    return I::is_polymorphic && I::name == as_option<typename A::options>::value;
  } else if constexpr (I::is_polymorphic) {
    return false;
  } else {
    return std::is_base_of_v<typename I::target, typename A::owner> &&
           I::key_name.view() == A::key_name.view();
  }
}

template <class List, std::size_t I>
struct value_at;
template <auto V, auto... Vs>
struct value_at<value_list<V, Vs...>, 0> {
  static constexpr auto value = V;
};
template <auto V, auto... Vs, std::size_t I>
struct value_at<value_list<V, Vs...>, I> : value_at<value_list<Vs...>, I - 1> {};

/// The position, in its target's associations, of the belongs_to that is the inverse of
/// has_many / has_one M (after loading ds.fields, each field's data_source is ds); -1: none.
template <auto M>
consteval int inverse_index() {
  using A = assoc<M>;
  if constexpr (A::kind == association_kind::belongs_to || A::kind == association_kind::habtm ||
                A::is_through) {
    return -1;
  } else {
    int found = -1;
    int i = 0;
    [&]<auto... Bs>(value_list<Bs...>) {
      ((found < 0 && is_inverse<M, Bs>() ? (found = i) : 0, ++i), ...);
    }
    (associations_of<typename A::target>{});
    return found;
  }
}

/// Objects a collection held before it loaded (built or added, maybe saved since) stay the
/// objects it holds: a loaded row with a held object's id is replaced by that object, and the
/// others (new, or added to be moved here) stay after the loaded ones, so that references to
/// them stay valid.
template <class T>
void keep_held(std::vector<std::shared_ptr<T>>& held, std::vector<std::shared_ptr<T>>& loaded) {
  std::vector<std::shared_ptr<T>> fresh;
  for (auto& item : held) {
    if (!item) continue;
    if (item->new_record()) {
      fresh.push_back(std::move(item));
      continue;
    }
    const auto it = std::lower_bound(  // loaded is in id order
        loaded.begin(), loaded.end(), item->id,
        [](const std::shared_ptr<T>& l, std::int64_t id) { return l->id < id; });
    if (it != loaded.end() && (*it)->id == item->id) {
      *it = std::move(item);
    } else {
      fresh.push_back(std::move(item));  // added to move it here: the owner's save writes it
    }
  }
  for (auto& f : fresh) loaded.push_back(std::move(f));
}

// ---- Access to the members' private state -----------------------------------------------

template <auto M>
const association_info& info_of(const owner_of<M>& owner);

template <auto M>
void lazy_load(session& s, void* owner, const link& l);

/// The one place that reads and writes the association members' state.
struct association_access {
  static void attach(association_base& a, const association_info* info, const link& l) noexcept {
    a.info_ = info;
    a.session_ = l.session;
    a.strict_ = l.strict;
  }
  static const association_info* info(const association_base& a) noexcept { return a.info_; }
  static link link_of(const association_base& a) noexcept { return a.link_to_session(); }
  static void mark_loaded(const association_base& a) noexcept { a.loaded_ = true; }

  template <class T>
  static std::vector<std::shared_ptr<T>>& items(collection_base<T>& a) noexcept {
    return a.items_;
  }
  template <class T, bool E>
  static std::shared_ptr<T>& target(single_base<T, E>& a) noexcept {
    return a.target_;
  }
  /// Fills a collection with what the database has; new objects added before stay after them.
  template <class T>
  static void fill(collection_base<T>& a, std::vector<std::shared_ptr<T>> loaded) {
    if (!a.items_.empty()) keep_held(a.items_, loaded);
    a.release();
    a.items_ = std::move(loaded);
    a.loaded_ = true;
  }
  template <class T, bool E>
  static void fill(single_base<T, E>& a, std::shared_ptr<T> loaded) {
    if (a.loaded_ && a.target_ && a.target_->new_record()) return;  // set() before the load
    a.release();
    a.target_ = std::move(loaded);
    a.loaded_ = true;
  }
  /// Points a child's belongs_to at its owner without owning it (the owner owns the child).
  template <class T, bool E>
  static void set_inverse(single_base<T, E>& a, T* owner) noexcept {
    a.target_ = std::shared_ptr<T>(std::shared_ptr<void>(), owner);
    a.loaded_ = true;
  }
  template <class T, bool E>
  static bool is_inverse_of(const single_base<T, E>& a, const T* owner) noexcept {
    return a.target_.get() == owner && a.target_.use_count() == 0;
  }

  template <class B>
  static bool pending(const B& a) noexcept {
    return a.pending_;
  }
  template <class B>
  static std::int64_t pending_id(const B& a) noexcept {
    return a.pending_id_;
  }
  template <class B>
  static std::string_view pending_type(const B& a) noexcept {
    return std::string_view(a.pending_type_);
  }
  /// Writes a belongs_to's set()/clear() into its owner's columns when the owner is known.
  template <class B>
  static void apply_pending(B& a) {
    if (a.info_ == nullptr || !a.pending_) return;
    if (a.target_ && a.target_->new_record()) return;  // its id comes when the owner is saved
    a.info_->write_key(a.owner(), a.target_ ? a.target_->id : a.pending_id_,
                       std::string_view(a.pending_type_));
    a.pending_ = false;
  }
  template <class H>
  static bool& replaced(H& a) noexcept {
    return a.replaced_;
  }
  template <class B>
  static void settle(B& a, std::int64_t id) {
    a.pending_ = true;  // a stale key is written again too, not only a pending set()
    a.pending_id_ = id;
    apply_pending(a);
  }
};

template <class B>
void apply_pending_of(B& association) {
  association_access::apply_pending(association);
}

/// Writes a belongs_to's key (and type) columns into its owner.
template <auto M>
void write_key(void* owner, std::int64_t id, std::string_view type) {
  using A = assoc<M>;
  auto& o = *static_cast<typename A::owner*>(owner);
  set_key(A::key_of(o), id, std::string(A::owner_name) + "::" + std::string(A::name));
  if constexpr (A::type_column.found()) {
    auto& t = A::type_of(o);
    if (id == 0) {
      if constexpr (is_nullable_v<std::remove_cvref_t<decltype(t)>>) {
        t.reset();
      } else {
        t.clear();
      }
    } else {
      t = std::string(type);
    }
  }
}

template <auto M>
void unlink_inverse(void* child, const void* owner) {
  using A = assoc<M>;
  constexpr int inv = inverse_index<M>();
  if constexpr (inv >= 0) {
    constexpr auto B = value_at<associations_of<typename A::target>, inv>::value;
    using E = typename assoc<B>::member::element_type;
    auto& b = static_cast<typename A::target*>(child)->*B;
    const E* o = static_cast<const typename A::owner*>(owner);
    if (association_access::is_inverse_of(b, o)) b.reset();
  }
}

template <auto M>
void relink_inverse(void* child, void* owner) {
  using A = assoc<M>;
  constexpr int inv = inverse_index<M>();
  if constexpr (inv >= 0) {
    constexpr auto B = value_at<associations_of<typename A::target>, inv>::value;
    using E = typename assoc<B>::member::element_type;
    auto& b = static_cast<typename A::target*>(child)->*B;
    if (association_access::target(b) && association_access::target(b).use_count() == 0)
      association_access::set_inverse<E>(b, static_cast<typename A::owner*>(owner));
  }
}

/// The descriptor of association M; the first call measures the member's offset.
template <auto M>
const association_info& info_of(const owner_of<M>& owner) {
  static_assert(reported(check_association<M>()));
  using A = assoc<M>;
  static const association_info info = [&] {
    association_info i;
    i.owner_class = A::owner_name;
    i.name = A::name;
    // From the owner to the member's association_base subobject, which owner() starts from.
    const association_base* member = &(owner.*M);
    i.offset = reinterpret_cast<const char*>(member) - reinterpret_cast<const char*>(&owner);
    if constexpr (association_ok<M>()) {
      i.load = &lazy_load<M>;
      if constexpr (inverse_index<M>() >= 0) {
        i.unlink = &unlink_inverse<M>;
        i.relink = &relink_inverse<M>;
      }
      if constexpr (A::kind == association_kind::belongs_to) i.write_key = &write_key<M>;
    }
    return i;
  }();
  return info;
}

/// Forgets what the associations of obj hold (an object read again from a row, such as the
/// one a query's iteration reuses, must not keep the previous row's associations).
template <class C>
void reset_associations(C& obj) noexcept {
  for_each_association<C>([&]<auto M>() {
    if ((obj.*M).loaded()) (obj.*M).reset();
  });
}

/// Connects every association of obj (of class C) to the session it came from.
template <class C>
void attach_all(C& obj, const link& l) {
  for_each_association<C>([&]<auto M>() {
    auto& a = obj.*M;
    association_access::attach(a, &info_of<M>(obj), l);
    if constexpr (assoc<M>::kind == association_kind::belongs_to)
      association_access::apply_pending(a);
  });
}

}  // namespace stitch::detail
