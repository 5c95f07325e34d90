// The model the enum tests declare last: a Columns aggregate holding the test's enum Stage,
// whose declaration (the thing under test) comes before this file is included.
#pragma once

struct JobColumns {
  std::string name;
  Stage stage = Stage::queued;
};
struct Job : stitch::model<Job, JobColumns> {};

inline Job make() { return Job{}; }
