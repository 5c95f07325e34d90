// expect: \[stitch\] this class is not listed in the stitch::hierarchy declaration of its root
// Checks: querying a subclass that the hierarchy declaration of its root leaves out.
#include "models.hpp"

struct SocrataColumns {
  std::string domain;
};
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {};

#ifdef STITCH_COMPILE_FAIL_CONTROL
using tables = stitch::single_table<DataSource, CsvFile, CompressedCsvFile, Socrata>;
#else
using tables = data_source_tables;  // without Socrata
#endif
template <>
struct stitch::hierarchy<DataSource> : tables {};

std::string sql(const stitch::dialect& d) { return stitch::query<Socrata>{}.to_sql(d); }
