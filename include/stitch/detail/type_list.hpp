#pragma once
// A minimal compile-time list of types.

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace stitch::detail {

template <class... Ts>
struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

template <class T, class List>
struct index_of;
template <class T, class... Ts>
struct index_of<T, type_list<Ts...>> {
  static constexpr std::size_t value = [] {
    constexpr std::array<bool, sizeof...(Ts) + 1> same = {std::is_same_v<T, Ts>..., false};
    for (std::size_t i = 0; i < sizeof...(Ts); ++i)
      if (same[i]) return i;
    return sizeof...(Ts);
  }();
};
/// Position of T in List, or List::size when absent.
template <class T, class List>
inline constexpr std::size_t index_of_v = index_of<T, List>::value;

template <class T, class List>
inline constexpr bool contains_v = index_of_v<T, List> < List::size;

/// Calls f.template operator()<T, I>() for each T at position I of List.
template <class... Ts, class F>
constexpr void for_each_type(type_list<Ts...>, F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) { (f.template operator()<Ts, I>(), ...); }
  (std::index_sequence_for<Ts...>{});
}

}  // namespace stitch::detail
