// The databases of one run and the output contract (see bench.hpp).
#include "bench.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include <malloc.h>
#include <unistd.h>

namespace bench {
namespace {

// A URI (or key=value string) whose session's search_path is `schema`, as the integration
// tests connect.
std::string with_schema(const std::string& uri, const std::string& schema) {
  if (uri.find("://") == std::string::npos) return uri + " options='-csearch_path=" + schema + "'";
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

void remove_sqlite_files(const std::string& path) noexcept {
  std::error_code ignored;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"})
    std::filesystem::remove(path + suffix, ignored);
}

// Runs SQL of the harness (schemas, sizes) on a connection of its own.
pqxx::result admin(const std::string& server, const std::string& sql) {
  pqxx::connection c(server);
  pqxx::nontransaction w(c);
  return w.exec(sql);
}

volatile std::size_t sink = 0;

}  // namespace

void keep(std::size_t value) { sink = value; }

databases::databases(const options& opts) : postgres_(opts.backend == "postgres") {
  const auto pid = std::to_string(::getpid());
  if (postgres_) {
    server_ = opts.db;
    if (server_.empty()) {
      const char* env = std::getenv("STITCH_BENCH_POSTGRES");
      if (env == nullptr || *env == '\0')
        throw std::invalid_argument(
            "--backend postgres needs --db URI or STITCH_BENCH_POSTGRES, the URI of a server "
            "where the benchmark may create schemas");
      server_ = env;
    }
    main_.name = "bench_" + pid;
    scratch_.name = "bench_" + pid + "_insert_all";
    main_.location = with_schema(server_, main_.name);
    scratch_.location = with_schema(server_, scratch_.name);
    return;
  }
  if (opts.db.empty()) {
    main_.name =
        (std::filesystem::temp_directory_path() / ("stitch_bench_" + pid + ".sqlite3")).string();
  } else {
    main_.name = opts.db;
    main_.keep = true;
  }
  // Beside the main file, as raw/bench.cpp names it.
  const auto stem = main_.name.substr(0, main_.name.rfind(".sqlite3"));
  scratch_.name = stem + "_insert_all.sqlite3";
  main_.location = main_.name;
  scratch_.location = scratch_.name;
}

databases::~databases() {
  remove(scratch_);
  remove(main_);
}

const std::string& databases::main() {
  make(main_);
  return main_.location;
}

const std::string& databases::scratch() {
  make(scratch_);
  return scratch_.location;
}

void databases::drop_scratch() { remove(scratch_); }

void databases::make(place& p) {
  if (p.made) return;
  if (postgres_) {
    admin(server_, "DROP SCHEMA IF EXISTS " + p.name + " CASCADE; CREATE SCHEMA " + p.name);
  } else {
    remove_sqlite_files(p.name);
  }
  p.made = true;
}

void databases::remove(place& p) noexcept {
  if (!p.made) return;
  p.made = false;
  if (postgres_) {
    try {
      admin(server_, "DROP SCHEMA IF EXISTS " + p.name + " CASCADE");
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): the server is gone
    }
  } else if (!p.keep) {
    remove_sqlite_files(p.name);
  }
}

i64 databases::main_bytes() const {
  if (!postgres_) return static_cast<i64>(std::filesystem::file_size(main_.name));
  const auto r = admin(server_,
                       "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint "
                       "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE c.relkind = 'r' AND n.nspname = '" +
                           main_.name + "'");
  return r[0][0].as<i64>();
}

std::string_view databases::bytes_method() const {
  return postgres_ ? "pg_total_relation_size (tables with their indexes and TOAST) summed over "
                     "the run's schema"
                   : "file_size";
}

bool report::runs(std::string_view name) const {
  if (printed(name)) return true;
  // The workloads whose rows later ones read run silently before them.
  if (name != "insert_save" && name != "fields_insert" && name != "comments_insert") return false;
  const auto at = [](std::string_view w) {
    return std::find(workload_names.begin(), workload_names.end(), w) - workload_names.begin();
  };
  return std::any_of(only_.begin(), only_.end(),
                     [&](const std::string& w) { return at(w) > at(name); });
}

bool report::printed(std::string_view name) const {
  return only_.empty() || std::find(only_.begin(), only_.end(), name) != only_.end();
}

void report::release_free_memory() noexcept { ::malloc_trim(0); }

void report::print(std::string_view name, double seconds, i64 rows) {
  std::printf("%.*s %.6f\n# rows %.*s %lld\n", static_cast<int>(name.size()), name.data(), seconds,
              static_cast<int>(name.size()), name.data(), static_cast<long long>(rows));
  std::fflush(stdout);
}

void report::note(std::string_view key, std::string_view value) {
  std::printf("# %.*s %.*s\n", static_cast<int>(key.size()), key.data(),
              static_cast<int>(value.size()), value.data());
  std::fflush(stdout);
}

void report::note(std::string_view key, i64 value) { note(key, std::to_string(value)); }

}  // namespace bench
