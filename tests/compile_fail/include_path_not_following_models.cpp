// expect: \[stitch\] this include path does not follow the models
// Checks: includes() with a step that is not an association of the queried model.
#include "association_models.hpp"

std::size_t load(stitch::database& db) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  return db.all<DataSource>()
      .includes(&DataSource::fields, &Field::unique_values)
      .to_vector()
      .size();
#else
  return db.all<DataSource>().includes(&UniqueValue::field).to_vector().size();
#endif
}
