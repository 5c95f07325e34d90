// stitch-graph: a Rails application's database (the classifier's schema) through stitch.
//   stitch-graph dump DB   prints the object graph as JSON, in the shape of
//                          ../shared/bench/activerecord/graph.rb
// DB is an SQLite file or a postgresql:// URI.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "graph.hpp"

namespace {

constexpr std::string_view usage =
    "usage: stitch-graph dump DB\n"
    "  dump DB   print the object graph of DB (an SQLite file or a postgresql:// URI) as JSON\n";

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
    std::fputs(usage.data(), stderr);
    return 2;
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
