#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace boxoffice::actors {

// Notices that this whole process stood still (SIGSTOP, a VM pause, a stalled host): a
// thread that wakes every 100 ms and finds a gap longer than `limit` since its last beat.
// Clustered, the peers may have declared such a node dead and served its entities
// meanwhile, so its actors must not write from what they remember. Independent of the
// actor scheduler: a busy scheduler is not a stall.
class StallWatch {
 public:
  explicit StallWatch(std::chrono::milliseconds limit);
  ~StallWatch();
  StallWatch(const StallWatch&) = delete;
  StallWatch& operator=(const StallWatch&) = delete;

  // True from the moment a stall ended (or while a beat is overdue) until clear() is called
  // by the router once it rejoined the cluster.
  bool stalled() const;
  // Counts stalls; the router handles each one once.
  std::uint64_t stalls() const { return stalls_.load(); }
  void clear() { stalled_ = false; }

 private:
  void run();

  std::chrono::milliseconds limit_;
  std::atomic<std::int64_t> last_beat_ms_;
  std::atomic<bool> stalled_{false};
  std::atomic<std::uint64_t> stalls_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace boxoffice::actors
