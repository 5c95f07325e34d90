// expect: \[stitch\] a class's `using associations = .*` may list only members the class declares
// Checks: a subclass whose associations list also names a member its parent declares.
#include "association_models.hpp"

struct Sheet;
struct Review;
struct CellColumns {
  std::int64_t sheet_id = 0;  // Sheet::cells
  std::string value;
};
struct ReviewColumns {
  std::int64_t shared_sheet_id = 0;  // SharedSheet::reviews, declared in SharedSheet
  std::string text;
};
struct SheetColumns {
  std::string title;
};
struct SharedSheetColumns {
  std::string owner;
};
struct Cell : stitch::model<Cell, CellColumns> {};
struct Review : stitch::model<Review, ReviewColumns> {};

// Sheet > SharedSheet, single table.
struct Sheet : stitch::model<Sheet, SheetColumns> {
  stitch::has_many<Cell> cells;
  using associations = stitch::associations<&Sheet::cells>;
};
struct SharedSheet : stitch::subclass<SharedSheet, Sheet, SharedSheetColumns> {
  stitch::has_many<Review> reviews;
#ifdef STITCH_COMPILE_FAIL_CONTROL
  using associations = stitch::associations<&SharedSheet::reviews>;  // cells is inherited
#else
  using associations = stitch::associations<&Sheet::cells, &SharedSheet::reviews>;
#endif
};
template <>
struct stitch::hierarchy<Sheet> : stitch::single_table<Sheet, SharedSheet> {};

std::size_t save_and_count(stitch::database& db, SharedSheet& sheet) {
  db.save(sheet);
  return sheet.reviews.size() + sheet.cells.size();
}
