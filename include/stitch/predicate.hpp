#pragma once
/// @file predicate.hpp
/// Typed conditions on columns: `stitch::col<&DataSourceColumns::name> == "x"`,
/// combined with &&, || and !, for query::where, order_by and pluck.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "detail/reflect.hpp"
#include "detail/time.hpp"
#include "errors.hpp"
#include "model.hpp"
#include "types.hpp"

namespace stitch {

namespace detail {

struct timestamp_param {
  std::int64_t micros;
};

/// A value bound to a statement parameter.
using param = std::variant<std::nullptr_t, std::int64_t, double, bool, std::string,
                           std::vector<std::byte>, timestamp_param>;

inline param to_param(std::int64_t v) { return v; }
inline param to_param(std::int32_t v) { return std::int64_t{v}; }
inline param to_param(double v) { return v; }
inline param to_param(bool v) { return v; }
inline param to_param(std::string v) { return v; }
inline param to_param(std::vector<std::byte> v) { return v; }
template <class D>
param to_param(std::chrono::sys_time<D> v) {
  return timestamp_param{timestamp_micros(v)};
}
template <class V>
param make_param(const V& v);
/// A declared enum binds its integer (an unsigned value past the largest signed 64-bit
/// integer is refused, as for the underlying type itself).
template <declared_enum E>
param to_param(E v) {
  return make_param(static_cast<std::underlying_type_t<E>>(v));
}

/// A value given to an SQL fragment: text of any string-like type, integers, floating point,
/// bool, timestamps, bytes, declared enums (their integer), std::optional (empty binds NULL)
/// and nullptr.
template <class V>
param make_param(const V& v) {
  if constexpr (std::is_same_v<V, std::nullptr_t> || std::is_same_v<V, std::nullopt_t>) {
    return nullptr;
  } else if constexpr (optional_traits<V>::is_optional) {
    return v ? make_param(*v) : param(nullptr);
  } else if constexpr (std::is_same_v<V, bool>) {  // NOLINT(bugprone-branch-clone)
    return v;
  } else if constexpr (std::is_integral_v<V>) {
    if constexpr (std::is_unsigned_v<V> && sizeof(V) >= sizeof(std::int64_t)) {
      if (v > static_cast<V>(std::numeric_limits<std::int64_t>::max()))
        throw usage_error("the value " + std::to_string(v) +
                          " does not fit in a 64-bit signed SQL integer");
    }
    return static_cast<std::int64_t>(v);
  } else if constexpr (std::is_floating_point_v<V>) {
    return static_cast<double>(v);
  } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
    if constexpr (std::is_pointer_v<V>) {
      if (v == nullptr) return nullptr;  // a null const char* binds NULL
    }
    return std::string(std::string_view(v));
  } else if constexpr (std::is_same_v<V, std::vector<std::byte>>) {
    return v;
  } else if constexpr (requires { to_param(v); }) {
    return to_param(v);
  } else {
    static_assert(std::is_same_v<V, std::nullptr_t>,
                  "[stitch] a value bound to an SQL fragment must be text, a number, bool, a "
                  "std::chrono::sys_time, std::vector<std::byte>, an enum declared with "
                  "stitch::enum_traits, std::optional or nullptr");
    return nullptr;
  }
}

/// One piece of a condition's SQL: literal text, a column name to quote, or the next
/// parameter.
struct sql_piece {
  enum class kind : std::uint8_t { text, column, param };
  kind what;
  std::string text;  // SQL text or column name
};

/// The untyped body of a predicate.
struct predicate_data {
  std::vector<sql_piece> pieces;
  std::vector<param> params;

  void text(std::string_view s) {
    if (!pieces.empty() && pieces.back().what == sql_piece::kind::text) {
      pieces.back().text += s;
    } else {
      pieces.push_back({sql_piece::kind::text, std::string(s)});
    }
  }
  void column(std::string_view name) {
    pieces.push_back({sql_piece::kind::column, std::string(name)});
  }
  void value(param p) {
    pieces.push_back({sql_piece::kind::param, {}});
    params.push_back(std::move(p));
  }
  void append(const predicate_data& other) {
    for (const auto& p : other.pieces) {
      if (p.what == sql_piece::kind::text) {
        text(p.text);
      } else {
        pieces.push_back(p);
      }
    }
    params.insert(params.end(), other.params.begin(), other.params.end());
  }
};

/// Splits a raw fragment at its `?` placeholders (outside quotes) and binds `args`.
template <class... Args>
predicate_data raw_fragment(std::string_view sql, Args&&... args) {
  predicate_data out;
  std::vector<param> values;
  (values.push_back(make_param(args)), ...);
  std::size_t next = 0;
  std::size_t start = 0;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?') {
      out.text(sql.substr(start, i - start));
      if (next >= values.size())
        throw usage_error("the SQL fragment \"" + std::string(sql) +
                          "\" has more ? placeholders than the " + std::to_string(values.size()) +
                          " values given");
      out.value(std::move(values[next++]));
      start = i + 1;
    }
  }
  out.text(sql.substr(start));
  if (next != values.size())
    throw usage_error("the SQL fragment \"" + std::string(sql) + "\" has " + std::to_string(next) +
                      " ? placeholders but " + std::to_string(values.size()) +
                      " values were given");
  return out;
}

}  // namespace detail

/// A condition on the columns of the aggregates Owners (checked against the query's model).
template <class... Owners>
class predicate {
 public:
  explicit predicate(detail::predicate_data data) : data_(std::move(data)) {}
  [[nodiscard]] const detail::predicate_data& data() const noexcept { return data_; }

  template <class... Others>
  friend predicate<Owners..., Others...> operator&&(const predicate& a,
                                                    const predicate<Others...>& b) {
    return predicate<Owners..., Others...>(combine(a.data(), " AND ", b.data()));
  }
  template <class... Others>
  friend predicate<Owners..., Others...> operator||(const predicate& a,
                                                    const predicate<Others...>& b) {
    return predicate<Owners..., Others...>(combine(a.data(), " OR ", b.data()));
  }
  friend predicate operator!(const predicate& a) {
    detail::predicate_data out;
    out.text("NOT (");
    out.append(a.data());
    out.text(")");
    return predicate(std::move(out));
  }

 private:
  static detail::predicate_data combine(const detail::predicate_data& a, std::string_view op,
                                        const detail::predicate_data& b) {
    detail::predicate_data out;
    out.text("(");
    out.append(a);
    out.text(")");
    out.text(op);
    out.text("(");
    out.append(b);
    out.text(")");
    return out;
  }
  detail::predicate_data data_;
};

/// A condition written in SQL, with `?` placeholders for the values that follow:
/// `stitch::sql("length(\"name\") > ?", 3)`. Values are bound, never spliced.
template <class... Args>
predicate<> sql(std::string_view fragment, Args&&... args) {
  return predicate<>(detail::raw_fragment(fragment, std::forward<Args>(args)...));
}

/// An ORDER BY term on a column of aggregate Owner: `col<&X::name>.desc()`.
template <class Owner>
struct ordering {
  std::string_view column;
  bool descending = false;
};

namespace detail {
template <auto Ptr>
struct column_info {
  // Not a pointer to a data member: column_ref's first static_assert reports it.
  using member_type = int;
  using owner = record;
  static constexpr bool is_id = true;
  static constexpr bool valid = true;
  static constexpr std::string_view name = "id";
};
template <class M, class C, M C::*Ptr>
requires std::is_member_object_pointer_v<decltype(Ptr)>
struct column_info<Ptr> {
  using member_type = M;
  using owner = C;
  static constexpr bool is_id = std::is_same_v<C, record>;
  static constexpr bool valid = is_id || (std::is_aggregate_v<C> && is_column_type_v<M>);
  static constexpr std::string_view name = [] {
    if constexpr (is_id) {
      return std::string_view("id");
    } else if constexpr (valid) {
      return field_name<C, field_index<Ptr>()>;
    } else {
      return std::string_view();
    }
  }();
};
}  // namespace detail

/// A column named by a member pointer: `stitch::col<&CsvFileColumns::path>`, or
/// `stitch::col<&CsvFile::path>` (the same pointer), or `stitch::col<&CsvFile::id>`.
template <auto Ptr>
struct column_ref {
  static_assert(std::is_member_object_pointer_v<decltype(Ptr)>,
                "[stitch] stitch::col<...> takes a pointer to a column member, e.g. "
                "stitch::col<&DataSource::name>");
  using info = detail::column_info<Ptr>;
  static_assert(
      info::valid,
      "[stitch] stitch::col<&X::m> needs a member of a Columns aggregate (or &Model::id)");
  using member_type = typename info::member_type;
  using value_type = column_value_t<member_type>;
  using owner = typename info::owner;
  using predicate_type = predicate<owner>;
  static constexpr std::string_view name = info::name;

  /// Column compared with a value (bound); with an empty std::optional it is IS NULL.
  template <class V>
  friend predicate_type operator==(column_ref, const V& v) {
    return compare<comparison::equality>(" = ", v, " IS NULL");
  }
  template <class V>
  friend predicate_type operator!=(column_ref, const V& v) {
    return compare<comparison::equality>(" <> ", v, " IS NOT NULL");
  }
  template <class V>
  friend predicate_type operator<(column_ref, const V& v) {
    return compare<comparison::order>(" < ", v, nullptr);
  }
  template <class V>
  friend predicate_type operator<=(column_ref, const V& v) {
    return compare<comparison::order>(" <= ", v, nullptr);
  }
  template <class V>
  friend predicate_type operator>(column_ref, const V& v) {
    return compare<comparison::order>(" > ", v, nullptr);
  }
  template <class V>
  friend predicate_type operator>=(column_ref, const V& v) {
    return compare<comparison::order>(" >= ", v, nullptr);
  }

  [[nodiscard]] predicate_type is_null() const { return unary(" IS NULL"); }
  [[nodiscard]] predicate_type is_not_null() const { return unary(" IS NOT NULL"); }

  /// LIKE with a pattern (bound); only for text columns.
  [[nodiscard]] predicate_type like(std::string pattern) const {
    static_assert(std::is_same_v<value_type, std::string>,
                  "[stitch] like() applies to text columns (std::string members) only");
    detail::predicate_data d;
    d.column(name);
    d.text(" LIKE ");
    d.value(std::move(pattern));
    return predicate_type(std::move(d));
  }

  /// Membership in a list of values (each bound); an empty list matches nothing.
  template <std::ranges::input_range R>
  [[nodiscard]] predicate_type in(const R& values) const {
    detail::predicate_data d;
    bool first = true;
    for (const auto& v : values) {
      if (first) {
        d.column(name);
        d.text(" IN (");
      } else {
        d.text(", ");
      }
      d.value(convert(v));
      first = false;
    }
    if (first) {
      d.text("1 = 0");
    } else {
      d.text(")");
    }
    return predicate_type(std::move(d));
  }
  template <class V>
  [[nodiscard]] predicate_type in(std::initializer_list<V> values) const {
    return in<std::initializer_list<V>>(values);
  }

  [[nodiscard]] ordering<owner> asc() const { return {name, false}; }
  [[nodiscard]] ordering<owner> desc() const { return {name, true}; }

 private:
  // Numbers keep their own type (x < 1.5 stays 1.5 on an integer column); text, bool and
  // timestamps must be of the column's kind.
  template <class V>
  static constexpr bool accepts = [] {
    using D = std::remove_cvref_t<V>;
    if constexpr (std::is_same_v<value_type, bool>) {
      return std::is_same_v<D, bool>;
    } else if constexpr (std::is_arithmetic_v<value_type>) {
      return std::is_arithmetic_v<D> && !std::is_same_v<D, bool>;
    } else if constexpr (std::is_same_v<value_type, std::string>) {
      return std::is_convertible_v<const D&, std::string_view> && !std::is_null_pointer_v<D>;
    } else if constexpr (std::is_same_v<value_type, std::vector<std::byte>>) {
      return std::is_same_v<D, std::vector<std::byte>>;
    } else if constexpr (detail::is_sys_time_v<value_type>) {
      return detail::is_sys_time_v<D>;  // any precision: the value is floored to microseconds
    } else if constexpr (std::is_enum_v<value_type>) {
      return std::is_same_v<D, value_type>;
    } else {
      return std::is_constructible_v<value_type, const D&>;
    }
  }();

  template <class V>
  static detail::param convert(const V& v) {
    if constexpr (!accepts<V>) {
      static_assert(accepts<V>,
                    "[stitch] the value does not convert to the column's member type: compare "
                    "numeric columns with numbers, text with text, bool with bool, timestamps "
                    "with std::chrono::sys_time, bytes with std::vector<std::byte>, an enum "
                    "with its own enum's values");
      return nullptr;
    } else {
      if constexpr (std::is_pointer_v<V>) {
        if (v == nullptr)
          throw usage_error("column " + std::string(name) +
                            " compared with a null const char*; use is_null() for NULL");
      }
      return detail::make_param(v);  // accepts<V> has checked the kind
    }
  }

  enum class comparison { equality, order };

  template <comparison Kind, class V>
  static predicate_type compare(std::string_view op, const V& v, const char* null_form) {
    detail::predicate_data d;
    d.column(name);
    if constexpr (std::is_same_v<V, std::nullopt_t>) {
      static_assert(is_nullable_v<member_type> && Kind == comparison::equality,
                    "[stitch] std::nullopt compares only with a std::optional column, and only "
                    "with == or != (which read IS NULL and IS NOT NULL)");
      d.text(null_form);
    } else if constexpr (detail::optional_traits<V>::is_optional) {
      if (v) {
        d.text(op);
        d.value(convert(*v));
      } else {
        if constexpr (Kind == comparison::order)
          throw usage_error("column " + std::string(name) +
                            " is ordered against an empty std::optional; NULL has no order");
        d.text(null_form);
      }
    } else {
      d.text(op);
      d.value(convert(v));
    }
    return predicate_type(std::move(d));
  }
  static predicate_type unary(std::string_view text) {
    detail::predicate_data d;
    d.column(name);
    d.text(text);
    return predicate_type(std::move(d));
  }
};

/// The column of member pointer Ptr, for where(), order_by() and pluck().
template <auto Ptr>
inline constexpr column_ref<Ptr> col{};

}  // namespace stitch
