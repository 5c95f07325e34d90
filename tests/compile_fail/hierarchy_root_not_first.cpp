// expect: \[stitch\] the first class of stitch::single_table<\.\.\.> must be the root
// Checks: a hierarchy declaration whose first class is not the root.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
using tables = data_source_tables;
#else
using tables = stitch::single_table<CsvFile, DataSource, CompressedCsvFile>;  // root second
#endif
template <>
struct stitch::hierarchy<DataSource> : tables {};

std::string sql(const stitch::dialect& d) { return stitch::query<DataSource>{}.to_sql(d); }
