// expect: \[stitch\] a stitch::polymorphic list may name one class per hierarchy
// Checks: a polymorphic belongs_to whose list names a root and a class below it.
#include "association_models.hpp"

struct FlagColumns {
  std::optional<std::string> flaggable_type;
  std::optional<std::int64_t> flaggable_id;
  std::string reason;
};
struct Flag : stitch::model<Flag, FlagColumns> {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  stitch::belongs_to<stitch::polymorphic<DataSource, Field>> flaggable;
#else
  stitch::belongs_to<stitch::polymorphic<DataSource, CsvFile>> flaggable;  // one hierarchy
#endif
  using associations = stitch::associations<&Flag::flaggable>;
};

std::size_t load_and_save(stitch::database& db, Flag& flag) {
  db.save(flag);
  return db.all<Flag>().includes(&Flag::flaggable).to_vector().size();
}
