// expect: \[stitch\] a stitch::subclass needs a hierarchy declaration for its root
// Checks: querying a subclass whose root has no hierarchy declaration.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
template <>
struct stitch::hierarchy<DataSource> : data_source_tables {};
#endif

std::string sql(const stitch::dialect& d) { return stitch::query<CsvFile>{}.to_sql(d); }
