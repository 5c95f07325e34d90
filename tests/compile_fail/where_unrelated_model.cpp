// expect: \[stitch\] this condition or ordering names a column of a class that the query.s model
// Checks: filtering a query on a column of an unrelated model.
#include "models.hpp"

std::string sql(const stitch::dialect& d) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  return stitch::query<Book>{}.where(stitch::col<&Book::title> == "Dune").to_sql(d);
#else
  return stitch::query<Book>{}.where(stitch::col<&Author::name> == "Herbert").to_sql(d);
#endif
}
