// expect: \[stitch\] a stitch::subclass needs a hierarchy declaration for its root
// Checks: schema_sql of a subclass whose root has no hierarchy declaration.
#include "models.hpp"

#include <vector>

#ifdef STITCH_COMPILE_FAIL_CONTROL
template <>
struct stitch::hierarchy<DataSource> : data_source_tables {};
#endif

std::vector<std::string> ddl(const stitch::dialect& d) { return stitch::schema_sql<CsvFile>(d); }
