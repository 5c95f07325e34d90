// expect: \[stitch\] a through association is read-only
// Checks: has_many::build() on a has_many through.
#include "association_models.hpp"

UniqueValue& new_value(DataSource& source) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  return source.fields.build().unique_values.build();  // on the association it goes through
#else
  return source.unique_values.build();
#endif
}
