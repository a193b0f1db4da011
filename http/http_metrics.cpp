#include "http/http_metrics.hpp"

#include <atomic>
#include <cstdio>
#include <utility>

namespace boxoffice::http {

namespace {
std::atomic<std::uint64_t> next_instance_id{1};
}

HttpMetrics::HttpMetrics() : id_(next_instance_id.fetch_add(1)) {}

HttpMetrics::Shard& HttpMetrics::local_shard() {
  // This thread's shard of each instance it recorded into (ids are never reused).
  thread_local std::vector<std::pair<std::uint64_t, Shard*>> cache;
  for (const auto& [id, shard] : cache)
    if (id == id_) return *shard;
  std::lock_guard<std::mutex> lock(shards_mutex_);
  shards_.push_back(std::make_unique<Shard>());
  cache.emplace_back(id_, shards_.back().get());
  return *shards_.back();
}

void HttpMetrics::record(const std::string& method, const std::string& route, int status,
                         std::chrono::nanoseconds duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  auto& shard = local_shard();
  std::lock_guard<std::mutex> lock(shard.mutex);
  ++shard.requests[{method, route, status}];
  auto& histogram = shard.latency[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++histogram.buckets[i];
  ++histogram.count;
  histogram.sum += seconds;
}

void HttpMetrics::render(std::string& out) const {
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests;
  std::map<std::string, Histogram> latency;
  {
    std::lock_guard<std::mutex> lock(shards_mutex_);
    for (const auto& shard : shards_) {
      std::lock_guard<std::mutex> shard_lock(shard->mutex);
      for (const auto& [key, count] : shard->requests) requests[key] += count;
      for (const auto& [route, histogram] : shard->latency) {
        auto& total = latency[route];
        for (std::size_t i = 0; i < kBuckets.size(); ++i) total.buckets[i] += histogram.buckets[i];
        total.count += histogram.count;
        total.sum += histogram.sum;
      }
    }
  }
  out += "# HELP boxoffice_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE boxoffice_http_requests_total counter\n";
  for (const auto& [key, count] : requests) {
    const auto& [method, route, status] = key;
    out += "boxoffice_http_requests_total{method=\"" + method + "\",route=\"" + route +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP boxoffice_http_request_duration_seconds Time from routing to the answer.\n";
  out += "# TYPE boxoffice_http_request_duration_seconds histogram\n";
  char number[32];
  for (const auto& [route, histogram] : latency) {
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
