// The write side of the schedule actor: coalesced hold/release transactions and their
// deadlines (hold expiry and reloads: schedule_expiry.cpp; the snapshot: seat_map_publish.cpp).
#include <spdlog/spdlog.h>
#include <algorithm>
#include <limits>

#include "actors/schedule_writes.hpp"
#include "actors/storage_bridge.hpp"
#include "actors/write_batch.hpp"
#include "actors/write_failure.hpp"
#include "storage/schedule_repository.hpp"
#include "storage/sql_error.hpp"

namespace boxoffice::actors::schedule {

using domain::ErrorCode;

// Writes a request may lose to another writer before it is refused (503). Each loss means
// the other writer committed; during a cluster move the old owner's actor drains a short
// queue and stops, so a few attempts are always enough and this only bounds a livelock.
constexpr int kMaxAttempts = 8;

caf::error domain_error(ErrorCode code, const std::string& detail) {
  return to_caf_error(domain::make_error(code, detail));
}

caf::error unavailable() {
  return domain_error(ErrorCode::unavailable, "the database is not available");
}

void count_holds(ScheduleActor* self, EntityContext* context, std::int64_t delta) {
  (void)self;
  context->stats.holds_active += delta;
}

template <class Answer>
void answer_followers(ScheduleActor* self, std::int32_t seat, const Answer& answer) {
  auto it = self->state.hold_followers.find(seat);
  if (it == self->state.hold_followers.end()) return;
  for (auto& follower : it->second) follower.deliver(answer);
  self->state.hold_followers.erase(it);
}

// Answers a queued hold that will not be written, and the same user's repeats waiting on it.
template <class Answer>
void answer_hold(ScheduleActor* self, QueuedHold& hold, const Answer& answer) {
  hold.promise.deliver(answer);
  answer_followers(self, hold.seat, answer);
}

namespace {

// The seat has no pending hold any more: the holds that waited for it are decided now.
void wake_waiters(ScheduleActor* self, EntityContext* context, std::int32_t seat) {
  auto& state = self->state;
  if (state.pending_holder.count(seat)) return;
  auto it = state.seat_waiters.find(seat);
  if (it == state.seat_waiters.end()) return;
  auto waiters = std::move(it->second);
  state.seat_waiters.erase(it);
  for (auto& waiter : waiters) request_hold(self, context, std::move(waiter));
}

template <class Holds>
void wake_waiters_of(ScheduleActor* self, EntityContext* context, const Holds& holds) {
  for (const auto& hold : holds) wake_waiters(self, context, hold.seat);
}

domain::TimeMs earliest_deadline(const ScheduleActorState& state) {
  domain::TimeMs earliest = 0;
  const auto consider = [&earliest](const domain::WriteTag& tag) {
    if (tag.deadline != 0 && (earliest == 0 || tag.deadline < earliest)) earliest = tag.deadline;
  };
  for (const auto& hold : state.holds) consider(hold.tag);
  for (const auto& release : state.releases) consider(release.tag);
  for (const auto& [seat, waiters] : state.seat_waiters)
    for (const auto& waiter : waiters) consider(waiter.tag);
  return earliest;
}

void arm_sweep(ScheduleActor* self) {
  auto& state = self->state;
  if (state.sweep_armed) return;
  const auto earliest = earliest_deadline(state);
  if (earliest == 0) return;
  const auto delay = std::max<domain::TimeMs>(0, earliest - domain::wall_clock_ms()) + 1;
  state.sweep_armed = true;
  self->delayed_send(self, std::chrono::milliseconds(delay), sweep_atom::value);
}

}  // namespace

void sweep(ScheduleActor* self, EntityContext* context) {
  auto& state = self->state;
  const auto now = domain::wall_clock_ms();
  std::vector<std::int32_t> freed;
  for (auto it = state.holds.begin(); it != state.holds.end();) {
    if (!it->tag.passed(now)) {
      ++it;
      continue;
    }
    answer_hold(self, *it, deadline_error());
    state.pending_holder.erase(it->seat);
    freed.push_back(it->seat);
    it = state.holds.erase(it);
  }
  for (auto it = state.releases.begin(); it != state.releases.end();) {
    if (!it->promise || !it->tag.passed(now)) {
      ++it;
      continue;
    }
    it->promise->deliver(deadline_error());
    state.releasing.erase(it->reservation);
    it = state.releases.erase(it);
  }
  for (auto& [seat, waiters] : state.seat_waiters) {
    for (auto& waiter : waiters)
      if (waiter.tag.passed(now)) waiter.promise.deliver(deadline_error());
    waiters.erase(std::remove_if(waiters.begin(), waiters.end(),
                                 [now](const QueuedHold& w) { return w.tag.passed(now); }),
                  waiters.end());
  }
  for (const auto seat : freed) wake_waiters(self, context, seat);
  state.sweep_armed = false;
  arm_sweep(self);
}

void request_hold(ScheduleActor* self, EntityContext* context, QueuedHold hold) {
  auto& state = self->state;
  if (hold.tag.passed(domain::wall_clock_ms())) {
    hold.promise.deliver(deadline_error());
    return;
  }
  const auto decision = state.map.decide_hold(hold.seat, hold.user, context->clock.now_ms(), 0);
  if (!decision.ok()) {  // the committed map refuses it (held by another, sold, ...)
    hold.promise.deliver(to_caf_error(decision.error()));
    return;
  }
  if (decision->existing) {
    hold.promise.deliver(state.map.hold_view(*state.map.find(hold.seat), false));
    return;
  }
  const auto pending = state.pending_holder.find(hold.seat);
  if (pending != state.pending_holder.end()) {
    if (pending->second == hold.user)  // asked again before the first hold committed
      state.hold_followers[hold.seat].push_back(hold.promise);
    else  // decided once the other user's hold committed or failed
      state.seat_waiters[hold.seat].push_back(std::move(hold));
    arm_sweep(self);
    return;
  }
  state.pending_holder[hold.seat] = hold.user;
  state.holds.push_back(std::move(hold));
  write_next(self, context);
}

void finish_write(ScheduleActor* self, EntityContext* context, std::vector<QueuedHold> holds,
                  std::vector<storage::PendingHold> pending, std::vector<QueuedRelease> releases,
                  StorageOutcome<storage::ScheduleWrite> outcome) {
  auto& state = self->state;
  state.writing = false;
  for (const auto& hold : holds) state.pending_holder.erase(hold.seat);
  for (const auto& release : releases) state.releasing.erase(release.reservation);
  if (!outcome.value || outcome.value->version_conflict) {
    const auto failure =
        outcome.value ? WriteFailure::lost_race : classify_write_failure(outcome.error);
    if (failure == WriteFailure::deadline_passed) {
      // Nothing was written (dropped, or rolled back before COMMIT) and memory is right:
      // what is still before its own deadline goes again, the rest gets 503.
      const auto now = domain::wall_clock_ms();
      for (auto it = releases.rbegin(); it != releases.rend(); ++it) {
        if (it->promise && it->tag.passed(now)) {
          it->promise->deliver(deadline_error());
          continue;
        }
        state.releasing.insert(it->reservation);
        state.releases.push_front(std::move(*it));
      }
      std::vector<std::int32_t> seats;
      for (auto it = holds.rbegin(); it != holds.rend(); ++it) {
        seats.push_back(it->seat);
        if (it->tag.passed(now)) {
          answer_hold(self, *it, deadline_error());
          continue;
        }
        state.pending_holder[it->seat] = it->user;
        state.holds.push_front(std::move(*it));
      }
      for (const auto seat : seats) wake_waiters(self, context, seat);
      write_next(self, context);
      return;
    }
    // Another writer changed a seat (a second owner during a cluster move: a version
    // conflict, or a constraint that keeps one live hold per seat): nothing was written;
    // reload, then decide the holds again. The database failed before COMMIT, or the broken
    // COMMIT is known not to have happened: 503. COMMIT without a verdict: 504, and memory
    // may be behind the database: reload.
    const bool lost_race = failure == WriteFailure::lost_race;
    if (lost_race) ++context->stats.version_conflicts;
    const auto answer = to_caf_error(write_failure_error(failure, outcome.error, "schedule write"));
    reload(self, context,
           [self, context, holds = std::move(holds), releases = std::move(releases), lost_race,
            answer]() mutable {
             auto& state = self->state;
             for (auto& release : releases) {
               if (release.promise)
                 release.promise->deliver(lost_race ? domain_error(ErrorCode::reservation_expired,
                                                                   "the reservation changed")
                                                    : answer);
             }
             std::vector<std::int32_t> seats;
             for (auto& hold : holds) {
               seats.push_back(hold.seat);
               if (!lost_race || ++hold.attempts >= kMaxAttempts) {
                 answer_hold(self, hold, lost_race ? unavailable() : answer);
                 continue;
               }
               // Queued again: write_next() decides it on the reloaded map.
               state.pending_holder[hold.seat] = hold.user;
               state.holds.push_back(std::move(hold));
             }
             for (const auto seat : seats) wake_waiters(self, context, seat);
             write_next(self, context);
           });
    return;
  }
  ++context->stats.hold_batches;
  const auto now = context->clock.now_ms();
  for (auto& release : releases) {
    state.map.release(release.seat);
    state.held_at.erase(release.reservation);  // nothing is kept of a hold that ended
    context->board.reservation_ended(release.reservation);
    count_holds(self, context, -1);
    if (release.cancelled)
      ++context->stats.holds_cancelled;
    else
      ++context->stats.holds_expired;
    if (release.promise) {
      domain::HoldView view;
      view.reservation = release.reservation;
      release.promise->deliver(view);
    }
  }
  for (std::size_t i = 0; i < holds.size(); ++i) {
    const auto& hold = pending[i];
    if (hold.expired_reservation != 0) {
      state.held_at.erase(hold.expired_reservation);
      context->board.reservation_ended(hold.expired_reservation);
      count_holds(self, context, -1);
      ++context->stats.holds_expired;
    }
    state.map.apply_hold(hold.seat, hold.user, outcome.value->reservations[i], hold.held_until);
    count_holds(self, context, +1);
    ++context->stats.holds_created;
    state.held_at[outcome.value->reservations[i]] = now;
    context->board.reservation_held(outcome.value->reservations[i], state.map.schedule().id);
    const auto& seat = *state.map.find(hold.seat);
    arm_expiry(self, context, seat);
    holds[i].promise.deliver(state.map.hold_view(seat, true));
    answer_followers(self, hold.seat, state.map.hold_view(seat, false));
  }
  publish(self, context);
  wake_waiters_of(self, context, holds);
  write_next(self, context);
}

// See the wallet actor: after this node stood still nothing queued is written.
bool refuse_after_stall(ScheduleActor* self, EntityContext* context) {
  if (!context->stalled()) return false;
  auto& state = self->state;
  for (auto& hold : state.holds) answer_hold(self, hold, unavailable());
  for (auto& release : state.releases)
    if (release.promise) release.promise->deliver(unavailable());
  for (auto& [seat, waiters] : state.seat_waiters)
    for (auto& waiter : waiters) waiter.promise.deliver(unavailable());
  state.seat_waiters.clear();
  state.holds.clear();
  state.releases.clear();
  state.pending_holder.clear();
  state.releasing.clear();
  state.stopping = true;
  if (state.payments_in_flight.empty()) self->quit();
  return true;
}

void write_next(ScheduleActor* self, EntityContext* context) {
  auto& state = self->state;
  if (state.writing || state.reloading()) {  // the reload's continuation writes next
    arm_sweep(self);
    return;
  }
  if (refuse_after_stall(self, context)) return;
  const auto earliest = earliest_deadline(state);
  if (earliest != 0 && earliest <= domain::wall_clock_ms()) {
    sweep(self, context);
    if (state.writing) return;  // a hold the sweep let through started a write already
  }
  if (state.holds.empty() && state.releases.empty()) {
    if (state.stopping && state.payments_in_flight.empty()) self->quit();
    return;
  }
  const auto now = context->clock.now_ms();
  const auto hold_ttl = context->config.hold_ttl.count();
  std::vector<QueuedHold> holds;
  std::vector<storage::PendingHold> pending;
  std::vector<std::int32_t> refused_seats;  // their pending mark is gone: wake the waiters
  domain::TimeMs deadline = 0;  // the batch commits before its earliest deadline, or not at all
  const auto bound = [&deadline](const domain::WriteTag& tag) {
    if (tag.deadline != 0 && (deadline == 0 || tag.deadline < deadline)) deadline = tag.deadline;
  };
  while (!state.holds.empty() && holds.size() < kMaxWritesPerBatch) {
    auto hold = std::move(state.holds.front());
    state.holds.pop_front();
    // Decided on the map as it was then; a reload since (a conflict, a payment whose outcome
    // was unknown) may have changed the seat: decide again on what memory holds now, so a
    // seat sold meanwhile is never written as HELD with its fresh version.
    const auto decision = state.map.decide_hold(hold.seat, hold.user, now, 0);
    if (!decision.ok() || decision->existing) {
      state.pending_holder.erase(hold.seat);
      refused_seats.push_back(hold.seat);
      if (!decision.ok())
        answer_hold(self, hold, to_caf_error(decision.error()));
      else
        answer_hold(self, hold, state.map.hold_view(*state.map.find(hold.seat), false));
      continue;
    }
    const auto& seat = *state.map.find(hold.seat);
    storage::PendingHold write;
    write.seat = hold.seat;
    write.user = hold.user;
    write.price = seat.price;
    write.held_until = now + hold_ttl;
    write.seat_version = seat.version;
    write.expired_reservation = seat.status == domain::SeatStatus::held ? seat.reservation : 0;
    write.request_id = hold.tag.request_id;
    bound(hold.tag);
    pending.push_back(write);
    holds.push_back(std::move(hold));
  }
  std::vector<QueuedRelease> releases;
  std::vector<storage::PendingRelease> release_writes;
  while (!state.releases.empty()) {
    auto release = std::move(state.releases.front());
    state.releases.pop_front();
    const auto& seat = *state.map.find(release.seat);
    // The same: only a seat still HELD by this reservation is released (a reload may show
    // it SOLD now, with the same reservation and a version the write would match).
    if (seat.status != domain::SeatStatus::held || seat.reservation != release.reservation) {
      state.releasing.erase(release.reservation);
      if (release.promise)
        release.promise->deliver(domain_error(ErrorCode::reservation_expired,
                                              "the reservation is not a live hold any more"));
      continue;
    }
    release_writes.push_back({release.seat, release.reservation, seat.version, release.cancelled,
                              release.tag.request_id});
    bound(release.tag);
    releases.push_back(std::move(release));
  }
  if (holds.empty() && releases.empty()) {
    for (const auto seat : refused_seats) wake_waiters(self, context, seat);
    write_next(self, context);  // nothing left to write: stop if asked to, or go on queueing
    return;
  }
  // Passed holds released on their own have no caller: bounded like a request.
  if (deadline == 0) deadline = domain::wall_clock_ms() + context->config.request_timeout.count();
  state.writing = true;
  const auto id = state.map.schedule().id;
  const auto kind = context->config.database.kind;
  auto batch =
      std::make_shared<std::tuple<std::vector<QueuedHold>, std::vector<storage::PendingHold>,
                                  std::vector<QueuedRelease>>>(std::move(holds), pending,
                                                               std::move(releases));
  run_storage<storage::ScheduleWrite>(
      self, context->storage,
      [kind, id, release_writes = std::move(release_writes), pending = std::move(pending),
       now](soci::session& session) {
        return storage::ScheduleRepository(session, kind).write(id, release_writes, pending, now);
      },
      [self, context, batch](StorageOutcome<storage::ScheduleWrite> outcome) {
        auto& [holds, pending, releases] = *batch;
        finish_write(self, context, std::move(holds), std::move(pending), std::move(releases),
                     std::move(outcome));
      },
      write_gate(context, deadline));
  for (const auto seat : refused_seats) wake_waiters(self, context, seat);
}

}  // namespace boxoffice::actors::schedule
