#include "http/front/front_gauges.hpp"

#include "http/prometheus_text.hpp"

namespace boxoffice::http::front {

void render_front_gauges(const FrontGauges& gauges, std::string& out) {
  const auto value = [](const auto& counter) {
    return static_cast<std::int64_t>(counter.load(std::memory_order_relaxed));
  };
  append_metric(out, "boxoffice_http_open_connections", "gauge", "Client connections open now.",
                value(gauges.open_connections));
  append_metric(out, "boxoffice_http_idle_connections", "gauge",
                "Open keep-alive connections waiting for their next request.",
                value(gauges.idle_connections));
  append_metric(out, "boxoffice_http_requests_in_flight", "gauge",
                "Requests queued for or running on an HTTP worker.",
                value(gauges.requests_in_flight));
  append_metric(out, "boxoffice_http_requests_shed_total", "counter",
                "Requests answered 503 because no worker was free in time.",
                value(gauges.requests_shed));
  append_metric(
      out, "boxoffice_http_connections_refused_total", "counter",
      "Connections answered 503 and closed: over --max-connections or out of descriptors.",
      value(gauges.connections_refused));
}

}  // namespace boxoffice::http::front
