#pragma once
/// @file enums.hpp
/// C++ enums as columns, the way Rails' `enum` declares an integer attribute: the column
/// holds the enumerator's underlying integer, and only the declared values are read or
/// written.
///
///     enum class Status { queued = 0, running = 1, done = 2 };
///     template <>
///     struct stitch::enum_traits<Status> {
///       static constexpr stitch::enum_value<Status> values[] = {
///           {Status::queued, "queued"}, {Status::running, "running"}, {Status::done, "done"}};
///     };
///
/// The declaration comes before the first model that holds the enum (as a specialization
/// must come before its first use).
///
/// A row holding an integer the declaration lacks is a data_error naming the table, column,
/// row and value (a Rails application may have added a value the C++ side has not); saving an
/// enum that holds an undeclared value is a data_error naming the column, and writes nothing.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "detail/reflect.hpp"

namespace stitch {

/// One value of a C++ enum stored in a column, and its name (the key in Rails' `enum`).
template <class E>
struct enum_value {
  E value;
  std::string_view name;
};

/// Declares enum E as a column type: specialize it with
/// `static constexpr stitch::enum_value<E> values[] = {...};` listing every value the
/// column may hold (see the top of this file).
template <class E>
struct enum_traits {};

/// A C++ enum type, scoped or not.
template <class E>
concept enumeration = std::is_enum_v<E>;

/// True when E is an enum declared to stitch with enum_traits<E>::values.
template <class E>
concept declared_enum = enumeration<E> && requires {
  { std::size(enum_traits<E>::values) } -> std::convertible_to<std::size_t>;
  { enum_traits<E>::values[0] } -> std::convertible_to<const enum_value<E>&>;
};

/// The integer a value of E is stored as.
template <enumeration E>
constexpr std::int64_t enum_integer(E value) noexcept {
  return static_cast<std::int64_t>(static_cast<std::underlying_type_t<E>>(value));
}

/// The declared name of a value ("running"); empty when the declaration lacks the value.
template <declared_enum E>
constexpr std::string_view enum_name(E value) noexcept {
  for (const auto& e : enum_traits<E>::values)
    if (e.value == value) return e.name;
  return {};
}

/// The value declared with `name`, or nullopt.
template <declared_enum E>
constexpr std::optional<E> enum_from_name(std::string_view name) noexcept {
  for (const auto& e : enum_traits<E>::values)
    if (e.name == name) return e.value;
  return std::nullopt;
}

namespace detail {

/// The declared value stored as `stored`, or nullopt.
template <declared_enum E>
constexpr std::optional<E> enum_from_integer(std::int64_t stored) noexcept {
  for (const auto& e : enum_traits<E>::values)
    if (enum_integer(e.value) == stored) return e.value;
  return std::nullopt;
}

/// A value of E as its underlying integer, for messages (an unsigned one stays unsigned).
template <enumeration E>
std::string enum_value_text(E value) {
  return std::to_string(+static_cast<std::underlying_type_t<E>>(value));
}

/// "enum Status (queued = 0, running = 1, done = 2)", for messages.
template <declared_enum E>
std::string describe_enum() {
  std::string out = "enum " + std::string(class_name<E>) + " (";
  bool first = true;
  for (const auto& e : enum_traits<E>::values) {
    if (!first) out += ", ";
    first = false;
    out += e.name;
    out += " = ";
    out += enum_value_text(e.value);
  }
  return out + ")";
}

enum class enum_declaration { ok, empty_name, repeated_value, repeated_name, too_large };

// What is wrong with enum_traits<E>::values, checked once at compile time.
template <declared_enum E>
consteval enum_declaration check_enum_declaration() {
  const auto& values = enum_traits<E>::values;
  const std::size_t n = std::size(values);
  for (std::size_t i = 0; i < n; ++i) {
    if (values[i].name.empty()) return enum_declaration::empty_name;
    using underlying = std::underlying_type_t<E>;
    if constexpr (std::is_unsigned_v<underlying> && sizeof(underlying) >= sizeof(std::int64_t)) {
      if (static_cast<underlying>(values[i].value) >
          static_cast<underlying>(std::numeric_limits<std::int64_t>::max()))
        return enum_declaration::too_large;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (values[j].value == values[i].value) return enum_declaration::repeated_value;
      if (values[j].name == values[i].name) return enum_declaration::repeated_name;
    }
  }
  return enum_declaration::ok;
}

/// Checks enum_traits<E> once, each mistake with its own message; true when it is sound.
template <declared_enum E>
consteval bool enum_declaration_is_sound() {
  constexpr auto found = check_enum_declaration<E>();
  static_assert(found != enum_declaration::empty_name,
                "[stitch] stitch::enum_traits<E>::values gives a value an empty name");
  static_assert(found != enum_declaration::repeated_value,
                "[stitch] stitch::enum_traits<E>::values lists one value twice");
  static_assert(found != enum_declaration::repeated_name,
                "[stitch] stitch::enum_traits<E>::values gives two values the same name");
  static_assert(found != enum_declaration::too_large,
                "[stitch] stitch::enum_traits<E>::values holds a value above the largest "
                "64-bit signed SQL integer");
  return found == enum_declaration::ok;
}

}  // namespace detail

}  // namespace stitch
