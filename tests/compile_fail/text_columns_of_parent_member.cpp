// expect: \[stitch\] the text_columns of a model list a member that is not of the model's own
// Columns aggregate Checks: a subclass listing its parent's member in text_columns (the parent's
// table column is the parent's to declare).
#include "models.hpp"

struct NoteColumns {
  std::string title;
};
struct LongNoteColumns {
  std::optional<std::string> appendix;
};
struct Note : stitch::model<Note, NoteColumns> {};
struct LongNote : stitch::subclass<LongNote, Note, LongNoteColumns> {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  using text_columns = stitch::text_columns<&LongNoteColumns::appendix>;
#else
  using text_columns = stitch::text_columns<&NoteColumns::title>;
#endif
};
template <>
struct stitch::hierarchy<Note> : stitch::single_table<Note, LongNote> {};

std::vector<std::string> ddl() { return stitch::schema_sql<Note>(stitch::sqlite_dialect{}); }
