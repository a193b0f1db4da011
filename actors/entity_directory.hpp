#pragma once

#include "actors/known_ids.hpp"
#include "config/config.hpp"
#include "domain/catalog.hpp"
#include "domain/result.hpp"

namespace boxoffice::storage {
class WorkerPool;
}

namespace boxoffice::actors {

// Which wallets and schedules exist (issue 13): the gateway asks it before a request starts
// an entity actor, so an unknown id is answered 404 from memory — no actor, no database read
// of its own (reads of the id lists are coalesced and rate-limited: actors/known_ids.hpp).
// The desk tells it what this node creates; what other nodes create is read when asked for.
class EntityDirectory {
 public:
  EntityDirectory(const config::Config& config, storage::WorkerPool& pool);

  domain::Result<bool> wallet_exists(domain::Id wallet) { return wallets_.exists(wallet); }
  domain::Result<bool> schedule_exists(domain::Id schedule) { return schedules_.exists(schedule); }
  std::optional<bool> schedule_exists_now(domain::Id schedule) const {
    return schedules_.exists_now(schedule);
  }
  void wallet_created(domain::Id wallet) { wallets_.add(wallet); }
  void schedule_created(domain::Id schedule) { schedules_.add(schedule); }
  // Reads of the id lists so far (the dashboard's metric).
  std::uint64_t reads() const { return wallets_.reads() + schedules_.reads(); }

 private:
  KnownIds wallets_;
  KnownIds schedules_;
};

}  // namespace boxoffice::actors
