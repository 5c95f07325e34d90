// expect: \[stitch\] a Columns aggregate may not declare .id. or .type.
#include <stitch/stitch.hpp>

#include <cstdint>
#include <string>

struct UserColumns {
#ifndef STITCH_COMPILE_FAIL_CONTROL
  std::int64_t id = 0;  // stitch::record holds the primary key
#endif
  std::string email;
};
struct User : stitch::model<User, UserColumns> {};

User make() { return User{}; }
