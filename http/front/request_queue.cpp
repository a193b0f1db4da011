#include "http/front/request_queue.hpp"

namespace boxoffice::http::front {

RequestQueue::RequestQueue(std::size_t workers, std::chrono::milliseconds max_wait, Runner runner)
    : max_wait_(max_wait), runner_(std::move(runner)) {
  threads_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
}

RequestQueue::~RequestQueue() {
  stop();
}

bool RequestQueue::push(Connection& connection, SteadyClock::time_point now) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_workers_ == 0 && !items_.empty() && now - items_.front().queued_at > max_wait_)
      return false;
    items_.push_back({&connection, now});
  }
  ready_.notify_one();
  return true;
}

void RequestQueue::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
}

void RequestQueue::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    ++idle_workers_;
    ready_.wait(lock, [this] { return stopped_ || !items_.empty(); });
    --idle_workers_;
    if (items_.empty()) return;  // stopped
    const auto item = items_.front();
    items_.pop_front();
    lock.unlock();
    runner_(*item.connection, SteadyClock::now() - item.queued_at > max_wait_);
    lock.lock();
  }
}

}  // namespace boxoffice::http::front
