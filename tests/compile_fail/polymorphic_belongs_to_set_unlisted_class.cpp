// expect: \[stitch\] this belongs_to does not accept objects of this class
// Checks: a polymorphic belongs_to's set() given a class its stitch::polymorphic does not list.
#include "association_models.hpp"

// Comment::commentable is belongs_to<stitch::polymorphic<DataSource, Field>>.
void attach(Comment& comment, const std::shared_ptr<CsvFile>& file,
            const std::shared_ptr<Tag>& tag) {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  (void)tag;
  comment.commentable.set(file);  // a class below DataSource
#else
  (void)file;
  comment.commentable.set(tag);
#endif
}
