#include "app/dashboard_metrics.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include "http/prometheus_text.hpp"

namespace boxoffice::app {

using http::append_metric;
namespace {

void render_queue_wait_histogram(const actors::ActorStats& stats, std::string& out) {
  const std::string name = "boxoffice_queue_wait_seconds";
  out += "# HELP " + name + " Time from a token's issue to its admission (ACTIVE).\n";
  out += "# TYPE " + name + " histogram\n";
  std::int64_t cumulative = 0;
  for (std::size_t i = 0; i < actors::kQueueWaitBuckets.size(); ++i) {
    cumulative += stats.queue_wait_buckets[i];
    out += name + "_bucket{le=\"" + std::to_string(actors::kQueueWaitBuckets[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  cumulative += stats.queue_wait_buckets.back();
  out += name + "_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  char sum[32];
  std::snprintf(sum, sizeof sum, "%.3f", static_cast<double>(stats.queue_wait_ms_sum) / 1000.0);
  out += name + "_sum " + sum + "\n";
  out += name + "_count " + std::to_string(cumulative) + "\n";
}

struct SeatCounts {
  domain::Id concert = 0;
  domain::Id schedule = 0;
  std::int64_t available = 0;
  std::int64_t held = 0;
  std::int64_t sold = 0;
};

SeatCounts count_seats(const actors::SeatMapSnapshot& map, domain::TimeMs now) {
  SeatCounts counts{map.concert, map.schedule};
  map.for_each_seat([&counts, now](const domain::Seat& seat) {
    if (seat.status == domain::SeatStatus::sold)
      ++counts.sold;
    else if (seat.status == domain::SeatStatus::available || seat.held_until <= now)
      ++counts.available;  // a hold whose time has passed reads as free
    else
      ++counts.held;
  });
  return counts;
}

void render_schedule_seats(const actors::SnapshotBoard& board, domain::TimeMs now,
                           std::string& out) {
  std::vector<SeatCounts> schedules;
  for (const auto& map : board.seat_maps()) schedules.push_back(count_seats(*map, now));
  std::sort(schedules.begin(), schedules.end(),
            [](const SeatCounts& a, const SeatCounts& b) { return a.schedule < b.schedule; });
  out +=
      "# HELP boxoffice_schedule_seats Seats of each schedule loaded on this node, by status.\n"
      "# TYPE boxoffice_schedule_seats gauge\n";
  for (const auto& counts : schedules) {
    const std::string labels = "{concert=\"" + std::to_string(counts.concert) + "\",schedule=\"" +
                               std::to_string(counts.schedule) + "\",status=\"";
    const std::array<std::pair<const char*, std::int64_t>, 3> by_status{
        {{"available", counts.available}, {"held", counts.held}, {"sold", counts.sold}}};
    for (const auto& [status, count] : by_status)
      out += "boxoffice_schedule_seats" + labels + status + "\"} " + std::to_string(count) + "\n";
  }
}

}  // namespace

void render_dashboard_metrics(const config::Config& config, const actors::ActorStats& stats,
                              const actors::SnapshotBoard& board, domain::TimeMs now,
                              std::string& out) {
  append_metric(out, "boxoffice_queue_max_active", "gauge",
                "The configured queue-max-active: at most this many tokens are ACTIVE.",
                config.queue_max_active);
  append_metric(out, "boxoffice_queue_back_wait_seconds", "gauge",
                "Estimated wait of a token joining the back of the line now (-1: not known yet).",
                stats.queue_back_wait_seconds);
  render_queue_wait_histogram(stats, out);
  render_schedule_seats(board, now, out);
}

}  // namespace boxoffice::app
