#pragma once
// Rails naming conventions: "DataSource" -> "data_source" -> "data_sources".

#include <array>
#include <string>
#include <string_view>

namespace stitch::detail {

/// ActiveSupport's underscore: "DataSource" -> "data_source", "HTML5Parser" -> "html5_parser".
/// Rails applies /([A-Z\d]+)([A-Z][a-z])/ -> '\1_\2', then /([a-z\d])([A-Z])/ -> '\1_\2',
/// then downcases. A qualified name keeps its last part. S is any string type with
/// push_back, size and operator[] (std::string, or a fixed buffer at compile time).
template <class S>
constexpr S underscore_as(std::string_view name) {
  if (const auto sep = name.rfind("::"); sep != std::string_view::npos) name.remove_prefix(sep + 2);
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  S first{};
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (i > 0 && upper(name[i]) && i + 1 < name.size() && lower(name[i + 1]) &&
        (upper(name[i - 1]) || digit(name[i - 1])))
      first.push_back('_');
    first.push_back(name[i]);
  }
  S out{};
  for (std::size_t i = 0; i < first.size(); ++i) {
    const char c = first[i];
    if (i > 0 && upper(c) && (lower(first[i - 1]) || digit(first[i - 1]))) out.push_back('_');
    out.push_back(upper(c) ? static_cast<char>(c - 'A' + 'a') : (c == '-' ? '_' : c));
  }
  return out;
}

inline std::string underscore(std::string_view name) { return underscore_as<std::string>(name); }

/// ActiveSupport's English pluralization: its irregular words, uncountable words and suffix
/// rules, tried in Rails' order (the last rule defined wins).
inline std::string pluralize(std::string_view word) {
  static constexpr std::array<std::string_view, 10> uncountable = {
      "equipment", "information", "rice",  "money", "species",
      "series",    "fish",        "sheep", "jeans", "police"};
  // Rails matches irregular words at the end: "salesperson" -> "salespeople".
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> irregular = {{
      {"zombie", "zombies"},
      {"move", "moves"},
      {"sex", "sexes"},
      {"child", "children"},
      {"man", "men"},
      {"person", "people"},
  }};
  const std::string w(word);
  auto ends = [&](std::string_view suffix) { return w.ends_with(suffix); };
  auto cut = [&](std::size_t n) { return w.substr(0, w.size() - n); };
  auto before = [&](std::size_t n) { return w.size() > n ? w[w.size() - n - 1] : '\0'; };
  auto vowel = [](char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
  };

  if (w.empty()) return w;
  for (auto u : uncountable)
    if (w == u) return w;
  for (auto [one, many] : irregular) {
    if (ends(one)) return cut(one.size()) + std::string(many);
    if (ends(many)) return w;
  }
  if (ends("quiz")) return w + "zes";
  if (w == "ox") return "oxen";
  if (w == "oxen" || w == "mice" || w == "lice") return w;
  if (w == "mouse" || w == "louse") return cut(4) + "ice";
  if (ends("matrix") || ends("vertex") || ends("index")) return cut(2) + "ices";
  if (ends("x") || ends("ch") || ends("ss") || ends("sh")) return w + "es";
  if (ends("y") && (ends("quy") || (w.size() > 1 && !vowel(before(1))))) return cut(1) + "ies";
  if (ends("hive")) return w + "s";
  if ((ends("fe") && before(2) != 'f' && w.size() > 2) ||
      (ends("f") && (before(1) == 'l' || before(1) == 'r')))
    return cut(ends("fe") ? 2 : 1) + "ves";
  if (ends("sis")) return cut(3) + "ses";
  if (ends("ta") || ends("ia")) return w;
  if (ends("tum") || ends("ium")) return cut(2) + "a";
  if (ends("buffalo") || ends("tomato")) return w + "es";
  if (ends("bus")) return w + "es";
  if (ends("alias") || ends("status")) return w + "es";
  if (ends("octopi") || ends("viri")) return w;
  if (ends("octopus") || ends("virus")) return cut(2) + "i";
  if (w == "axis" || w == "testis") return cut(2) + "es";
  if (ends("s")) return w;
  return w + "s";
}

/// Rails' default table name for a class name: "DataSource" -> "data_sources".
inline std::string table_name_for(std::string_view class_name) {
  return pluralize(underscore(class_name));
}

}  // namespace stitch::detail
