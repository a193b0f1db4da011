#include "http/http_metrics.hpp"

#include <cstdio>

namespace boxoffice::http {

void HttpMetrics::record(const std::string& method, const std::string& route, int status,
                         std::chrono::nanoseconds duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{method, route, status}];
  auto& histogram = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++histogram.buckets[i];
  ++histogram.count;
  histogram.sum += seconds;
}

void HttpMetrics::render(std::string& out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  out += "# HELP boxoffice_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE boxoffice_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += "boxoffice_http_requests_total{method=\"" + method + "\",route=\"" + route +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP boxoffice_http_request_duration_seconds Time from routing to the answer.\n";
  out += "# TYPE boxoffice_http_request_duration_seconds histogram\n";
  char number[32];
  for (const auto& [route, histogram] : latency_) {
    const std::string prefix = "boxoffice_http_request_duration_seconds";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      std::snprintf(number, sizeof number, "%g", kBuckets[i]);
      out += prefix + "_bucket{route=\"" + route + "\",le=\"" + number + "\"} " +
             std::to_string(histogram.buckets[i]) + "\n";
    }
    out += prefix + "_bucket{route=\"" + route + "\",le=\"+Inf\"} " +
           std::to_string(histogram.count) + "\n";
    std::snprintf(number, sizeof number, "%.6f", histogram.sum);
    out += prefix + "_sum{route=\"" + route + "\"} " + number + "\n";
    out += prefix + "_count{route=\"" + route + "\"} " + std::to_string(histogram.count) + "\n";
  }
}

}  // namespace boxoffice::http
