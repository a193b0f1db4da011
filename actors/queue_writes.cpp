#include "actors/queue_writes.hpp"

#include <malloc.h>

#include <spdlog/spdlog.h>

#include "actors/storage_bridge.hpp"
#include "actors/write_failure.hpp"
#include "storage/lease_repository.hpp"
#include "storage/queue_repository.hpp"
#include "storage/sql_error.hpp"

namespace boxoffice::actors::queue_steps {

using domain::ErrorCode;

domain::QueuePolicy policy_of(const EntityContext* context) {
  const auto& config = context->config;
  return domain::QueuePolicy{config.queue_max_active, config.token_ttl.count(),
                             config.queue_idle_timeout.count()};
}

caf::error token_invalid() {
  return to_caf_error(domain::make_error(ErrorCode::token_invalid, "the queue token is not known"));
}

// The line as it stands after a commit: called only when nothing is waiting to be written, or
// right after a write committed (changes decided while it ran may already count).
void publish_stats(QueueActor* self, EntityContext* context) {
  const auto& room = *self->state.room;
  context->stats.queue_waiting = room.waiting_count();
  context->stats.queue_active = room.active_count();
  context->stats.queue_admitted = room.admitted_total();
  context->stats.queue_expired = room.expired_total();
  context->stats.queue_back_wait_seconds =
      room.back_of_line_wait(context->clock.now_ms()).value_or(-1);
}

// Counts each committed admission in the queue wait histogram.
void observe_admissions(EntityContext* context, const std::vector<domain::QueueChange>& changes) {
  auto& stats = context->stats;
  for (const auto& change : changes) {
    if (change.token.status != domain::TokenStatus::active) continue;
    const auto waited = change.token.activated_at - change.token.issued_at;
    std::size_t bucket = 0;
    while (bucket < kQueueWaitBuckets.size() && waited > kQueueWaitBuckets[bucket] * 1000) ++bucket;
    ++stats.queue_wait_buckets[bucket];
    stats.queue_wait_ms_sum += waited;
  }
}

bool stale_epoch(const std::exception_ptr& error) {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const storage::StaleQueueEpoch&) {
    return true;
  } catch (...) {
  }
  return false;
}

// Moves what memory changed since into `pending`, counting each token's uncommitted changes.
void collect(QueueActor* self) {
  auto& state = self->state;
  for (auto& change : state.room->take_changes()) {
    ++state.uncommitted[change.token.token];
    state.pending.push_back(std::move(change));
  }
}

void committed(QueueActor* self, const std::vector<domain::QueueChange>& changes) {
  auto& uncommitted = self->state.uncommitted;
  for (const auto& change : changes) {
    auto it = uncommitted.find(change.token.token);
    if (it != uncommitted.end() && --it->second <= 0) uncommitted.erase(it);
  }
}

bool uncommitted(const QueueActor* self, const std::string& token) {
  return self->state.uncommitted.count(token) > 0;
}

// Answers the deferred reads whose token has no uncommitted change any more (all of them
// with `all`, after a reload: memory is the database's then).
void answer_deferred(QueueActor* self, EntityContext* context, bool all) {
  auto& state = self->state;
  auto reads = std::move(state.deferred_reads);
  state.deferred_reads.clear();
  const auto now = context->clock.now_ms();
  for (auto& read : reads) {
    if (!all && uncommitted(self, read.token)) {
      state.deferred_reads.push_back(std::move(read));
      continue;
    }
    if (const auto* entry = state.room->find(read.token)) {
      auto view = state.room->view(*entry, now);
      view.created = read.created;
      read.promise.deliver(to_reply(view));
    } else if (read.issue) {  // its write failed before it committed: the fan may ask again
      read.promise.deliver(to_caf_error(
          domain::make_error(ErrorCode::unavailable, "the token was not stored; retry")));
    } else {
      answer_from_storage(self, context, read.token, read.promise);
    }
  }
}

void schedule_timer(QueueActor* self) {
  auto& state = self->state;
  const auto next = state.room->next_deadline();
  if (!next || (state.timer_at != 0 && state.timer_at <= *next)) return;
  state.timer_at = *next;
  const auto generation = ++state.timer_generation;
  const auto now = domain::SystemClock().now_ms();
  const auto delay = std::chrono::milliseconds(std::max<domain::TimeMs>(0, *next - now) + 1);
  self->delayed_send(self, delay, tick_atom::value, generation);
}

void publish_model(QueueActor* self, EntityContext* context, domain::QueueReadModel model) {
  self->state.model = std::make_shared<const domain::QueueReadModel>(std::move(model));
  context->board.queue().publish(self->state.model, self->id());
}

// Committed changes into the next read model. Ended tokens stay readable from memory as
// long as the room remembers them; older ones are asked of the actor (the database).
void publish_changes(QueueActor* self, EntityContext* context,
                     const std::vector<domain::QueueChange>& changes) {
  auto& state = self->state;
  std::vector<domain::ReadChange> reads;
  reads.reserve(changes.size());
  for (const auto& change : changes) {
    reads.push_back(domain::ReadChange{change.token.token, domain::facts_of(change.token)});
    if (!change.token.live()) state.ended_in_model.push_back(change.token.token);
  }
  std::vector<std::uint64_t> forgotten;
  while (state.ended_in_model.size() > domain::WaitingRoom::kEndedKept) {
    forgotten.push_back(domain::token_fingerprint(state.ended_in_model.front()));
    reads.push_back(domain::ReadChange{state.ended_in_model.front(), std::nullopt});
    state.ended_in_model.pop_front();
  }
  context->board.queue().forgotten(forgotten);  // before the model no longer has them
  publish_model(self, context, state.model->next(reads, state.room->admission_rate()));
}

// The looks polls left on the board since: each resets its token's idle clock.
void take_looks(QueueActor* self, EntityContext* context) {
  for (const auto& [token, at] : context->board.queue().take_looks())
    self->state.room->touch(token, at);
}

void reload(QueueActor* self, EntityContext* context, std::function<void()> then) {
  const auto kind = context->config.database.kind;
  run_storage<storage::StoredQueue>(
      self, context->storage,
      [kind](soci::session& session) {
        return storage::QueueRepository(session, kind).load_live();
      },
      [self, context, then](StorageOutcome<storage::StoredQueue> outcome) {
        if (!outcome.value) {
          log_storage_failure(outcome.error, "queue load");
          for (auto& read : self->state.deferred_reads)
            read.promise.deliver(to_caf_error(
                domain::make_error(ErrorCode::unavailable, "the database is not available")));
          self->quit(caf::sec::runtime_error);  // the router starts a fresh one on the next request
          return;
        }
        auto& state = self->state;
        auto model = domain::QueueReadModel::of(outcome.value->live,
                                                state.model ? state.model->version() + 1 : 1);
        state.room->restore(std::move(outcome.value->live), outcome.value->last_seq,
                            context->clock.now_ms());
        state.pending.clear();  // memory ran ahead of the database: it starts over from it
        state.uncommitted.clear();
        state.ended_in_model.clear();
        context->board.queue().reset_forgotten(std::move(outcome.value->ended));
        publish_model(self, context, std::move(model));
        outcome.value.reset();
        malloc_trim(0);  // a line of a million leaves ~100 MB of load buffers free: give it back
        then();
      },
      read_gate(context));
}

// Another node serves the line now: its board entries and gauges are not this node's.
void stop_after_handover(QueueActor* self, EntityContext* context) {
  context->board.queue().retire(self->id());
  context->stats.queue_waiting = 0;
  context->stats.queue_active = 0;
  context->stats.queue_back_wait_seconds = -1;
  release_lease_and_quit(self, context, self->state.lease);
}

void flush(QueueActor* self, EntityContext* context) {
  auto& state = self->state;
  schedule_timer(self);
  collect(self);
  if (state.writing) return;
  if (context->stalled()) {
    // This node stood still and may have been declared dead meanwhile: another node may
    // serve the line now. Write nothing of what memory decided; answer 503 and stop.
    for (auto& [promise, token] : state.replies_after_commit) promise.deliver(rejoining_error());
    state.replies_after_commit.clear();
    for (auto& read : state.deferred_reads) read.promise.deliver(rejoining_error());
    state.deferred_reads.clear();
    stop_after_handover(self, context);
    return;
  }
  auto changes = std::move(state.pending);
  state.pending.clear();
  auto completions = std::move(state.completions);
  state.completions.clear();
  auto replies = std::move(state.replies_after_commit);
  state.replies_after_commit.clear();
  const auto deliver = [self, context](
                           std::vector<std::pair<caf::response_promise, std::string>>& replies) {
    const auto now = context->clock.now_ms();
    for (auto& [promise, token] : replies) {
      if (uncommitted(self, token)) {  // changed again meanwhile (admitted, say)
        self->state.deferred_reads.push_back(DeferredRead{std::move(promise), token, true, true});
        continue;
      }
      const auto* entry = self->state.room->find(token);
      if (!entry) {
        promise.deliver(
            to_caf_error(domain::make_error(ErrorCode::unavailable, "the token was lost; retry")));
        continue;
      }
      auto view = self->state.room->view(*entry, now);
      view.created = true;
      promise.deliver(to_reply(view));
    }
  };
  if (changes.empty()) {
    publish_stats(self, context);  // memory and database agree here
    for (auto& completion : completions) completion.deliver(true);
    deliver(replies);
    answer_deferred(self, context, false);
    // A user check in flight holds issues: stop once it has answered (check_users).
    if (state.stopping && !state.checking_users) stop_after_handover(self, context);
    return;
  }
  state.writing = true;
  const auto kind = context->config.database.kind;
  auto pending = std::make_shared<std::vector<std::pair<caf::response_promise, std::string>>>(
      std::move(replies));
  auto changes_written = std::make_shared<std::vector<domain::QueueChange>>(changes);
  run_storage<int>(
      self, context->storage,
      [kind, changes = std::move(changes), max_active = context->config.queue_max_active,
       now = context->clock.now_ms(),
       fence = queue_fence(context, self->state.lease)](soci::session& session) {
        return storage::QueueRepository(session, kind).apply(changes, max_active, now, fence);
      },
      [self, context, pending, deliver, changes_written,
       completions = std::move(completions)](StorageOutcome<int> outcome) mutable {
        self->state.writing = false;
        if (!outcome.value) {
          log_storage_failure(outcome.error, "queue write");
          // Nothing was written (or, without a verdict, perhaps all of it): memory ran ahead
          // of the database, start over from what is stored. The tokens issued here: 503,
          // or 504 when the COMMIT got no verdict.
          for (auto& completion : completions) completion.deliver(true);  // the payment's own
          const auto failure = classify_write_failure(outcome.error);
          for (auto& [promise, token] : *pending)
            promise.deliver(to_caf_error(write_failure_error(
                failure == WriteFailure::outcome_unknown ? failure : WriteFailure::database,
                nullptr, "queue write")));
          // Another actor holds the lease now (another node, or a newer actor of this one):
          // this one must not write again. Reloading and writing once more would refuse
          // forever (a rolling restart once spun here for 20 s): stop, the router starts anew.
          const bool fenced = stale_epoch(outcome.error);
          if (fenced || self->state.stopping) {
            self->state.lease.lost = self->state.lease.lost || fenced;
            self->state.stopping = true;
            if (!self->state.checking_users) stop_after_handover(self, context);
            return;  // else once the user check answered (check_users)
          }
          // No write until the reload is done: one decided from the memory that ran ahead
          // admitted younger tokens while older ones waited (found by the chaos checker).
          self->state.writing = true;
          reload(self, context, [self, context] {
            self->state.writing = false;
            answer_deferred(self, context, true);
            flush(self, context);
          });
          return;
        }
        if (*outcome.value > 0)
          spdlog::debug("queue: {} transitions already made by payments", *outcome.value);
        committed(self, *changes_written);
        publish_changes(self, context, *changes_written);
        // /metrics counts what is committed (and readable), never what memory decided first.
        publish_stats(self, context);
        for (auto& completion : completions) completion.deliver(true);
        observe_admissions(context, *changes_written);
        deliver(*pending);
        answer_deferred(self, context, false);
        flush(self, context);
      },
      write_gate(context, domain::wall_clock_ms() + context->config.request_timeout.count()));
}

void answer_from_storage(QueueActor* self, EntityContext* context, const std::string& token,
                         caf::response_promise promise) {
  const auto kind = context->config.database.kind;
  run_storage<std::optional<domain::QueueToken>>(
      self, context->storage,
      [kind, token](soci::session& session) {
        return storage::QueueRepository(session, kind).find(token);
      },
      [self, context, promise](StorageOutcome<std::optional<domain::QueueToken>> outcome) mutable {
        if (!outcome.value) {
          promise.deliver(to_caf_error(
              domain::make_error(ErrorCode::unavailable, "the database is not available")));
        } else if (!*outcome.value) {
          promise.deliver(token_invalid());
        } else {
          promise.deliver(
              to_reply(self->state.room->view(**outcome.value, context->clock.now_ms())));
        }
      },
      read_gate(context));
}

}  // namespace boxoffice::actors::queue_steps
