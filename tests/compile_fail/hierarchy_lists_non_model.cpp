// expect: \[stitch\] every class listed in stitch::single_table<\.\.\.> must be a model
// Checks: a hierarchy declaration listing a Columns aggregate instead of its class.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
using tables = data_source_tables;
#else
using tables = stitch::single_table<DataSource, CsvFile, CompressedCsvFileColumns>;  // not a class
#endif
template <>
struct stitch::hierarchy<DataSource> : tables {};

std::string sql(const stitch::dialect& d) { return stitch::query<DataSource>{}.to_sql(d); }
