// expect: \[stitch\] a member of a Columns aggregate has a type stitch cannot store
#include <stitch/stitch.hpp>

#include <cstdint>
#include <list>
#include <string>

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
