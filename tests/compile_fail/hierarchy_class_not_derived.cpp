// expect: \[stitch\] a class listed in stitch::hierarchy<Root> does not derive from Root
#include <stitch/stitch.hpp>

#include <cstdint>
#include <string>

struct DataSourceColumns {
  std::string name;
};
struct CsvFileColumns {
  std::string path;
};
struct CompressedCsvFileColumns {
  std::string compression;
};
struct DataSource : stitch::model<DataSource, DataSourceColumns> {};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {};
struct CompressedCsvFile : stitch::subclass<CompressedCsvFile, CsvFile, CompressedCsvFileColumns> {
};

struct TagColumns {
  std::string label;
};
struct Tag : stitch::model<Tag, TagColumns> {};

#ifdef STITCH_COMPILE_FAIL_CONTROL
template <>
struct stitch::hierarchy<DataSource>
    : stitch::single_table<DataSource, CsvFile, CompressedCsvFile> {};
#else
template <>
struct stitch::hierarchy<DataSource>
    : stitch::single_table<DataSource, CsvFile, CompressedCsvFile, Tag> {};
#endif

std::string sql(const stitch::dialect& d) { return stitch::query<DataSource>{}.to_sql(d); }
