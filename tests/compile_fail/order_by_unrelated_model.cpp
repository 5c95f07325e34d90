// expect: \[stitch\] this condition or ordering names a column of a class that the query.s model
// Checks: ordering a query by a column of an unrelated model.
#include "models.hpp"

std::string sql(const stitch::dialect& d) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  return stitch::query<Book>{}.order_by(stitch::col<&Book::title>.desc()).to_sql(d);
#else
  return stitch::query<Book>{}.order_by(stitch::col<&Author::name>.desc()).to_sql(d);
#endif
}
