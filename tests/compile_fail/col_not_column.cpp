// expect: \[stitch\] stitch::col<&X::m> needs a member of a Columns aggregate
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

// A class that is not an aggregate: its members are not columns.
class Shelf {
 public:
  std::string label;
  Shelf() = default;
};

auto condition() {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  return stitch::col<&Book::title> == "kitchen";
#else
  return stitch::col<&Shelf::label> == "kitchen";
#endif
}
