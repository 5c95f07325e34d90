// The classifier's end-to-end tests' main: Catch2's, plus --database TARGET to pick the
// backend (sqlite:file or postgres), as for stitch's integration tests.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <string>

#include "integration/support.hpp"

int main(int argc, char* argv[]) {
  Catch::Session session;
  std::string database;
  using namespace Catch::clara;
  auto cli = session.cli() | Opt(database, "target")["--database"](
                                 "the database the tests run on (sqlite:file, postgres)");
  session.cli(cli);
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  if (!database.empty()) stitch::test::select_database(database);
  return session.run();
}
