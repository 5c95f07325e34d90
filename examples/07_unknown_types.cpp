// Rows whose `type` names no class of the hierarchy: raise (the default), skip, or load as
// the root. And an abstract root, which no row may load as.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>

#include <string>

struct VehicleColumns {
  std::string label;
};
struct CarColumns {
  std::int32_t doors = 4;
};

// Default policy: an unknown type is an error.
struct Vehicle : stitch::model<Vehicle, VehicleColumns> {};
struct Car : stitch::subclass<Car, Vehicle, CarColumns> {};
template <>
struct stitch::hierarchy<Vehicle> : stitch::single_table<Vehicle, Car> {};

// Skip: rows of unknown type are left out of query results.
struct Boat : stitch::model<Boat, VehicleColumns> {};
struct Sailboat : stitch::subclass<Sailboat, Boat, CarColumns> {};
template <>
struct stitch::hierarchy<Boat> : stitch::single_table<Boat, Sailboat> {
  static constexpr auto on_unknown_type = stitch::unknown_type_policy::skip;
};

// Load as root: rows of unknown type are loaded as the root class.
struct Plane : stitch::model<Plane, VehicleColumns> {};
struct Glider : stitch::subclass<Glider, Plane, CarColumns> {};
template <>
struct stitch::hierarchy<Plane> : stitch::single_table<Plane, Glider> {
  static constexpr auto on_unknown_type = stitch::unknown_type_policy::load_as_root;
};

// An abstract root: every row must be of a concrete subclass.
struct ShapeColumns {
  double x = 0;
};
struct CircleColumns {
  double radius = 0;
};
struct Shape : stitch::model<Shape, ShapeColumns> {
  virtual double area() const = 0;
};
struct Circle : stitch::subclass<Circle, Shape, CircleColumns> {
  double area() const override { return 3 * radius * radius; }
};
template <>
struct stitch::hierarchy<Shape> : stitch::single_table<Shape, Circle> {};

int main() {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<Vehicle, Boat, Plane, Shape>();
  // Rows written by a program that knows a class this one does not.
  for (const char* table : {"vehicles", "boats", "planes"}) {
    db.execute(fmt::format(
        R"(INSERT INTO "{}" ("type", "label", "doors") VALUES ('Car', 'known', 2))", table));
    db.execute(
        fmt::format(R"(INSERT INTO "{}" ("type", "label") VALUES ('Bus', 'unknown'))", table));
  }
  db.execute(R"(UPDATE "boats" SET "type" = 'Sailboat' WHERE "type" = 'Car')");
  db.execute(R"(UPDATE "planes" SET "type" = 'Glider' WHERE "type" = 'Car')");

  try {
    for (const auto& v : db.all<Vehicle>()) fmt::print("vehicle {}\n", v->label);
  } catch (const stitch::unknown_type& e) {
    fmt::print("{}\n", e.what());
    fmt::print("table {}, row {}, value '{}'\n", e.table(), e.record_id(), e.value());
  }

  for (const auto& b : db.all<Boat>()) fmt::print("boat {} ({})\n", b->label, b->type_name());
  fmt::print("boats counted: {}\n", db.all<Boat>().count());  // COUNT(*) sees every row

  // first() reads on past skipped rows; limit() counts them, as SQL does.
  using stitch::col;
  const auto newest = db.all<Boat>().order_by(col<&Boat::id>.desc()).first();
  fmt::print("newest boat: {}\n", newest ? newest->label : "none");
  fmt::print("newest boat with limit(1): {} row(s)\n",
             db.all<Boat>().order_by(col<&Boat::id>.desc()).limit(1).to_vector().size());

  for (const auto& p : db.all<Plane>()) fmt::print("plane {} ({})\n", p->label, p->type_name());

  db.execute(R"(INSERT INTO "shapes" ("type", "x", "radius") VALUES ('Circle', 0, 1))");
  db.execute(R"(INSERT INTO "shapes" ("type", "x") VALUES ('Shape', 0))");
  try {
    for (const auto& s : db.all<Shape>()) fmt::print("shape with area {}\n", s->area());
  } catch (const stitch::unknown_type& e) {
    fmt::print("{}\n", e.what());
  }
}
