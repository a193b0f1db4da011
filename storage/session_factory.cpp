#include "storage/session_factory.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <filesystem>
#include <stdexcept>

namespace boxoffice::storage {

void configure_session(soci::session& session, DatabaseKind kind) {
  if (kind == DatabaseKind::sqlite) {
    // The busy timeout first: switching to WAL takes a lock that another connection opening
    // the same file at the same moment may hold ("database is locked" without it).
    session << "PRAGMA busy_timeout=10000";
    session << "PRAGMA journal_mode=WAL";
    session << "PRAGMA synchronous=FULL";
    session << "PRAGMA foreign_keys=ON";
  } else {
    session << "SET client_min_messages = warning";
  }
}

std::unique_ptr<soci::session> open_session(const DatabaseTarget& target,
                                            const std::string& application_name) {
  std::unique_ptr<soci::session> session;
  if (target.kind == DatabaseKind::sqlite) {
    const auto folder = std::filesystem::path(target.sqlite_path).parent_path();
    if (!folder.empty()) {
      std::error_code error;
      std::filesystem::create_directories(folder, error);
      if (error)
        throw std::runtime_error("cannot create database folder " + folder.string() + ": " +
                                 error.message());
    }
    session = std::make_unique<soci::session>(soci::sqlite3, target.connect_string);
  } else {
    // libpq keeps the last value of a keyword: the operator's connect_timeout wins over this
    // default, this application_name over the operator's (it names the connection for fencing).
    std::string keywords = "connect_timeout=3 " + target.connect_string;
    if (!application_name.empty()) keywords += " application_name=" + application_name;
    session = std::make_unique<soci::session>(soci::postgresql, keywords);
  }
  configure_session(*session, target.kind);
  return session;
}

}  // namespace boxoffice::storage
