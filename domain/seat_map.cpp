#include "domain/seat_map.hpp"

#include <utility>

namespace boxoffice::domain {

const char* seat_status_name(SeatStatus status) {
  switch (status) {
    case SeatStatus::available: return "AVAILABLE";
    case SeatStatus::held:
    case SeatStatus::paying: return "HELD";
    case SeatStatus::sold: return "SOLD";
  }
  return "HELD";
}

SeatMap::SeatMap(Schedule schedule, std::vector<Seat> seats)
    : schedule_(schedule), seats_(std::move(seats)) {
  for (const auto& seat : seats_)
    if (seat.reservation != 0 && seat.status != SeatStatus::available)
      seat_of_reservation_[seat.reservation] = seat.number;
  chunk_changed_.assign(chunk_count(), true);
  for (std::size_t chunk = 0; chunk < chunk_count(); ++chunk) changed_chunks_.push_back(chunk);
}

void SeatMap::touch(std::int32_t number) {
  const auto chunk = (static_cast<std::size_t>(number) - 1) / kChunkSeats;
  if (chunk_changed_[chunk]) return;
  chunk_changed_[chunk] = true;
  changed_chunks_.push_back(chunk);
}

std::vector<std::size_t> SeatMap::take_changed_chunks() {
  for (const auto chunk : changed_chunks_) chunk_changed_[chunk] = false;
  return std::exchange(changed_chunks_, {});
}

bool SeatMap::bookable(TimeMs now) const {
  return now >= schedule_.spec.booking_opens_at && now < schedule_.spec.booking_closes_at;
}

SeatStatus SeatMap::effective_status(const Seat& seat, TimeMs now) const {
  if (seat.status == SeatStatus::held && seat.held_until <= now) return SeatStatus::available;
  return seat.status;
}

std::int64_t SeatMap::available_count(TimeMs now) const {
  std::int64_t count = 0;
  for (const auto& seat : seats_)
    if (effective_status(seat, now) == SeatStatus::available) ++count;
  return count;
}

Seat* SeatMap::find(std::int32_t number) {
  if (number < 1 || static_cast<std::size_t>(number) > seats_.size()) return nullptr;
  return &seats_[static_cast<std::size_t>(number) - 1];
}

const Seat* SeatMap::find(std::int32_t number) const {
  return const_cast<SeatMap*>(this)->find(number);
}

const Seat* SeatMap::find_reservation(Id reservation) const {
  const auto it = seat_of_reservation_.find(reservation);
  if (it == seat_of_reservation_.end()) return nullptr;
  const Seat* seat = find(it->second);
  return seat->reservation == reservation && seat->status != SeatStatus::available ? seat : nullptr;
}

Result<HoldDecision> SeatMap::decide_hold(std::int32_t number, Id user, TimeMs now,
                                          Id pending_user) const {
  const Seat* seat = find(number);
  if (!seat)
    return make_error(ErrorCode::seat_not_found, "schedule " + std::to_string(schedule_.id) +
                                                     " has no seat " + std::to_string(number));
  const auto status = effective_status(*seat, now);
  if (status == SeatStatus::held && seat->holder == user) return HoldDecision{true, 0};
  if (status != SeatStatus::available || (pending_user != 0 && pending_user != user))
    return make_error(ErrorCode::seat_unavailable,
                      "seat " + std::to_string(number) + " is held or sold");
  if (!bookable(now))
    return make_error(ErrorCode::schedule_not_bookable,
                      "schedule " + std::to_string(schedule_.id) + " is not open for booking now");
  HoldDecision decision;
  if (seat->status == SeatStatus::held) decision.expired_reservation = seat->reservation;
  return decision;
}

void SeatMap::apply_hold(std::int32_t number, Id user, Id reservation, TimeMs held_until) {
  Seat* seat = find(number);
  if (seat->reservation != 0) seat_of_reservation_.erase(seat->reservation);  // a passed hold
  seat_of_reservation_[reservation] = number;
  touch(number);
  seat->status = SeatStatus::held;
  seat->holder = user;
  seat->reservation = reservation;
  seat->held_until = held_until;
  ++seat->version;
}

std::vector<std::int32_t> SeatMap::passed_holds(TimeMs now) const {
  std::vector<std::int32_t> out;
  for (const auto& seat : seats_)
    if (seat.status == SeatStatus::held && seat.held_until <= now) out.push_back(seat.number);
  return out;
}

void SeatMap::release(std::int32_t number) {
  Seat* seat = find(number);
  if (seat->reservation != 0) seat_of_reservation_.erase(seat->reservation);
  touch(number);
  seat->status = SeatStatus::available;
  seat->holder = 0;
  seat->held_until = 0;
  seat->reservation = 0;
  ++seat->version;
}

Result<Seat> SeatMap::check_live_hold(Id reservation, Id user, TimeMs now) const {
  const Seat* seat = find_reservation(reservation);
  if (!seat || seat->status == SeatStatus::sold || seat->status == SeatStatus::paying ||
      effective_status(*seat, now) != SeatStatus::held)
    return make_error(ErrorCode::reservation_expired, "reservation " + std::to_string(reservation) +
                                                          " is not a live hold any more");
  if (seat->holder != user)
    return make_error(ErrorCode::reservation_not_owned,
                      "reservation " + std::to_string(reservation) + " was held by another user");
  return *seat;
}

void SeatMap::mark_paying(std::int32_t number) {
  touch(number);
  find(number)->status = SeatStatus::paying;
}

void SeatMap::payment_failed(std::int32_t number) {
  Seat* seat = find(number);
  touch(number);
  if (seat->status == SeatStatus::paying) seat->status = SeatStatus::held;
}

void SeatMap::mark_sold(std::int32_t number) {
  Seat* seat = find(number);
  touch(number);
  seat->status = SeatStatus::sold;
  seat->held_until = 0;
  ++seat->version;
}

HoldView SeatMap::hold_view(const Seat& seat, bool created) const {
  return HoldView{seat.reservation, schedule_.id, schedule_.spec.concert_id, seat.number,
                  seat.holder,      seat.price,   seat.held_until,           created};
}

}  // namespace boxoffice::domain
