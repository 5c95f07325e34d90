// expect: \[stitch\] a class is listed twice in stitch::hierarchy<Root>
// Checks: a hierarchy declaration listing the same class twice.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
using tables = data_source_tables;
#else
using tables = stitch::single_table<DataSource, CsvFile, CompressedCsvFile, CsvFile>;  // twice
#endif
template <>
struct stitch::hierarchy<DataSource> : tables {};

std::string sql(const stitch::dialect& d) { return stitch::query<DataSource>{}.to_sql(d); }
