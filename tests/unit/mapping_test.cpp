#include <catch2/catch.hpp>

#include <stitch/stitch.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

// Compile-time facts about models and hierarchies, and the table description built from
// them. No database.

namespace shop {

using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// A hierarchy three levels deep with a sibling: Product > Book > Ebook, Product > Gadget.
struct ProductColumns {
  std::string name;
  std::optional<std::string> notes;
  double price = 0;
  timestamp created_at{};
};
struct BookColumns {
  std::string isbn;
  std::int32_t pages = 0;
};
struct EbookColumns {
  std::vector<std::byte> file;
  std::optional<std::int64_t> downloads;
};
struct GadgetColumns {
  bool wireless = false;
  std::string isbn;  // the same name and type as Book's: one shared column
};

struct Product : stitch::model<Product, ProductColumns> {};
struct Book : stitch::subclass<Book, Product, BookColumns> {};
struct Ebook : stitch::subclass<Ebook, Book, EbookColumns> {};
struct Gadget : stitch::subclass<Gadget, Product, GadgetColumns> {};

// A plain model: no hierarchy, no type column.
struct TagColumns {
  std::string label;
  std::optional<std::int32_t> weight;
};
struct Tag : stitch::model<Tag, TagColumns> {};

// Overridden table and type names; an override in a parent is not inherited.
struct VehicleColumns {
  std::string plate;
};
struct CarColumns {
  std::int32_t doors = 4;
};
struct SportsCarColumns {
  double top_speed = 0;
};
struct Vehicle : stitch::model<Vehicle, VehicleColumns> {
  static constexpr std::string_view table_name = "fleet";
  static constexpr std::string_view sti_name = "vehicle";
};
struct Car : stitch::subclass<Car, Vehicle, CarColumns> {
  static constexpr std::string_view sti_name = "car";
};
struct SportsCar : stitch::subclass<SportsCar, Car, SportsCarColumns> {};

// A hierarchy declared with only its root.
struct LoneColumns {
  std::int64_t n = 0;
};
struct Lone : stitch::model<Lone, LoneColumns> {};

// Two classes declaring the same column with different types.
struct ClashColumns {
  std::string title;
};
struct ClashA_Columns {
  std::int32_t amount = 0;
};
struct ClashB_Columns {
  std::string amount;
};
struct Clash : stitch::model<Clash, ClashColumns> {};
struct ClashA : stitch::subclass<ClashA, Clash, ClashA_Columns> {};
struct ClashB : stitch::subclass<ClashB, Clash, ClashB_Columns> {};

// A hierarchy with a policy for rows of unknown type.
struct ShareColumns {
  std::string code;
};
struct ShareSubColumns {
  std::int64_t extra = 0;
};
struct Share : stitch::model<Share, ShareColumns> {};
struct ShareSub : stitch::subclass<ShareSub, Share, ShareSubColumns> {};

// A subclass declaring again a column its parent declares: the object would hold two
// members for one column, and INSERT and UPDATE would name the column twice.
struct NoteColumns {
  std::string code;
};
struct MemoColumns {
  std::string code;
  std::int64_t extra = 0;
};
struct Note : stitch::model<Note, NoteColumns> {};
struct Memo : stitch::subclass<Memo, Note, MemoColumns> {};

// Two classes storing the same discriminator.
struct TwinColumns {
  std::string a;
};
struct TwinOneColumns {
  std::string b;
};
struct TwinTwoColumns {
  std::string c;
};
struct Twin : stitch::model<Twin, TwinColumns> {};
struct TwinOne : stitch::subclass<TwinOne, Twin, TwinOneColumns> {
  static constexpr std::string_view sti_name = "twin";
};
struct TwinTwo : stitch::subclass<TwinTwo, Twin, TwinTwoColumns> {
  static constexpr std::string_view sti_name = "twin";
};

}  // namespace shop

template <>
struct stitch::hierarchy<shop::Product>
    : stitch::single_table<shop::Product, shop::Book, shop::Ebook, shop::Gadget> {};
template <>
struct stitch::hierarchy<shop::Vehicle>
    : stitch::single_table<shop::Vehicle, shop::Car, shop::SportsCar> {};
template <>
struct stitch::hierarchy<shop::Lone> : stitch::single_table<shop::Lone> {};
template <>
struct stitch::hierarchy<shop::Clash>
    : stitch::single_table<shop::Clash, shop::ClashA, shop::ClashB> {};
template <>
struct stitch::hierarchy<shop::Share> : stitch::single_table<shop::Share, shop::ShareSub> {
  static constexpr auto on_unknown_type = stitch::unknown_type_policy::skip;
};
template <>
struct stitch::hierarchy<shop::Note> : stitch::single_table<shop::Note, shop::Memo> {};
template <>
struct stitch::hierarchy<shop::Twin>
    : stitch::single_table<shop::Twin, shop::TwinOne, shop::TwinTwo> {};

using namespace shop;
using stitch::detail::table_def;
using stitch::detail::table_of;
using stitch::detail::type_list;

namespace {

std::vector<std::string> column_names(const table_def& t) {
  std::vector<std::string> out;
  for (const auto& c : t.columns) out.push_back(c.name);
  return out;
}

std::vector<bool> nullable_flags(const table_def& t) {
  std::vector<bool> out;
  for (const auto& c : t.columns) out.push_back(c.nullable);
  return out;
}

std::vector<stitch::column_kind> kinds(const table_def& t) {
  std::vector<stitch::column_kind> out;
  for (const auto& c : t.columns) out.push_back(c.kind);
  return out;
}

std::vector<std::string> type_names(const table_def& t) {
  std::vector<std::string> out;
  for (const auto& c : t.classes) out.push_back(c.type_name);
  return out;
}

}  // namespace

TEST_CASE("a query yields unique_ptr for a class with subclasses and the class itself otherwise",
          "[model]") {
  CHECK(std::is_same_v<stitch::loaded_t<Product>, std::unique_ptr<Product>>);
  CHECK(std::is_same_v<stitch::loaded_t<Book>, std::unique_ptr<Book>>);
  CHECK(std::is_same_v<stitch::loaded_t<Ebook>, Ebook>);
  CHECK(std::is_same_v<stitch::loaded_t<Gadget>, Gadget>);
  CHECK(std::is_same_v<stitch::loaded_t<Tag>, Tag>);
  CHECK(std::is_same_v<stitch::loaded_t<Lone>, Lone>);
  CHECK(std::is_same_v<stitch::loaded_t<Vehicle>, std::unique_ptr<Vehicle>>);
  CHECK(std::is_same_v<stitch::loaded_t<Car>, std::unique_ptr<Car>>);
  CHECK(std::is_same_v<stitch::loaded_t<SportsCar>, SportsCar>);
}

TEST_CASE("find_optional and first yield unique_ptr or std::optional to match", "[model]") {
  CHECK(std::is_same_v<stitch::maybe_t<Product>, std::unique_ptr<Product>>);
  CHECK(std::is_same_v<stitch::maybe_t<Book>, std::unique_ptr<Book>>);
  CHECK(std::is_same_v<stitch::maybe_t<Ebook>, std::optional<Ebook>>);
  CHECK(std::is_same_v<stitch::maybe_t<Tag>, std::optional<Tag>>);
}

TEST_CASE("a class's lineage runs from the root down to the class", "[model]") {
  using stitch::detail::lineage_t;
  CHECK(std::is_same_v<lineage_t<Product>, type_list<Product>>);
  CHECK(std::is_same_v<lineage_t<Book>, type_list<Product, Book>>);
  CHECK(std::is_same_v<lineage_t<Ebook>, type_list<Product, Book, Ebook>>);
  CHECK(std::is_same_v<lineage_t<Gadget>, type_list<Product, Gadget>>);
  CHECK(std::is_same_v<lineage_t<Tag>, type_list<Tag>>);
}

TEST_CASE("model classes expose their root, parent and columns", "[model]") {
  CHECK(stitch::model_class<Product>);
  CHECK(stitch::model_class<Ebook>);
  CHECK(!stitch::model_class<ProductColumns>);
  CHECK(!stitch::model_class<int>);
  CHECK(std::is_same_v<Ebook::stitch_root, Product>);
  CHECK(std::is_same_v<Ebook::stitch_parent, Book>);
  CHECK(std::is_same_v<Product::stitch_parent, void>);
  CHECK(std::is_same_v<Ebook::stitch_columns, EbookColumns>);
  CHECK(std::is_base_of_v<stitch::record, Ebook>);
  CHECK(std::is_base_of_v<BookColumns, Ebook>);
  CHECK(std::is_base_of_v<ProductColumns, Ebook>);
}

TEST_CASE("a new object has id 0 and no row", "[model]") {
  Ebook e;
  CHECK(e.id == 0);
  CHECK(e.new_record());
  CHECK_FALSE(e.persisted());
  CHECK(e.pages == 0);
  CHECK(e.name.empty());
}

TEST_CASE("a class's table is its root's, with every class's columns in declaration order",
          "[mapping]") {
  const table_def& t = table_of<Product>();
  CHECK(t.name == "products");
  CHECK(t.has_type);
  CHECK(t.on_unknown == stitch::unknown_type_policy::raise);
  CHECK(column_names(t) == std::vector<std::string>{"name", "notes", "price", "created_at", "isbn",
                                                    "pages", "file", "downloads", "wireless"});
  using k = stitch::column_kind;
  CHECK(kinds(t) == std::vector<k>{k::text, k::text, k::real, k::timestamp, k::text, k::integer,
                                   k::blob, k::big_integer, k::boolean});
  CHECK(table_of<Ebook>().name == "products");
  CHECK(column_names(table_of<Gadget>()) == column_names(t));
}

TEST_CASE("a subclass's columns are nullable in the single table; the root's only if optional",
          "[mapping]") {
  const table_def& t = table_of<Product>();
  CHECK(nullable_flags(t) ==
        std::vector<bool>{false, true, false, false, true, true, true, true, true});
}

TEST_CASE("a column declared by two classes with the same name and type is shared", "[mapping]") {
  const table_def& t = table_of<Product>();
  REQUIRE(t.classes.size() == 4);
  const auto& book = t.classes[1];
  const auto& gadget = t.classes[3];
  CHECK(book.own_columns == std::vector<int>{4, 5});
  CHECK(gadget.own_columns == std::vector<int>{8, 4});  // wireless, then the shared isbn
}

TEST_CASE("the hierarchy's unknown-type policy reaches the table description", "[mapping]") {
  const table_def& s = table_of<Share>();
  CHECK(s.on_unknown == stitch::unknown_type_policy::skip);
}

TEST_CASE("the table description lists classes with parents and lineages", "[mapping]") {
  const table_def& t = table_of<Product>();
  CHECK(type_names(t) == std::vector<std::string>{"Product", "Book", "Ebook", "Gadget"});
  CHECK(t.classes[0].parent == -1);
  CHECK(t.classes[1].parent == 0);
  CHECK(t.classes[2].parent == 1);
  CHECK(t.classes[3].parent == 0);
  CHECK(t.classes[2].lineage == std::vector<int>{0, 1, 2});
  CHECK(t.classes[3].lineage == std::vector<int>{0, 3});
  CHECK(t.classes[2].class_name == "Ebook");
  CHECK(t.find_class("Ebook") == 2);
  CHECK(t.find_class("Gadget") == 3);
  CHECK(t.find_class("ebook") == -1);
  CHECK(t.find_class("") == -1);
}

TEST_CASE("a hierarchy's classes share one table description", "[mapping]") {
  CHECK(&table_of<Product>() == &table_of<Book>());
  CHECK(&table_of<Product>() == &table_of<Ebook>());
  CHECK(&table_of<Product>() == &table_of<Gadget>());
}

TEST_CASE("a plain model has no type column", "[mapping]") {
  const table_def& t = table_of<Tag>();
  CHECK(t.name == "tags");
  CHECK_FALSE(t.has_type);
  CHECK(column_names(t) == std::vector<std::string>{"label", "weight"});
  CHECK(nullable_flags(t) == std::vector<bool>{false, true});
  REQUIRE(t.classes.size() == 1);
  CHECK(t.classes[0].type_name == "Tag");
}

TEST_CASE("a hierarchy declared with only its root still has a type column", "[mapping]") {
  const table_def& t = table_of<Lone>();
  CHECK(t.name == "lones");
  CHECK(t.has_type);
  CHECK(type_names(t) == std::vector<std::string>{"Lone"});
}

TEST_CASE("table_name and sti_name override Rails' defaults", "[mapping]") {
  const table_def& t = table_of<SportsCar>();
  CHECK(t.name == "fleet");
  CHECK(type_names(t) == std::vector<std::string>{"vehicle", "car", "SportsCar"});
  CHECK(t.find_class("car") == 1);
  CHECK(t.find_class("Car") == -1);
}

TEST_CASE("an object reports its own class's discriminator", "[mapping]") {
  CHECK(Product{}.type_name() == "Product");
  CHECK(Ebook{}.type_name() == "Ebook");
  CHECK(Car{}.type_name() == "car");
  CHECK(Vehicle{}.type_name() == "vehicle");
  // SportsCar inherits Car's sti_name member but not its value as a discriminator.
  CHECK(SportsCar{}.type_name() == "SportsCar");
  const Vehicle& v = SportsCar{};
  CHECK(v.type_name() == "SportsCar");
  CHECK(stitch::detail::sti_name_of<SportsCar>() == "SportsCar");
  CHECK(stitch::detail::sti_name_of<Car>() == "car");
}

TEST_CASE("two classes declaring one column with different types is a schema_error", "[mapping]") {
  CHECK_THROWS_AS(table_of<Clash>(), stitch::schema_error);
  CHECK_THROWS_AS(table_of<ClashB>(), stitch::schema_error);
  try {
    (void)table_of<ClashA>();
    FAIL("expected stitch::schema_error");
  } catch (const stitch::schema_error& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.rfind("[stitch.schema_error] ", 0) == 0);
    CHECK(std::string(e.id()) == "stitch.schema_error");
    CHECK(what.find("column amount") != std::string::npos);
    CHECK(what.find("clashes") != std::string::npos);
    CHECK(what.find("ClashB") != std::string::npos);
  }
}

TEST_CASE("a subclass declaring a column its ancestor declares is a schema_error", "[mapping]") {
  INFO("INSERT of a Memo: " << [] {
    try {
      return stitch::detail::insert_sql(stitch::sqlite_dialect{}, table_of<Note>(), 1, false);
    } catch (const stitch::error& e) {
      return std::string(e.what());
    }
  }());
  CHECK_THROWS_AS(table_of<Memo>(), stitch::schema_error);
}

TEST_CASE("two classes storing the same type name is a schema_error", "[mapping]") {
  try {
    (void)table_of<Twin>();
    FAIL("expected stitch::schema_error");
  } catch (const stitch::schema_error& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find("TwinOne") != std::string::npos);
    CHECK(what.find("TwinTwo") != std::string::npos);
    CHECK(what.find("'twin'") != std::string::npos);
  }
}

TEST_CASE("the load plan of a subclass selects its lineage's columns", "[mapping]") {
  using stitch::detail::plan_of;
  const auto& root = plan_of<Product>();
  CHECK(root.classes == std::vector<int>{0, 1, 2, 3});
  CHECK(root.selected == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(root.first_member == 2);

  const auto& book = plan_of<Book>();
  CHECK(book.classes == std::vector<int>{1, 2});
  CHECK(book.selected == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7});

  const auto& gadget = plan_of<Gadget>();
  CHECK(gadget.classes == std::vector<int>{3});
  CHECK(gadget.selected == std::vector<int>{0, 1, 2, 3, 8, 4});
  // Gadget's members are name, notes, price, created_at, wireless, isbn: result columns from 2.
  CHECK(gadget.positions[3] == std::vector<int>{2, 3, 4, 5, 6, 7});

  const auto& tag = plan_of<Tag>();
  CHECK(tag.first_member == 1);
  CHECK(tag.positions[0] == std::vector<int>{1, 2});
}

TEST_CASE("is_polymorphic_query is true where rows may be of several classes", "[mapping]") {
  using stitch::detail::is_polymorphic_query;
  CHECK(is_polymorphic_query<Product>);
  CHECK(is_polymorphic_query<Book>);
  CHECK_FALSE(is_polymorphic_query<Ebook>);
  CHECK_FALSE(is_polymorphic_query<Gadget>);
  CHECK_FALSE(is_polymorphic_query<Tag>);
  CHECK_FALSE(is_polymorphic_query<Lone>);
}
