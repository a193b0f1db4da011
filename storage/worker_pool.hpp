#pragma once

#include <soci/soci.h>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "config/config.hpp"

namespace boxoffice::storage {

// One unit of database work. `run` gets the worker's own session; if the session cannot be
// (re)opened or `run` throws, `fail` gets the exception instead. Exactly one of them runs.
struct StorageJob {
  std::function<void(soci::session&)> run;
  std::function<void(std::exception_ptr)> fail;
};

// The threads that talk to the database, each with its own SOCI session. Actors and HTTP
// threads hand work here so no CAF scheduler thread ever blocks on the database.
class WorkerPool {
 public:
  WorkerPool(config::DatabaseTarget target, std::size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(StorageJob job);

  // Runs fn(session) on a worker; the future carries its result or exception.
  template <class F>
  auto submit(F fn) -> std::future<std::invoke_result_t<F, soci::session&>> {
    using R = std::invoke_result_t<F, soci::session&>;
    auto promise = std::make_shared<std::promise<R>>();
    auto future = promise->get_future();
    post(StorageJob{[promise, fn = std::move(fn)](soci::session& session) mutable {
                      if constexpr (std::is_void_v<R>) {
                        fn(session);
                        promise->set_value();
                      } else {
                        promise->set_value(fn(session));
                      }
                    },
                    [promise](std::exception_ptr error) { promise->set_exception(error); }});
    return future;
  }

  // Finishes the queued jobs, then closes every session. Idempotent.
  void stop();

  const config::DatabaseTarget& target() const { return target_; }
  std::size_t queued() const;

 private:
  void work();

  const config::DatabaseTarget target_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<StorageJob> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace boxoffice::storage
