#include "socrata.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>

namespace classifier::socrata {
namespace {

using json = nlohmann::json;

// libcurl's global state: set up once, before the first handle, by whichever thread gets there
// first (a function-local static is initialised exactly once), and torn down at exit.
class curl_library {
 public:
  curl_library() : code_(curl_global_init(CURL_GLOBAL_DEFAULT)) {}
  ~curl_library() {
    if (code_ == CURLE_OK) curl_global_cleanup();
  }
  curl_library(const curl_library&) = delete;
  curl_library& operator=(const curl_library&) = delete;
  [[nodiscard]] CURLcode code() const noexcept { return code_; }

 private:
  CURLcode code_;
};

CURLcode init_curl() {
  static const curl_library library;
  return library.code();
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

std::string_view reason(long status) {
  switch (status) {
    case 202:
      return "Request Processing";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 410:
      return "Gone";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return {};
  }
}

// Socrata's own explanation from an error body in either of its shapes,
// {"code", "error", "message", "data"} or the query coordinator's {"message", "errorCode",
// "data"}; empty when the body is not one of them (an HTML page from a proxy, say).
std::string socrata_message(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return {};
  const auto text = [&](const char* key) {
    const auto found = j.find(key);
    return found != j.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  const std::string message = text("message");
  std::string code = text("errorCode");
  if (code.empty()) code = text("code");
  // The query coordinator repeats its code inside the message.
  if (code.empty() || message.find(code) != std::string::npos) return message;
  if (message.empty()) return code;
  return code + ": " + message;
}

bool retried_status(long status) { return status == 202 || status == 429 || status >= 500; }

error http_error(const std::string& url, long status, const std::string& body, int attempts,
                 bool has_token) {
  std::string text = "GET " + url + ": HTTP " + std::to_string(status);
  if (const auto phrase = reason(status); !phrase.empty()) text += " " + std::string(phrase);
  if (retried_status(status) && attempts > 1)
    text += " after " + std::to_string(attempts) + " attempts";
  if (const auto message = socrata_message(body); !message.empty()) text += ": " + message;
  if (status == 401 || status == 403)
    text += has_token ? "; the dataset may be private: the app token alone does not give access "
                        "to it, credentials of an account that may read it are needed"
                      : "; the dataset may be private: an app token or credentials with access "
                        "to it may be needed";
  else if (status == 404)
    text += "; the dataset or the portal was not found (check the dataset id and the domain)";
  else if (status == 429)
    text += has_token ? "; the portal is throttling even this app token, try again later"
                      : "; use an app token (sent as X-App-Token: add the source with "
                        "--app-token, or set SOCRATA_APP_TOKEN) to avoid throttling";
  const bool mistake = status >= 400 && status < 500 && status != 429;
  return {mistake ? failure::request : failure::server, url, static_cast<int>(status), text};
}

// nlohmann's message without its "[json.exception.parse_error.101] " prefix.
std::string parse_error_text(const json::exception& e) {
  const std::string what = e.what();
  const auto end = what.find("] ");
  return what.front() == '[' && end != std::string::npos ? what.substr(end + 2) : what;
}

// A count or statistic that Socrata sends as a string ("9226") now and as a number in older
// responses.
std::optional<std::int64_t> to_integer(const json& v) {
  if (v.is_number_unsigned()) {
    const auto n = v.get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    return static_cast<std::int64_t>(n);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::floor(d) != d || std::fabs(d) > 9.0e18) return std::nullopt;
    return static_cast<std::int64_t>(d);
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size()) return n;
  }
  return std::nullopt;
}

std::optional<std::int64_t> integer_at(const json& object, const char* key) {
  const auto found = object.find(key);
  return found == object.end() ? std::nullopt : to_integer(*found);
}

std::string string_at(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// A group's value as text: Socrata sends strings, but a number or a boolean is kept as written.
std::string value_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

bool has_flag(const json& column, std::string_view flag) {
  const auto flags = column.find("flags");
  if (flags == column.end() || !flags->is_array()) return false;
  return std::any_of(flags->begin(), flags->end(),
                     [&](const json& f) { return f.is_string() && f.get<std::string>() == flag; });
}

column parse_column(const json& c) {
  column out;
  out.field_name = c.at("fieldName").get<std::string>();
  out.name = string_at(c, "name");
  if (out.name.empty()) out.name = out.field_name;
  out.data_type = string_at(c, "dataTypeName");
  const auto cached = c.find("cachedContents");
  if (cached == c.end() || !cached->is_object()) return out;
  out.non_null = integer_at(*cached, "non_null");
  if (!out.non_null) out.non_null = integer_at(*cached, "not_null");
  out.nulls = integer_at(*cached, "null");
  out.cardinality = integer_at(*cached, "cardinality");
  const auto top = cached->find("top");
  if (top == cached->end() || !top->is_array()) return out;
  constexpr std::size_t most = 20;
  for (const auto& entry : *top) {
    if (out.top.size() == most) break;
    if (!entry.is_object() || !entry.contains("item") || entry.at("item").is_null()) continue;
    const auto count = integer_at(entry, "count");
    if (!count || *count < 0) continue;
    out.top.push_back({value_text(entry.at("item")), static_cast<std::size_t>(*count)});
  }
  return out;
}

}  // namespace

bool valid_dataset_id(std::string_view id) noexcept {
  if (id.size() != 9 || id[4] != '-') return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 4) continue;
    const char c = id[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::string base_url(std::string_view domain) {
  std::string url(domain);
  if (url.find("://") == std::string::npos) url = "https://" + url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

value_type type_of_data_type(std::string_view data_type) noexcept {
  if (data_type == "number") return value_type::decimal;
  if (data_type == "calendar_date" || data_type == "date") return value_type::timestamp;
  if (data_type == "checkbox") return value_type::boolean;
  return value_type::text;
}

void client::curl_cleanup::operator()(void* handle) const noexcept { curl_easy_cleanup(handle); }

client::client(client_options options) : options_(std::move(options)) {}

client::reply client::get(const std::string& path, const query_params& query) {
  const std::string base = socrata::base_url(options_.base_url);
  std::string shown = base + path;
  if (const CURLcode code = init_curl(); code != CURLE_OK)
    throw error(failure::unreachable, shown, 0,
                std::string("libcurl could not be initialised: ") + curl_easy_strerror(code));
  if (!curl_) curl_.reset(curl_easy_init());
  if (!curl_) throw error(failure::unreachable, shown, 0, "libcurl could not create a handle");
  CURL* const curl = curl_.get();

  const auto escape = [&](const std::string& s) {
    char* escaped = curl_easy_escape(curl, s.data(), static_cast<int>(s.size()));
    if (escaped == nullptr) throw std::bad_alloc();
    std::string out(escaped);
    curl_free(escaped);
    return out;
  };
  std::string wire = shown;
  char separator = '?';
  for (const auto& [name, value] : query) {
    shown += separator + name + '=' + value;
    wire += separator + escape(name) + '=' + escape(value);
    separator = '&';
  }

  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr,
                                                                      &curl_slist_free_all);
  const auto add_header = [&](const std::string& header) {
    curl_slist* longer = curl_slist_append(headers.get(), header.c_str());
    if (longer == nullptr) throw std::bad_alloc();
    (void)headers.release();
    headers.reset(longer);
  };
  add_header("Accept: application/json");
  if (options_.app_token) add_header("X-App-Token: " + *options_.app_token);

  std::string body;
  char curl_message[CURL_ERROR_SIZE] = {};
  // The handle keeps pointers to the buffers above; forget them (and every option) on the way
  // out, so that nothing dangles between requests. The connection cache survives a reset.
  struct forget_options {
    CURL* curl;
    ~forget_options() { curl_easy_reset(curl); }
  } const forget{curl};
  curl_easy_setopt(curl, CURLOPT_URL, wire.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "stitch-classifier");
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  // Timeouts without SIGALRM: the client may run on any thread.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // A redirect would carry the app token's header to wherever it points: with a token, a
  // redirect is answered as it is (an error naming the status) instead of followed.
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, options_.app_token ? 0L : 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_message);

  const int attempts = std::max(1, options_.attempts);
  for (int attempt = 1;; ++attempt) {
    body.clear();
    curl_message[0] = '\0';
    ++requests_;
    const CURLcode code = curl_easy_perform(curl);
    const bool last = attempt >= attempts;
    std::int64_t retry_after = 0;  // seconds, from a Retry-After header

    if (code != CURLE_OK) {
      if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL)
        throw error(failure::request, shown, 0,
                    "GET " + shown + ": not a URL libcurl can fetch (" +
                        (curl_message[0] != '\0' ? curl_message : curl_easy_strerror(code)) +
                        "); a portal is a domain such as data.sfgov.org or an http(s) URL");
      // A refused connection or a timeout may pass; a name that does not resolve or a TLS
      // failure will not.
      const bool transient = code == CURLE_COULDNT_CONNECT || code == CURLE_OPERATION_TIMEDOUT ||
                             code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR ||
                             code == CURLE_GOT_NOTHING || code == CURLE_PARTIAL_FILE;
      if (!transient || last) {
        std::string text = "GET " + shown + ": no response";
        if (attempt > 1) text += " after " + std::to_string(attempt) + " attempts";
        if (code == CURLE_OPERATION_TIMEDOUT)
          text += ": timed out (the limits are " + std::to_string(options_.timeout.count()) +
                  " ms for a request and " + std::to_string(options_.connect_timeout.count()) +
                  " ms to connect)";
        text += ": ";
        text += curl_message[0] != '\0' ? curl_message : curl_easy_strerror(code);
        throw error(failure::unreachable, shown, 0, text);
      }
    } else {
      long status = 0;
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
      if (status >= 200 && status < 300 && status != 202)
        return {shown, static_cast<int>(status), std::move(body)};
      if (!retried_status(status) || last)
        throw http_error(shown, status, body, attempt, options_.app_token.has_value());
      curl_off_t seconds = -1;
      if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &seconds) == CURLE_OK && seconds > 0)
        retry_after = static_cast<std::int64_t>(seconds);
    }

    auto wait = std::min(options_.first_wait, options_.longest_wait);
    for (int i = 1; i < attempt && wait < options_.longest_wait; ++i)
      wait = std::min(wait * 2, options_.longest_wait);
    if (retry_after > 0)
      wait = std::min(std::max(wait, std::chrono::milliseconds(retry_after * 1000)),
                      options_.longest_wait);
    std::this_thread::sleep_for(wait);
  }
}

namespace {

json parse_json(const std::string& url, int status, const std::string& body) {
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    throw error(failure::server, url, status,
                "GET " + url + ": HTTP " + std::to_string(status) +
                    " with a body that is not JSON: " + parse_error_text(e));
  }
}

error not_a_dataset_id(const std::string& id, const std::string& url) {
  return {
      failure::request, url, 0,
      "\"" + id + "\" is not a Socrata dataset id (expected the form xxxx-xxxx, e.g. nuek-vuh3)"};
}

error unexpected(const std::string& url, int status, const std::string& expected) {
  return {failure::server, url, status,
          "GET " + url + ": HTTP " + std::to_string(status) +
              " with JSON of an unexpected shape: expected " + expected};
}

}  // namespace

dataset client::metadata(const std::string& id) {
  const std::string path = "/api/views/" + id + ".json";
  if (!valid_dataset_id(id))
    throw not_a_dataset_id(id, socrata::base_url(options_.base_url) + path);
  if (const auto cached = metadata_.find(id); cached != metadata_.end()) return cached->second;

  const auto answer = get(path, {});
  const json j = parse_json(answer.url, answer.status, answer.body);
  const auto columns = j.find("columns");
  if (!j.is_object() || columns == j.end() || !columns->is_array())
    throw unexpected(answer.url, answer.status, "an object with a \"columns\" array");

  dataset out;
  out.id = string_at(j, "id");
  if (out.id.empty()) out.id = id;
  out.name = string_at(j, "name");
  out.description = string_at(j, "description");
  std::vector<std::pair<std::int64_t, column>> positioned;
  for (const auto& c : *columns) {
    const auto field = c.is_object() ? c.find("fieldName") : c.end();
    if (!c.is_object() || field == c.end() || !field->is_string())
      throw unexpected(answer.url, answer.status, "a \"fieldName\" string in every column");
    // System columns (:id, :@computed_region_...) and hidden ones are not the dataset's data.
    if (field->get_ref<const std::string&>().starts_with(':') || has_flag(c, "hidden")) continue;
    const auto position = integer_at(c, "position");
    positioned.emplace_back(position.value_or(std::numeric_limits<std::int64_t>::max()),
                            parse_column(c));
  }
  std::stable_sort(positioned.begin(), positioned.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [position, c] : positioned) out.columns.push_back(std::move(c));
  metadata_.emplace(id, out);
  return out;
}

std::int64_t client::row_count(const std::string& id) {
  const std::string path = "/resource/" + id + ".json";
  if (!valid_dataset_id(id))
    throw not_a_dataset_id(id, socrata::base_url(options_.base_url) + path);
  const auto answer = get(path, {{"$select", "count(*) AS count"}});
  const json j = parse_json(answer.url, answer.status, answer.body);
  if (j.is_array() && j.size() == 1 && j[0].is_object())
    if (const auto count = integer_at(j[0], "count"); count && *count >= 0) return *count;
  throw unexpected(answer.url, answer.status, "[{\"count\": N}]");
}

std::vector<value_count> client::unique_values(const std::string& id, const std::string& field,
                                               const std::function<void(std::int64_t)>& progress) {
  const std::string path = "/resource/" + id + ".json";
  const std::string url = socrata::base_url(options_.base_url) + path;
  if (!valid_dataset_id(id)) throw not_a_dataset_id(id, url);
  if (options_.page_size <= 0)
    throw error(failure::request, url, 0,
                "the page size must be positive, not " + std::to_string(options_.page_size));
  // The name goes into SoQL unquoted, so only a name the dataset declares is let through.
  const auto ds = metadata(id);
  const auto known = std::any_of(ds.columns.begin(), ds.columns.end(),
                                 [&](const column& c) { return c.field_name == field; });
  if (!known) {
    std::string names;
    for (const auto& c : ds.columns) names += (names.empty() ? "" : ", ") + c.field_name;
    throw error(failure::request, url, 0,
                "dataset " + id + " has no column '" + field + "' (its columns: " + names + ")");
  }

  // A column may itself be called "count"; its alias must then differ.
  const std::string alias = field == "count" ? "count_of_rows" : "count";
  std::vector<value_count> values;
  for (std::int64_t offset = 0;; offset += options_.page_size) {
    const auto answer = get(path, {{"$select", field + ",count(*) AS " + alias},
                                   {"$group", field},
                                   {"$order", alias + " DESC," + field},
                                   {"$limit", std::to_string(options_.page_size)},
                                   {"$offset", std::to_string(offset)}});
    const json page = parse_json(answer.url, answer.status, answer.body);
    if (!page.is_array())
      throw unexpected(answer.url, answer.status,
                       "an array of {\"" + field + "\", \"" + alias + "\"} objects");
    if (page.empty()) break;
    for (const auto& row : page) {
      const auto count = row.is_object() ? integer_at(row, alias.c_str()) : std::nullopt;
      if (!count || *count < 0)
        throw unexpected(answer.url, answer.status,
                         "a count \"" + alias + "\" in every row, not " + row.dump());
      const auto value = row.find(field);
      if (value == row.end() || value->is_null()) continue;  // the group of missing values
      values.push_back({value_text(*value), static_cast<std::size_t>(*count)});
    }
    if (progress) progress(static_cast<std::int64_t>(values.size()));
  }
  std::sort(values.begin(), values.end(), more_frequent);
  return values;
}

}  // namespace classifier::socrata
