// expect: \[stitch\] this class derives from a model without naming itself
#include <stitch/stitch.hpp>

#include <cstdint>
#include <string>

struct DataSourceColumns {
  std::string name;
};
struct CsvFileColumns {
  std::string path;
};
struct DataSource : stitch::model<DataSource, DataSourceColumns> {};
#ifdef STITCH_COMPILE_FAIL_CONTROL
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {};
template <>
struct stitch::hierarchy<DataSource> : stitch::single_table<DataSource, CsvFile> {};
#else
struct CsvFile : DataSource, CsvFileColumns {};  // plain C++ inheritance
#endif

std::string sql(const stitch::dialect& d) { return stitch::query<CsvFile>{}.to_sql(d); }
