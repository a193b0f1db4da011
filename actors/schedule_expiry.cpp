// Hold expiry of the schedule actor: live holds wait in a queue by deadline, one delayed
// message releases those that passed when the earliest of them is due; a reload of the seat
// map (after a conflict or an unknown outcome) re-arms them.
#include <algorithm>

#include "actors/schedule_writes.hpp"
#include "actors/storage_bridge.hpp"
#include "actors/write_failure.hpp"
#include "storage/schedule_repository.hpp"

namespace boxoffice::actors::schedule {
namespace {

// The expire_atom for the earliest deadline, unless one is on its way for it or earlier.
void arm_earliest(ScheduleActor* self, EntityContext* context) {
  auto& state = self->state;
  if (state.expiries.empty()) return;
  const auto due = state.expiries.top().held_until;
  if (state.expiry_armed_for != 0 && state.expiry_armed_for <= due) return;
  state.expiry_armed_for = due;
  const auto delay = std::max<domain::TimeMs>(0, due - context->clock.now_ms()) + 1;
  self->delayed_send(self, std::chrono::milliseconds(delay), expire_atom::value);
}

}  // namespace

void arm_expiry(ScheduleActor* self, EntityContext* context, const domain::Seat& seat) {
  self->state.expiries.push(HoldDeadline{seat.held_until, seat.number, seat.reservation});
  arm_earliest(self, context);
}

void expire_passed(ScheduleActor* self, EntityContext* context) {
  auto& state = self->state;
  state.expiry_armed_for = 0;
  const auto now = context->clock.now_ms();
  while (!state.expiries.empty() && state.expiries.top().held_until <= now) {
    const auto passed = state.expiries.top();
    state.expiries.pop();
    release_if_passed(self, context, passed.seat, passed.reservation);
  }
  arm_earliest(self, context);
}

// Queues the release of a passed hold (unless a new hold of the seat will replace it). A seat
// that has another hold or none by now is left alone: its deadline was an old one.
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
  state.releases.push_back(QueuedRelease{number, reservation, false, std::nullopt, {}});
  state.releasing.insert(reservation);
  write_next(self, context);
}

void reload(ScheduleActor* self, EntityContext* context, const std::function<void()>& then) {
  const auto id = self->state.map.schedule().id;
  const auto kind = context->config.database.kind;
  // Two reloads may overlap (an unknown payment outcome while a conflict's reload reads): the
  // storage pool may finish them in any order, and only the later read may stand.
  ++self->state.reloads_in_flight;
  const auto number = ++self->state.reloads_started;
  run_storage<std::optional<domain::SeatMap>>(
      self, context->storage,
      [kind, id](soci::session& session) {
        return storage::ScheduleRepository(session, kind).load(id);
      },
      [self, context, then, number](StorageOutcome<std::optional<domain::SeatMap>> outcome) {
        if (!outcome.value || !*outcome.value) {
          if (!outcome.value) log_storage_failure(outcome.error, "schedule reload");
          self->quit(caf::sec::runtime_error);
          return;
        }
        auto& state = self->state;
        --state.reloads_in_flight;
        if (number < state.reload_applied) {  // a later read already stands
          then();
          return;
        }
        state.reload_applied = number;
        state.map = std::move(**outcome.value);
        // A seat whose payment is in flight stays PAYING: it must neither expire nor be paid
        // twice meanwhile (the database only knows it as HELD).
        for (const auto& [reservation, number] : state.paying) {
          const auto* seat = state.map.find(number);
          if (seat && seat->reservation == reservation && seat->status == domain::SeatStatus::held)
            state.map.mark_paying(number);
        }
        // The reloaded map's holds replace the queued deadlines (holds another owner wrote
        // had none here; queueing every hold again on each reload would pile them up).
        state.expiries = {};
        for (const auto& seat : state.map.seats())
          if (seat.status == domain::SeatStatus::held) {
            arm_expiry(self, context, seat);
            context->board.reservation_held(seat.reservation, state.map.schedule().id);
          }
        publish(self, context);
        then();
      },
      read_gate(context));
}

}  // namespace boxoffice::actors::schedule
