#include "actors/schedule_actor.hpp"

#include <spdlog/spdlog.h>
#include <limits>

#include "actors/entity_key.hpp"
#include "actors/storage_bridge.hpp"
#include "storage/payment_repository.hpp"
#include "storage/schedule_repository.hpp"
#include "storage/sql_error.hpp"

namespace boxoffice::actors {

using domain::ErrorCode;

namespace {

constexpr std::size_t kMaxBatch = 512;

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

void write_next(ScheduleActor* self, EntityContext* context);

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
        const auto before = self->state.map.seats().size();
        (void)before;
        self->state.map = std::move(**outcome.value);
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
    // move) or the database failed: reload, then decide the holds again.
    if (!outcome.value)
      log_failure(outcome.error, "schedule write");
    else
      ++context->stats.version_conflicts;
    const bool failed = !outcome.value;
    reload(self, context,
           [self, context, holds = std::move(holds), releases = std::move(releases),
            failed]() mutable {
             auto& state = self->state;
             const auto now = context->clock.now_ms();
             for (auto& release : releases) {
               if (release.promise)
                 release.promise->deliver(failed ? unavailable()
                                                 : domain_error(ErrorCode::reservation_expired,
                                                                "the reservation changed"));
             }
             for (auto& hold : holds) {
               if (failed) {
                 hold.promise.deliver(unavailable());
                 answer_followers(self, hold.seat, unavailable());
                 continue;
               }
               const auto decision = state.map.decide_hold(hold.seat, hold.user, now, 0);
               if (!decision.ok()) {
                 hold.promise.deliver(to_caf_error(decision.error()));
                 answer_followers(self, hold.seat, to_caf_error(decision.error()));
               } else if (decision->existing) {
                 hold.promise.deliver(state.map.hold_view(*state.map.find(hold.seat), false));
                 answer_followers(self, hold.seat,
                                  state.map.hold_view(*state.map.find(hold.seat), false));
               } else {
                 state.pending_holder[hold.seat] = hold.user;
                 state.holds.push_back(std::move(hold));
               }
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

void write_next(ScheduleActor* self, EntityContext* context) {
  auto& state = self->state;
  if (state.writing) return;
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
    release_writes.push_back({release.seat, release.reservation, seat.version, release.cancelled});
    releases.push_back(std::move(release));
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

// Payments in flight: by Idempotency-Key when there is one, else by reservation.
std::pair<domain::Id, std::string> payment_key(const PayRequest& request) {
  return {request.user,
          "reservation:" + std::to_string(request.reservation) + ":key:" + request.idempotency_key};
}

// A keyed payment whose hold is gone may be the retry of one that succeeded: answer with
// the recorded first answer if there is one, else with `refusal`.
void replay_or_refuse(ScheduleActor* self, EntityContext* context, const PayRequest& request,
                      caf::error refusal, caf::response_promise promise) {
  const auto kind = context->config.database.kind;
  run_storage<std::optional<domain::PaymentReceipt>>(
      self, context->storage,
      [kind, request](soci::session& session) {
        return storage::PaymentRepository(session, kind)
            .replay(request.user, request.idempotency_key, request.reservation);
      },
      [refusal, promise](StorageOutcome<std::optional<domain::PaymentReceipt>> outcome) mutable {
        if (outcome.value && *outcome.value && (*outcome.value)->payment != 0)
          promise.deliver(**outcome.value);
        else
          promise.deliver(refusal);
      });
}

SeatMapReply seat_map_reply(const domain::SeatMap& map, domain::TimeMs now) {
  SeatMapReply reply;
  reply.schedule = map.schedule().id;
  reply.concert = map.schedule().spec.concert_id;
  reply.seats.reserve(map.seats().size());
  for (const auto& seat : map.seats()) {
    auto status = map.effective_status(seat, now);
    if (status == domain::SeatStatus::paying) status = domain::SeatStatus::held;
    reply.seats.push_back(SeatEntry{seat.number, seat.price, static_cast<std::int32_t>(status)});
  }
  return reply;
}

void pay(ScheduleActor* self, EntityContext* context, PayRequest request,
         caf::response_promise promise) {
  auto& state = self->state;
  const auto now = context->clock.now_ms();
  auto seat = state.map.check_live_hold(request.reservation, request.user, now);
  if (seat.ok() && state.releasing.count(request.reservation))
    seat = domain::make_error(ErrorCode::reservation_expired, "the reservation is being released");
  if (!seat.ok()) {
    if (!request.idempotency_key.empty() && seat.error().code == ErrorCode::reservation_expired)
      replay_or_refuse(self, context, request, to_caf_error(seat.error()), promise);
    else
      promise.deliver(to_caf_error(seat.error()));
    return;
  }
  state.map.mark_paying(seat->number);
  domain::PaymentOrder order{request.reservation,     request.user,           request.wallet,
                             state.map.schedule().id, seat->number,           seat->price,
                             request.token,           request.idempotency_key};
  const auto key = payment_key(request);
  const auto number = seat->number;
  const auto reservation = request.reservation;
  const auto finish = [self, key](const auto& answer) {
    auto waiting = std::move(self->state.payments_in_flight[key]);
    self->state.payments_in_flight.erase(key);
    for (auto& waiter : waiting) waiter.deliver(answer);
  };
  state.payments_in_flight[key].push_back(promise);
  self->request(context->router, context->config.request_timeout, forward_atom::value,
                entity_key(EntityKind::wallet, request.wallet),
                caf::make_message(debit_atom::value, order))
      .then(
          [self, context, number, reservation, finish](domain::PaymentReceipt& receipt) {
            auto& state = self->state;
            if (state.map.find(number)->reservation == reservation) {
              state.map.mark_sold(number);
              count_holds(self, context, -1);
            }
            publish(self, context);
            ++context->stats.seats_sold;
            ++context->stats.payments;
            context->stats.payments_amount += receipt.amount;
            if (auto it = state.held_at.find(reservation); it != state.held_at.end()) {
              context->stats.hold_to_payment_ms_sum += receipt.paid_at - it->second;
              state.held_at.erase(it);
            }
            finish(receipt);
            write_next(self, context);
          },
          [self, context, number, reservation, finish](caf::error& error) {
            auto& state = self->state;
            state.map.payment_failed(number);
            finish(error);
            // If the database disagrees with memory, the hold's release write will meet a
            // version conflict and reload the map.
            release_if_passed(self, context, number, reservation);
            write_next(self, context);
          });
}

caf::behavior serving(ScheduleActor* self, EntityContext* context) {
  self->set_default_handler(caf::print_and_drop);
  publish(self, context);
  self->attach_functor([context, schedule = self->state.map.schedule().id, owner = self->id()](
                           const caf::error&) { context->board.retire_seat_map(schedule, owner); });
  // Holds that passed while the actor was away are released first.
  for (const auto number : self->state.map.passed_holds(context->clock.now_ms()))
    release_if_passed(self, context, number, self->state.map.find(number)->reservation);
  for (const auto& seat : self->state.map.seats())
    if (seat.status == domain::SeatStatus::held) {
      arm_expiry(self, context, seat);
      count_holds(self, context, +1);
    }
  return {
      [=](seats_atom) -> caf::result<SeatMapReply> {
        const auto now = context->clock.now_ms();
        if (!self->state.map.bookable(now))
          return domain_error(ErrorCode::schedule_not_bookable,
                              "schedule is not open for booking now");
        return seat_map_reply(self->state.map, now);
      },
      [=](summary_atom) -> ScheduleSummary {
        const auto& map = self->state.map;
        const auto now = context->clock.now_ms();
        const auto& spec = map.schedule().spec;
        return ScheduleSummary{map.schedule().id,        spec.concert_id,        spec.starts_at,
                               spec.booking_opens_at,    spec.booking_closes_at, spec.seat_count,
                               map.available_count(now), map.bookable(now)};
      },
      [=](hold_atom, std::int32_t number, domain::Id user) -> caf::result<domain::HoldView> {
        auto& state = self->state;
        const auto now = context->clock.now_ms();
        const auto pending = state.pending_holder.find(number);
        const auto decision = state.map.decide_hold(
            number, user, now, pending == state.pending_holder.end() ? 0 : pending->second);
        if (!decision.ok()) return to_caf_error(decision.error());
        if (decision->existing) return state.map.hold_view(*state.map.find(number), false);
        if (pending != state.pending_holder.end()) {
          // The same user asked again before the first hold committed: answer with it.
          auto promise = self->make_response_promise();
          state.hold_followers[number].push_back(promise);
          return promise;
        }
        auto promise = self->make_response_promise();
        state.pending_holder[number] = user;
        state.holds.push_back(QueuedHold{number, user, promise});
        write_next(self, context);
        return promise;
      },
      [=](cancel_atom, domain::Id reservation, domain::Id user) -> caf::result<domain::HoldView> {
        auto& state = self->state;
        const auto seat = state.map.check_live_hold(reservation, user, context->clock.now_ms());
        if (!seat.ok()) return to_caf_error(seat.error());
        if (state.releasing.count(reservation))
          return domain_error(ErrorCode::reservation_expired, "the reservation is being released");
        auto promise = self->make_response_promise();
        state.releases.push_back(QueuedRelease{seat->number, reservation, true, promise});
        state.releasing.insert(reservation);
        write_next(self, context);
        return promise;
      },
      [=](pay_atom, PayRequest& request) -> caf::result<domain::PaymentReceipt> {
        auto& state = self->state;
        auto promise = self->make_response_promise();
        const auto key = payment_key(request);
        if (!request.idempotency_key.empty()) {
          auto it = state.payments_in_flight.find(key);
          if (it != state.payments_in_flight.end()) {  // same key in flight: wait for its answer
            it->second.push_back(promise);
            return promise;
          }
        }
        pay(self, context, std::move(request), promise);
        return promise;
      },
      [=](expire_atom, std::int32_t number, domain::Id reservation) {
        release_if_passed(self, context, number, reservation);
      },
      [](continue_atom, const Continuation& next) { next.run(); },
      caf::after(context->config.entity_idle_timeout) >>
          [=] {
            auto& state = self->state;
            bool holds_live = false;
            for (const auto& seat : state.map.seats())
              holds_live = holds_live || seat.status == domain::SeatStatus::held ||
                           seat.status == domain::SeatStatus::paying;
            if (holds_live || state.writing || !state.holds.empty() || !state.releases.empty() ||
                state.stopping)
              return;
            self->request(context->router, caf::infinite, passivate_atom::value,
                          entity_key(EntityKind::schedule, state.map.schedule().id))
                .then(
                    [self](bool forgotten) {
                      if (!forgotten) return;
                      self->state.stopping = true;
                      if (!self->state.writing) self->quit();
                    },
                    [](caf::error&) {});
          },
  };
}

caf::behavior missing(ScheduleActor* self, EntityContext* context, domain::Id id) {
  self->set_default_handler(caf::print_and_drop);
  const auto not_found = [id] {
    return domain_error(ErrorCode::schedule_not_found,
                        "schedule " + std::to_string(id) + " does not exist");
  };
  self->request(context->router, caf::infinite, passivate_atom::value,
                entity_key(EntityKind::schedule, id))
      .then(
          [self](bool forgotten) {
            if (forgotten) self->quit();
          },
          [](caf::error&) {});
  return {
      [=](seats_atom) -> caf::result<SeatMapReply> { return not_found(); },
      [=](summary_atom) -> caf::result<ScheduleSummary> { return not_found(); },
      [=](hold_atom, std::int32_t, domain::Id) -> caf::result<domain::HoldView> {
        return not_found();
      },
      [=](cancel_atom, domain::Id, domain::Id) -> caf::result<domain::HoldView> {
        return not_found();
      },
      [=](pay_atom, const PayRequest&) -> caf::result<domain::PaymentReceipt> {
        return not_found();
      },
      [](continue_atom, const Continuation& next) { next.run(); },
  };
}

}  // namespace

caf::behavior schedule_actor(ScheduleActor* self, EntityContext* context, domain::Id schedule) {
  self->set_default_handler(caf::skip);  // requests wait until the seats are loaded
  const auto kind = context->config.database.kind;
  run_storage<std::optional<domain::SeatMap>>(
      self, context->storage,
      [kind, schedule](soci::session& session) {
        return storage::ScheduleRepository(session, kind).load(schedule);
      },
      [self, context, schedule](StorageOutcome<std::optional<domain::SeatMap>> outcome) {
        if (!outcome.value) {
          log_failure(outcome.error, "schedule load");
          self->quit(caf::sec::runtime_error);
        } else if (!*outcome.value) {
          self->become(missing(self, context, schedule));
        } else {
          self->state.map = std::move(**outcome.value);
          self->become(serving(self, context));
        }
      });
  return {
      [](continue_atom, const Continuation& next) { next.run(); },
  };
}

}  // namespace boxoffice::actors
