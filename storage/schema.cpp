// The versioned schema. Both dialects share the DDL below; only the auto-id column differs
// (SQLite generates ids only for exactly INTEGER PRIMARY KEY).
#include <string>

#include "storage/hold_batch_function.hpp"
#include "storage/migrations.hpp"
#include "storage/payment_batch_function.hpp"

namespace boxoffice::storage {
namespace {

const std::vector<std::string> kVersion1 = {
    "CREATE TABLE users ("
    " id $ID,"
    " name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),"
    " created_at_ms BIGINT NOT NULL)",

    "CREATE TABLE wallets ("
    " id $ID,"
    " user_id BIGINT NOT NULL UNIQUE REFERENCES users(id),"
    " balance BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),"
    " version BIGINT NOT NULL DEFAULT 0,"
    " updated_at_ms BIGINT NOT NULL)",

    "CREATE TABLE concerts ("
    " id $ID,"
    " title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),"
    " created_at_ms BIGINT NOT NULL)",

    "CREATE TABLE schedules ("
    " id $ID,"
    " concert_id BIGINT NOT NULL REFERENCES concerts(id),"
    " starts_at_ms BIGINT NOT NULL,"
    " booking_opens_at_ms BIGINT NOT NULL,"
    " booking_closes_at_ms BIGINT NOT NULL,"
    " seat_count INTEGER NOT NULL CHECK (seat_count BETWEEN 1 AND 100000),"
    " seat_price BIGINT NOT NULL CHECK (seat_price >= 0),"
    " version BIGINT NOT NULL DEFAULT 0,"
    " created_at_ms BIGINT NOT NULL,"
    " CHECK (booking_opens_at_ms < booking_closes_at_ms))",

    "CREATE INDEX schedules_by_concert ON schedules(concert_id, starts_at_ms)",

    // One row per seat; status/holder/held_until/reservation mirror the schedule actor's map.
    "CREATE TABLE seats ("
    " schedule_id BIGINT NOT NULL REFERENCES schedules(id),"
    " seat_number INTEGER NOT NULL CHECK (seat_number >= 1),"
    " price BIGINT NOT NULL CHECK (price >= 0),"
    " status TEXT NOT NULL DEFAULT 'AVAILABLE' CHECK (status IN ('AVAILABLE', 'HELD', 'SOLD')),"
    " holder_user_id BIGINT NULL REFERENCES users(id),"
    " held_until_ms BIGINT NULL,"
    " reservation_id BIGINT NULL,"
    " version BIGINT NOT NULL DEFAULT 0,"
    " PRIMARY KEY (schedule_id, seat_number),"
    " CHECK ((status = 'AVAILABLE') = (holder_user_id IS NULL)),"
    " CHECK (status <> 'HELD' OR held_until_ms IS NOT NULL))",

    "CREATE TABLE queue_tokens ("
    " seq $ID,"
    " token TEXT NOT NULL UNIQUE,"
    " user_id BIGINT NOT NULL REFERENCES users(id),"
    " status TEXT NOT NULL CHECK (status IN ('WAITING', 'ACTIVE', 'EXPIRED', 'COMPLETED')),"
    " issued_at_ms BIGINT NOT NULL,"
    " last_seen_at_ms BIGINT NOT NULL,"
    " activated_at_ms BIGINT NULL,"
    " expires_at_ms BIGINT NULL,"
    " ended_at_ms BIGINT NULL,"
    " version BIGINT NOT NULL DEFAULT 0,"
    " CHECK (status <> 'ACTIVE' OR expires_at_ms IS NOT NULL))",

    "CREATE UNIQUE INDEX queue_tokens_one_live_per_user ON queue_tokens(user_id)"
    " WHERE status IN ('WAITING', 'ACTIVE')",

    "CREATE INDEX queue_tokens_by_status ON queue_tokens(status, seq)",

    "CREATE TABLE reservations ("
    " id $ID,"
    " schedule_id BIGINT NOT NULL,"
    " seat_number INTEGER NOT NULL,"
    " user_id BIGINT NOT NULL REFERENCES users(id),"
    " price BIGINT NOT NULL CHECK (price >= 0),"
    " status TEXT NOT NULL CHECK (status IN ('HELD', 'CONFIRMED', 'EXPIRED', 'CANCELLED')),"
    " held_until_ms BIGINT NOT NULL,"
    " created_at_ms BIGINT NOT NULL,"
    " updated_at_ms BIGINT NOT NULL,"
    " version BIGINT NOT NULL DEFAULT 0,"
    " FOREIGN KEY (schedule_id, seat_number) REFERENCES seats(schedule_id, seat_number))",

    "CREATE UNIQUE INDEX reservations_one_live_hold_per_seat"
    " ON reservations(schedule_id, seat_number) WHERE status = 'HELD'",

    "CREATE UNIQUE INDEX reservations_one_sale_per_seat"
    " ON reservations(schedule_id, seat_number) WHERE status = 'CONFIRMED'",

    "CREATE INDEX reservations_by_user ON reservations(user_id)",

    "CREATE TABLE payments ("
    " id $ID,"
    " reservation_id BIGINT NOT NULL UNIQUE REFERENCES reservations(id),"
    " user_id BIGINT NOT NULL REFERENCES users(id),"
    " wallet_id BIGINT NOT NULL REFERENCES wallets(id),"
    " schedule_id BIGINT NOT NULL,"
    " seat_number INTEGER NOT NULL,"
    " amount BIGINT NOT NULL CHECK (amount >= 0),"
    " created_at_ms BIGINT NOT NULL,"
    " UNIQUE (schedule_id, seat_number))",

    // Every balance change, so that balance = sum(amount) can be audited.
    "CREATE TABLE wallet_ledger ("
    " id $ID,"
    " wallet_id BIGINT NOT NULL REFERENCES wallets(id),"
    " kind TEXT NOT NULL CHECK (kind IN ('CHARGE', 'PAYMENT')),"
    " amount BIGINT NOT NULL,"
    " balance_after BIGINT NOT NULL CHECK (balance_after >= 0),"
    " payment_id BIGINT NULL REFERENCES payments(id),"
    " created_at_ms BIGINT NOT NULL,"
    " CHECK ((kind = 'CHARGE' AND amount > 0) OR (kind = 'PAYMENT' AND amount <= 0)))",

    "CREATE INDEX wallet_ledger_by_wallet ON wallet_ledger(wallet_id)",

    // Idempotency-Key records: scope is "wallet:<id>" or "user:<id>".
    "CREATE TABLE idempotency_keys ("
    " scope TEXT NOT NULL,"
    " idem_key TEXT NOT NULL,"
    " request_hash TEXT NOT NULL,"
    " status_code INTEGER NOT NULL,"
    " response_body TEXT NOT NULL,"
    " created_at_ms BIGINT NOT NULL,"
    " PRIMARY KEY (scope, idem_key))",

    "CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at_ms)",
};

// Every write records its own request id in a row of the same transaction, so that its
// outcome can be looked up when the connection broke during COMMIT or the node that ran it
// died before answering (docs/adr-003): a charge's ledger row, a hold's reservation, the
// cancel of a reservation, a payment. Columns only: each lookup also names the wallet, user
// or reservation, which are indexed already.
const std::vector<std::string> kVersion2 = {
    "ALTER TABLE wallet_ledger ADD COLUMN request_id TEXT NULL",
    "ALTER TABLE reservations ADD COLUMN request_id TEXT NULL",
    "ALTER TABLE reservations ADD COLUMN cancel_request_id TEXT NULL",
    "ALTER TABLE payments ADD COLUMN request_id TEXT NULL",
};

// One queue host at a time, the database as arbiter (docs/adr-004): the lease row (holder
// node, epoch, expiry on the database's clock), every grant of it, and the epoch each queue
// write committed under (the chaos checker proves no write committed with a stale epoch).
const std::vector<std::string> kVersion3 = {
    "CREATE TABLE queue_lease ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " holder BIGINT NOT NULL,"
    " epoch BIGINT NOT NULL,"
    " expires_at_ms BIGINT NOT NULL)",

    "INSERT INTO queue_lease(id, holder, epoch, expires_at_ms) VALUES(1, 0, 0, 0)",

    "CREATE TABLE queue_lease_grants ("
    " epoch BIGINT PRIMARY KEY,"
    " holder BIGINT NOT NULL,"
    " granted_at_ms BIGINT NOT NULL)",

    "CREATE TABLE queue_lease_writes ("
    " epoch BIGINT NOT NULL,"
    " holder BIGINT NOT NULL,"
    " at_ms BIGINT NOT NULL)",
};

// The lease names its holder's connections (WorkerPool::connection_name: node and process
// incarnation), so that a successor sees when that process is gone (docs/adr-004).
const std::vector<std::string> kVersion5 = {
    "ALTER TABLE queue_lease ADD COLUMN holder_connections TEXT NOT NULL DEFAULT ''",
};

// PostgreSQL: the checks the hold path no longer pays for (docs/adr-007): each reservation is
// inserted by the statement that has just moved its seat, and a hold's user is its token's.
const std::vector<std::string> kVersion7PostgreSQL = {
    "ALTER TABLE reservations DROP CONSTRAINT IF EXISTS reservations_schedule_id_seat_number_fkey",
    "ALTER TABLE reservations DROP CONSTRAINT IF EXISTS reservations_user_id_fkey",
    "ALTER TABLE seats DROP CONSTRAINT IF EXISTS seats_holder_user_id_fkey",
};

// PostgreSQL: a seat's row is rewritten by every hold, release and sale, and none of those
// writes changes an indexed column; with room left on its page the new version stays there
// (a HOT update) and its index is not written. Applies to pages written from now on.
const std::vector<std::string> kVersion9PostgreSQL = {
    "ALTER TABLE seats SET (fillfactor = 50)",
};

// PostgreSQL: the checks the payment and charge paths no longer pay for (docs/adr-007): each
// payment row is inserted by the function block that has just confirmed its reservation (of
// that user, who holds an ACTIVE token) and debited its wallet, and each ledger row by the
// transaction that has just updated its wallet, right after its payment row.
const std::vector<std::string> kVersion10PostgreSQL = {
    "ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_reservation_id_fkey",
    "ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_user_id_fkey",
    "ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_wallet_id_fkey",
    "ALTER TABLE wallet_ledger DROP CONSTRAINT IF EXISTS wallet_ledger_wallet_id_fkey",
    "ALTER TABLE wallet_ledger DROP CONSTRAINT IF EXISTS wallet_ledger_payment_id_fkey",
};

// A version whose statements only PostgreSQL runs (SQLite records the version and runs none).
Migration postgresql_only(config::DatabaseKind kind, int version, std::string name,
                          std::vector<std::string> statements) {
  if (kind != config::DatabaseKind::postgresql) statements.clear();
  return Migration{version, std::move(name), std::move(statements)};
}

std::vector<Migration> render(config::DatabaseKind kind) {
  const std::string id = kind == config::DatabaseKind::sqlite
                             ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                             : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
  Migration first{1, "initial schema", {}};
  for (std::string statement : kVersion1) {
    for (auto at = statement.find("$ID"); at != std::string::npos; at = statement.find("$ID"))
      statement.replace(at, 3, id);
    first.statements.push_back(std::move(statement));
  }
  return {
      first,
      Migration{2, "request ids of writes", kVersion2},
      Migration{3, "queue lease", kVersion3},
      // Several payments per commit (docs/adr-005): on PostgreSQL the batch's writes are one
      // server-side function; SQLite writes them statement by statement (no round trips there).
      postgresql_only(kind, 4, "payment batch function", {pay_batch_function_sql()}),
      Migration{5, "queue lease holder's connections", kVersion5},
      // A schedule's batch of releases and holds in one statement on PostgreSQL (one round
      // trip); SQLite keeps its statements (in-process, they cost no round trip).
      postgresql_only(kind, 6, "hold batch function", {hold_batch_function_sql()}),
      postgresql_only(kind, 7, "hold path without foreign-key checks", kVersion7PostgreSQL),
      // The hold batch function again: reservations by primary key, one at a time
      // (storage/hold_batch_function.cpp says why).
      postgresql_only(kind, 8, "hold batch function by primary key", {hold_batch_function_sql()}),
      postgresql_only(kind, 9, "seats leave room on their pages", kVersion9PostgreSQL),
      postgresql_only(kind, 10, "payment and charge paths without foreign-key checks",
                      kVersion10PostgreSQL),
  };
}

}  // namespace

const std::vector<Migration>& migrations_for(config::DatabaseKind kind) {
  static const auto sqlite = render(config::DatabaseKind::sqlite);
  static const auto postgresql = render(config::DatabaseKind::postgresql);
  return kind == config::DatabaseKind::sqlite ? sqlite : postgresql;
}

}  // namespace boxoffice::storage
