#pragma once
// Moving members between objects and statements, by compile-time reflection: no names, no
// maps, one virtual call per value.

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/pfr/core.hpp>

#include "../backend.hpp"
#include "reflect.hpp"
#include "type_list.hpp"

namespace stitch::detail {

/// Thrown by read_value on a value that does not fit; the loader adds table, column and id.
struct bad_value {
  int column;
  const char* reason;
};

inline void read_value(backend::statement& s, int c, std::int64_t& out) {
  if (s.is_null(c)) throw bad_value{c, "is NULL but the member is not std::optional"};
  out = s.get_int64(c);
}
inline void read_value(backend::statement& s, int c, std::int32_t& out) {
  if (s.is_null(c)) throw bad_value{c, "is NULL but the member is not std::optional"};
  const std::int64_t v = s.get_int64(c);
  if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
    throw bad_value{c, "does not fit in std::int32_t"};
  out = static_cast<std::int32_t>(v);
}
inline void read_value(backend::statement& s, int c, double& out) {
  if (s.is_null(c)) throw bad_value{c, "is NULL but the member is not std::optional"};
  out = s.get_double(c);
}
inline void read_value(backend::statement& s, int c, bool& out) {
  if (s.is_null(c)) throw bad_value{c, "is NULL but the member is not std::optional"};
  out = s.get_bool(c);
}
inline void read_value(backend::statement& s, int c, std::string& out) {
  if (s.is_null(c)) throw bad_value{c, "is NULL but the member is not std::optional"};
  out.assign(s.get_text(c));
}
inline void read_value(backend::statement& s, int c, std::vector<std::byte>& out) {
  if (s.is_null(c)) throw bad_value{c, "is NULL but the member is not std::optional"};
  const auto bytes = s.get_blob(c);
  out.assign(bytes.begin(), bytes.end());
}
template <class D>
void read_value(backend::statement& s, int c, std::chrono::sys_time<D>& out) {
  if (s.is_null(c)) throw bad_value{c, "is NULL but the member is not std::optional"};
  out = std::chrono::sys_time<D>(
      std::chrono::duration_cast<D>(std::chrono::microseconds(s.get_timestamp(c))));
}
template <class T>
void read_value(backend::statement& s, int c, std::optional<T>& out) {
  if (s.is_null(c)) {
    out.reset();
  } else {
    read_value(s, c, out.has_value() ? *out : out.emplace());
  }
}

inline void bind_value(backend::statement& s, int i, std::int64_t v) { s.bind_int64(i, v); }
inline void bind_value(backend::statement& s, int i, std::int32_t v) { s.bind_int64(i, v); }
inline void bind_value(backend::statement& s, int i, double v) { s.bind_double(i, v); }
inline void bind_value(backend::statement& s, int i, bool v) { s.bind_bool(i, v); }
inline void bind_value(backend::statement& s, int i, const std::string& v) { s.bind_text(i, v); }
inline void bind_value(backend::statement& s, int i, const std::vector<std::byte>& v) {
  s.bind_blob(i, v);
}
template <class D>
void bind_value(backend::statement& s, int i, const std::chrono::sys_time<D>& v) {
  s.bind_timestamp(i, std::chrono::floor<std::chrono::microseconds>(v).time_since_epoch().count());
}
template <class T>
void bind_value(backend::statement& s, int i, const std::optional<T>& v) {
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

template <class M>
void assign_now(M& member, std::int64_t now_micros) {
  using time = column_value_t<M>;
  member = time(std::chrono::duration_cast<typename time::duration>(
      std::chrono::microseconds(now_micros)));
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
    }(std::make_index_sequence<field_count<Cols>>{});
    positions += field_count<Cols>;
  });
}

/// Binds every member of C from parameter `index` on; timestamps that take "now" get it.
template <class C>
void bind_members(const C& obj, backend::statement& s, int index, bool inserting,
                  std::int64_t now_micros) {
  for_each_aggregate(obj, [&]<class Cols>(const Cols& agg) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            const auto& member = boost::pfr::get<I>(agg);
            if (takes_now<timestamp_role<Cols, I>>(member, inserting)) {
              s.bind_timestamp(index + static_cast<int>(I), now_micros);
            } else {
              bind_value(s, index + static_cast<int>(I), member);
            }
          }(),
          ...);
    }(std::make_index_sequence<field_count<Cols>>{});
    index += static_cast<int>(field_count<Cols>);
  });
}

/// After a successful save: writes "now" into the timestamps bind_members gave it to.
template <class C>
void apply_timestamps(C& obj, bool inserting, std::int64_t now_micros) {
  for_each_aggregate(obj, [&]<class Cols>(Cols& agg) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            if constexpr (timestamp_role<Cols, I> != 0) {
              auto& member = boost::pfr::get<I>(agg);
              if (takes_now<timestamp_role<Cols, I>>(member, inserting))
                assign_now(member, now_micros);
            }
          }(),
          ...);
    }(std::make_index_sequence<field_count<Cols>>{});
  });
}

/// Number of members of C across its lineage.
template <class C>
constexpr std::size_t member_count() {
  std::size_t n = 0;
  for_each_type(lineage_t<C>{}, [&]<class A, std::size_t>() {
    n += field_count<typename A::stitch_columns>;
  });
  return n;
}

}  // namespace stitch::detail
