// expect: \[stitch\] std::nullopt compares only with a std::optional column
#include <stitch/stitch.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct BookColumns {
  std::string title;
  std::optional<std::string> subtitle;
};
struct Book : stitch::model<Book, BookColumns> {};

auto condition() {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  return stitch::col<&Book::subtitle> == std::nullopt;
#else
  return stitch::col<&Book::title> == std::nullopt;
#endif
}
