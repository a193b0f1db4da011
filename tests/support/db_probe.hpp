#pragma once

// One value read straight from a node's database, to check what a test's calls committed.
#include <cstdint>
#include <string>

#include "config/config.hpp"

namespace boxoffice::testing {

// The first column of the first row as a number; -1 when there is no row.
std::int64_t db_number(const config::DatabaseTarget& database, const std::string& sql);
// The first column of the first row as text; "<no row>" or "<null>" when there is none.
std::string db_text(const config::DatabaseTarget& database, const std::string& sql);

}  // namespace boxoffice::testing
