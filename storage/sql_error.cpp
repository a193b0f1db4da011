#include "storage/sql_error.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace boxoffice::storage {

SqlFailure classify(const std::exception& error) {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    const std::string state = pg->sqlstate();
    if (state == "23505") return SqlFailure::unique_violation;
    if (state == "23514") return SqlFailure::check_violation;
    if (state == "40001" || state == "40P01") return SqlFailure::retryable;
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03")
      return SqlFailure::connection;
    if (pg->get_error_category() == soci::soci_error::connection_error)
      return SqlFailure::connection;
    return SqlFailure::other;
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    const int code = lite->result() & 0xff;
    if (code == 5 || code == 6) return SqlFailure::retryable;  // SQLITE_BUSY, SQLITE_LOCKED
    if (code == 19) {
      const std::string message = lite->what();
      if (message.find("UNIQUE") != std::string::npos) return SqlFailure::unique_violation;
      if (message.find("CHECK") != std::string::npos) return SqlFailure::check_violation;
    }
    return SqlFailure::other;
  }
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&error)) {
    if (soci_error->get_error_category() == soci::soci_error::connection_error)
      return SqlFailure::connection;
  }
  return SqlFailure::other;
}

bool lost_to_another_writer(const std::exception_ptr& error) {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    const auto failure = classify(e);
    return failure == SqlFailure::unique_violation || failure == SqlFailure::retryable;
  } catch (...) {
  }
  return false;
}

std::string describe(const std::exception& error) {
  std::string message = error.what();
  if (const auto newline = message.find('\n'); newline != std::string::npos)
    message.resize(newline);
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error))
    return "sqlstate " + pg->sqlstate() + ": " + message;
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&error))
    return "sqlite " + std::to_string(lite->result()) + ": " + message;
  return message;
}

}  // namespace boxoffice::storage
