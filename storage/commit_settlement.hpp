#pragma once

#include <soci/soci.h>
#include <exception>
#include <functional>

#include "config/config.hpp"

namespace boxoffice::storage {

// The connection broke while COMMIT was in flight (`broken`): the transaction may or may not
// have committed. On PostgreSQL, reconnects the session, ends the broken connection's server
// process if it still runs (found by the connection's application_name: until it is gone it
// may still commit), then asks `proof` whether the writes are there. Returns if they are;
// throws NotCommitted if not; OutcomeUnknown when it cannot tell before the job's verdict
// deadline (or without a proof). Retries the reconnect while the database is unreachable.
void settle_broken_commit(soci::session& session, config::DatabaseKind kind,
                          const std::function<bool(soci::session&)>& proof,
                          const std::exception& broken);

}  // namespace boxoffice::storage
