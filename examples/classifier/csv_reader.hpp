#pragma once
// Streaming CSV for the classifier's CsvFile sources: one pass over a file of any size, a row
// at a time, with the physical line each row starts on, so that every error names the file
// and the line. Parsing is libcsv's (quotes, embedded newlines, CRLF); this layer adds a
// UTF-8 byte order mark, UTF-8 checks, the header and the policy for ragged rows.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace classifier {

/// What to do with a row whose number of fields differs from the header's.
enum class ragged_rows {
  error,  ///< stop with csv_error naming the line (the default)
  skip,   ///< leave the row out and count it in csv_stats::skipped
};

struct csv_options {
  char delimiter = ',';
  char quote = '"';
  ragged_rows ragged = ragged_rows::error;
  /// Bytes read from the file at a time; memory does not grow with the file's size.
  std::size_t chunk_size = 1 << 16;
  /// Told the bytes read so far and the file's size after each chunk (for a progress bar).
  std::function<void(std::uintmax_t done, std::uintmax_t total)> progress;
};

/// A file that cannot be read as CSV. what() names the file and, when known, the line:
/// "calls.csv:12: an unterminated quoted field starts here".
class csv_error : public std::runtime_error {
 public:
  csv_error(const std::filesystem::path& file, std::size_t line, const std::string& why);
  /// The 1-based physical line, 0 when the error is not about one (a missing file).
  [[nodiscard]] std::size_t line() const noexcept { return line_; }

 private:
  std::size_t line_;
};

/// One data row: its fields (empty for an empty field) and the physical line it starts on.
struct csv_row {
  std::size_t line = 0;
  std::span<const std::string> fields;
};

struct csv_stats {
  std::size_t rows = 0;     ///< data rows passed to on_row
  std::size_t skipped = 0;  ///< ragged rows left out under ragged_rows::skip
  std::size_t lines = 0;    ///< physical lines in the file
};

/// Reads `file` once: on_header gets the header's fields, then on_row each data row in
/// order. Throws csv_error for a missing or unreadable file, an empty file (no header), a
/// blank or duplicate header name, malformed CSV (a quote in an unquoted field, an
/// unterminated quoted field), bytes that are not UTF-8, and a ragged row under
/// ragged_rows::error. Whatever the callbacks throw goes through unchanged.
csv_stats read_csv(const std::filesystem::path& file, const csv_options& options,
                   const std::function<void(std::span<const std::string>)>& on_header,
                   const std::function<void(const csv_row&)>& on_row);

/// The byte offset of the first byte of `text` that does not start or continue a valid
/// UTF-8 sequence (overlong forms and surrogates included), or npos when it is all valid.
std::size_t invalid_utf8_at(std::string_view text) noexcept;

}  // namespace classifier
