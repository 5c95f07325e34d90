// expect: \[stitch\] every class listed in stitch::single_table<\.\.\.> must be a model
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
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {};

#ifdef STITCH_COMPILE_FAIL_CONTROL
template <>
struct stitch::hierarchy<DataSource> : stitch::single_table<DataSource, CsvFile> {};
#else
template <>  // the Columns aggregate listed instead of the class
struct stitch::hierarchy<DataSource> : stitch::single_table<DataSource, CsvFileColumns> {};
#endif

std::string sql(const stitch::dialect& d) { return stitch::query<DataSource>{}.to_sql(d); }
