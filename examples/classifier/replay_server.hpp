#pragma once
// A local HTTP server that answers like a Socrata portal (SODA 2.1), so that the Socrata client
// and the classifier's add-socrata command can be tried and tested without a network. It serves
// two kinds of dataset:
//  - recorded: the metadata and /resource exchanges recorded from a real portal
//    (views_ID.json and exchanges_ID.json in a directory), replayed when a request's decoded
//    query parameters are exactly the recorded ones;
//  - built from a CSV file: metadata with column statistics, and /resource answers to the
//    SoQL the client sends ($select of fields, `*` and count(*), $group, $order, $limit,
//    $offset, field=value filters).
// Tests can also script failures (any status and body), require an app token, and slow a
// dataset down, then read the log of the requests the server received.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace classifier::replay {

/// One request as the server received it.
struct request {
  std::string path;                           ///< "/resource/mont-0911.json"
  std::map<std::string, std::string> params;  ///< URL-decoded: {"$offset", "20"}
  std::optional<std::string> app_token;       ///< the X-App-Token header, if sent
};

/// The server, listening on 127.0.0.1 from construction to destruction, answering on a
/// background thread. Every member function is safe to call while it answers requests.
class server {
 public:
  /// Loads every recorded dataset in `recordings_dir` (views_ID.json, with exchanges_ID.json
  /// when there is one) and starts listening on `port`, or on a free port when it is 0.
  /// Throws std::runtime_error when a recording cannot be read or the port cannot be bound.
  explicit server(const std::filesystem::path& recordings_dir, int port = 0);
  /// Stops listening and waits for the requests being answered (a delay() is cut short).
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// "http://127.0.0.1:PORT", the portal's base URL.
  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] int port() const noexcept;

  /// Serves a dataset built from a CSV file under `id`, with the display name `name`. Field
  /// names are the header's names lowercased, with every other character than a letter or a
  /// digit turned into '_' ("timeStamp" → "timestamp"); an empty cell (or `null`) is null.
  /// Throws classifier::csv_error for a file that cannot be read.
  void serve_csv(const std::string& id, const std::string& name, const std::filesystem::path& csv);

  /// The ids of the datasets served, sorted.
  [[nodiscard]] std::vector<std::string> datasets() const;

  /// The next `times` requests for dataset `id` (its metadata or its rows; -1 for all of
  /// them) are answered with `status` and `body` (as application/json) plus `headers`, after
  /// which it answers normally again. Scripts queue up: a second one starts after the first.
  void script(const std::string& id, int status, std::string body, int times = 1,
              std::vector<std::pair<std::string, std::string>> headers = {});

  /// Requests for dataset `id` without this X-App-Token (or $$app_token) get 403 Forbidden,
  /// with the body Socrata sends to an anonymous request for a private dataset.
  void require_token(const std::string& id, std::string token);

  /// Every request for dataset `id` waits this long before it is answered.
  void delay(const std::string& id, std::chrono::milliseconds wait);

  /// Every request received so far, in order, whatever its answer.
  [[nodiscard]] std::vector<request> requests() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace classifier::replay
