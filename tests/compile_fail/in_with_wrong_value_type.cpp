// expect: \[stitch\] the value does not convert to the column's member type
// Checks: in() on a text column given a list of numbers.
#include "models.hpp"

#include <vector>

#ifdef STITCH_COMPILE_FAIL_CONTROL
auto condition = stitch::col<&Book::title>.in(std::vector<std::string>{"Dune", "Emma"});
#else
auto condition = stitch::col<&Book::title>.in(std::vector<int>{1, 2});
#endif
