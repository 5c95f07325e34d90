// expect: \[stitch\] a polymorphic association needs a <name>_type column
// Checks: has_many as<"noteable"> whose target has noteable_id but no noteable_type.
#include "association_models.hpp"

struct NoteColumns {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  std::optional<std::string> noteable_type;
#endif
  std::optional<std::int64_t> noteable_id;
  std::string body;
};
struct Chart;
struct Note : stitch::model<Note, NoteColumns> {
  stitch::belongs_to<stitch::polymorphic<Chart>> noteable;
  using associations = stitch::associations<&Note::noteable>;
};

struct ChartColumns {
  std::string title;
};
struct Chart : stitch::model<Chart, ChartColumns> {
  stitch::has_many<Note, stitch::as<"noteable">> notes;
  using associations = stitch::associations<&Chart::notes>;
};

std::size_t load(stitch::database& db) {
  return db.all<Chart>().includes(&Chart::notes).to_vector().size();
}
