// expect: \[stitch\] the value does not convert to the column's member type
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

auto condition() {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  return stitch::col<&Book::pages> == 300;
#else
  return stitch::col<&Book::pages> == "300";
#endif
}
