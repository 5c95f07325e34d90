#include "rules.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <utility>

#include "csv_reader.hpp"
#include "targets.hpp"

namespace classifier {
namespace {

constexpr std::array<std::pair<std::string_view, match_kind>, 4> kinds{{
    {"exact", match_kind::exact},
    {"prefix", match_kind::prefix},
    {"contains", match_kind::contains},
    {"regex", match_kind::regex},
}};

// Splits a line into whitespace-separated tokens; a token may be quoted, with "" for a quote.
std::vector<std::string> tokens_of(std::string_view line, const std::string& where) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i == line.size()) break;
    std::string token;
    if (line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            token += '"';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        token += line[i++];
      }
      if (!closed) throw rules_error(where + ": a quoted pattern is not closed");
      if (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
        throw rules_error(where + ": text right after a closing quote");
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
        token += line[i++];
    }
    out.push_back(std::move(token));
  }
  return out;
}

}  // namespace

bool rule::matches(std::string_view value) const {
  switch (kind) {
    case match_kind::exact:
      return value == pattern;
    case match_kind::prefix:
      return value.starts_with(pattern);
    case match_kind::contains:
      return value.find(pattern) != std::string_view::npos;
    case match_kind::regex:
      return std::regex_search(value.begin(), value.end(), compiled);
  }
  return false;
}

rule_set rule_set::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw rules_error(file.string() + ": cannot open the rules file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw rules_error(file.string() + ": cannot read the rules file");
  return parse(text.str(), file.string());
}

rule_set rule_set::parse(std::string_view text, const std::string& origin) {
  rule_set out;
  out.origin_ = origin;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    const std::string where = origin + ":" + std::to_string(line_number);
    if (const auto bad = invalid_utf8_at(line); bad != std::string_view::npos)
      throw rules_error(where + ": bytes that are not UTF-8 at column " + std::to_string(bad + 1));
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    auto tokens = tokens_of(line, where);
    if (tokens.size() != 4)
      throw rules_error(where + ": a rule has four parts, target, match, pattern and class (" +
                        std::to_string(tokens.size()) + " found); quote a pattern with spaces");
    rule r;
    r.line = line_number;
    r.target = std::move(tokens[0]);
    const auto* t = find_target(r.target);
    if (t == nullptr || !t->categorical)
      throw rules_error(where + ": '" + r.target +
                        "' is not a categorical target of the common schema (" +
                        target_names(true) + ")");
    const auto kind =
        std::ranges::find(kinds, tokens[1], &std::pair<std::string_view, match_kind>::first);
    if (kind == kinds.end())
      throw rules_error(where + ": unknown match '" + tokens[1] +
                        "' (exact, prefix, contains or regex)");
    r.kind = kind->second;
    r.pattern = std::move(tokens[2]);
    r.category = std::move(tokens[3]);
    if (r.pattern.empty()) throw rules_error(where + ": the pattern is empty");
    if (r.category.empty()) throw rules_error(where + ": the class is empty");
    if (r.kind == match_kind::regex) {
      try {
        r.compiled = std::regex(r.pattern, std::regex::ECMAScript | std::regex::optimize);
      } catch (const std::regex_error& e) {
        throw rules_error(where + ": the regex \"" + r.pattern +
                          "\" does not compile: " + e.what());
      }
    }
    out.rules_.push_back(std::move(r));
  }
  return out;
}

const rule* rule_set::match(std::string_view target, std::string_view value) const {
  for (const auto& r : rules_)
    if (r.target == target && r.matches(value)) return &r;
  return nullptr;
}

std::string rule_set::origin() const { return std::filesystem::path(origin_).filename().string(); }

std::string rule_set::where(const rule& r) const { return origin() + ":" + std::to_string(r.line); }

}  // namespace classifier
