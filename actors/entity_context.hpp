#pragma once

#include <array>
#include <atomic>
#include <caf/all.hpp>
#include <chrono>
#include <memory>

#include "actors/snapshot_board.hpp"
#include "actors/stall_watch.hpp"
#include "config/config.hpp"
#include "domain/clock.hpp"
#include "domain/wallet.hpp"
#include "storage/worker_pool.hpp"

namespace boxoffice::actors {

class PaymentWriter;
template <class Key, class Value>
class ReadBatcher;

// Upper bounds (seconds) of the queue wait histogram: issue to ACTIVE.
inline constexpr std::array<std::int64_t, 10> kQueueWaitBuckets{1,   5,   15,  30,   60,
                                                                120, 300, 600, 1800, 3600};

// Counters other components read for /metrics.
struct ActorStats {
  std::atomic<std::int64_t> entities_live{0};
  std::atomic<std::int64_t> entities_spawned{0};
  std::atomic<std::int64_t> entities_passivated{0};
  std::atomic<std::int64_t> charges_applied{0};
  std::atomic<std::int64_t> charge_batches{0};
  std::atomic<std::int64_t> version_conflicts{0};
  std::atomic<std::int64_t> queue_waiting{0};
  std::atomic<std::int64_t> queue_active{0};
  std::atomic<std::int64_t> queue_admitted{0};
  std::atomic<std::int64_t> queue_expired{0};
  std::atomic<std::int64_t> queue_back_wait_seconds{-1};  // -1: not estimated yet
  // Committed admissions by wait (one counter per kQueueWaitBuckets bound, then +Inf).
  std::array<std::atomic<std::int64_t>, kQueueWaitBuckets.size() + 1> queue_wait_buckets{};
  std::atomic<std::int64_t> queue_wait_ms_sum{0};
  std::atomic<std::int64_t> holds_active{0};
  std::atomic<std::int64_t> holds_created{0};
  std::atomic<std::int64_t> holds_expired{0};
  std::atomic<std::int64_t> holds_cancelled{0};
  std::atomic<std::int64_t> hold_batches{0};
  std::atomic<std::int64_t> seats_sold{0};
  std::atomic<std::int64_t> payments{0};
  std::atomic<std::int64_t> payment_batches{0};  // payment transactions sent (PaymentWriter)
  std::atomic<std::int64_t> payments_amount{0};
  std::atomic<std::int64_t> hold_to_payment_ms_sum{0};
  // Cluster.
  std::atomic<std::int64_t> forwarded_requests{0};  // sent to the owner on another node
  std::atomic<std::int64_t> forward_retries{0};     // re-sent to a new owner after a peer died
  std::atomic<std::int64_t> forward_failures{0};    // failed because the owner died mid-request
  std::atomic<std::int64_t> served_for_peers{0};    // answered here for another node
  std::atomic<std::int64_t> peers_up{0};
  std::atomic<std::int64_t> peer_up_events{0};
  std::atomic<std::int64_t> peer_down_events{0};
  std::atomic<std::int64_t> ownership_moves{0};  // entity actors handed over to another node
};

// What every entity actor of this node shares. Outlives the actor system's actors.
struct EntityContext {
  const config::Config& config;
  storage::WorkerPool& storage;
  const domain::Clock& clock;
  ActorStats& stats;
  SnapshotBoard& board;
  // Keeps the board alive for exit hooks, which CAF may run after the actor counts as done.
  std::shared_ptr<SnapshotBoard> board_lifetime;
  caf::actor router;  // set once the router is spawned
  // Writes the payments of all wallet actors of this node in batches (set by the runtime).
  std::shared_ptr<PaymentWriter> payments{};
  // Loads the wallets of the wallet actors of this node, many per query (set by the runtime).
  std::shared_ptr<ReadBatcher<domain::Id, domain::Wallet>> wallet_loads{};

  // Clustered: set while this process is known to have stood still and has not rejoined
  // the cluster yet (see StallWatch). Entity actors then start no write: they answer 503
  // and stop, and the next request loads the entity afresh from the database.
  const StallWatch* stall_watch = nullptr;
  bool stalled() const { return stall_watch && stall_watch->stalled(); }
};

}  // namespace boxoffice::actors
