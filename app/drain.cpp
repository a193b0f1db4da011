#include "app/drain.hpp"

namespace boxoffice::app {

Drain::Drain(std::chrono::milliseconds grace, std::function<void()> then)
    : grace_(grace), then_(std::move(then)) {}

Drain::~Drain() {
  finish();
}

void Drain::begin() {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  if (draining_.exchange(true)) {
    cut_ = true;
    cut_short_.notify_all();
    return;
  }
  thread_ = std::thread([this] {
    {
      std::unique_lock wait(mutex_);
      cut_short_.wait_for(wait, grace_, [this] { return cut_; });
    }
    then_();
  });
}

void Drain::finish() {
  std::thread running;
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
    cut_ = true;
    cut_short_.notify_all();
    running = std::move(thread_);
  }
  if (running.joinable()) running.join();
}

}  // namespace boxoffice::app
