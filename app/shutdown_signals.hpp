#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace boxoffice::app {

// Blocks SIGINT/SIGTERM in every thread started after construction and runs `on_signal`
// on a dedicated thread when one arrives. Construct it before any other thread starts.
class ShutdownSignals {
 public:
  ShutdownSignals();
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  void start(std::function<void(int signal)> on_signal);

 private:
  std::atomic<bool> done_{false};
  std::thread waiter_;
};

}  // namespace boxoffice::app
