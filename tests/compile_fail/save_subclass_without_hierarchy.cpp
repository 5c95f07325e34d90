// expect: \[stitch\] a stitch::subclass needs a hierarchy declaration for its root
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
#endif

void store(stitch::database& db, CsvFile& file) { db.save(file); }
