#include "replay_server.hpp"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "profile.hpp"

namespace classifier::replay {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
using header_list = std::vector<std::pair<std::string, std::string>>;
using param_list = std::vector<std::pair<std::string, std::string>>;

// What Socrata's servers put on a JSON answer; the metadata endpoint writes a space.
constexpr const char* rows_content_type = "application/json;charset=utf-8";
constexpr const char* metadata_content_type = "application/json; charset=utf-8";

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding as a server does it for a query string ('+' is a space).
std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

param_list query_params(std::string_view query) {
  param_list params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    params.emplace_back(url_decode(pair.substr(0, eq)),
                        eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1)));
  }
  return params;
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return s;
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

std::vector<std::string> split(std::string_view s, char separator) {
  std::vector<std::string> parts;
  std::size_t depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] == '(') ++depth;
    if (i < s.size() && s[i] == ')' && depth > 0) --depth;
    if (i == s.size() || (s[i] == separator && depth == 0)) {
      parts.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  return parts;
}

// A dataset built from a CSV file: its rows and what each column holds.
struct table {
  std::vector<std::string> fields;      // API names
  std::vector<std::string> soda_types;  // X-SODA2-Types names
  std::vector<std::vector<std::optional<std::string>>> rows;

  [[nodiscard]] std::optional<std::size_t> column(std::string_view field) const {
    const auto at = std::find(fields.begin(), fields.end(), field);
    if (at == fields.end()) return std::nullopt;
    return static_cast<std::size_t>(at - fields.begin());
  }
};

struct exchange {
  param_list params;  // decoded and sorted
  int status = 200;
  header_list headers;  // Content-Type included
  std::string body;
};

struct dataset {
  std::string metadata;              // the body of /api/views/ID.json
  std::vector<exchange> exchanges;   // a recorded dataset's /resource answers
  std::shared_ptr<const table> csv;  // or a CSV dataset's rows
};

struct scripted {
  int status;
  std::string body;
  int times;  // -1: for ever
  header_list headers;
};

struct controls {
  std::deque<scripted> scripts;
  std::optional<std::string> token;
  std::chrono::milliseconds delay{0};
};

// A query the replay server cannot answer: 400 in the query coordinator's shape.
struct query_error {
  std::string code;
  std::string message;
  ordered_json data;
};

query_error no_such_column(const std::string& name) {
  return {"query.soql.no-such-column", "No such column: " + name, ordered_json{{"column", name}}};
}

std::string error_body(const query_error& e) {
  return ordered_json{{"message", "Query coordinator error: " + e.code + "; " + e.message},
                      {"errorCode", e.code},
                      {"data", e.data}}
      .dump();
}

// Recorded datasets: views_ID.json, and the /resource exchanges of exchanges_ID.json.
std::map<std::string, std::shared_ptr<const dataset>> load_recordings(
    const std::filesystem::path& dir) {
  std::map<std::string, std::shared_ptr<const dataset>> out;
  if (!std::filesystem::is_directory(dir))
    throw std::runtime_error(dir.string() + ": no such directory of Socrata recordings");
  // Response headers that describe how the recording travelled, not what it says.
  const std::vector<std::string> transport = {"content-encoding",
                                              "transfer-encoding",
                                              "connection",
                                              "content-length",
                                              "date",
                                              "server",
                                              "age",
                                              "vary",
                                              "strict-transport-security"};
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (!file.starts_with("views_") || !file.ends_with(".json")) continue;
    const std::string id = file.substr(6, file.size() - 6 - 5);
    auto d = std::make_shared<dataset>();
    d->metadata = read_file(entry.path());
    const auto exchanges_file = dir / ("exchanges_" + id + ".json");
    if (std::filesystem::exists(exchanges_file)) {
      json recorded;
      try {
        recorded = json::parse(read_file(exchanges_file));
        for (const auto& x : recorded.at("exchanges")) {
          const std::string url = x.at("request").at("url").get<std::string>();
          const auto scheme = url.find("://");
          const auto path_at = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
          if (path_at == std::string::npos) continue;
          const auto query_at = url.find('?', path_at);
          const std::string path = url.substr(path_at, query_at - path_at);
          if (!path.starts_with("/resource/")) continue;  // the metadata: views_ID.json
          exchange e;
          if (query_at != std::string::npos) e.params = query_params(url.substr(query_at + 1));
          std::sort(e.params.begin(), e.params.end());
          const auto& response = x.at("response");
          e.status = response.at("status").get<int>();
          for (const auto& [name, value] : response.at("headers").items())
            if (std::find(transport.begin(), transport.end(), lowercase(name)) == transport.end())
              e.headers.emplace_back(name, value.get<std::string>());
          e.body = response.at("body").get<std::string>();
          d->exchanges.push_back(std::move(e));
        }
      } catch (const json::exception& e) {
        throw std::runtime_error(exchanges_file.string() + ": not a file of recorded exchanges (" +
                                 e.what() + ")");
      }
    }
    out.emplace(id, std::move(d));
  }
  return out;
}

// --- Datasets built from CSV files ------------------------------------------------------------

std::string field_name(const std::string& header) {
  std::string name = lowercase(header);
  for (auto& c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = '_';
  return name;
}

// The dataTypeName of a column whose present values have these types.
std::string data_type_name(value_type type) {
  switch (type) {
    case value_type::integer:
    case value_type::decimal:
      return "number";
    case value_type::timestamp:
      return "calendar_date";
    case value_type::boolean:
      return "checkbox";
    default:
      return "text";
  }
}

std::string soda_type(const std::string& data_type) {
  if (data_type == "calendar_date") return "floating_timestamp";
  if (data_type == "checkbox") return "boolean";
  return data_type;
}

struct built {
  std::shared_ptr<const table> rows;
  std::string metadata;
};

built build_csv_dataset(const std::string& id, const std::string& name,
                        const std::filesystem::path& csv) {
  auto t = std::make_shared<table>();
  std::vector<std::string> headers;
  (void)read_csv(
      csv, {},
      [&](std::span<const std::string> header) {
        headers.assign(header.begin(), header.end());
        for (const auto& h : header) {
          std::string field = field_name(h);
          // Two headers may differ only in case or punctuation.
          for (int n = 2; t->column(field); ++n) field = field_name(h) + "_" + std::to_string(n);
          t->fields.push_back(std::move(field));
        }
      },
      [&](const csv_row& row) {
        auto& values = t->rows.emplace_back();
        values.reserve(row.fields.size());
        for (const auto& v : row.fields)
          values.push_back(is_missing(v) ? std::nullopt : std::optional<std::string>(v));
      });

  ordered_json columns = ordered_json::array();
  for (std::size_t i = 0; i < t->fields.size(); ++i) {
    std::unordered_map<std::string_view, std::size_t> counts;
    std::optional<value_type> type;
    std::size_t present = 0;
    for (const auto& row : t->rows) {
      if (!row[i]) continue;
      ++present;
      ++counts[*row[i]];
      const auto here = type_of(*row[i]);
      const auto numeric = [](value_type x) {
        return x == value_type::integer || x == value_type::decimal;
      };
      if (!type)
        type = here;
      else if (numeric(*type) && numeric(here))
        type = value_type::decimal;
      else if (*type != here)
        type = value_type::text;
    }
    const std::string data_type = data_type_name(type.value_or(value_type::text));
    t->soda_types.push_back(soda_type(data_type));
    const auto less = [number = data_type == "number"](std::string_view a, std::string_view b) {
      if (!number) return a < b;
      return std::strtod(std::string(a).c_str(), nullptr) <
             std::strtod(std::string(b).c_str(), nullptr);
    };
    std::optional<std::string_view> smallest;
    std::optional<std::string_view> largest;
    for (const auto& [v, n] : counts) {
      if (!smallest || less(v, *smallest)) smallest = v;
      if (!largest || less(*largest, v)) largest = v;
    }
    std::vector<std::pair<std::string_view, std::size_t>> top(counts.begin(), counts.end());
    std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (top.size() > 20) top.resize(20);
    ordered_json top_json = ordered_json::array();
    for (const auto& [v, n] : top)
      top_json.push_back({{"item", std::string(v)}, {"count", std::to_string(n)}});
    ordered_json cached = {{"non_null", std::to_string(present)},
                           {"null", std::to_string(t->rows.size() - present)},
                           {"not_null", std::to_string(present)},
                           {"count", std::to_string(t->rows.size())},
                           {"cardinality", std::to_string(counts.size())}};
    if (smallest) {
      cached["smallest"] = std::string(*smallest);
      cached["largest"] = std::string(*largest);
    }
    cached["top"] = std::move(top_json);
    columns.push_back({{"id", 1000 + i},
                       {"name", headers[i]},
                       {"dataTypeName", data_type},
                       {"fieldName", t->fields[i]},
                       {"position", i + 1},
                       {"renderTypeName", data_type},
                       {"tableColumnId", 2000 + i},
                       {"cachedContents", std::move(cached)},
                       {"format", ordered_json::object()}});
  }
  const ordered_json view = {
      {"id", id},
      {"name", name},
      {"assetType", "dataset"},
      {"description", "Served by the classifier's replay server from " + csv.filename().string() +
                          " (" + std::to_string(t->rows.size()) + " rows)."},
      {"displayType", "table"},
      {"provenance", "official"},
      {"viewType", "tabular"},
      {"columns", std::move(columns)}};
  return {std::move(t), view.dump(2) + "\n"};
}

// One output column of a query over a CSV dataset.
struct select_item {
  enum class kind { field, count_rows, count_values } what;
  std::size_t column = 0;  // the field, or the field counted
  std::string key;         // the name in the JSON rows
};

struct result_set {
  std::vector<std::string> keys;
  std::vector<std::string> types;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

std::optional<std::string> param(const param_list& params, const std::string& name) {
  for (const auto& [n, v] : params)
    if (n == name) return v;
  return std::nullopt;
}

std::int64_t non_negative(const param_list& params, const std::string& name,
                          std::int64_t otherwise) {
  const auto text = param(params, name);
  if (!text) return otherwise;
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n < 0)
    throw query_error{"query.soql.bad-parse",
                      name + " must be a non-negative integer, not '" + *text + "'",
                      ordered_json{{"parameter", name}, {"value", *text}}};
  return n;
}

result_set run_query(const table& t, const param_list& params) {
  static const std::regex as_alias(R"(^(.*\S)\s+[aA][sS]\s+([A-Za-z_][A-Za-z0-9_]*)$)");
  static const std::regex count_call(R"(^[cC][oO][uU][nN][tT]\s*\(\s*(\*|[^()\s]+)\s*\)$)");
  static const std::regex identifier(R"(^[A-Za-z_:@][A-Za-z0-9_:@]*$)");

  std::vector<std::pair<std::size_t, std::string>> filters;  // column = value
  for (const auto& [name, value] : params) {
    if (name.starts_with("$$")) continue;  // $$app_token, $$bom: not about the rows
    if (name.starts_with("$")) {
      if (name == "$select" || name == "$group" || name == "$order" || name == "$limit" ||
          name == "$offset")
        continue;
      throw query_error{"replay.unsupported",
                        "the replay server does not support the parameter " + name,
                        ordered_json{{"parameter", name}}};
    }
    const auto column = t.column(name);
    if (!column) throw no_such_column(name);
    filters.emplace_back(*column, value);
  }

  result_set out;
  std::vector<select_item> items;
  for (const auto& text : split(param(params, "$select").value_or("*"), ',')) {
    std::smatch m;
    std::string expr = text;
    std::optional<std::string> alias;
    if (std::regex_match(text, m, as_alias)) {
      expr = trim(m[1].str());
      alias = m[2].str();
    }
    if (expr == "*" && !alias) {
      for (std::size_t i = 0; i < t.fields.size(); ++i)
        items.push_back({select_item::kind::field, i, t.fields[i]});
    } else if (std::regex_match(expr, m, count_call)) {
      const std::string counted = m[1].str();
      if (counted == "*") {
        items.push_back({select_item::kind::count_rows, 0, alias.value_or("count")});
      } else {
        const auto column = t.column(counted);
        if (!column) throw no_such_column(counted);
        items.push_back(
            {select_item::kind::count_values, *column, alias.value_or("count_" + counted)});
      }
    } else if (std::regex_match(expr, identifier)) {
      const auto column = t.column(expr);
      if (!column) throw no_such_column(expr);
      items.push_back({select_item::kind::field, *column, alias.value_or(expr)});
    } else {
      throw query_error{"replay.unsupported",
                        "the replay server cannot evaluate '" + text + "' in $select",
                        ordered_json{{"expression", text}}};
    }
  }
  for (const auto& item : items) {
    if (std::count(out.keys.begin(), out.keys.end(), item.key) > 0)
      throw query_error{"query.soql.duplicate-alias", "Duplicate alias: " + item.key,
                        ordered_json{{"name", item.key}}};
    out.keys.push_back(item.key);
    out.types.push_back(item.what == select_item::kind::field ? t.soda_types[item.column]
                                                              : "number");
  }

  std::vector<std::size_t> group;
  if (const auto text = param(params, "$group")) {
    for (const auto& name : split(*text, ',')) {
      const auto column = t.column(name);
      if (!column) throw no_such_column(name);
      group.push_back(*column);
    }
  }
  const bool aggregate =
      !group.empty() || std::any_of(items.begin(), items.end(), [](const select_item& i) {
        return i.what != select_item::kind::field;
      });
  if (aggregate)
    for (const auto& item : items)
      if (item.what == select_item::kind::field &&
          std::find(group.begin(), group.end(), item.column) == group.end())
        throw query_error{"query.soql.column-not-in-group-bys",
                          "Column not in group by: " + t.fields[item.column],
                          ordered_json{{"column", t.fields[item.column]}}};

  // Each result row: the selected values, then those only ordered by.
  struct order_key {
    std::size_t at;  // in the result row
    bool numeric;
    bool descending;
  };
  std::vector<order_key> order;
  std::vector<std::size_t> order_columns;  // fields ordered by but not selected
  if (const auto text = param(params, "$order")) {
    for (const auto& term : split(*text, ',')) {
      std::istringstream words(term);
      std::string key;
      std::string direction;
      std::string extra;
      words >> key >> direction >> extra;
      direction = lowercase(direction);
      if (key.empty() || !extra.empty() ||
          (!direction.empty() && direction != "asc" && direction != "desc"))
        throw query_error{"query.soql.bad-parse", "Could not parse $order term '" + term + "'",
                          ordered_json{{"order", *text}}};
      const auto selected = std::find(out.keys.begin(), out.keys.end(), key);
      if (selected != out.keys.end()) {
        const auto at = static_cast<std::size_t>(selected - out.keys.begin());
        order.push_back({at, out.types[at] == "number", direction == "desc"});
        continue;
      }
      const auto column = t.column(key);
      if (!column) throw no_such_column(key);
      if (aggregate && std::find(group.begin(), group.end(), *column) == group.end())
        throw query_error{"query.soql.column-not-in-group-bys", "Column not in group by: " + key,
                          ordered_json{{"column", key}}};
      order.push_back({items.size() + order_columns.size(), t.soda_types[*column] == "number",
                       direction == "desc"});
      order_columns.push_back(*column);
    }
  }

  const auto kept = [&](const std::vector<std::optional<std::string>>& row) {
    return std::all_of(filters.begin(), filters.end(),
                       [&](const auto& f) { return row[f.first] && *row[f.first] == f.second; });
  };
  std::vector<std::vector<std::optional<std::string>>> result;
  if (aggregate) {
    std::map<std::vector<std::optional<std::string>>, std::size_t> index;
    std::vector<const std::vector<std::optional<std::string>>*> first_rows;
    std::vector<std::vector<std::int64_t>> counts;
    for (const auto& row : t.rows) {
      if (!kept(row)) continue;
      std::vector<std::optional<std::string>> key;
      for (const auto column : group) key.push_back(row[column]);
      const auto [at, added] = index.emplace(std::move(key), first_rows.size());
      if (added) {
        first_rows.push_back(&row);
        counts.emplace_back(items.size(), 0);
      }
      for (std::size_t i = 0; i < items.size(); ++i)
        if (items[i].what == select_item::kind::count_rows ||
            (items[i].what == select_item::kind::count_values && row[items[i].column]))
          ++counts[at->second][i];
    }
    if (group.empty() && first_rows.empty()) {  // count(*) of no rows is one row of 0
      first_rows.push_back(nullptr);
      counts.emplace_back(items.size(), 0);
    }
    for (std::size_t g = 0; g < first_rows.size(); ++g) {
      auto& row = result.emplace_back();
      for (std::size_t i = 0; i < items.size(); ++i)
        row.push_back(items[i].what == select_item::kind::field
                          ? (*first_rows[g])[items[i].column]
                          : std::optional<std::string>(std::to_string(counts[g][i])));
      for (const auto column : order_columns) row.push_back((*first_rows[g])[column]);
    }
  } else {
    for (const auto& source : t.rows) {
      if (!kept(source)) continue;
      auto& row = result.emplace_back();
      for (const auto& item : items) row.push_back(source[item.column]);
      for (const auto column : order_columns) row.push_back(source[column]);
    }
  }

  // Nulls sort last going up and first going down, as in PostgreSQL.
  std::stable_sort(result.begin(), result.end(), [&](const auto& a, const auto& b) {
    for (const auto& k : order) {
      const auto& x = a[k.at];
      const auto& y = b[k.at];
      int c = 0;
      if (!x || !y)
        c = x ? -1 : (y ? 1 : 0);
      else if (k.numeric) {
        const double dx = std::strtod(x->c_str(), nullptr);
        const double dy = std::strtod(y->c_str(), nullptr);
        c = dx < dy ? -1 : (dx > dy ? 1 : 0);
      } else {
        c = x->compare(*y) < 0 ? -1 : (x->compare(*y) > 0 ? 1 : 0);
      }
      if (c != 0) return k.descending ? c > 0 : c < 0;
    }
    return false;
  });

  const auto limit = non_negative(params, "$limit", 1000);
  const auto offset = non_negative(params, "$offset", 0);
  const auto size = static_cast<std::int64_t>(result.size());
  const auto first = std::min(offset, size);
  const auto last = std::min(size, first + std::min(limit, size));
  for (auto i = first; i < last; ++i) {
    auto& row = result[static_cast<std::size_t>(i)];
    row.resize(items.size());
    out.rows.push_back(std::move(row));
  }
  return out;
}

// The SODA 2.1 wire layout: one row a line, a leading comma on every line but the first.
std::string rows_body(const result_set& a) {
  std::string body = "[";
  for (std::size_t r = 0; r < a.rows.size(); ++r) {
    if (r > 0) body += "\n,";
    body += '{';
    bool first = true;
    for (std::size_t i = 0; i < a.keys.size(); ++i) {
      if (!a.rows[r][i]) continue;  // nulls are left out
      if (!first) body += ',';
      first = false;
      body += json(a.keys[i]).dump() + ':' + json(*a.rows[r][i]).dump();
    }
    body += '}';
  }
  return body + "]\n";
}

}  // namespace

struct server::state {
  mutable std::mutex mutex;
  std::condition_variable stopping_changed;
  bool stopping = false;
  std::map<std::string, std::shared_ptr<const dataset>> datasets;
  std::map<std::string, controls> controls_by_id;
  std::vector<request> log;

  httplib::Server http;
  std::thread listener;
  int port = 0;

  void respond(const httplib::Request& req, httplib::Response& res);
};

void server::state::respond(const httplib::Request& req, httplib::Response& res) {
  request logged{req.path, {}, std::nullopt};
  for (const auto& [name, value] : req.params) logged.params.emplace(name, value);
  if (req.has_header("X-App-Token")) logged.app_token = req.get_header_value("X-App-Token");
  {
    const std::lock_guard lock(mutex);
    log.push_back(logged);
  }
  const auto send_json = [&](int status, const std::string& body, const char* content_type) {
    res.status = status;
    res.set_content(body, content_type);
  };

  static const std::regex endpoint(R"(^/(api/views|resource)/([^/.]+)(\.json)?$)");
  std::smatch m;
  if (!std::regex_match(req.path, m, endpoint)) {
    send_json(404,
              ordered_json{{"code", "not-found"},
                           {"error", true},
                           {"message", "Not found"},
                           {"data", {{"path", req.path}}}}
                  .dump(),
              rows_content_type);
    return;
  }
  const bool metadata = m[1].str() == "api/views";
  const std::string id = m[2].str();

  std::shared_ptr<const dataset> found;
  std::optional<std::string> token;
  std::optional<scripted> script;
  std::chrono::milliseconds wait{0};
  {
    const std::lock_guard lock(mutex);
    if (const auto d = datasets.find(id); d != datasets.end()) found = d->second;
    if (const auto c = controls_by_id.find(id); c != controls_by_id.end()) {
      token = c->second.token;
      wait = c->second.delay;
    }
  }
  if (wait.count() > 0) {
    std::unique_lock lock(mutex);
    (void)stopping_changed.wait_for(lock, wait, [&] { return stopping; });
  }
  if (token) {
    std::optional<std::string> sent = logged.app_token;
    if (const auto p = logged.params.find("$$app_token"); !sent && p != logged.params.end())
      sent = p->second;
    if (sent != token) {
      send_json(403,
                R"({"message": "You must be logged in to access this resource", "error": true})",
                metadata_content_type);
      return;
    }
  }
  {
    const std::lock_guard lock(mutex);
    if (const auto c = controls_by_id.find(id); c != controls_by_id.end()) {
      auto& scripts = c->second.scripts;
      if (!scripts.empty()) {
        script = scripts.front();
        if (scripts.front().times > 0 && --scripts.front().times == 0) scripts.pop_front();
      }
    }
  }
  if (script) {
    for (const auto& [name, value] : script->headers) res.set_header(name, value);
    send_json(script->status, script->body, rows_content_type);
    return;
  }

  if (!found) {
    send_json(404,
              ordered_json{{"code", "dataset.missing"},
                           {"error", true},
                           {"message", "Not found"},
                           {"data", {{"id", id}}}}
                  .dump(),
              metadata_content_type);
    return;
  }
  if (metadata) {
    send_json(200, found->metadata, metadata_content_type);
    return;
  }

  param_list params(req.params.begin(), req.params.end());
  std::sort(params.begin(), params.end());
  if (!found->csv) {
    std::erase_if(params, [](const auto& p) { return p.first == "$$app_token"; });
    for (const auto& x : found->exchanges) {
      if (x.params != params) continue;
      res.status = x.status;
      std::string content_type = rows_content_type;
      for (const auto& [name, value] : x.headers) {
        if (lowercase(name) == "content-type")
          content_type = value;
        else
          res.set_header(name, value);
      }
      res.set_content(x.body, content_type);
      return;
    }
    std::string query;
    for (const auto& [name, value] : params)
      query += (query.empty() ? "" : "&") + name + "=" + value;
    send_json(
        400,
        error_body({"replay.no-recording",
                    "no exchange of dataset " + id + " was recorded with the query '" + query + "'",
                    ordered_json{{"query", query}}}),
        rows_content_type);
    return;
  }

  try {
    const result_set a = run_query(*found->csv, params);
    res.set_header("X-SODA2-Fields", json(a.keys).dump());
    res.set_header("X-SODA2-Types", json(a.types).dump());
    send_json(200, rows_body(a), rows_content_type);
  } catch (const query_error& e) {
    send_json(400, error_body(e), rows_content_type);
  }
}

server::server(const std::filesystem::path& recordings_dir, int port)
    : state_(std::make_unique<state>()) {
  state_->datasets = load_recordings(recordings_dir);
  auto& http = state_->http;
  http.Get(R"(/.*)", [s = state_.get()](const httplib::Request& req, httplib::Response& res) {
    s->respond(req, res);
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                std::exception_ptr thrown) {
    std::string why = "unknown exception";
    try {
      std::rethrow_exception(thrown);
    } catch (const std::exception& e) {
      why = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(ordered_json{{"code", "internal"}, {"error", true}, {"message", why}}.dump(),
                    rows_content_type);
  });
  // A connection left idle by a client must not hold up the destructor for long.
  http.set_keep_alive_timeout(1);
  if (port == 0) {
    state_->port = http.bind_to_any_port("127.0.0.1");
    if (state_->port < 0) throw std::runtime_error("the replay server found no free port");
  } else {
    if (!http.bind_to_port("127.0.0.1", port))
      throw std::runtime_error("the replay server cannot listen on 127.0.0.1:" +
                               std::to_string(port));
    state_->port = port;
  }
  state_->listener = std::thread([s = state_.get()] { (void)s->http.listen_after_bind(); });
  // stop() does nothing until the loop runs, so the destructor must not come before that.
  while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

server::~server() {
  {
    const std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->stopping_changed.notify_all();
  state_->http.stop();
  if (state_->listener.joinable()) state_->listener.join();
}

std::string server::base_url() const { return "http://127.0.0.1:" + std::to_string(state_->port); }

int server::port() const noexcept { return state_->port; }

void server::serve_csv(const std::string& id, const std::string& name,
                       const std::filesystem::path& csv) {
  auto built = build_csv_dataset(id, name, csv);
  auto d = std::make_shared<dataset>();
  d->metadata = std::move(built.metadata);
  d->csv = std::move(built.rows);
  const std::lock_guard lock(state_->mutex);
  state_->datasets[id] = std::move(d);
}

std::vector<std::string> server::datasets() const {
  const std::lock_guard lock(state_->mutex);
  std::vector<std::string> ids;
  for (const auto& [id, d] : state_->datasets) ids.push_back(id);
  return ids;
}

void server::script(const std::string& id, int status, std::string body, int times,
                    std::vector<std::pair<std::string, std::string>> headers) {
  if (times == 0) return;
  const std::lock_guard lock(state_->mutex);
  state_->controls_by_id[id].scripts.push_back(
      {status, std::move(body), times < 0 ? -1 : times, std::move(headers)});
}

void server::require_token(const std::string& id, std::string token) {
  const std::lock_guard lock(state_->mutex);
  state_->controls_by_id[id].token = std::move(token);
}

void server::delay(const std::string& id, std::chrono::milliseconds wait) {
  const std::lock_guard lock(state_->mutex);
  state_->controls_by_id[id].delay = wait;
}

std::vector<request> server::requests() const {
  const std::lock_guard lock(state_->mutex);
  return state_->log;
}

}  // namespace classifier::replay
