// stitch-classifier: brings emergency-call data from CSV files and Socrata portals to one
// vocabulary. See docs/classifier.md.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"

int main(int argc, char* argv[]) {
  const std::vector<std::string> args(argv, argv + argc);
  return classifier::run(args, std::cout, std::cerr, ::isatty(STDERR_FILENO) == 1);
}
