#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace boxoffice::app {

// The grace between "not ready" and stopping (docs/deploy.md): once begun, the node reports
// itself not ready while it keeps serving, so a load balancer's health check takes it out
// before it stops; after the grace `then` runs on the drain's own thread.
class Drain {
 public:
  Drain(std::chrono::milliseconds grace, std::function<void()> then);
  ~Drain();
  Drain(const Drain&) = delete;
  Drain& operator=(const Drain&) = delete;

  // The first call starts the grace and returns at once; a later call ends it now.
  void begin();
  // Ends the grace now (if one runs) and waits until `then` returned; begin() does nothing
  // afterwards. Idempotent; never from `then` itself.
  void finish();
  bool draining() const { return draining_.load(std::memory_order_relaxed); }

 private:
  const std::chrono::milliseconds grace_;
  std::function<void()> then_;
  std::atomic<bool> draining_{false};
  std::mutex mutex_;
  std::condition_variable cut_short_;
  bool cut_ = false;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace boxoffice::app
