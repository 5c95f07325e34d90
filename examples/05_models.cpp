// Models: member types and the SQL types they get, automatic timestamps, table names.
#include <stitch/sqlite.hpp>
#include <stitch/stitch.hpp>

#include <fmt/core.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// One member of each supported type. created_at and updated_at are set by save().
struct ReadingColumns {
  std::int32_t station = 0;
  std::int64_t sequence = 0;
  double value = 0;
  bool valid = true;
  std::string unit;
  std::vector<std::byte> raw;
  std::optional<std::string> note;  // nullable
  timestamp measured_at{};
  timestamp created_at{};               // set on insert when it holds the epoch
  std::optional<timestamp> updated_at;  // set on insert when empty, and on every update
};
struct Reading : stitch::model<Reading, ReadingColumns> {
  static constexpr std::string_view table_name = "sensor_readings";  // instead of "readings"
  using text_columns = stitch::text_columns<&ReadingColumns::note>;  // text, not varchar
};

// A query on a class without subclasses yields the class itself.
static_assert(std::is_same_v<stitch::loaded_t<Reading>, Reading>);
static_assert(std::is_same_v<stitch::maybe_t<Reading>, std::optional<Reading>>);

int main() {
  auto db = stitch::sqlite::open(":memory:");
  for (const auto& statement : stitch::schema_sql<Reading>(db.sql_dialect()))
    fmt::print("{}\n", statement);
  db.create_schema<Reading>();

  using namespace std::chrono;
  const timestamp noon = sys_days{2024y / March / 1} + 12h;
  Reading reading;
  reading.station = 7;
  reading.unit = "degC";
  reading.value = 21.5;
  reading.measured_at = noon;
  db.save(reading);
  fmt::print("created_at set: {}, updated_at set: {}\n", reading.created_at != timestamp{},
             reading.updated_at.has_value());

  // Timestamps are stored as text, in UTC, as Rails writes them.
  auto stored = db.connection().prepare(R"(SELECT "measured_at" FROM "sensor_readings")");
  stored->step();
  fmt::print("measured_at is stored as '{}'\n", stored->get_text(0));

  const timestamp created = reading.created_at;
  reading.updated_at = noon;
  reading.value = 22.0;
  db.save(reading);  // an update: updated_at takes the current time, created_at is kept
  fmt::print("after update: created_at kept: {}, updated_at moved: {}\n",
             reading.created_at == created, reading.updated_at != noon);

  const Reading loaded = db.find<Reading>(reading.id);
  fmt::print("loaded: station {}, {} {}, measured at noon: {}, note: {}\n", loaded.station,
             loaded.value, loaded.unit, loaded.measured_at == noon, loaded.note.value_or("(null)"));

  // A timestamp column compares with a std::chrono::sys_time of any precision.
  const auto created_by_now = stitch::col<&Reading::created_at> <= system_clock::now();
  fmt::print("created by now: {}\n", db.all<Reading>().where(created_by_now).count());

  // Reads are strict: a value the member cannot hold exactly is a data_error that names the
  // column and the row. The text 't' and 'f' that Rails before 6.0 wrote loads as a bool.
  db.execute(R"(UPDATE "sensor_readings" SET "valid" = 'f')");
  fmt::print("valid: {}\n", db.find<Reading>(reading.id).valid);
  db.execute(R"(UPDATE "sensor_readings" SET "station" = 'seven')");
  try {
    (void)db.find<Reading>(reading.id);
  } catch (const stitch::data_error& e) {
    fmt::print("{}\n", e.what());
  }
}
