#pragma once

#include <string>

#include "actors/entity_context.hpp"
#include "actors/snapshot_board.hpp"
#include "config/config.hpp"
#include "domain/clock.hpp"

namespace boxoffice::app {

// What the operators' dashboard (/ops) reads beyond the plain counters: the queue limit,
// the estimated wait at the back of the line, the histogram of waits from issue to ACTIVE,
// and the seats of each schedule loaded on this node by status.
void render_dashboard_metrics(const config::Config& config, const actors::ActorStats& stats,
                              const actors::SnapshotBoard& board, domain::TimeMs now,
                              std::string& out);

}  // namespace boxoffice::app
