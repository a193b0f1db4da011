#pragma once

#include <string>

#include "config/config.hpp"

namespace boxoffice::testing {

// The backend this test process runs against: BOXOFFICE_TEST_BACKEND=sqlite (default) or
// postgresql (with BOXOFFICE_TEST_PG_URL or BOXOFFICE_TEST_PG_URL_FILE naming the server).
config::DatabaseKind test_backend();

// A new, empty database for one test: a fresh SQLite file, or a fresh PostgreSQL schema
// (every connection of the returned URL uses it). Not migrated.
config::DatabaseTarget fresh_database(const std::string& label);

// The database URL as `--database` takes it.
std::string database_flag(const config::DatabaseTarget& target);

}  // namespace boxoffice::testing
