// expect: \[stitch\] dependent::nullify on an as<> .* std::optional `<name>_type` column too
// Checks: db.destroy of an owner whose as<> has_many is dependent::nullify over an optional key
// but a plain std::string type column.
#include "association_models.hpp"

struct NoteColumns {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  std::optional<std::string> noteable_type;
#else
  std::string noteable_type;  // cannot be set to NULL
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
  stitch::has_many<Note, stitch::as<"noteable">, stitch::dependent::nullify> notes;
  using associations = stitch::associations<&Chart::notes>;
};

bool remove(stitch::database& db, Chart& chart) { return db.destroy(chart); }
