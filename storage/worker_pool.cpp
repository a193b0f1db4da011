#include "storage/worker_pool.hpp"

#include <spdlog/spdlog.h>
#include <cstdio>
#include <random>

#include "storage/session_factory.hpp"
#include "storage/sql_error.hpp"

namespace boxoffice::storage {

WorkerPool::WorkerPool(config::DatabaseTarget target, std::size_t threads,
                       std::string connection_name)
    : target_(std::move(target)), connection_name_(std::move(connection_name)) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this, i] { work(i); });
}

WorkerPool::~WorkerPool() {
  stop();
}

std::string WorkerPool::default_connection_name(std::int64_t node) {
  static const std::string incarnation = [] {
    char text[9];
    std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(std::random_device{}()));
    return std::string(text);
  }();
  return "boxoffice/n" + std::to_string(node) + "/" + incarnation;
}

void WorkerPool::fail_job(StorageJob& job, std::exception_ptr error) {
  if (!job.gate || job.gate->claim()) job.fail(std::move(error));
}

void WorkerPool::post(StorageJob job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      std::uint64_t watch_id = 0;
      if (job.gate) watch_id = watch_.watch(job.gate, job.fail);
      jobs_.push_back(Queued{std::move(job), watch_id});
      wake_.notify_one();
      return;
    }
  }
  if (job.gate && !job.gate->start()) return;
  fail_job(job, std::make_exception_ptr(std::runtime_error("storage worker pool is stopped")));
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

void WorkerPool::work(std::size_t index) {
  const std::string name = connection_name_ + "/w" + std::to_string(index);
  std::unique_ptr<soci::session> session;
  while (true) {
    Queued next;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      next = std::move(jobs_.front());
      jobs_.pop_front();
    }
    auto& job = next.job;
    // Its caller was answered (503) while it waited: it must not be written any more.
    if (job.gate && !job.gate->start()) continue;
    try {
      if (!session) {
        session = open_session(target_, name);
      } else if (!session->is_connected()) {
        session->reconnect();
        configure_session(*session, target_.kind);
      }
    } catch (const std::exception& error) {
      spdlog::warn("storage: cannot connect to the database: {}", describe(error));
      session.reset();
      fail_job(job, std::current_exception());
      if (job.gate) watch_.forget(next.watch_id, *job.gate);
      continue;
    }
    try {
      CommitGate::Scope scope(job.gate.get());
      job.run(*session);
    } catch (const std::exception& error) {
      if (classify(error) == SqlFailure::connection) {
        spdlog::warn("storage: lost the database connection: {}", describe(error));
        session.reset();
      }
      fail_job(job, std::current_exception());
    } catch (...) {
      fail_job(job, std::current_exception());
    }
    if (job.gate) watch_.forget(next.watch_id, *job.gate);
  }
}

}  // namespace boxoffice::storage
