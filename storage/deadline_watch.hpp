#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "storage/commit_gate.hpp"

namespace boxoffice::storage {

// The storage pool's watchdog: one thread that answers a deadline-bound job's caller when its
// worker cannot — 503 (DeadlinePassed) for a job still queued or running at its deadline, 504
// (OutcomeUnknown) for one whose COMMIT got no verdict by the verdict deadline — through the
// job's own failure callback, after winning its CommitGate. Workers may be stuck in a call to
// a frozen database; callers never wait longer than these two deadlines.
class DeadlineWatch {
 public:
  using Fail = std::function<void(std::exception_ptr)>;

  DeadlineWatch();
  ~DeadlineWatch();
  DeadlineWatch(const DeadlineWatch&) = delete;
  DeadlineWatch& operator=(const DeadlineWatch&) = delete;

  // Watches `gate` until it is answered; returns the id for forget().
  std::uint64_t watch(std::shared_ptr<CommitGate> gate, Fail fail);
  // The job was answered by its worker: drop what the watch holds for it.
  void forget(std::uint64_t id, const CommitGate& gate);
  std::size_t watched() const;

 private:
  struct Entry {
    std::shared_ptr<CommitGate> gate;
    Fail fail;
  };
  using Key = std::pair<domain::TimeMs, std::uint64_t>;

  void run();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<Key, Entry> entries_;
  std::uint64_t next_id_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace boxoffice::storage
