// expect: \[stitch\] this class is not listed in the stitch::hierarchy declaration of its root
#include <stitch/stitch.hpp>

#include <cstdint>
#include <string>

struct DataSourceColumns {
  std::string name;
};
struct CsvFileColumns {
  std::string path;
};
struct SocrataColumns {
  std::string domain;
};
struct DataSource : stitch::model<DataSource, DataSourceColumns> {};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {};
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {};

#ifdef STITCH_COMPILE_FAIL_CONTROL
template <>
struct stitch::hierarchy<DataSource> : stitch::single_table<DataSource, CsvFile, Socrata> {};
#else
template <>
struct stitch::hierarchy<DataSource> : stitch::single_table<DataSource, CsvFile> {};
#endif

std::string sql(const stitch::dialect& d) { return stitch::query<Socrata>{}.to_sql(d); }
