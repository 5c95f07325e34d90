// expect: \[stitch\] stitch::enum_traits<E>::values lists one value twice
// Checks: an enum declaration that gives one value two names.
#include "models.hpp"

enum class Stage { queued = 0, done = 1, finished = 2 };
template <>
struct stitch::enum_traits<Stage> {
  static constexpr stitch::enum_value<Stage> values[] = {{Stage::queued, "queued"},
                                                         {Stage::done, "done"},
#ifdef STITCH_COMPILE_FAIL_CONTROL
                                                         { Stage::finished,
                                                           "finished" }};
#else
                                                          {Stage::done, "finished"}};
#endif
};

#include "enum_job.hpp"
