// stitch-graph: a Rails application's database (the classifier's schema) through stitch.
//   stitch-graph dump DB         prints the object graph as JSON, in the shape of
//                                ../shared/bench/activerecord/graph.rb
//   stitch-graph copy SRC DST    copies every object of SRC into DST through stitch (ids,
//                                timestamps and all), creating DST's tables where it has none
// DB, SRC and DST are SQLite files or postgresql:// URIs.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "graph.hpp"

namespace {

constexpr std::string_view usage =
    "usage: stitch-graph dump DB | copy SRC DST\n"
    "  dump DB        print the object graph of DB as JSON\n"
    "  copy SRC DST   copy every object of SRC into DST, keeping ids and timestamps; DST gets\n"
    "                 the tables where it has none (an SQLite file is created)\n"
    "DB, SRC and DST are SQLite files or postgresql:// URIs.\n";

int fail(std::string_view message) {
  std::fprintf(stderr, "stitch-graph: %.*s\n", static_cast<int>(message.size()), message.data());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view command = argc > 1 ? argv[1] : "";
  if (command == "--help" || command == "-h") {
    std::fputs(usage.data(), stdout);
    return 0;
  }
  try {
    if (command == "dump" && argc == 3) {
      auto db = rails::open_database(argv[2], /*read_only=*/true);
      const auto text = rails::object_graph(db).dump(2);
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fputc('\n', stdout);
      return 0;
    }
    if (command == "copy" && argc == 4) {
      auto from = rails::open_database(argv[2], /*read_only=*/true);
      auto to = rails::open_database(argv[3], /*read_only=*/false);
      const auto copied = rails::copy_objects(from, to);
      std::fprintf(stderr, "stitch-graph: copied %zu objects\n", copied);
      return 0;
    }
    std::fputs(usage.data(), stderr);
    return 2;
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
