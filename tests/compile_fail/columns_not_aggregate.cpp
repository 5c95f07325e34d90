// expect: \[stitch\] a Columns type must be a plain aggregate
// Checks: a Columns type with a constructor, which makes it no aggregate.
#include "models.hpp"

struct TagColumns {
#ifndef STITCH_COMPILE_FAIL_CONTROL
  TagColumns() : label("untitled") {}  // a constructor: no longer an aggregate
#endif
  std::string label = "untitled";
};
struct Tag : stitch::model<Tag, TagColumns> {};

Tag make() { return Tag{}; }
