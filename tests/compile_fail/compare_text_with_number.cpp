// expect: \[stitch\] the value does not convert to the column's member type
// Checks: comparing a text column with a number.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
auto condition = stitch::col<&Book::title> == "5";
#else
auto condition = stitch::col<&Book::title> == 5;
#endif
