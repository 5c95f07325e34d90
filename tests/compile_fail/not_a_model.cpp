// expect: \[stitch\] this type is not a stitch model
#include <stitch/stitch.hpp>

#include <cstdint>
#include <string>

struct BookColumns {
  std::string title;
};
struct Book : stitch::model<Book, BookColumns> {};

std::string sql(const stitch::dialect& d) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  return stitch::query<Book>{}.to_sql(d);
#else
  return stitch::query<BookColumns>{}.to_sql(d);  // the Columns, not the model
#endif
}
