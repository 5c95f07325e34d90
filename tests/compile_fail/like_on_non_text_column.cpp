// expect: \[stitch\] like\(\) applies to text columns
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
  return stitch::col<&Book::title>.like("3%");
#else
  return stitch::col<&Book::pages>.like("3%");
#endif
}
