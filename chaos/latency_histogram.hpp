#pragma once

#include <array>
#include <cstdint>

namespace boxoffice::chaos {

// Log-bucketed latency histogram (2 % wide buckets from 10 us to ~100 s): constant memory,
// mergeable across workers, percentiles within 2 %.
class LatencyHistogram {
 public:
  void record(double ms);
  void merge(const LatencyHistogram& other);
  std::uint64_t count() const { return count_; }
  double percentile(double p) const;  // p in [0, 100]; 0 when empty
  double max_ms() const { return max_ms_; }
  double mean_ms() const { return count_ == 0 ? 0 : sum_ms_ / static_cast<double>(count_); }

 private:
  static constexpr int kBuckets = 820;
  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  double sum_ms_ = 0;
  double max_ms_ = 0;
};

}  // namespace boxoffice::chaos
