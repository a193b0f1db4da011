#pragma once

#include <soci/soci.h>
#include <memory>
#include <string>

#include "config/config.hpp"

namespace boxoffice::storage {

using config::DatabaseKind;
using config::DatabaseTarget;

// Opens one SOCI session on the target. SQLite: creates the folder, WAL, foreign keys,
// FULL sync (an acknowledged write survives a crash), busy timeout. PostgreSQL: quiet notices,
// a bounded connect (a frozen server must not hold a reconnect forever) and, when given, the
// connection's application_name (reconnects keep it).
// Throws soci::soci_error (or std::runtime_error for a folder it cannot create).
std::unique_ptr<soci::session> open_session(const DatabaseTarget& target,
                                            const std::string& application_name = "");

// Re-applies the per-connection settings after soci::session::reconnect().
void configure_session(soci::session& session, DatabaseKind kind);

}  // namespace boxoffice::storage
