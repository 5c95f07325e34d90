#pragma once
/// @file types.hpp
/// The C++ member types a Columns aggregate may hold, and how each is stored.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "enums.hpp"

namespace stitch {

/// How a column is stored; each dialect names the SQL type for each kind. `text` is Rails'
/// `t.string` (varchar); `long_text` is Rails' `t.text`, for std::string members a model lists
/// in stitch::text_columns.
enum class column_kind { integer, big_integer, real, boolean, text, long_text, blob, timestamp };

/// Maps a C++ member type to its column kind. Supported: std::int32_t, std::int64_t, double,
/// bool, std::string, std::chrono::sys_time<D>, std::vector<std::byte>, enums declared with
/// stitch::enum_traits (enums.hpp), and std::optional of each (a nullable column).
template <class T>
struct column_type {
  static constexpr bool supported = false;
};

template <>
struct column_type<std::int32_t> {
  static constexpr bool supported = true;
  static constexpr column_kind kind = column_kind::integer;
};
template <>
struct column_type<std::int64_t> {
  static constexpr bool supported = true;
  static constexpr column_kind kind = column_kind::big_integer;
};
template <>
struct column_type<double> {
  static constexpr bool supported = true;
  static constexpr column_kind kind = column_kind::real;
};
template <>
struct column_type<bool> {
  static constexpr bool supported = true;
  static constexpr column_kind kind = column_kind::boolean;
};
template <>
struct column_type<std::string> {
  static constexpr bool supported = true;
  static constexpr column_kind kind = column_kind::text;
};
template <>
struct column_type<std::vector<std::byte>> {
  static constexpr bool supported = true;
  static constexpr column_kind kind = column_kind::blob;
};
template <class Duration>
struct column_type<std::chrono::sys_time<Duration>> {
  static constexpr bool supported = true;
  static constexpr column_kind kind = column_kind::timestamp;
};

/// A declared enum is stored as its integer: `integer` (Rails' `t.integer`) when every
/// declared value fits 32 bits, else `big_integer`.
template <enumeration E>
struct column_type<E> {
  static constexpr bool supported = declared_enum<E>;
  static constexpr column_kind kind = [] {
    if constexpr (declared_enum<E>) {
      for (const auto& e : enum_traits<E>::values)
        if (enum_integer(e.value) < std::numeric_limits<std::int32_t>::min() ||
            enum_integer(e.value) > std::numeric_limits<std::int32_t>::max())
          return column_kind::big_integer;
    }
    return column_kind::integer;
  }();
};

namespace detail {
template <class T>
struct optional_traits {
  static constexpr bool is_optional = false;
  using value_type = T;
};
template <class T>
struct optional_traits<std::optional<T>> {
  static constexpr bool is_optional = true;
  using value_type = T;
};

template <class T>
inline constexpr bool is_sys_time_v = false;
template <class D>
inline constexpr bool is_sys_time_v<std::chrono::sys_time<D>> = true;
}  // namespace detail

/// The non-optional type behind T: int for std::optional<int>, int for int.
template <class T>
using column_value_t = typename detail::optional_traits<T>::value_type;

/// True when T maps to a nullable column.
template <class T>
inline constexpr bool is_nullable_v = detail::optional_traits<T>::is_optional;

/// True when T (or std::optional<T>) can be a column.
template <class T>
inline constexpr bool is_column_type_v = column_type<column_value_t<T>>::supported &&
                                         !detail::optional_traits<column_value_t<T>>::is_optional;

namespace detail {
// Instantiated with the first unsupported member type, so that the compiler's note names it.
template <class T>
constexpr bool report_unsupported_column() {
  if constexpr (std::is_enum_v<column_value_t<T>>) {
    static_assert(is_column_type_v<T>,
                  "[stitch] a Columns member is an enum that stitch does not know (see the type "
                  "in the note below): declare its values with a specialization of "
                  "stitch::enum_traits (stitch/enums.hpp)");
  } else {
    static_assert(is_column_type_v<T>,
                  "[stitch] a member of a Columns aggregate has a type stitch cannot store "
                  "(see the type in the note below): use std::int32_t, std::int64_t, double, "
                  "bool, std::string, std::chrono::sys_time<D>, std::vector<std::byte>, an enum "
                  "declared with stitch::enum_traits, or std::optional of one of them");
  }
  return is_column_type_v<T>;
}
}  // namespace detail

}  // namespace stitch
