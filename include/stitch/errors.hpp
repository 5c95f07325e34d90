#pragma once
/// @file errors.hpp
/// The error hierarchy: every exception stitch throws derives from stitch::error.

#include <cstdint>
#include <optional>
#if __has_include(<source_location>)
#include <source_location>
#endif
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace stitch {

#if defined(__cpp_lib_source_location)
/// Where in the source a call was made (std::source_location where the library has it).
using source_location = std::source_location;
#else
/// Where in the source a call was made: stitch::source_location's interface, for standard
/// libraries that lack it with this compiler (libstdc++ 12 with clang 14).
class source_location {
 public:
  static constexpr source_location current(const char* file = __builtin_FILE(),
                                           const char* function = __builtin_FUNCTION(),
                                           std::uint_least32_t line = __builtin_LINE()) noexcept {
    source_location here;
    here.file_ = file;
    here.function_ = function;
    here.line_ = line;
    return here;
  }
  [[nodiscard]] constexpr const char* file_name() const noexcept { return file_; }
  [[nodiscard]] constexpr const char* function_name() const noexcept { return function_; }
  [[nodiscard]] constexpr std::uint_least32_t line() const noexcept { return line_; }
  [[nodiscard]] constexpr std::uint_least32_t column() const noexcept { return 0; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  std::uint_least32_t line_ = 0;
};
#endif

/// Base of every stitch exception. what() starts with a stable id in brackets, such as
/// "[stitch.unique_violation]", followed by a message naming the table or model.
class error : public std::runtime_error {
 public:
  /// The stable id without brackets, e.g. "stitch.unique_violation".
  [[nodiscard]] std::string_view id() const noexcept { return id_; }
  /// The SQL statement that failed, if any. Never contains bound values.
  [[nodiscard]] const std::string& sql() const noexcept { return sql_; }

 protected:
  error(std::string_view id, const std::string& message, std::string sql = {})
      : std::runtime_error(compose(id, message)), id_(id), sql_(std::move(sql)) {}

 private:
  static std::string compose(std::string_view id, const std::string& message) {
    std::string text;
    text.reserve(id.size() + message.size() + 3);
    text += '[';
    text += id;
    text += "] ";
    text += message;
    return text;
  }

  std::string_view id_;  // always a string literal
  std::string sql_;
};

// NOLINTBEGIN(bugprone-macro-parentheses): the arguments are a class name and a base
#define STITCH_DEFINE_ERROR(name, base, id_text)                           \
  class name : public base {                                               \
   public:                                                                 \
    explicit name(const std::string& message, std::string sql = {})        \
        : base(id_text, message, std::move(sql)) {}                        \
                                                                           \
   protected:                                                              \
    name(std::string_view id, const std::string& message, std::string sql) \
        : base(id, message, std::move(sql)) {}                             \
  }

/// A mistake in the calling code found at run time (wrong argument count, a class missing
/// from its hierarchy declaration, a transaction used after commit).
STITCH_DEFINE_ERROR(usage_error, error, "stitch.usage_error");

/// The database schema does not match the models: a missing table or column, or a
/// hierarchy stored in another layout.
STITCH_DEFINE_ERROR(schema_error, error, "stitch.schema_error");

/// A value read from the database does not fit the C++ member (NULL into a non-optional
/// member, an integer out of range, a malformed timestamp).
STITCH_DEFINE_ERROR(data_error, error, "stitch.data_error");

/// Could not open or keep a connection.
STITCH_DEFINE_ERROR(connection_error, error, "stitch.connection_error");

/// The file exists but is not a database of the backend's kind.
STITCH_DEFINE_ERROR(not_a_database, connection_error, "stitch.not_a_database");

/// The database refused a statement for a reason not covered by a subtype.
STITCH_DEFINE_ERROR(database_error, error, "stitch.database_error");

/// The database is read-only (opened so, or a file without write permission).
STITCH_DEFINE_ERROR(read_only_database, database_error, "stitch.read_only");

/// A constraint rejected a write; nothing of that write was kept.
STITCH_DEFINE_ERROR(constraint_violation, database_error, "stitch.constraint_violation");
STITCH_DEFINE_ERROR(unique_violation, constraint_violation, "stitch.unique_violation");
STITCH_DEFINE_ERROR(foreign_key_violation, constraint_violation, "stitch.foreign_key_violation");
STITCH_DEFINE_ERROR(not_null_violation, constraint_violation, "stitch.not_null_violation");
STITCH_DEFINE_ERROR(check_violation, constraint_violation, "stitch.check_violation");

/// Another connection holds a conflicting lock or the transaction could not be serialized;
/// retrying the whole transaction may succeed.
STITCH_DEFINE_ERROR(transaction_conflict, database_error, "stitch.transaction_conflict");
/// SQLite's SQLITE_BUSY / SQLITE_LOCKED after the busy timeout ran out.
STITCH_DEFINE_ERROR(database_busy, transaction_conflict, "stitch.database_busy");

/// The database rolled the open transaction back by itself after an error (SQLite does for
/// some errors); nothing of it was kept, and nothing more runs until it is ended.
STITCH_DEFINE_ERROR(transaction_aborted, database_error, "stitch.transaction_aborted");

/// destroy() of a record with dependents under `dependent::restrict`; nothing was deleted.
STITCH_DEFINE_ERROR(delete_restricted, constraint_violation, "stitch.delete_restricted");

/// An association was given an object of a class it does not accept (found at run time).
STITCH_DEFINE_ERROR(association_mismatch, usage_error, "stitch.association_mismatch");

#undef STITCH_DEFINE_ERROR
// NOLINTEND(bugprone-macro-parentheses)

/// find() of an id that has no row (of the requested class).
class record_not_found : public error {
 public:
  record_not_found(std::string_view model, std::string_view table, std::int64_t id)
      : error("stitch.record_not_found", "no " + std::string(model) + " with id " +
                                             std::to_string(id) + " in table " +
                                             std::string(table)),
        table_(table),
        id_(id) {}
  [[nodiscard]] const std::string& table() const noexcept { return table_; }
  [[nodiscard]] std::int64_t record_id() const noexcept { return id_; }

 private:
  std::string table_;
  std::int64_t id_;
};

/// A row's discriminator names no class of the hierarchy.
class unknown_type : public error {
 public:
  /// `value` is the stored discriminator (empty for NULL); `why` replaces the default reason.
  unknown_type(std::string_view table, std::int64_t id, std::optional<std::string_view> value,
               std::string_view why = {})
      : error("stitch.unknown_type",
              "row id " + std::to_string(id) + " of table " + std::string(table) + " has type " +
                  (value ? "'" + std::string(*value) + "'" : std::string("NULL")) + ", which " +
                  (why.empty() ? std::string("names no class of the hierarchy (declare the class "
                                             "in stitch::hierarchy, or set on_unknown_type)")
                               : std::string(why))),
        table_(table),
        id_(id),
        value_(value.value_or(std::string_view())),
        null_(!value) {}
  [[nodiscard]] const std::string& table() const noexcept { return table_; }
  [[nodiscard]] std::int64_t record_id() const noexcept { return id_; }
  /// The stored discriminator; empty when it is NULL (see is_null()).
  [[nodiscard]] const std::string& value() const noexcept { return value_; }
  [[nodiscard]] bool is_null() const noexcept { return null_; }

 private:
  std::string table_;
  std::int64_t id_;
  std::string value_;
  bool null_ = false;
};

/// Strict loading: an association that was not loaded was touched. Names the model, the
/// association and the place in the source that touched it.
class strict_loading_violation : public error {
 public:
  strict_loading_violation(std::string_view model, std::string_view association,
                           const stitch::source_location& where)
      : error("stitch.strict_loading_violation",
              std::string(model) + "::" + std::string(association) + " was touched at " +
                  where.file_name() + ":" + std::to_string(where.line()) + " (in " +
                  where.function_name() +
                  ") but was not loaded, and strict loading is on: "
                  "load it with .includes(&" +
                  std::string(model) + "::" + std::string(association) +
                  ") on the query, or with db.load(object, &" + std::string(model) +
                  "::" + std::string(association) + ")"),
        model_(model),
        association_(association),
        where_(where) {}
  [[nodiscard]] const std::string& model() const noexcept { return model_; }
  [[nodiscard]] const std::string& association() const noexcept { return association_; }
  [[nodiscard]] const stitch::source_location& where() const noexcept { return where_; }

 private:
  std::string model_;
  std::string association_;
  stitch::source_location where_;
};

}  // namespace stitch
