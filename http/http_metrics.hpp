#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace boxoffice::http {

// Request counts by (method, route, status) and a latency histogram by route, rendered in
// the Prometheus text format. Each recording thread has its own shard (its lock is only ever
// contended by a /metrics render), so recording takes no lock shared between workers.
class HttpMetrics {
 public:
  HttpMetrics();
  void record(const std::string& method, const std::string& route, int status,
              std::chrono::nanoseconds duration);
  void render(std::string& out) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Shard {
    std::mutex mutex;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests;
    std::map<std::string, Histogram> latency;
  };
  Shard& local_shard();

  const std::uint64_t id_;           // tells instances apart in each thread's shard cache
  mutable std::mutex shards_mutex_;  // once per thread, and per render
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace boxoffice::http
