#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "rules.hpp"

using classifier::rule_set;
using classifier::rules_error;

TEST_CASE("rules match in file order: exact, prefix, contains and regex", "[rules]") {
  const auto rules = rule_set::parse(
      "# a comment, then a blank line\n"
      "\n"
      "call_type  exact    \"Medical Incident\"   medical\n"
      "call_type  regex    \"^(Structure|Outside) Fire$\" fire\n"
      "call_type  prefix   EMS:                 medical\n"
      "call_type  contains ALARM                alarm\n"
      "priority   exact    E                    emergency\r\n",
      "calls.rules");
  REQUIRE(rules.rules().size() == 5);
  CHECK(rules.match("call_type", "Medical Incident")->category == "medical");
  CHECK(rules.match("call_type", "Medical Incident ") == nullptr);  // exact is exact
  CHECK(rules.match("call_type", "Outside Fire")->category == "fire");
  CHECK(rules.match("call_type", "Outside Fire Drill") == nullptr);  // anchored
  CHECK(rules.match("call_type", "EMS: FALL VICTIM")->category == "medical");
  CHECK(rules.match("call_type", "Fire: FIRE ALARM")->category == "alarm");
  CHECK(rules.match("call_type", "E") == nullptr);  // a rule applies to its target only
  const auto* e = rules.match("priority", "E");
  REQUIRE(e != nullptr);
  CHECK(e->category == "emergency");
  CHECK(rules.where(*e) == "calls.rules:7");
}

TEST_CASE("a quoted pattern may hold spaces and doubled quotes", "[rules]") {
  const auto rules = rule_set::parse(R"(call_type exact "say ""when""" quoted)", "q.rules");
  REQUIRE(rules.rules().size() == 1);
  CHECK(rules.rules()[0].pattern == R"(say "when")");
}

TEST_CASE("a bad rule is an error naming the file and line", "[rules]") {
  auto error_of = [](const std::string& text) {
    try {
      (void)rule_set::parse(text, "bad.rules");
    } catch (const rules_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("call_type exact Alarms\n") ==
        "bad.rules:1: a rule has four parts, target, match, pattern and class (3 found); quote "
        "a pattern with spaces");
  CHECK(error_of("\ncall_type exact Medical Incident medical\n")
            .starts_with("bad.rules:2: a rule has four parts"));
  CHECK(error_of("address exact X y")
            .starts_with("bad.rules:1: 'address' is not a categorical target of the common schema "
                         "(call_type,"));
  CHECK(error_of("call_type like X y") ==
        "bad.rules:1: unknown match 'like' (exact, prefix, contains or regex)");
  CHECK(error_of("call_type regex \"(unclosed\" y")
            .starts_with("bad.rules:1: the regex \"(unclosed\" does not compile"));
  CHECK(error_of("call_type exact \"open y") == "bad.rules:1: a quoted pattern is not closed");
  CHECK(error_of("call_type exact \"\" y") == "bad.rules:1: the pattern is empty");
  CHECK(error_of("call_type exact X \"\"") == "bad.rules:1: the class is empty");
  CHECK(error_of("call_type exact caf\xe9 y") ==
        "bad.rules:1: bytes that are not UTF-8 at column 20");
}

TEST_CASE("a rules file that cannot be opened names its path", "[rules]") {
  CHECK_THROWS_WITH(rule_set::load("/nonexistent/x.rules"),
                    "/nonexistent/x.rules: cannot open the rules file");
}

TEST_CASE("the bundled rules file loads", "[rules]") {
  const auto rules = rule_set::load(std::filesystem::path(CLASSIFIER_DATA).parent_path() / "rules" /
                                    "emergency_calls.rules");
  CHECK(rules.rules().size() == 19);
}
