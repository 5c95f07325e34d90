#pragma once
// Rules files: how values of a target get their class, one rule per line, first match wins.
//
//   # target   match   pattern                              class
//   call_type  exact   "Medical Incident"                   medical
//   call_type  prefix  "EMS:"                               medical
//   call_type  regex   "^(Structure|Vehicle|Outside) Fire"  fire
//   priority   exact   E                                    emergency
//
// A token with spaces is quoted with double quotes ("" inside stands for one). Blank lines
// and lines starting with # are ignored. Matches: exact (the whole value), prefix, contains,
// regex (ECMAScript, found anywhere in the value unless anchored).

#include <cstddef>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace classifier {

/// A rules file that cannot be used; what() names the file and line.
class rules_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class match_kind { exact, prefix, contains, regex };

struct rule {
  std::string target;
  match_kind kind = match_kind::exact;
  std::string pattern;
  std::string category;
  std::size_t line = 0;
  std::regex compiled;  ///< for match_kind::regex

  [[nodiscard]] bool matches(std::string_view value) const;
};

class rule_set {
 public:
  /// Reads and checks a rules file: every target must be a categorical target of the common
  /// schema and every regex must compile. Throws rules_error.
  static rule_set load(const std::filesystem::path& file);
  /// Parses rules from text; `origin` names it in errors.
  static rule_set parse(std::string_view text, const std::string& origin);

  /// The first rule for `target` that matches `value`, or nullptr.
  [[nodiscard]] const rule* match(std::string_view target, std::string_view value) const;
  [[nodiscard]] const std::vector<rule>& rules() const noexcept { return rules_; }
  /// "rules.txt:4" for a rule of this set.
  [[nodiscard]] std::string where(const rule& r) const;
  /// "rules.txt": the file's name, which where() begins with.
  [[nodiscard]] std::string origin() const;

 private:
  std::string origin_;
  std::vector<rule> rules_;
};

}  // namespace classifier
