#pragma once
// Compile-time names of aggregate members and of classes.
//
// Boost 1.81's PFR reflects member types and positions but not names (names arrived in
// 1.84). The technique 1.84 uses works on g++ 12: the address of the I-th member of an
// object that is declared but never defined is a constant expression, so it can be a
// template argument, and __PRETTY_FUNCTION__ of that template spells the member's name.

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

namespace stitch::detail {

template <class T>
struct fake_holder {
  T value;
};
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wundefined-var-template"
#pragma clang diagnostic ignored "-Wundefined-internal"
#endif
// Declared, never defined: only its members' addresses are used, in constant expressions.
template <class T>
extern fake_holder<T> fake_object;

// Wrapping the address in a class lets clang accept a pointer to a subobject as a template
// argument; g++ accepts either form.
template <class P>
struct member_address {
  P pointer;
};

template <auto Ptr>
consteval std::string_view pretty_name_of() {
  return __PRETTY_FUNCTION__;
}

template <class T>
consteval std::string_view pretty_type_of() {
  return __PRETTY_FUNCTION__;
}

consteval bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// g++:   "[with auto Ptr = member_address<int*>{(& fake_object<A>.fake_holder<A>::value.A::x)};
//          std::string_view = ...]"
// clang: "[Ptr = {&fake_object.value.x}]"
// The member's name is the identifier that ends the argument, before its closing brackets.
// (Class names may hold brackets too: g++ spells an anonymous namespace "{anonymous}".)
consteval std::string_view parse_member_name(std::string_view pretty) {
  const auto start = pretty.find("Ptr = ");
  if (start == std::string_view::npos) return {};
  auto end = pretty.find("; ", start);
  if (end == std::string_view::npos) end = pretty.rfind(']');
  if (end == std::string_view::npos || end <= start) return {};
  while (end > start && (pretty[end - 1] == ')' || pretty[end - 1] == '}')) --end;
  auto begin = end;
  while (begin > start && is_identifier_char(pretty[begin - 1])) --begin;
  return pretty.substr(begin, end - begin);
}

template <class T, std::size_t I>
consteval auto field_address() {
  return &std::get<I>(boost::pfr::structure_tie(fake_object<T>.value));
}

/// Name of the I-th member of aggregate T.
template <class T, std::size_t I>
inline constexpr std::string_view field_name = parse_member_name(
    pretty_name_of<member_address<decltype(field_address<T, I>())>{field_address<T, I>()}>());

namespace reflect_check {
struct probe {
  int stitch_probe_member;
};
static_assert(field_name<probe, 0> == "stitch_probe_member",
              "[stitch] this compiler spells __PRETTY_FUNCTION__ in a way stitch cannot parse; "
              "stitch reads member names with g++ >= 12 or clang >= 14");
}  // namespace reflect_check

template <class T>
inline constexpr std::size_t field_count = boost::pfr::tuple_size_v<T>;

template <class T, std::size_t... I>
consteval std::array<std::string_view, sizeof...(I)> field_names_impl(std::index_sequence<I...>) {
  return {field_name<T, I>...};
}

/// All member names of aggregate T, in declaration order.
template <class T>
inline constexpr auto field_names = field_names_impl<T>(std::make_index_sequence<field_count<T>>{});

// "... [with T = ns::CsvFile; ...]" -> "CsvFile"
consteval std::string_view parse_class_name(std::string_view pretty) {
  const auto start = pretty.find("T = ");
  if (start == std::string_view::npos) return {};
  auto rest = pretty.substr(start + 4);
  auto end = rest.find_first_of(";]");
  auto name = rest.substr(0, end);
  if (name.find('<') != std::string_view::npos) return name;
  const auto sep = name.rfind("::");
  return sep == std::string_view::npos ? name : name.substr(sep + 2);
}

/// Unqualified name of class T ("CsvFile" for app::CsvFile).
template <class T>
inline constexpr std::string_view class_name = parse_class_name(pretty_type_of<T>());

/// Position of the member that Ptr points to inside its aggregate, or field_count if none.
template <auto Ptr>
struct member_pointer_traits;
template <class M, class C, M C::*Ptr>
struct member_pointer_traits<Ptr> {
  using member_type = M;
  using class_type = C;
};

template <class C, auto Ptr, std::size_t... I>
consteval std::size_t field_index_impl(std::index_sequence<I...>) {
  std::size_t found = sizeof...(I);
  auto* target = &(fake_object<C>.value.*Ptr);
  (
      [&] {
        if constexpr (std::is_same_v<std::remove_pointer_t<decltype(field_address<C, I>())>,
                                     std::remove_pointer_t<decltype(target)>>) {
          if (field_address<C, I>() == target) found = I;
        }
      }(),
      ...);
  return found;
}

template <auto Ptr>
consteval std::size_t field_index() {
  using C = typename member_pointer_traits<Ptr>::class_type;
  return field_index_impl<C, Ptr>(std::make_index_sequence<field_count<C>>{});
}

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

}  // namespace stitch::detail
