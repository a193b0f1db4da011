#pragma once

#include <functional>
#include <string>
#include <vector>

#include "actors/database_desk.hpp"
#include "actors/gateway.hpp"
#include "config/config.hpp"
#include "domain/clock.hpp"

namespace boxoffice::http {

// What the HTTP front needs from the rest of the process; app/ fills it in.
struct Services {
  const config::Config& config;
  actors::DatabaseDesk& database;  // catalog and lookups (no entity actor)
  const domain::Clock& clock;
  actors::Gateway& actors;
  // Each appends Prometheus text (gauges and counters of other components) to /metrics.
  std::vector<std::function<void(std::string&)>> metric_sources;
  // Why the node is not ready (e.g. it is stopping), "" when it is; empty means always ready.
  std::function<std::string()> not_ready;
};

}  // namespace boxoffice::http
