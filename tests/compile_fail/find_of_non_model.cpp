// expect: \[stitch\] this type is not a stitch model
#include <stitch/stitch.hpp>

#include <cstdint>
#include <string>

struct BookColumns {
  std::string title;
};
struct Book : stitch::model<Book, BookColumns> {};

void load(stitch::database& db) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  (void)db.find<Book>(1);
#else
  (void)db.find<BookColumns>(1);  // the Columns, not the model
#endif
}
