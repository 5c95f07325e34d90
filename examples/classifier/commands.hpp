#pragma once
// stitch-classifier's command line: the subcommands, their output (text or JSON) and the exit
// status, in one function that main() and the tests call alike.

#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

namespace classifier {

/// Exit statuses: 0 success; 1 the user's input is wrong (a bad argument, file, rule, mapping,
/// dataset id, or a request the portal refused); 2 the environment failed (the database or the
/// network cannot be reached, a server error that outlasted the retries).
enum exit_status : int { success = 0, user_failure = 1, environment_failure = 2 };

/// Input the user can fix; exits with status 1.
class user_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Runs `stitch-classifier args...` (args[0] is the program's name). Writes results to `out`
/// and messages to `err`, where a progress bar is drawn when `err_is_terminal`.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        bool err_is_terminal);

}  // namespace classifier
