#pragma once

#include <exception>

#include "domain/error.hpp"

namespace boxoffice::actors {

// Why a storage job of a write did not deliver a result, as the actors act on it.
enum class WriteFailure {
  deadline_passed,  // dropped or rolled back before COMMIT: nothing written (503)
  not_committed,    // the COMMIT's connection broke and the write is not there (503)
  outcome_unknown,  // COMMIT sent, no verdict: it may have happened (504); reload
  lost_race,        // another writer got there first: reload and decide again
  database,         // the database failed before COMMIT: nothing written (503)
};

WriteFailure classify_write_failure(const std::exception_ptr& error);

// Logs a failed storage job: "<what> failed: <the database's reason>" (nothing when null).
void log_storage_failure(const std::exception_ptr& error, const char* what);

// The answer for a write that failed so; logs database failures with `what`.
domain::Error write_failure_error(WriteFailure failure, const std::exception_ptr& error,
                                  const char* what);

}  // namespace boxoffice::actors
