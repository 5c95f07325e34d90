// expect: \[stitch\] this type is not a stitch model
// Checks: stitch::query of a Columns aggregate instead of its model.
#include "models.hpp"

std::string sql(const stitch::dialect& d) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  return stitch::query<Book>{}.to_sql(d);
#else
  return stitch::query<BookColumns>{}.to_sql(d);  // the Columns, not the model
#endif
}
