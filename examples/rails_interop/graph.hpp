#pragma once
// The object graph of a database with the Rails schema, read through stitch.

#include <stitch/database.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace rails {

/// Opens a database: a postgresql:// (or postgres://) URI, else an SQLite file, which must
/// exist (read_only: opened without write access).
stitch::database open_database(const std::string& location, bool read_only);

/// Every data source, field, unique value and comment, with its attributes, the class stitch
/// instantiated and its associations' ids, and the ids each hierarchy class's query returns:
/// the JSON that ../shared/bench/activerecord/graph.rb builds through ActiveRecord, key for
/// key and in the same order.
nlohmann::ordered_json object_graph(stitch::database& db);

}  // namespace rails
