// expect: \[stitch\] a class listed in stitch::hierarchy<Root> does not derive from Root
// Checks: a hierarchy declaration listing a model that does not derive from the root.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
using tables = data_source_tables;
#else
using tables = stitch::single_table<DataSource, CsvFile, CompressedCsvFile, Author>;  // not derived
#endif
template <>
struct stitch::hierarchy<DataSource> : tables {};

std::string sql(const stitch::dialect& d) { return stitch::query<DataSource>{}.to_sql(d); }
