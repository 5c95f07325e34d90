// socrata-replay: the replay server in the foreground, to try the classifier's Socrata source
// without a network.
//   socrata-replay [--port N] [--csv ID NAME FILE]... RECORDINGS_DIR
#include <signal.h>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "replay_server.hpp"

namespace {

struct csv_dataset {
  std::string id;
  std::string name;
  std::string file;
};

constexpr const char* help =
    "usage: socrata-replay [--port N] [--csv ID NAME FILE]... RECORDINGS_DIR\n"
    "Answers like a Socrata portal on 127.0.0.1 until SIGINT or SIGTERM.\n"
    "  RECORDINGS_DIR      holds views_ID.json (and exchanges_ID.json) for each dataset\n"
    "  --port N            listen on port N (default: a free port)\n"
    "  --csv ID NAME FILE  also serve the CSV file FILE as dataset ID, named NAME\n";

int usage(std::string_view why) {
  std::cerr << "socrata-replay: " << why << "\n" << help;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  std::vector<csv_dataset> csvs;
  std::string recordings;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::cout << help;
      return 0;
    }
    if (args[i] == "--port") {
      if (i + 1 >= args.size()) return usage("--port needs a number");
      char* end = nullptr;
      const long n = std::strtol(args[i + 1].c_str(), &end, 10);
      if (*end != '\0' || n < 1 || n > 65535) return usage("not a port: " + args[i + 1]);
      port = static_cast<int>(n);
      i += 1;
    } else if (args[i] == "--csv") {
      if (i + 3 >= args.size()) return usage("--csv needs an id, a name and a file");
      csvs.push_back({args[i + 1], args[i + 2], args[i + 3]});
      i += 3;
    } else if (args[i].starts_with("-")) {
      return usage("unknown option " + args[i]);
    } else if (!recordings.empty()) {
      return usage("one recordings directory only");
    } else {
      recordings = args[i];
    }
  }
  if (recordings.empty()) return usage("no recordings directory");

  // The server's threads inherit this mask, so SIGINT and SIGTERM reach only sigwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    classifier::replay::server server(recordings, port);
    for (const auto& csv : csvs) server.serve_csv(csv.id, csv.name, csv.file);
    std::cout << "serving on " << server.base_url() << "\n";
    for (const auto& id : server.datasets())
      std::cout << "  " << id << "  " << server.base_url() << "/resource/" << id << ".json\n";
    std::cout << std::flush;
    int received = 0;
    sigwait(&stop_signals, &received);
    std::cout << "stopping\n";
  } catch (const std::exception& e) {
    std::cerr << "socrata-replay: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
