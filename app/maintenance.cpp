#include "app/maintenance.hpp"

#include <spdlog/spdlog.h>

#include "storage/sql_error.hpp"
#include "storage/wallet_repository.hpp"

namespace boxoffice::app {

Maintenance::Maintenance(storage::WorkerPool& storage, const domain::Clock& clock,
                         std::chrono::milliseconds retention, std::chrono::milliseconds interval)
    : storage_(storage), clock_(clock), retention_(retention), interval_(interval), thread_([this] {
        run();
      }) {}

Maintenance::~Maintenance() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Maintenance::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    const auto cutoff = clock_.now_ms() - retention_.count();
    const auto kind = storage_.target().kind;
    storage_.post(storage::StorageJob{
        [kind, cutoff](soci::session& session) {
          const auto purged =
              storage::WalletRepository(session, kind).purge_idempotency_keys(cutoff);
          if (purged > 0) spdlog::info("purged {} Idempotency-Key records older than 24 h", purged);
        },
        [](std::exception_ptr error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            spdlog::warn("Idempotency-Key purge failed (retried later): {}", storage::describe(e));
          }
        },
        nullptr});
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace boxoffice::app
