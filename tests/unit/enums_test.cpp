#include <catch2/catch.hpp>

#include <stitch/stitch.hpp>

#include <cstdint>
#include <optional>

// Declared enums (enums.hpp): names, lookups and the compile-time check of a declaration.

namespace {
enum class Color : std::uint8_t { red = 1, green = 2, blue = 4 };
enum class Big : std::uint64_t { small = 1, large = std::uint64_t{1} << 62 };
enum Plain { first = 10, second = 20 };  // an unscoped enum works the same way
}  // namespace

template <>
struct stitch::enum_traits<Color> {
  static constexpr stitch::enum_value<Color> values[] = {
      {Color::red, "red"}, {Color::green, "green"}, {Color::blue, "blue"}};
};
template <>
struct stitch::enum_traits<Big> {
  static constexpr stitch::enum_value<Big> values[] = {{Big::small, "small"},
                                                       {Big::large, "large"}};
};
template <>
struct stitch::enum_traits<Plain> {
  static constexpr stitch::enum_value<Plain> values[] = {{first, "first"}, {second, "second"}};
};

static_assert(stitch::declared_enum<Color>);
static_assert(!stitch::declared_enum<std::byte>);  // an enum, not declared
static_assert(!stitch::declared_enum<int>);
static_assert(stitch::is_column_type_v<Color>);
static_assert(stitch::is_column_type_v<std::optional<Color>>);
static_assert(!stitch::is_column_type_v<std::byte>);
static_assert(stitch::column_type<Color>::kind == stitch::column_kind::integer);
static_assert(stitch::column_type<Plain>::kind == stitch::column_kind::integer);
static_assert(stitch::column_type<Big>::kind == stitch::column_kind::big_integer);
static_assert(stitch::detail::enum_declaration_is_sound<Color>());
static_assert(stitch::enum_name(Color::green) == "green");  // usable at compile time

TEST_CASE("an enum's declared names and values are found both ways", "[enum]") {
  CHECK(stitch::enum_name(Color::blue) == "blue");
  CHECK(stitch::enum_name(static_cast<Color>(3)).empty());
  CHECK(stitch::enum_from_name<Color>("red") == Color::red);
  CHECK(stitch::enum_from_name<Color>("Red") == std::nullopt);
  CHECK(stitch::enum_from_name<Plain>("second") == second);
  CHECK(stitch::enum_integer(Big::large) == std::int64_t{1} << 62);
  CHECK(stitch::detail::enum_from_integer<Color>(4) == Color::blue);
  CHECK(stitch::detail::enum_from_integer<Color>(3) == std::nullopt);
  CHECK(stitch::detail::enum_from_integer<Color>(-1) == std::nullopt);
}

TEST_CASE("an enum is described with every declared value, for messages", "[enum]") {
  CHECK(stitch::detail::describe_enum<Color>() == "enum Color (red = 1, green = 2, blue = 4)");
  CHECK(stitch::detail::describe_enum<Plain>() == "enum Plain (first = 10, second = 20)");
  CHECK(stitch::detail::describe_enum<Big>() ==
        "enum Big (small = 1, large = 4611686018427387904)");
  CHECK(stitch::detail::enum_value_text(static_cast<Big>(~std::uint64_t{0})) ==
        "18446744073709551615");
  CHECK(stitch::detail::enum_value_text(static_cast<Color>(200)) == "200");  // a number, not a char
}
