#include "actors/payment_writer.hpp"

#include "storage/write_outcome.hpp"

namespace boxoffice::actors {

namespace {

using Outcome = StorageOutcome<storage::PaymentOutcome>;

void deliver(const caf::actor& owner, const PaymentWriter::Done& done, Outcome outcome) {
  auto shared = std::make_shared<Outcome>(std::move(outcome));
  caf::anon_send(owner, continue_atom::value,
                 Continuation{[done, shared]() mutable { done(std::move(*shared)); }});
}

}  // namespace

PaymentWriter::PaymentWriter(storage::WorkerPool& pool, config::DatabaseKind kind,
                             const domain::Clock& clock, std::chrono::milliseconds commit_wait,
                             ActorStats& stats)
    : pool_(pool), kind_(kind), clock_(clock), commit_wait_(commit_wait), stats_(stats) {}

void PaymentWriter::submit(caf::scheduled_actor* self, const domain::Wallet& wallet,
                           domain::PaymentOrder order, Done done) {
  auto batches =
      queue_.push_take(Pending{caf::actor_cast<caf::actor>(self),
                               storage::PaymentEntry{wallet, std::move(order)}, std::move(done)});
  for (auto& batch : batches) write(std::move(batch));
}

void PaymentWriter::batch_done() {
  // Waited here past its deadline (behind batches of a stalled database): never written.
  const auto now = domain::wall_clock_ms();
  for (auto& late : queue_.drop_queued_if(
           [now](const Pending& pending) { return pending.entry.order.tag.passed(now); }))
    deliver(late.owner, late.done, Outcome{{}, std::make_exception_ptr(storage::DeadlinePassed())});
  for (auto& batch : queue_.finished_take()) write(std::move(batch));
}

void PaymentWriter::write(Batch batch) {
  // The batch commits before its earliest deadline, or not at all.
  domain::TimeMs deadline = 0;
  std::vector<storage::PaymentEntry> entries;
  entries.reserve(batch->size());
  for (const auto& pending : *batch) {
    const auto own = pending.entry.order.tag.deadline;
    if (deadline == 0 || own < deadline) deadline = own;
    entries.push_back(pending.entry);
  }
  auto gate = std::make_shared<storage::CommitGate>(deadline, deadline + commit_wait_.count());
  const auto now = clock_.now_ms();
  ++stats_.payment_batches;
  pool_.post(storage::StorageJob{
      [self = shared_from_this(), batch, gate, entries = std::move(entries),
       now](soci::session& session) {
        auto outcomes = storage::PaymentRepository(session, self->kind_).pay_batch(entries, now);
        if (!gate->claim()) return;  // the watchdog answered the batch already
        for (std::size_t i = 0; i < batch->size(); ++i)
          deliver((*batch)[i].owner, (*batch)[i].done, Outcome{std::move(outcomes[i]), nullptr});
        self->batch_done();
      },
      [self = shared_from_this(), batch](std::exception_ptr error) {
        for (const auto& pending : *batch) deliver(pending.owner, pending.done, Outcome{{}, error});
        self->batch_done();
      },
      gate});
}

}  // namespace boxoffice::actors
