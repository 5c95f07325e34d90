// expect: \[stitch\] the Parent of stitch::subclass<Self, Parent, Columns> must be a stitch::model
#include <stitch/stitch.hpp>

#include <cstdint>
#include <string>

struct AnimalColumns {
  std::string name;
};
struct DogColumns {
  bool good = true;
};
struct Animal : stitch::model<Animal, AnimalColumns> {};
#ifdef STITCH_COMPILE_FAIL_CONTROL
struct Dog : stitch::subclass<Dog, Animal, DogColumns> {};
#else
struct Dog : stitch::subclass<Dog, AnimalColumns, DogColumns> {};  // the Columns, not the model
#endif

Dog make() { return Dog{}; }
