#include <catch2/catch.hpp>

#include <stitch/stitch.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

// stitch::sql("... ? ...", values...): a raw SQL condition split at its placeholders.

namespace {

// Numbers its placeholders, so that the tests see where each one went.
class numbered_dialect final : public stitch::dialect {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "numbered"; }
  void placeholder(std::string& out, int n) const override { out += "$" + std::to_string(n); }
  [[nodiscard]] std::string_view column_type(stitch::column_kind) const noexcept override {
    return "any";
  }
  [[nodiscard]] std::string_view id_column() const noexcept override { return "bigserial"; }
  [[nodiscard]] bool returns_inserted_id() const noexcept override { return true; }
  [[nodiscard]] std::string_view begin_transaction(bool) const noexcept override { return "BEGIN"; }
};

std::string render(const stitch::predicate<>& p) {
  static const numbered_dialect d;
  stitch::detail::sql_builder b(d);
  b.pieces(p.data());
  return std::move(b).str();
}

std::string render_sqlite(const stitch::predicate<>& p) {
  static const stitch::sqlite_dialect d;
  stitch::detail::sql_builder b(d);
  b.pieces(p.data());
  return std::move(b).str();
}

std::string message_of(const std::exception& e) { return e.what(); }

}  // namespace

TEST_CASE("a raw fragment is split at each ? and binds the values in order", "[predicate]") {
  const auto p = stitch::sql("a = ? AND b = ?", 1, "x");
  CHECK(render(p) == "a = $1 AND b = $2");
  CHECK(render_sqlite(p) == "a = ? AND b = ?");
  REQUIRE(p.data().params.size() == 2);
  CHECK(std::get<std::int64_t>(p.data().params[0]) == 1);
  CHECK(std::get<std::string>(p.data().params[1]) == "x");
}

TEST_CASE("a raw fragment may start and end with a placeholder", "[predicate]") {
  const auto p = stitch::sql("? < length(name) AND length(name) < ?", 2, 10);
  CHECK(render(p) == "$1 < length(name) AND length(name) < $2");
  const auto only = stitch::sql("?", true);
  CHECK(render(only) == "$1");
  REQUIRE(only.data().params.size() == 1);
  CHECK(std::get<bool>(only.data().params[0]) == true);
}

TEST_CASE("a raw fragment without placeholders takes no values", "[predicate]") {
  const auto p = stitch::sql("\"archived\" = 0");
  CHECK(render(p) == "\"archived\" = 0");
  CHECK(p.data().params.empty());
}

TEST_CASE("a ? inside quotes is text, not a placeholder", "[predicate]") {
  const auto single = stitch::sql("note = '?' AND n = ?", 5);
  CHECK(render(single) == "note = '?' AND n = $1");
  CHECK(single.data().params.size() == 1);

  const auto dbl = stitch::sql("\"what?\" = ? OR \"?\" IS NULL", 5);
  CHECK(render(dbl) == "\"what?\" = $1 OR \"?\" IS NULL");
  CHECK(dbl.data().params.size() == 1);

  // SQL's doubled quote closes and reopens the literal: the ? stays inside.
  const auto escaped = stitch::sql("note = 'it''s ?' AND n = ?", 5);
  CHECK(render(escaped) == "note = 'it''s ?' AND n = $1");

  // A double quote inside a single-quoted literal does not open an identifier.
  const auto mixed = stitch::sql("note = '\"' AND n = ? AND m = ?", 1, 2);
  CHECK(render(mixed) == "note = '\"' AND n = $1 AND m = $2");
}

TEST_CASE("a raw fragment binds each supported value type", "[predicate]") {
  using namespace std::chrono;
  const sys_time<microseconds> t{microseconds{1'709'210'096'789'012}};
  const auto p = stitch::sql("a = ? AND b = ? AND c = ? AND d = ? AND e = ?", std::int64_t{1} << 40,
                             2.5, false, std::string("text"), t);
  REQUIRE(p.data().params.size() == 5);
  CHECK(std::get<std::int64_t>(p.data().params[0]) == (std::int64_t{1} << 40));
  CHECK(std::get<double>(p.data().params[1]) == 2.5);
  CHECK(std::get<bool>(p.data().params[2]) == false);
  CHECK(std::get<std::string>(p.data().params[3]) == "text");
  CHECK(std::get<stitch::detail::timestamp_param>(p.data().params[4]).micros ==
        1'709'210'096'789'012);
}

TEST_CASE("a raw fragment binds any string-like value as text", "[predicate]") {
  const std::string_view view = "view";
  const std::string owned = "owned";
  const auto p = stitch::sql("a = ? AND b = ? AND c = ?", "literal", view, owned);
  REQUIRE(p.data().params.size() == 3);
  CHECK(std::get<std::string>(p.data().params[0]) == "literal");
  CHECK(std::get<std::string>(p.data().params[1]) == "view");
  CHECK(std::get<std::string>(p.data().params[2]) == "owned");
}

TEST_CASE("a raw fragment binds any integer as a 64-bit integer", "[predicate]") {
  const auto p = stitch::sql("a = ? AND b = ? AND c = ? AND d = ?", std::int32_t{-7},
                             std::size_t{42}, short{3}, 2.5f);
  REQUIRE(p.data().params.size() == 4);
  CHECK(std::get<std::int64_t>(p.data().params[0]) == -7);
  CHECK(std::get<std::int64_t>(p.data().params[1]) == 42);
  CHECK(std::get<std::int64_t>(p.data().params[2]) == 3);
  CHECK(std::get<double>(p.data().params[3]) == 2.5);
}

TEST_CASE("a raw fragment binds nullptr and an empty std::optional as NULL", "[predicate]") {
  const auto p = stitch::sql("a = ? AND b = ? AND c = ? AND d = ?", nullptr, std::optional<int>{},
                             std::optional<std::string>{"set"}, std::nullopt);
  REQUIRE(p.data().params.size() == 4);
  CHECK(std::holds_alternative<std::nullptr_t>(p.data().params[0]));
  CHECK(std::holds_alternative<std::nullptr_t>(p.data().params[1]));
  CHECK(std::get<std::string>(p.data().params[2]) == "set");
  CHECK(std::holds_alternative<std::nullptr_t>(p.data().params[3]));
}

TEST_CASE("a C string value binds as text", "[predicate]") {
  const char* name = "Norristown";
  const auto p = stitch::sql("township = ?", name);
  REQUIRE(p.data().params.size() == 1);
  INFO("variant index " << p.data().params[0].index() << " (4 is std::string, 3 is bool)");
  REQUIRE(std::holds_alternative<std::string>(p.data().params[0]));
  CHECK(std::get<std::string>(p.data().params[0]) == "Norristown");
}

TEST_CASE("more placeholders than values is a usage_error naming the fragment", "[predicate]") {
  CHECK_THROWS_AS(stitch::sql("a = ? AND b = ?", 1), stitch::usage_error);
  CHECK_THROWS_AS(stitch::sql("a = ?"), stitch::usage_error);
  try {
    (void)stitch::sql("a = ? AND b = ?", 1);
    FAIL("expected stitch::usage_error");
  } catch (const stitch::usage_error& e) {
    const std::string what = message_of(e);
    INFO(what);
    CHECK(what.rfind("[stitch.usage_error] ", 0) == 0);
    CHECK(std::string(e.id()) == "stitch.usage_error");
    CHECK(what.find("\"a = ? AND b = ?\"") != std::string::npos);
    CHECK(what.find("1 values given") != std::string::npos);
  }
}

TEST_CASE("fewer placeholders than values is a usage_error naming the fragment", "[predicate]") {
  CHECK_THROWS_AS(stitch::sql("a = 1", 1), stitch::usage_error);
  CHECK_THROWS_AS(stitch::sql("a = '?'", 1), stitch::usage_error);
  try {
    (void)stitch::sql("a = ?", 1, 2);
    FAIL("expected stitch::usage_error");
  } catch (const stitch::usage_error& e) {
    const std::string what = message_of(e);
    INFO(what);
    CHECK(what.rfind("[stitch.usage_error] ", 0) == 0);
    CHECK(what.find("\"a = ?\"") != std::string::npos);
    CHECK(what.find("1 ? placeholders but 2 values") != std::string::npos);
  }
}

TEST_CASE("raw fragments combine with && and || like typed conditions", "[predicate]") {
  const auto p = stitch::sql("a = ?", 1) && (stitch::sql("b = ?", 2) || !stitch::sql("c = ?", 3));
  CHECK(render(p) == "(a = $1) AND ((b = $2) OR (NOT (c = $3)))");
  REQUIRE(p.data().params.size() == 3);
  CHECK(std::get<std::int64_t>(p.data().params[2]) == 3);
}
