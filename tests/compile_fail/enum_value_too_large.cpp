// expect: \[stitch\] stitch::enum_traits<E>::values holds a value above the largest 64-bit signed
// SQL integer Checks: an unsigned 64-bit enum value that no SQL integer holds.
#include "models.hpp"

enum class Mask : std::uint64_t { none = 0, top = std::uint64_t{1} << 63, high = 1 << 30 };
template <>
struct stitch::enum_traits<Mask> {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  static constexpr stitch::enum_value<Mask> values[] = {{Mask::none, "none"},
                                                        { Mask::high,
                                                          "high" }};
#else
  static constexpr stitch::enum_value<Mask> values[] = {{Mask::none, "none"}, {Mask::top, "top"}};
#endif
};

struct FilterColumns {
  Mask mask = Mask::none;
};
struct Filter : stitch::model<Filter, FilterColumns> {};

Filter make() { return Filter{}; }
