#pragma once

#include <soci/soci.h>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "domain/waiting_room.hpp"
#include "storage/lease_repository.hpp"

namespace boxoffice::storage {

struct QueueLimitExceeded : std::runtime_error {
  QueueLimitExceeded()
      : std::runtime_error(
            "admitting would exceed --queue-max-active: another queue actor "
            "admitted tokens meanwhile") {}
};

struct StoredQueue {
  std::vector<domain::QueueToken> live;  // WAITING and ACTIVE, in issue order
  std::int64_t last_seq = 0;
  // Hashes (token_fingerprint) of every ended token: which unknown tokens might be stored.
  std::vector<std::uint64_t> ended;
};

class QueueRepository {
 public:
  QueueRepository(soci::session& session, config::DatabaseKind kind)
      : session_(session), kind_(kind) {}

  StoredQueue load_live();
  std::optional<domain::QueueToken> find(const std::string& token);
  // Which of `users` exist, each with its wallet (0: none): one query (the users of every issue
  // of a batch).
  std::unordered_map<domain::Id, domain::Id> existing_users(const std::vector<domain::Id>& users);

  // Writes the changes in one transaction; the new tokens in one multi-row INSERT. A transition
  // whose token no longer has the `from` status (a payment completed it meanwhile) is skipped;
  // returns how many were. Admissions are refused as a whole (QueueLimitExceeded, nothing written)
  // when they would leave more than `max_active` tokens ACTIVE at `now`: the guard for two queue
  // actors admitting at once while the cluster moves the queue between nodes. Conditional on the
  // queue lease `fence` (StaleQueueEpoch, nothing written, once another node hosts the line).
  int apply(const std::vector<domain::QueueChange>& changes, std::int64_t max_active,
            domain::TimeMs now, const QueueFence& fence = {});

 private:
  void insert_all(const std::vector<const domain::QueueToken*>& tokens);

  soci::session& session_;
  config::DatabaseKind kind_;
};

}  // namespace boxoffice::storage
