#include "actors/queue_replica.hpp"

#include <spdlog/spdlog.h>

#include "actors/entity_key.hpp"
#include "actors/messages.hpp"

namespace boxoffice::actors {
namespace {

constexpr std::chrono::milliseconds kLookInterval{250};
constexpr std::chrono::seconds kSnapshotWait{10};
constexpr std::size_t kHeldBatches = 4096;  // past it the next batch asks again

domain::AdmissionRate rate_of(const ReplicaBatch& batch) {
  return domain::AdmissionRate{batch.rate_samples, batch.rate_first_at};
}

std::vector<domain::ReadChange> changes_of(const ReplicaBatch& batch) {
  std::vector<domain::ReadChange> changes;
  changes.reserve(batch.changes.size());
  for (const auto& entry : batch.changes) changes.push_back(to_change(entry));
  return changes;
}

void on_batch(QueueReplica* self, EntityContext* context, ReplicaBatch batch);

void apply_snapshot(QueueReplica* self, EntityContext* context, ReplicaBatch snapshot) {
  auto& side = context->board.queue();
  const auto now = side.following();
  if (now.hosting || (now.model && snapshot.source.epoch < now.source.epoch)) return;
  side.follow(std::make_shared<const domain::QueueReadModel>(domain::QueueReadModel::of(
                  changes_of(snapshot), snapshot.to_version, rate_of(snapshot))),
              snapshot.source);
  spdlog::debug("queue replica: snapshot of node {} (epoch {}) at version {}, {} tokens",
                snapshot.source.host, snapshot.source.epoch, snapshot.to_version,
                snapshot.changes.size());
  auto held = std::move(self->state.held);
  self->state.held.clear();
  for (auto& batch : held) on_batch(self, context, std::move(batch));
}

void ask_snapshot(QueueReplica* self, EntityContext* context, const ReplicaSource& source) {
  auto& state = self->state;
  state.asking = true;
  state.asked_of = source;
  state.held.clear();
  self->request(context->router, kSnapshotWait, replica_atom::value, snapshot_atom::value,
                source.host)
      .then(
          [self, context](ReplicaBatch& snapshot) {
            self->state.asking = false;
            apply_snapshot(self, context, std::move(snapshot));
          },
          [self, source](caf::error& error) {
            // The next batch or heartbeat asks again.
            self->state.asking = false;
            self->state.held.clear();
            spdlog::debug("queue replica: node {} gave no snapshot: {}", source.host,
                          caf::to_string(error));
          });
}

void on_batch(QueueReplica* self, EntityContext* context, ReplicaBatch batch) {
  auto& side = context->board.queue();
  const auto now = side.following();
  if (now.hosting) return;  // this node's own queue actor publishes
  if (now.model) {
    if (batch.source.epoch < now.source.epoch) return;  // a host that lost the lease since
    const auto version = now.model->version();
    if (batch.source == now.source && batch.to_version <= version) {
      if (batch.to_version == version) side.heard(now.source);
      return;  // in the replica already (a snapshot covered it)
    }
    if (batch.source == now.source && !batch.snapshot && batch.from_version == version &&
        batch.to_version == version + 1) {
      side.follow(std::make_shared<const domain::QueueReadModel>(
                      now.model->next(changes_of(batch), rate_of(batch))),
                  batch.source);
      return;
    }
  }
  auto& state = self->state;
  if (state.asking) {
    if (batch.source == state.asked_of && state.held.size() < kHeldBatches)
      state.held.push_back(std::move(batch));
    return;
  }
  ask_snapshot(self, context, batch.source);
}

// The looks polls left here since: the host resets those tokens' idle clocks.
void send_looks(EntityContext* context) {
  auto& side = context->board.queue();
  if (side.following().hosting) return;  // this node's queue actor takes them itself
  auto looks = side.take_looks();
  if (looks.empty()) return;
  ReplicaLooks batch;
  batch.tokens.reserve(looks.size());
  batch.at.reserve(looks.size());
  for (auto& [token, at] : looks) {
    batch.tokens.push_back(std::move(token));
    batch.at.push_back(at);
  }
  caf::anon_send(context->router, forward_atom::value, kQueueKey,
                 caf::make_message(looked_atom::value, std::move(batch)));
}

}  // namespace

caf::behavior queue_replica(QueueReplica* self, EntityContext* context) {
  self->set_default_handler(caf::drop);
  self->delayed_send(self, kLookInterval, tick_atom::value);
  return {
      [self, context](replica_atom, ReplicaBatch& batch) {
        on_batch(self, context, std::move(batch));
      },
      [self, context](tick_atom) {
        send_looks(context);
        self->delayed_send(self, kLookInterval, tick_atom::value);
      },
  };
}

}  // namespace boxoffice::actors
