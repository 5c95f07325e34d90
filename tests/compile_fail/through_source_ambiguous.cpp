// expect: \[stitch\] a through association's source could not be chosen
// Checks: a through association whose intermediate model has two associations to the target.
#include "association_models.hpp"

struct Pipeline;
struct TransferColumns {
  std::int64_t pipeline_id = 0;
  std::int64_t from_field_id = 0;
  std::int64_t to_field_id = 0;
};
struct Transfer : stitch::model<Transfer, TransferColumns> {
  stitch::belongs_to<Pipeline> pipeline;
  stitch::belongs_to<Field> from_field;
  stitch::belongs_to<Field> to_field;
  using associations =
      stitch::associations<&Transfer::pipeline, &Transfer::from_field, &Transfer::to_field>;
};
struct PipelineColumns {
  std::string name;
};
struct Pipeline : stitch::model<Pipeline, PipelineColumns> {
  stitch::has_many<Transfer> transfers;
#ifdef STITCH_COMPILE_FAIL_CONTROL
  stitch::has_many<Field, stitch::through<&Pipeline::transfers>,
                   stitch::source<&Transfer::from_field>>
      fields;
#else
  stitch::has_many<Field, stitch::through<&Pipeline::transfers>> fields;  // from or to?
#endif
  using associations = stitch::associations<&Pipeline::transfers, &Pipeline::fields>;
};

std::size_t load(stitch::database& db) {
  return db.all<Pipeline>().includes(&Pipeline::fields).to_vector().size();
}
