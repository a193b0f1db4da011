#include "http/front/front_gauges.hpp"

namespace boxoffice::http::front {
namespace {

template <class Value>
void metric(std::string& out, const char* name, const char* type, const char* help,
            const Value& value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
         name + " " + std::to_string(value.load(std::memory_order_relaxed)) + "\n";
}

}  // namespace

void render_front_gauges(const FrontGauges& gauges, std::string& out) {
  metric(out, "boxoffice_http_open_connections", "gauge", "Client connections open now.",
         gauges.open_connections);
  metric(out, "boxoffice_http_idle_connections", "gauge",
         "Open keep-alive connections waiting for their next request.", gauges.idle_connections);
  metric(out, "boxoffice_http_requests_in_flight", "gauge",
         "Requests queued for or running on an HTTP worker.", gauges.requests_in_flight);
  metric(out, "boxoffice_http_requests_shed_total", "counter",
         "Requests answered 503 because no worker was free in time.", gauges.requests_shed);
  metric(out, "boxoffice_http_connections_refused_total", "counter",
         "Connections answered 503 and closed: over --max-connections or out of descriptors.",
         gauges.connections_refused);
}

}  // namespace boxoffice::http::front
