#include "actors/snapshot_board.hpp"

namespace boxoffice::actors {

void SnapshotBoard::publish_seat_map(std::shared_ptr<const SeatMapSnapshot> snapshot) {
  std::unique_lock<std::shared_mutex> lock(seat_maps_mutex_);
  seat_maps_[snapshot->schedule] = std::move(snapshot);
}

std::shared_ptr<const SeatMapSnapshot> SnapshotBoard::seat_map(domain::Id schedule) const {
  std::shared_lock<std::shared_mutex> lock(seat_maps_mutex_);
  const auto it = seat_maps_.find(schedule);
  return it == seat_maps_.end() ? nullptr : it->second;
}

void SnapshotBoard::retire_seat_map(domain::Id schedule, std::uint64_t owner) {
  std::unique_lock<std::shared_mutex> lock(seat_maps_mutex_);
  const auto it = seat_maps_.find(schedule);
  if (it != seat_maps_.end() && it->second->owner == owner) seat_maps_.erase(it);
}

std::vector<std::shared_ptr<const SeatMapSnapshot>> SnapshotBoard::seat_maps() const {
  std::shared_lock<std::shared_mutex> lock(seat_maps_mutex_);
  std::vector<std::shared_ptr<const SeatMapSnapshot>> maps;
  maps.reserve(seat_maps_.size());
  for (const auto& [schedule, map] : seat_maps_) maps.push_back(map);
  return maps;
}

void SnapshotBoard::reservation_held(domain::Id reservation, domain::Id schedule) {
  std::unique_lock<std::shared_mutex> lock(reservations_mutex_);
  reservations_[reservation] = schedule;
}

void SnapshotBoard::reservation_ended(domain::Id reservation) {
  std::unique_lock<std::shared_mutex> lock(reservations_mutex_);
  reservations_.erase(reservation);
}

domain::Id SnapshotBoard::schedule_of_reservation(domain::Id reservation) const {
  std::shared_lock<std::shared_mutex> lock(reservations_mutex_);
  const auto it = reservations_.find(reservation);
  return it == reservations_.end() ? 0 : it->second;
}

}  // namespace boxoffice::actors
