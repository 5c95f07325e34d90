#pragma once
// Valid declarations shared by the compile-fail tests. Each test includes this file and adds
// its misuse, with the correct alternative under STITCH_COMPILE_FAIL_CONTROL.

#include <stitch/stitch.hpp>

#include <cstdint>
#include <optional>
#include <string>

// Plain models.
struct BookColumns {
  std::string title;
  std::optional<std::string> subtitle;
  std::int32_t pages = 0;
  bool signed_copy = false;
};
struct Book : stitch::model<Book, BookColumns> {
  std::string summary() const { return title; }  // a member function, not a column
};

struct AuthorColumns {
  std::string name;
};
struct Author : stitch::model<Author, AuthorColumns> {};

// DataSource > CsvFile > CompressedCsvFile. No stitch::hierarchy is declared here: each test
// declares its own, right or wrong, or leaves it out.
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

// The right layout for DataSource: a control variant declares
//   template <> struct stitch::hierarchy<DataSource> : data_source_tables {};
using data_source_tables = stitch::single_table<DataSource, CsvFile, CompressedCsvFile>;
