#pragma once
// The object graph of a database with the Rails schema, read through stitch.

#include <stitch/database.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace rails {

/// Opens a database: a postgresql:// (or postgres://) URI, else an SQLite file. read_only: the
/// file must exist and is opened without write access; otherwise it is created if missing.
stitch::database open_database(const std::string& location, bool read_only);

/// Every data source, field, unique value and comment, with its attributes, the class stitch
/// instantiated and its associations' ids, and the ids each hierarchy class's query returns:
/// the JSON that ../shared/bench/activerecord/graph.rb builds through ActiveRecord, key for
/// key and in the same order.
nlohmann::ordered_json object_graph(stitch::database& db);

/// Reads every data source, field, unique value and comment of `from` and inserts it into
/// `to`, with its id, its timestamps and a root row's NULL type, in one transaction. `to` gets
/// the tables (as Rails declares them) where it has none; tables it has are used as they are.
/// Returns the number of objects copied.
std::size_t copy_objects(stitch::database& from, stitch::database& to);

}  // namespace rails
