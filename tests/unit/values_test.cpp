#include <catch2/catch.hpp>

#include <stitch/stitch.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

// Moving values between members and a statement (detail/row.hpp) and timestamp arithmetic
// (detail/time.hpp), against a scripted statement. No database.

namespace {

using namespace std::chrono;
using micro_time = sys_time<microseconds>;

constexpr std::int64_t micros_2024 = 1'709'210'096'789'012;   // 2024-02-29 12:34:56.789012
constexpr std::int64_t micros_2300 = 10'413'792'000'000'000;  // 2300-01-01 00:00:00

struct null_value {};
using value =
    std::variant<null_value, std::int64_t, double, bool, std::string, std::vector<std::byte>>;

// A statement whose result row is a list of values, counting the calls the core makes.
// A read of the wrong C++ type fails the test: the core must ask for what the member is.
class scripted_statement final : public stitch::backend::statement {
 public:
  std::vector<value> row;
  int calls = 0;
  std::vector<std::int64_t> bound_timestamps;

  void bind_null(int) override { ++calls; }
  void bind_int64(int, std::int64_t) override { ++calls; }
  void bind_double(int, double) override { ++calls; }
  void bind_bool(int, bool) override { ++calls; }
  void bind_text(int, std::string_view) override { ++calls; }
  void bind_blob(int, std::span<const std::byte>) override { ++calls; }
  void bind_timestamp(int, std::int64_t micros) override {
    ++calls;
    bound_timestamps.push_back(micros);
  }
  bool step() override { return true; }
  void reset() noexcept override {}
  std::int64_t affected_rows() override { return 0; }

  bool read(int c, std::int64_t& out) override { return take(c, out); }
  bool read(int c, double& out) override { return take(c, out); }
  bool read(int c, bool& out) override { return take(c, out); }
  bool read(int c, std::string& out) override { return take(c, out); }
  bool read(int c, std::vector<std::byte>& out) override { return take(c, out); }
  // Timestamps are scripted as int64 microseconds.
  bool read_timestamp(int c, std::int64_t& micros) override { return take(c, micros); }

  int column_count() override { return static_cast<int>(row.size()); }
  bool is_null(int c) override {
    ++calls;
    return std::holds_alternative<null_value>(at(c));
  }
  std::int64_t get_int64(int c) override {
    ++calls;
    return std::get<std::int64_t>(at(c));
  }
  std::string_view get_text(int c) override {
    ++calls;
    return std::get<std::string>(at(c));
  }
  const std::string& sql() const noexcept override { return sql_; }

 private:
  const value& at(int c) const { return row.at(static_cast<std::size_t>(c)); }
  template <class T>
  bool take(int c, T& out) {
    ++calls;
    const value& v = at(c);
    if (std::holds_alternative<null_value>(v)) return false;
    const T* held = std::get_if<T>(&v);
    if (held == nullptr)
      throw std::logic_error("read of column " + std::to_string(c) + " asked for the wrong type");
    out = *held;
    return true;
  }
  std::string sql_ = "SELECT scripted";
};

struct EveryTypeColumns {
  std::int32_t small = 0;
  std::int64_t big = 0;
  double real = 0;
  bool flag = false;
  std::string text;
  micro_time at{};
  sys_time<seconds> at_seconds{};
  std::vector<std::byte> bytes;
  std::optional<std::int32_t> maybe_small;
  std::optional<std::string> maybe_text;
  std::optional<micro_time> maybe_at;
};
struct EveryType : stitch::model<EveryType, EveryTypeColumns> {};

struct StampedColumns {
  std::string name;
  sys_time<seconds> created_at{};
  std::optional<sys_time<seconds>> updated_at;
};
struct Stamped : stitch::model<Stamped, StampedColumns> {};

template <class T>
T read_one(value v) {
  scripted_statement st;
  st.row = {std::move(v)};
  T out{};
  stitch::detail::read_value(st, 0, out);
  return out;
}

}  // namespace

TEST_CASE("reading a member costs one call to the backend, NULL or not", "[values]") {
  scripted_statement st;
  st.row = {std::int64_t{-3},
            std::int64_t{1} << 40,
            2.5,
            true,
            std::string("text"),
            micros_2024,
            std::int64_t{-1'500'000},
            std::vector<std::byte>{std::byte{7}},
            null_value{},
            std::string("set"),
            null_value{}};
  EveryType obj;
  obj.maybe_small = 9;  // emptied by the NULL
  const std::array<int, 11> positions{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  stitch::detail::read_members(obj, st, positions.data());
  CHECK(st.calls == 11);
  CHECK(obj.small == -3);
  CHECK(obj.big == std::int64_t{1} << 40);
  CHECK(obj.real == 2.5);
  CHECK(obj.flag);
  CHECK(obj.text == "text");
  CHECK(obj.at == micro_time(microseconds(micros_2024)));
  CHECK(obj.at_seconds == sys_time<seconds>(seconds(-2)));  // floored, not truncated
  CHECK(obj.bytes == std::vector<std::byte>{std::byte{7}});
  CHECK_FALSE(obj.maybe_small.has_value());
  CHECK(obj.maybe_text == std::optional<std::string>("set"));
  CHECK_FALSE(obj.maybe_at.has_value());
}

TEST_CASE("bad_value is a data_error that keeps the column and the reason", "[values]") {
  scripted_statement st;
  st.row = {std::int64_t{1}, null_value{}};
  std::int64_t out = 5;
  try {
    stitch::detail::read_value(st, 1, out);
    FAIL("NULL was read into a non-optional member");
  } catch (const std::exception& e) {  // what an adapter's user catches
    const auto* bad = dynamic_cast<const stitch::detail::bad_value*>(&e);
    REQUIRE(bad != nullptr);
    CHECK(dynamic_cast<const stitch::data_error*>(&e) != nullptr);
    CHECK(bad->column == 1);
    CHECK(bad->reason == "is NULL but the member is not std::optional");
    CHECK(std::string(e.what()) ==
          "[stitch.data_error] result column 1 is NULL but the member is not std::optional");
  }
  CHECK(out == 5);
}

TEST_CASE("an int32 member refuses an integer outside its range", "[values]") {
  CHECK(read_one<std::int32_t>(std::int64_t{-2'147'483'648}) == -2'147'483'648);
  CHECK_THROWS_AS(read_one<std::int32_t>(std::int64_t{2'147'483'648}), stitch::detail::bad_value);
  CHECK_THROWS_WITH(read_one<std::optional<std::int32_t>>(std::int64_t{-2'147'483'649}),
                    Catch::Contains("does not fit in std::int32_t"));
}

TEST_CASE("a stored time is floored to the member's precision", "[values][time]") {
  CHECK(read_one<sys_time<seconds>>(std::int64_t{-1}) == sys_time<seconds>(seconds(-1)));
  CHECK(read_one<sys_time<seconds>>(std::int64_t{1'999'999}) == sys_time<seconds>(seconds(1)));
  CHECK(read_one<sys_time<milliseconds>>(std::int64_t{-1'001}) ==
        sys_time<milliseconds>(milliseconds(-2)));
  CHECK(read_one<sys_days>(std::int64_t{-1}) == sys_days(days(-1)));
  CHECK(read_one<sys_time<nanoseconds>>(std::int64_t{-7}) ==
        sys_time<nanoseconds>(nanoseconds(-7'000)));
}

TEST_CASE("a stored time the member cannot hold is a data_error, not an overflow",
          "[values][time]") {
  // int64 nanoseconds end in April 2262.
  CHECK_THROWS_AS(read_one<sys_time<nanoseconds>>(micros_2300), stitch::data_error);
  CHECK_THROWS_WITH(read_one<std::optional<system_clock::time_point>>(micros_2300),
                    Catch::Contains("year 2300"));
  CHECK_THROWS_AS(read_one<sys_time<nanoseconds>>(stitch::detail::min_timestamp),
                  stitch::detail::bad_value);
  using coarse = duration<std::int16_t, std::ratio<86400>>;  // days in 16 bits: ±89 years
  CHECK(read_one<sys_time<coarse>>(std::int64_t{0}) == sys_time<coarse>(coarse(0)));
  CHECK_THROWS_AS(read_one<sys_time<coarse>>(micros_2300), stitch::data_error);
}

TEST_CASE("conversions to and from microseconds floor and report overflow", "[values][time]") {
  using stitch::detail::from_micros;
  using stitch::detail::to_micros;
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  CHECK(to_micros(sys_time<nanoseconds>(nanoseconds(-1))) == -1);
  CHECK(to_micros(sys_time<nanoseconds>(nanoseconds(1'999))) == 1);
  CHECK(to_micros(sys_time<nanoseconds>(nanoseconds(min))) == min / 1000 - 1);
  CHECK(to_micros(sys_time<seconds>(seconds(-3))) == -3'000'000);
  CHECK(to_micros(sys_time<seconds>(seconds(max / 1'000'000))) == max / 1'000'000 * 1'000'000);
  CHECK(to_micros(sys_time<seconds>(seconds(max / 1'000'000 + 1))) == std::nullopt);
  CHECK(to_micros(sys_time<seconds>(seconds(min))) == std::nullopt);
  CHECK(to_micros(sys_time<duration<double>>(duration<double>(-0.25))) == -250'000);
  CHECK(to_micros(sys_time<duration<double>>(duration<double>(1e300))) == std::nullopt);
  CHECK(from_micros<seconds>(max) == sys_time<seconds>(seconds(max / 1'000'000)));
  CHECK(from_micros<seconds>(min) == sys_time<seconds>(seconds(min / 1'000'000 - 1)));
  CHECK(from_micros<nanoseconds>(max / 1000) ==
        sys_time<nanoseconds>(nanoseconds(max / 1000 * 1000)));
  CHECK(from_micros<nanoseconds>(max / 1000 + 1) == std::nullopt);
  CHECK(from_micros<nanoseconds>(min / 1000) ==
        sys_time<nanoseconds>(nanoseconds(min / 1000 * 1000)));
  CHECK(from_micros<nanoseconds>(min / 1000 - 1) == std::nullopt);
}

TEST_CASE("format_timestamp refuses a year outside 0000 to 9999, naming the value",
          "[values][time]") {
  using stitch::detail::format_timestamp;
  using stitch::detail::max_timestamp;
  using stitch::detail::min_timestamp;
  std::string out(stitch::detail::timestamp_length, '#');
  CHECK(out.substr(0, format_timestamp(min_timestamp, out.data())) == "0000-01-01 00:00:00");
  CHECK(out.substr(0, format_timestamp(max_timestamp, out.data())) == "9999-12-31 23:59:59.999999");
  std::string untouched(stitch::detail::timestamp_length, '#');
  CHECK_THROWS_AS(format_timestamp(max_timestamp + 1, untouched.data()), stitch::usage_error);
  CHECK_THROWS_WITH(
      format_timestamp(max_timestamp + 1, untouched.data()),
      Catch::Contains(std::to_string(max_timestamp + 1)) && Catch::Contains("year 10000"));
  CHECK_THROWS_WITH(format_timestamp(min_timestamp - 1, untouched.data()),
                    Catch::Contains("year -1"));
  CHECK_THROWS_AS(format_timestamp(std::numeric_limits<std::int64_t>::min(), untouched.data()),
                  stitch::usage_error);
  CHECK(untouched == std::string(stitch::detail::timestamp_length, '#'));
}

TEST_CASE("binding a time whose microseconds overflow throws usage_error", "[values][time]") {
  scripted_statement st;
  const auto far = sys_time<seconds>(seconds(std::numeric_limits<std::int64_t>::max() / 2));
  CHECK_THROWS_AS(stitch::detail::bind_value(st, 1, far), stitch::usage_error);
  CHECK_THROWS_WITH(stitch::detail::bind_value(st, 1, std::optional(far)),
                    Catch::Contains(std::to_string(far.time_since_epoch().count())));
  CHECK(st.bound_timestamps.empty());
  stitch::detail::bind_value(st, 1, sys_time<nanoseconds>(nanoseconds(-1)));
  CHECK(st.bound_timestamps == std::vector<std::int64_t>{-1});
}

TEST_CASE("an automatic timestamp is floored to the member before it is bound", "[values][time]") {
  scripted_statement st;
  Stamped obj;
  stitch::detail::bind_members(obj, st, 1, true, micros_2024);
  const std::int64_t whole_second = micros_2024 / 1'000'000 * 1'000'000;
  // created_at and updated_at get the same floored value, and the object gets what was bound.
  REQUIRE(st.bound_timestamps == std::vector<std::int64_t>{whole_second, whole_second});
  stitch::detail::apply_timestamps(obj, true, micros_2024);
  CHECK(obj.created_at.time_since_epoch() == microseconds(whole_second));
  CHECK(obj.updated_at == std::optional(obj.created_at));

  // On update only updated_at takes "now".
  scripted_statement update;
  const auto later = micros_2024 + 2'345'678;
  stitch::detail::bind_members(obj, update, 1, false, later);
  REQUIRE(update.bound_timestamps.size() == 2);
  CHECK(update.bound_timestamps[0] == whole_second);
  CHECK(update.bound_timestamps[1] == later / 1'000'000 * 1'000'000);
  stitch::detail::apply_timestamps(obj, false, later);
  CHECK(obj.updated_at->time_since_epoch() == microseconds(update.bound_timestamps[1]));
}
