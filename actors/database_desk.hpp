#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "domain/catalog.hpp"
#include "domain/payment.hpp"
#include "domain/reservation.hpp"
#include "domain/result.hpp"

namespace boxoffice::storage {
class WorkerPool;
}

namespace boxoffice::actors {

class EntityDirectory;
class SnapshotBoard;
template <class Key, class Value>
class ReadBatcher;

// Where a payment goes: the schedule actor of the reservation, and the payer's wallet.
struct PaymentTarget {
  domain::Id schedule = 0;           // 0: no such reservation
  std::optional<domain::Id> wallet;  // nullopt: the user has no wallet
};

// The database work that has no entity actor (the catalog: users, concerts, schedules; lookups
// by id): each call runs on a storage worker and is waited for by the caller, so the HTTP front
// never holds a database session or a storage type. A read gives up after --request-timeout
// (UNAVAILABLE); a catalog write is awaited to its end (its outcome must be known); a broken
// connection is UNAVAILABLE, anything else INTERNAL (logged with what failed).
class DatabaseDesk {
 public:
  // `directory` learns the wallets and schedules created here.
  DatabaseDesk(const config::Config& config, storage::WorkerPool& pool, const SnapshotBoard& board,
               EntityDirectory& directory);

  domain::Result<domain::User> create_user(const std::string& name, domain::TimeMs now);
  domain::Result<domain::Concert> create_concert(const std::string& title, domain::TimeMs now);
  // nullopt: no such concert.
  domain::Result<std::optional<domain::Schedule>> create_schedule(const domain::ScheduleSpec& spec,
                                                                  domain::TimeMs now);
  domain::Result<std::vector<domain::Concert>> list_concerts();
  // nullopt: no such concert; else its schedule ids ordered by start. Read at most once per
  // kCatalogTtl per concert on this node: a schedule or concert created through this node is
  // seen by every request that starts after its creation, one created through another node
  // within kCatalogTtl.
  domain::Result<std::optional<std::vector<domain::Id>>> schedules_of(domain::Id concert);
  // The same from memory only (a handler on the connection loop): none when it would read.
  std::optional<std::optional<std::vector<domain::Id>>> schedules_of_now(domain::Id concert);
  static constexpr std::chrono::milliseconds kCatalogTtl{1000};
  domain::Result<std::optional<domain::ReservationRecord>> find_reservation(domain::Id id);
  // Without a database read when this node knows both: the reservation is a live hold of a
  // schedule loaded here (SnapshotBoard) and the user's wallet is `token_wallet` (the queue's
  // host learns it with the user's token), or the user paid or was looked up here before (a
  // user's wallet never changes). Else one read for what is missing.
  domain::Result<PaymentTarget> payment_target(domain::Id user, domain::Id reservation,
                                               domain::Id token_wallet = 0);
  // What payment_target() answers from memory alone; none when it would read.
  std::optional<PaymentTarget> payment_target_now(domain::Id user, domain::Id reservation,
                                                  domain::Id token_wallet = 0);
  // The first answer recorded for a user's payment Idempotency-Key, if it was for this
  // reservation (payment 0: the key belongs to another payment).
  domain::Result<std::optional<domain::PaymentReceipt>> payment_replay(
      domain::Id user, const std::string& idempotency_key, domain::Id reservation);
  // Whether the database answers a trivial query within a second.
  domain::Result<domain::Done> ping();

 private:
  std::optional<domain::Id> known_wallet(domain::Id user);
  // What this node knows of a payment's target without a read (schedule 0, wallet none: not).
  PaymentTarget target_in_memory(domain::Id user, domain::Id reservation, domain::Id token_wallet);
  void remember_wallet(domain::Id user, domain::Id wallet);
  // The user's wallet id, read in a batch with other requests' (wallet_ids_).
  domain::Result<std::optional<domain::Id>> read_wallet_of(domain::Id user);

  const config::Config& config_;
  storage::WorkerPool& pool_;
  const SnapshotBoard& board_;
  EntityDirectory& directory_;
  std::shared_ptr<ReadBatcher<domain::Id, domain::Id>> wallet_ids_;  // user -> wallet
  void forget_schedules_of(domain::Id concert);
  // A concert's schedule ids read within kCatalogTtl of `now`; schedules_mutex_ held.
  std::optional<std::optional<std::vector<domain::Id>>> remembered_schedules_of(
      domain::Id concert, std::chrono::steady_clock::time_point now) const;

  struct KnownSchedules {
    std::optional<std::vector<domain::Id>> ids;
    std::chrono::steady_clock::time_point read_at;
  };
  std::mutex schedules_mutex_;
  std::uint64_t catalog_writes_ = 0;  // a read that raced a write is not remembered
  std::unordered_map<domain::Id, KnownSchedules> schedules_of_concert_;
  std::mutex wallets_mutex_;
  std::unordered_map<domain::Id, domain::Id> wallet_of_user_;  // bounded: see remember_wallet
};

}  // namespace boxoffice::actors
