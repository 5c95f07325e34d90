// stitch-bench: the workloads of ../shared/bench/WORKLOADS.md on stitch (single-table or
// joined-table layout) or hand-written (SQLiteCpp, libpqxx), on SQLite or PostgreSQL.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bench.hpp"

namespace {

constexpr std::string_view usage_text =
    "usage: stitch-bench [--layout sti|mti|handwritten] [--backend sqlite|postgres]\n"
    "                    [--db PATH_OR_URI] [--only W1,W2,...] [--stream M] N\n"
    "  --layout   sti (stitch::single_table, the default), mti (stitch::joined_tables) or\n"
    "             handwritten (SQLiteCpp or libpqxx, the single-table schema)\n"
    "  --backend  sqlite (the default) or postgres\n"
    "  --db       SQLite: the database file (default: a fresh file in the temp directory,\n"
    "             removed at exit); PostgreSQL: the server's URI (default:\n"
    "             $STITCH_BENCH_POSTGRES); each run works in schemas of its own, dropped at exit\n"
    "  --only     run these workloads only (those whose rows they read run untimed)\n"
    "  --stream   insert M data sources, then time one streamed pass over them (stream_root)\n"
    "             instead of the workloads; N may then be left out\n"
    "  N          the number of data sources (at least 10)\n"
    "workloads: insert_all insert_save load_all_poly load_subtype filter_subtype_col\n"
    "           fields_insert eager_nested through_n_plus_1 through_includes comments_insert\n"
    "           poly_includes update_save destroy_all_socrata\n";

// A mistake on the command line.
struct usage_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

bench::i64 count_of(std::string_view what, std::string_view text) {
  bench::i64 value = 0;
  const auto* end = text.data() + text.size();
  const auto [at, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || at != end || value < 1)
    throw usage_error(std::string(what) + " must be a positive integer, not '" + std::string(text) +
                      "'");
  return value;
}

std::vector<std::string> workload_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto name = text.substr(0, comma);
    if (std::find(bench::workload_names.begin(), bench::workload_names.end(), name) ==
        bench::workload_names.end())
      throw usage_error("unknown workload '" + std::string(name) + "'");
    out.emplace_back(name);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  if (out.empty()) throw usage_error("--only needs at least one workload");
  return out;
}

bench::options parse(int argc, char** argv) {
  bench::options opts;
  std::vector<std::string_view> positional;
  bool any_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) throw usage_error(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::printf("%.*s", static_cast<int>(usage_text.size()), usage_text.data());
      std::exit(0);
    }
    if (arg == "--layout") {
      opts.layout = value();
      if (opts.layout != "sti" && opts.layout != "mti" && opts.layout != "handwritten")
        throw usage_error("unknown layout '" + opts.layout + "'");
    } else if (arg == "--backend") {
      opts.backend = value();
      if (opts.backend != "sqlite" && opts.backend != "postgres")
        throw usage_error("unknown backend '" + opts.backend + "'");
    } else if (arg == "--db") {
      opts.db = value();
    } else if (arg == "--only") {
      opts.only = workload_list(value());
      any_only = true;
    } else if (arg == "--stream") {
      opts.stream = count_of("--stream", value());
    } else if (arg.starts_with("-")) {
      throw usage_error("unknown option '" + std::string(arg) + "'");
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() > 1) throw usage_error("N is the only argument that is not an option");
  if (opts.stream && any_only) throw usage_error("--stream and --only do not go together");
  if (positional.empty()) {
    if (!opts.stream) throw usage_error("N is missing");
  } else {
    opts.n = count_of("N", positional[0]);
    if (!opts.stream && opts.n < 10) throw usage_error("N must be at least 10 (fields_insert)");
  }
  if (opts.backend == "postgres" && opts.db.empty()) {
    const char* env = std::getenv("STITCH_BENCH_POSTGRES");
    if (env == nullptr || *env == '\0')
      throw usage_error("--backend postgres needs --db URI or STITCH_BENCH_POSTGRES");
  }
  return opts;
}

void run(const bench::options& opts) {
  bench::databases dbs(opts);
  bench::report out(opts);
  bench::report::note("engine", "stitch-bench " + opts.layout + " " + opts.backend);
  bench::report::note("layout", opts.layout);
  bench::report::note("backend", opts.backend);
  if (opts.stream) {
    bench::report::note("stream", *opts.stream);
  } else {
    bench::report::note("n", opts.n);
    bench::report::note("db_bytes_method", dbs.bytes_method());
  }
  using entry = void (*)(const bench::options&, bench::databases&, bench::report&);
  entry workloads = nullptr;
  entry stream = nullptr;
  if (opts.layout == "sti") {
    workloads = &bench::sti::run;
    stream = &bench::sti::stream;
  } else if (opts.layout == "mti") {
    workloads = &bench::mti::run;
    stream = &bench::mti::stream;
  } else if (opts.backend == "sqlite") {
    workloads = &bench::handwritten_sqlite::run;
    stream = &bench::handwritten_sqlite::stream;
  } else {
    workloads = &bench::handwritten_postgres::run;
    stream = &bench::handwritten_postgres::stream;
  }
  (opts.stream ? stream : workloads)(opts, dbs, out);
}

}  // namespace

int main(int argc, char** argv) {
  bench::options opts;
  try {
    opts = parse(argc, argv);
  } catch (const usage_error& e) {
    std::fprintf(stderr, "stitch-bench: %s\n%.*s", e.what(), static_cast<int>(usage_text.size()),
                 usage_text.data());
    return 2;
  }
  try {
    run(opts);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stitch-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
