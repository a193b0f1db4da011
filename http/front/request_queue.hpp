#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "http/front/connection.hpp"

namespace boxoffice::http::front {

// Requests waiting for a worker, and the workers. Load is shed by waiting time: a request
// that waited longer than `max_wait` is handed to its worker as expired (answered 503, not
// run), and while the oldest waiting request is that old and no worker is free, push()
// refuses new ones so they can be answered 503 at once.
class RequestQueue {
 public:
  // Runs one request on a worker thread; `expired` when it waited too long.
  using Runner = std::function<void(Connection&, bool expired)>;

  RequestQueue(std::size_t workers, std::chrono::milliseconds max_wait, Runner runner);
  ~RequestQueue();
  RequestQueue(const RequestQueue&) = delete;
  RequestQueue& operator=(const RequestQueue&) = delete;

  // False: shed, the caller answers 503.
  bool push(Connection& connection, SteadyClock::time_point now);
  // Lets the workers finish what is queued, then joins them.
  void stop();

 private:
  struct Item {
    Connection* connection;
    SteadyClock::time_point queued_at;
  };
  void work();

  const std::chrono::milliseconds max_wait_;
  const Runner runner_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Item> items_;
  std::size_t idle_workers_ = 0;
  bool stopped_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace boxoffice::http::front
