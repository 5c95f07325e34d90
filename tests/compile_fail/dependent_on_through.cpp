// expect: \[stitch\] dependent options apply to has_many and has_one
// Checks: db.destroy of an owner with a dependent option on a through association.
#include "association_models.hpp"

struct Project;
struct TaskColumns {
  std::int64_t project_id = 0;
  std::int64_t field_id = 0;
};
struct Task : stitch::model<Task, TaskColumns> {
  stitch::belongs_to<Project> project;
  stitch::belongs_to<Field> field;
  using associations = stitch::associations<&Task::project, &Task::field>;
};
struct ProjectColumns {
  std::string name;
};
struct Project : stitch::model<Project, ProjectColumns> {
#ifdef STITCH_COMPILE_FAIL_CONTROL
  stitch::has_many<Task, stitch::dependent::destroy> tasks;
  stitch::has_many<Field, stitch::through<&Project::tasks>> fields;
#else
  stitch::has_many<Task> tasks;
  stitch::has_many<Field, stitch::through<&Project::tasks>, stitch::dependent::destroy> fields;
#endif
  using associations = stitch::associations<&Project::tasks, &Project::fields>;
};

bool remove(stitch::database& db, Project& project) { return db.destroy(project); }
