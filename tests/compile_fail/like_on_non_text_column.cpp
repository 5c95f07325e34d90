// expect: \[stitch\] like\(\) applies to text columns
// Checks: like() on a number column.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
auto condition = stitch::col<&Book::title>.like("3%");
#else
auto condition = stitch::col<&Book::pages>.like("3%");
#endif
