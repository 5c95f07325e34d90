#include "integration/support.hpp"

#include <stitch/postgres.hpp>
#include <stitch/sqlite.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <unistd.h>

namespace stitch::test {
namespace {

std::string& selected() {
  static std::string target;
  return target;
}

std::string configured() {
  if (!selected().empty()) return selected();
  const char* value = std::getenv("STITCH_TEST_DATABASE");
  return value != nullptr && *value != '\0' ? value : "sqlite::memory:";
}

// A URI that puts the session's search_path on `schema`.
std::string with_schema(const std::string& uri, const std::string& schema) {
  if (uri.find("://") == std::string::npos) return uri + " options='-csearch_path=" + schema + "'";
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

stitch::database open_configured(std::string& backend, std::string& path, std::string& uri,
                                 bool shareable = false) {
  const std::string target =
      shareable && configured() == "sqlite::memory:" ? std::string("sqlite:file") : configured();
  if (target == "postgres") {
    backend = "postgres";
    // A schema of its own per test: tests run in parallel on one server.
    static std::atomic<int> counter{0};
    path = "stitch_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    auto admin = stitch::postgres::connect(postgres_uri());
    admin.execute("DROP SCHEMA IF EXISTS " + path + " CASCADE; CREATE SCHEMA " + path);
    uri = with_schema(postgres_uri(), path);
    return stitch::postgres::connect(uri);
  }
  if (target == "sqlite::memory:") {
    backend = "sqlite";
    return stitch::sqlite::open(":memory:");
  }
  if (target == "sqlite:file") {
    backend = "sqlite";
    path = scratch_path("integration");
    return stitch::sqlite::open(path);
  }
  throw std::runtime_error("STITCH_TEST_DATABASE=" + target +
                           " is not a backend these tests know (sqlite::memory:, sqlite:file, "
                           "postgres)");
}

}  // namespace

void select_database(const std::string& target) { selected() = target; }

std::string scratch_path(const std::string& stem) {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path();
  const auto name = "stitch-" + stem + "-" + std::to_string(::getpid()) + "-" +
                    std::to_string(counter++) + ".sqlite3";
  const auto path = (dir / name).string();
  std::filesystem::remove(path);
  return path;
}

std::string numbered(const stitch::database& db, std::string_view sql) {
  std::string out;
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      db.sql_dialect().placeholder(out, ++n);
    } else {
      out += c;
    }
  }
  return out;
}

void widen_column(test_database& db, const std::string& table, const std::string& column,
                  const std::string& type) {
  if (db.backend() == "postgres")
    db->execute("ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE " + type);
}

std::string postgres_uri() {
  const char* value = std::getenv("STITCH_TEST_POSTGRES");
  if (value == nullptr || *value == '\0')
    throw std::runtime_error(
        "--database postgres needs STITCH_TEST_POSTGRES, a connection URI of a server where "
        "the tests may create schemas (scripts/test starts one)");
  return value;
}

test_database::test_database() : db_(open_configured(backend_, path_, uri_)) {}

test_database::test_database(shareable_t) : db_(open_configured(backend_, path_, uri_, true)) {}

stitch::database test_database::another_connection() const {
  if (backend_ == "postgres") return stitch::postgres::connect(uri_);
  if (!path_.empty()) return stitch::sqlite::open(path_);
  throw std::runtime_error("an in-memory SQLite database has no second connection");
}

test_database::~test_database() {
  db_.reset();
  if (backend_ == "postgres") {
    try {
      stitch::postgres::connect(postgres_uri())
          .execute("DROP SCHEMA IF EXISTS " + path_ + " CASCADE");
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): the server is gone
    }
  } else if (!path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
    std::filesystem::remove(path_ + "-journal", ignored);
  }
}

}  // namespace stitch::test
