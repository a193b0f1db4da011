#pragma once

#include <exception>
#include <functional>
#include <optional>

#include "actors/entity_context.hpp"
#include "actors/messages.hpp"
#include "storage/commit_gate.hpp"
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
// With a gate, the job is bound to its deadlines (storage/commit_gate.hpp): `then` runs once,
// with the job's outcome, or with DeadlinePassed / OutcomeUnknown when the deadline or the
// verdict deadline passed first.
template <class T, class Work, class Then>
void run_storage(caf::scheduled_actor* self, storage::WorkerPool& pool, Work work, Then then,
                 std::shared_ptr<storage::CommitGate> gate = nullptr) {
  auto handle = caf::actor_cast<caf::actor>(self);
  auto result = std::make_shared<StorageOutcome<T>>();
  pool.post(storage::StorageJob{
      [handle, result, gate, work = std::move(work), then](soci::session& session) mutable {
        result->value = work(session);
        if (gate && !gate->claim()) return;  // its caller was answered already
        caf::anon_send(handle, continue_atom::value,
                       Continuation{[result, then]() mutable { then(std::move(*result)); }});
      },
      [handle, result, then](std::exception_ptr error) {
        result->error = error;
        caf::anon_send(handle, continue_atom::value,
                       Continuation{[result, then]() mutable { then(std::move(*result)); }});
      },
      gate});
}

// A gate for a write: COMMIT before `deadline`, then the verdict within --commit-wait.
inline std::shared_ptr<storage::CommitGate> write_gate(const EntityContext* context,
                                                       domain::TimeMs deadline) {
  return std::make_shared<storage::CommitGate>(deadline,
                                               deadline + context->config.commit_wait.count());
}

// A gate for a read (or a load): answered by --request-timeout from now at the latest.
inline std::shared_ptr<storage::CommitGate> read_gate(const EntityContext* context) {
  const auto deadline = domain::wall_clock_ms() + context->config.request_timeout.count();
  return std::make_shared<storage::CommitGate>(deadline, deadline);
}

}  // namespace boxoffice::actors
