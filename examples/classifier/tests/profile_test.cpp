// Profiles of the bundled samples, checked against their documented facts.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "profile.hpp"

using classifier::column_profile;
using classifier::table_profile;
using classifier::value_type;

namespace {

const std::filesystem::path data_dir = CLASSIFIER_DATA;

const column_profile& column(const table_profile& p, const std::string& name) {
  for (const auto& c : p.columns)
    if (c.name == name) return c;
  FAIL("no column " << name);
  return p.columns.front();
}

}  // namespace

TEST_CASE("the Montgomery County sample's profile", "[profile]") {
  const auto p = classifier::profile_csv(data_dir / "montgomery_911_sample.csv");
  CHECK(p.rows == 9226);
  REQUIRE(p.columns.size() == 9);
  CHECK(column(p, "zip").present == 9226 - 1215);
  CHECK(column(p, "twp").present == 9226 - 7);
  CHECK(column(p, "twp").distinct == 67);
  CHECK(column(p, "addr").present == 9226 - 58);
  const auto& title = column(p, "title");
  CHECK(title.distinct == 83);
  CHECK(title.type == value_type::text);
  CHECK(title.examples == std::vector<std::string>{"EMS: BACK PAINS/INJURY",
                                                   "EMS: DIABETIC EMERGENCY", "Fire: GAS-ODOR/LEAK",
                                                   "EMS: CARDIAC EMERGENCY", "EMS: DIZZINESS"});
  CHECK(column(p, "lat").type == value_type::decimal);
  CHECK(column(p, "zip").type == value_type::integer);
  CHECK(column(p, "timeStamp").type == value_type::timestamp);
  CHECK(column(p, "e").type == value_type::integer);
  CHECK(column(p, "e").distinct == 1);
}

TEST_CASE("the San Francisco sample's profile: `null` is missing, US timestamps, booleans",
          "[profile]") {
  const auto p = classifier::profile_csv(data_dir / "sf_fire_calls_sample.csv");
  CHECK(p.rows == 1000);
  REQUIRE(p.columns.size() == 28);
  std::size_t missing = 0;
  for (const auto& c : p.columns) missing += p.rows - c.present;
  CHECK(missing == 1013);
  CHECK(column(p, "CallTypeGroup").present == 0);
  CHECK(column(p, "CallTypeGroup").type == value_type::empty);
  CHECK(column(p, "CallType").distinct == 14);
  CHECK(column(p, "Priority").type == value_type::text);  // 1, 2, 3 and E
  CHECK(column(p, "Priority").distinct == 4);
  CHECK(column(p, "Battalion").distinct == 10);
  CHECK(column(p, "SupervisorDistrict").distinct == 12);
  CHECK(column(p, "Neighborhood").distinct == 39);
  CHECK(column(p, "CallDate").type == value_type::timestamp);
  CHECK(column(p, "AvailableDtTm").type == value_type::timestamp);
  CHECK(column(p, "ALSUnit").type == value_type::boolean);
  CHECK(column(p, "Delay").type == value_type::decimal);
  CHECK(column(p, "Location").type == value_type::text);
}

TEST_CASE("value types, and how a column's type widens", "[profile]") {
  using classifier::type_of;
  CHECK(type_of("42") == value_type::integer);
  CHECK(type_of("-7") == value_type::integer);
  CHECK(type_of("2.95") == value_type::decimal);
  CHECK(type_of(".5") == value_type::decimal);
  CHECK(type_of("1e3") == value_type::decimal);
  CHECK(type_of(".") == value_type::text);
  CHECK(type_of("1.2.3") == value_type::text);
  CHECK(type_of("TRUE") == value_type::boolean);
  CHECK(type_of("f") == value_type::boolean);
  CHECK(type_of("2015-12-10 17:40:00") == value_type::timestamp);
  CHECK(type_of("2015-12-10T17:40:00.25Z") == value_type::timestamp);
  CHECK(type_of("2002-01-11") == value_type::timestamp);
  CHECK(type_of("01/11/2002 01:51:44 AM") == value_type::timestamp);
  CHECK(type_of("2015-12-10 @ 17:10:52") == value_type::text);
  CHECK(type_of("E") == value_type::text);
  CHECK(classifier::is_missing(""));
  CHECK(classifier::is_missing("NULL"));
  CHECK_FALSE(classifier::is_missing("nul"));

  const std::vector<std::string> header{"n"};
  classifier::profiler p(header);
  for (const char* v : {"1", "", "2.5", "null", "1"}) p.add(std::vector<std::string>{v});
  const auto r = p.result();
  CHECK(r.rows == 5);
  CHECK(r.columns[0].present == 3);
  CHECK(r.columns[0].distinct == 2);
  CHECK(r.columns[0].type == value_type::decimal);  // integer and decimal widen to decimal
  p.add(std::vector<std::string>{"x"});
  CHECK(p.result().columns[0].type == value_type::text);
}

TEST_CASE("unique values of chosen columns with their counts, in one pass", "[profile]") {
  const std::vector<std::string> columns{"title", "twp"};
  const auto counts = classifier::count_values(data_dir / "montgomery_911_sample.csv", columns);
  REQUIRE(counts.size() == 2);
  CHECK(counts[0].size() == 83);
  REQUIRE(counts[0].size() >= 3);
  CHECK(counts[0][0] == classifier::value_count{"Traffic: VEHICLE ACCIDENT -", 2435});
  CHECK(counts[0][1] == classifier::value_count{"Traffic: DISABLED VEHICLE -", 601});
  CHECK(counts[0][2] == classifier::value_count{"EMS: RESPIRATORY EMERGENCY", 503});
  std::size_t total = 0;
  for (const auto& v : counts[0]) total += v.count;
  CHECK(total == 9226);
  CHECK(counts[1].size() == 67);  // the 7 empty townships are missing values

  const std::vector<std::string> sf{"CallType"};
  const auto types = classifier::count_values(data_dir / "sf_fire_calls_sample.csv", sf);
  CHECK(types[0].front() == classifier::value_count{"Medical Incident", 642});

  const std::vector<std::string> unknown{"title", "no_such_column"};
  CHECK_THROWS_WITH(classifier::count_values(data_dir / "montgomery_911_sample.csv", unknown),
                    Catch::EndsWith("montgomery_911_sample.csv:1: the header has no column "
                                    "\"no_such_column\""));
}

TEST_CASE("a column with more distinct values than the exact limit gets an estimate within 2%",
          "[profile]") {
  const std::vector<std::string> header{"id", "kind"};
  classifier::profiler p(header, 5, 1000);
  for (int i = 0; i < 50'000; ++i) {
    const std::vector<std::string> row{std::to_string(i * 7919), i % 2 == 0 ? "a" : "b"};
    p.add(row);
  }
  const auto result = p.result();
  CHECK(result.columns[0].distinct_estimated);
  CHECK(result.columns[0].distinct > 49'000);
  CHECK(result.columns[0].distinct < 51'000);
  CHECK(result.columns[0].present == 50'000);
  CHECK_FALSE(result.columns[1].distinct_estimated);
  CHECK(result.columns[1].distinct == 2);
}

TEST_CASE("up to the exact limit the distinct count is exact", "[profile]") {
  const std::vector<std::string> header{"id"};
  classifier::profiler p(header, 5, 1000);
  for (int i = 0; i < 1000; ++i) p.add(std::vector<std::string>{std::to_string(i)});
  p.add(std::vector<std::string>{"7"});
  const auto result = p.result();
  CHECK_FALSE(result.columns[0].distinct_estimated);
  CHECK(result.columns[0].distinct == 1000);
}
