#pragma once

#include <spdlog/spdlog.h>
#include <chrono>
#include <future>
#include <type_traits>

#include "domain/result.hpp"
#include "storage/sql_error.hpp"
#include "storage/worker_pool.hpp"
#include "storage/write_outcome.hpp"

namespace boxoffice::actors {

// A read or write that failed: a broken connection (or a read past its deadline) is
// UNAVAILABLE, anything else INTERNAL; logged with `what`.
inline domain::Error storage_error(const char* what, const std::exception& error) {
  const auto failure = storage::classify(error);
  spdlog::error("{} failed: {}", what, storage::describe(error));
  if (failure == storage::SqlFailure::connection || failure == storage::SqlFailure::retryable ||
      dynamic_cast<const storage::DeadlinePassed*>(&error) != nullptr)
    return domain::make_error(domain::ErrorCode::unavailable, "the database is not available");
  return domain::make_error(domain::ErrorCode::internal, std::string(what) + " failed");
}

// Runs fn(session) on a storage worker and waits for it. Past `timeout`: UNAVAILABLE.
template <class F>
auto call_storage(storage::WorkerPool& pool, const char* what, std::chrono::milliseconds timeout,
                  F fn) -> domain::Result<std::invoke_result_t<F, soci::session&>> {
  auto future = pool.submit(std::move(fn));
  if (future.wait_for(timeout) != std::future_status::ready) {
    spdlog::warn("{}: the database did not answer within {} ms", what, timeout.count());
    return domain::make_error(domain::ErrorCode::unavailable,
                              "the database did not answer in time");
  }
  try {
    return future.get();
  } catch (const std::exception& error) {
    return storage_error(what, error);
  }
}

}  // namespace boxoffice::actors
