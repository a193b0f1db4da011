#include "chaos/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace boxoffice::chaos {
namespace {

constexpr double kMinMs = 0.01;
constexpr double kRatio = 1.02;
const double kLogRatio = std::log(kRatio);

}  // namespace

void LatencyHistogram::record(double ms) {
  int index = 0;
  if (ms > kMinMs) index = static_cast<int>(std::log(ms / kMinMs) / kLogRatio) + 1;
  index = std::min(index, kBuckets - 1);
  ++buckets_[static_cast<std::size_t>(index)];
  ++count_;
  sum_ms_ += ms;
  max_ms_ = std::max(max_ms_, ms);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ms_ += other.sum_ms_;
  max_ms_ = std::max(max_ms_, other.max_ms_);
}

double LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) {
      // upper edge of the bucket, never above the largest value seen
      const double upper = kMinMs * std::pow(kRatio, static_cast<double>(i));
      return std::min(upper, max_ms_);
    }
  }
  return max_ms_;
}

}  // namespace boxoffice::chaos
