#pragma once
/// @file model.hpp
/// Model classes: stitch::model for a root or a plain model, stitch::subclass for a class
/// of a hierarchy. Columns live in plain aggregates that the model class inherits.

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "detail/reflect.hpp"
#include "detail/type_list.hpp"
#include "types.hpp"

namespace stitch {

namespace detail {
struct record_access;

template <class Columns, std::size_t... I>
consteval bool check_columns(std::index_sequence<I...>) {
  using fields =
      type_list<std::remove_cvref_t<decltype(boost::pfr::get<I>(std::declval<Columns&>()))>...>;
  bool ok = true;
  for_each_type(fields{}, [&]<class F, std::size_t>() {
    if (ok && !is_column_type_v<F>) ok = report_unsupported_column<F>();
    if constexpr (declared_enum<column_value_t<F>>)
      ok = enum_declaration_is_sound<column_value_t<F>>() && ok;
  });
  return ok;
}

template <class Columns>
consteval bool columns_are_valid() {
  if constexpr (!std::is_aggregate_v<Columns> || std::is_polymorphic_v<Columns>) {
    static_assert(std::is_aggregate_v<Columns> && !std::is_polymorphic_v<Columns>,
                  "[stitch] a Columns type must be a plain aggregate (a struct with public "
                  "members, no constructors, no virtual functions, no base classes)");
    return false;
  } else {
    return check_columns<Columns>(std::make_index_sequence<field_count<Columns>>{});
  }
}

template <class Columns>
consteval bool no_reserved_names() {
  if constexpr (std::is_aggregate_v<Columns> && !std::is_polymorphic_v<Columns>) {
    for (auto name : field_names<Columns>)
      if (name == "id" || name == "type") return false;
  }
  return true;
}

/// Checks a Columns aggregate once: reflectable, storable members, no reserved names.
template <class Columns>
consteval bool check_columns_type() {
  const bool valid = columns_are_valid<Columns>();
  static_assert(no_reserved_names<Columns>(),
                "[stitch] a Columns aggregate may not declare `id` or `type`: stitch::record "
                "holds the primary key and the hierarchy writes the discriminator");
  return valid && no_reserved_names<Columns>();
}

/// Runs a check whose own static_assert reports the problem; always true, so that the
/// caller's static_assert adds no second, bare message.
consteval bool reported(bool /*check*/) { return true; }

template <class Self>
constexpr std::string_view sti_name_of();
}  // namespace detail

/// Base of every model object: the primary key and whether the object has a row.
class record {
 public:
  /// The primary key; 0 until the object is inserted (unless set explicitly before).
  std::int64_t id = 0;

  virtual ~record() = default;

  /// The discriminator this object's class stores in `type` (its class name by default).
  [[nodiscard]] virtual std::string_view type_name() const noexcept = 0;

  /// True once the object was loaded from or saved to the database.
  [[nodiscard]] bool persisted() const noexcept { return persisted_ != 0; }
  /// True until the object has a row.
  [[nodiscard]] bool new_record() const noexcept { return persisted_ == 0; }

  /// Rails stores NULL in `type` for objects of a hierarchy's root class; stitch stores the
  /// root's name. True when this object was loaded from a row whose `type` is NULL or empty,
  /// or after store_null_type(true): an insert of an object of the root class then writes
  /// NULL, so that a row copied from a Rails database keeps its NULL. (Updates never write
  /// `type`; objects of other classes always store their class's name.)
  [[nodiscard]] bool stores_null_type() const noexcept { return null_type_ != 0; }
  void store_null_type(bool null_type) noexcept { null_type_ = null_type ? 1 : 0; }

 protected:
  record() = default;
  record(const record&) = default;
  record(record&&) = default;
  record& operator=(const record&) = default;
  record& operator=(record&&) = default;

 private:
  friend struct detail::record_access;
  // One word: whether the row exists, whether its `type` is NULL, and the transaction level
  // that inserted it while that level may still be rolled back (a serial; 62 bits never run
  // out).
  std::uint64_t persisted_ : 1 = 0;
  std::uint64_t null_type_ : 1 = 0;
  std::uint64_t inserted_in_ : 62 = 0;
};

/// A root model (of a hierarchy, or a plain model): `struct Field : stitch::model<Field,
/// FieldColumns> {...};`. Columns is an aggregate whose members are the table's columns.
template <class Self, class Columns>
class model : public record, public Columns {
  static_assert(detail::reported(detail::check_columns_type<Columns>()));

 public:
  using stitch_self = Self;
  using stitch_root = Self;
  using stitch_parent = void;
  using stitch_columns = Columns;

  [[nodiscard]] std::string_view type_name() const noexcept override {
    return detail::sti_name_of<Self>();
  }
};

/// A class of a hierarchy: `struct CsvFile : stitch::subclass<CsvFile, DataSource,
/// CsvFileColumns> {...};`. List it in the root's stitch::hierarchy declaration.
namespace detail {
struct placeholder_columns {};
// Stands in for a Parent that is not a model, so that only the static_assert reports.
class placeholder_model : public record, public placeholder_columns {
 public:
  using stitch_self = placeholder_model;
  using stitch_root = placeholder_model;
  using stitch_parent = void;
  using stitch_columns = placeholder_columns;
  [[nodiscard]] std::string_view type_name() const noexcept override { return {}; }
};
template <class Parent>
using model_parent =
    std::conditional_t<std::is_base_of_v<record, Parent>, Parent, placeholder_model>;
}  // namespace detail

template <class Self, class Parent, class Columns>
class subclass : public detail::model_parent<Parent>, public Columns {
  static_assert(std::is_base_of_v<record, Parent>,
                "[stitch] the Parent of stitch::subclass<Self, Parent, Columns> must be a "
                "stitch::model or stitch::subclass");
  static_assert(detail::reported(detail::check_columns_type<Columns>()));

 public:
  using stitch_self = Self;
  using stitch_root = typename detail::model_parent<Parent>::stitch_root;
  using stitch_parent = detail::model_parent<Parent>;
  using stitch_columns = Columns;

  [[nodiscard]] std::string_view type_name() const noexcept override {
    return detail::sti_name_of<Self>();
  }
};

/// True for classes derived from stitch::model or stitch::subclass.
template <class T>
concept model_class = std::is_base_of_v<record, T> && requires {
  typename T::stitch_self;
  typename T::stitch_root;
  typename T::stitch_columns;
};

namespace detail {
template <auto Member>
inline constexpr bool is_text_member = [] {
  if constexpr (std::is_member_object_pointer_v<decltype(Member)>) {
    return std::is_same_v<column_value_t<typename member_pointer_traits<Member>::member_type>,
                          std::string>;
  } else {
    return false;
  }
}();
}  // namespace detail

/// The std::string columns a model stores as SQL `text` instead of `varchar`, as Rails'
/// `t.text` declares them (create_schema writes the type; reads and writes are those of any
/// std::string): `using text_columns = stitch::text_columns<&DataSourceColumns::description>;`
/// in the model class, listing members of its own Columns aggregate (a subclass lists its
/// own; the one it inherits from its parent applies to the parent's members).
template <auto... Members>
struct text_columns {
  static_assert((detail::is_text_member<Members> && ...),
                "[stitch] stitch::text_columns<...> lists pointers to members of a Columns "
                "aggregate of type std::string or std::optional<std::string>");
};

namespace detail {

template <class T>
concept declares_sti_name = requires {
  { T::sti_name } -> std::convertible_to<std::string_view>;
};

// A class's stored discriminator: its own `static constexpr std::string_view sti_name`, else
// its class name. An sti_name inherited from a parent does not count.
template <class Self>
constexpr std::string_view sti_name_of() {
  if constexpr (declares_sti_name<Self>) {
    using parent = typename Self::stitch_parent;
    if constexpr (!std::is_void_v<parent> && declares_sti_name<parent>) {
      if (&Self::sti_name == &parent::sti_name) return class_name<Self>;
    }
    return Self::sti_name;
  } else {
    return class_name<Self>;
  }
}

template <class C>
struct model_traits {
  using root = void;
  using parent = void;
};
template <class C>
requires requires {
  typename C::stitch_root;
  typename C::stitch_parent;
}
struct model_traits<C> {
  using root = typename C::stitch_root;
  using parent = typename C::stitch_parent;
};

// The classes from the root down to T: type_list<Root, ..., T>.
template <class T, class Tail = type_list<>>
struct lineage;
template <class T, class... Tail>
struct lineage<T, type_list<Tail...>> {
  using parent = typename model_traits<T>::parent;
  using type =
      typename std::conditional_t<std::is_void_v<parent>, std::type_identity<type_list<T, Tail...>>,
                                  lineage<parent, type_list<T, Tail...>>>::type;
};
template <class... Tail>
struct lineage<void, type_list<Tail...>> {
  using type = type_list<Tail...>;
};
template <class T>
using lineage_t = typename lineage<T>::type;

// Grants the core write access to record's private state.
struct record_access {
  static void set_persisted(record& r, bool value) noexcept { r.persisted_ = value ? 1 : 0; }
  static std::uint64_t inserted_in(const record& r) noexcept { return r.inserted_in_; }
  static void set_inserted_in(record& r, std::uint64_t level) noexcept { r.inserted_in_ = level; }
};

}  // namespace detail
}  // namespace stitch
