#include "actors/write_failure.hpp"

#include <spdlog/spdlog.h>

#include "storage/sql_error.hpp"
#include "storage/write_outcome.hpp"

namespace boxoffice::actors {

using domain::ErrorCode;

WriteFailure classify_write_failure(const std::exception_ptr& error) {
  if (!error) return WriteFailure::database;
  try {
    std::rethrow_exception(error);
  } catch (const storage::DeadlinePassed&) {
    return WriteFailure::deadline_passed;
  } catch (const storage::NotCommitted&) {
    return WriteFailure::not_committed;
  } catch (const storage::OutcomeUnknown&) {
    return WriteFailure::outcome_unknown;
  } catch (...) {
  }
  return storage::lost_to_another_writer(error) ? WriteFailure::lost_race : WriteFailure::database;
}

domain::Error write_failure_error(WriteFailure failure, const std::exception_ptr& error,
                                  const char* what) {
  switch (failure) {
    case WriteFailure::deadline_passed:
      return domain::make_error(
          ErrorCode::unavailable,
          "the request's deadline passed before it was written; nothing changed");
    case WriteFailure::not_committed:
      return domain::make_error(ErrorCode::unavailable,
                                "the database connection broke; the write did not happen");
    case WriteFailure::outcome_unknown:
      spdlog::warn("{}: COMMIT sent, no verdict from the database in time", what);
      return domain::make_error(ErrorCode::outcome_unknown,
                                "the database did not confirm or refuse the write in time; it "
                                "may or may not have happened");
    case WriteFailure::lost_race:
      return domain::make_error(ErrorCode::unavailable, "the entity changed concurrently; retry");
    case WriteFailure::database: break;
  }
  log_storage_failure(error, what);
  return domain::make_error(ErrorCode::unavailable, "the database is not available");
}

void log_storage_failure(const std::exception_ptr& error, const char* what) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", what, storage::describe(e));
  } catch (...) {
    spdlog::error("{} failed: unknown error", what);
  }
}

}  // namespace boxoffice::actors
