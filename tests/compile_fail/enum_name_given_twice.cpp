// expect: \[stitch\] stitch::enum_traits<E>::values gives two values the same name
// Checks: an enum declaration that names two values alike.
#include "models.hpp"

enum class Stage { queued = 0, done = 1 };
template <>
struct stitch::enum_traits<Stage> {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  static constexpr stitch::enum_value<Stage> values[] = {{Stage::queued, "queued"},
                                                         { Stage::done,
                                                           "done" }};
#else
  static constexpr stitch::enum_value<Stage> values[] = {{Stage::queued, "queued"},
                                                         {Stage::done, "queued"}};
#endif
};

#include "enum_job.hpp"
