#include <catch2/catch.hpp>

#include <stitch/detail/reflect.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace outer::inner {
struct Point {
  int x;
  int y;
};
struct Account {
  std::string name;
  std::optional<std::string> nickname;
  std::optional<std::int64_t> parent_id;
  std::optional<std::chrono::sys_time<std::chrono::microseconds>> closed_at;
  bool active;
};
struct Holder {
  struct Nested {
    double value;
  };
};
}  // namespace outer::inner

namespace wide {
struct Wide {
  int m00, m01, m02, m03, m04, m05, m06, m07, m08, m09;
  double m10, m11, m12, m13, m14, m15, m16, m17, m18, m19;
  std::string m20, m21, m22, m23, m24;
  bool m25, m26, m27, m28, m29, last;
};
}  // namespace wide
using wide::Wide;

struct GlobalRecord {
  std::int64_t count;
};

namespace {
struct Hidden {
  std::vector<std::byte> payload;
  std::int32_t _leading_underscore;
  std::int32_t trailing_;
  std::int32_t camelCase2;
};
}  // namespace

using stitch::detail::class_name;
using stitch::detail::field_count;
using stitch::detail::field_index;
using stitch::detail::field_name;
using stitch::detail::field_names;

TEST_CASE("field_names lists an aggregate's members in declaration order", "[reflect]") {
  CHECK(field_count<outer::inner::Point> == 2);
  CHECK(field_names<outer::inner::Point>.size() == 2);
  CHECK(field_names<outer::inner::Point>[0] == "x");
  CHECK(field_names<outer::inner::Point>[1] == "y");
  CHECK(field_name<GlobalRecord, 0> == "count");
}

TEST_CASE("field_names reads std::optional members", "[reflect]") {
  constexpr auto account = field_names<outer::inner::Account>;
  REQUIRE(account.size() == 5);
  CHECK(account[0] == "name");
  CHECK(account[1] == "nickname");
  CHECK(account[2] == "parent_id");
  CHECK(account[3] == "closed_at");
  CHECK(account[4] == "active");
}

// Test files commonly declare their models in an anonymous namespace.
TEST_CASE("field_names reads members of an aggregate in an anonymous namespace", "[reflect]") {
  constexpr auto hidden = field_names<Hidden>;
  REQUIRE(hidden.size() == 4);
  CHECK(hidden[0] == "payload");
  CHECK(hidden[1] == "_leading_underscore");
  CHECK(hidden[2] == "trailing_");
  CHECK(hidden[3] == "camelCase2");
}

template <class T>
struct Pair {
  T first_value;
  T second_value;
};

TEST_CASE("field_names reads members of a class template's instance", "[reflect]") {
  CHECK(field_names<Pair<int>>[0] == "first_value");
  CHECK(field_names<Pair<std::string>>[1] == "second_value");
}

TEST_CASE("field_names reads members of a class local to a function", "[reflect]") {
  struct Local {
    int alpha;
    std::string beta;
  };
  constexpr auto names = field_names<Local>;
  REQUIRE(names.size() == 2);
  CHECK(names[0] == "alpha");
  CHECK(names[1] == "beta");
}

TEST_CASE("field_names handles an aggregate with many members", "[reflect]") {
  constexpr auto names = field_names<Wide>;
  REQUIRE(names.size() == 31);
  for (std::size_t i = 0; i < 30; ++i) {
    const std::string expected = (i < 10 ? "m0" : "m") + std::to_string(i);
    INFO(i);
    CHECK(names[i] == expected);
  }
  CHECK(names[30] == "last");
}

TEST_CASE("field_name works in constant expressions", "[reflect]") {
  CHECK(field_name<outer::inner::Point, 1> == "y");
  CHECK(field_name<outer::inner::Account, 3> == "closed_at");
  CHECK(field_name<Wide, 30> == "last");
}

TEST_CASE("class_name is the unqualified name of a class", "[reflect]") {
  CHECK(class_name<GlobalRecord> == "GlobalRecord");
  CHECK(class_name<outer::inner::Point> == "Point");
  CHECK(class_name<outer::inner::Holder::Nested> == "Nested");
  CHECK(class_name<Hidden> == "Hidden");  // in an anonymous namespace
}

TEST_CASE("class_name of a class local to a function is its own name", "[reflect]") {
  struct Local {
    int a;
  };
  CHECK(class_name<Local> == "Local");
}

TEST_CASE("field_index finds the member a pointer points to", "[reflect]") {
  CHECK(field_index<&outer::inner::Point::x>() == 0);
  CHECK(field_index<&outer::inner::Point::y>() == 1);  // same type as x
  CHECK(field_index<&outer::inner::Account::name>() == 0);
  CHECK(field_index<&outer::inner::Account::nickname>() == 1);
  CHECK(field_index<&outer::inner::Account::active>() == 4);
  CHECK(field_index<&Hidden::trailing_>() == 2);
  CHECK(field_index<&Wide::m00>() == 0);
  CHECK(field_index<&Wide::m19>() == 19);
  CHECK(field_index<&Wide::m24>() == 24);
  CHECK(field_index<&Wide::last>() == 30);
}
