// stitch-classifier end to end: the commands as a user types them, on the bundled samples and
// on a local Socrata replay server, against a real database (an SQLite file or a PostgreSQL
// schema, chosen by --database). Expected counts come from the data files themselves.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "integration/support.hpp"
#include "models.hpp"
#include "replay_server.hpp"

namespace {

namespace fs = std::filesystem;
using classifier::Field;
using classifier::UniqueValue;
using json = nlohmann::json;
using Catch::Matchers::Contains;
using stitch::col;

const fs::path data_dir = CLASSIFIER_DATA;
const fs::path sf_csv = data_dir / "sf_fire_calls_sample.csv";
const fs::path montgomery_csv = data_dir / "montgomery_911_sample.csv";
const fs::path rules_file =
    fs::path(CLASSIFIER_DATA).parent_path() / "rules" / "emergency_calls.rules";

struct result {
  int status;
  std::string out;
  std::string err;
};

// One run of the command line against the test's database. Socrata retries are quick.
result cli(const stitch::test::test_database& db, std::initializer_list<std::string> args) {
  std::vector<std::string> argv{"stitch-classifier", "--db", db.locator(), "--attempts", "3",
                                "--retry-wait",      "1"};
  argv.insert(argv.end(), args);
  std::ostringstream out;
  std::ostringstream err;
  const int status = classifier::run(argv, out, err, false);
  return {status, out.str(), err.str()};
}

// A run that must succeed; its output.
std::string ok(const stitch::test::test_database& db, std::initializer_list<std::string> args) {
  auto r = cli(db, args);
  INFO(r.err);
  REQUIRE(r.status == 0);
  return r.out;
}

json ok_json(const stitch::test::test_database& db, std::initializer_list<std::string> args) {
  return json::parse(ok(db, args));
}

// A scratch directory for files a test writes, removed afterwards.
struct scratch_dir {
  fs::path path;
  scratch_dir() {
    path = fs::temp_directory_path() / fs::path(stitch::test::scratch_path("classifier")).stem();
    fs::create_directories(path);
  }
  ~scratch_dir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return path / name;
  }
};

const json& column_named(const json& profile, const std::string& name) {
  for (const auto& c : profile["columns"])
    if (c["name"] == name) return c;
  FAIL("no column " << name);
  throw std::logic_error("unreachable");
}

// The values stored for a field, most frequent first.
std::vector<std::pair<std::string, std::int64_t>> stored_values(stitch::database& db,
                                                                std::int64_t source,
                                                                const std::string& field) {
  auto f = db.all<Field>()
               .where(col<&Field::data_source_id> == source && col<&Field::name> == field)
               .first();
  REQUIRE(f);
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& v : db.all<UniqueValue>()
                           .where(col<&UniqueValue::field_id> == f->id)
                           .order_by(col<&UniqueValue::count>.desc())
                           .order_by(col<&UniqueValue::value>)
                           .to_vector())
    out.emplace_back(v.value, v.count);
  return out;
}

const json& report_field(const json& report, const std::string& target) {
  for (const auto& f : report.at(0)["categorical"])
    if (f["target"] == target) return f;
  FAIL("no field mapped to " << target);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("the San Francisco sample: add, profile, map, extract, classify, report",
          "[classifier][cli]") {
  stitch::test::test_database db(stitch::test::shareable);
  CHECK_THAT(ok(db, {"add-csv", sf_csv.string(), "--name", "sf"}), Contains("added source 1 'sf'"));

  const auto profile = ok_json(db, {"profile", "sf", "--json"});
  CHECK(profile["rows"] == 1000);
  CHECK(profile["columns"].size() == 28);
  const auto& call_type = column_named(profile, "CallType");
  CHECK(call_type["present"] == 1000);
  CHECK(call_type["distinct"] == 14);
  CHECK(call_type["type"] == "text");
  CHECK(column_named(profile, "Priority")["distinct"] == 4);
  CHECK(column_named(profile, "CallTypeGroup")["present"] == 0);  // every cell is `null`
  CHECK(column_named(profile, "CallTypeGroup")["type"] == "empty");
  CHECK(column_named(profile, "ALSUnit")["type"] == "boolean");
  CHECK(column_named(profile, "AvailableDtTm")["type"] == "timestamp");

  ok(db, {"map", "sf", "CallType=call_type", "Priority=priority", "Address=address"});
  const auto extracted = ok(db, {"extract", "sf"});
  CHECK_THAT(extracted,
             Contains("CallType: 14 values in 1000 rows, most frequent 'Medical Incident' (642)"));
  const auto values = stored_values(*db, 1, "CallType");
  REQUIRE(values.size() == 14);
  CHECK(values[0] == std::pair<std::string, std::int64_t>{"Medical Incident", 642});
  CHECK(values[1] == std::pair<std::string, std::int64_t>{"Structure Fire", 188});
  CHECK(values[2] == std::pair<std::string, std::int64_t>{"Alarms", 107});
  const std::vector<std::pair<std::string, std::int64_t>> priorities{
      {"3", 871}, {"1", 64}, {"2", 40}, {"E", 25}};
  CHECK(stored_values(*db, 1, "Priority") == priorities);
  // Address is mapped but not categorical: no values counted for it.
  CHECK(db->all<UniqueValue>().count() == 18);

  const auto classified = ok(db, {"classify", "--rules", rules_file.string()});
  CHECK_THAT(classified, Contains("16 of 18 values classified by rules"));
  auto report = ok_json(db, {"report", "--json"});
  const auto& calls = report_field(report, "call_type");
  CHECK(calls["values"] == 14);
  CHECK(calls["classified"] == 12);
  CHECK(calls["classified_rows"] == 979);
  CHECK(calls["classes"]["medical"]["rows"] == 642);
  CHECK(calls["classes"]["fire"]["values"] == 4);
  CHECK(calls["top_unclassified"][0]["value"] == "Other");
  CHECK(calls["top_unclassified"][0]["count"] == 15);
  CHECK(report_field(report, "priority")["classified_rows"] == 1000);

  // One value by hand; the rules do not take it back.
  ok(db, {"classify", "call_type", "Other", "service"});
  ok(db, {"classify", "--rules", rules_file.string()});
  report = ok_json(db, {"report", "sf", "--json"});
  CHECK(report_field(report, "call_type")["classes"]["service"]["values"] == 2);
  CHECK(report_field(report, "call_type")["top_unclassified"][0]["value"] ==
        "Odor (Strange / Unknown)");

  const auto text = ok(db, {"report"});
  CHECK_THAT(text, Contains("call_type (CallType): 14 values, 13 classified, 1 left"));
}

TEST_CASE("the Montgomery County sample: counts of the call-type column", "[classifier][cli]") {
  stitch::test::test_database db(stitch::test::shareable);
  ok(db, {"add-csv", montgomery_csv.string()});
  const auto profile = ok_json(db, {"profile", "montgomery_911_sample", "--json"});
  CHECK(profile["rows"] == 9226);
  CHECK(profile["columns"].size() == 9);
  CHECK(column_named(profile, "title")["distinct"] == 83);
  CHECK(column_named(profile, "zip")["present"] == 9226 - 1215);
  CHECK(column_named(profile, "twp")["present"] == 9226 - 7);
  CHECK(column_named(profile, "twp")["distinct"] == 67);
  CHECK(column_named(profile, "addr")["present"] == 9226 - 58);
  CHECK(column_named(profile, "lat")["type"] == "decimal");

  ok(db, {"map", "1", "title=call_type", "twp=city", "zip=zip"});
  ok(db, {"extract", "1"});
  const auto titles = stored_values(*db, 1, "title");
  REQUIRE(titles.size() == 83);
  CHECK(titles[0] == std::pair<std::string, std::int64_t>{"Traffic: VEHICLE ACCIDENT -", 2435});
  CHECK(titles[1] == std::pair<std::string, std::int64_t>{"Traffic: DISABLED VEHICLE -", 601});
  CHECK(titles[2] == std::pair<std::string, std::int64_t>{"EMS: RESPIRATORY EMERGENCY", 503});
  std::int64_t rows = 0;
  for (const auto& [value, count] : titles) rows += count;
  CHECK(rows == 9226);
  CHECK(stored_values(*db, 1, "twp").size() == 67);

  // Every title is EMS:, Fire: or Traffic:, so the rules classify them all.
  ok(db, {"classify", "--rules", rules_file.string()});
  const auto report = ok_json(db, {"report", "--json"});
  CHECK(report_field(report, "call_type")["classified"] == 83);
  CHECK(report_field(report, "call_type")["classified_rows"] == 9226);
}

TEST_CASE("a Socrata dataset from the replay server gives the counts of the same CSV",
          "[classifier][cli][socrata]") {
  stitch::test::test_database db(stitch::test::shareable);
  classifier::replay::server portal(data_dir / "socrata");
  portal.serve_csv("mont-0911", "Montgomery County 911", montgomery_csv);

  CHECK_THAT(ok(db, {"add-socrata", portal.base_url(), "mont-0911", "--app-token", "tok"}),
             Contains("added source 1 'Montgomery County 911' (Socrata)"));
  const auto profile = ok_json(db, {"profile", "1", "--json"});
  CHECK(profile["rows"] == 9226);
  CHECK(profile["columns"].size() == 9);
  CHECK(column_named(profile, "title")["distinct"] == 83);
  CHECK(column_named(profile, "zip")["present"] == 9226 - 1215);

  ok(db, {"map", "1", "title=call_type"});
  // Small pages: 83 values in 9 pages, then the empty page that ends the paging.
  ok(db, {"--page-size", "10", "extract", "1"});
  const auto titles = stored_values(*db, 1, "title");
  REQUIRE(titles.size() == 83);
  CHECK(titles[0] == std::pair<std::string, std::int64_t>{"Traffic: VEHICLE ACCIDENT -", 2435});

  // The same dataset as a CSV file: the same values and counts.
  ok(db, {"add-csv", montgomery_csv.string(), "--name", "csv"});
  ok(db, {"profile", "csv"});
  ok(db, {"map", "csv", "title=call_type"});
  ok(db, {"extract", "csv"});
  CHECK(stored_values(*db, 2, "title") == titles);

  int pages = 0;
  for (const auto& r : portal.requests()) {
    CHECK(r.app_token == "tok");
    if (r.params.count("$group") != 0) ++pages;
  }
  CHECK(pages == 10);

  const auto list = ok_json(db, {"list", "--json"});
  REQUIRE(list.size() == 2);
  CHECK(list[0]["type"] == "Socrata");
  CHECK(list[0]["values"] == 83);
  CHECK(list[1]["type"] == "CsvFile");
}

TEST_CASE("profiling again keeps mappings; extracting again keeps classes, ids and comments",
          "[classifier][cli]") {
  stitch::test::test_database db(stitch::test::shareable);
  scratch_dir dir;
  const auto file = dir.write("calls.csv", "kind,priority\nfire,1\nmedical,2\nmedical,2\nfire,3\n");
  ok(db, {"add-csv", file.string()});
  ok(db, {"profile", "calls"});
  ok(db, {"map", "calls", "kind=call_type"});
  ok(db, {"extract", "calls"});
  ok(db, {"classify", "call_type", "fire", "fire"});
  ok(db, {"comment", "calls", "--field", "kind", "--value", "fire", "check the fire rows"});
  const auto fire_id = db->all<UniqueValue>().where(col<&UniqueValue::value> == "fire").first()->id;

  // The file changes: one value more, one value gone, counts moved.
  dir.write("calls.csv", "kind,priority\nfire,1\nfire,1\nrescue,2\n");
  ok(db, {"profile", "calls"});
  CHECK(db->all<Field>().where(col<&Field::name> == "kind").first()->maps_to == "call_type");
  ok(db, {"extract", "calls"});
  const std::vector<std::pair<std::string, std::int64_t>> now{{"fire", 2}, {"rescue", 1}};
  CHECK(stored_values(*db, 1, "kind") == now);
  auto fire = db->all<UniqueValue>().where(col<&UniqueValue::value> == "fire").first();
  CHECK(fire->id == fire_id);
  CHECK(fire->classified_by == "by hand");
  CHECK(fire->comments.size() == 1);

  // A column that left the file takes its field with it.
  dir.write("calls.csv", "kind\nfire\n");
  ok(db, {"profile", "calls"});
  CHECK(db->all<Field>().count() == 1);
}

TEST_CASE("comments attach to a source, a field and a value", "[classifier][cli]") {
  stitch::test::test_database db(stitch::test::shareable);
  ok(db, {"add-csv", sf_csv.string(), "--name", "sf"});
  ok(db, {"profile", "sf"});
  ok(db, {"map", "sf", "CallType=call_type"});
  ok(db, {"extract", "sf"});
  ok(db, {"comment", "sf", "a 1000-row sample from 2002"});
  ok(db, {"comment", "sf", "--field", "Priority", "E is an emergency"});
  ok(db, {"comment", "sf", "--field", "CallType", "--value", "Alarms", "mostly automatic"});
  const auto report = ok_json(db, {"report", "--json"});
  const auto& comments = report.at(0)["comments"];
  REQUIRE(comments.size() == 3);
  CHECK(comments[0]["on"] == "source");
  CHECK(comments[1]["on"] == "field Priority");
  CHECK(comments[2]["on"] == "value 'Alarms'");
  CHECK(comments[2]["body"] == "mostly automatic");

  ok(db, {"remove", "sf"});
  CHECK(db->all<classifier::Comment>().count() == 0);
  CHECK(db->all<UniqueValue>().count() == 0);
  CHECK(db->all<Field>().count() == 0);
}

TEST_CASE("bad CSV input: a clear message with the file and line, exit status 1, nothing stored",
          "[classifier][cli][bad-input]") {
  stitch::test::test_database db(stitch::test::shareable);
  scratch_dir dir;
  struct bad_file {
    std::string name;
    std::string text;
    std::string message;
  };
  const std::vector<bad_file> files{
      {"quote.csv", "a,b\n1,\"open\n2,3\n", "quote.csv:2: an unterminated quoted field"},
      {"ragged.csv", "a,b\n1,2\n3\n", "ragged.csv:3: the row has 1 fields, the header 2"},
      {"empty.csv", "", "empty.csv: the file is empty"},
      {"header.csv", "a,b\n", "header.csv:1: the file has a header and no data rows"},
      {"latin1.csv", "a,b\n1,caf\xe9\n", "latin1.csv:2: field 2 (b) holds bytes that are not UTF-8"},
      {"stray.csv", "a,b\n1,x\"y\"\n",
       "stray.csv:2: malformed CSV: a quote inside an unquoted field"},
  };
  for (const auto& f : files) {
    INFO(f.name);
    const auto path = dir.write(f.name, f.text);
    ok(db, {"add-csv", path.string()});
    const auto r = cli(db, {"profile", fs::path(f.name).stem().string()});
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Contains(f.message));
    CHECK_THAT(r.err, Contains(path.string()));
  }
  CHECK(db->all<Field>().count() == 0);

  // The documented policy for ragged rows: an error naming the line, or left out and counted.
  ok(db, {"add-csv", (dir.path / "ragged.csv").string(), "--name", "lenient", "--skip-ragged"});
  const auto lenient = ok_json(db, {"profile", "lenient", "--json"});
  CHECK(lenient["rows"] == 1);
  CHECK(lenient["skipped_rows"] == 1);

  auto missing = cli(db, {"add-csv", (dir.path / "nothere.csv").string()});
  CHECK(missing.status == 1);
  CHECK_THAT(missing.err, Contains("nothere.csv: no such file"));
}

TEST_CASE("a failed extraction leaves the source's previous values intact",
          "[classifier][cli][bad-input]") {
  stitch::test::test_database db(stitch::test::shareable);
  scratch_dir dir;
  const auto file = dir.write("calls.csv", "kind\nfire\nmedical\nmedical\n");
  ok(db, {"add-csv", file.string()});
  ok(db, {"profile", "calls"});
  ok(db, {"map", "calls", "kind=call_type"});
  ok(db, {"extract", "calls"});
  const auto before = stored_values(*db, 1, "kind");
  REQUIRE(before.size() == 2);

  // Good rows, then a broken one far down the file.
  std::string text = "kind\n";
  for (int i = 0; i < 5000; ++i) text += "rescue\n";
  text += "\"broken\n";
  dir.write("calls.csv", text);
  const auto r = cli(db, {"extract", "calls"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("calls.csv:5002: an unterminated quoted field"));
  CHECK(stored_values(*db, 1, "kind") == before);

  // A file cut to its header (a download in progress) reads no values: also kept.
  dir.write("calls.csv", "kind\n");
  const auto empty = cli(db, {"extract", "calls"});
  CHECK(empty.status == 1);
  CHECK_THAT(empty.err,
             Contains("no values in field kind; the values of the last extraction are kept"));
  CHECK(stored_values(*db, 1, "kind") == before);
}

TEST_CASE("a CSV file with another delimiter, and a map that changes a field's target",
          "[classifier][cli]") {
  stitch::test::test_database db(stitch::test::shareable);
  scratch_dir dir;
  const auto file =
      dir.write("semi.csv", "kind;priority\n\"Fire; outside\";1\nmedical;2\nmedical;2\n");
  ok(db, {"add-csv", file.string(), "--delimiter", ";"});
  CHECK(ok_json(db, {"profile", "semi", "--json"})["columns"].size() == 2);
  ok(db, {"map", "semi", "kind=call_type"});
  ok(db, {"extract", "semi"});
  const std::vector<std::pair<std::string, std::int64_t>> kinds{{"medical", 2},
                                                                {"Fire; outside", 1}};
  CHECK(stored_values(*db, 1, "kind") == kinds);
  ok(db, {"classify", "call_type", "medical", "medical"});
  CHECK_THAT(ok(db, {"map", "semi", "kind=disposition"}),
             Contains("1 values lost the classes of their field's former target"));
  CHECK(db->all<UniqueValue>().where(col<&UniqueValue::category_id>.is_not_null()).count() == 0);
  auto r = cli(db, {"extract", "semi", "--field", "priority"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("field 'priority' of source 1 'semi' (CsvFile) is not mapped to a "
                             "categorical target"));
}

TEST_CASE("bad mappings and rules are refused with what would have been right",
          "[classifier][cli][bad-input]") {
  stitch::test::test_database db(stitch::test::shareable);
  ok(db, {"add-csv", sf_csv.string(), "--name", "sf"});
  auto r = cli(db, {"map", "sf", "CallType=call_type"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("has no fields yet: profile it first"));
  ok(db, {"profile", "sf"});
  r = cli(db, {"map", "sf", "CallType=call_type", "CalType=priority"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("has no field 'CalType' (its fields: CallNumber, UnitID,"));
  r = cli(db, {"map", "sf", "CallType=calltype"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("'calltype' is not a target of the common schema (call_type,"));
  r = cli(db, {"map", "sf", "Priority=priority", "FinalPriority=priority"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("would both map to priority"));
  // Nothing of a refused command is kept.
  CHECK(db->all<Field>().where(col<&Field::maps_to>.is_not_null()).count() == 0);

  r = cli(db, {"extract", "sf"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("has no field mapped to a categorical target"));

  scratch_dir dir;
  const auto rules = dir.write("bad.rules", "call_type exact Alarms alarm\ncall_tipe exact X y\n");
  ok(db, {"map", "sf", "CallType=call_type"});
  r = cli(db, {"classify", "--rules", rules.string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("bad.rules:2: 'call_tipe' is not a categorical target"));
  r = cli(db, {"classify", "call_type", "Not a value", "x"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("no extracted value 'Not a value' of call_type"));
  r = cli(db, {"profile", "nosuch"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("no source 'nosuch'"));
  r = cli(db, {"frobnicate"});
  CHECK(r.status == 1);
}

TEST_CASE("bad Socrata input: the URL and HTTP status, exit 1 for the user's, 2 for the server's",
          "[classifier][cli][socrata][bad-input]") {
  stitch::test::test_database db(stitch::test::shareable);
  classifier::replay::server portal(data_dir / "socrata");
  portal.serve_csv("mont-0911", "Montgomery County 911", montgomery_csv);
  const auto base = portal.base_url();

  auto r = cli(db, {"add-socrata", base, "MONT_0911"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("is not a Socrata dataset id"));
  r = cli(db, {"add-socrata", base, "zzzz-zzzz"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains(base + "/api/views/zzzz-zzzz.json"));
  CHECK_THAT(r.err, Contains("HTTP 404 Not Found"));

  portal.require_token("mont-0911", "secret");
  r = cli(db, {"add-socrata", base, "mont-0911"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("HTTP 403 Forbidden"));
  ok(db, {"add-socrata", base, "mont-0911", "--app-token", "secret"});
  ok(db, {"profile", "1"});
  ok(db, {"map", "1", "title=call_type"});
  ok(db, {"extract", "1"});
  const auto before = stored_values(*db, 1, "title");

  // Throttled or failing: retried, then given up with the environment's exit status; the
  // values extracted before stay as they were.
  portal.script("mont-0911", 429, "", -1);
  r = cli(db, {"extract", "1"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("HTTP 429 Too Many Requests"));
  CHECK(stored_values(*db, 1, "title") == before);
}

TEST_CASE("a Socrata server error, invalid JSON and an unreachable host exit with status 2",
          "[classifier][cli][socrata][bad-input]") {
  stitch::test::test_database db(stitch::test::shareable);
  std::string dead;
  {
    classifier::replay::server gone(data_dir / "socrata");
    dead = gone.base_url();
  }
  auto r = cli(db, {"add-socrata", dead, "mont-0911"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains(dead));

  classifier::replay::server portal(data_dir / "socrata");
  portal.serve_csv("mont-0911", "Montgomery County 911", montgomery_csv);
  portal.script("mont-0911", 500, R"({"code":"internal","error":true,"message":"boom"})", -1);
  r = cli(db, {"add-socrata", portal.base_url(), "mont-0911"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("HTTP 500 Internal Server Error"));

  classifier::replay::server broken(data_dir / "socrata");
  broken.serve_csv("mont-0911", "Montgomery County 911", montgomery_csv);
  broken.script("mont-0911", 200, "{\"id\": \"mont-0911\", ", -1);
  r = cli(db, {"add-socrata", broken.base_url(), "mont-0911"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains(broken.base_url() + "/api/views/mont-0911.json"));
  CHECK(db->all<classifier::DataSource>().count() == 0);
}

TEST_CASE("rules files re-evaluate their own classes and leave another file's and the user's",
          "[classifier][cli]") {
  stitch::test::test_database db(stitch::test::shareable);
  scratch_dir dir;
  const auto file = dir.write("calls.csv", "kind\nfire\nfire\nmedical\nalarm\n");
  ok(db, {"add-csv", file.string()});
  ok(db, {"profile", "calls"});
  ok(db, {"map", "calls", "kind=call_type"});
  ok(db, {"extract", "calls"});
  const auto a = dir.write("a.rules", "call_type exact fire fire\ncall_type exact medical ems\n");
  const auto b = dir.write("b.rules", "call_type exact alarm alarm\ncall_type exact fire arson\n");
  ok(db, {"classify", "--rules", a.string()});
  ok(db, {"classify", "call_type", "medical", "medical"});  // by hand, over a.rules' class
  CHECK_THAT(ok(db, {"classify", "--rules", b.string()}),
             Contains("1 of 3 values classified by rules, 2 kept"));
  const auto by = [&](const std::string& value) {
    return *db->all<UniqueValue>().where(col<&UniqueValue::value> == value).first()->classified_by;
  };
  CHECK(by("fire") == "a.rules:1");
  CHECK(by("medical") == "by hand");
  CHECK(by("alarm") == "b.rules:1");
  // Editing a.rules and running it again takes back what it no longer says.
  dir.write("a.rules", "call_type exact medical ems\n");
  ok(db, {"classify", "--rules", a.string()});
  CHECK_FALSE(
      db->all<UniqueValue>().where(col<&UniqueValue::value> == "fire").first()->category_id);
}
