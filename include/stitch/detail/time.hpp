#pragma once
// Rails' datetime text: "YYYY-MM-DD HH:MM:SS.ffffff", UTC, microseconds.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace stitch::detail {

/// Length of a formatted timestamp; buffers passed to format_timestamp hold at least this.
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

/// Writes exactly timestamp_length characters for a year in [0, 9999].
inline void format_timestamp(std::int64_t micros, char* out) {
  constexpr std::int64_t per_day = 86'400'000'000;
  std::int64_t days = micros / per_day;
  std::int64_t rem = micros % per_day;
  if (rem < 0) {
    rem += per_day;
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
  *out++ = '.';
  put(rem % 1'000'000, 6);
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
