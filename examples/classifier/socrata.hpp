#pragma once
// A client of the Socrata Open Data API (SODA 2.1): a dataset's metadata from
// /api/views/ID.json, its row count, and the distinct values of a column with their counts
// from /resource/ID.json ($select=<field>,count(*) AS count&$group=<field>, paged with
// $limit/$offset until an empty page). libcurl does the HTTP; every request has a timeout, and
// 429 and 5xx answers are retried with exponential backoff.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "profile.hpp"

namespace classifier::socrata {

/// What went wrong, which decides the exit code: the user can fix `request` (a bad dataset
/// id, a dataset that does not exist or is private, a column it does not have); the others
/// are the network's or the server's.
enum class failure {
  request,      ///< 4xx other than 429, or a request refused before it was sent
  unreachable,  ///< no connection, DNS failure, TLS failure, timeout
  server,       ///< 5xx or 429 after every retry, or a body that is not the JSON expected
};

/// A failed request. When the request was sent, what() names the URL, the HTTP status when
/// there was one, and the message of Socrata's error body (either of its two shapes:
/// {"code", "message"} or {"errorCode", "message"}); a request refused before it was sent (a
/// bad dataset id, an unknown column) says why. The URL is shown decoded, for reading.
class error : public std::runtime_error {
 public:
  error(failure kind, std::string url, int status, const std::string& message)
      : std::runtime_error(message), kind_(kind), url_(std::move(url)), status_(status) {}
  [[nodiscard]] failure kind() const noexcept { return kind_; }
  [[nodiscard]] const std::string& url() const noexcept { return url_; }
  /// The HTTP status, 0 when no response came.
  [[nodiscard]] int status() const noexcept { return status_; }

 private:
  failure kind_;
  std::string url_;
  int status_;
};

/// True for a dataset identifier of the form `xxxx-xxxx` (lowercase letters and digits).
[[nodiscard]] bool valid_dataset_id(std::string_view id) noexcept;

/// The base URL of a portal: "https://" + domain, or the domain itself when it already names
/// a scheme ("http://127.0.0.1:8080"). A trailing slash is dropped.
[[nodiscard]] std::string base_url(std::string_view domain);

struct client_options {
  std::string base_url;                  ///< "https://data.sfgov.org"
  std::optional<std::string> app_token;  ///< sent as X-App-Token
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{60'000};  ///< for the whole of one request
  int attempts = 5;                           ///< per request, counting the first
  std::chrono::milliseconds first_wait{500};  ///< before the first retry; doubles after each
  std::chrono::milliseconds longest_wait{8'000};
  std::int64_t page_size = 10'000;  ///< $limit of each page of unique values
};

/// One column of a dataset, from its metadata. The statistics come from the metadata's
/// cachedContents when the portal has computed them.
struct column {
  std::string field_name;  ///< the API name ("call_type")
  std::string name;        ///< the display name ("Call Type")
  std::string data_type;   ///< dataTypeName: text, number, calendar_date, checkbox, ...
  std::optional<std::int64_t> non_null;
  std::optional<std::int64_t> nulls;
  std::optional<std::int64_t> cardinality;
  std::vector<value_count> top;  ///< most frequent values, at most 20
};

struct dataset {
  std::string id;
  std::string name;
  std::string description;
  std::vector<column> columns;  ///< in position order; hidden and system columns left out
};

/// The value_type a column's dataTypeName stands for (number → decimal, calendar_date and
/// date → timestamp, checkbox → boolean, anything else → text).
[[nodiscard]] value_type type_of_data_type(std::string_view data_type) noexcept;

class client {
 public:
  explicit client(client_options options);

  /// GET /api/views/ID.json. Throws error (failure::request for an id that is not of the
  /// xxxx-xxxx form, before any request).
  [[nodiscard]] dataset metadata(const std::string& id);

  /// GET /resource/ID.json?$select=count(*) AS count.
  [[nodiscard]] std::int64_t row_count(const std::string& id);

  /// Every distinct value of a column with its count, most frequent first (ties by value), a
  /// missing value (the JSON row without the field) left out. Pages of options.page_size until
  /// an empty page; `progress` is told the number of values read so far after each page of
  /// values. `field` must be one of the dataset's field names (error, failure::request,
  /// otherwise: the name is checked against the metadata before it goes into a query).
  [[nodiscard]] std::vector<value_count> unique_values(
      const std::string& id, const std::string& field,
      const std::function<void(std::int64_t)>& progress = {});

  /// Requests sent so far, retries included.
  [[nodiscard]] std::int64_t requests() const noexcept { return requests_; }

 private:
  // A libcurl easy handle (CURL is void), kept so that pages reuse the connection; it makes
  // the client move-only.
  struct curl_cleanup {
    void operator()(void* handle) const noexcept;
  };
  using query_params = std::vector<std::pair<std::string, std::string>>;
  struct reply {
    std::string url;  ///< as shown in messages: decoded, for reading
    int status = 0;
    std::string body;
  };

  // GET base_url + path + query with the retries of options_; throws error for anything but a
  // 2xx answer.
  reply get(const std::string& path, const query_params& query);

  client_options options_;
  std::int64_t requests_ = 0;
  std::unique_ptr<void, curl_cleanup> curl_;
  std::map<std::string, dataset, std::less<>> metadata_;  ///< by id, read once
};

}  // namespace classifier::socrata
