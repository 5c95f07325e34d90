#pragma once
// What every implementation of the benchmark shares: the command line, the data of
// ../shared/bench/WORKLOADS.md, the databases of one run and the output contract.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

using i64 = std::int64_t;

/// The workloads, in the order they run (WORKLOADS.md says twelve and lists thirteen).
inline constexpr std::array<std::string_view, 13> workload_names = {
    "insert_all",    "insert_save",  "load_all_poly",      "load_subtype",     "filter_subtype_col",
    "fields_insert", "eager_nested", "through_n_plus_1",   "through_includes", "comments_insert",
    "poly_includes", "update_save",  "destroy_all_socrata"};

/// The command line: stitch-bench [--layout L] [--backend B] [--db D] [--only W,...]
/// [--stream M] N
struct options {
  std::string layout = "sti";  ///< sti, mti or handwritten
  std::string backend = "sqlite";
  std::string db;                 ///< a path (SQLite) or a URI (PostgreSQL); empty: the default
  std::vector<std::string> only;  ///< empty: every workload
  std::optional<i64> stream;      ///< --stream M: the streaming pass instead of the workloads
  i64 n = 0;
};

// ---- The data ---------------------------------------------------------------------------

/// Data source number i (0-based, id i + 1): even i is a CsvFile, odd i a Socrata.
inline bool is_csv(i64 i) { return i % 2 == 0; }
inline std::string source_name(i64 i) { return "ds_" + std::to_string(i); }
inline std::string source_description(i64 i) { return "data source number " + std::to_string(i); }
inline std::string csv_path(i64 i) { return "files/file_" + std::to_string(i) + ".csv"; }
inline constexpr std::string_view csv_delimiter = ",";
inline i64 csv_row_count(i64 i) { return (i * 37) % 1000; }
inline constexpr std::string_view socrata_domain = "data.example.org";
inline std::string socrata_dataset_id(i64 i) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "ds%02d-%06lld", static_cast<int>(i % 100),
                static_cast<long long>(i));
  return buf.data();
}
inline std::string socrata_app_token(i64 i) { return "token_" + std::to_string(i); }

/// fields_insert: field j of a source, and value k of a field.
inline constexpr std::array<const char*, 3> field_data_types = {"text", "number", "date"};
inline std::string field_name(int j) { return "field_" + std::to_string(j); }
inline std::string value_text(int k) { return "value_" + std::to_string(k); }
inline i64 value_count(int j, int k) { return k * 10 + j; }
inline bool value_classified(int k) { return k != 2; }  // else NULL
inline constexpr std::string_view value_classification = "category";

/// load_all_poly's check that a row loaded as its own class: data source id k (number k - 1)
/// is a CsvFile when k is odd, a Socrata when k is even. Rows come in no particular order.
template <class Csv, class Socrata, class Base>
bool of_own_class(const Base& ds) {
  return ds.id % 2 == 1 ? dynamic_cast<const Csv*>(&ds) != nullptr
                        : dynamic_cast<const Socrata*>(&ds) != nullptr;
}

/// The sizes the workloads derive from N.
struct sizes {
  explicit sizes(i64 n) : n(n), n10(n / 10), through(n < 1000 ? n : 1000) {}
  i64 n;
  i64 n10;      ///< data sources that get fields (fields_insert, eager_nested)
  i64 through;  ///< data sources of the has_many :through workloads
  static constexpr i64 row_count_over = 499;  ///< filter_subtype_col
};

/// comments_insert: comment i is on data source id (i/2 % N) + 1 when i is even, else on
/// field id (i/2 % fields) + 1.
inline i64 comment_target_id(i64 i, i64 n, i64 fields) {
  return (i / 2) % (i % 2 == 0 ? n : fields) + 1;
}
inline std::string comment_body(i64 i) { return "comment " + std::to_string(i); }

/// Keeps a computed value alive, so that reading the names is not optimized away.
void keep(std::size_t value);

/// The current time as Rails writes it, UTC with microseconds (the hand-written versions).
inline std::string now_text() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t{};
  gmtime_r(&ts.tv_sec, &t);
  std::array<char, 96> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02d %02d:%02d:%02d.%06ld", t.tm_year + 1900,
                t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ts.tv_nsec / 1000);
  return buf.data();
}

// ---- The databases of one run -----------------------------------------------------------

/// The main database and insert_all's scratch database of one run: SQLite files, or
/// PostgreSQL schemas of the server the URI names. Each is made fresh when first asked for
/// and removed at the end (a --db file given by the user is kept).
class databases {
 public:
  explicit databases(const options& opts);
  databases(const databases&) = delete;
  databases& operator=(const databases&) = delete;
  ~databases();

  /// A path (SQLite) or a URI whose search_path is the run's schema (PostgreSQL).
  [[nodiscard]] const std::string& main();
  [[nodiscard]] const std::string& scratch();
  /// Removes the scratch database (its connections must be closed).
  void drop_scratch();
  /// The size of the main database: the file, or the tables of the schema with their
  /// indexes and TOAST (pg_total_relation_size).
  [[nodiscard]] i64 main_bytes() const;
  /// How main_bytes() measures, for the `# db_bytes_method` line.
  [[nodiscard]] std::string_view bytes_method() const;
  [[nodiscard]] bool postgres() const noexcept { return postgres_; }

 private:
  struct place {
    std::string name;      ///< SQLite path or PostgreSQL schema
    std::string location;  ///< what to open: the path, or the URI with the search_path
    bool made = false;
    bool keep = false;
  };
  void make(place& p);
  void remove(place& p) noexcept;

  bool postgres_;
  std::string server_;  ///< PostgreSQL: the URI without the search_path
  place main_;
  place scratch_;
};

// ---- The output -------------------------------------------------------------------------

/// Times the workloads and prints the contract: `workload seconds` and `# rows workload n`.
/// With --only, a workload not listed does not run, except insert_save, fields_insert and
/// comments_insert, which run silently when a later listed workload needs their rows.
class report {
 public:
  explicit report(const options& opts) : only_(opts.only) {}

  /// True when the workload runs, printed or not.
  [[nodiscard]] bool runs(std::string_view name) const;

  /// Runs body, which returns its row count, timing it when the workload is printed. Every
  /// workload starts with the memory freed before given back to the system, so that none runs
  /// on a heap that an earlier workload of its implementation grew (and the kernel zeroed).
  template <class F>
  void measure(std::string_view name, F&& body) {
    release_free_memory();
    const auto start = std::chrono::steady_clock::now();
    const i64 rows = body();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (printed(name)) print(name, elapsed.count(), rows);
  }

  /// True when the workload's time and rows are printed.
  [[nodiscard]] bool printed(std::string_view name) const;

  /// A `# key value` line.
  static void note(std::string_view key, std::string_view value);
  static void note(std::string_view key, i64 value);

 private:
  static void release_free_memory() noexcept;
  static void print(std::string_view name, double seconds, i64 rows);
  std::vector<std::string> only_;
};

// ---- The implementations ----------------------------------------------------------------

// Each runs the workloads (or the streaming pass, with --stream) on its backend and prints
// through the report. They throw on any database error.
namespace sti {
void run(const options& opts, databases& dbs, report& out);
void stream(const options& opts, databases& dbs, report& out);
}  // namespace sti
namespace mti {
void run(const options& opts, databases& dbs, report& out);
void stream(const options& opts, databases& dbs, report& out);
}  // namespace mti
namespace handwritten_sqlite {
void run(const options& opts, databases& dbs, report& out);
void stream(const options& opts, databases& dbs, report& out);
}  // namespace handwritten_sqlite
namespace handwritten_postgres {
void run(const options& opts, databases& dbs, report& out);
void stream(const options& opts, databases& dbs, report& out);
}  // namespace handwritten_postgres

}  // namespace bench
