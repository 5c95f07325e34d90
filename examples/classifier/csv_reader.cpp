#include "csv_reader.hpp"

#include <csv.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <memory>
#include <set>
#include <string_view>
#include <utility>

namespace classifier {
namespace {

std::string where(const std::filesystem::path& file, std::size_t line) {
  return line == 0 ? file.string() : file.string() + ":" + std::to_string(line);
}

// The parser's state between libcsv's callbacks.
struct reader {
  const std::filesystem::path& file;
  const csv_options& options;
  const std::function<void(std::span<const std::string>)>& on_header;
  const std::function<void(const csv_row&)>& on_row;

  std::vector<std::string> fields{};  // the row being read; strings keep their capacity
  std::size_t count = 0;              // fields of the row so far
  std::vector<std::string> header{};
  bool have_header = false;
  std::size_t row_line = 0;  // where the row being read starts
  bool in_row = false;
  csv_stats stats{};
  // What a callback threw: kept, and thrown once libcsv (C code, which exceptions must not
  // cross) has returned.
  std::exception_ptr failure{};

  void field(const char* data, std::size_t size) {
    if (count == fields.size()) fields.emplace_back();
    fields[count].assign(data == nullptr ? "" : data, data == nullptr ? 0 : size);
    const std::string_view text = fields[count];
    if (const auto bad = invalid_utf8_at(text); bad != std::string_view::npos) {
      const std::string name =
          have_header && count < header.size() ? " (" + header[count] + ")" : std::string();
      throw csv_error(file, row_line,
                      "field " + std::to_string(count + 1) + name +
                          " holds bytes that are not "
                          "UTF-8 (at byte " +
                          std::to_string(bad) + " of the field)");
    }
    ++count;
  }

  void end_row() {
    const std::span<const std::string> row(fields.data(), count);
    const std::size_t line = row_line;
    count = 0;
    in_row = false;
    if (!have_header) {
      std::set<std::string_view> seen;
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (row[i].empty())
          throw csv_error(file, line, "header field " + std::to_string(i + 1) + " is blank");
        if (!seen.insert(row[i]).second)
          throw csv_error(file, line, "header names \"" + row[i] + "\" twice");
      }
      header.assign(row.begin(), row.end());
      have_header = true;
      on_header(header);
      return;
    }
    if (row.size() != header.size()) {
      if (options.ragged == ragged_rows::skip) {
        ++stats.skipped;
        return;
      }
      throw csv_error(
          file, line,
          "the row has " + std::to_string(row.size()) + " fields, the header " +
              std::to_string(header.size()) +
              " (a ragged row; a source added with --skip-ragged leaves such rows out)");
    }
    ++stats.rows;
    on_row(csv_row{line, row});
  }

  static void field_callback(void* data, std::size_t size, void* self) noexcept {
    auto& r = *static_cast<reader*>(self);
    if (r.failure) return;
    try {
      r.field(static_cast<const char*>(data), size);
    } catch (...) {
      r.failure = std::current_exception();
    }
  }
  static void row_callback(int /*terminator*/, void* self) noexcept {
    auto& r = *static_cast<reader*>(self);
    if (r.failure) return;
    try {
      r.end_row();
    } catch (...) {
      r.failure = std::current_exception();
    }
  }
};

// Fields are taken as written: no trimming of spaces around them.
int no_space(unsigned char /*c*/) { return 0; }

struct parser_deleter {
  void operator()(csv_parser* p) const {
    csv_free(p);
    delete p;  // NOLINT(cppcoreguidelines-owning-memory): paired with the new below
  }
};

bool blank(std::string_view line) {
  return line.find_first_not_of("\r\n") == std::string_view::npos;
}

}  // namespace

csv_error::csv_error(const std::filesystem::path& file, std::size_t line, const std::string& why)
    : std::runtime_error(where(file, line) + ": " + why), line_(line) {}

std::size_t invalid_utf8_at(std::string_view text) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlong forms
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string_view::npos;
}

csv_stats read_csv(const std::filesystem::path& file, const csv_options& options,
                   const std::function<void(std::span<const std::string>)>& on_header,
                   const std::function<void(const csv_row&)>& on_row) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw csv_error(file, 0, std::string("cannot open the file: ") + std::strerror(err));
  }
  std::unique_ptr<csv_parser, parser_deleter> parser(new csv_parser);
  if (csv_init(parser.get(), CSV_STRICT | CSV_STRICT_FINI) != 0)
    throw csv_error(file, 0, "cannot set up the CSV parser");
  csv_set_delim(parser.get(), static_cast<unsigned char>(options.delimiter));
  csv_set_quote(parser.get(), static_cast<unsigned char>(options.quote));
  csv_set_space_func(parser.get(), no_space);

  reader r{file, options, on_header, on_row};
  // Fed a physical line at a time, so that each row knows the line it starts on; a quoted
  // field spanning lines keeps the row open across them.
  std::string chunk(options.chunk_size == 0 ? 1 : options.chunk_size, '\0');
  std::string line;
  std::size_t line_number = 0;
  // A line longer than this is parsed in pieces, so that memory stays bounded.
  const std::size_t long_line = std::max<std::size_t>(chunk.size(), 1 << 20);
  bool first = true;
  // `ends_line` is false for a piece of a line too long to buffer whole (a file without
  // line feeds): libcsv takes input in any pieces; only line counting needs whole lines.
  auto feed = [&](std::string_view text, bool ends_line = true) {
    const std::size_t current = line_number + 1;
    if (ends_line) line_number = current;
    if (!r.in_row && !blank(text)) {
      r.in_row = true;
      r.row_line = current;
    }
    const auto parsed = csv_parse(parser.get(), text.data(), text.size(), reader::field_callback,
                                  reader::row_callback, &r);
    if (r.failure) std::rethrow_exception(r.failure);
    if (parsed != text.size()) {
      throw csv_error(
          file, current,
          ::csv_error(parser.get()) == CSV_EPARSE
              ? "malformed CSV: a quote inside an unquoted field, or text after a "
                "closing quote"
              : std::string("the CSV parser failed: ") + csv_strerror(::csv_error(parser.get())));
    }
  };
  std::error_code no_size;
  const std::uintmax_t total = options.progress ? std::filesystem::file_size(file, no_size) : 0;
  std::uintmax_t done = 0;
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    std::string_view got(chunk.data(), static_cast<std::size_t>(in.gcount()));
    done += got.size();
    if (first && !got.empty()) {
      if (got.substr(0, 3) == "\xEF\xBB\xBF") got.remove_prefix(3);  // a UTF-8 byte order mark
      first = false;
    }
    while (!got.empty()) {
      const auto newline = got.find('\n');
      if (newline == std::string_view::npos) {
        line.append(got);
        if (line.size() > long_line) {
          feed(line, false);
          line.clear();
        }
        break;
      }
      line.append(got.substr(0, newline + 1));
      got.remove_prefix(newline + 1);
      feed(line);
      line.clear();
    }
    if (options.progress) options.progress(done, total);
  }
  if (in.bad()) throw csv_error(file, line_number, "cannot read the file");
  if (!line.empty()) feed(line);  // a last line without a newline
  const int finished = csv_fini(parser.get(), reader::field_callback, reader::row_callback, &r);
  if (r.failure) std::rethrow_exception(r.failure);
  if (finished != 0)
    throw csv_error(file, r.row_line, "an unterminated quoted field starts in this row");
  if (!r.have_header) throw csv_error(file, 0, "the file is empty: no header row");
  r.stats.lines = line_number;
  return r.stats;
}

}  // namespace classifier
