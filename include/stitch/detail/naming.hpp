#pragma once
// Rails naming conventions: "DataSource" -> "data_source" -> "data_sources".

#include <array>
#include <string>
#include <string_view>

namespace stitch::detail {

/// ActiveSupport's underscore: "DataSource" -> "data_source", "CSVFile" -> "csv_file".
inline std::string underscore(std::string_view name) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  std::string out;
  out.reserve(name.size() + 4);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == ':') {  // a qualified name keeps only its last part
      out.clear();
      continue;
    }
    if (upper(c)) {
      const bool after_word = i > 0 && lower_or_digit(name[i - 1]);
      const bool acronym_end =
          i > 0 && upper(name[i - 1]) && i + 1 < name.size() && lower_or_digit(name[i + 1]);
      if ((after_word || acronym_end) && !out.empty()) out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

/// ActiveSupport's English pluralization for the common cases (irregulars, uncountables,
/// -y, -s/-x/-ch/-sh, -f/-fe, -is, -um). Applied to the last word of a snake_case name.
inline std::string pluralize(std::string_view word) {
  static constexpr std::array<std::string_view, 12> uncountable = {
      "equipment", "information", "rice",  "money",  "species", "series",
      "fish",      "sheep",       "jeans", "police", "data",    "metadata"};
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> irregular = {{
      {"person", "people"},
      {"man", "men"},
      {"child", "children"},
      {"sex", "sexes"},
      {"move", "moves"},
      {"zombie", "zombies"},
      {"ox", "oxen"},
  }};
  const auto last_start = word.rfind('_') == std::string_view::npos ? 0 : word.rfind('_') + 1;
  const std::string_view head = word.substr(0, last_start);
  const std::string_view last = word.substr(last_start);
  auto ends_with = [&](std::string_view s) { return last.ends_with(s); };
  auto stem = [&](std::size_t drop) {
    return std::string(head) + std::string(last.substr(0, last.size() - drop));
  };
  for (auto u : uncountable)
    if (last == u) return std::string(word);
  for (auto [one, many] : irregular)
    if (last == one) return std::string(head) + std::string(many);
  if (last.empty()) return std::string(word);
  if (ends_with("quiz")) return std::string(word) + "zes";
  if (ends_with("matrix") || ends_with("vertex") || ends_with("index")) return stem(2) + "ices";
  if (ends_with("ouse") && (ends_with("mouse") || ends_with("louse"))) return stem(4) + "ice";
  if (ends_with("sis")) return stem(2) + "es";
  if (ends_with("ium") || ends_with("tum")) return stem(2) + "a";
  if (ends_with("alias") || ends_with("status") || ends_with("bus")) return std::string(word) + "es";
  if (ends_with("octopus") || ends_with("virus")) return stem(2) + "i";
  if (ends_with("axis") || ends_with("testis")) return stem(2) + "es";
  if (ends_with("s")) return std::string(word);
  if (ends_with("x") || ends_with("ch") || ends_with("ss") || ends_with("sh") || ends_with("z"))
    return std::string(word) + "es";
  if (ends_with("y") && last.size() > 1) {
    const char before = last[last.size() - 2];
    const bool vowel = before == 'a' || before == 'e' || before == 'i' || before == 'o' ||
                       before == 'u' || before == 'y';
    if (!vowel || ends_with("quy")) return stem(1) + "ies";
  }
  if (ends_with("hive")) return std::string(word) + "s";
  if (ends_with("fe") && !ends_with("ffe")) return stem(2) + "ves";
  if ((ends_with("lf") || ends_with("rf")) && last.size() > 2) return stem(1) + "ves";
  if (ends_with("buffalo") || ends_with("tomato")) return std::string(word) + "es";
  return std::string(word) + "s";
}

/// Rails' default table name for a class name: "DataSource" -> "data_sources".
inline std::string table_name_for(std::string_view class_name) {
  return pluralize(underscore(class_name));
}

}  // namespace stitch::detail
