// expect: \[stitch\] an association's foreign-key column must be an integer
// Checks: a belongs_to whose foreign-key column is a std::string.
#include "association_models.hpp"

struct ReportColumns {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  std::int64_t data_source_id = 0;
#else
  std::string data_source_id;
#endif
  std::string title;
};
struct Report : stitch::model<Report, ReportColumns> {
  stitch::belongs_to<DataSource> data_source;
  using associations = stitch::associations<&Report::data_source>;
};

std::size_t load(stitch::database& db) {
  return db.all<Report>().includes(&Report::data_source).to_vector().size();
}
