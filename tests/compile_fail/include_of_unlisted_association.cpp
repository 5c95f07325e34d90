// expect: \[stitch\] this association is not listed
// Checks: includes() of an association member left out of the class's stitch::associations.
#include "association_models.hpp"

struct ReviewColumns {
  std::int64_t data_source_id = 0;
  std::int64_t field_id = 0;
  std::string text;
};
struct Review : stitch::model<Review, ReviewColumns> {
  stitch::belongs_to<DataSource> data_source;
  stitch::belongs_to<Field> field;
#ifdef STITCH_COMPILE_FAIL_CONTROL
  using associations = stitch::associations<&Review::data_source, &Review::field>;
#else
  using associations = stitch::associations<&Review::data_source>;  // without field
#endif
};

std::size_t load(stitch::database& db) {
  return db.all<Review>().includes(&Review::field).to_vector().size();
}
