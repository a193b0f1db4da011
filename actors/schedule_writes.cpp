// The write side of the schedule actor: coalesced hold/release transactions, hold expiry,
// reloads after a conflict, and the seat-map snapshot published after each commit.
#include <spdlog/spdlog.h>
#include <limits>

#include "actors/schedule_writes.hpp"
#include "actors/storage_bridge.hpp"
#include "storage/schedule_repository.hpp"
#include "storage/sql_error.hpp"

namespace boxoffice::actors::schedule {

using domain::ErrorCode;

constexpr std::size_t kMaxBatch = 512;
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

void log_failure(const std::exception_ptr& error, const char* what) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", what, storage::describe(e));
  }
}

void count_holds(ScheduleActor* self, EntityContext* context, std::int64_t delta) {
  (void)self;
  context->stats.holds_active += delta;
}

// Publishes the committed seat map for reads that skip the mailbox.
void publish(ScheduleActor* self, EntityContext* context) {
  const auto& map = self->state.map;
  auto snapshot = std::make_shared<SeatMapSnapshot>();
  const auto& spec = map.schedule().spec;
  snapshot->schedule = map.schedule().id;
  snapshot->concert = spec.concert_id;
  snapshot->opens_at = spec.booking_opens_at;
  snapshot->closes_at = spec.booking_closes_at;
  snapshot->stale_at = std::numeric_limits<domain::TimeMs>::max();
  snapshot->owner = self->id();
  snapshot->seats.reserve(map.seats().size());
  for (auto seat : map.seats()) {
    if (seat.status == domain::SeatStatus::held)
      snapshot->stale_at = std::min(snapshot->stale_at, seat.held_until);
    if (seat.status == domain::SeatStatus::paying) seat.status = domain::SeatStatus::held;
    snapshot->seats.push_back(seat);
  }
  context->board.publish_seat_map(std::move(snapshot));
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

void arm_expiry(ScheduleActor* self, EntityContext* context, const domain::Seat& seat) {
  const auto delay = std::max<domain::TimeMs>(0, seat.held_until - context->clock.now_ms()) + 1;
  self->delayed_send(self, std::chrono::milliseconds(delay), expire_atom::value, seat.number,
                     seat.reservation);
}

// Queues the release of a passed hold (unless a new hold of the seat will replace it).
void release_if_passed(ScheduleActor* self, EntityContext* context, std::int32_t number,
                       domain::Id reservation) {
  auto& state = self->state;
  const auto* seat = state.map.find(number);
  if (!seat || seat->reservation != reservation || seat->status != domain::SeatStatus::held) return;
  if (seat->held_until > context->clock.now_ms()) {
    arm_expiry(self, context, *seat);  // extended meanwhile (cannot happen today) or early timer
    return;
  }
  if (state.pending_holder.count(number)) return;  // the new hold's write expires it
  for (const auto& queued : state.releases)
    if (queued.reservation == reservation) return;
  state.releases.push_back(QueuedRelease{number, reservation, false, std::nullopt});
  state.releasing.insert(reservation);
  write_next(self, context);
}

void reload(ScheduleActor* self, EntityContext* context, std::function<void()> then) {
  const auto id = self->state.map.schedule().id;
  const auto kind = context->config.database.kind;
  run_storage<std::optional<domain::SeatMap>>(
      self, context->storage,
      [kind, id](soci::session& session) {
        return storage::ScheduleRepository(session, kind).load(id);
      },
      [self, context, then](StorageOutcome<std::optional<domain::SeatMap>> outcome) {
        if (!outcome.value || !*outcome.value) {
          if (!outcome.value) log_failure(outcome.error, "schedule reload");
          self->quit(caf::sec::runtime_error);
          return;
        }
        self->state.map = std::move(**outcome.value);
        // Holds another owner wrote have no timer here yet.
        for (const auto& seat : self->state.map.seats())
          if (seat.status == domain::SeatStatus::held) arm_expiry(self, context, seat);
        publish(self, context);
        then();
      });
}

void finish_write(ScheduleActor* self, EntityContext* context, std::vector<QueuedHold> holds,
                  std::vector<storage::PendingHold> pending, std::vector<QueuedRelease> releases,
                  StorageOutcome<storage::ScheduleWrite> outcome) {
  auto& state = self->state;
  state.writing = false;
  for (const auto& hold : holds) state.pending_holder.erase(hold.seat);
  for (const auto& release : releases) state.releasing.erase(release.reservation);
  if (!outcome.value || outcome.value->version_conflict) {
    // Nothing was written. Another writer changed a seat (a second owner during a cluster
    // move: a version conflict, or a constraint that keeps one live hold per seat) or the
    // database failed: reload, then decide the holds again.
    const bool lost_race = outcome.value || storage::lost_to_another_writer(outcome.error);
    if (lost_race)
      ++context->stats.version_conflicts;
    else
      log_failure(outcome.error, "schedule write");
    const bool failed = !lost_race;
    reload(self, context,
           [self, context, holds = std::move(holds), releases = std::move(releases),
            failed]() mutable {
             auto& state = self->state;
             for (auto& release : releases) {
               if (release.promise)
                 release.promise->deliver(failed ? unavailable()
                                                 : domain_error(ErrorCode::reservation_expired,
                                                                "the reservation changed"));
             }
             for (auto& hold : holds) {
               if (failed || ++hold.attempts >= kMaxAttempts) {
                 answer_hold(self, hold, unavailable());
                 continue;
               }
               // Queued again: write_next() decides it on the reloaded map.
               state.pending_holder[hold.seat] = hold.user;
               state.holds.push_back(std::move(hold));
             }
             write_next(self, context);
           });
    return;
  }
  ++context->stats.hold_batches;
  const auto now = context->clock.now_ms();
  for (auto& release : releases) {
    state.map.release(release.seat);
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
      count_holds(self, context, -1);
      ++context->stats.holds_expired;
    }
    state.map.apply_hold(hold.seat, hold.user, outcome.value->reservations[i], hold.held_until);
    count_holds(self, context, +1);
    ++context->stats.holds_created;
    state.held_at[outcome.value->reservations[i]] = now;
    const auto& seat = *state.map.find(hold.seat);
    arm_expiry(self, context, seat);
    holds[i].promise.deliver(state.map.hold_view(seat, true));
    answer_followers(self, hold.seat, state.map.hold_view(seat, false));
  }
  publish(self, context);
  write_next(self, context);
}

// See the wallet actor: after this node stood still nothing queued is written.
bool refuse_after_stall(ScheduleActor* self, EntityContext* context) {
  if (!context->stalled()) return false;
  auto& state = self->state;
  for (auto& hold : state.holds) answer_hold(self, hold, unavailable());
  for (auto& release : state.releases)
    if (release.promise) release.promise->deliver(unavailable());
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
  if (state.writing) return;
  if (refuse_after_stall(self, context)) return;
  if (state.holds.empty() && state.releases.empty()) {
    if (state.stopping && state.payments_in_flight.empty()) self->quit();
    return;
  }
  const auto now = context->clock.now_ms();
  const auto hold_ttl = context->config.hold_ttl.count();
  std::vector<QueuedHold> holds;
  std::vector<storage::PendingHold> pending;
  while (!state.holds.empty() && holds.size() < kMaxBatch) {
    auto hold = std::move(state.holds.front());
    state.holds.pop_front();
    // Decided on the map as it was then; a reload since (a conflict, a payment whose outcome
    // was unknown) may have changed the seat: decide again on what memory holds now, so a
    // seat sold meanwhile is never written as HELD with its fresh version.
    const auto decision = state.map.decide_hold(hold.seat, hold.user, now, 0);
    if (!decision.ok() || decision->existing) {
      state.pending_holder.erase(hold.seat);
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
    release_writes.push_back({release.seat, release.reservation, seat.version, release.cancelled});
    releases.push_back(std::move(release));
  }
  if (holds.empty() && releases.empty()) {
    write_next(self, context);  // nothing left to write: stop if asked to, or go on queueing
    return;
  }
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
      });
}

}  // namespace boxoffice::actors::schedule
