// expect: \[stitch\] this class derives from a model without naming itself
// Checks: a class deriving from a model by plain C++ inheritance, not stitch::subclass.
#include "models.hpp"

struct ExcelFileColumns {
  std::string sheet;
};
#ifdef STITCH_COMPILE_FAIL_CONTROL
struct ExcelFile : stitch::subclass<ExcelFile, DataSource, ExcelFileColumns> {};
template <>
struct stitch::hierarchy<DataSource>
    : stitch::single_table<DataSource, CsvFile, CompressedCsvFile, ExcelFile> {};
#else
struct ExcelFile : DataSource, ExcelFileColumns {};  // plain C++ inheritance
#endif

std::string sql(const stitch::dialect& d) { return stitch::query<ExcelFile>{}.to_sql(d); }
