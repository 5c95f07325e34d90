// expect: \[stitch\] the value does not convert to the column's member type
// Checks: comparing a number column with text.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
auto condition = stitch::col<&Book::pages> == 300;
#else
auto condition = stitch::col<&Book::pages> == "300";
#endif
