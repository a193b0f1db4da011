#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "domain/clock.hpp"
#include "storage/worker_pool.hpp"

namespace boxoffice::app {

// Housekeeping on a timer: purges Idempotency-Key records older than the retention (24 h:
// the contract keeps them at least that long). Runs once at start, then every `interval`.
class Maintenance {
 public:
  Maintenance(storage::WorkerPool& storage, const domain::Clock& clock,
              std::chrono::milliseconds retention, std::chrono::milliseconds interval);
  ~Maintenance();  // stops the timer thread at once
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

 private:
  void run();

  storage::WorkerPool& storage_;
  const domain::Clock& clock_;
  const std::chrono::milliseconds retention_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace boxoffice::app
