// expect: \[stitch\] a value bound to an SQL fragment must be text, a number
// Checks: binding a struct to a stitch::sql fragment.
#include "models.hpp"

struct Point {
  int x;
  int y;
};

#ifdef STITCH_COMPILE_FAIL_CONTROL
auto condition = stitch::sql("x = ? AND y = ?", 1, 2);
#else
auto condition = stitch::sql("x = ?", Point{1, 2});
#endif
