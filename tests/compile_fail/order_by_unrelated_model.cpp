// expect: \[stitch\] this condition or ordering names a column of a class that the query.s model
#include <stitch/stitch.hpp>

#include <cstdint>
#include <string>

struct BookColumns {
  std::string title;
  std::int32_t pages = 0;
  bool signed_copy = false;
};
struct Book : stitch::model<Book, BookColumns> {
  std::string summary() const { return title; }
};

struct AuthorColumns {
  std::string name;
};
struct Author : stitch::model<Author, AuthorColumns> {};

std::string sql(const stitch::dialect& d) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  return stitch::query<Book>{}.order_by(stitch::col<&Book::title>.desc()).to_sql(d);
#else
  return stitch::query<Book>{}.order_by(stitch::col<&Author::name>.desc()).to_sql(d);
#endif
}
