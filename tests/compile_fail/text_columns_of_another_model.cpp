// expect: \[stitch\] the text_columns of a model list a member that is not of the model's own
// Columns aggregate Checks: text_columns naming another model's member.
#include "models.hpp"

struct TagColumns {
  std::string label;
};
struct Tag : stitch::model<Tag, TagColumns> {};
struct NoteColumns {
  std::string body;
};
struct Note : stitch::model<Note, NoteColumns> {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  using text_columns = stitch::text_columns<&NoteColumns::body>;
#else
  using text_columns = stitch::text_columns<&TagColumns::label>;
#endif
};

std::vector<std::string> ddl() { return stitch::schema_sql<Note>(stitch::sqlite_dialect{}); }
