// expect: \[stitch\] a class listed in stitch::hierarchy<Root> has a parent that is not listed
// Checks: a hierarchy declaration skipping a class between the root and a leaf.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
using tables = data_source_tables;
#else
using tables = stitch::single_table<DataSource, CompressedCsvFile>;  // no CsvFile
#endif
template <>
struct stitch::hierarchy<DataSource> : tables {};

std::string sql(const stitch::dialect& d) { return stitch::query<DataSource>{}.to_sql(d); }
