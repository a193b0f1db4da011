#pragma once

#include <soci/soci.h>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "config/config.hpp"
#include "storage/commit_gate.hpp"
#include "storage/deadline_watch.hpp"

namespace boxoffice::storage {

// One unit of database work. `run` gets the worker's own session; if the session cannot be
// (re)opened or `run` throws, `fail` gets the exception instead.
// With a `gate` the job is bound to its deadline (commit_gate.hpp): it is skipped if its
// caller was answered before a worker took it; a WriteTransaction in it never sends COMMIT
// past the deadline; and the pool's DeadlineWatch calls `fail` (DeadlinePassed, or
// OutcomeUnknown after an unanswered COMMIT) when the worker is too late. `run` must call
// gate->claim() before it delivers a result, and deliver nothing if that returns false; the
// pool claims before it calls `fail`. So the caller hears exactly once.
struct StorageJob {
  std::function<void(soci::session&)> run;
  std::function<void(std::exception_ptr)> fail;
  std::shared_ptr<CommitGate> gate;  // null: no deadline
};

// The threads that talk to the database, each with its own SOCI session. Actors and HTTP
// threads hand work here so no CAF scheduler thread ever blocks on the database.
class WorkerPool {
 public:
  // PostgreSQL connections are named `connection_name`/w<worker> (application_name), so that a
  // broken connection's server process can be found and ended before its write is looked up.
  WorkerPool(config::DatabaseTarget target, std::size_t threads,
             std::string connection_name = default_connection_name(1));
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(StorageJob job);

  // Runs fn(session) on a worker; the future carries its result or exception. With a gate,
  // bound to its deadlines (see StorageJob).
  template <class F>
  auto submit(F fn, std::shared_ptr<CommitGate> gate = nullptr)
      -> std::future<std::invoke_result_t<F, soci::session&>> {
    using R = std::invoke_result_t<F, soci::session&>;
    auto promise = std::make_shared<std::promise<R>>();
    auto future = promise->get_future();
    post(StorageJob{[promise, gate, fn = std::move(fn)](soci::session& session) mutable {
                      if constexpr (std::is_void_v<R>) {
                        fn(session);
                        if (!gate || gate->claim()) promise->set_value();
                      } else {
                        auto value = fn(session);
                        if (!gate || gate->claim()) promise->set_value(std::move(value));
                      }
                    },
                    [promise](std::exception_ptr error) { promise->set_exception(error); }, gate});
    return future;
  }

  // Finishes the queued jobs, then closes every session. Idempotent.
  void stop();

  const config::DatabaseTarget& target() const { return target_; }
  // The application_name prefix of this pool's connections (see the constructor).
  const std::string& connection_name() const { return connection_name_; }

  // "boxoffice/n<node>/<8 hex digits, random per process>": this process's connections.
  static std::string default_connection_name(std::int64_t node);

 private:
  void work(std::size_t index);
  // Answers a job that will not run (claiming its gate first, if it has one).
  static void fail_job(StorageJob& job, std::exception_ptr error);

  const config::DatabaseTarget target_;
  const std::string connection_name_;
  DeadlineWatch watch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  struct Queued {
    StorageJob job;
    std::uint64_t watch_id = 0;  // with a gate: its entry in watch_
  };
  std::deque<Queued> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace boxoffice::storage
