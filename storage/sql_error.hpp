#pragma once

#include <exception>
#include <string>

namespace boxoffice::storage {

enum class SqlFailure {
  unique_violation,  // a constraint that keeps an invariant said no (another writer won)
  check_violation,   // a CHECK constraint (e.g. balance >= 0) said no
  retryable,         // serialization failure, deadlock, SQLite busy/locked
  connection,        // the database is not reachable
  other,
};

// Classifies an exception thrown by SOCI (any other exception is `other`).
SqlFailure classify(const std::exception& error);

// True for a write refused because another writer got there first: a unique constraint,
// a serialization failure or deadlock (SQLite: busy/locked). Reload and decide again.
bool lost_to_another_writer(const std::exception_ptr& error);

// Short text for logs: the SQL state or SQLite code and the message's first line.
std::string describe(const std::exception& error);

}  // namespace boxoffice::storage
