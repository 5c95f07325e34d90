// expect: \[stitch\] this belongs_to does not accept objects of this class
// Checks: belongs_to<CsvFile>::set given an object of a class unrelated to CsvFile.
#include "association_models.hpp"

void point(Import& import, const CsvFile& file, const Field& field) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  (void)field;
  import.csv_file.set(file);
#else
  (void)file;
  import.csv_file.set(field);
#endif
}
