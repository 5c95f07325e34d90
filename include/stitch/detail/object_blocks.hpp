#pragma once
// The objects of one load: one allocation each for a small load, blocks of 4 MiB for a large one.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>

#include "pages.hpp"

namespace stitch::detail {

/// Makes the objects of one load (rows read in place), each handed out as a
/// std::shared_ptr<T>. The first 64 KiB worth of objects are allocated one by one, as
/// std::make_shared would, so that a small load allocates exactly what it keeps, from
/// memory the allocator reuses. Past that, objects are made in blocks of 4 MiB, aligned to
/// 2 MiB, that ask for huge pages (prefer_huge_pages); an object in a block has no control
/// block or allocator header of its own and shares its block's ownership: a block, and every
/// object in it, is destroyed when the last pointer into it goes. Where transparent huge pages
/// are available, a load of 150,000 objects takes a dozen page faults instead of about 7,000.
template <class T>
class object_blocks {
 public:
  /// A new default-constructed object, at an address that stays put. Each one is then either
  /// handed out by take_last() or destroyed by drop_last().
  T& make() {
    if (made_ < one_by_one) {
      ++made_;
      single_ = std::make_shared<T>();
      return *single_;
    }
    single_.reset();
    if (!current_ || current_->size == current_->capacity)
      current_ = std::make_shared<block>(block_capacity);
    T* obj = ::new (static_cast<void*>(current_->objects + current_->size)) T();
    ++current_->size;
    return *obj;
  }
  /// Destroys the object the last make() returned (its row was skipped).
  void drop_last() noexcept {
    if (single_) {
      single_.reset();
    } else {
      --current_->size;
      std::destroy_at(current_->objects + current_->size);
    }
  }
  /// The object the last make() returned, once.
  [[nodiscard]] std::shared_ptr<T> take_last() noexcept {
    if (single_) return std::move(single_);
    return std::shared_ptr<T>(current_, current_->objects + current_->size - 1);
  }

 private:
  static constexpr std::size_t one_by_one = std::max<std::size_t>(1, (64 << 10) / sizeof(T));
  static constexpr std::size_t block_bytes = std::size_t{4} << 20;
  static constexpr std::size_t huge_page = std::size_t{2} << 20;
  static constexpr std::size_t block_capacity = (block_bytes + sizeof(T) - 1) / sizeof(T);
  static constexpr std::size_t block_alignment = std::max(alignof(T), huge_page);

  struct block {
    explicit block(std::size_t n)
        : capacity(n),
          objects(
              static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{block_alignment}))) {
      prefer_huge_pages(objects, n * sizeof(T));
    }
    block(const block&) = delete;
    block& operator=(const block&) = delete;
    ~block() {
      std::destroy_n(objects, size);
      ::operator delete (objects, std::align_val_t{block_alignment});
    }
    std::size_t size = 0;
    std::size_t capacity;
    T* objects;
  };

  std::size_t made_ = 0;
  std::shared_ptr<T> single_;
  std::shared_ptr<block> current_;
};

}  // namespace stitch::detail
