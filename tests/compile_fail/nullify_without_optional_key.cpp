// expect: \[stitch\] dependent::nullify needs a std::optional foreign key
// Checks: db.destroy of an owner whose has_many is dependent::nullify over a plain integer key.
#include "association_models.hpp"

struct Folder;
struct DocumentColumns {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  std::optional<std::int64_t> folder_id;
#else
  std::int64_t folder_id = 0;  // cannot be set to NULL
#endif
  std::string title;
};
struct Document : stitch::model<Document, DocumentColumns> {
  stitch::belongs_to<Folder> folder;
  using associations = stitch::associations<&Document::folder>;
};
struct FolderColumns {
  std::string name;
};
struct Folder : stitch::model<Folder, FolderColumns> {
  stitch::has_many<Document, stitch::dependent::nullify> documents;
  using associations = stitch::associations<&Folder::documents>;
};

bool remove(stitch::database& db, Folder& folder) { return db.destroy(folder); }
