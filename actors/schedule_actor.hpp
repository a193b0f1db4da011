#pragma once

#include <caf/all.hpp>
#include <deque>
#include <map>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/entity_context.hpp"
#include "actors/idle_watch.hpp"
#include "actors/messages.hpp"
#include "actors/snapshot_board.hpp"
#include "domain/seat_map.hpp"

namespace boxoffice::actors {

struct QueuedHold {
  std::int32_t seat = 0;
  domain::Id user = 0;
  caf::response_promise promise;
  int attempts = 0;  // writes that lost a race to another writer
  domain::WriteTag tag;
};

struct QueuedRelease {
  std::int32_t seat = 0;
  domain::Id reservation = 0;
  bool cancelled = false;
  std::optional<caf::response_promise> promise;  // cancel requests are answered after commit
  domain::WriteTag tag;                          // a cancel's (a passed hold's: none)
};

// A live hold's deadline, in the schedule actor's expiry queue (earliest first).
struct HoldDeadline {
  domain::TimeMs held_until = 0;
  std::int32_t seat = 0;
  domain::Id reservation = 0;
  bool operator>(const HoldDeadline& other) const { return held_until > other.held_until; }
};

struct ScheduleActorState {
  domain::SeatMap map;
  std::deque<QueuedHold> holds;        // decided in memory, waiting for the next write
  std::deque<QueuedRelease> releases;  // passed or cancelled holds waiting for the next write
  std::unordered_map<std::int32_t, domain::Id>
      pending_holder;  // seat -> user of a queued/in-flight hold
  // Repeats of a pending hold by the same user: answered with it (200) once it commits.
  std::unordered_map<std::int32_t, std::vector<caf::response_promise>> hold_followers;
  // Holds by other users of a seat with a pending hold: decided once that write ended, on
  // committed state (a refusal never rests on a hold that may still fail).
  std::unordered_map<std::int32_t, std::vector<QueuedHold>> seat_waiters;
  // Payments in flight: reservation -> seat, marked PAYING again after every reload.
  std::unordered_map<domain::Id, std::int32_t> paying;
  std::map<std::pair<domain::Id, std::string>, std::vector<caf::response_promise>>
      payments_in_flight;
  std::unordered_set<domain::Id> releasing;  // reservations in a queued or in-flight release
  std::unordered_map<domain::Id, domain::TimeMs>
      held_at;  // reservation -> hold time (hold->payment latency)
  std::shared_ptr<const SeatMapSnapshot> published;  // the last version on the board
  IdleWatch idle;
  bool writing = false;
  // The seat map is being read again: nothing is written meanwhile (a write decided on the
  // map being replaced would only meet a version conflict, or be applied to the new map twice).
  int reloads_in_flight = 0;
  std::uint64_t reloads_started = 0;
  std::uint64_t reload_applied = 0;  // the number of the reload whose read the map holds
  bool reloading() const { return reloads_in_flight > 0; }
  bool stopping = false;
  bool sweep_armed = false;  // a sweep_atom is on its way (queued deadlines)
  // Live holds by deadline, and the deadline the one expire_atom on its way is for (0: none):
  // one timer per schedule, not one per hold (each would wake CAF's clock thread).
  std::priority_queue<HoldDeadline, std::vector<HoldDeadline>, std::greater<>> expiries;
  domain::TimeMs expiry_armed_for = 0;
  static inline const char* name = "schedule";
};

using ScheduleActor = caf::stateful_actor<ScheduleActorState>;

// The single writer of one schedule's seats. Reads (seat map, summary) come from memory.
// Holds are decided in memory at once (a seat with a pending hold is unavailable to
// others) and committed together: what arrives while one write is in flight goes in the
// next transaction, each answered only after its commit. Payment marks the seat PAYING
// and hands the transaction to the user's wallet actor.
//   (seats_atom)                      -> SeatMapReply
//   (summary_atom)                    -> ScheduleSummary
// Every write carries its deadline (WriteTag): one still queued at it is answered 503 and
// never written; a batch's COMMIT is sent before its earliest deadline or not at all.
//   (hold_atom, seat, user, tag)           -> HoldView
//   (cancel_atom, reservation, user, tag)  -> HoldView (of the cancelled hold)
//   (pay_atom, PayRequest)            -> PaymentReceipt
caf::behavior schedule_actor(ScheduleActor* self, EntityContext* context, domain::Id schedule);

}  // namespace boxoffice::actors
