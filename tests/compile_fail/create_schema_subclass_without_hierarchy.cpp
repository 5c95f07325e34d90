// expect: \[stitch\] a stitch::subclass needs a hierarchy declaration for its root
// Checks: create_schema of a subclass whose root has no hierarchy declaration.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
template <>
struct stitch::hierarchy<DataSource> : data_source_tables {};
#endif

// Without the declaration, the table would silently lack CsvFile's columns.
void create(stitch::database& db) { db.create_schema<CsvFile>(); }
