// stitch::visit: a function with one case per class of a closed hierarchy, checked at compile
// time to handle every concrete class.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>

#include <cstdint>
#include <string>

struct IncidentColumns {
  std::string address;
};
struct FireColumns {
  std::int32_t alarms = 1;
};
struct MedicalColumns {
  std::string complaint;
};
struct TrafficColumns {
  std::int32_t vehicles = 1;
};
struct CollisionColumns {
  bool injuries = false;
};

// An abstract root: no row loads as a bare Incident, so visitors need no case for it.
struct Incident : stitch::model<Incident, IncidentColumns> {
  virtual std::string kind() const = 0;
};
struct Fire : stitch::subclass<Fire, Incident, FireColumns> {
  std::string kind() const override { return "fire"; }
};
struct Medical : stitch::subclass<Medical, Incident, MedicalColumns> {
  std::string kind() const override { return "medical"; }
};
struct Traffic : stitch::subclass<Traffic, Incident, TrafficColumns> {
  std::string kind() const override { return "traffic"; }
};
struct Collision : stitch::subclass<Collision, Traffic, CollisionColumns> {};

template <>
struct stitch::hierarchy<Incident>
    : stitch::single_table<Incident, Fire, Medical, Traffic, Collision> {};

// What to send is the dispatcher's decision, not the incident's: a visitor, not a virtual
// function. One overload per concrete class; leaving one out does not compile.
struct units_for {
  std::string operator()(const Fire& f) const { return fmt::format("{} engines", 2 * f.alarms); }
  std::string operator()(const Medical&) const { return "1 ambulance"; }
  std::string operator()(const Traffic& t) const {
    return fmt::format("{} tow truck(s)", t.vehicles);
  }
  std::string operator()(const Collision& c) const {
    return fmt::format("{} tow truck(s){}", c.vehicles, c.injuries ? " and 1 ambulance" : "");
  }
};

// Lambdas combined into one visitor.
template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

// Derived from a listed class, but not listed itself.
struct Drill : Fire {};

int main() {
  auto db = stitch::sqlite::open(":memory:");
  db.create_schema<Incident>();

  Fire fire;
  fire.address = "Main St & Swede St";
  fire.alarms = 2;
  db.save(fire);
  Medical medical;
  medical.address = "Dekalb Pike";
  medical.complaint = "cardiac emergency";
  db.save(medical);
  Collision collision;
  collision.address = "Route 422";
  collision.vehicles = 2;
  collision.injuries = true;
  db.save(collision);
  Traffic traffic;
  traffic.address = "Ridge Pike";
  db.save(traffic);

  using stitch::col;
  for (const auto& incident : db.all<Incident>().order_by(col<&Incident::id>))
    fmt::print("{} ({}): send {}\n", incident->address, incident->kind(),
               stitch::visit(*incident, units_for{}));

  // A generic case covers every class without a case of its own. This visitor returns void.
  int ambulances = 0;
  const auto count_ambulances =
      overloaded{[&](const Medical&) { ++ambulances; },
                 [&](const Collision& c) { ambulances += c.injuries ? 1 : 0; }, [](const auto&) {}};
  for (const auto& incident : db.all<Incident>()) stitch::visit(*incident, count_ambulances);
  fmt::print("ambulances: {}\n", ambulances);

  // Visiting a Traffic needs cases for Traffic and the classes below it only.
  const auto describe = overloaded{[](const Collision&) { return std::string("collision"); },
                                   [](const Traffic&) { return std::string("traffic"); }};
  for (const auto& t : db.all<Traffic>().order_by(col<&Traffic::id>))  // Traffic or Collision
    fmt::print("{}: {}\n", t->address, stitch::visit(*t, describe));

  // An object of a class missing from the hierarchy cannot be visited, nor saved.
  Drill drill;
  Incident& unlisted = drill;
  try {
    (void)stitch::visit(unlisted, units_for{});
  } catch (const stitch::usage_error& e) {
    fmt::print("{}\n", e.what());
  }
}
