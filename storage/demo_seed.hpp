#pragma once

#include <soci/soci.h>
#include <string>

#include "config/config.hpp"
#include "domain/clock.hpp"

namespace boxoffice::storage {

struct DemoSeedReport {
  bool created = false;  // false: the database already had users, nothing was written
  std::string summary;   // what exists to try, one line per item
};

// Demo data for trying the API: three users with wallets, one concert with two schedules
// whose booking windows are open now. Does nothing when any user exists.
DemoSeedReport seed_demo(soci::session& session, config::DatabaseKind kind, domain::TimeMs now);

}  // namespace boxoffice::storage
