#pragma once
// Models shared by the integration tests: the classifier's data sources (an STI hierarchy
// three levels deep), a plain model with every column type, and hierarchies that exercise
// the unknown-type policies and overridden names.

#include <stitch/stitch.hpp>

#include "integration/support.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace models {

using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

struct DataSourceColumns {
  std::string name;
  std::optional<std::string> description;
  timestamp created_at{};
  timestamp updated_at{};
};
struct CsvFileColumns {
  std::string path;
  std::string delimiter = ",";
  std::int64_t row_count = 0;
};
struct CompressedCsvFileColumns {
  std::string compression = "gzip";
};
struct SocrataColumns {
  std::string domain;
  std::string dataset_id;
  std::optional<std::string> app_token;
};

struct DataSource : stitch::model<DataSource, DataSourceColumns> {
  virtual std::string describe() const { return "a data source"; }
};
struct CsvFile : stitch::subclass<CsvFile, DataSource, CsvFileColumns> {
  std::string describe() const override { return "a CSV file at " + path; }
};
struct CompressedCsvFile : stitch::subclass<CompressedCsvFile, CsvFile, CompressedCsvFileColumns> {
  std::string describe() const override { return "a " + compression + " CSV file at " + path; }
};
struct Socrata : stitch::subclass<Socrata, DataSource, SocrataColumns> {
  std::string describe() const override {
    return "Socrata dataset " + dataset_id + " on " + domain;
  }
};

/// Every supported member type, each also as std::optional.
struct SampleColumns {
  std::int32_t small = 0;
  std::int64_t big = 0;
  double real = 0;
  bool flag = false;
  std::string text;
  timestamp at{};
  std::chrono::sys_time<std::chrono::seconds> at_seconds{};
  std::vector<std::byte> bytes;
  std::optional<std::int32_t> maybe_small;
  std::optional<std::int64_t> maybe_big;
  std::optional<double> maybe_real;
  std::optional<bool> maybe_flag;
  std::optional<std::string> maybe_text;
  std::optional<timestamp> maybe_at;
  std::optional<std::vector<std::byte>> maybe_bytes;
};
struct Sample : stitch::model<Sample, SampleColumns> {};

/// A plain model with a unique index (created by the tests).
struct TagColumns {
  std::string name;
};
struct Tag : stitch::model<Tag, TagColumns> {};

/// A hierarchy with overridden table and type names, and rows of unknown type skipped.
struct VehicleColumns {
  std::string label;
};
struct CarColumns {
  std::int32_t doors = 4;
};
struct Vehicle : stitch::model<Vehicle, VehicleColumns> {
  static constexpr std::string_view table_name = "fleet";
};
struct Car : stitch::subclass<Car, Vehicle, CarColumns> {
  static constexpr std::string_view sti_name = "car";
};

/// A hierarchy whose rows of unknown type load as the root.
struct AnimalColumns {
  std::string name;
};
struct DogColumns {
  bool good = true;
};
struct Animal : stitch::model<Animal, AnimalColumns> {};
struct Dog : stitch::subclass<Dog, Animal, DogColumns> {};

/// A hierarchy whose root is abstract: every row must be of a concrete subclass.
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
  double area() const override { return 3.0 * radius * radius; }
};

/// A plain model for the query tests: text, integer, real and nullable columns.
struct CallColumns {
  std::string township;
  std::int32_t priority = 3;
  std::optional<std::string> note;
  double latitude = 0;
};
struct Call : stitch::model<Call, CallColumns> {};

/// Tag's table seen through a nullable member, to send NULL into its NOT NULL column.
struct NullableTagColumns {
  std::optional<std::string> name;
};
struct NullableTag : stitch::model<NullableTag, NullableTagColumns> {
  static constexpr std::string_view table_name = "tags";
};

/// Hostile identifiers: a table name with quotes, SQL keywords as column names, and a
/// discriminator with quotes and a statement in it. Short enough for PostgreSQL's 63 bytes.
struct OddColumns {
  std::string select;
  std::int32_t order = 0;
  std::optional<std::string> from;
};
struct OddChildColumns {
  std::int32_t group = 0;
};
struct Odd : stitch::model<Odd, OddColumns> {
  static constexpr std::string_view table_name = "odd \"q\" 't'; --";
};
struct OddChild : stitch::subclass<OddChild, Odd, OddChildColumns> {
  static constexpr std::string_view sti_name = "it's \"odd\"'); DROP TABLE x; --";
};

/// A UTC time to the microsecond.
inline timestamp at(int y, unsigned m, unsigned d, int h, int mi, int s, int us) {
  using namespace std::chrono;
  return sys_days(year(y) / m / d) + hours(h) + minutes(mi) + seconds(s) + microseconds(us);
}

inline Tag make_tag(std::string name) {
  Tag t;
  t.name = std::move(name);
  return t;
}

}  // namespace models

template <>
struct stitch::hierarchy<models::DataSource>
    : stitch::test::layout<models::DataSource, models::CsvFile, models::CompressedCsvFile,
                           models::Socrata> {};

template <>
struct stitch::hierarchy<models::Vehicle> : stitch::test::layout<models::Vehicle, models::Car> {
  static constexpr auto on_unknown_type = stitch::unknown_type_policy::skip;
};

template <>
struct stitch::hierarchy<models::Animal> : stitch::test::layout<models::Animal, models::Dog> {
  static constexpr auto on_unknown_type = stitch::unknown_type_policy::load_as_root;
};

template <>
struct stitch::hierarchy<models::Shape> : stitch::test::layout<models::Shape, models::Circle> {};

template <>
struct stitch::hierarchy<models::Odd> : stitch::test::layout<models::Odd, models::OddChild> {};
