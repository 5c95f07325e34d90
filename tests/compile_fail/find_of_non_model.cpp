// expect: \[stitch\] this type is not a stitch model
// Checks: database::find of a Columns aggregate instead of its model.
#include "models.hpp"

void load(stitch::database& db) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  (void)db.find<Book>(1);
#else
  (void)db.find<BookColumns>(1);  // the Columns, not the model
#endif
}
