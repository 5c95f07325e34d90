// expect: \[stitch\] a stitch::subclass needs a hierarchy declaration for its root
// Checks: saving a subclass whose root has no hierarchy declaration.
#include "models.hpp"

#ifdef STITCH_COMPILE_FAIL_CONTROL
template <>
struct stitch::hierarchy<DataSource> : data_source_tables {};
#endif

void store(stitch::database& db, CsvFile& file) { db.save(file); }
