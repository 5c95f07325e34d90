#pragma once
/// @file postgres.hpp
/// The PostgreSQL adapter (link stitch::postgres). libpqxx's headers stay in the library.

#include <chrono>
#include <string>

#include "database.hpp"

namespace stitch::postgres {

/// How to connect to a PostgreSQL server.
struct options {
  /// How long to wait for the server to answer the connection, unless the connection string
  /// says (connect_timeout). Zero waits as long as the operating system does.
  std::chrono::seconds connect_timeout{10};
};

/// Connects to the server named by a libpq connection string: a URI
/// ("postgresql://user:password@host:5432/dbname?sslmode=require") or key=value pairs
/// ("host=localhost dbname=app"); what it leaves out comes from libpq's environment
/// variables (PGHOST, PGUSER, PGPASSWORD, ...) and defaults. The session runs in UTC with
/// UTF-8 text. Throws connection_error naming the host, port, database and user (never the
/// password) when the server cannot be reached or refuses the login.
[[nodiscard]] database connect(const std::string& uri, const options& opts = {});

}  // namespace stitch::postgres
