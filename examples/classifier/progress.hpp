#pragma once
// A one-line progress bar on a terminal: redrawn in place at most ten times a second, erased
// when the work ends. Disabled (it draws nothing) when the stream is not a terminal, so that
// redirected output and logs stay clean.

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

#include "models.hpp"

namespace classifier {

class progress_bar {
 public:
  progress_bar(std::ostream& out, bool enabled, std::string label);
  ~progress_bar();
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

  /// `total` 0 when unknown: then only `done` is shown.
  void update(std::uint64_t done, std::uint64_t total);
  /// Erases the line.
  void finish();
  /// A progress_fn that updates this bar.
  [[nodiscard]] progress_fn callback();

 private:
  std::ostream& out_;
  bool enabled_;
  bool drawn_ = false;
  std::string label_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace classifier
