#include "domain/queue_history.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace boxoffice::domain {

std::vector<Overtaking> admissions_out_of_order(std::vector<TokenLife> lives, TimeMs slack) {
  std::sort(lives.begin(), lives.end(),
            [](const TokenLife& a, const TokenLife& b) { return a.seq < b.seq; });
  std::vector<Overtaking> found;
  constexpr auto kNever = std::numeric_limits<TimeMs>::max();
  // For each admission, the older tokens still WAITING at that moment. The line is short in
  // tests and chaos runs (thousands): quadratic is fine, and obviously right.
  for (std::size_t i = 0; i < lives.size(); ++i) {
    const auto& admitted = lives[i];
    if (admitted.activated_at == 0) continue;
    const auto at = admitted.activated_at;
    for (std::size_t j = 0; j < i; ++j) {
      const auto& older = lives[j];
      if (older.issued_at >= at) continue;
      // Until when the older one waited: its admission, or its leaving without one.
      const TimeMs waited_until = older.activated_at != 0
                                      ? older.activated_at
                                      : (older.left_at != 0 ? older.left_at : kNever);
      if (waited_until <= at) continue;
      if (older.activated_at != 0 && older.activated_at - at <= slack) continue;
      found.push_back(Overtaking{admitted.seq, older.seq, at});
    }
  }
  return found;
}

std::int64_t max_active_overlap(const std::vector<TokenLife>& lives) {
  std::vector<std::pair<TimeMs, int>> edges;  // (time, +1 start / -1 end); ends sort first
  for (const auto& life : lives) {
    if (life.activated_at == 0) continue;
    const auto end = life.left_at != 0 ? life.left_at : std::numeric_limits<TimeMs>::max();
    if (end <= life.activated_at) continue;
    edges.emplace_back(life.activated_at, +1);
    edges.emplace_back(end, -1);
  }
  std::sort(edges.begin(), edges.end());
  std::int64_t depth = 0;
  std::int64_t peak = 0;
  for (const auto& [at, step] : edges) {
    depth += step;
    peak = std::max(peak, depth);
  }
  return peak;
}

std::vector<LeasedWrite> stale_queue_writes(const std::vector<LeaseGrant>& grants,
                                            const std::vector<LeasedWrite>& writes) {
  std::vector<LeasedWrite> stale;
  for (const auto& write : writes)
    for (const auto& grant : grants)
      if (grant.epoch > write.epoch && grant.at <= write.at) {
        stale.push_back(write);
        break;
      }
  return stale;
}

}  // namespace boxoffice::domain
