// expect: \[stitch\] stitch::col<&X::m> needs a member of a Columns aggregate
// Checks: stitch::col<> naming a member of a class that is not a Columns aggregate.
#include "models.hpp"

// Not an aggregate: its members are not columns.
class Shelf {
 public:
  std::string label;
  Shelf() = default;
};

#ifdef STITCH_COMPILE_FAIL_CONTROL
auto condition = stitch::col<&Book::title> == "kitchen";
#else
auto condition = stitch::col<&Shelf::label> == "kitchen";
#endif
