#pragma once
// Rails' datetime text: "YYYY-MM-DD HH:MM:SS.ffffff", UTC, microseconds.

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <ratio>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "../errors.hpp"

namespace stitch::detail {

/// The longest formatted timestamp; buffers passed to format_timestamp hold at least this.
inline constexpr std::size_t timestamp_length = 26;

// Days since 1970-01-01 to civil date (proleptic Gregorian), after H. Hinnant's algorithm.
constexpr void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr std::array<unsigned, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

inline constexpr std::int64_t micros_per_day = 86'400'000'000;

/// The first and last microsecond the text format holds: years 0000 to 9999.
inline constexpr std::int64_t min_timestamp = days_from_civil(0, 1, 1) * micros_per_day;
inline constexpr std::int64_t max_timestamp = days_from_civil(10000, 1, 1) * micros_per_day - 1;

/// The calendar year of a time (any year, for messages).
constexpr std::int64_t year_of(std::int64_t micros) {
  std::int64_t days = micros / micros_per_day;
  if (micros % micros_per_day < 0) --days;
  std::int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(days, y, m, d);
  return y;
}

/// Writes the timestamp as Rails writes it: `YYYY-MM-DD HH:MM:SS.ffffff`, or without the
/// fraction when it is zero (`YYYY-MM-DD HH:MM:SS`), and returns the length (26 or 19).
/// Throws usage_error, naming the value, for a time outside years 0000 to 9999, which four
/// year digits cannot hold.
inline std::size_t format_timestamp(std::int64_t micros, char* out) {
  if (micros < min_timestamp || micros > max_timestamp)
    throw usage_error("the timestamp " + std::to_string(micros) +
                      " microseconds since 1970-01-01 UTC (year " +
                      std::to_string(year_of(micros)) +
                      ") is outside years 0000 to 9999, which is all a database timestamp holds");
  std::int64_t days = micros / micros_per_day;
  std::int64_t rem = micros % micros_per_day;
  if (rem < 0) {
    rem += micros_per_day;
    --days;
  }
  std::int64_t y = 0;
  unsigned mo = 0;
  unsigned d = 0;
  civil_from_days(days, y, mo, d);
  auto put = [&out](std::int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      out[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    out += width;
  };
  const std::int64_t secs = rem / 1'000'000;
  put(y, 4);
  *out++ = '-';
  put(mo, 2);
  *out++ = '-';
  put(d, 2);
  *out++ = ' ';
  put(secs / 3600, 2);
  *out++ = ':';
  put(secs / 60 % 60, 2);
  *out++ = ':';
  put(secs % 60, 2);
  if (rem % 1'000'000 == 0) return timestamp_length - 7;
  *out++ = '.';
  put(rem % 1'000'000, 6);
  return timestamp_length;
}

/// floor(value * Num / Den) without overflow; nullopt when the result does not fit.
template <std::intmax_t Num, std::intmax_t Den>
constexpr std::optional<std::int64_t> scale_floor(std::int64_t value) {
  static_assert(Num > 0 && Den > 0 && Den - 1 <= std::numeric_limits<std::int64_t>::max() / Num,
                "[stitch] a std::chrono::sys_time period this far from microseconds is not "
                "supported: use std::chrono::sys_time<std::chrono::microseconds>");
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t whole = value / Den;
  std::int64_t rem = value % Den;
  if (rem < 0) {
    rem += Den;
    --whole;
  }
  if (whole > max / Num || whole < min / Num) return std::nullopt;
  whole *= Num;
  const std::int64_t part = rem * Num / Den;  // in [0, Num)
  if (whole > max - part) return std::nullopt;
  return whole + part;
}

/// The time as microseconds since the epoch, floored; nullopt when they overflow int64.
template <class D>
std::optional<std::int64_t> to_micros(std::chrono::sys_time<D> t) {
  using rep = typename D::rep;
  const rep count = t.time_since_epoch().count();
  if constexpr (std::chrono::treat_as_floating_point_v<rep>) {
    const long double micros =
        std::floor(std::chrono::duration<long double, std::micro>(t.time_since_epoch()).count());
    // 2^63 is exact in long double; every finite value below it converts.
    if (!(micros >= -0x1p63L && micros < 0x1p63L)) return std::nullopt;
    return static_cast<std::int64_t>(micros);
  } else {
    if (!std::in_range<std::int64_t>(count)) return std::nullopt;
    using ratio = std::ratio_divide<typename D::period, std::micro>;
    return scale_floor<ratio::num, ratio::den>(static_cast<std::int64_t>(count));
  }
}

/// The time of sys_time<D> at or before `micros` (std::chrono::floor); nullopt when D
/// cannot hold it (nanoseconds in int64 end in 2262).
template <class D>
std::optional<std::chrono::sys_time<D>> from_micros(std::int64_t micros) {
  using rep = typename D::rep;
  if constexpr (std::chrono::treat_as_floating_point_v<rep>) {
    return std::chrono::sys_time<D>(
        std::chrono::duration_cast<D>(std::chrono::microseconds(micros)));
  } else {
    using ratio = std::ratio_divide<std::micro, typename D::period>;
    const auto ticks = scale_floor<ratio::num, ratio::den>(micros);
    if (!ticks || !std::in_range<rep>(*ticks)) return std::nullopt;
    return std::chrono::sys_time<D>(D(static_cast<rep>(*ticks)));
  }
}

/// The microseconds to bind for `t`, floored. Throws usage_error, naming the value, when
/// they overflow (a sys_time<seconds> far outside years 0000 to 9999).
template <class D>
std::int64_t timestamp_micros(std::chrono::sys_time<D> t) {
  if (const auto micros = to_micros(t)) return *micros;
  using period = typename D::period;
  throw usage_error("the timestamp " + std::to_string(t.time_since_epoch().count()) + " * " +
                    std::to_string(period::num) + "/" + std::to_string(period::den) +
                    " seconds since 1970-01-01 UTC is outside years 0000 to 9999, which is all "
                    "a database timestamp holds");
}

/// Parses "YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}][Z|+00|+00:00]" or "YYYY-MM-DD" as UTC
/// microseconds since the epoch; nullopt when the text is not such a timestamp.
inline std::optional<std::int64_t> parse_timestamp(std::string_view s) {
  auto num = [&s](std::size_t pos, std::size_t len, unsigned& v) {
    if (pos + len > s.size()) return false;
    v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return true;
  };
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!num(0, 4, y) || s.size() < 10 || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' ||
      !num(8, 2, d) || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
    return std::nullopt;
  std::int64_t micros = 0;
  std::size_t pos = 10;
  if (s.size() > 10) {
    if ((s[10] != ' ' && s[10] != 'T') || !num(11, 2, h) || s.size() < 19 || s[13] != ':' ||
        !num(14, 2, mi) || s[16] != ':' || !num(17, 2, sec) || h > 23 || mi > 59 || sec > 60)
      return std::nullopt;
    pos = 19;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < 6) micros = micros * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (int i = digits; i < 6; ++i) micros *= 10;
    }
    const auto zone = s.substr(pos);
    if (!(zone.empty() || zone == "Z" || zone == "+00" || zone == "+00:00" || zone == " UTC"))
      return std::nullopt;
  }
  const std::int64_t days = days_from_civil(y, mo, d);
  return ((days * 24 + h) * 60 + mi) * 60'000'000LL + std::int64_t{sec} * 1'000'000 + micros;
}

}  // namespace stitch::detail
