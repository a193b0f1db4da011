#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace boxoffice::http::front {

// What the connection layer reports to /metrics; written by the event loop and the workers
// with relaxed atomics (no lock on the request path).
struct FrontGauges {
  std::atomic<std::int64_t> open_connections{0};
  std::atomic<std::int64_t> idle_connections{0};
  std::atomic<std::int64_t> requests_in_flight{0};
  std::atomic<std::uint64_t> requests_shed{0};        // answered 503: no worker in time
  std::atomic<std::uint64_t> connections_refused{0};  // over --max-connections (or no fd)
};

// Appends the gauges and counters in the Prometheus text format.
void render_front_gauges(const FrontGauges& gauges, std::string& out);

}  // namespace boxoffice::http::front
