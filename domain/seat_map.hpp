#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/catalog.hpp"
#include "domain/clock.hpp"
#include "domain/result.hpp"

namespace boxoffice::domain {

// PAYING is internal: a payment of the hold is in flight, so it can neither expire nor be
// paid twice. Clients see it as HELD.
enum class SeatStatus { available, held, paying, sold };

const char* seat_status_name(SeatStatus status);  // as clients see it

struct Seat {
  std::int32_t number = 0;
  Won price = 0;
  SeatStatus status = SeatStatus::available;
  Id holder = 0;
  TimeMs held_until = 0;
  Id reservation = 0;
  std::int64_t version = 0;
};

struct HoldView {
  Id reservation = 0;
  Id schedule = 0;
  Id concert = 0;
  std::int32_t seat = 0;
  Id user = 0;
  Won price = 0;
  TimeMs held_until = 0;
  bool created = false;  // 201 for a new hold, 200 for the user's existing one
};

// What a hold request decided before anything is written.
struct HoldDecision {
  bool existing = false;       // the user already holds it: answer that reservation
  Id expired_reservation = 0;  // a passed hold on the seat that the new hold replaces
};

// The seats of one schedule and its booking window, as the schedule actor holds them.
// A hold whose time has passed counts as free for every read and every new hold, whether
// or not its release has been written yet.
class SeatMap {
 public:
  // Seats per chunk of a published snapshot: a commit copies only the chunks it changed.
  static constexpr std::size_t kChunkSeats = 1024;

  SeatMap() = default;
  SeatMap(Schedule schedule, std::vector<Seat> seats);

  const Schedule& schedule() const { return schedule_; }
  bool bookable(TimeMs now) const;
  SeatStatus effective_status(const Seat& seat, TimeMs now) const;
  std::int64_t available_count(TimeMs now) const;
  const std::vector<Seat>& seats() const { return seats_; }
  Seat* find(std::int32_t number);
  const Seat* find(std::int32_t number) const;
  // The seat a reservation holds (or bought), in O(1); null once the seat was released.
  const Seat* find_reservation(Id reservation) const;

  // Errors in contract order: SEAT_NOT_FOUND, SEAT_UNAVAILABLE, SCHEDULE_NOT_BOOKABLE.
  // `pending_for(seat)` is the user of a hold on that seat that is waiting for its commit.
  Result<HoldDecision> decide_hold(std::int32_t number, Id user, TimeMs now, Id pending_user) const;
  void apply_hold(std::int32_t number, Id user, Id reservation, TimeMs held_until);

  // Seats whose hold passed its time at `now` (still HELD in memory): to be released.
  std::vector<std::int32_t> passed_holds(TimeMs now) const;
  void release(std::int32_t number);

  // Payment and cancel checks for a reservation of this map, in contract order:
  // RESERVATION_EXPIRED (not a live hold any more), RESERVATION_NOT_OWNED.
  Result<Seat> check_live_hold(Id reservation, Id user, TimeMs now) const;
  void mark_paying(std::int32_t number);
  void payment_failed(std::int32_t number);
  void mark_sold(std::int32_t number);

  HoldView hold_view(const Seat& seat, bool created) const;

  std::size_t chunk_count() const { return (seats_.size() + kChunkSeats - 1) / kChunkSeats; }
  // The chunks (seat index / kChunkSeats) changed since the last call, in no particular order;
  // every chunk after construction.
  std::vector<std::size_t> take_changed_chunks();

 private:
  Schedule schedule_;
  std::vector<Seat> seats_;                                   // index = number - 1
  std::unordered_map<Id, std::int32_t> seat_of_reservation_;  // live holds and sales only
  std::vector<bool> chunk_changed_;
  std::vector<std::size_t> changed_chunks_;

  void touch(std::int32_t number);
};

}  // namespace boxoffice::domain
