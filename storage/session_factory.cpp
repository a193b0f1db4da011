#include "storage/session_factory.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

namespace boxoffice::storage {
namespace {

// WAL is a property of the file: a connection finding it set has nothing to switch. Switching
// needs the file's exclusive lock, and SQLite answers "database is locked" at once, without
// its busy handler, to a connection that would otherwise deadlock with another one opening
// the file at the same moment: that one is retried (for at most about two seconds).
void switch_to_wal(soci::session& session) {
  std::string mode;
  session << "PRAGMA journal_mode", soci::into(mode);
  if (mode == "wal") return;
  for (int attempt = 1;; ++attempt) {
    try {
      session << "PRAGMA journal_mode=WAL";
      return;
    } catch (const soci::soci_error& error) {
      const bool locked = std::string(error.what()).find("database is locked") != std::string::npos;
      if (!locked || attempt >= 200) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

void configure_session(soci::session& session, DatabaseKind kind) {
  if (kind == DatabaseKind::sqlite) {
    // The busy timeout first: switching to WAL takes a lock that another connection opening
    // the same file at the same moment may hold.
    session << "PRAGMA busy_timeout=10000";
    switch_to_wal(session);
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
