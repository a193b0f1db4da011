#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <memory>
#include <mutex>
#include <vector>

namespace boxoffice::actors {

// The queue of a coalescer (PaymentWriter, ReadBatcher): what arrives while `max_in_flight`
// batches are out waits and goes together in the next batch (at most `max_batch` items).
// Thread-safe. The caller starts the batches it is handed, outside any lock of its own, and
// calls finished_take() once per batch when that batch was answered.
template <class Item>
class CoalescingQueue {
 public:
  using Batch = std::shared_ptr<std::vector<Item>>;

  CoalescingQueue(int max_in_flight, std::size_t max_batch)
      : max_in_flight_(max_in_flight), max_batch_(max_batch) {}

  // Queues `item`; returns the batches to start now.
  std::vector<Batch> push_take(Item item) {
    std::lock_guard<std::mutex> lock(mutex_);
    queued_.push_back(std::move(item));
    return take();
  }
  // A batch was answered; returns the batches to start now.
  std::vector<Batch> finished_take() {
    std::lock_guard<std::mutex> lock(mutex_);
    --in_flight_;
    return take();
  }
  // Takes the queued items for which `drop(item)` holds out of the queue.
  template <class Drop>
  std::vector<Item> drop_queued_if(Drop drop) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Item> dropped;
    auto kept = std::stable_partition(queued_.begin(), queued_.end(),
                                      [&drop](const Item& item) { return !drop(item); });
    std::move(kept, queued_.end(), std::back_inserter(dropped));
    queued_.erase(kept, queued_.end());
    return dropped;
  }

 private:
  std::vector<Batch> take() {
    std::vector<Batch> batches;
    while (in_flight_ < max_in_flight_ && !queued_.empty()) {
      const auto count = std::min(queued_.size(), max_batch_);
      const auto end = queued_.begin() + static_cast<std::ptrdiff_t>(count);
      batches.push_back(std::make_shared<std::vector<Item>>(
          std::make_move_iterator(queued_.begin()), std::make_move_iterator(end)));
      queued_.erase(queued_.begin(), end);
      ++in_flight_;
    }
    return batches;
  }

  const int max_in_flight_;
  const std::size_t max_batch_;
  std::mutex mutex_;
  std::vector<Item> queued_;
  int in_flight_ = 0;
};

}  // namespace boxoffice::actors
