// expect: \[stitch\] a Columns aggregate may not declare .id. or .type.
// Checks: a Columns aggregate declaring `id`, which stitch::record already holds.
#include "models.hpp"

struct UserColumns {
#ifndef STITCH_COMPILE_FAIL_CONTROL
  std::int64_t id = 0;  // stitch::record holds the primary key
#endif
  std::string email;
};
struct User : stitch::model<User, UserColumns> {};

User make() { return User{}; }
