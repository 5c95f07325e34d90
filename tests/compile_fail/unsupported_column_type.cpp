// expect: \[stitch\] a member of a Columns aggregate has a type stitch cannot store
// Checks: a Columns member of a type no column can hold.
#include "models.hpp"

#include <list>

struct PlaylistColumns {
  std::string title;
#ifdef STITCH_COMPILE_FAIL_CONTROL
  std::string track_ids;
#else
  std::list<int> track_ids;  // no column type holds a list
#endif
};
struct Playlist : stitch::model<Playlist, PlaylistColumns> {};

Playlist make() { return Playlist{}; }
