#pragma once

#include <chrono>
#include <cstddef>

namespace boxoffice::http::front {

using SteadyClock = std::chrono::steady_clock;

// A node of a TimerList: embedded in what it times.
struct TimerHook {
  TimerHook* prev = nullptr;
  TimerHook* next = nullptr;
  class TimerList* list = nullptr;
  SteadyClock::time_point deadline{};
};

// An intrusive FIFO of hooks that all share one timeout: appended in time order, so the
// front is always the first to expire. Insert, remove and expiry are O(1).
class TimerList {
 public:
  explicit TimerList(SteadyClock::duration timeout) : timeout_(timeout) {}
  TimerList(const TimerList&) = delete;
  TimerList& operator=(const TimerList&) = delete;

  // Moves `hook` (from whatever list holds it) to the back, due `timeout` after `now`.
  void push(TimerHook& hook, SteadyClock::time_point now) {
    remove(hook);
    hook.deadline = now + timeout_;
    hook.list = this;
    hook.prev = tail_;
    hook.next = nullptr;
    (tail_ ? tail_->next : head_) = &hook;
    tail_ = &hook;
    ++size_;
  }

  static void remove(TimerHook& hook) {
    auto* list = hook.list;
    if (!list) return;
    (hook.prev ? hook.prev->next : list->head_) = hook.next;
    (hook.next ? hook.next->prev : list->tail_) = hook.prev;
    hook.prev = hook.next = nullptr;
    hook.list = nullptr;
    --list->size_;
  }

  // The first hook whose deadline is at or before `now`, or null.
  TimerHook* expired(SteadyClock::time_point now) const {
    return head_ && head_->deadline <= now ? head_ : nullptr;
  }
  TimerHook* front() const { return head_; }
  std::size_t size() const { return size_; }

 private:
  SteadyClock::duration timeout_;
  TimerHook* head_ = nullptr;
  TimerHook* tail_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace boxoffice::http::front
