#include "progress.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace classifier {

progress_bar::progress_bar(std::ostream& out, bool enabled, std::string label)
    : out_(out), enabled_(enabled), label_(std::move(label)) {}

progress_bar::~progress_bar() { finish(); }

void progress_bar::update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done != total) return;
  last_ = now;
  std::string line;
  if (total > 0) {
    constexpr int width = 30;
    const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
    const auto filled = static_cast<int>(fraction * width);
    line = fmt::format("{} [{:#<{}}{:.<{}}] {:3.0f}%", label_, "", filled, "", width - filled,
                       fraction * 100);
    if (total >= 1 << 20)
      line += fmt::format("  {:.1f}/{:.1f} MB", static_cast<double>(done) / (1 << 20),
                          static_cast<double>(total) / (1 << 20));
  } else {
    line = fmt::format("{}: {}", label_, done);
  }
  out_ << '\r' << line << "\x1b[K" << std::flush;
  drawn_ = true;
}

void progress_bar::finish() {
  if (!drawn_) return;
  out_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
}

progress_fn progress_bar::callback() {
  return [this](std::uint64_t done, std::uint64_t total) { update(done, total); };
}

}  // namespace classifier
