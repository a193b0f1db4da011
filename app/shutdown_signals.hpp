#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace boxoffice::app {

// Blocks SIGINT/SIGTERM in every thread started after construction and runs `on_signal`
// on a dedicated thread for each one that arrives, until stop(). Construct it before any
// other thread starts.
class ShutdownSignals {
 public:
  ShutdownSignals();
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  void start(std::function<void(int signal)> on_signal);
  // Signals arriving from now on stay pending (blocked); returns once `on_signal` returned.
  void stop();

 private:
  std::atomic<bool> done_{false};
  std::thread waiter_;
};

}  // namespace boxoffice::app
