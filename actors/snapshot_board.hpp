#pragma once

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

// A schedule's seat map as its actor last committed it, readable by HTTP threads without a
// message. Valid only before `stale_at` (the first deadline of a live hold: a passed hold
// must read as free) and inside the booking window; otherwise readers ask the actor.
struct SeatMapSnapshot {
  domain::Id schedule = 0;
  domain::Id concert = 0;
  domain::TimeMs opens_at = 0;
  domain::TimeMs closes_at = 0;
  domain::TimeMs stale_at = 0;
  std::vector<domain::Seat> seats;  // status as clients see it
  std::uint64_t owner = 0;          // the publishing actor

  // Rendered once by the HTTP front, on first read.
  mutable std::once_flag rendered;
  mutable std::string body;

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

  // The waiting room's read model (GET me, the token gate).
  QueueReadSide& queue() { return queue_; }

 private:
  mutable std::shared_mutex seat_maps_mutex_;
  std::unordered_map<domain::Id, std::shared_ptr<const SeatMapSnapshot>> seat_maps_;
  QueueReadSide queue_;
};

}  // namespace boxoffice::actors
