#pragma once

#include <string>

#include "actors/entity_context.hpp"

namespace boxoffice::app {

// Appends the actors' counters and gauges in Prometheus text format.
void render_actor_metrics(const actors::ActorStats& stats, std::string& out);

}  // namespace boxoffice::app
