// The classifier's CSV reader on the bundled real samples and on malformed files.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include "csv_reader.hpp"

using classifier::csv_error;
using classifier::csv_options;
using classifier::csv_row;
using classifier::ragged_rows;

namespace {

const std::filesystem::path data_dir = CLASSIFIER_DATA;

/// A scratch file with the given bytes, removed at the end of the test.
struct scratch {
  std::filesystem::path path;
  explicit scratch(const std::string& bytes) {
    static std::atomic<int> counter{0};
    path =
        std::filesystem::temp_directory_path() /
        ("classifier-csv-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".csv");
    std::ofstream(path, std::ios::binary) << bytes;
  }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
  ~scratch() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

struct table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;
  classifier::csv_stats stats;
};

table read(const std::filesystem::path& path, const csv_options& options = {}) {
  table t;
  t.stats = classifier::read_csv(
      path, options, [&](std::span<const std::string> h) { t.header.assign(h.begin(), h.end()); },
      [&](const csv_row& row) {
        t.rows.emplace_back(row.fields.begin(), row.fields.end());
        t.lines.push_back(row.line);
      });
  return t;
}

std::string refusal(const std::string& bytes, const csv_options& options = {}) {
  scratch file(bytes);
  try {
    (void)read(file.path, options);
  } catch (const csv_error& e) {
    const std::string message = e.what();
    CHECK(message.rfind(file.path.string(), 0) == 0);  // names the file first
    return message.substr(file.path.string().size());
  }
  FAIL("read without an error: " << bytes);
  return {};
}

std::map<std::string, std::size_t> counts(const table& t, const std::string& column) {
  std::size_t index = 0;
  while (t.header.at(index) != column) ++index;
  std::map<std::string, std::size_t> out;
  for (const auto& row : t.rows) ++out[row.at(index)];
  return out;
}

}  // namespace

TEST_CASE("the Montgomery County sample reads whole, with its known profile", "[csv]") {
  const auto t = read(data_dir / "montgomery_911_sample.csv");
  CHECK(t.header == std::vector<std::string>{"lat", "lng", "desc", "zip", "title", "timeStamp",
                                             "twp", "addr", "e"});
  CHECK(t.stats.rows == 9226);
  CHECK(t.stats.lines == 9227);
  CHECK(t.lines.front() == 2);
  CHECK(t.lines.back() == 9227);
  const auto titles = counts(t, "title");
  CHECK(titles.size() == 83);
  CHECK(titles.at("Traffic: VEHICLE ACCIDENT -") == 2435);
  CHECK(titles.at("Traffic: DISABLED VEHICLE -") == 601);
  CHECK(titles.at("EMS: RESPIRATORY EMERGENCY") == 503);
  CHECK(counts(t, "zip").at("") == 1215);
  CHECK(counts(t, "twp").at("") == 7);
  CHECK(counts(t, "twp").size() == 68);  // 67 townships and the empty value
  CHECK(counts(t, "e") == std::map<std::string, std::size_t>{{"1", 9226}});
}

TEST_CASE("the San Francisco sample reads whole, with its known profile", "[csv]") {
  const auto t = read(data_dir / "sf_fire_calls_sample.csv");
  REQUIRE(t.header.size() == 28);
  CHECK(t.header.front() == "CallNumber");
  CHECK(t.header.back() == "Delay");
  CHECK(t.stats.rows == 1000);
  const auto types = counts(t, "CallType");
  CHECK(types.size() == 14);
  CHECK(types.at("Medical Incident") == 642);
  CHECK(types.at("Structure Fire") == 188);
  CHECK(types.at("Alarms") == 107);
  const auto priority = counts(t, "Priority");
  CHECK(priority ==
        std::map<std::string, std::size_t>{{"1", 64}, {"2", 40}, {"3", 871}, {"E", 25}});
}

TEST_CASE("reading in chunks of a few bytes gives the same rows and lines", "[csv]") {
  const auto whole = read(data_dir / "sf_fire_calls_sample.csv");
  csv_options tiny;
  tiny.chunk_size = 7;
  const auto chunked = read(data_dir / "sf_fire_calls_sample.csv", tiny);
  CHECK(chunked.rows == whole.rows);
  CHECK(chunked.lines == whole.lines);
}

TEST_CASE("quotes, embedded newlines, CRLF, a byte order mark and other delimiters", "[csv]") {
  scratch file(
      "\xEF\xBB\xBF"
      "name,note\r\n"
      "plain,\"with, comma\"\r\n"
      "\"two\nlines\",\"say \"\"hi\"\"\"\r\n"
      "\r\n"
      "  spaced  ,\r\n"
      "last,no newline");
  const auto t = read(file.path);
  CHECK(t.header == std::vector<std::string>{"name", "note"});
  REQUIRE(t.rows.size() == 4);
  CHECK(t.rows[0] == std::vector<std::string>{"plain", "with, comma"});
  CHECK(t.rows[1] == std::vector<std::string>{"two\nlines", "say \"hi\""});
  CHECK(t.rows[2] == std::vector<std::string>{"  spaced  ", ""});  // taken as written
  CHECK(t.rows[3] == std::vector<std::string>{"last", "no newline"});
  CHECK(t.lines == std::vector<std::size_t>{2, 3, 6, 7});  // the blank line 5 is skipped

  scratch semicolons("a;b\n1;\"x;y\"\n");
  csv_options options;
  options.delimiter = ';';
  const auto s = read(semicolons.path, options);
  CHECK(s.rows == std::vector<std::vector<std::string>>{{"1", "x;y"}});
}

TEST_CASE("a header-only file has no rows; an empty file is an error", "[csv][errors]") {
  scratch header_only("a,b,c\n");
  const auto t = read(header_only.path);
  CHECK(t.header.size() == 3);
  CHECK(t.stats.rows == 0);
  CHECK(refusal("") == ": the file is empty: no header row");
  CHECK(refusal("\n\r\n") == ": the file is empty: no header row");
}

TEST_CASE("malformed CSV is refused naming the line", "[csv][errors]") {
  CHECK(refusal("a,b\n1,2\n3,\"open\n4,5\n") ==
        ":3: an unterminated quoted field starts in this row");
  const auto stray = refusal("a,b\n1,2\nx\"y\"z,3\n");
  CHECK(stray.rfind(":3: malformed CSV", 0) == 0);
  CHECK(refusal("a,,c\n") == ":1: header field 2 is blank");
  CHECK(refusal("a,b,a\n") == ":1: header names \"a\" twice");
}

TEST_CASE("ragged rows are refused, or skipped and counted", "[csv][errors]") {
  const std::string ragged = "a,b\n1,2\n3\n4,5,6\n7,8\n";
  const auto message = refusal(ragged);
  CHECK(message.rfind(":3: the row has 1 fields, the header 2", 0) == 0);
  scratch file(ragged);
  csv_options skip;
  skip.ragged = ragged_rows::skip;
  const auto t = read(file.path, skip);
  CHECK(t.rows == std::vector<std::vector<std::string>>{{"1", "2"}, {"7", "8"}});
  CHECK(t.lines == std::vector<std::size_t>{2, 5});
  CHECK(t.stats.skipped == 2);
}

TEST_CASE("bytes that are not UTF-8 are refused naming line and column", "[csv][errors]") {
  CHECK(refusal("name,city\nok,Z\xFCrich\n") ==
        ":2: field 2 (city) holds bytes that are not UTF-8 (at byte 1 of the field)");
  CHECK(refusal("n\xC3\n") ==
        ":1: field 1 holds bytes that are not UTF-8 (at byte 1 of the field)");
}

TEST_CASE("a missing file is refused with the system's reason", "[csv][errors]") {
  const auto missing = std::filesystem::temp_directory_path() / "classifier-no-such-file.csv";
  try {
    (void)read(missing);
    FAIL("a missing file was read");
  } catch (const csv_error& e) {
    CHECK(std::string(e.what()) ==
          missing.string() + ": cannot open the file: No such file or directory");
    CHECK(e.line() == 0);
  }
}

TEST_CASE("what the row callback throws reaches the caller, and reading stops", "[csv]") {
  scratch file("a\n1\n2\n3\n");
  std::size_t seen = 0;
  CHECK_THROWS_WITH(classifier::read_csv(
                        file.path, {}, [](std::span<const std::string>) {},
                        [&](const csv_row& row) {
                          ++seen;
                          if (row.fields[0] == "2") throw std::runtime_error("stop at 2");
                        }),
                    "stop at 2");
  CHECK(seen == 2);
}

TEST_CASE("UTF-8 checks reject overlong forms, surrogates and truncated sequences", "[csv]") {
  using classifier::invalid_utf8_at;
  constexpr auto valid = std::string_view::npos;
  CHECK(invalid_utf8_at("plain ascii") == valid);
  CHECK(invalid_utf8_at("\xC3\xBC\xE2\x9C\x93\xF0\x9F\x9A\x92") == valid);  // ü ✓ 🚒
  CHECK(invalid_utf8_at("a\xC0\x80") == 1);                                 // overlong NUL
  CHECK(invalid_utf8_at("ab\xE0\x80\x80") == 2);                            // overlong
  CHECK(invalid_utf8_at("\xED\xA0\x80") == 0);                              // a surrogate
  CHECK(invalid_utf8_at("\xF4\x90\x80\x80") == 0);                          // above U+10FFFF
  CHECK(invalid_utf8_at("ok\xE2\x9C") == 2);                                // cut short
  CHECK(invalid_utf8_at("\x80") == 0);                                      // a lone continuation
}
