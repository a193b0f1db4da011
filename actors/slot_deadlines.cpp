#include "actors/slot_deadlines.hpp"

namespace boxoffice::actors {

SlotDeadlines::Clock::time_point SlotDeadlines::watch(const std::shared_ptr<ReplySlot>& slot,
                                                      std::chrono::milliseconds timeout) {
  const auto due = Clock::now() + timeout;
  watched_.push(Watched{due, slot, slot->attempt()});
  return due;
}

std::optional<SlotDeadlines::Clock::time_point> SlotDeadlines::expire(Clock::time_point now) {
  while (!watched_.empty() && watched_.top().due <= now) {
    const auto slot = watched_.top().slot.lock();  // gone: answered and forgotten
    const auto attempt = watched_.top().attempt;
    watched_.pop();
    if (slot) slot->expire(attempt);
  }
  if (watched_.empty()) return std::nullopt;
  return watched_.top().due;
}

}  // namespace boxoffice::actors
