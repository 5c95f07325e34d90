// expect: \[stitch\] a Columns member is an enum that stitch does not know
// Checks: an enum member without a stitch::enum_traits declaration of its values.
#include "models.hpp"

enum class Stage { queued, done };
#ifdef STITCH_COMPILE_FAIL_CONTROL
template <>
struct stitch::enum_traits<Stage> {
  static constexpr stitch::enum_value<Stage> values[] = {{Stage::queued, "queued"},
                                                         {Stage::done, "done"}};
};
#endif

#include "enum_job.hpp"
