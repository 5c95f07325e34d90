#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;

namespace {

std::vector<std::byte> bytes(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

// Every member, compared one by one so that a failure names the member.
void check_same(const Sample& got, const Sample& want) {
  CHECK(got.id == want.id);
  CHECK(got.small == want.small);
  CHECK(got.big == want.big);
  CHECK(got.real == want.real);
  CHECK(got.flag == want.flag);
  CHECK(got.text == want.text);
  CHECK(got.at == want.at);
  CHECK(got.at_seconds == want.at_seconds);
  CHECK(got.bytes == want.bytes);
  CHECK(got.maybe_small == want.maybe_small);
  CHECK(got.maybe_big == want.maybe_big);
  CHECK(got.maybe_real == want.maybe_real);
  CHECK(got.maybe_flag == want.maybe_flag);
  CHECK(got.maybe_text == want.maybe_text);
  CHECK(got.maybe_at == want.maybe_at);
  CHECK(got.maybe_bytes == want.maybe_bytes);
}

Sample round_trip(stitch::database& db, Sample& s) {
  db.save(s);
  REQUIRE(s.persisted());
  Sample found = db.find<Sample>(s.id);
  check_same(found, s);
  return found;
}

}  // namespace

TEST_CASE("the lowest values of every type round-trip exactly", "[types]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  Sample s;
  s.small = std::numeric_limits<std::int32_t>::min();
  s.big = std::numeric_limits<std::int64_t>::min();
  s.real = -1e300;
  s.flag = false;
  s.text = "";
  s.at = at(1969, 7, 20, 20, 17, 40, 1);  // before 1970
  s.at_seconds = std::chrono::time_point_cast<std::chrono::seconds>(at(1900, 1, 1, 0, 0, 0, 0));
  s.bytes = {};
  s.maybe_small = std::numeric_limits<std::int32_t>::min();
  s.maybe_big = std::numeric_limits<std::int64_t>::min();
  s.maybe_real = -0.5;
  s.maybe_flag = false;
  s.maybe_text = "";
  s.maybe_at = at(1960, 2, 29, 0, 0, 0, 999999);
  s.maybe_bytes = std::vector<std::byte>{};
  round_trip(*db, s);
}

TEST_CASE("the highest values of every type round-trip exactly", "[types]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  Sample s;
  s.small = std::numeric_limits<std::int32_t>::max();
  s.big = std::numeric_limits<std::int64_t>::max();
  s.real = 1e300;
  s.flag = true;
  s.text = "Grüße, 消防署, مرحبا, 🚒";
  s.at = at(2024, 2, 29, 23, 59, 59, 123456);
  s.at_seconds = std::chrono::time_point_cast<std::chrono::seconds>(at(2038, 1, 19, 3, 14, 8, 0));
  s.bytes = bytes({0, 1, 0, 255, 0, 127, 128, 0});
  s.maybe_small = std::numeric_limits<std::int32_t>::max();
  s.maybe_big = std::numeric_limits<std::int64_t>::max();
  s.maybe_real = 0.1;
  s.maybe_flag = true;
  s.maybe_text = "set";
  s.maybe_at = at(9999, 12, 31, 23, 59, 59, 999999);
  s.maybe_bytes = bytes({0, 0, 0});
  round_trip(*db, s);
}

TEST_CASE("empty optionals are stored as NULL and read back empty", "[types]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  Sample s;
  s.text = "only required members";
  s.real = 2.5e-300;
  round_trip(*db, s);
  CHECK(db->all<Sample>().where(col<&Sample::maybe_text>.is_null()).count() == 1);
  CHECK(db->all<Sample>().where(col<&Sample::maybe_bytes>.is_null()).count() == 1);
  CHECK(db->all<Sample>().where(col<&Sample::maybe_at>.is_null()).count() == 1);
  CHECK(db->all<Sample>().where(col<&Sample::maybe_flag>.is_null()).count() == 1);

  // An empty string and an empty blob are values, not NULL.
  Sample empty_values;
  empty_values.maybe_text = "";
  empty_values.maybe_bytes = std::vector<std::byte>{};
  round_trip(*db, empty_values);
  CHECK(db->all<Sample>().where(col<&Sample::maybe_text>.is_not_null()).count() == 1);
  CHECK(db->all<Sample>().where(col<&Sample::maybe_bytes>.is_not_null()).count() == 1);
  CHECK(db->all<Sample>().where(col<&Sample::maybe_text> == "").count() == 1);
}

TEST_CASE("an optional set, saved, then emptied is NULL after the update", "[types]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  Sample s;
  s.maybe_small = 7;
  s.maybe_big = 8;
  s.maybe_real = 9.5;
  s.maybe_flag = true;
  s.maybe_text = "ten";
  s.maybe_at = at(2011, 11, 11, 11, 11, 11, 111111);
  s.maybe_bytes = bytes({12});
  round_trip(*db, s);

  s.maybe_small.reset();
  s.maybe_big.reset();
  s.maybe_real.reset();
  s.maybe_flag.reset();
  s.maybe_text.reset();
  s.maybe_at.reset();
  s.maybe_bytes.reset();
  round_trip(*db, s);

  // Reading into an object whose optionals were set empties them.
  Sample stale = s;
  stale.maybe_text = "stale";
  stale.maybe_at = at(2000, 1, 1, 0, 0, 0, 0);
  db->reload(stale);
  CHECK_FALSE(stale.maybe_text.has_value());
  CHECK_FALSE(stale.maybe_at.has_value());
}

TEST_CASE("timestamps keep their microseconds on both sides of 1970", "[types]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  const std::vector<models::timestamp> times{
      at(1970, 1, 1, 0, 0, 0, 0),
      at(1970, 1, 1, 0, 0, 0, 1),
      at(1969, 12, 31, 23, 59, 59, 999999),
      at(1969, 12, 31, 23, 59, 59, 0),
      at(1, 1, 1, 0, 0, 0, 0),
      at(1600, 2, 29, 12, 0, 0, 500000),
      at(2000, 2, 29, 0, 0, 0, 10),
      at(2100, 3, 1, 1, 2, 3, 456789),
  };
  std::vector<std::int64_t> ids;
  for (const auto& t : times) {
    Sample s;
    s.at = t;
    s.maybe_at = t;
    s.at_seconds = std::chrono::floor<std::chrono::seconds>(t);
    db->save(s);
    ids.push_back(s.id);
  }
  for (std::size_t i = 0; i < times.size(); ++i) {
    const auto found = db->find<Sample>(ids[i]);
    CHECK(found.at == times[i]);
    CHECK(found.maybe_at == std::optional<models::timestamp>(times[i]));
    CHECK(found.at_seconds == std::chrono::floor<std::chrono::seconds>(times[i]));
  }
  // Stored values order and compare as time does.
  CHECK(db->all<Sample>().order_by(col<&Sample::at>).pluck(col<&Sample::at>) ==
        std::vector<models::timestamp>{times[4], times[5], times[3], times[2], times[0], times[1],
                                       times[6], times[7]});
  CHECK(db->all<Sample>().where(col<&Sample::at> < at(1970, 1, 1, 0, 0, 0, 0)).count() == 4);
  CHECK(db->all<Sample>().where(col<&Sample::at> == times[2]).pluck(col<&Sample::id>) ==
        std::vector<std::int64_t>{ids[2]});
  CHECK(db->all<Sample>().where(col<&Sample::maybe_at> >= times[1]).count() == 3);
}

TEST_CASE("blobs keep zero bytes and every byte value", "[types]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  Sample s;
  for (int i = 0; i < 256; ++i) s.bytes.push_back(static_cast<std::byte>(i));
  for (int i = 255; i >= 0; --i) s.bytes.push_back(static_cast<std::byte>(i));
  s.maybe_bytes = bytes({0});
  round_trip(*db, s);
  CHECK(db->find<Sample>(s.id).bytes.size() == 512);
  CHECK(db->all<Sample>().pluck(col<&Sample::maybe_bytes>) ==
        std::vector<std::optional<std::vector<std::byte>>>{bytes({0})});
  CHECK(db->all<Sample>().where(col<&Sample::maybe_bytes> == bytes({0})).count() == 1);
  CHECK(db->all<Sample>().where(col<&Sample::maybe_bytes> == bytes({0, 0})).count() == 0);
}

TEST_CASE("text keeps embedded quotes, newlines and multi-byte characters", "[types]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  Sample s;
  s.text = std::string("line one\nline two\r\n\ttab 'single' \"double\" \\back\\slash ") +
           "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
  s.maybe_text = std::string(1, '\x01') + "\x7F";
  round_trip(*db, s);
  CHECK(db->all<Sample>().where(col<&Sample::text> == s.text).count() == 1);
}

TEST_CASE("each column type can be compared in a query", "[types][query]") {
  stitch::test::test_database db;
  db->create_schema<Sample>();
  Sample a;
  a.small = -5;
  a.big = 5'000'000'000;
  a.real = 1.25;
  a.flag = true;
  a.text = "a";
  a.at_seconds = std::chrono::time_point_cast<std::chrono::seconds>(at(2020, 1, 1, 0, 0, 0, 0));
  a.maybe_flag = false;
  db->save(a);
  Sample b;
  b.small = 5;
  b.big = -5'000'000'000;
  b.real = -1.25;
  b.flag = false;
  b.text = "b";
  b.maybe_small = 3;
  db->save(b);

  const auto only = [&](const stitch::query<Sample>& q) { return q.pluck(col<&Sample::id>); };
  using ids = std::vector<std::int64_t>;
  CHECK(only(db->all<Sample>().where(col<&Sample::small> < 0)) == ids{a.id});
  CHECK(only(db->all<Sample>().where(col<&Sample::big> > std::int64_t{4'000'000'000})) ==
        ids{a.id});
  CHECK(only(db->all<Sample>().where(col<&Sample::real> == -1.25)) == ids{b.id});
  CHECK(only(db->all<Sample>().where(col<&Sample::flag> == true)) == ids{a.id});
  CHECK(only(db->all<Sample>().where(col<&Sample::flag> == false)) == ids{b.id});
  CHECK(only(db->all<Sample>().where(col<&Sample::maybe_flag> == false)) == ids{a.id});
  CHECK(only(db->all<Sample>().where(col<&Sample::maybe_small> == 3)) == ids{b.id});
  CHECK(only(db->all<Sample>().where(col<&Sample::at_seconds> ==
                                     std::chrono::time_point_cast<std::chrono::seconds>(
                                         at(2020, 1, 1, 0, 0, 0, 0)))) == ids{a.id});
  CHECK(db->all<Sample>().order_by(col<&Sample::big>).pluck(col<&Sample::big>) ==
        std::vector<std::int64_t>{-5'000'000'000, 5'000'000'000});
  CHECK(only(db->all<Sample>().order_by(col<&Sample::flag>)) == ids{b.id, a.id});
}
