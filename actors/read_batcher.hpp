#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "actors/coalescing_queue.hpp"
#include "actors/storage_bridge.hpp"
#include "domain/write_tag.hpp"
#include "storage/worker_pool.hpp"

namespace boxoffice::actors {

// Reads by key that arrive while one is out go together into the next, as one query for all
// their keys (e.g. `WHERE id = ANY(...)`): one storage job and one round trip for many
// requests (docs/adr-005). Thread-safe. `done` runs on a storage thread (or the pool's
// watchdog): with the value (nullopt: not found), or with the batch's failure; a batch is
// answered by --request-timeout after it left the queue at the latest.
template <class Key, class Value>
class ReadBatcher : public std::enable_shared_from_this<ReadBatcher<Key, Value>> {
 public:
  static constexpr int kBatchesInFlight = 2;
  static constexpr std::size_t kMaxKeysPerBatch = 256;

  using Found = std::unordered_map<Key, Value>;
  using Query = std::function<Found(soci::session&, const std::vector<Key>&)>;
  using Done = std::function<void(StorageOutcome<std::optional<Value>>)>;

  ReadBatcher(storage::WorkerPool& pool, std::chrono::milliseconds timeout, Query query)
      : pool_(pool), timeout_(timeout), query_(std::move(query)) {}

  void read(Key key, Done done) {
    for (auto& batch : queue_.push_take(Pending{std::move(key), std::move(done)}))
      run(std::move(batch));
  }

 private:
  struct Pending {
    Key key;
    Done done;
  };
  using Batch = typename CoalescingQueue<Pending>::Batch;

  void run(Batch batch) {
    const auto deadline = domain::wall_clock_ms() + timeout_.count();
    auto gate = std::make_shared<storage::CommitGate>(deadline, deadline);
    std::vector<Key> keys;
    keys.reserve(batch->size());
    for (const auto& pending : *batch) keys.push_back(pending.key);
    auto self = this->shared_from_this();
    pool_.post(storage::StorageJob{
        [self, batch, gate, keys = std::move(keys)](soci::session& session) {
          const auto found = self->query_(session, keys);
          if (!gate->claim()) return;  // the watchdog answered the batch already
          for (const auto& pending : *batch) {
            const auto it = found.find(pending.key);
            StorageOutcome<std::optional<Value>> outcome;
            outcome.value.emplace(it == found.end() ? std::nullopt
                                                    : std::optional<Value>(it->second));
            pending.done(std::move(outcome));
          }
          self->finished();
        },
        [self, batch](std::exception_ptr error) {
          for (const auto& pending : *batch)
            pending.done(StorageOutcome<std::optional<Value>>{std::nullopt, error});
          self->finished();
        },
        gate});
  }

  void finished() {
    for (auto& batch : queue_.finished_take()) run(std::move(batch));
  }

  storage::WorkerPool& pool_;
  const std::chrono::milliseconds timeout_;
  const Query query_;
  CoalescingQueue<Pending> queue_{kBatchesInFlight, kMaxKeysPerBatch};
};

}  // namespace boxoffice::actors
