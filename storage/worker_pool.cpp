#include "storage/worker_pool.hpp"

#include <spdlog/spdlog.h>

#include "storage/session_factory.hpp"
#include "storage/sql_error.hpp"

namespace boxoffice::storage {

WorkerPool::WorkerPool(config::DatabaseTarget target, std::size_t threads)
    : target_(std::move(target)) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
  stop();
}

void WorkerPool::post(StorageJob job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      jobs_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  job.fail(std::make_exception_ptr(std::runtime_error("storage worker pool is stopped")));
}

void WorkerPool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
  threads_.clear();
}

std::size_t WorkerPool::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return jobs_.size();
}

void WorkerPool::work() {
  std::unique_ptr<soci::session> session;
  while (true) {
    StorageJob job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      if (!session) {
        session = open_session(target_);
      } else if (!session->is_connected()) {
        session->reconnect();
        configure_session(*session, target_.kind);
      }
    } catch (const std::exception& error) {
      spdlog::warn("storage: cannot connect to the database: {}", describe(error));
      session.reset();
      job.fail(std::current_exception());
      continue;
    }
    try {
      job.run(*session);
    } catch (const std::exception& error) {
      if (classify(error) == SqlFailure::connection) {
        spdlog::warn("storage: lost the database connection: {}", describe(error));
        session.reset();
      }
      job.fail(std::current_exception());
    } catch (...) {
      job.fail(std::current_exception());
    }
  }
}

}  // namespace boxoffice::storage
