#include <catch2/catch.hpp>

#include <stitch/detail/object_blocks.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

// Counts the live objects, and fills a string past the short-string buffer so that a missing
// destructor shows as a leak under the sanitizers and valgrind.
struct counted {
  static inline int alive = 0;
  counted() { ++alive; }
  counted(const counted&) = delete;
  counted& operator=(const counted&) = delete;
  ~counted() { --alive; }
  std::int64_t id = 0;
  std::string text;
  char padding[200] = {};
};

std::vector<std::shared_ptr<counted>> make_objects(int n) {
  stitch::detail::object_blocks<counted> blocks;
  std::vector<std::shared_ptr<counted>> out;
  for (int i = 0; i < n; ++i) {
    auto& obj = blocks.make();
    obj.id = i;
    obj.text = "object number " + std::to_string(i) + " of the load";
    out.push_back(blocks.take_last());
  }
  return out;
}

}  // namespace

TEST_CASE("object_blocks: objects live while any pointer into their block does", "[unit]") {
  REQUIRE(counted::alive == 0);
  // 50,000 objects of about 250 bytes: 64 KiB worth one by one, then blocks of 4 MiB.
  auto objects = make_objects(50'000);
  CHECK(counted::alive == 50'000);
  for (int i = 0; i < 50'000; ++i) {
    REQUIRE(objects[static_cast<std::size_t>(i)]->id == i);
    REQUIRE(objects[static_cast<std::size_t>(i)]->text ==
            "object number " + std::to_string(i) + " of the load");
  }
  // Addresses are distinct and stable: nothing moved while later objects were made.
  CHECK(objects[0].get() != objects[1].get());
  CHECK(reinterpret_cast<std::uintptr_t>(objects[1].get()) % alignof(counted) == 0);

  // One object kept: its block stays, the other blocks go.
  auto kept = objects[40'000];
  objects.clear();
  CHECK(counted::alive > 0);
  CHECK(counted::alive < 50'000);
  CHECK(kept->id == 40'000);
  CHECK(kept->text == "object number 40000 of the load");
  kept.reset();
  CHECK(counted::alive == 0);
}

// How many objects a load makes one by one before it makes them in blocks.
constexpr std::size_t one_by_one = (64 << 10) / sizeof(counted);

TEST_CASE("object_blocks: a dropped object is destroyed at once, one by one or in a block",
          "[unit]") {
  REQUIRE(counted::alive == 0);
  std::vector<std::shared_ptr<counted>> singles;
  std::shared_ptr<counted> first;
  std::shared_ptr<counted> second;
  {
    stitch::detail::object_blocks<counted> blocks;
    blocks.make().text = "a skipped row, made on its own, long enough to allocate";
    blocks.drop_last();
    CHECK(counted::alive == 0);
    for (std::size_t i = 1; i < one_by_one; ++i) {
      blocks.make().id = static_cast<std::int64_t>(i);
      singles.push_back(blocks.take_last());
    }
    CHECK(counted::alive == static_cast<int>(one_by_one - 1));

    // The next objects are in a block.
    blocks.make().id = -1;
    first = blocks.take_last();
    blocks.make().text = "a skipped row in a block, long enough to allocate";
    CHECK(counted::alive == static_cast<int>(one_by_one + 1));
    blocks.drop_last();
    CHECK(counted::alive == static_cast<int>(one_by_one));
    auto& next = blocks.make();
    next.id = -2;
    CHECK(next.text.empty());  // a fresh object where the dropped one was
    second = blocks.take_last();
  }
  CHECK(second.get() == first.get() + 1);
  CHECK(singles.back()->id == static_cast<std::int64_t>(one_by_one - 1));

  // Objects made one by one go with their pointer; block objects with their block.
  singles.clear();
  CHECK(counted::alive == 2);
  first.reset();
  CHECK(counted::alive == 2);  // the block lives while `second` points into it
  CHECK(second->id == -2);
  second.reset();
  CHECK(counted::alive == 0);
}
