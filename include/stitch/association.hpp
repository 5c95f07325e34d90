#pragma once
/// @file association.hpp
/// Associations between models, declared as members of the model classes and listed once:
///
///     struct Field : stitch::model<Field, FieldColumns> {
///       stitch::belongs_to<DataSource> data_source;                 // data_source_id
///       stitch::has_many<UniqueValue, stitch::dependent::destroy> unique_values;
///       using associations = stitch::associations<&Field::data_source, &Field::unique_values>;
///     };
///
/// An association member holds what was loaded for it. Touching one that was not loaded loads
/// it through the database its owner came from, or throws strict_loading_violation when
/// strict loading is on.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "detail/session.hpp"
#include "detail/type_list.hpp"
#include "errors.hpp"
#include "model.hpp"

namespace stitch {

/// A string usable as a template argument: stitch::as<"commentable">.
template <std::size_t N>
struct fixed_string {
  char value[N]{};  // NOLINT(modernize-avoid-c-arrays): a structural type needs an array
  // NOLINTNEXTLINE(google-explicit-constructor,modernize-avoid-c-arrays)
  consteval fixed_string(const char (&text)[N]) {
    for (std::size_t i = 0; i < N; ++i) value[i] = text[i];
  }
  [[nodiscard]] constexpr std::string_view view() const { return {value, N - 1}; }
};

/// The association members a model declares, listed once in the class:
/// `using associations = stitch::associations<&Field::data_source, &Field::unique_values>;`
template <auto... Members>
struct associations {};

// ---- Options -------------------------------------------------------------------------

/// The foreign-key column, when it is not the default: a member of a Columns aggregate.
/// belongs_to: a column of the owner (default `<association>_id`). has_many / has_one: a
/// column of the target (default `<owner class>_id`, e.g. data_source_id).
template <auto Column>
struct foreign_key {};

/// has_many / has_one on the other side of a polymorphic belongs_to: the target's
/// `<name>_type` and `<name>_id` columns point at the owner. `stitch::as<"commentable">`.
template <fixed_string Name>
struct as {};

/// has_many / has_one through another association of the owner: `through<&DataSource::fields>`.
/// The association followed on the intermediate model is the one whose target is this
/// association's target, unless named with stitch::source.
template <auto Association>
struct through {};

/// The association of the intermediate model that a `through` association follows.
template <auto Association>
struct source {};

/// has_and_belongs_to_many: the join table, when not the Rails default (both table names in
/// lexical order, joined by `_`: data_sources_tags).
template <fixed_string Name>
struct join_table {};

/// has_and_belongs_to_many: the join table's column for the owner (default `<owner>_id`)
/// and for the target (default `<target>_id`).
template <fixed_string Owner, fixed_string Target>
struct join_keys {};

/// Polymorphic belongs_to: store the concrete class in `<name>_type` (CsvFile) instead of the
/// base class of its hierarchy (DataSource, what Rails stores).
struct store_concrete_class {};

/// What destroying the owner does to the associated rows (has_many and has_one). Each runs in
/// the destroy's transaction.
namespace dependent {
/// Destroys each associated object, with its own dependents, down the tree.
struct destroy {};
/// Deletes the associated rows with one statement, without looking at their dependents.
struct delete_all {};
/// Sets the associated rows' foreign key (and polymorphic type) to NULL.
struct nullify {};
/// Refuses to destroy an owner that has associated rows: stitch::delete_restricted.
struct restrict {};
}  // namespace dependent

/// The closed list of models a polymorphic belongs_to may point at (plain models and roots or
/// members of hierarchies): `stitch::belongs_to<stitch::polymorphic<DataSource, Field>>`.
template <class... Targets>
struct polymorphic {};

namespace detail {

enum class association_kind : std::uint8_t {
  belongs_to,
  has_one,
  has_many,
  habtm,
};

/// Run-time facts about one declared association, one object per declaration.
struct association_info {
  std::string_view owner_class;
  std::string_view name;
  std::ptrdiff_t offset = 0;  // from the declaring class's subobject to the member
  // Loads the association of one owner (a pointer to the declaring class's subobject).
  void (*load)(session& s, void* owner, const link& l) = nullptr;
  // Ends a child's inverse reference to `owner` (the owner is going away), or points it at
  // `owner` (the owner moved there). Null when the target declares no inverse.
  void (*unlink)(void* child, const void* owner) = nullptr;
  void (*relink)(void* child, void* owner) = nullptr;
  // belongs_to: writes the key (and type) columns of the owner.
  void (*write_key)(void* owner, std::int64_t id, std::string_view type) = nullptr;
};

template <class T>
struct polymorphic_target {
  using type = T;
};
template <class... Ts>
struct polymorphic_target<polymorphic<Ts...>> {
  using type = record;
};

template <class A, class B>
inline constexpr bool related_classes = std::is_base_of_v<A, B> || std::is_base_of_v<B, A>;

template <class Target, class U>
struct accepts_impl : std::bool_constant<related_classes<Target, U>> {};
template <class... Ts, class U>
struct accepts_impl<polymorphic<Ts...>, U> : std::bool_constant<(related_classes<Ts, U> || ...)> {};

/// True when an object of static class U may be what an association to Target points at
/// (a base class of an accepted class is checked at run time).
template <class Target, class U>
inline constexpr bool accepts_target = accepts_impl<Target, std::remove_cvref_t<U>>::value;

template <class Target>
struct accepted {
  static bool test(const record& r) { return dynamic_cast<const Target*>(&r) != nullptr; }
};
template <class... Ts>
struct accepted<polymorphic<Ts...>> {
  static bool test(const record& r) { return ((dynamic_cast<const Ts*>(&r) != nullptr) || ...); }
};

/// Throws association_mismatch when the object's dynamic class is not accepted.
template <class Target>
void check_accepted(const record& r) {
  if (!accepted<Target>::test(r))
    throw association_mismatch("an association was given an object of class " +
                               std::string(r.type_name()) + ", which it does not accept");
}

template <class E, class U>
std::shared_ptr<E> as_element(std::shared_ptr<U> p) {
  if constexpr (std::is_convertible_v<U*, E*>) {
    return p;
  } else {
    return std::dynamic_pointer_cast<E>(std::move(p));
  }
}

template <class X, class... Options>
inline constexpr bool has_option = (std::is_same_v<X, Options> || ...);

template <class O>
struct through_option : std::false_type {};
template <auto A>
struct through_option<through<A>> : std::true_type {};
template <class... Options>
inline constexpr bool is_through_option = (through_option<Options>::value || ...);

template <class Target>
struct base_name_of {
  static std::string_view get(const record&) { return {}; }
};
template <class... Ts>
struct base_name_of<polymorphic<Ts...>> {
  // What Rails stores in `<name>_type`: the stored name of the hierarchy's root.
  static std::string_view get(const record& r) {
    std::string_view out;
    ((out.empty() && dynamic_cast<const Ts*>(&r) != nullptr
          ? (out = sti_name_of<typename Ts::stitch_root>(), true)
          : false),
     ...);
    return out;
  }
};
template <class Target>
std::string_view polymorphic_base_name(const record& r) {
  return base_name_of<Target>::get(r);
}

/// The `<name>_type` value a polymorphic belongs_to stores for r (empty for other kinds).
template <class Target, class... Options>
std::string_view polymorphic_type_value(const record& r) {
  if constexpr (std::is_same_v<typename polymorphic_target<Target>::type, record>) {
    if constexpr (has_option<store_concrete_class, Options...>) {
      return r.type_name();
    } else {
      return polymorphic_base_name<Target>(r);
    }
  } else {
    return {};
  }
}

/// Where a belongs_to keeps the `<name>_type` value of a pending set(): a string_view for a
/// polymorphic one, nothing (an empty member that reads as "") for the others.
struct no_type_name {
  constexpr no_type_name() noexcept = default;
  constexpr no_type_name(std::string_view /*none*/) noexcept {}        // NOLINT(*-explicit-*)
  constexpr operator std::string_view() const noexcept { return {}; }  // NOLINT(*-explicit-*)
};
template <class Target>
using pending_type_t =
    std::conditional_t<std::is_same_v<typename polymorphic_target<Target>::type, record>,
                       std::string_view, no_type_name>;

struct association_access;
/// Writes a belongs_to's set()/clear() into its owner's columns when the owner is known.
template <class B>
void apply_pending_of(B& association);

/// What every association member shares: where it came from and whether it is loaded.
class association_base {
 public:
  /// True once the association holds what the database has (loaded, built or assigned).
  [[nodiscard]] bool loaded() const noexcept { return loaded_; }

 protected:
  association_base() = default;
  association_base(const association_base&) = default;
  association_base& operator=(const association_base&) = default;
  ~association_base() = default;

  // Makes the association loaded, by the database or by the rules for new objects.
  void touch(const stitch::source_location& where, bool empty_when_detached) const {
    if (!loaded_) touch_slow(where, empty_when_detached);
  }

  [[nodiscard]] void* owner() const noexcept {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast)
    return const_cast<char*>(reinterpret_cast<const char*>(this)) - info_->offset;
  }

  [[nodiscard]] link link_to_session() const noexcept { return {session_, strict_}; }

  // 24 bytes in all: the flags share the word after the session serial.
  const association_info* info_ = nullptr;
  std::uint64_t session_ = 0;  // the serial of the session that attached it (link::session)
  bool strict_ = false;        // link::strict
  mutable bool loaded_ = false;
  bool pending_ = false;  // belongs_to: a set() or clear() not yet written into the owner's key

 private:
  friend struct association_access;

  void touch_slow(const stitch::source_location& where, bool empty_when_detached) const {
    if (info_ == nullptr) {
      if (empty_when_detached) {
        loaded_ = true;  // an object that never met a database has no associated rows yet
        return;
      }
      throw usage_error(
          "an association of an object that was neither loaded nor saved was touched at " +
          std::string(where.file_name()) + ":" + std::to_string(where.line()) +
          ": it cannot load by itself; save the object first or load the association with "
          "db.load(object, &Class::association)");
    }
    if (strict_) throw strict_loading_violation(info_->owner_class, info_->name, where);
    session* s = session_registry::find(session_);
    if (s == nullptr)
      throw usage_error(std::string(info_->owner_class) + "::" + std::string(info_->name) +
                        " was touched at " + where.file_name() + ":" +
                        std::to_string(where.line()) +
                        " but was not loaded, and the database its object came from is closed");
    info_->load(*s, owner(), link_to_session());
  }
};

/// An iterator over shared_ptr<T> elements that yields T&.
template <class T, class Base>
class indirect_iterator {
 public:
  using iterator_category = std::random_access_iterator_tag;
  using value_type = T;
  using difference_type = std::ptrdiff_t;
  using pointer = T*;
  using reference = T&;

  indirect_iterator() = default;
  explicit indirect_iterator(Base it) : it_(it) {}
  reference operator*() const { return **it_; }
  pointer operator->() const { return it_->get(); }
  reference operator[](difference_type n) const { return *it_[n]; }
  indirect_iterator& operator++() {
    ++it_;
    return *this;
  }
  indirect_iterator operator++(int) { return indirect_iterator(it_++); }
  indirect_iterator& operator--() {
    --it_;
    return *this;
  }
  indirect_iterator operator--(int) { return indirect_iterator(it_--); }
  indirect_iterator& operator+=(difference_type n) {
    it_ += n;
    return *this;
  }
  indirect_iterator& operator-=(difference_type n) {
    it_ -= n;
    return *this;
  }
  friend indirect_iterator operator+(indirect_iterator a, difference_type n) { return a += n; }
  friend indirect_iterator operator+(difference_type n, indirect_iterator a) { return a += n; }
  friend indirect_iterator operator-(indirect_iterator a, difference_type n) { return a -= n; }
  friend difference_type operator-(const indirect_iterator& a, const indirect_iterator& b) {
    return a.it_ - b.it_;
  }
  friend bool operator==(const indirect_iterator& a, const indirect_iterator& b) {
    return a.it_ == b.it_;
  }
  friend auto operator<=>(const indirect_iterator& a, const indirect_iterator& b) {
    return a.it_ <=> b.it_;
  }

 private:
  Base it_{};
};

/// Common to has_many and has_and_belongs_to_many: the loaded objects, in id order.
template <class T>
class collection_base : public association_base {
  using items_type = std::vector<std::shared_ptr<T>>;

 public:
  using value_type = T;
  using iterator = indirect_iterator<T, typename items_type::const_iterator>;

  collection_base() = default;
  /// A copy shares the loaded objects; their inverse references stay with the original.
  collection_base(const collection_base&) = default;
  collection_base& operator=(const collection_base& other) {
    if (this != &other) {
      release();
      association_base::operator=(other);
      items_ = other.items_;
    }
    return *this;
  }
  /// Moving the owner moves the loaded objects with it; their inverse references follow.
  collection_base(collection_base&& other) noexcept
      : association_base(other), items_(std::move(other.items_)) {
    other.loaded_ = false;
    other.items_.clear();
    adopt();
  }
  collection_base& operator=(collection_base&& other) noexcept {
    if (this != &other) {
      release();
      association_base::operator=(other);
      items_ = std::move(other.items_);
      other.loaded_ = false;
      other.items_.clear();
      adopt();
    }
    return *this;
  }
  ~collection_base() { release(); }

  /// The objects, loading them first if need be (see association_base::touch).
  iterator begin(const stitch::source_location& where = stitch::source_location::current()) const {
    touch(where, true);
    return iterator(items_.begin());
  }
  iterator end() const noexcept { return iterator(items_.end()); }
  [[nodiscard]] std::size_t size(
      const stitch::source_location& where = stitch::source_location::current()) const {
    touch(where, true);
    return items_.size();
  }
  [[nodiscard]] bool empty(
      const stitch::source_location& where = stitch::source_location::current()) const {
    touch(where, true);
    return items_.empty();
  }
  /// The i-th object; throws std::out_of_range past the end.
  [[nodiscard]] T& at(std::size_t i, const stitch::source_location& where =
                                         stitch::source_location::current()) const {
    touch(where, true);
    return *items_.at(i);
  }
  /// The objects as shared pointers, loading them first if need be.
  [[nodiscard]] const items_type& shared(
      const stitch::source_location& where = stitch::source_location::current()) const {
    touch(where, true);
    return items_;
  }
  /// Forgets what was loaded: the next touch loads again.
  void reset() noexcept {
    release();
    items_.clear();
    loaded_ = false;
  }

 protected:
  friend struct association_access;

  // Ends the inverse references of the objects that point at this owner.
  void release() noexcept {
    if (info_ == nullptr || info_->unlink == nullptr) return;
    const void* self = owner();
    for (const auto& item : items_)
      if (item) info_->unlink(item.get(), self);
  }
  void adopt() noexcept {
    if (info_ == nullptr || info_->relink == nullptr) return;
    void* self = owner();
    for (const auto& item : items_)
      if (item) info_->relink(item.get(), self);
  }

  mutable items_type items_;
};

/// Common to belongs_to and has_one: at most one object. EmptyWhenDetached: what touching it
/// means for an object that never met a database (has_one: nothing yet; belongs_to: an error,
/// since its key may point at a row).
template <class T, bool EmptyWhenDetached>
class single_base : public association_base {
 public:
  single_base() = default;
  /// A copy shares a loaded object, but not a reference to the owner that loaded it (an
  /// inverse): that one the copy loads again when touched.
  single_base(const single_base& other) : association_base(other) { copy_target(other); }
  single_base& operator=(const single_base& other) {
    if (this != &other) {
      release();
      association_base::operator=(other);
      copy_target(other);
    }
    return *this;
  }
  single_base(single_base&& other) noexcept
      : association_base(other), target_(std::move(other.target_)) {
    other.loaded_ = false;
    adopt();
  }
  single_base& operator=(single_base&& other) noexcept {
    if (this != &other) {
      release();
      association_base::operator=(other);
      target_ = std::move(other.target_);
      other.loaded_ = false;
      adopt();
    }
    return *this;
  }
  ~single_base() { release(); }

  /// The associated object, or nullptr when there is none, loading it first if need be.
  [[nodiscard]] T* get(
      const stitch::source_location& where = stitch::source_location::current()) const {
    touch(where, EmptyWhenDetached);
    return target_.get();
  }
  /// The associated object as a shared pointer (empty when there is none).
  [[nodiscard]] std::shared_ptr<T> shared(
      const stitch::source_location& where = stitch::source_location::current()) const {
    touch(where, EmptyWhenDetached);
    return target_;
  }
  /// Forgets what was loaded: the next touch loads again.
  void reset() noexcept {
    release();
    target_.reset();
    loaded_ = false;
  }

 protected:
  friend struct association_access;

  void release() noexcept {
    if (info_ != nullptr && info_->unlink != nullptr && target_)
      info_->unlink(target_.get(), owner());
  }
  void adopt() noexcept {
    if (info_ != nullptr && info_->relink != nullptr && target_)
      info_->relink(target_.get(), owner());
  }
  void copy_target(const single_base& other) {
    if (other.target_ && other.target_.use_count() == 0) {  // an inverse does not own
      target_.reset();
      loaded_ = false;
    } else {
      target_ = other.target_;
    }
  }

  mutable std::shared_ptr<T> target_;
};

}  // namespace detail

/// The owner holds the foreign key (`<name>_id`, or foreign_key<&Cols::col>) of one object
/// of Target: a model, the root or a class of a hierarchy (loaded as its own class), or
/// stitch::polymorphic<...> over `<name>_type` + `<name>_id`.
template <class Target, class... Options>
class belongs_to
    : public detail::single_base<typename detail::polymorphic_target<Target>::type, false> {
 public:
  using stitch_target = Target;
  using stitch_options = detail::type_list<Options...>;
  static constexpr auto stitch_kind = detail::association_kind::belongs_to;
  using element_type = typename detail::polymorphic_target<Target>::type;

  /// Points the association at `target` and keeps it. The owner's foreign key (and
  /// `<name>_type` for a polymorphic one) is set at once when the owner came from a database,
  /// else when it is saved; a new target is saved first, by the owner's save.
  template <class U>
  void set(std::shared_ptr<U> target) {
    static_assert(detail::accepts_target<Target, U>,
                  "[stitch] this belongs_to does not accept objects of this class: give it its "
                  "target class, a class below it, or a class its stitch::polymorphic lists");
    if (!target) {
      clear();
      return;
    }
    detail::check_accepted<Target>(*target);
    this->release();
    this->target_ = detail::as_element<element_type>(std::move(target));
    this->loaded_ = true;
    this->pending_ = true;
    pending_id_ = this->target_->id;
    pending_type_ = detail::polymorphic_type_value<Target, Options...>(*this->target_);
    detail::apply_pending_of(*this);
  }
  /// Points the association at an object that has a row; the object itself is not kept
  /// (touching the association loads it).
  template <class U>
  void set(const U& target) {
    static_assert(detail::accepts_target<Target, U>,
                  "[stitch] this belongs_to does not accept objects of this class: give it its "
                  "target class, a class below it, or a class its stitch::polymorphic lists");
    detail::check_accepted<Target>(target);
    if (target.new_record())
      throw usage_error(
          "belongs_to::set(object) needs an object that has a row: save it "
          "first, or pass a std::shared_ptr to have it saved with the owner");
    this->release();
    this->target_.reset();
    this->loaded_ = false;
    this->pending_ = true;
    pending_id_ = target.id;
    pending_type_ = detail::polymorphic_type_value<Target, Options...>(target);
    detail::apply_pending_of(*this);
  }
  /// Sets the foreign key (and `<name>_type`) to NULL; the foreign key must be std::optional.
  /// On failure the association is unchanged.
  void clear() {
    const bool was_pending = this->pending_;
    const auto was_id = pending_id_;
    const auto was_type = pending_type_;
    this->pending_ = true;
    pending_id_ = 0;
    pending_type_ = {};
    auto held = std::move(this->target_);
    try {
      detail::apply_pending_of(*this);
    } catch (...) {
      this->target_ = std::move(held);
      this->pending_ = was_pending;
      pending_id_ = was_id;
      pending_type_ = was_type;
      throw;
    }
    this->target_ = std::move(held);
    this->release();
    this->target_.reset();
    this->loaded_ = true;
  }

 private:
  friend struct detail::association_access;

  // The key a set() or clear() still has to write (association_base::pending_), and for a
  // polymorphic one the `<name>_type` value; a plain belongs_to has no type to keep.
  std::int64_t pending_id_ = 0;
  [[no_unique_address]] detail::pending_type_t<Target> pending_type_;
};

/// The target holds the owner's key: one object (the first by id when there are several).
template <class Target, class... Options>
class has_one : public detail::single_base<Target, true> {
 public:
  using stitch_target = Target;
  using stitch_options = detail::type_list<Options...>;
  static constexpr auto stitch_kind = detail::association_kind::has_one;

  /// Makes `target` the associated object; its foreign key is set when the owner is saved,
  /// and the row it replaces then loses its key (or is deleted under dependent::destroy or
  /// dependent::delete_all).
  void set(std::shared_ptr<Target> target) {
    this->release();
    this->target_ = std::move(target);
    this->loaded_ = true;
    replaced_ = true;
  }

 private:
  friend struct detail::association_access;
  bool replaced_ = false;  // set() since the last save
};

/// The targets hold the owner's key: every such object, in id order.
template <class Target, class... Options>
class has_many : public detail::collection_base<Target> {
 public:
  using stitch_target = Target;
  using stitch_options = detail::type_list<Options...>;
  static constexpr auto stitch_kind = detail::association_kind::has_many;

  /// Adds a new object of class C (Target or a class below it) and returns it; it is
  /// inserted, with its foreign key, when the owner is saved.
  template <class C = Target>
  C& build() {
    static_assert(!detail::is_through_option<Options...>,
                  "[stitch] a through association is read-only: build and add on the "
                  "association it goes through");
    auto obj = std::make_shared<C>();
    C& ref = *obj;
    add(std::move(obj));
    return ref;
  }
  /// Adds an object; a new one is inserted when the owner is saved, with its foreign key.
  void add(std::shared_ptr<Target> obj) {
    static_assert(!detail::is_through_option<Options...>,
                  "[stitch] a through association is read-only: build and add on the "
                  "association it goes through");
    if (!obj) throw usage_error("has_many::add was given a null pointer");
    this->items_.push_back(std::move(obj));  // kept when the association is loaded later
  }
};

/// Rails' has_and_belongs_to_many: pairs of keys in a join table. Link and unlink with
/// db.link / db.unlink.
template <class Target, class... Options>
class has_and_belongs_to_many : public detail::collection_base<Target> {
 public:
  using stitch_target = Target;
  using stitch_options = detail::type_list<Options...>;
  static constexpr auto stitch_kind = detail::association_kind::habtm;
};

}  // namespace stitch
