#pragma once

#include <soci/soci.h>
#include <string>

#include "domain/clock.hpp"

namespace boxoffice::storage {

// Ends the PostgreSQL server processes of other connections and waits until they are gone:
// from then on whatever transaction they had open is decided (committed or rolled back), and
// a lookup of its rows tells which. Connections are found by their application_name (see
// WorkerPool): exactly `name`, or with `whole_process` every name under `name` + "/" (all the
// connections of one boxoffice process). This session's own connection is spared. False when
// `name` is empty (nothing can be fenced) or they were not gone by `limit` (wall-clock ms).
bool fence_connections(soci::session& session, const std::string& name, bool whole_process,
                       domain::TimeMs limit);

}  // namespace boxoffice::storage
