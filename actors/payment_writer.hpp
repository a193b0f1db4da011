#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "actors/coalescing_queue.hpp"
#include "actors/storage_bridge.hpp"
#include "domain/clock.hpp"
#include "storage/payment_repository.hpp"
#include "storage/worker_pool.hpp"

namespace boxoffice::actors {

// The node's payment writer (docs/adr-005): the payments that wallet actors hand over while
// a batch is being written go together into the next batch, one transaction
// (storage::PaymentRepository::pay_batch: on PostgreSQL one call between BEGIN and COMMIT),
// each payment all-or-nothing on its own. The writer decides nothing: each wallet actor
// still owns its balance, sends at most one payment at a time with the wallet version it
// holds, and the versioned debit refuses a stale owner. Thread-safe; a batch's storage job
// is bound to the earliest deadline in it (CommitGate), and its outcome reaches each wallet
// actor as a message, like run_storage's.
class PaymentWriter : public std::enable_shared_from_this<PaymentWriter> {
 public:
  // Batches in flight at once (each on its own storage worker), and payments per batch.
  static constexpr int kBatchesInFlight = 2;
  static constexpr std::size_t kMaxPaymentsPerBatch = 64;  // PostgreSQL's subtransaction cache

  using Done = std::function<void(StorageOutcome<storage::PaymentOutcome>)>;

  PaymentWriter(storage::WorkerPool& pool, config::DatabaseKind kind, const domain::Clock& clock,
                std::chrono::milliseconds commit_wait, ActorStats& stats);

  // Writes `order` from `wallet` (as the calling wallet actor holds it) in the next batch;
  // `done` runs inside `self` with the payment's own outcome, or with the batch's failure.
  void submit(caf::scheduled_actor* self, const domain::Wallet& wallet, domain::PaymentOrder order,
              Done done);

 private:
  struct Pending {
    caf::actor owner;  // keeps the actor alive until `done` ran
    storage::PaymentEntry entry;
    Done done;
  };
  using Batch = CoalescingQueue<Pending>::Batch;

  void write(Batch batch);
  // A batch was answered: the payments that waited past their deadline are answered, the
  // next batch may go.
  void batch_done();

  storage::WorkerPool& pool_;
  const config::DatabaseKind kind_;
  const domain::Clock& clock_;
  const std::chrono::milliseconds commit_wait_;
  ActorStats& stats_;
  CoalescingQueue<Pending> queue_{kBatchesInFlight, kMaxPaymentsPerBatch};
};

}  // namespace boxoffice::actors
