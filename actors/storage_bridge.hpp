#pragma once

#include <exception>
#include <functional>
#include <optional>

#include "actors/messages.hpp"
#include "storage/worker_pool.hpp"

namespace boxoffice::actors {

template <class T>
struct StorageOutcome {
  std::optional<T> value;
  std::exception_ptr error;  // set when value is empty
};

// Runs `work` on a storage worker (never on a CAF thread) and then `then(outcome)` inside
// the actor, as a message: the actor keeps serving other messages meanwhile. The pending
// job holds a strong handle, so the actor lives until the continuation has run.
template <class T, class Work, class Then>
void run_storage(caf::scheduled_actor* self, storage::WorkerPool& pool, Work work, Then then) {
  auto handle = caf::actor_cast<caf::actor>(self);
  auto result = std::make_shared<StorageOutcome<T>>();
  pool.post(storage::StorageJob{
      [handle, result, work = std::move(work), then](soci::session& session) mutable {
        result->value = work(session);
        caf::anon_send(handle, continue_atom::value,
                       Continuation{[result, then]() mutable { then(std::move(*result)); }});
      },
      [handle, result, then](std::exception_ptr error) {
        result->error = error;
        caf::anon_send(handle, continue_atom::value,
                       Continuation{[result, then]() mutable { then(std::move(*result)); }});
      }});
}

}  // namespace boxoffice::actors
