#pragma once

#include <string>

#include "actors/cluster_view.hpp"
#include "actors/entity_context.hpp"

namespace boxoffice::app {

// Appends the cluster's counters and one up/down gauge per configured peer (Prometheus text).
void render_cluster_metrics(const actors::ActorStats& stats, const actors::ClusterView& view,
                            std::string& out);

}  // namespace boxoffice::app
