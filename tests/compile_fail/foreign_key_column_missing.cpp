// expect: \[stitch\] an association's foreign-key column was not found
// Checks: a belongs_to whose <association>_id column is not in the owner's Columns.
#include "association_models.hpp"

struct ReportColumns {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  std::int64_t source_id = 0;
#else
  std::int64_t data_source_id = 0;  // belongs_to `source` looks for source_id
#endif
  std::string title;
};
struct Report : stitch::model<Report, ReportColumns> {
  stitch::belongs_to<DataSource> source;
  using associations = stitch::associations<&Report::source>;
};

std::size_t load(stitch::database& db) {
  return db.all<Report>().includes(&Report::source).to_vector().size();
}
