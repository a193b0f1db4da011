#include "chaos/world.hpp"

#include <algorithm>

namespace boxoffice::chaos {

void SeatBoard::mark(int seat, Mark mark) {
  if (seat < 1 || seat > seats()) return;
  marks_[static_cast<std::size_t>(seat - 1)].store(mark, std::memory_order_relaxed);
}

SeatBoard::Mark SeatBoard::get(int seat) const {
  if (seat < 1 || seat > seats()) return sold;
  return static_cast<Mark>(
      marks_[static_cast<std::size_t>(seat - 1)].load(std::memory_order_relaxed));
}

int SeatBoard::pick_hot(int hot, std::mt19937_64& rng) const {
  int candidates[64];
  int found = 0;
  const int wanted = std::min(hot, 64);
  for (int seat = 1; seat <= seats() && found < wanted; ++seat)
    if (get(seat) == available) candidates[found++] = seat;
  if (found == 0)
    return 1 + static_cast<int>(rng() % static_cast<std::uint64_t>(std::min(hot, seats())));
  return candidates[rng() % static_cast<std::uint64_t>(found)];
}

int SeatBoard::pick_any(std::mt19937_64& rng) const {
  int seat = 1;
  for (int attempt = 0; attempt < 8; ++attempt) {
    seat = 1 + static_cast<int>(rng() % static_cast<std::uint64_t>(seats()));
    if (get(seat) == available) return seat;
  }
  return seat;
}

}  // namespace boxoffice::chaos
