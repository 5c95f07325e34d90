// expect: \[stitch\] query_value<V> reads a column type
// Checks: query_value of a type no column can hold.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
double average_pages(stitch::database& db) {
  return db.query_value<double>("SELECT AVG(pages) FROM books");
}
#else
float average_pages(stitch::database& db) {
  return db.query_value<float>("SELECT AVG(pages) FROM books");
}
#endif
