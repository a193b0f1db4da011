#pragma once

#include <soci/soci.h>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "config/config.hpp"

namespace boxoffice::storage {

// The queue's lease as stored: who hosts the waiting room, under which epoch, until when
// (milliseconds on the database's clock). holder 0: released.
struct QueueLease {
  std::int64_t holder = 0;
  std::int64_t epoch = 0;
  std::int64_t expires_at = 0;
  std::int64_t now = 0;  // the database's clock when read
};

// Thrown inside a queue write whose epoch is not the lease's any more: rolls it back.
struct StaleQueueEpoch : std::runtime_error {
  StaleQueueEpoch()
      : std::runtime_error("the queue lease moved to another host: this write's epoch is stale") {}
};

// What a queue write is conditional on: the lease (holder, epoch) it was decided under.
struct QueueFence {
  std::int64_t holder = 0;
  std::int64_t epoch = 0;  // 0: none (a single node without a lease: SQLite tests)
  // PostgreSQL ends the write's session when it stays idle inside the transaction this long
  // (its process frozen): the lease row it locked is free again for the next host.
  std::int64_t idle_limit_ms = 0;  // 0: no limit

  // Inside the write's transaction: locks the lease row (a takeover waits for this
  // transaction), throws StaleQueueEpoch unless (holder, epoch) still holds it, and records
  // the epoch the write commits under.
  void check(soci::session& session, config::DatabaseKind kind) const;
};

// One queue host at a time, the database as arbiter (docs/adr-004). Each call is its own
// transaction; times are the database's clock.
class LeaseRepository {
 public:
  LeaseRepository(soci::session& session, config::DatabaseKind kind)
      : session_(session), kind_(kind) {}

  // Takes the lease for `node` with a new epoch when it is free, expired or `node`'s own
  // (a new queue actor of the same node fences its predecessor), or, on PostgreSQL, when no
  // connection of its holder's process is left (killed). `connections` is this process's
  // connection name prefix (WorkerPool::connection_name; empty: the lease expires only).
  // Else nullopt.
  std::optional<std::int64_t> acquire(std::int64_t node, std::int64_t ttl_ms,
                                      const std::string& connections = "");
  // Extends the lease; false when (node, epoch) does not hold it any more.
  bool renew(std::int64_t node, std::int64_t epoch, std::int64_t ttl_ms);
  // Hands the lease over at once (a successor need not wait for it to expire).
  void release(std::int64_t node, std::int64_t epoch);
  QueueLease current();

 private:
  soci::session& session_;
  config::DatabaseKind kind_;
};

// The database's clock in milliseconds, as an SQL expression.
const char* database_now_ms(config::DatabaseKind kind);

}  // namespace boxoffice::storage
