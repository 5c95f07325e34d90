#include "integration/support.hpp"

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

stitch::database open_configured(std::string& backend, std::string& path) {
  const std::string target = configured();
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
                           " is not a backend these tests know (sqlite::memory:, sqlite:file)");
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

test_database::test_database() : db_(open_configured(backend_, path_)) {}

test_database::~test_database() {
  db_.reset();
  if (!path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
    std::filesystem::remove(path_ + "-journal", ignored);
  }
}

}  // namespace stitch::test
