// The Socrata client against the replay server: recorded answers of soda.demo.socrata.com's
// earthquakes dataset (4tka-6guv), the Montgomery County sample served as dataset mont-0911,
// and scripted failures.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "profile.hpp"
#include "replay_server.hpp"
#include "socrata.hpp"

namespace socrata = classifier::socrata;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using classifier::value_count;
using classifier::replay::server;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path data_dir = CLASSIFIER_DATA;
const std::filesystem::path recordings = data_dir / "socrata";
const std::filesystem::path montgomery_csv = data_dir / "montgomery_911_sample.csv";

// Parsing the Montgomery sample takes a while, so one server serves it to every test that only
// reads from it; a test that scripts failures makes its own server of the recordings.
server& montgomery() {
  static server portal(recordings);
  static const bool served = [] {
    portal.serve_csv("mont-0911", "Montgomery County 911 calls", montgomery_csv);
    return true;
  }();
  (void)served;
  return portal;
}

socrata::client_options options_for(const server& s) {
  socrata::client_options options;
  options.base_url = s.base_url();
  options.timeout = 10s;
  options.first_wait = 1ms;
  options.longest_wait = 4ms;
  return options;
}

template <typename Call>
socrata::error error_from(Call&& call) {
  try {
    call();
  } catch (const socrata::error& e) {
    return e;
  }
  FAIL("no classifier::socrata::error was thrown");
  throw std::logic_error("unreachable");
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const socrata::column& column_named(const socrata::dataset& d, const std::string& field) {
  for (const auto& c : d.columns)
    if (c.field_name == field) return c;
  FAIL("no column " << field);
  throw std::logic_error("unreachable");
}

// The requests for a dataset's rows since the `skip` first of the log.
std::vector<classifier::replay::request> resource_requests(const server& s, std::size_t skip) {
  std::vector<classifier::replay::request> out;
  const auto log = s.requests();
  for (std::size_t i = skip; i < log.size(); ++i)
    if (log[i].path.starts_with("/resource/")) out.push_back(log[i]);
  return out;
}

// A port on which nothing listens: bound by the system, then released.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t size = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

TEST_CASE("a dataset id must be two groups of four lowercase letters or digits", "[socrata]") {
  CHECK(socrata::valid_dataset_id("nuek-vuh3"));
  CHECK(socrata::valid_dataset_id("4tka-6guv"));
  CHECK_FALSE(socrata::valid_dataset_id("NUEK-VUH3"));
  CHECK_FALSE(socrata::valid_dataset_id("nuek_vuh3"));
  CHECK_FALSE(socrata::valid_dataset_id("nuek-vuh3x"));
  CHECK_FALSE(socrata::valid_dataset_id("abc"));
  CHECK_FALSE(socrata::valid_dataset_id(""));
}

TEST_CASE("a portal's base URL is https:// and its domain unless it names a scheme", "[socrata]") {
  CHECK(socrata::base_url("data.sfgov.org") == "https://data.sfgov.org");
  CHECK(socrata::base_url("data.sfgov.org/") == "https://data.sfgov.org");
  CHECK(socrata::base_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080");
  CHECK(socrata::base_url("https://soda.demo.socrata.com") == "https://soda.demo.socrata.com");
}

TEST_CASE("Socrata's data types map to the classifier's value types", "[socrata]") {
  using classifier::value_type;
  CHECK(socrata::type_of_data_type("number") == value_type::decimal);
  CHECK(socrata::type_of_data_type("calendar_date") == value_type::timestamp);
  CHECK(socrata::type_of_data_type("date") == value_type::timestamp);
  CHECK(socrata::type_of_data_type("checkbox") == value_type::boolean);
  CHECK(socrata::type_of_data_type("text") == value_type::text);
  CHECK(socrata::type_of_data_type("location") == value_type::text);
}

TEST_CASE("the recorded metadata of 4tka-6guv gives its data columns in position order",
          "[socrata]") {
  server portal(recordings);
  socrata::client client(options_for(portal));
  const auto d = client.metadata("4tka-6guv");
  CHECK(d.id == "4tka-6guv");
  CHECK(d.name == "My super awesome Earthquakes dataset");
  CHECK(d.description ==
        "Real-time, worldwide earthquake list for the past 7 days (not actually real-time)");
  // The computed region column (:@computed_region_k83t_ady5) is a system column.
  std::vector<std::string> fields;
  for (const auto& c : d.columns) fields.push_back(c.field_name);
  CHECK(fields == std::vector<std::string>{"source", "earthquake_id", "version", "magnitude",
                                           "depth", "number_of_stations", "region", "location"});

  const auto& magnitude = column_named(d, "magnitude");
  CHECK(magnitude.name == "Magnitude");
  CHECK(magnitude.data_type == "number");
  CHECK(magnitude.non_null == 10820);
  CHECK(magnitude.nulls == 1);
  CHECK(magnitude.cardinality == 336);
  REQUIRE(magnitude.top.size() == 20);
  CHECK(magnitude.top[0] == value_count{"1.1", 537});
  CHECK(magnitude.top[1] == value_count{"1.2", 492});
  CHECK(magnitude.top[2] == value_count{"1", 485});

  const auto& source = column_named(d, "source");
  CHECK(source.cardinality == 16);
  CHECK(source.top.size() == 16);
  CHECK(source.top[0] == value_count{"ak", 3576});
  CHECK(column_named(d, "number_of_stations").nulls == 3543);
  CHECK(column_named(d, "version").nulls == 9816);

  const auto& location = column_named(d, "location");
  CHECK(location.data_type == "location");
  CHECK_FALSE(location.non_null);
  CHECK_FALSE(location.cardinality);
  CHECK(location.top.empty());

  CHECK(client.requests() == 1);
  REQUIRE(portal.requests().size() == 1);
  CHECK(portal.requests()[0].path == "/api/views/4tka-6guv.json");
}

TEST_CASE("metadata is read once per dataset and client", "[socrata]") {
  server portal(recordings);
  socrata::client client(options_for(portal));
  const auto first = client.metadata("4tka-6guv");
  const auto second = client.metadata("4tka-6guv");
  CHECK(second.columns.size() == first.columns.size());
  CHECK(client.requests() == 1);
}

TEST_CASE("older metadata with integer statistics, hidden columns and numeric top items is read",
          "[socrata]") {
  server portal(recordings);
  const std::string old_metadata = R"({
    "id": "old0-0001", "name": "Old calls",
    "columns": [
      {"id": 3, "name": "Priority", "dataTypeName": "number", "fieldName": "priority",
       "position": 3, "cachedContents": {"non_null": 55, "null": 2, "cardinality": 3,
       "top": [{"item": 1, "count": 20}, {"item": 2, "count": 19}, {"item": null, "count": 2}]}},
      {"id": -1, "name": "sid", "dataTypeName": "meta_data", "fieldName": ":sid", "position": 0},
      {"id": 2, "name": "Notes", "dataTypeName": "text", "fieldName": "notes", "position": 2,
       "flags": ["hidden"]},
      {"id": 1, "name": "Call Type", "dataTypeName": "text", "fieldName": "call_type",
       "position": 1, "cachedContents": {"not_null": "57", "null": "0",
       "top": [{"item": "Medical Incident", "count": "42"}]}}
    ]})";
  portal.script("old0-0001", 200, old_metadata);
  socrata::client client(options_for(portal));
  const auto d = client.metadata("old0-0001");
  CHECK(d.description.empty());
  REQUIRE(d.columns.size() == 2);
  CHECK(d.columns[0].field_name == "call_type");
  CHECK(d.columns[0].name == "Call Type");
  CHECK(d.columns[0].non_null == 57);
  CHECK_FALSE(d.columns[0].cardinality);
  CHECK(d.columns[0].top == std::vector<value_count>{{"Medical Incident", 42}});
  CHECK(d.columns[1].field_name == "priority");
  CHECK(d.columns[1].non_null == 55);
  CHECK(d.columns[1].nulls == 2);
  CHECK(d.columns[1].cardinality == 3);
  CHECK(d.columns[1].top == std::vector<value_count>{{"1", 20}, {"2", 19}});
}

TEST_CASE("a dataset built from a CSV file has metadata in Socrata's shape", "[socrata]") {
  socrata::client client(options_for(montgomery()));
  const auto d = client.metadata("mont-0911");
  CHECK(d.id == "mont-0911");
  CHECK(d.name == "Montgomery County 911 calls");
  std::vector<std::string> fields;
  std::vector<std::string> names;
  for (const auto& c : d.columns) {
    fields.push_back(c.field_name);
    names.push_back(c.name);
  }
  CHECK(fields == std::vector<std::string>{"lat", "lng", "desc", "zip", "title", "timestamp", "twp",
                                           "addr", "e"});
  CHECK(names == std::vector<std::string>{"lat", "lng", "desc", "zip", "title", "timeStamp", "twp",
                                          "addr", "e"});

  const auto& title = column_named(d, "title");
  CHECK(title.data_type == "text");
  CHECK(title.cardinality == 83);
  CHECK(title.non_null == 9226);
  CHECK(title.nulls == 0);
  REQUIRE(title.top.size() == 20);
  CHECK(title.top[0] == value_count{"Traffic: VEHICLE ACCIDENT -", 2435});
  CHECK(title.top[1] == value_count{"Traffic: DISABLED VEHICLE -", 601});
  CHECK(title.top[2] == value_count{"EMS: RESPIRATORY EMERGENCY", 503});

  const auto& zip = column_named(d, "zip");
  CHECK(zip.data_type == "number");
  CHECK(zip.nulls == 1215);
  CHECK(zip.non_null == 9226 - 1215);
  CHECK(zip.cardinality == 84);
  CHECK(column_named(d, "twp").nulls == 7);
  CHECK(column_named(d, "twp").cardinality == 67);
  CHECK(column_named(d, "addr").nulls == 58);
  CHECK(column_named(d, "lat").data_type == "number");
  CHECK(column_named(d, "timestamp").data_type == "calendar_date");
  CHECK(column_named(d, "e").cardinality == 1);
}

TEST_CASE("the row count comes from one count(*) query", "[socrata]") {
  auto& portal = montgomery();
  const auto before = portal.requests().size();
  socrata::client client(options_for(portal));
  CHECK(client.row_count("mont-0911") == 9226);
  CHECK(client.requests() == 1);
  const auto sent = resource_requests(portal, before);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].path == "/resource/mont-0911.json");
  CHECK(sent[0].params == std::map<std::string, std::string>{{"$select", "count(*) AS count"}});
}

TEST_CASE("unique values come most frequent first with counts that add up to the rows",
          "[socrata]") {
  socrata::client client(options_for(montgomery()));
  const auto values = client.unique_values("mont-0911", "title");
  REQUIRE(values.size() == 83);
  CHECK(values[0] == value_count{"Traffic: VEHICLE ACCIDENT -", 2435});
  CHECK(values[1] == value_count{"Traffic: DISABLED VEHICLE -", 601});
  CHECK(values[2] == value_count{"EMS: RESPIRATORY EMERGENCY", 503});
  CHECK(std::accumulate(values.begin(), values.end(), std::size_t{0},
                        [](std::size_t n, const value_count& v) { return n + v.count; }) == 9226);
  // The same as counting the CSV file itself.
  const std::vector<std::string> title = {"title"};
  CHECK(values == classifier::count_values(montgomery_csv, title).at(0));
}

TEST_CASE("unique values are paged with $limit and $offset until an empty page", "[socrata]") {
  auto& portal = montgomery();
  auto options = options_for(portal);
  options.page_size = 10;
  socrata::client client(options);
  const auto before = portal.requests().size();
  std::vector<std::int64_t> progress;
  const auto values =
      client.unique_values("mont-0911", "title", [&](std::int64_t n) { progress.push_back(n); });

  const auto pages = resource_requests(portal, before);
  REQUIRE(pages.size() == 10);  // 9 pages with values, then an empty one
  std::vector<std::string> offsets;
  for (const auto& page : pages) {
    offsets.push_back(page.params.at("$offset"));
    CHECK(page.params.at("$select") == "title,count(*) AS count");
    CHECK(page.params.at("$group") == "title");
    CHECK(page.params.at("$order") == "count DESC,title");
    CHECK(page.params.at("$limit") == "10");
  }
  CHECK(offsets ==
        std::vector<std::string>{"0", "10", "20", "30", "40", "50", "60", "70", "80", "90"});
  CHECK(progress == std::vector<std::int64_t>{10, 20, 30, 40, 50, 60, 70, 80, 83});
  CHECK(client.requests() == 11);  // and the metadata

  socrata::client one_page(options_for(portal));
  CHECK(one_page.unique_values("mont-0911", "title") == values);
  CHECK(one_page.requests() == 3);
}

TEST_CASE("unique values leave out the missing value", "[socrata]") {
  socrata::client client(options_for(montgomery()));
  const auto zips = client.unique_values("mont-0911", "zip");
  CHECK(zips.size() == 84);
  CHECK(zips[0] == value_count{"19401", 656});
  CHECK(std::accumulate(zips.begin(), zips.end(), std::size_t{0},
                        [](std::size_t n, const value_count& v) { return n + v.count; }) ==
        9226 - 1215);
  for (const auto& z : zips) CHECK_FALSE(z.value.empty());
}

TEST_CASE("a column the dataset does not have is refused before it goes into a query",
          "[socrata]") {
  auto& portal = montgomery();
  socrata::client client(options_for(portal));
  (void)client.metadata("mont-0911");
  const auto before = portal.requests().size();
  const auto e = error_from([&] { (void)client.unique_values("mont-0911", "titel"); });
  CHECK(e.kind() == socrata::failure::request);
  CHECK(e.status() == 0);
  CHECK(std::string(e.what()) ==
        "dataset mont-0911 has no column 'titel' (its columns: lat, lng, desc, zip, title, "
        "timestamp, twp, addr, e)");
  CHECK(portal.requests().size() == before);
  CHECK(client.requests() == 1);
}

TEST_CASE("the X-App-Token header is sent when a token is configured, and only then", "[socrata]") {
  server portal(recordings);
  auto options = options_for(portal);
  socrata::client anonymous(options);
  (void)anonymous.metadata("4tka-6guv");
  options.app_token = "a1b2c3";
  socrata::client identified(options);
  (void)identified.metadata("4tka-6guv");
  const auto log = portal.requests();
  REQUIRE(log.size() == 2);
  CHECK_FALSE(log[0].app_token);
  CHECK(log[1].app_token == "a1b2c3");
}

TEST_CASE("a dataset that needs a token is forbidden without it and served with it", "[socrata]") {
  server portal(recordings);
  portal.require_token("4tka-6guv", "s3cret");
  auto options = options_for(portal);

  socrata::client anonymous(options);
  const auto e = error_from([&] { (void)anonymous.metadata("4tka-6guv"); });
  CHECK(e.kind() == socrata::failure::request);
  CHECK(e.status() == 403);
  CHECK(e.url() == portal.base_url() + "/api/views/4tka-6guv.json");
  CHECK_THAT(e.what(), StartsWith("GET " + portal.base_url() +
                                  "/api/views/4tka-6guv.json: HTTP 403 Forbidden: You must be "
                                  "logged in to access this resource"));
  CHECK_THAT(e.what(), Contains("private") && Contains("app token"));
  CHECK(anonymous.requests() == 1);  // not retried

  options.app_token = "wrong";
  socrata::client mistaken(options);
  CHECK(error_from([&] { (void)mistaken.metadata("4tka-6guv"); }).status() == 403);

  options.app_token = "s3cret";
  socrata::client identified(options);
  CHECK(identified.metadata("4tka-6guv").columns.size() == 8);
}

TEST_CASE("an unknown dataset is a request error with the URL, the status and Socrata's message",
          "[socrata]") {
  auto& portal = montgomery();
  socrata::client client(options_for(portal));
  const auto e = error_from([&] { (void)client.metadata("zzzz-zzzz"); });
  CHECK(e.kind() == socrata::failure::request);
  CHECK(e.status() == 404);
  CHECK_THAT(e.what(), StartsWith("GET " + portal.base_url() +
                                  "/api/views/zzzz-zzzz.json: HTTP 404 Not Found: dataset.missing: "
                                  "Not found; the dataset or the portal was not found"));

  const auto rows = error_from([&] { (void)client.row_count("zzzz-zzzz"); });
  CHECK(rows.status() == 404);
  CHECK(rows.url() == portal.base_url() + "/resource/zzzz-zzzz.json?$select=count(*) AS count");
  CHECK_THAT(rows.what(), Contains(rows.url()) && Contains("404") && Contains("Not found"));
  CHECK(client.requests() == 2);
}

TEST_CASE("the replay server answers a column it lacks with the query coordinator's 400",
          "[socrata]") {
  httplib::Client http(montgomery().base_url());
  const auto answer = http.Get("/resource/mont-0911.json?$select=nosuchcolumn");
  REQUIRE(answer);
  CHECK(answer->status == 400);
  CHECK(answer->body ==
        R"({"message":"Query coordinator error: query.soql.no-such-column; No such column: )"
        R"(nosuchcolumn","errorCode":"query.soql.no-such-column","data":)"
        R"({"column":"nosuchcolumn"}})");
}

TEST_CASE("a 400 in either of Socrata's error shapes becomes a request error with its message",
          "[socrata]") {
  server portal(recordings);
  socrata::client client(options_for(portal));
  (void)client.metadata("4tka-6guv");  // the column check passes on the metadata

  // The query coordinator's shape: {"message", "errorCode", "data"}.
  httplib::Client http(montgomery().base_url());
  const auto coordinator = http.Get("/resource/mont-0911.json?$select=magnitude");
  REQUIRE(coordinator);
  portal.script("4tka-6guv", 400, coordinator->body);
  const auto e = error_from([&] { (void)client.unique_values("4tka-6guv", "magnitude"); });
  CHECK(e.kind() == socrata::failure::request);
  CHECK(e.status() == 400);
  CHECK_THAT(e.what(), Contains("/resource/4tka-6guv.json?$select=magnitude,count(*) AS count&"
                                "$group=magnitude&$order=count DESC,magnitude&$limit=10000&"
                                "$offset=0: HTTP 400 Bad Request: Query coordinator error: "
                                "query.soql.no-such-column; No such column: magnitude"));

  // The documented shape: {"code", "error", "message", "data"}.
  const auto errors = nlohmann::json::parse(read_text(recordings / "errors.json"));
  const auto documented = errors.at("errors").at(2);
  REQUIRE(documented.at("name") == "documented_error_format_400");
  portal.script("4tka-6guv", 400, documented.at("body").get<std::string>());
  const auto malformed = error_from([&] { (void)client.row_count("4tka-6guv"); });
  CHECK(malformed.kind() == socrata::failure::request);
  CHECK_THAT(malformed.what(),
             Contains(": HTTP 400 Bad Request: query.compiler.malformed: Could not parse SoQL "
                      "query \"select * where string_column > 42\""));
}

TEST_CASE("429 twice and then an answer is retried and succeeds on the third request",
          "[socrata]") {
  server portal(recordings);
  portal.script("4tka-6guv", 429, "", 2);
  socrata::client client(options_for(portal));
  CHECK(client.metadata("4tka-6guv").columns.size() == 8);
  CHECK(client.requests() == 3);
  CHECK(portal.requests().size() == 3);
}

TEST_CASE("429 on every attempt is a server failure that suggests an app token", "[socrata]") {
  server portal(recordings);
  portal.script("4tka-6guv", 429, "", -1);
  auto options = options_for(portal);
  options.attempts = 4;
  socrata::client client(options);
  const auto e = error_from([&] { (void)client.metadata("4tka-6guv"); });
  CHECK(e.kind() == socrata::failure::server);
  CHECK(e.status() == 429);
  CHECK_THAT(e.what(), Contains("HTTP 429 Too Many Requests after 4 attempts; use an app token"));
  CHECK(client.requests() == 4);
  CHECK(portal.requests().size() == 4);
}

TEST_CASE("a 500 on every attempt is a server failure with the status", "[socrata]") {
  server portal(recordings);
  portal.script("4tka-6guv", 500, R"({"code":"internal","error":true,"message":"Boom"})", -1);
  socrata::client client(options_for(portal));
  const auto e = error_from([&] { (void)client.metadata("4tka-6guv"); });
  CHECK(e.kind() == socrata::failure::server);
  CHECK(e.status() == 500);
  CHECK_THAT(e.what(), Contains("HTTP 500 Internal Server Error after 5 attempts: internal: Boom"));
  CHECK(client.requests() == 5);
}

TEST_CASE("a Retry-After header is waited for, but never longer than the longest wait",
          "[socrata]") {
  server portal(recordings);
  auto options = options_for(portal);
  const auto elapsed = [&] {
    portal.script("4tka-6guv", 429, "", 1, {{"Retry-After", "1"}});
    socrata::client client(options);
    const auto start = std::chrono::steady_clock::now();
    (void)client.metadata("4tka-6guv");
    return std::chrono::steady_clock::now() - start;
  };
  options.longest_wait = 2s;
  CHECK(elapsed() >= 1s);
  options.longest_wait = 20ms;
  CHECK(elapsed() < 900ms);
}

TEST_CASE("a body that is not JSON is a server failure naming the URL", "[socrata]") {
  server portal(recordings);
  portal.script("4tka-6guv", 200, "not json");
  socrata::client client(options_for(portal));
  const auto e = error_from([&] { (void)client.metadata("4tka-6guv"); });
  CHECK(e.kind() == socrata::failure::server);
  CHECK(e.status() == 200);
  CHECK_THAT(e.what(), StartsWith("GET " + portal.base_url() +
                                  "/api/views/4tka-6guv.json: HTTP 200 with a body that is not "
                                  "JSON: parse error at line 1, column 2"));
  CHECK(client.requests() == 1);
}

TEST_CASE("JSON of an unexpected shape is a server failure saying what was expected", "[socrata]") {
  server portal(recordings);
  socrata::client client(options_for(portal));
  portal.script("4tka-6guv", 200, R"({"rows": 12})");
  CHECK_THAT(error_from([&] { (void)client.row_count("4tka-6guv"); }).what(),
             Contains("unexpected shape: expected [{\"count\": N}]"));
  portal.script("4tka-6guv", 200, "[1, 2]");
  CHECK_THAT(error_from([&] { (void)client.metadata("4tka-6guv"); }).what(),
             Contains("expected an object with a \"columns\" array"));
  (void)client.metadata("4tka-6guv");
  portal.script("4tka-6guv", 200, R"([{"magnitude": "1.1"}])");
  const auto e = error_from([&] { (void)client.unique_values("4tka-6guv", "magnitude"); });
  CHECK(e.kind() == socrata::failure::server);
  CHECK_THAT(e.what(), Contains("expected a count \"count\" in every row"));
}

TEST_CASE("a malformed dataset id is refused before any request", "[socrata]") {
  server portal(recordings);
  socrata::client client(options_for(portal));
  for (const std::string id : {"NUEK-VUH3", "nuek_vuh3", "abc"}) {
    for (const auto& e : {error_from([&] { (void)client.metadata(id); }),
                          error_from([&] { (void)client.row_count(id); }),
                          error_from([&] { (void)client.unique_values(id, "title"); })}) {
      CHECK(e.kind() == socrata::failure::request);
      CHECK(e.status() == 0);
      CHECK(std::string(e.what()) ==
            "\"" + id +
                "\" is not a Socrata dataset id (expected the form xxxx-xxxx, e.g. nuek-vuh3)");
    }
  }
  CHECK(client.requests() == 0);
  CHECK(portal.requests().empty());
}

TEST_CASE("a port where nothing listens is unreachable after every attempt", "[socrata]") {
  socrata::client_options options;
  options.base_url = "http://127.0.0.1:" + std::to_string(closed_port());
  options.attempts = 2;
  options.first_wait = 1ms;
  socrata::client client(options);
  const auto e = error_from([&] { (void)client.row_count("mont-0911"); });
  CHECK(e.kind() == socrata::failure::unreachable);
  CHECK(e.status() == 0);
  CHECK_THAT(e.what(), StartsWith("GET " + options.base_url +
                                  "/resource/mont-0911.json?$select=count(*) AS count: no "
                                  "response after 2 attempts: "));
  CHECK(client.requests() == 2);
}

TEST_CASE("an answer slower than the timeout is unreachable, and the message says so",
          "[socrata]") {
  server portal(recordings);
  portal.delay("4tka-6guv", 500ms);
  auto options = options_for(portal);
  options.timeout = 100ms;
  options.attempts = 1;
  socrata::client client(options);
  const auto start = std::chrono::steady_clock::now();
  const auto e = error_from([&] { (void)client.metadata("4tka-6guv"); });
  CHECK(std::chrono::steady_clock::now() - start < 450ms);
  CHECK(e.kind() == socrata::failure::unreachable);
  CHECK(e.status() == 0);
  CHECK_THAT(e.what(), StartsWith("GET " + portal.base_url() +
                                  "/api/views/4tka-6guv.json: no response: timed out (the limits "
                                  "are 100 ms for a request and 10000 ms to connect): "));
}

TEST_CASE("a recorded exchange is replayed byte for byte, whichever way the query is encoded",
          "[socrata]") {
  server portal(recordings);
  const auto recorded = nlohmann::json::parse(read_text(recordings / "exchanges_4tka-6guv.json"))
                            .at("exchanges")
                            .at(1);
  const auto& headers = recorded.at("response").at("headers");
  httplib::Client http(portal.base_url());
  for (const std::string target :
       {"/resource/4tka-6guv.json?%24select=magnitude%2C%20count%28%2A%29%20as%20count&"
        "%24group=magnitude&%24having=count%20%3E%20400&%24order=count&%24limit=10000",
        "/resource/4tka-6guv.json?$limit=10000&$select=magnitude,%20count(*)%20as%20count&"
        "$group=magnitude&$having=count%20%3E%20400&$order=count"}) {
    const auto answer = http.Get(target.c_str());
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->body == recorded.at("response").at("body").get<std::string>());
    CHECK(answer->body ==
          "[{\"magnitude\":\"0.9\",\"count\":\"405\"}\n,{\"magnitude\":\"1.4\",\"count\":\"422\"}"
          "\n,{\"magnitude\":\"1.3\",\"count\":\"467\"}\n,{\"magnitude\":\"1\",\"count\":\"485\"}"
          "\n,{\"magnitude\":\"1.2\",\"count\":\"492\"}\n,{\"magnitude\":\"1.1\",\"count\":"
          "\"537\"}]\n");
    CHECK(answer->get_header_value("Content-Type") == headers.at("Content-Type"));
    CHECK(answer->get_header_value("X-SODA2-Fields") == headers.at("X-SODA2-Fields"));
    CHECK(answer->get_header_value("X-SODA2-Types") == headers.at("X-SODA2-Types"));
  }
  const auto past_the_end = http.Get(
      "/resource/4tka-6guv.json?$select=magnitude,%20count(*)%20as%20count&$group=magnitude&"
      "$having=count%20%3E%20400&$order=count&$offset=10000&$limit=10000");
  REQUIRE(past_the_end);
  CHECK(past_the_end->body == "[]\n");

  const auto metadata = http.Get("/api/views/4tka-6guv");
  REQUIRE(metadata);
  CHECK(metadata->body == read_text(recordings / "views_4tka-6guv.json"));
  CHECK(metadata->get_header_value("Content-Type") == "application/json; charset=utf-8");
}

TEST_CASE("a query on a recorded dataset that was not recorded is a 400", "[socrata]") {
  server portal(recordings);
  httplib::Client http(portal.base_url());
  const auto answer = http.Get("/resource/4tka-6guv.json?$select=region");
  REQUIRE(answer);
  CHECK(answer->status == 400);
  const auto body = nlohmann::json::parse(answer->body);
  CHECK(body.at("errorCode") == "replay.no-recording");
  CHECK_THAT(body.at("message").get<std::string>(), StartsWith("Query coordinator error: "));
}

TEST_CASE("a dataset built from a CSV file answers rows in the SODA 2.1 layout", "[socrata]") {
  httplib::Client http(montgomery().base_url());

  const auto two =
      http.Get("/resource/mont-0911.json?$select=zip,title&$order=zip%20DESC&$limit=2");
  REQUIRE(two);
  CHECK(two->status == 200);
  CHECK(two->get_header_value("Content-Type") == "application/json;charset=utf-8");
  CHECK(two->get_header_value("X-SODA2-Fields") == R"(["zip","title"])");
  CHECK(two->get_header_value("X-SODA2-Types") == R"(["number","text"])");
  // Going down, the missing zips come first, and a missing value is left out of its row.
  CHECK(two->body ==
        "[{\"title\":\"EMS: DIZZINESS\"}\n,{\"title\":\"Traffic: VEHICLE ACCIDENT -\"}]\n");

  const auto first = http.Get("/resource/mont-0911.json?$limit=1");
  REQUIRE(first);
  CHECK(first->body ==
        "[{\"lat\":\"40.2978759\",\"lng\":\"-75.5812935\",\"desc\":\"REINDEER CT & DEAD END;  "
        "NEW HANOVER; Station 332; 2015-12-10 @ 17:10:52;\",\"zip\":\"19525\",\"title\":\"EMS: "
        "BACK PAINS/INJURY\",\"timestamp\":\"2015-12-10 17:40:00\",\"twp\":\"NEW HANOVER\","
        "\"addr\":\"REINDEER CT & DEAD END\",\"e\":\"1\"}]\n");

  const auto all = http.Get("/resource/mont-0911.json");
  REQUIRE(all);
  CHECK(nlohmann::json::parse(all->body).size() == 1000);  // the default $limit

  const auto grouped = http.Get(
      "/resource/mont-0911.json?$select=twp,count(*)&$group=twp&$order=count,twp&"
      "$limit=3");
  REQUIRE(grouped);
  CHECK(grouped->get_header_value("X-SODA2-Fields") == R"(["twp","count"])");
  // Going up, the group of missing townships comes after the others of the same count.
  CHECK(grouped->body ==
        "[{\"twp\":\"GREEN LANE\",\"count\":\"3\"}\n,{\"twp\":\"LEHIGH COUNTY\",\"count\":"
        "\"7\"}\n,{\"count\":\"7\"}]\n");

  const auto filtered = http.Get("/resource/mont-0911.json?$select=count(*)%20AS%20n&twp=ABINGTON");
  REQUIRE(filtered);
  CHECK(filtered->body == "[{\"n\":\"581\"}]\n");

  const auto empty = http.Get("/resource/mont-0911.json?$offset=9226");
  REQUIRE(empty);
  CHECK(empty->body == "[]\n");

  const auto not_grouped = http.Get("/resource/mont-0911.json?$select=twp,count(*)");
  REQUIRE(not_grouped);
  CHECK(not_grouped->status == 400);
  CHECK_THAT(not_grouped->body, Contains("query.soql.column-not-in-group-bys"));
}

TEST_CASE("the replay server answers an unknown dataset with Socrata's 404", "[socrata]") {
  httplib::Client http(montgomery().base_url());
  const auto answer = http.Get("/resource/zzzz-zzzz.json");
  REQUIRE(answer);
  CHECK(answer->status == 404);
  CHECK(
      answer->body ==
      R"({"code":"dataset.missing","error":true,"message":"Not found","data":{"id":"zzzz-zzzz"}})");
}
