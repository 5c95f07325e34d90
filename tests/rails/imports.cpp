// Rails' enum columns read and written through stitch: the imports table that
// rails_side.rb's imports-write adds to the classifier's schema.
//   stitch-rails-imports read DB    prints every import as JSON, in the shape of rails_side.rb's
//                                   `imports` (enum values by their Rails names)
//   stitch-rails-imports write DB   changes the first import's status and priority, adds an
//                                   import of every status, in one transaction, and prints the
//                                   imports it holds afterwards
#include <stitch/postgres.hpp>
#include <stitch/sqlite.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph.hpp"
#include "models.hpp"

namespace imports {

// The C++ side lags the Rails application by one value: Rails' status enum also has
// archived: 4.
enum class Status { queued = 0, running = 1, done = 2, failed = 3 };
enum class Priority { low = 0, high = 1 };

}  // namespace imports

template <>
struct stitch::enum_traits<imports::Status> {
  static constexpr stitch::enum_value<imports::Status> values[] = {
      {imports::Status::queued, "queued"},
      {imports::Status::running, "running"},
      {imports::Status::done, "done"},
      {imports::Status::failed, "failed"}};
};
template <>
struct stitch::enum_traits<imports::Priority> {
  static constexpr stitch::enum_value<imports::Priority> values[] = {
      {imports::Priority::low, "low"}, {imports::Priority::high, "high"}};
};

namespace imports {

struct ImportColumns {
  std::int64_t data_source_id = 0;
  std::optional<std::string> name;
  Status status = Status::queued;
  std::optional<Priority> priority;
  rails::timestamp created_at{};
  rails::timestamp updated_at{};
};
struct Import : stitch::model<Import, ImportColumns> {
  stitch::belongs_to<rails::DataSource> data_source;
  using associations = stitch::associations<&Import::data_source>;
};

using json = nlohmann::ordered_json;

json to_json(const Import& i) {
  return json{{"id", i.id},
              {"data_source_id", i.data_source_id},
              {"name", i.name ? json(*i.name) : json(nullptr)},
              {"status", stitch::enum_name(i.status)},
              {"priority", i.priority ? json(stitch::enum_name(*i.priority)) : json(nullptr)}};
}

json to_json(const std::vector<Import>& all) {
  json out = json::array();
  for (const auto& i : all) out.push_back(to_json(i));
  return out;
}

std::vector<Import> load(stitch::database& db) {
  return db.all<Import>().order_by(stitch::col<&Import::id>).to_vector();
}

// Rails' enums as stitch writes them: a changed row and one new row per status.
std::vector<Import> write(stitch::database& db) {
  auto all = load(db);
  if (all.empty()) throw stitch::usage_error("no imports to change: run imports-write first");
  auto tx = db.transaction(stitch::intent::write);
  all.front().status = Status::failed;
  all.front().priority = Priority::high;
  db.save(all.front());
  for (const auto& [status, name] : stitch::enum_traits<Status>::values) {
    Import i;
    i.data_source_id = all.front().data_source_id;
    i.name = "written by stitch: " + std::string(name);
    i.status = status;
    if (status == Status::done) i.priority = Priority::low;
    db.save(i);
    all.push_back(std::move(i));
  }
  tx.commit();
  return all;
}

}  // namespace imports

int main(int argc, char** argv) {
  const std::string_view command = argc > 1 ? argv[1] : "";
  if (argc != 3 || (command != "read" && command != "write")) {
    std::fputs("usage: stitch-rails-imports read DB | write DB\n", stderr);
    return 2;
  }
  try {
    auto db = rails::open_database(argv[2], /*read_only=*/command == "read");
    const auto all = command == "read" ? imports::load(db) : imports::write(db);
    const auto text = imports::to_json(all).dump(2);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stitch-rails-imports: %s\n", e.what());
    return 1;
  }
}
