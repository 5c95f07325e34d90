#pragma once
// Moving members between objects and statements, by compile-time reflection: no names, no
// maps, one virtual call per value.

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/pfr/core.hpp>

#include "../backend.hpp"
#include "../errors.hpp"
#include "reflect.hpp"
#include "time.hpp"
#include "type_list.hpp"

namespace stitch::detail {

/// A value read from a result column that its C++ type cannot represent. A data_error, so
/// that whoever calls a backend directly can catch it as one; stitch's loader catches it to
/// throw a data_error that names the table, column and row id instead of the position.
class bad_value : public data_error {
 public:
  /// `reason` follows "column t.c of row id N", e.g. "is NULL but the member is not
  /// std::optional".
  bad_value(int column, std::string reason)
      : data_error("result column " + std::to_string(column) + " " + reason),
        column(column),
        reason(std::move(reason)) {}

  int column;          ///< 0-based position in the result row
  std::string reason;  ///< what is wrong with the value
};

/// A value given to a parameter that the database cannot store as it is (a NUL byte in
/// PostgreSQL text). stitch's writes catch it to name the table and column.
class bad_parameter : public data_error {
 public:
  /// `reason` follows "the value for column t.c", e.g. "holds a NUL byte at offset 3".
  bad_parameter(int index, std::string reason)
      : data_error("parameter " + std::to_string(index) + " " + reason),
        index(index),
        reason(std::move(reason)) {}

  int index;           ///< 1-based parameter position
  std::string reason;  ///< what is wrong with the value
};

/// Reads the text forms of a boolean that databases and Rails write: t, f, true, false, 1
/// and 0, in any case. False, leaving `out` alone, for other text.
inline bool parse_boolean(std::string_view text, bool& out) {
  const auto is = [text](std::string_view lower) {
    if (text.size() != lower.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != lower[i]) return false;
    }
    return true;
  };
  if (is("t") || is("true") || is("1")) {
    out = true;
    return true;
  }
  if (is("f") || is("false") || is("0")) {
    out = false;
    return true;
  }
  return false;
}

// One read per value: the backend's read() is false for NULL and throws bad_value for a
// value the type cannot hold.
inline bool read_field(backend::statement& s, int c, std::int64_t& out) { return s.read(c, out); }
inline bool read_field(backend::statement& s, int c, double& out) { return s.read(c, out); }
inline bool read_field(backend::statement& s, int c, bool& out) { return s.read(c, out); }
inline bool read_field(backend::statement& s, int c, std::string& out) { return s.read(c, out); }
inline bool read_field(backend::statement& s, int c, std::vector<std::byte>& out) {
  return s.read(c, out);
}
inline bool read_field(backend::statement& s, int c, std::int32_t& out) {
  std::int64_t v = 0;
  if (!s.read(c, v)) return false;
  if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
    throw bad_value(c, "does not fit in std::int32_t");
  out = static_cast<std::int32_t>(v);
  return true;
}
template <class D>
bool read_field(backend::statement& s, int c, std::chrono::sys_time<D>& out) {
  std::int64_t micros = 0;
  if (!s.read_timestamp(c, micros)) return false;
  const auto t = from_micros<D>(micros);
  if (!t)
    throw bad_value(c, "holds a time in year " + std::to_string(year_of(micros)) +
                           ", which the member's std::chrono::sys_time cannot hold at its "
                           "precision");
  out = *t;
  return true;
}

template <declared_enum E>
bool read_field(backend::statement& s, int c, E& out) {
  std::int64_t stored = 0;
  if (!s.read(c, stored)) return false;
  const auto value = enum_from_integer<E>(stored);
  if (!value)
    throw bad_value(c, "holds " + std::to_string(stored) + ", which is not a value of " +
                           describe_enum<E>() + ": add it to stitch::enum_traits<" +
                           std::string(class_name<E>) + ">");
  out = *value;
  return true;
}

/// Reads column c into a member; throws bad_value for NULL unless the member is optional.
template <class T>
void read_value(backend::statement& s, int c, T& out) {
  if (!read_field(s, c, out)) throw bad_value(c, "is NULL but the member is not std::optional");
}
template <class T>
void read_value(backend::statement& s, int c, std::optional<T>& out) {
  // Emplacing first keeps it to one read; an empty std::string or vector costs nothing.
  if (!out) out.emplace();
  if (!read_field(s, c, *out)) out.reset();
}

inline void bind_value(backend::parameters& s, int i, std::int64_t v) { s.bind_int64(i, v); }
inline void bind_value(backend::parameters& s, int i, std::int32_t v) { s.bind_int64(i, v); }
inline void bind_value(backend::parameters& s, int i, double v) { s.bind_double(i, v); }
inline void bind_value(backend::parameters& s, int i, bool v) { s.bind_bool(i, v); }
inline void bind_value(backend::parameters& s, int i, const std::string& v) { s.bind_text(i, v); }
inline void bind_value(backend::parameters& s, int i, const std::vector<std::byte>& v) {
  s.bind_blob(i, v);
}
template <class D>
void bind_value(backend::parameters& s, int i, const std::chrono::sys_time<D>& v) {
  s.bind_timestamp(i, timestamp_micros(v));
}
template <declared_enum E>
void bind_value(backend::parameters& s, int i, E v) {
  if (!enum_from_integer<E>(enum_integer(v)))
    throw bad_parameter(
        i, "is " + enum_value_text(v) + ", which is not a value of " + describe_enum<E>());
  s.bind_int64(i, enum_integer(v));
}
template <class T>
void bind_value(backend::parameters& s, int i, const std::optional<T>& v) {
  if (v) {
    bind_value(s, i, *v);
  } else {
    s.bind_null(i);
  }
}

/// Rails' automatic timestamps: created_at and updated_at members of timestamp type.
template <class Cols, std::size_t I>
inline constexpr int timestamp_role = [] {
  using member = std::remove_cvref_t<decltype(boost::pfr::get<I>(std::declval<Cols&>()))>;
  if constexpr (column_type<column_value_t<member>>::supported &&
                requires { column_type<column_value_t<member>>::kind; }) {
    if (column_type<column_value_t<member>>::kind != column_kind::timestamp) return 0;
    if (field_name<Cols, I> == "created_at") return 1;
    if (field_name<Cols, I> == "updated_at") return 2;
  }
  return 0;
}();

/// When a save writes "now" into a timestamp member: on insert, created_at and updated_at
/// when unset (epoch or nullopt), as Rails does; on update, updated_at always.
template <int Role, class M>
bool takes_now(const M& member, bool inserting) {
  if constexpr (Role == 0) {
    return false;
  } else {
    if (!inserting) return Role == 2;
    if constexpr (is_nullable_v<M>) {
      return !member.has_value();
    } else {
      return member.time_since_epoch().count() == 0;
    }
  }
}

/// "Now" as a timestamp member of type M holds it: floored to M's precision, so that the row
/// and the object get the same value.
template <class M>
column_value_t<M> now_as(std::int64_t now_micros) {
  using time = column_value_t<M>;
  const auto t = from_micros<typename time::duration>(now_micros);
  if (!t) throw usage_error("the current time does not fit the precision of a timestamp member");
  return *t;
}

/// Calls f(aggregate) for each Columns aggregate of C, from the root's down to C's own.
template <class C, class F>
void for_each_aggregate(C& obj, F&& f) {
  for_each_type(lineage_t<std::remove_const_t<C>>{}, [&]<class A, std::size_t>() {
    using cols = typename A::stitch_columns;
    if constexpr (std::is_const_v<C>) {
      f(static_cast<const cols&>(obj));
    } else {
      f(static_cast<cols&>(obj));
    }
  });
}

/// Reads every member of C from the result columns listed in `positions`.
template <class C>
void read_members(C& obj, backend::statement& s, const int* positions) {
  for_each_aggregate(obj, [&]<class Cols>(Cols& agg) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (read_value(s, positions[I], boost::pfr::get<I>(agg)), ...);
    }
    (std::make_index_sequence<field_count<Cols>>{});
    positions += field_count<Cols>;
  });
}

/// Binds the members of one Columns aggregate from parameter `index` on; timestamps that take
/// "now" get it.
template <class Cols>
void bind_aggregate(const Cols& agg, backend::parameters& s, int index, bool inserting,
                    std::int64_t now_micros) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          const auto& member = boost::pfr::get<I>(agg);
          if constexpr (timestamp_role<Cols, I> != 0) {
            if (takes_now<timestamp_role<Cols, I>>(member, inserting)) {
              using member_type = std::remove_cvref_t<decltype(member)>;
              bind_value(s, index + static_cast<int>(I), now_as<member_type>(now_micros));
              return;
            }
          }
          bind_value(s, index + static_cast<int>(I), member);
        }(),
        ...);
  }
  (std::make_index_sequence<field_count<Cols>>{});
}

/// Binds every member of C from parameter `index` on.
template <class C>
void bind_members(const C& obj, backend::parameters& s, int index, bool inserting,
                  std::int64_t now_micros) {
  for_each_aggregate(obj, [&]<class Cols>(const Cols& agg) {
    bind_aggregate(agg, s, index, inserting, now_micros);
    index += static_cast<int>(field_count<Cols>);
  });
}

/// After a successful save: writes into the timestamps bind_members gave "now" to the value
/// it bound.
template <class C>
void apply_timestamps(C& obj, bool inserting, std::int64_t now_micros) {
  for_each_aggregate(obj, [&]<class Cols>(Cols& agg) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            if constexpr (timestamp_role<Cols, I> != 0) {
              auto& member = boost::pfr::get<I>(agg);
              if (takes_now<timestamp_role<Cols, I>>(member, inserting))
                member = now_as<std::remove_cvref_t<decltype(member)>>(now_micros);
            }
          }(),
          ...);
    }
    (std::make_index_sequence<field_count<Cols>>{});
  });
}

/// Number of members of C across its lineage.
template <class C>
constexpr std::size_t member_count() {
  std::size_t n = 0;
  for_each_type(lineage_t<C>{},
                [&]<class A, std::size_t>() { n += field_count<typename A::stitch_columns>; });
  return n;
}

}  // namespace stitch::detail
