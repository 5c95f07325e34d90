#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using stitch::col;

namespace enums {

// Rails: `enum stage: { queued: 0, profiling: 1, classified: 2, failed: 9 }`.
enum class Stage { queued = 0, profiling = 1, classified = 2, failed = 9 };
// Values past 32 bits take a bigint column.
enum class Weight : std::int64_t { light = -1, normal = 0, heavy = std::int64_t{1} << 40 };
// Unsigned underlying types: one byte, and 64 bits with a value past 32.
enum class Flag : std::uint8_t { off = 0, on = 255 };
enum class Mask : std::uint64_t { none = 0, top = std::uint64_t{1} << 62 };

}  // namespace enums

// An enum's values are declared before a model holds it.
template <>
struct stitch::enum_traits<enums::Stage> {
  static constexpr stitch::enum_value<enums::Stage> values[] = {
      {enums::Stage::queued, "queued"},
      {enums::Stage::profiling, "profiling"},
      {enums::Stage::classified, "classified"},
      {enums::Stage::failed, "failed"}};
};
template <>
struct stitch::enum_traits<enums::Weight> {
  static constexpr stitch::enum_value<enums::Weight> values[] = {{enums::Weight::light, "light"},
                                                                 {enums::Weight::normal, "normal"},
                                                                 {enums::Weight::heavy, "heavy"}};
};
template <>
struct stitch::enum_traits<enums::Flag> {
  static constexpr stitch::enum_value<enums::Flag> values[] = {{enums::Flag::off, "off"},
                                                               {enums::Flag::on, "on"}};
};
template <>
struct stitch::enum_traits<enums::Mask> {
  static constexpr stitch::enum_value<enums::Mask> values[] = {{enums::Mask::none, "none"},
                                                               {enums::Mask::top, "top"}};
};

namespace enums {

struct SwitchColumns {
  Flag flag = Flag::off;
  std::optional<Mask> mask;
};
struct Switch : stitch::model<Switch, SwitchColumns> {};

struct JobColumns {
  std::string name;
  Stage stage = Stage::queued;
  std::optional<Stage> previous;
  std::optional<Weight> weight;
};
struct Job : stitch::model<Job, JobColumns> {};

// An enum declared by a subclass of a hierarchy (in the subclass's own table when joined).
struct TaskColumns {
  std::string name;
};
struct ImportTaskColumns {
  Stage import_stage = Stage::queued;
};
struct Task : stitch::model<Task, TaskColumns> {};
struct ImportTask : stitch::subclass<ImportTask, Task, ImportTaskColumns> {};

Job make_job(std::string name, Stage stage) {
  Job j;
  j.name = std::move(name);
  j.stage = stage;
  return j;
}

}  // namespace enums

template <>
struct stitch::hierarchy<enums::Task> : stitch::test::layout<enums::Task, enums::ImportTask> {};

using namespace enums;

TEST_CASE("an enum is stored as its integer, as Rails' enum stores it, and read back",
          "[types][enum]") {
  stitch::test::test_database db;
  db->create_schema<Job>();
  Job j = make_job("profile", Stage::failed);
  j.previous = Stage::profiling;
  j.weight = Weight::heavy;
  db->save(j);
  CHECK(db->query_value<std::int64_t>("SELECT stage FROM jobs WHERE id = ?", j.id) == 9);
  CHECK(db->query_value<std::int64_t>("SELECT previous FROM jobs WHERE id = ?", j.id) == 1);
  CHECK(db->query_value<std::int64_t>("SELECT weight FROM jobs WHERE id = ?", j.id) ==
        std::int64_t{1} << 40);
  Job found = db->find<Job>(j.id);
  CHECK(found.stage == Stage::failed);
  CHECK(found.previous == Stage::profiling);
  CHECK(found.weight == Weight::heavy);

  // Rows written by hand with each integer read as the enumerator it stands for.
  db->execute("INSERT INTO jobs (name, stage, previous, weight) VALUES ('raw', 2, NULL, -1)");
  auto raw = db->all<Job>().where(col<&Job::name> == "raw").first();
  REQUIRE(raw);
  CHECK(raw->stage == Stage::classified);
  CHECK_FALSE(raw->previous.has_value());
  CHECK(raw->weight == Weight::light);

  // An update writes the new integer.
  raw->stage = Stage::queued;
  raw->previous = Stage::classified;
  db->save(*raw);
  CHECK(db->query_value<std::int64_t>("SELECT stage FROM jobs WHERE id = ?", raw->id) == 0);
  CHECK(db->find<Job>(raw->id).previous == Stage::classified);
}

TEST_CASE("enum columns are compared, listed, plucked, ordered and read by query_value",
          "[types][enum][query]") {
  stitch::test::test_database db;
  db->create_schema<Job>();
  std::vector<Job> jobs{make_job("a", Stage::queued), make_job("b", Stage::failed),
                        make_job("c", Stage::classified), make_job("d", Stage::failed)};
  db->save_all(jobs);
  CHECK(db->all<Job>().where(col<&Job::stage> == Stage::failed).count() == 2);
  CHECK(db->all<Job>().where(col<&Job::stage> != Stage::failed).count() == 2);
  CHECK(db->all<Job>().where(col<&Job::stage>.in({Stage::queued, Stage::classified})).count() == 2);
  CHECK(db->all<Job>().where(col<&Job::previous> == std::optional<Stage>()).count() == 4);
  CHECK(db->all<Job>().where(stitch::sql("stage = ?", Stage::classified)).count() == 1);
  CHECK(db->all<Job>()
            .order_by(col<&Job::stage>.desc())
            .order_by(col<&Job::name>.asc())
            .pluck(col<&Job::stage>) ==
        std::vector<Stage>{Stage::failed, Stage::failed, Stage::classified, Stage::queued});
  CHECK(db->query_value<Stage>("SELECT stage FROM jobs WHERE name = ?", "c") == Stage::classified);
  CHECK(db->query_value<std::optional<Stage>>("SELECT previous FROM jobs WHERE name = ?", "c") ==
        std::nullopt);
}

TEST_CASE("a stored integer the enum does not declare names table, column, row and value",
          "[types][enum][errors]") {
  stitch::test::test_database db;
  db->create_schema<Job>();
  Job j = make_job("rails added a stage", Stage::queued);
  db->save(j);
  // What a Rails application writes after adding `archived: 3` to its enum.
  db->execute("UPDATE jobs SET stage = 3");
  try {
    (void)db->find<Job>(j.id);
    FAIL("an undeclared enum value was read");
  } catch (const stitch::data_error& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("column jobs.stage of row id " + std::to_string(j.id)) &&
                         Catch::Contains("holds 3") &&
                         Catch::Contains("enum Stage (queued = 0, profiling = 1, classified = 2, "
                                         "failed = 9)") &&
                         Catch::Contains("stitch::enum_traits<Stage>"));
  }
  CHECK_THROWS_WITH(db->all<Job>().pluck(col<&Job::stage>),
                    Catch::Contains("[stitch.data_error]") && Catch::Contains("holds 3"));
  CHECK_THROWS_WITH(db->query_value<Stage>("SELECT stage FROM jobs"),
                    Catch::Contains("[stitch.data_error]") && Catch::Contains("holds 3"));
  // The row is still there, unchanged, for whoever knows the value.
  CHECK(db->query_value<std::int64_t>("SELECT stage FROM jobs WHERE id = ?", j.id) == 3);
}

TEST_CASE("an undeclared enum value in a subclass's column names the table holding it",
          "[types][enum][errors][sti]") {
  stitch::test::test_database db;
  db->create_schema<Task>();
  ImportTask t;
  t.name = "import";
  t.import_stage = Stage::profiling;
  db->save(t);
  CHECK(db->find<ImportTask>(t.id).import_stage == Stage::profiling);
  const std::string table =
      stitch::test::joined_layout ? std::string("import_tasks") : std::string("tasks");
  db->execute("UPDATE " + table + " SET import_stage = 4");
  CHECK_THROWS_WITH(
      db->all<Task>().to_vector(),
      Catch::Contains("column " + table + ".import_stage of row id " + std::to_string(t.id)) &&
          Catch::Contains("holds 4"));
}

TEST_CASE("saving an enum holding an undeclared value names the column and writes nothing",
          "[types][enum][errors]") {
  stitch::test::test_database db;
  db->create_schema<Job>();
  Job bad = make_job("bad", static_cast<Stage>(5));
  CHECK_THROWS_WITH(db->save(bad), Catch::Contains("[stitch.data_error]") &&
                                       Catch::Contains("cannot save Job") &&
                                       Catch::Contains("column jobs.stage is 5") &&
                                       Catch::Contains("enum Stage (queued = 0"));
  CHECK(bad.new_record());
  CHECK(db->all<Job>().count() == 0);

  // One bad object among many: save_all writes none of them.
  std::vector<Job> jobs{make_job("a", Stage::queued), make_job("b", Stage::failed),
                        make_job("c", Stage::queued)};
  jobs[1].weight = static_cast<Weight>(7);
  CHECK_THROWS_WITH(db->save_all(jobs), Catch::Contains("column jobs.weight is 7"));
  CHECK(db->all<Job>().count() == 0);
  for (const auto& j : jobs) CHECK(j.new_record());

  // An update with an undeclared value leaves the row as it was.
  Job good = make_job("good", Stage::queued);
  db->save(good);
  good.stage = static_cast<Stage>(-2);
  CHECK_THROWS_WITH(db->save(good), Catch::Contains("column jobs.stage is -2"));
  CHECK(db->find<Job>(good.id).stage == Stage::queued);
}

TEST_CASE("create_schema gives an enum an integer column, bigint past 32 bits",
          "[types][enum][schema]") {
  stitch::test::test_database db;
  db->create_schema<Job>();
  const auto type_of = [&](const std::string& column) {
    if (db.backend() == "sqlite")
      return db->query_value<std::string>(
          "SELECT lower(type) FROM pragma_table_info('jobs') WHERE name = ?", column);
    return db->query_value<std::string>(
        "SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = 'jobs' AND column_name = ?",
        column);
  };
  CHECK(type_of("stage") == "integer");
  CHECK(type_of("previous") == "integer");
  CHECK(type_of("weight") == (db.backend() == "sqlite" ? "integer" : "bigint"));
  // NOT NULL follows std::optional, as for every column.
  Job j = make_job("x", Stage::queued);
  db->save(j);
  CHECK_THROWS_AS(db->execute("UPDATE jobs SET stage = NULL"), stitch::not_null_violation);
}

TEST_CASE("enums of unsigned underlying types keep their values, and name undeclared ones",
          "[types][enum]") {
  stitch::test::test_database db;
  db->create_schema<Switch>();
  Switch s;
  s.flag = Flag::on;
  s.mask = Mask::top;
  db->save(s);
  CHECK(db->query_value<std::int64_t>("SELECT flag FROM switches") == 255);
  CHECK(db->query_value<std::int64_t>("SELECT mask FROM switches") == std::int64_t{1} << 62);
  const Switch found = db->find<Switch>(s.id);
  CHECK(found.flag == Flag::on);
  CHECK(found.mask == Mask::top);
  CHECK(db->all<Switch>().where(col<&Switch::mask> == Mask::top).count() == 1);

  // A value past the largest signed 64-bit integer is named as the unsigned value it is.
  s.mask = static_cast<Mask>(~std::uint64_t{0});
  CHECK_THROWS_WITH(db->save(s), Catch::Contains("column switches.mask is 18446744073709551615"));
  CHECK_THROWS_AS(
      db->all<Switch>().where(col<&Switch::mask> == static_cast<Mask>(~std::uint64_t{0})),
      stitch::usage_error);
  CHECK(db->find<Switch>(s.id).mask == Mask::top);
}
