#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "chaos/chaos_database.hpp"

namespace boxoffice::chaos {

// Samples the number of ACTIVE, not yet expired queue tokens in the database every period
// during the run (its own thread and session), and remembers the samples above the limit.
class ActiveSampler {
 public:
  struct Over {
    double at_s;
    long long active;
  };
  ActiveSampler(const ChaosDatabase& database, std::int64_t limit, double period_s);
  ~ActiveSampler();
  void start(std::chrono::steady_clock::time_point epoch);
  void stop();

  long long samples() const { return samples_; }
  long long max_active() const { return max_; }
  long long errors() const { return errors_; }
  long long over_count() const { return over_count_; }
  const std::vector<Over>& over() const { return over_; }

 private:
  void loop(std::chrono::steady_clock::time_point epoch);

  const ChaosDatabase& database_;
  std::int64_t limit_;
  double period_s_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  long long samples_ = 0, max_ = 0, errors_ = 0, over_count_ = 0;
  std::vector<Over> over_;
};

}  // namespace boxoffice::chaos
