// expect: \[stitch\] stitch::enum_traits<E>::values gives a value an empty name
// Checks: an enum declaration with an empty name.
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
                                                         {Stage::done, ""}};
#endif
};

#include "enum_job.hpp"
