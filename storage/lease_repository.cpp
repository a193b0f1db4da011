#include "storage/lease_repository.hpp"

#include <string>

#include "storage/changed_rows.hpp"
#include "storage/write_transaction.hpp"

namespace boxoffice::storage {

const char* database_now_ms(config::DatabaseKind kind) {
  return kind == config::DatabaseKind::postgresql
             ? "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
             : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
}

void QueueFence::check(soci::session& session, config::DatabaseKind kind) const {
  if (epoch == 0) return;
  // Found by the chaos tool: a host frozen (SIGSTOP) with a queue write open held the lease
  // row locked for as long as it stood still, so no other node could take the lease over.
  if (kind == config::DatabaseKind::postgresql && idle_limit_ms > 0)
    session << "SET LOCAL idle_in_transaction_session_timeout = " + std::to_string(idle_limit_ms);
  const long long locked = changed_rows(
      session,
      "UPDATE queue_lease SET epoch = epoch WHERE id = 1 AND holder = :holder AND epoch = :epoch",
      soci::use(holder), soci::use(epoch));
  if (locked != 1) throw StaleQueueEpoch();
  session << std::string(
                 "INSERT INTO queue_lease_writes(epoch, holder, at_ms) VALUES(:epoch, "
                 ":holder, ") +
                 database_now_ms(kind) + ")",
      soci::use(epoch), soci::use(holder);
}

std::optional<std::int64_t> LeaseRepository::acquire(std::int64_t node, std::int64_t ttl_ms) {
  const std::string now = database_now_ms(kind_);
  WriteTransaction transaction(session_, kind_);
  // A host frozen with a queue write open holds the lease row: give up at once rather than
  // block a storage worker for as long as it stands still (the caller tries again).
  if (kind_ == config::DatabaseKind::postgresql) session_ << "SET LOCAL lock_timeout = '200ms'";
  // On PostgreSQL a holder with no connection left is gone (killed: its sockets were closed
  // with it), whatever its expiry says: nothing of it can write any more, and a restarted
  // process would write under a new epoch anyway. Connections are named after their node
  // (WorkerPool::default_connection_name). A holder frozen or cut off from its peers keeps its
  // connections: it is waited for until its lease expires.
  const std::string holder_gone =
      kind_ == config::DatabaseKind::postgresql
          ? " OR NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name LIKE 'boxoffice/n' || queue_lease.holder || '/%')"
          : "";
  const long long taken = changed_rows(
      session_,
      "UPDATE queue_lease SET holder = :node, epoch = epoch + 1, expires_at_ms = " + now +
          " + :ttl WHERE id = 1 AND (holder = 0 OR holder = :same OR expires_at_ms < " + now +
          holder_gone + ")",
      soci::use(node), soci::use(ttl_ms), soci::use(node));
  if (taken != 1) return std::nullopt;  // rolled back: nothing was written
  long long epoch = 0;
  session_ << "SELECT epoch FROM queue_lease WHERE id = 1", soci::into(epoch);
  session_
      << "INSERT INTO queue_lease_grants(epoch, holder, granted_at_ms) VALUES(:epoch, :node, " +
             now + ")",
      soci::use(epoch), soci::use(node);
  transaction.prove_with([epoch, node](soci::session& session) {
    int granted = 0;
    session << "SELECT COUNT(*) FROM queue_lease_grants WHERE epoch = :epoch AND holder = :node",
        soci::use(epoch), soci::use(node), soci::into(granted);
    return granted > 0;
  });
  transaction.commit();
  return epoch;
}

bool LeaseRepository::renew(std::int64_t node, std::int64_t epoch, std::int64_t ttl_ms) {
  return changed_rows(session_,
                      std::string("UPDATE queue_lease SET expires_at_ms = ") +
                          database_now_ms(kind_) +
                          " + :ttl WHERE id = 1 AND holder = :node AND epoch = :epoch",
                      soci::use(ttl_ms), soci::use(node), soci::use(epoch)) == 1;
}

void LeaseRepository::release(std::int64_t node, std::int64_t epoch) {
  changed_rows(session_,
               "UPDATE queue_lease SET holder = 0, expires_at_ms = 0"
               " WHERE id = 1 AND holder = :node AND epoch = :epoch",
               soci::use(node), soci::use(epoch));
}

QueueLease LeaseRepository::current() {
  QueueLease lease;
  long long holder = 0, epoch = 0, expires = 0, now = 0;
  session_ << std::string("SELECT holder, epoch, expires_at_ms, ") + database_now_ms(kind_) +
                  " FROM queue_lease WHERE id = 1",
      soci::into(holder), soci::into(epoch), soci::into(expires), soci::into(now);
  lease.holder = holder;
  lease.epoch = epoch;
  lease.expires_at = expires;
  lease.now = now;
  return lease;
}

}  // namespace boxoffice::storage
