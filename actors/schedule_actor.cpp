#include "actors/schedule_actor.hpp"

#include "actors/schedule_writes.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <limits>

#include "actors/entity_key.hpp"
#include "actors/storage_bridge.hpp"
#include "actors/write_failure.hpp"
#include "storage/payment_repository.hpp"
#include "storage/schedule_repository.hpp"
#include "storage/sql_error.hpp"

namespace boxoffice::actors {

using domain::ErrorCode;

using namespace schedule;  // the write side: publish, write_next, release_if_passed, ...

namespace {

// Payments in flight: by Idempotency-Key when there is one, else by reservation.
std::pair<domain::Id, std::string> payment_key(const PayRequest& request) {
  return {request.user,
          "reservation:" + std::to_string(request.reservation) + ":key:" + request.idempotency_key};
}

// A keyed payment whose hold is gone may be the retry of one that succeeded: answer with
// the recorded first answer if there is one, else with `refusal`.
void replay_or_refuse(ScheduleActor* self, EntityContext* context, const PayRequest& request,
                      const caf::error& refusal, caf::response_promise promise) {
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
        else if (!outcome.value)
          promise.deliver(unavailable());  // cannot tell a retry from a late request now
        else
          promise.deliver(refusal);
      },
      read_gate(context));
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

void pay(ScheduleActor* self, EntityContext* context, const PayRequest& request,
         caf::response_promise promise) {
  auto& state = self->state;
  if (context->stalled()) {  // see refuse_after_stall in schedule_writes.cpp
    promise.deliver(unavailable());
    return;
  }
  if (request.tag.passed(domain::wall_clock_ms())) {
    promise.deliver(deadline_error());
    return;
  }
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
  state.paying[request.reservation] = seat->number;
  domain::PaymentOrder order{
      request.reservation, request.user, request.wallet, state.map.schedule().id,
      seat->number,        seat->price,  request.token,  request.idempotency_key,
      request.tag};
  const auto key = payment_key(request);
  const auto number = seat->number;
  const auto reservation = request.reservation;
  const auto finish = [self, key, reservation](const auto& answer) {
    self->state.paying.erase(reservation);
    auto waiting = std::move(self->state.payments_in_flight[key]);
    self->state.payments_in_flight.erase(key);
    for (auto& waiter : waiting) waiter.deliver(answer);
  };
  state.payments_in_flight[key].push_back(promise);
  // The wallet answers by the deadline (503: nothing written) or, once COMMIT was sent, within
  // the commit wait; the margin covers the hops (and a lookup when its node died).
  const auto wait = std::chrono::milliseconds(
      std::max<domain::TimeMs>(0, request.tag.deadline - domain::wall_clock_ms()) +
      context->config.commit_wait.count() + context->config.peer_timeout.count() + 1000);
  self->request(context->router, wait, forward_atom::value,
                entity_key(EntityKind::wallet, request.wallet),
                caf::make_message(debit_atom::value, order))
      .then(
          [self, context, number, reservation, finish](domain::PaymentReceipt& receipt) {
            auto& state = self->state;
            if (state.map.find(number)->reservation == reservation) {
              state.map.mark_sold(number);
              count_holds(self, context, -1);
            }
            context->board.reservation_ended(reservation);
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
            // No answer at all (its node died, say): the payment may have committed, and so
            // may a 504's. 503 and refusals: nothing was written.
            const bool outcome_unknown = error == caf::sec::request_timeout ||
                                         to_domain_error(error).code == ErrorCode::outcome_unknown;
            if (error == caf::sec::request_timeout)
              finish(to_caf_error(domain::make_error(ErrorCode::outcome_unknown,
                                                     "the wallet's node did not answer the "
                                                     "payment; it may or may not have happened")));
            else
              finish(error);
            if (outcome_unknown && !state.writing) {
              // The payment may have committed: ask the database what the seats are now.
              reload(self, context, [self, context] { write_next(self, context); });
              return;
            }
            // If the database disagrees with memory, the hold's release write will meet a
            // version conflict and reload the map.
            release_if_passed(self, context, number, reservation);
            write_next(self, context);
          });
}

// Asks the router to forget this actor when nothing of it is live (no hold, no write):
// false when something is.
bool passivate_if_idle(ScheduleActor* self, EntityContext* context) {
  auto& state = self->state;
  bool holds_live = false;
  for (const auto& seat : state.map.seats())
    holds_live = holds_live || seat.status == domain::SeatStatus::held ||
                 seat.status == domain::SeatStatus::paying;
  if (holds_live || state.writing || state.reloading() || !state.holds.empty() ||
      !state.releases.empty() || state.stopping)
    return false;
  ask_to_passivate(self, context->router, context->config.entity_idle_timeout,
                   entity_key(EntityKind::schedule, state.map.schedule().id), [self] {
                     if (!self->state.writing) self->quit();
                   });
  return true;
}

caf::behavior serving(ScheduleActor* self, EntityContext* context) {
  self->set_default_handler(caf::print_and_drop);
  self->state.idle.arm(self, context->config.entity_idle_timeout);
  publish(self, context);
  // Captures the board itself, not the context: the hook may run after the runtime is gone.
  self->attach_functor(
      [board = context->board_lifetime, schedule = self->state.map.schedule().id,
       owner = self->id()](const caf::error&) { board->retire_seat_map(schedule, owner); });
  // Holds that passed while the actor was away are released first.
  for (const auto number : self->state.map.passed_holds(context->clock.now_ms()))
    release_if_passed(self, context, number, self->state.map.find(number)->reservation);
  for (const auto& seat : self->state.map.seats())
    if (seat.status == domain::SeatStatus::held) {
      arm_expiry(self, context, seat);
      count_holds(self, context, +1);
      context->board.reservation_held(seat.reservation, self->state.map.schedule().id);
    }
  return {
      [=](seats_atom) -> caf::result<SeatMapReply> {
        self->state.idle.saw_request();
        const auto now = context->clock.now_ms();
        if (!self->state.map.bookable(now))
          return domain_error(ErrorCode::schedule_not_bookable,
                              "schedule is not open for booking now");
        return seat_map_reply(self->state.map, now);
      },
      [=](summary_atom) -> ScheduleSummary {
        self->state.idle.saw_request();
        const auto& map = self->state.map;
        const auto now = context->clock.now_ms();
        const auto& spec = map.schedule().spec;
        return ScheduleSummary{map.schedule().id,        spec.concert_id,        spec.starts_at,
                               spec.booking_opens_at,    spec.booking_closes_at, spec.seat_count,
                               map.available_count(now), map.bookable(now)};
      },
      [=](hold_atom, std::int32_t number, domain::Id user,
          domain::WriteTag& tag) -> caf::result<domain::HoldView> {
        self->state.idle.saw_request();
        auto promise = self->make_response_promise();
        request_hold(self, context, QueuedHold{number, user, promise, 0, std::move(tag)});
        return promise;
      },
      [=](cancel_atom, domain::Id reservation, domain::Id user,
          domain::WriteTag& tag) -> caf::result<domain::HoldView> {
        auto& state = self->state;
        state.idle.saw_request();
        if (tag.passed(domain::wall_clock_ms())) return deadline_error();
        const auto seat = state.map.check_live_hold(reservation, user, context->clock.now_ms());
        if (!seat.ok()) return to_caf_error(seat.error());
        if (state.releasing.count(reservation))
          return domain_error(ErrorCode::reservation_expired, "the reservation is being released");
        auto promise = self->make_response_promise();
        state.releases.push_back(
            QueuedRelease{seat->number, reservation, true, promise, std::move(tag)});
        state.releasing.insert(reservation);
        write_next(self, context);
        return promise;
      },
      [=](pay_atom, PayRequest& request) -> caf::result<domain::PaymentReceipt> {
        auto& state = self->state;
        state.idle.saw_request();
        auto promise = self->make_response_promise();
        const auto key = payment_key(request);
        if (!request.idempotency_key.empty()) {
          auto it = state.payments_in_flight.find(key);
          if (it != state.payments_in_flight.end()) {  // same key in flight: wait for its answer
            it->second.push_back(promise);
            return promise;
          }
        }
        pay(self, context, request, promise);
        return promise;
      },
      [=](expire_atom) { expire_passed(self, context); },
      [=](sweep_atom) { sweep(self, context); },
      // Another node owns this schedule now: finish the writes and payments, then stop.
      [=](handover_atom) {
        self->state.stopping = true;
        write_next(self, context);
      },
      [](continue_atom, const Continuation& next) { next.run(); },
      [=](idle_atom, std::uint64_t requests_then) {
        auto& state = self->state;
        if (!state.idle.idle_since(requests_then) || !passivate_if_idle(self, context))
          state.idle.arm(self, context->config.entity_idle_timeout);
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
      [=](hold_atom, std::int32_t, domain::Id,
          const domain::WriteTag&) -> caf::result<domain::HoldView> { return not_found(); },
      [=](cancel_atom, domain::Id, domain::Id,
          const domain::WriteTag&) -> caf::result<domain::HoldView> { return not_found(); },
      [=](pay_atom, const PayRequest&) -> caf::result<domain::PaymentReceipt> {
        return not_found();
      },
      [=](handover_atom) { self->quit(); },
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
          log_storage_failure(outcome.error, "schedule load");
          self->quit(caf::sec::runtime_error);
        } else if (!*outcome.value) {
          self->become(missing(self, context, schedule));
        } else {
          self->state.map = std::move(**outcome.value);
          self->become(serving(self, context));
        }
      },
      read_gate(context));
  return {
      [](continue_atom, const Continuation& next) { next.run(); },
  };
}

}  // namespace boxoffice::actors
