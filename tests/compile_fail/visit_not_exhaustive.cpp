// expect: \[stitch\] stitch::visit needs a case for every concrete class
// Checks: stitch::visit with a visitor that has no case for one concrete class.
#include "models.hpp"

struct ShapeColumns {
  double x = 0;
};
struct SquareColumns {
  double side = 0;
};
struct CircleColumns {
  double radius = 0;
};
struct Shape : stitch::model<Shape, ShapeColumns> {
  virtual double area() const = 0;  // abstract: only Square and Circle need a case
};
struct Square : stitch::subclass<Square, Shape, SquareColumns> {
  double area() const override { return side * side; }
};
struct Circle : stitch::subclass<Circle, Shape, CircleColumns> {
  double area() const override { return 3 * radius * radius; }
};
template <>
struct stitch::hierarchy<Shape> : stitch::single_table<Shape, Square, Circle> {};

struct perimeter {
  double operator()(const Square& s) const { return 4 * s.side; }
#ifdef STITCH_COMPILE_FAIL_CONTROL
  double operator()(const Circle& c) const { return 6 * c.radius; }
#endif
};

double measure(const Shape& shape) { return stitch::visit(shape, perimeter{}); }
