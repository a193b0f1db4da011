#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <vector>

#include "actors/reply_slot.hpp"

namespace boxoffice::actors {

// The answer deadlines of the router's requests, kept by the router itself. A request is sent
// to its entity actor (or a peer's router) without a CAF timeout: each one would be two
// events on CAF's clock thread, a wake-up of it per request under load. The router fails here
// the attempts whose deadline passed, a sweep at a time (see kSweepEvery in router.cpp).
class SlotDeadlines {
 public:
  using Clock = std::chrono::steady_clock;

  // Watches the slot's current attempt until `timeout` from now; returns that deadline.
  Clock::time_point watch(const std::shared_ptr<ReplySlot>& slot,
                          std::chrono::milliseconds timeout);
  // Fails every watched attempt whose deadline is at or before `now` and is not answered yet;
  // returns the earliest deadline still watched (none: nothing is).
  std::optional<Clock::time_point> expire(Clock::time_point now);
  std::size_t size() const { return watched_.size(); }

 private:
  struct Watched {
    Clock::time_point due;
    std::weak_ptr<ReplySlot> slot;
    std::uint64_t attempt = 0;
    bool operator>(const Watched& other) const { return due > other.due; }
  };
  std::priority_queue<Watched, std::vector<Watched>, std::greater<>> watched_;
};

}  // namespace boxoffice::actors
