// expect: \[stitch\] stitch::text_columns<...> lists pointers to members of a Columns aggregate of
// type std::string Checks: text_columns naming a member that is not text.
#include "models.hpp"

struct NoteColumns {
  std::string title;
  std::int32_t pages = 0;
};
struct Note : stitch::model<Note, NoteColumns> {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  using text_columns = stitch::text_columns<&NoteColumns::title>;
#else
  using text_columns = stitch::text_columns<&NoteColumns::pages>;
#endif
};

std::vector<std::string> ddl() { return stitch::schema_sql<Note>(stitch::sqlite_dialect{}); }
