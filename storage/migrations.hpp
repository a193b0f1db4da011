#pragma once

#include <soci/soci.h>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace boxoffice::storage {

// One schema version: statements run in one transaction (one statement per string: SQLite
// executes only the first statement of a string).
struct Migration {
  int version;
  std::string name;
  std::vector<std::string> statements;
};

const std::vector<Migration>& migrations_for(config::DatabaseKind kind);

struct MigrationReport {
  std::vector<int> applied;  // versions applied by this call
  int current_version = 0;
};

// Applies pending migrations in order and records each in schema_migrations. Safe to run
// twice and from two processes at once (PostgreSQL: advisory lock; SQLite: BEGIN IMMEDIATE).
MigrationReport migrate(soci::session& session, config::DatabaseKind kind);

}  // namespace boxoffice::storage
