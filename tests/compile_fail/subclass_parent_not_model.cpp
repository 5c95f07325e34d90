// expect: \[stitch\] the Parent of stitch::subclass<Self, Parent, Columns> must be a stitch::model
// Checks: a stitch::subclass naming a Columns aggregate as its Parent.
#include "models.hpp"

struct ExcelFileColumns {
  std::string sheet;
};
#ifdef STITCH_COMPILE_FAIL_CONTROL
struct ExcelFile : stitch::subclass<ExcelFile, DataSource, ExcelFileColumns> {};
#else
struct ExcelFile : stitch::subclass<ExcelFile, DataSourceColumns, ExcelFileColumns> {};
#endif

ExcelFile make() { return ExcelFile{}; }
