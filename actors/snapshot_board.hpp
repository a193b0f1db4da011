#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/queue_read_side.hpp"
#include "domain/clock.hpp"
#include "domain/seat_map.hpp"

namespace boxoffice::actors {

// Up to SeatMap::kChunkSeats consecutive seats of a published seat map. A commit builds new
// chunks only for the seats it changed; the others are shared with the previous version.
struct SeatChunk {
  std::vector<domain::Seat> seats;  // status as clients see it
  domain::TimeMs stale_at = 0;      // the earliest deadline of a live hold in it (else max)
  std::int64_t available = 0;       // seats AVAILABLE in it

  // Its seats as JSON array elements, rendered once by the HTTP front on first read.
  mutable std::once_flag rendered;
  mutable std::string json;
};

// A schedule's seat map as its actor last committed it, readable by HTTP threads without a
// message. Valid only before `stale_at` (the first deadline of a live hold: a passed hold
// must read as free) and inside the booking window; otherwise readers ask the actor.
struct SeatMapSnapshot {
  domain::Id schedule = 0;
  domain::Id concert = 0;
  domain::TimeMs starts_at = 0;
  domain::TimeMs opens_at = 0;
  domain::TimeMs closes_at = 0;
  domain::TimeMs stale_at = 0;
  std::int32_t seat_count = 0;
  std::int64_t available = 0;  // AVAILABLE seats (no hold passes before stale_at)
  std::vector<std::shared_ptr<const SeatChunk>> chunks;  // in seat order
  std::uint64_t owner = 0;                               // the publishing actor

  template <class F>
  void for_each_seat(F&& f) const {
    for (const auto& chunk : chunks)
      for (const auto& seat : chunk->seats) f(seat);
  }

  // Rendered once by the HTTP front, on first read: the seat map, and the schedule's entry in
  // its concert's list of dates.
  mutable std::once_flag rendered;
  mutable std::string body;
  mutable std::atomic<bool> body_ready{false};  // set once `body` is rendered
  mutable std::once_flag summarized;
  mutable std::string summary;

  bool usable(domain::TimeMs now) const {
    return now < stale_at && now >= opens_at && now < closes_at;
  }
};

// Snapshots the entity actors publish for hot reads. Writes always go through the actors;
// a reader that finds nothing usable here asks the actor.
class SnapshotBoard {
 public:
  void publish_seat_map(std::shared_ptr<const SeatMapSnapshot> snapshot);
  std::shared_ptr<const SeatMapSnapshot> seat_map(domain::Id schedule) const;
  void retire_seat_map(domain::Id schedule, std::uint64_t owner);  // only the owner's own
  // Every seat map published on this node (for /metrics), in no particular order.
  std::vector<std::shared_ptr<const SeatMapSnapshot>> seat_maps() const;

  // Which schedule a live hold belongs to, published by the schedule actors (a reservation
  // never moves to another schedule, so an entry is never wrong; it goes when the hold ends).
  // 0: not known on this node (ask the database).
  void reservation_held(domain::Id reservation, domain::Id schedule);
  void reservation_ended(domain::Id reservation);
  domain::Id schedule_of_reservation(domain::Id reservation) const;

  // The waiting room's read model (GET me, the token gate).
  QueueReadSide& queue() { return queue_; }

 private:
  mutable std::shared_mutex seat_maps_mutex_;
  std::unordered_map<domain::Id, std::shared_ptr<const SeatMapSnapshot>> seat_maps_;
  mutable std::shared_mutex reservations_mutex_;
  std::unordered_map<domain::Id, domain::Id> reservations_;  // reservation -> schedule
  QueueReadSide queue_;
};

}  // namespace boxoffice::actors
