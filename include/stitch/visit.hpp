#pragma once
/// @file visit.hpp
/// stitch::visit: calls a function with an object as its dynamic class, checked at compile
/// time to handle every class of the closed hierarchy.

#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#endif

#include "detail/mapping.hpp"
#include "errors.hpp"

namespace stitch {

namespace detail {

/// The readable name of a C++ type, for messages.
inline std::string readable_type_name(const std::type_info& type) {
#if __has_include(<cxxabi.h>)
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  if (status == 0 && name) return name.get();
#endif
  return type.name();
}

/// Calls f with obj cast to its dynamic class, which must be T or a class listed below it.
template <class T, class F>
void with_dynamic_class(T& obj, F&& f) {
  bool done = false;
  for_each_type(typename mapping<std::remove_const_t<T>>::classes{}, [&]<class C, std::size_t>() {
    if constexpr (is_self_or_descendant<std::remove_const_t<T>, C> && !std::is_abstract_v<C>) {
      if (!done && typeid(obj) == typeid(C)) {
        using target = std::conditional_t<std::is_const_v<T>, const C, C>;
        f(static_cast<target&>(obj));
        done = true;
      }
    }
  });
  if (!done)
    throw usage_error("an object of C++ class " + readable_type_name(typeid(obj)) +
                      " derives from " + std::string(class_name<std::remove_const_t<T>>) +
                      " but is not listed in its stitch::hierarchy declaration");
}

// Returned by a call that failed its static_assert, so that no further error follows.
struct failed_check {
  template <class U>
  operator U() const;  // NOLINT(google-explicit-constructor): never defined, never called
};

template <class T, class F, class List>
struct visit_traits;
template <class T, class F, class... Cs>
struct visit_traits<T, F, type_list<Cs...>> {
  using model = std::remove_const_t<T>;
  template <class C>
  using arg = std::conditional_t<std::is_const_v<T>, const C&, C&>;
  template <class C>
  static constexpr bool concrete = is_self_or_descendant<model, C> && !std::is_abstract_v<C>;
  // disjunction stops before asking about classes outside the subtree: asking would
  // instantiate a generic lambda's body with them.
  static constexpr bool exhaustive =
      (std::disjunction_v<std::bool_constant<!concrete<Cs>>, std::is_invocable<F, arg<Cs>>> && ...);
  static constexpr std::size_t first = [] {
    constexpr std::array<bool, sizeof...(Cs)> is_concrete = {concrete<Cs>...};
    for (std::size_t i = 0; i < sizeof...(Cs); ++i)
      if (is_concrete[i]) return i;
    return std::size_t{0};
  }();
  using first_class = std::tuple_element_t<first, std::tuple<Cs...>>;
};

}  // namespace detail

/// Calls f(obj as its dynamic class): f must accept every concrete class at or below T
/// (overloads, or a generic lambda). Returns what f returns, which must be the same type for
/// every class. Throws usage_error for an object of a class missing from the hierarchy.
template <class T, class F>
auto visit(T& obj, F&& f) {
  using model = std::remove_const_t<T>;
  if constexpr (!detail::check_model<model>()) {
    return detail::failed_check{};
  } else {
    using traits = detail::visit_traits<T, F, typename detail::mapping<model>::classes>;
    static_assert(traits::exhaustive,
                  "[stitch] stitch::visit needs a case for every concrete class of the hierarchy "
                  "at or below the visited type: add an overload, or a generic (auto&) case");
    if constexpr (!traits::exhaustive) {
      return detail::failed_check{};
    } else {
      using result =
          std::invoke_result_t<F, typename traits::template arg<typename traits::first_class>>;
      if constexpr (std::is_void_v<result>) {
        detail::with_dynamic_class(obj, [&](auto& o) { f(o); });
      } else {
        std::optional<result> out;
        detail::with_dynamic_class(obj, [&](auto& o) { out.emplace(f(o)); });
        return std::move(*out);
      }
    }
  }
}

}  // namespace stitch
