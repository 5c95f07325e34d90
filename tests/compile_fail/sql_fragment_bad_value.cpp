// expect: \[stitch\] a value bound to an SQL fragment must be text, a number
#include <stitch/stitch.hpp>

#include <cstdint>
#include <string>

struct Point {
  int x;
  int y;
};

auto condition() {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  return stitch::sql("x = ? AND y = ?", 1, 2);
#else
  return stitch::sql("x = ?", Point{1, 2});
#endif
}
