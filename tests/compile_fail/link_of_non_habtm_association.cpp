// expect: \[stitch\] db\.link and db\.unlink take a has_and_belongs_to_many
// Checks: db.link given a has_many instead of a has_and_belongs_to_many.
#include "association_models.hpp"

void connect(stitch::database& db, DataSource& source, const Tag& tag, const Field& field) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  (void)field;
  db.link(source, &DataSource::tags, tag);
#else
  (void)tag;
  db.link(source, &DataSource::fields, field);  // fields has its key in Field: save the field
#endif
}
