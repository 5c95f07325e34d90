// expect: \[stitch\] std::nullopt compares only with a std::optional column
// Checks: comparing a column that is not a std::optional with std::nullopt.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
auto condition = stitch::col<&Book::subtitle> == std::nullopt;
#else
auto condition = stitch::col<&Book::title> == std::nullopt;
#endif
