#pragma once
/// @file stitch.hpp
/// The umbrella header: models, hierarchies, queries, transactions and the database.
/// Adapters have their own headers: <stitch/sqlite.hpp>.

#include "association.hpp"
#include "backend.hpp"
#include "database.hpp"
#include "dialect.hpp"
#include "errors.hpp"
#include "hierarchy.hpp"
#include "model.hpp"
#include "pool.hpp"
#include "predicate.hpp"
#include "query.hpp"
#include "retry.hpp"
#include "schema.hpp"
#include "transaction.hpp"
#include "types.hpp"
#include "visit.hpp"
