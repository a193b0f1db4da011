// The router's part in the queue's read-model replicas (docs/adr-002, "Replicas"): the
// batches of this node's queue actor go to every peer, a heartbeat each tick repeats the
// version it is at, and snapshots are asked of and served to peers.
#include "actors/entity_key.hpp"
#include "actors/messages.hpp"
#include "actors/queue_replica.hpp"
#include "actors/router_state.hpp"

namespace boxoffice::actors::routing {
namespace {

caf::error no_snapshot(const std::string& why) {
  return to_caf_error(domain::make_error(domain::ErrorCode::unavailable, why));
}

void to_peers(Self* self, const StatePtr& state, const caf::message& message) {
  for (const auto& link : state->peers)
    if (link.up && link.router && !link.retired) self->send(link.router, message);
}

// The queue actor the feed came from still runs here.
bool feeding(const StatePtr& state) {
  if (state->feed.source.host == 0) return false;
  const auto it = state->entities.find(kQueueKey);
  return it != state->entities.end() && it->second.id() == state->feed.source.actor;
}

}  // namespace

void start_replica(Self* self, const StatePtr& state) {
  if (!state->clustered()) return;
  state->replica = self->spawn<caf::linked>(queue_replica, &state->context());
}

void on_replica_batch(Self* self, const StatePtr& state, ReplicaBatch& batch) {
  if (batch.source.host != state->view.self) {
    if (state->replica) self->send(state->replica, replica_atom::value, std::move(batch));
    return;
  }
  state->feed.source = batch.source;
  state->feed.from_version = batch.to_version;
  state->feed.to_version = batch.to_version;
  state->feed.rate_samples = batch.rate_samples;
  state->feed.rate_first_at = batch.rate_first_at;
  to_peers(self, state, caf::make_message(replica_atom::value, std::move(batch)));
}

void send_replica_heartbeat(Self* self, const StatePtr& state) {
  if (!feeding(state)) return;
  to_peers(self, state, caf::make_message(replica_atom::value, state->feed));
}

caf::result<caf::message> ask_snapshot_of(Self* self, const StatePtr& state, domain::NodeId host) {
  auto* link = owner_link(state, host);
  if (!link) return no_snapshot("the queue's host is not reachable");
  auto promise = self->make_response_promise();
  promise.delegate(link->router, replica_atom::value, snapshot_atom::value);
  return promise;
}

caf::result<caf::message> serve_snapshot(Self* self, const StatePtr& state) {
  const auto it = state->entities.find(kQueueKey);
  if (it == state->entities.end()) return no_snapshot("the queue is not hosted here");
  auto promise = self->make_response_promise();
  promise.delegate(it->second, snapshot_atom::value);
  return promise;
}

}  // namespace boxoffice::actors::routing
