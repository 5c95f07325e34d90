#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER  // prints std::optional values on failure
#include <catch2/catch.hpp>

#include <stitch/detail/time.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using stitch::detail::parse_timestamp;

namespace {

std::string format(std::int64_t micros) {
  // One byte past the end catches a write beyond timestamp_length; nothing past the length
  // returned is written.
  std::string out(stitch::detail::timestamp_length + 1, '#');
  const auto length = stitch::detail::format_timestamp(micros, out.data());
  REQUIRE(length <= stitch::detail::timestamp_length);
  REQUIRE(out.find_first_not_of('#', length) == std::string::npos);
  out.resize(length);
  return out;
}

// Reference values, computed independently (Python's datetime).
constexpr std::int64_t leap_day_2024 = 1'709'210'096'789'012;  // 2024-02-29 12:34:56.789012
constexpr std::int64_t leap_day_2024_midnight = 1'709'164'800'000'000;
constexpr std::int64_t last_microsecond_of_9999 = 253'402'300'799'999'999;
constexpr std::int64_t moon_landing = -14'182'940'000'000;  // 1969-07-20 20:17:40
constexpr std::int64_t year_1900 = -2'208'988'800'000'000;
constexpr std::int64_t year_1 = -62'135'596'800'000'000;

}  // namespace

TEST_CASE("a timestamp is formatted as Rails' datetime text with microseconds", "[time]") {
  CHECK(stitch::detail::timestamp_length == 26);
  CHECK(format(0) == "1970-01-01 00:00:00");
  CHECK(format(1) == "1970-01-01 00:00:00.000001");
  CHECK(format(999'999) == "1970-01-01 00:00:00.999999");
  CHECK(format(1'000'000) == "1970-01-01 00:00:01");
  CHECK(format(86'400'000'000 - 1) == "1970-01-01 23:59:59.999999");
  CHECK(format(86'400'000'000) == "1970-01-02 00:00:00");
  CHECK(format(leap_day_2024) == "2024-02-29 12:34:56.789012");
  CHECK(format(leap_day_2024_midnight + 86'400'000'000) == "2024-03-01 00:00:00");
  CHECK(format(last_microsecond_of_9999) == "9999-12-31 23:59:59.999999");
}

TEST_CASE("timestamps before 1970 format as the right calendar date", "[time]") {
  CHECK(format(-1) == "1969-12-31 23:59:59.999999");
  CHECK(format(-1'000'000) == "1969-12-31 23:59:59");
  CHECK(format(-86'400'000'000) == "1969-12-31 00:00:00");
  CHECK(format(-86'400'000'001) == "1969-12-30 23:59:59.999999");
  CHECK(format(moon_landing) == "1969-07-20 20:17:40");
  CHECK(format(year_1900) == "1900-01-01 00:00:00");
  CHECK(format(year_1) == "0001-01-01 00:00:00");
}

TEST_CASE("parse_timestamp reads what format_timestamp writes", "[time]") {
  CHECK(parse_timestamp("1970-01-01 00:00:00.000000") == 0);
  CHECK(parse_timestamp("1970-01-01 00:00:00.000001") == 1);
  CHECK(parse_timestamp("1969-12-31 23:59:59.999999") == -1);
  CHECK(parse_timestamp("1969-07-20 20:17:40.000000") == moon_landing);
  CHECK(parse_timestamp("2024-02-29 12:34:56.789012") == leap_day_2024);
  CHECK(parse_timestamp("9999-12-31 23:59:59.999999") == last_microsecond_of_9999);
  CHECK(parse_timestamp("0001-01-01 00:00:00.000000") == year_1);
  for (std::int64_t micros :
       {std::int64_t{0}, std::int64_t{-1}, leap_day_2024, moon_landing, year_1900, year_1,
        last_microsecond_of_9999, std::int64_t{951'868'800'100'000},
        std::int64_t{-123'456'789'012'345}}) {
    INFO(micros);
    CHECK(parse_timestamp(format(micros)) == micros);
  }
}

TEST_CASE("parse_timestamp accepts a missing or short fraction", "[time]") {
  CHECK(parse_timestamp("2024-02-29 12:34:56") == leap_day_2024 - 789'012);
  CHECK(parse_timestamp("2024-02-29 12:34:56.7") == leap_day_2024 - 89'012);
  CHECK(parse_timestamp("2024-02-29 12:34:56.78") == leap_day_2024 - 9'012);
  CHECK(parse_timestamp("2024-02-29 12:34:56.789") == leap_day_2024 - 12);
  CHECK(parse_timestamp("2024-02-29 12:34:56.7890") == leap_day_2024 - 12);
  CHECK(parse_timestamp("2024-02-29 12:34:56.78901") == leap_day_2024 - 2);
  CHECK(parse_timestamp("2024-02-29 12:34:56.789012") == leap_day_2024);
  CHECK(parse_timestamp("1970-01-01 00:00:00.5") == 500'000);
}

TEST_CASE("parse_timestamp truncates fraction digits past the sixth", "[time]") {
  CHECK(parse_timestamp("2024-02-29 12:34:56.7890129") == leap_day_2024);
  CHECK(parse_timestamp("2024-02-29 12:34:56.78901299") == leap_day_2024);
  CHECK(parse_timestamp("2024-02-29 12:34:56.789012999") == leap_day_2024);
  CHECK(parse_timestamp("1969-12-31 23:59:59.999999999") == -1);
}

TEST_CASE("parse_timestamp accepts a T separator and a UTC zone suffix", "[time]") {
  CHECK(parse_timestamp("2024-02-29T12:34:56.789012") == leap_day_2024);
  CHECK(parse_timestamp("2024-02-29T12:34:56.789012Z") == leap_day_2024);
  CHECK(parse_timestamp("2024-02-29 12:34:56.789012+00") == leap_day_2024);
  CHECK(parse_timestamp("2024-02-29 12:34:56.789012+00:00") == leap_day_2024);
  CHECK(parse_timestamp("2024-02-29T12:34:56Z") == leap_day_2024 - 789'012);
  CHECK(parse_timestamp("2024-02-29 12:34:56+00") == leap_day_2024 - 789'012);
  CHECK(parse_timestamp("2024-02-29T12:34:56+00:00") == leap_day_2024 - 789'012);
}

TEST_CASE("parse_timestamp reads a date alone as its midnight", "[time]") {
  CHECK(parse_timestamp("2024-02-29") == leap_day_2024_midnight);
  CHECK(parse_timestamp("1970-01-01") == 0);
  CHECK(parse_timestamp("1900-01-01") == year_1900);
}

TEST_CASE("parse_timestamp rejects text that is not a UTC timestamp", "[time]") {
  for (std::string_view text : {
           "",
           "garbage",
           "not a timestamp at all",
           "2024",
           "2024-02",
           "2024-2-29",
           "2024/02/29",
           "24-02-29",
           "2024-13-01",            // month 13
           "2024-00-10",            // month 0
           "2024-01-32",            // day 32
           "2024-01-00",            // day 0
           "2024-02-29 ",           // a separator without a time
           "2024-02-29 12",         // hours only
           "2024-02-29 12:34",      // no seconds
           "2024-02-29 12:34:5",    // one-digit seconds
           "2024-02-29 24:00:00",   // hour 24
           "2024-02-29 12:60:00",   // minute 60
           "2024-02-29X12:34:56",   // unknown separator
           "2024-02-29 12:34:56.",  // a point without digits
           "2024-02-29 12:34:56.12a",
           "2024-02-29 12:34:56 ",
           "2024-02-29 12:34:56+05:00",  // another zone: stitch stores UTC only
           "2024-02-29 12:34:56-08",
           "2024-02-29 12:34:56+01",
           "2024-02-29 12:34:56z",
           "2024-02-29junk",
       }) {
    INFO('"' << std::string(text) << '"');
    CHECK(parse_timestamp(text) == std::nullopt);
  }
}

TEST_CASE("parse_timestamp rejects days that do not exist in their month", "[time]") {
  CHECK(parse_timestamp("2023-02-29") == std::nullopt);  // 2023 is not a leap year
  CHECK(parse_timestamp("2024-02-30") == std::nullopt);
  CHECK(parse_timestamp("2024-04-31 00:00:00") == std::nullopt);
  CHECK(parse_timestamp("1900-02-29") == std::nullopt);  // divisible by 100, not by 400
  CHECK(parse_timestamp("2000-02-29") == std::int64_t{951'782'400'000'000});
}
