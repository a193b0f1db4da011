#pragma once

#include <soci/soci.h>
#include <optional>
#include <vector>

#include "config/config.hpp"
#include "domain/waiting_room.hpp"

namespace boxoffice::storage {

struct StoredQueue {
  std::vector<domain::QueueToken> live;  // WAITING and ACTIVE, in issue order
  std::int64_t last_seq = 0;
};

class QueueRepository {
 public:
  QueueRepository(soci::session& session, config::DatabaseKind kind)
      : session_(session), kind_(kind) {}

  StoredQueue load_live();
  std::optional<domain::QueueToken> find(const std::string& token);
  bool user_exists(domain::Id user);

  // Writes the changes in one transaction. A transition whose token no longer has the
  // `from` status (a payment completed it meanwhile) is skipped; returns how many were.
  int apply(const std::vector<domain::QueueChange>& changes);

 private:
  soci::session& session_;
  config::DatabaseKind kind_;
};

}  // namespace boxoffice::storage
