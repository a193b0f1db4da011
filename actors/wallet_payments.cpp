// The payment path of the wallet actor: a queued debit is the whole payment, one at a time
// per wallet, written by the node's PaymentWriter in a batch with other wallets' payments
// (docs/adr-005); its outcome answers the schedule actor.
#include <spdlog/spdlog.h>

#include "actors/payment_writer.hpp"
#include "actors/storage_bridge.hpp"
#include "actors/wallet_writes.hpp"
#include "actors/write_failure.hpp"
#include "storage/payment_repository.hpp"

namespace boxoffice::actors::wallet {

using domain::ErrorCode;

namespace {

caf::error payment_error(ErrorCode code, const std::string& detail) {
  return to_caf_error(domain::make_error(code, detail));
}

void finish_payment(WalletActor* self, EntityContext* context, QueuedPayment job,
                    StorageOutcome<storage::PaymentOutcome> outcome) {
  using Kind = storage::PaymentOutcome::Kind;
  auto& state = self->state;
  if (!outcome.value) {  // the batch failed as a whole
    const auto failure = classify_write_failure(outcome.error);
    if (failure == WriteFailure::deadline_passed) {
      // Nothing was written: the batch met an earlier payment's deadline. This one goes
      // again if its own deadline is still ahead; memory is right either way.
      if (job.order.tag.passed(domain::wall_clock_ms()))
        job.promise.deliver(deadline_error());
      else
        state.payments.push_front(std::move(job));
      state.writing = false;
      write_next_batch(self, context);
      return;
    }
    job.promise.deliver(to_caf_error(
        write_failure_error(failure == WriteFailure::lost_race ? WriteFailure::database : failure,
                            outcome.error, "payment")));
    reload_then(self, context, [self, context] {
      self->state.writing = false;
      write_next_batch(self, context);
    });
    return;
  }
  auto& result = *outcome.value;
  switch (result.kind) {
    case Kind::paid:
      state.wallet = result.wallet;
      job.promise.deliver(result.receipt);
      break;
    case Kind::replayed: job.promise.deliver(result.receipt); break;
    case Kind::key_reused:
      job.promise.deliver(
          payment_error(ErrorCode::idempotency_key_reused,
                        "Idempotency-Key was used for another payment of this user"));
      break;
    case Kind::insufficient_balance:  // decided by the committed balance
      state.wallet = result.wallet;
      job.promise.deliver(payment_error(ErrorCode::insufficient_balance,
                                        "balance " + std::to_string(result.wallet.balance) +
                                            " is below the price " +
                                            std::to_string(job.order.price)));
      break;
    case Kind::reservation_expired:
      job.promise.deliver(payment_error(
          ErrorCode::reservation_expired,
          "reservation " + std::to_string(job.order.reservation) + " is not a live hold any more"));
      break;
    case Kind::already_paid:  // committed state: someone else paid the reservation or seat
      job.promise.deliver(
          payment_error(ErrorCode::reservation_expired, "the reservation was already paid"));
      break;
    case Kind::token_not_active:
      job.promise.deliver(
          payment_error(ErrorCode::token_not_active, "the queue token is not ACTIVE any more"));
      break;
    case Kind::failed:  // rolled back alone (a deadlock, say): nothing of it was written
      spdlog::warn("payment of reservation {} failed: {}", job.order.reservation, result.detail);
      job.promise.deliver(
          payment_error(ErrorCode::unavailable, "the database could not write the payment; retry"));
      break;
    case Kind::version_conflict:
      ++context->stats.version_conflicts;
      if (++job.attempts >= kMaxAttempts) {
        job.promise.deliver(
            payment_error(ErrorCode::unavailable, "the wallet changed concurrently; retry"));
      } else {
        state.payments.push_front(std::move(job));
      }
      reload_then(self, context, [self, context] {
        self->state.writing = false;
        write_next_batch(self, context);
      });
      return;
  }
  state.writing = false;
  write_next_batch(self, context);
}

}  // namespace

void write_next_payment(WalletActor* self, EntityContext* context) {
  auto& state = self->state;
  auto job = std::make_shared<QueuedPayment>(std::move(state.payments.front()));
  state.payments.pop_front();
  state.writing = true;
  context->payments->submit(self, state.wallet, job->order,
                            [self, context, job](StorageOutcome<storage::PaymentOutcome> outcome) {
                              finish_payment(self, context, std::move(*job), std::move(outcome));
                            });
}

}  // namespace boxoffice::actors::wallet
