#include "actors/wallet_actor.hpp"

#include "actors/wallet_writes.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>

#include "actors/entity_key.hpp"
#include "actors/read_batcher.hpp"
#include "actors/storage_bridge.hpp"
#include "actors/write_batch.hpp"
#include "actors/write_failure.hpp"
#include "storage/sql_error.hpp"
#include "storage/wallet_repository.hpp"

namespace boxoffice::actors {

using domain::ErrorCode;
using storage::ChargeOutcome;

namespace wallet {

void load_then(WalletActor* self, EntityContext* context,
               std::function<void(StorageOutcome<std::optional<domain::Wallet>>)> then) {
  context->wallet_loads->read(
      self->state.wallet.id, [handle = caf::actor_cast<caf::actor>(self), then = std::move(then)](
                                 StorageOutcome<std::optional<domain::Wallet>> outcome) {
        auto shared =
            std::make_shared<StorageOutcome<std::optional<domain::Wallet>>>(std::move(outcome));
        caf::anon_send(handle, continue_atom::value,
                       Continuation{[then, shared]() { then(std::move(*shared)); }});
      });
}

void reload_then(WalletActor* self, EntityContext* context, std::function<void()> next) {
  load_then(self, context, [self, next](StorageOutcome<std::optional<domain::Wallet>> outcome) {
    if (outcome.value && *outcome.value) self->state.wallet = **outcome.value;
    next();
  });
}

}  // namespace wallet

using namespace wallet;

namespace {

caf::behavior ready(WalletActor* self, EntityContext* context);

const domain::WriteTag& job_tag(const QueuedCharge& charge) {
  return charge.command.tag;
}
const domain::WriteTag& job_tag(const QueuedPayment& payment) {
  return payment.order.tag;
}

domain::WalletLimits limits_of(const EntityContext* context) {
  return domain::WalletLimits{context->config.max_charge, context->config.max_balance};
}

domain::Error storage_failure(const std::exception_ptr& error, const char* what) {
  log_storage_failure(error, what);
  return domain::make_error(ErrorCode::unavailable, "the database is not available");
}

// USER_NOT_FOUND or WALLET_OWNER_MISMATCH for a user that does not own the wallet.
void answer_not_owner(WalletActor* self, EntityContext* context, caf::response_promise promise,
                      domain::Id user) {
  const auto wallet = self->state.wallet;
  const auto kind = context->config.database.kind;
  run_storage<bool>(
      self, context->storage,
      [kind, user](soci::session& session) {
        return storage::WalletRepository(session, kind).user_exists(user);
      },
      [wallet, user, promise](StorageOutcome<bool> outcome) mutable {
        if (!outcome.value) {
          promise.deliver(to_caf_error(storage_failure(outcome.error, "user lookup")));
        } else if (!*outcome.value) {
          promise.deliver(to_caf_error(domain::make_error(
              ErrorCode::user_not_found, "user " + std::to_string(user) + " does not exist")));
        } else {
          promise.deliver(to_caf_error(domain::check_owner(wallet, user).error()));
        }
      },
      read_gate(context));
}

// Answers 503 to every queued write whose deadline passed: it was never written.
void drop_expired(WalletActor* self) {
  auto& state = self->state;
  const auto now = domain::wall_clock_ms();
  const auto expired = [now](const auto& job) { return job_tag(job).passed(now); };
  for (auto& charge : state.queued)
    if (expired(charge)) charge.promise.deliver(deadline_error());
  for (auto& payment : state.payments)
    if (expired(payment)) payment.promise.deliver(deadline_error());
  state.queued.erase(std::remove_if(state.queued.begin(), state.queued.end(), expired),
                     state.queued.end());
  state.payments.erase(std::remove_if(state.payments.begin(), state.payments.end(), expired),
                       state.payments.end());
}

// While writes wait (behind a transaction whose COMMIT waits for its verdict, say), a
// sweep answers each at its deadline.
void arm_sweep(WalletActor* self) {
  auto& state = self->state;
  if (state.sweep_armed || (state.queued.empty() && state.payments.empty())) return;
  domain::TimeMs earliest = 0;
  for (const auto& charge : state.queued)
    if (earliest == 0 || charge.command.tag.deadline < earliest)
      earliest = charge.command.tag.deadline;
  for (const auto& payment : state.payments)
    if (earliest == 0 || payment.order.tag.deadline < earliest)
      earliest = payment.order.tag.deadline;
  const auto delay = std::max<domain::TimeMs>(0, earliest - domain::wall_clock_ms()) + 1;
  state.sweep_armed = true;
  self->delayed_send(self, std::chrono::milliseconds(delay), sweep_atom::value);
}

void finish_batch(WalletActor* self, EntityContext* context, std::vector<QueuedCharge> batch,
                  StorageOutcome<storage::ChargeBatch> outcome) {
  auto& state = self->state;
  const bool conflict = outcome.value && outcome.value->version_conflict;
  if (!outcome.value || conflict) {
    const auto failure = conflict ? WriteFailure::lost_race : classify_write_failure(outcome.error);
    if (failure == WriteFailure::deadline_passed) {
      // Nothing was written (dropped, or rolled back before COMMIT): the charges whose own
      // deadline is still ahead go again, the others get 503.
      const auto now = domain::wall_clock_ms();
      for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
        if (it->command.tag.passed(now))
          it->promise.deliver(deadline_error());
        else
          state.queued.push_front(std::move(*it));
      }
      state.writing = false;
      write_next_batch(self, context);
      return;
    }
    // Lost a race to another writer (a second owner during a cluster move): nothing was
    // written; reload what the database holds and try again, a bounded number of times.
    // Otherwise nothing was written either (503: the client may retry), or, for an unknown
    // outcome (504), perhaps everything: memory must be reloaded before the next write.
    const bool lost_race = failure == WriteFailure::lost_race;
    if (lost_race) ++context->stats.version_conflicts;
    const auto answer = write_failure_error(failure, outcome.error, "charge batch");
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
      if (!lost_race || ++it->attempts >= kMaxAttempts)
        it->promise.deliver(to_caf_error(answer));
      else
        state.queued.push_front(std::move(*it));
    }
    reload_then(self, context, [self, context] {
      self->state.writing = false;
      write_next_batch(self, context);
    });
    return;
  }
  state.wallet = outcome.value->wallet;
  ++context->stats.charge_batches;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& result = outcome.value->outcomes[i];
    auto& promise = batch[i].promise;
    switch (result.kind) {
      case ChargeOutcome::Kind::applied:
        ++context->stats.charges_applied;
        promise.deliver(result.receipt);
        break;
      case ChargeOutcome::Kind::replayed: promise.deliver(result.receipt); break;
      case ChargeOutcome::Kind::limit_exceeded:
        promise.deliver(to_caf_error(domain::make_error(
            ErrorCode::balance_limit_exceeded,
            "the balance would pass the limit of " + std::to_string(context->config.max_balance))));
        break;
      case ChargeOutcome::Kind::key_reused:
        promise.deliver(to_caf_error(
            domain::make_error(ErrorCode::idempotency_key_reused,
                               "Idempotency-Key was used for a different charge of this wallet")));
        break;
    }
  }
  state.writing = false;
  write_next_batch(self, context);
}

// This node stood still and may have been declared dead meanwhile: what is queued was
// perhaps failed (503) by the node that forwarded it, and another node may own this wallet
// now. Write nothing; answer 503 and stop (the next request loads afresh).
bool refuse_after_stall(WalletActor* self, EntityContext* context) {
  if (!context->stalled()) return false;
  const auto error = rejoining_error();
  auto& state = self->state;
  for (auto& charge : state.queued) charge.promise.deliver(error);
  for (auto& payment : state.payments) payment.promise.deliver(error);
  state.queued.clear();
  state.payments.clear();
  self->quit();
  return true;
}

}  // namespace

void wallet::write_next_batch(WalletActor* self, EntityContext* context) {
  auto& state = self->state;
  if (state.writing) {
    arm_sweep(self);
    return;
  }
  if (refuse_after_stall(self, context)) return;
  drop_expired(self);
  if (!state.payments.empty()) {
    write_next_payment(self, context);
    arm_sweep(self);
    return;
  }
  if (state.queued.empty()) {
    if (state.stopping) self->quit();
    return;
  }
  std::vector<QueuedCharge> batch;
  std::vector<storage::PendingCharge> pending;
  domain::TimeMs deadline = 0;  // the batch commits before its earliest deadline, or not at all
  while (!state.queued.empty() && batch.size() < kMaxWritesPerBatch) {
    auto& next = state.queued.front();
    const auto& command = next.command;
    pending.push_back(
        {command.user, command.amount, command.idempotency_key, command.tag.request_id});
    if (deadline == 0 || command.tag.deadline < deadline) deadline = command.tag.deadline;
    batch.push_back(std::move(next));
    state.queued.pop_front();
  }
  state.writing = true;
  const auto start = state.wallet;
  const auto limits = limits_of(context);
  const auto now = context->clock.now_ms();
  const auto kind = context->config.database.kind;
  auto shared_batch = std::make_shared<std::vector<QueuedCharge>>(std::move(batch));
  run_storage<storage::ChargeBatch>(
      self, context->storage,
      [kind, start, pending = std::move(pending), limits, now](soci::session& session) {
        return storage::WalletRepository(session, kind).apply_charges(start, pending, limits, now);
      },
      [self, context, shared_batch](StorageOutcome<storage::ChargeBatch> outcome) {
        finish_batch(self, context, std::move(*shared_batch), std::move(outcome));
      },
      write_gate(context, deadline));
}

namespace {

void request_passivation(WalletActor* self, EntityContext* context) {
  ask_to_passivate(self, context->router, context->config.entity_idle_timeout,
                   entity_key(EntityKind::wallet, self->state.wallet.id), [self] {
                     const auto& state = self->state;
                     if (!state.writing && state.queued.empty() && state.payments.empty())
                       self->quit();
                   });
}

caf::behavior missing(WalletActor* self, EntityContext* context) {
  self->set_default_handler(caf::print_and_drop);
  const auto not_found = [self] {
    return to_caf_error(
        domain::make_error(ErrorCode::wallet_not_found,
                           "wallet " + std::to_string(self->state.wallet.id) + " does not exist"));
  };
  request_passivation(self, context);
  return {
      [=](caf::get_atom, domain::Id) -> caf::result<domain::BalanceView> { return not_found(); },
      [=](charge_atom, const ChargeCommand&) -> caf::result<domain::ChargeReceipt> {
        return not_found();
      },
      [=](debit_atom, const domain::PaymentOrder&) -> caf::result<domain::PaymentReceipt> {
        return not_found();
      },
      [=](handover_atom) { self->quit(); },
      [](sweep_atom) {},
      [=](idle_atom, std::uint64_t) { request_passivation(self, context); },
      [](continue_atom, const Continuation& next) { next.run(); },
  };
}

caf::behavior ready(WalletActor* self, EntityContext* context) {
  self->set_default_handler(caf::print_and_drop);
  self->state.idle.arm(self, context->config.entity_idle_timeout);
  return {
      [=](caf::get_atom, domain::Id user) -> caf::result<domain::BalanceView> {
        self->state.idle.saw_request();
        const auto& wallet = self->state.wallet;
        if (wallet.owner == user) return domain::BalanceView{wallet.id, user, wallet.balance};
        auto promise = self->make_response_promise();
        answer_not_owner(self, context, promise, user);
        return promise;
      },
      [=](charge_atom, ChargeCommand& command) -> caf::result<domain::ChargeReceipt> {
        self->state.idle.saw_request();
        if (command.tag.passed(domain::wall_clock_ms())) return deadline_error();
        auto promise = self->make_response_promise();
        if (self->state.wallet.owner != command.user) {
          answer_not_owner(self, context, promise, command.user);
          return promise;
        }
        self->state.queued.push_back(QueuedCharge{std::move(command), promise, 0});
        write_next_batch(self, context);
        return promise;
      },
      [=](debit_atom, domain::PaymentOrder& order) -> caf::result<domain::PaymentReceipt> {
        self->state.idle.saw_request();
        if (order.tag.passed(domain::wall_clock_ms())) return deadline_error();
        auto promise = self->make_response_promise();
        if (self->state.wallet.owner != order.user) {
          answer_not_owner(self, context, promise, order.user);
          return promise;
        }
        self->state.payments.push_back(QueuedPayment{std::move(order), promise, 0});
        write_next_batch(self, context);
        return promise;
      },
      // Another node owns this wallet now: finish what is queued, then stop.
      [=](handover_atom) {
        self->state.stopping = true;
        write_next_batch(self, context);
      },
      [=](sweep_atom) {
        self->state.sweep_armed = false;
        drop_expired(self);
        arm_sweep(self);
        if (!self->state.writing) write_next_batch(self, context);
      },
      [](continue_atom, const Continuation& next) { next.run(); },
      [=](idle_atom, std::uint64_t requests_then) {
        auto& state = self->state;
        if (state.idle.idle_since(requests_then) && !state.writing && state.queued.empty() &&
            state.payments.empty() && !state.stopping)
          request_passivation(self, context);
        else
          state.idle.arm(self, context->config.entity_idle_timeout);
      },
  };
}

}  // namespace

caf::behavior wallet_actor(WalletActor* self, EntityContext* context, domain::Id wallet_id) {
  self->state.wallet.id = wallet_id;
  self->set_default_handler(caf::skip);  // requests wait in the mailbox until loaded
  load_then(self, context, [self, context](StorageOutcome<std::optional<domain::Wallet>> outcome) {
    if (outcome.value && *outcome.value) {
      self->state.wallet = **outcome.value;
      self->become(ready(self, context));
    } else if (outcome.value) {
      self->become(missing(self, context));
    } else {
      storage_failure(outcome.error, "wallet load");
      self->quit(caf::sec::runtime_error);  // requests fail over to a fresh actor
    }
  });
  return {
      [](continue_atom, const Continuation& next) { next.run(); },
  };
}

}  // namespace boxoffice::actors
