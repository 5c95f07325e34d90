// expect: \[stitch\] stitch::col<\.\.\.> takes a pointer to a column member
// Checks: stitch::col<> given a member function instead of a column member.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
auto condition = stitch::col<&Book::title> == "Dune";
#else
auto condition = stitch::col<&Book::summary> == "Dune";
#endif
